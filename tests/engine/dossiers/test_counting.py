"""A dossier's appointment by its procedure's counting rule, kept when the catalog
changes, and said on the receipt."""

from __future__ import annotations

from engine.definitions import list_catalog
from engine.dossiers import receipt, require_verification
from engine.queries import show_dossier
from tests.conftest import DATA, deploy_files, vn
from tests.engine.dossiers.helpers import receive

CIVIL_SOURCE = 'counting = "Bộ luật Dân sự số 91/2015/QH13, Điều 147, Điều 148"\n'


def civil_code_entry(tmp_path):
    """The simple procedure's entry choosing the Civil Code's counting (a new version)."""
    text = (DATA / "simple_procedure.toml").read_text("utf-8")
    text = 'counting = "civil_code"\n' + text.replace("[sources]\n", "[sources]\n" + CIVIL_SOURCE)
    path = tmp_path / "simple_procedure.toml"
    path.write_text(text, "utf-8")
    return path


def test_each_rule_gives_its_appointment_and_a_dossier_keeps_the_rule_it_got(
        session, simple, tmp_path):
    before = receive(simple, session, at="2026-03-10 10:00")  # Tuesday, P3D
    assert before.appointment_at == vn("2026-03-13 10:00")
    first = receipt(session, before.code)
    assert first.counting == "working_hours"
    assert first.counting_note == "Thời hạn tính theo giờ làm việc kể từ khi tiếp nhận hồ sơ"

    deploy_files(session, simple, civil_code_entry(tmp_path))
    assert [e.counting for e in list_catalog(session)] == ["civil_code"]
    after = receive(simple, session, at="2026-03-10 10:00")
    assert after.appointment_at == vn("2026-03-13 17:00")
    paper = receipt(session, after.code)
    assert paper.counting == "civil_code"
    assert "không kể ngày tiếp nhận hồ sơ" in paper.counting_note
    assert "Bộ luật Dân sự năm 2015, Điều 147, Điều 148" in paper.counting_note

    # The older dossier was received under the older version: nothing about it moves.
    assert show_dossier(session, before.code).appointment_at == vn("2026-03-13 10:00")
    assert receipt(session, before.code).counting == "working_hours"


def test_verification_counts_the_longer_limit_by_the_same_rule(session, simple, tmp_path):
    deploy_files(session, simple, civil_code_entry(tmp_path))
    dossier = receive(simple, session, at="2026-03-10 10:00")
    require_verification(session, simple, dossier.code, user="u", reason="Cần xác minh",
                         at=vn("2026-03-10 11:00"))
    # P5D, the receipt day not counted: Wednesday to the next Tuesday.
    assert show_dossier(session, dossier.code).appointment_at == vn("2026-03-17 17:00")
