"""The map of units in the browser: the units in force on a day, one unit with its
predecessors, successors and agencies."""

from __future__ import annotations

import pytest

from engine.errors import InvalidAction
from tests.samples import BIRTH
from tests.web.conftest import login
from tests.web.pages.helpers import dossier, page, ready, receive, work


def test_the_new_ward_shows_as_a_ward_of_ha_noi_with_its_predecessors(client):
    login(client, "tiepnhan.phucloi")
    html = page(client.get("/units/PHUCLOI"))
    assert "Phường Phúc Lợi" in html and 'href="/units/HANOI">Thành phố Hà Nội</a>' in html
    assert "từ 01/07/2025" in html
    for old in ("LB-PHUCLOI", "LB-PHUCDONG", "LB-VIETHUNG", "GL-COBI"):
        assert f'data-predecessor="{old}"' in html
    carried = html.split('data-predecessor="LB-PHUCDONG"')[1].split("</tr>")[0]
    assert "Đơn vị này tiếp nhận hồ sơ của đơn vị trước" in carried
    assert "Nghị quyết 1656/NQ-UBTVQH15" in carried
    police = html.split('data-agency="CA-PHUCLOI"')[1].split("</li>")[0]
    assert "mặc định" in police
    # the old ward says where it went and under which district it was
    old = page(client.get("/units/LB-PHUCLOI"))
    assert 'data-successor="PHUCLOI"' in old and "Quận Long Biên" in old
    assert "đến 30/06/2025" in old


def test_the_map_on_a_day_before_and_after_the_reorganisation(client):
    login(client, "giamsat.phucloi")
    before = page(client.get("/units/?on=2025-06-30"))
    after = page(client.get("/units/?on=2025-07-01"))
    assert 'data-unit="LONGBIEN"' in before and 'data-unit="LB-PHUCLOI"' in before
    assert 'data-unit="PHUCLOI"' not in before
    assert 'data-unit="PHUCLOI"' in after and 'data-unit="LONGBIEN"' not in after
    # the ward sits under the city on the new map
    city = after.split('data-unit="HANOI"')[1]
    assert 'data-unit="PHUCLOI"' in city


def test_bad_days_and_unknown_units_are_refused_plainly(client):
    login(client, "tiepnhan.phucloi")
    assert client.get("/units/?on=2025-13-45").status_code == 400
    missing = client.get("/units/NOPE")
    assert missing.status_code == 404 and "Không có đơn vị NOPE." in page(missing)
    assert client.get("/units/" + "X" * 5000).status_code == 404


def test_the_map_is_for_signed_in_people(client):
    assert client.get("/units/PHUCLOI").status_code == 302


def test_the_new_wards_people_work_the_old_wards_running_dossiers(app, client):
    """A dossier the old Phúc Lợi received on its last day is still the old ward's; the
    new ward took it over: its officer opens and works the step, Việt Hưng's cannot."""
    code = receive(app, "birth_registration", "2025-06-30 09:00", unit="LB-PHUCLOI")
    assert code.startswith("LB-PHUCLOI-250630-")
    work(app, code, BIRTH, "2025-06-30 10:00")
    (task,) = ready(app, code, "civil_status")
    login(client, "hotich.phucloi")
    assert client.get(f"/dossiers/{code}").status_code == 200
    assert 'action="/tasks/' in page(client.get(f"/tasks/{task.id}"))
    assert client.post(f"/tasks/{task.id}/claim").status_code == 302
    assert [t.claimed_by for t in ready(app, code, "civil_status")] == ["hotich.phucloi"]
    assert dossier(app, code).unit == "LB-PHUCLOI"  # the dossier keeps its unit
    other = app.test_client()
    login(other, "hotich.viethung")
    assert other.get(f"/dossiers/{code}").status_code == 404


def test_the_old_ward_receives_nothing_after_it_is_gone(app):
    with pytest.raises(InvalidAction, match="did not exist on 01/07/2025"):
        receive(app, "birth_registration", "2025-07-01 08:00", unit="LB-PHUCLOI")


def test_the_new_wards_desk_returns_the_old_wards_result(app, client):
    """The desk of the ward that took the old one over deals with its citizens: it may
    withdraw (or return) the old ward's dossier; another ward's desk may not."""
    code = receive(app, "birth_registration", "2025-06-30 09:00", unit="LB-PHUCLOI")
    other = app.test_client()
    login(other, "tiepnhan.viethung")
    assert other.post(f"/desk/dossiers/{code}/withdraw",
                      data={"withdrawal": "Công dân rút"}).status_code == 404
    login(client, "tiepnhan.phucloi")
    done = client.post(f"/desk/dossiers/{code}/withdraw", data={"withdrawal": "Công dân rút"})
    assert done.status_code == 302
    assert dossier(app, code).status == "withdrawn"
