"""Control characters wherever a client can put them in a request: in a path or a query,
refused before any view reads them, naming where; in a form, named on the form by its
own checks; never a 500 (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import pytest

from tests.web.conftest import login


@pytest.mark.parametrize(("path", "where"), [
    ("/dossiers/A%00B", "path"),
    ("/desk/dossiers/%00", "path"),
    ("/tasks/%01abc", "path"),
    ("/dossiers?q=a%00b", "q"),
    ("/admin/security-events?user=a%00b", "user"),
    ("/papers/logbook?from=2026-03-01%0b", "from"),
])
def test_a_page_asked_with_a_control_character_is_a_clear_400(client, path, where):
    login(client, "admin")
    response = client.get(path)
    assert response.status_code == 400
    assert f"ký tự điều khiển không hợp lệ ở {where}" in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "where"), [
    ("/api/dossiers/A%00B", "path"),
    ("/api/tasks/%00", "path"),
    ("/api/dossiers?q=%00", "q"),
    ("/api/no-such-route?x=%01", "x"),  # no API route matched: still the API's JSON
    ("/api/tasks/%2F?q=%00", "q"),
])
def test_the_api_answers_json_naming_where(client, run_cli, path, where):
    response = client.get(path, headers={"Authorization": "Bearer not-checked-yet"})
    assert response.status_code == 400
    assert response.get_json()["error"] == (f"{where} holds a control character; nothing "
                                            "was changed")


def test_a_form_field_with_nul_is_named_on_the_form_and_nothing_is_received(client):
    login(client, "tiepnhan.phucloi")
    before = client.get("/dossiers").get_data(as_text=True).count("PHUCLOI-")
    response = client.post("/desk/receive/1.001193", data={
        "applicant_name": "Nguyễn Văn\x00A", "address": "Phúc Lợi",
        "supplement_later": "1", "channel": "in_person"})
    assert response.status_code == 400
    assert "Có ký tự điều khiển không hợp lệ." in response.get_data(as_text=True)
    assert client.get("/dossiers").get_data(as_text=True).count("PHUCLOI-") == before


def test_line_breaks_and_tabs_in_a_form_are_text(client):
    login(client, "tiepnhan.phucloi")
    response = client.post("/desk/receive/1.001193", data={
        "applicant_name": "Nguyễn Văn A", "address": "Số 1\r\nPhúc Lợi\tLong Biên",
        "supplement_later": "1", "channel": "in_person"})
    assert response.status_code == 302  # received
