"""What the attacker of issue 9 sent the API, refused: a body too large (413), JSON
nested too deep, lone surrogates, NUL, NaN and numbers beyond a double (400), dates
out of range and texts or lists too long (422 naming the field). Nothing is stored."""

from __future__ import annotations

import json

import pytest

from tests.samples import MOTHER
from tests.web.api.client import receive
from web.inputs import MAX_PAPERS, NAME_LENGTH

RECEIVE = {"procedure": "birth_registration", "applicant": MOTHER}


def raw(api, path: str, text: str | bytes, expect: int) -> dict:
    return api.post(path, data=text, headers={"Content-Type": "application/json"},
                    expect=expect)


def test_a_body_larger_than_the_limit_is_413_naming_the_limit(reception):
    huge = {**RECEIVE, "applicant": {**MOTHER, "address": "x" * 20_000_000}}
    refused = raw(reception, "/dossiers", json.dumps(huge), 413)
    assert "1048576 bytes" in refused["error"]
    assert reception.get("/dossiers") == []


def test_the_limit_is_a_setting(app, client, reception):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    refused = raw(reception, "/dossiers", json.dumps({**RECEIVE, "x": "y" * 3000}), 413)
    assert "2048 bytes" in refused["error"]
    page = client.post("/login", data={"username": "a" * 3000})  # a page: the error page
    assert page.status_code == 413 and page.mimetype == "text/html"


@pytest.mark.parametrize(("text", "where", "problem"), [
    ("[" * 900 + "]" * 900, "[0]" * 21, "nests lists and objects more than 20 deep"),
    ("[" * 5000 + "]" * 5000, "body", "is not valid JSON"),  # beyond orjson's own limit
    (json.dumps({**RECEIVE, "data": {"a": json.loads("[" * 20 + "]" * 20)}}),
     "data.a" + "[0]" * 19, "nests lists and objects more than 20 deep"),
    ('{"procedure": "birth_registration", "applicant": {"name": "\\ud800"}}', "body",
     "is not valid JSON"),
    ('{"procedure": "birth_registration", "applicant": {"name": "A\\u0000B"}}',
     "applicant.name", "must not contain control characters"),
    ('{"procedure": "birth_registration", "applicant": {"name": "A"}, "data": {"n": NaN}}',
     "body", "is not valid JSON"),
    ('{"procedure": "birth_registration", "applicant": {"name": "A"}, "data": {"n": 1e400}}',
     "body", "is not valid JSON"),
    ('{"procedure": "birth_registration", "applicant": {"name": "A"}, "data": {"n": 1e300}}',
     "data.n", "must be between -9007199254740991 and 9007199254740991"),
    ('{"procedure": "birth_registration", "applicant": {"name": "A"}, '
     '"data": {"n": 123456789012345678901234567890}}',
     "data.n", "must be between -9007199254740991 and 9007199254740991"),
])
def test_json_the_service_cannot_keep_exactly_is_400_and_stores_nothing(
        reception, text, where, problem):
    refused = raw(reception, "/dossiers", text, 400)
    assert list(refused["fields"]) == [where]
    assert refused["fields"][where].startswith(problem)
    assert reception.get("/dossiers") == []


@pytest.mark.parametrize("when", ["9999-01-01T17:00:00+07:00", "0001-01-01T17:00:00+07:00"])
def test_an_appointment_out_of_range_is_422_naming_it(reception, as_user, when):
    code = receive(reception)["code"]
    leader = as_user("lanhdao.phucloi")
    before = reception.get(f"/dossiers/{code}")
    refused = leader.post(f"/dossiers/{code}/apology",
                          {"reason": "x", "new_appointment": when}, 422)
    assert refused["fields"] == {
        "new_appointment": "must be between 1900-01-01 and 2100-12-31"}
    assert reception.get(f"/dossiers/{code}") == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_task_dates_out_of_range_are_422_naming_the_field(reception, day):
    code = receive(reception)["code"]
    task = reception.task_of(code)
    refused = reception.post(f"/tasks/{task['id']}/complete", {"data": {
        "child_name": "Bé Na", "birth_date": day, "documents_complete": True}}, 422)
    assert refused["fields"] == {
        "data.birth_date": "must be between 1900-01-01 and 2100-12-31"}
    assert reception.task_of(code)["status"] == "ready"


def test_query_dates_out_of_range_are_400_naming_them(as_user):
    supervisor = as_user("giamsat.hanoi")
    refused = supervisor.get("/reports/period?from=0001-01-01&to=9999-12-31", 400)
    assert refused["fields"] == {"from": "must be between 1900-01-01 and 2100-12-31",
                                 "to": "must be between 1900-01-01 and 2100-12-31"}


def test_too_long_texts_and_lists_are_422_naming_them(reception):
    refused = reception.post("/dossiers", {
        **RECEIVE, "applicant": {"name": "A" * (NAME_LENGTH + 1)},
        "documents": ["Tờ khai"] * (MAX_PAPERS + 1)}, 422)
    assert refused["fields"] == {
        "applicant.name": f"must be at most {NAME_LENGTH} characters",
        "documents": f"must have at most {MAX_PAPERS} items"}
    refused = reception.post("/dossiers", {**RECEIVE, "data": {
        f"v{i}": i for i in range(51)}}, 422)
    assert refused["fields"] == {"data": "must have at most 50 items"}
    assert reception.get("/dossiers") == []


def test_task_numbers_are_bounded_and_nothing_is_stored(reception, as_user, db_engine):
    code = receive(reception)["code"]
    task = reception.task_of(code)
    refused = reception.post(f"/tasks/{task['id']}/complete", {"data": {
        "child_name": "x" * 2001, "birth_date": "2026-02-27",
        "documents_complete": True}}, 422)
    assert refused["fields"] == {"data.child_name": "must be at most 2000 characters"}
    assert reception.task_of(code)["status"] == "ready"
