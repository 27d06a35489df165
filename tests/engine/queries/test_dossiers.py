"""Read models of dossiers: search by code or applicant ignoring diacritics, the whole
dossier, and where it stands in its diagram."""

from __future__ import annotations

import pytest

from engine.errors import NotFound
from engine.queries import dossier_diagram, fold, has_dossiers, search_dossiers, show_dossier
from engine.runtime import complete, start
from tests.conftest import vn
from tests.samples import RECEIVE


def receive(session, runtime, name: str, at: str, unit: str = "PHUCLOI") -> str:
    return start(session, runtime, "birth_registration", unit=unit, at=vn(at),
                 applicant={"name": name}).code


def test_search_ignores_case_and_diacritics_and_stays_in_the_units(session, runtime, shipped):
    assert not has_dossiers(session)
    first = receive(session, runtime, "Nguyễn Thị Đào", "2026-03-02 09:00")
    second = receive(session, runtime, "Trần Văn Bình", "2026-03-02 10:00")
    elsewhere = receive(session, runtime, "Nguyễn Thị Đào", "2026-03-02 10:30", "VIETHUNG")
    assert has_dossiers(session)
    found = search_dossiers(session, ["PHUCLOI"], text="nguyen thi dao")
    assert [s.code for s in found] == [first]
    assert [s.code for s in search_dossiers(session, ["PHUCLOI"])] == [second, first]  # newest
    assert [s.code for s in search_dossiers(session, ["PHUCLOI"], text=second[-6:])] == [second]
    assert elsewhere not in [s.code for s in search_dossiers(session, ["PHUCLOI"], text="dao")]
    assert fold("Đường Hồ Chí Minh") == "duong ho chi minh"


def test_a_dossier_shows_its_steps_and_handovers(session, runtime, shipped):
    code = receive(session, runtime, "Nguyễn Văn A", "2026-03-02 09:00")
    view = show_dossier(session, code)
    assert (view.status, view.process_key, view.applicant) == (
        "running", "birth_registration", {"name": "Nguyễn Văn A"})
    assert [(h.from_department, h.to_department) for h in view.handovers] == [
        (None, "reception")]  # the citizen hands the dossier in
    with pytest.raises(NotFound, match="dossier NOPE does not exist"):
        show_dossier(session, "NOPE")


def test_the_diagram_marks_the_steps_done_and_the_one_waiting(session, runtime, shipped):
    code = receive(session, runtime, "Nguyễn Văn A", "2026-03-02 09:00")
    before = dossier_diagram(session, code)
    assert before.current == ("receive_check",) and "receive_check" not in before.done
    step = show_dossier(session, code).steps[0]
    complete(session, runtime, step.id, user="clerk", data=RECEIVE, at=vn("2026-03-02 09:30"))
    after = dossier_diagram(session, code)
    # the registration is a called process: its call activity stands for it
    assert "receive_check" in after.done and after.current == ("call_registration",)
    assert after.process_id == "birth_registration" and "<bpmn:definitions" in after.xml
