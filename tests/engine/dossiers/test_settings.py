"""Per-procedure settings of a dossier's life ([settings] in a catalog entry): the
supplement period, refusing when it runs out, how many apologies and how late one may be
signed; the defaults for entries that state none; checked at deploy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.calendar import limit_parser
from engine.definitions import DEFAULTS, DefinitionError, deploy_catalog
from engine.dossiers import (
    apologize,
    apology,
    overdue_supplements,
    request_supplement,
    settings_of,
    supplement_request,
    tick,
)
from engine.errors import InvalidAction
from engine.queries import show_dossier
from engine.runtime import dossier_row
from engine.storage import Apology, ProcedureVersion
from tests.conftest import DATA, savepoints, vn
from tests.engine.dossiers.helpers import receive

ENTRY = (DATA / "simple_procedure.toml").read_text("utf-8")


def with_settings(settings: str, sources: str) -> bytes:
    """The simple procedure's entry with a [settings] table and their sources."""
    text = ENTRY.replace("[sources]\n", "[sources]\n" + sources)
    return (text + "\n[settings]\n" + settings).encode("utf-8")


def deploy(session, runtime, raw: bytes, name: str = "simple_procedure.toml"):
    return deploy_catalog(session, [(name, raw)], user="d", at=vn("2026-01-01 08:00"),
                          limit_parser=limit_parser(runtime.calendar(session, "PHUCLOI")))


def ask(session, runtime, code, at):
    return request_supplement(session, runtime, code, user="u", items=["Giấy chứng sinh"],
                              reason="Thiếu", at=vn(at))


def test_defaults_when_the_entry_states_none(session, simple):
    dossier = receive(simple, session)  # Monday 02/03 09:00
    assert settings_of(session, dossier_row(session, dossier.code)) == DEFAULTS
    ask(session, simple, dossier.code, "2026-03-02 10:00")
    # 7 working days: Monday 02/03 10:00 -> Wednesday 11/03 10:00
    assert supplement_request(session, dossier.code).deadline_at == vn("2026-03-11 10:00")


def test_a_custom_supplement_period_gives_its_deadline(session, simple):
    deploy(session, simple, with_settings('supplement_period = "P3D"\n',
                                          '"settings.supplement_period" = "Quyết định mẫu"\n'))
    dossier = receive(simple, session)
    ask(session, simple, dossier.code, "2026-03-02 10:00")
    assert supplement_request(session, dossier.code).deadline_at == vn("2026-03-05 10:00")
    # the tick refuses it after those 3 days, saying so
    tick(savepoints(session), simple, vn("2026-03-05 11:00"))
    view = show_dossier(session, dossier.code)
    assert view.status == "refused"
    assert view.finish_reason == "Không bổ sung hồ sơ trong thời hạn 3 ngày làm việc"


def test_an_overdue_supplement_waits_when_the_procedure_does_not_refuse(session, simple):
    deploy(session, simple, with_settings(
        "refuse_when_supplement_overdue = false\n",
        '"settings.refuse_when_supplement_overdue" = "Quyết định mẫu"\n'))
    dossier = receive(simple, session)
    ask(session, simple, dossier.code, "2026-03-02 10:00")
    assert overdue_supplements(session, vn("2026-03-12 10:00")) == []
    tick(savepoints(session), simple, vn("2026-03-12 10:00"))
    assert show_dossier(session, dossier.code).status == "waiting_supplement"


def test_an_apology_beyond_the_allowed_count_is_refused(session, simple):
    deploy(session, simple, with_settings("apologies_allowed = 1\n",
                                          '"settings.apologies_allowed" = "Quyết định mẫu"\n'))
    code = receive(simple, session).code  # due Thursday 05/03 09:00
    apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh",
              new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:00"))
    with pytest.raises(InvalidAction, match="already has 1 apologies") as refused:
        apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ tiếp",
                  new_appointment=vn("2026-03-12 17:00"), at=vn("2026-03-09 16:00"))
    assert refused.value.code == "too_many_apologies"
    assert show_dossier(session, code).appointment_at == vn("2026-03-10 17:00")
    assert session.scalar(select(func.count(Apology.id))) == 1


def test_an_apology_signed_too_close_to_the_appointment_is_refused(session, simple):
    deploy(session, simple, with_settings('apology_lead_time = "P1D"\n',
                                          '"settings.apology_lead_time" = "Quyết định mẫu"\n'))
    code = receive(simple, session).code  # due Thursday 05/03 09:00
    with pytest.raises(InvalidAction, match="at least P1D") as refused:
        apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh",
                  new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:00"))
    assert refused.value.code == "apology_too_late"
    apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh",
              new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-03 16:00"))
    assert show_dossier(session, code).appointment_at == vn("2026-03-10 17:00")


@pytest.mark.parametrize(("settings", "sources", "problem"), [
    ('supplement_period = "7 ngày"\n', '"settings.supplement_period" = "x"\n',
     "settings.supplement_period: must be an ISO 8601 duration"),
    ('apology_lead_time = "same_day"\n', '"settings.apology_lead_time" = "x"\n',
     "settings.apology_lead_time: must be an ISO 8601 duration"),
    ("apologies_allowed = -1\n", '"settings.apologies_allowed" = "x"\n',
     "settings.apologies_allowed: must be a whole number from 0 to 20"),
    ('refuse_when_supplement_overdue = "yes"\n',
     '"settings.refuse_when_supplement_overdue" = "x"\n',
     "settings.refuse_when_supplement_overdue: must be true or false"),
    ('max_apologies = 1\n', '"settings.max_apologies" = "x"\n',
     "settings.max_apologies: is not a setting"),
    ("apologies_allowed = 1\n", "", "settings.apologies_allowed: has no source"),
])
def test_a_bad_setting_is_refused_at_deploy_and_nothing_is_stored(
        session, simple, settings, sources, problem):
    before = session.scalar(select(func.count(ProcedureVersion.id)))
    with pytest.raises(DefinitionError, match=problem):
        deploy(session, simple, with_settings(settings, sources))
    assert session.scalar(select(func.count(ProcedureVersion.id))) == before


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"number": "mười hai"}, "bad_letter_number"),
    ({"number": "12/" + "A" * 60}, "bad_letter_number"),
    ({"addressee": "x" * 201}, "bad_addressee"),
    ({"addressee": "Bà A\nông B"}, "bad_addressee"),
    ({"distribution": []}, "bad_distribution"),
    ({"distribution": ["Như trên", " "]}, "bad_distribution"),
    ({"distribution": ["Nơi"] * 11}, "bad_distribution"),
])
def test_bad_letter_fields_are_refused_and_nothing_is_written(session, simple, kwargs, code):
    dossier = receive(simple, session)
    with pytest.raises(InvalidAction) as refused:
        apologize(session, simple, dossier.code, leader="lanhdao.phucloi", reason="Chờ",
                  new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:00"), **kwargs)
    assert refused.value.code == code
    assert session.scalar(select(func.count(Apology.id))) == 0
    assert show_dossier(session, dossier.code).appointment_at == dossier.appointment_at


def test_the_letter_keeps_its_number_addressee_and_distribution(session, simple):
    code = receive(simple, session).code
    apologize(session, simple, code, leader="lanhdao.phucloi", reason="Chờ xác minh",
              new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-04 16:00"),
              number=" 12/UBND-VP ", distribution=["Như trên", "Lưu: VT"])
    paper = apology(session, code)
    assert (paper.number, paper.addressee, paper.distribution, paper.sequence) == (
        "12/UBND-VP", "Nguyễn Văn A", ("Như trên", "Lưu: VT"), 1)
    assert paper.previous_appointment_at == vn("2026-03-05 09:00")
