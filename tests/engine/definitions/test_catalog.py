"""Catalog entries cite a source for every limit, or say why it is unverified."""

from __future__ import annotations

import tomllib

import pytest

from engine.calendar import WorkingCalendar, limit_parser
from engine.definitions import DefinitionError, deploy_catalog, list_catalog, unverified_limits
from engine.definitions.catalog import read_entry, stated_limits
from tests.conftest import DATA, WORKFLOWS, vn
from tests.engine.dossiers.helpers import simple  # noqa: F401 (a fixture, found by name)

PARSE = limit_parser(WorkingCalendar())
SHIPPED = sorted(WORKFLOWS.glob("*.toml"))
BASE = (b'code = "9.1"\nname = "x"\nprocess = "simple_procedure"\nfield_of_work = "x"\n'
        b'time_limit = "P3D"\ncutoff = "15:00"\neffective_from = 2024-01-01\n')


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_limit_has_a_source_or_the_mark(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    read_entry(path.name, path.read_bytes(), PARSE)  # the reader accepts it
    for name in stated_limits(data):
        cited = data.get("sources", {}).get(name, "").strip()
        why = data.get("unverified", {}).get(name, "").strip()
        assert cited or why, f"{path.name}: {name}"


def test_the_corrected_limits():
    residence = tomllib.loads((WORKFLOWS / "permanent_residence.toml").read_text("utf-8"))
    assert (residence["code"], residence["time_limit"]) == ("1.004222", "P7D")
    assert "verification_time_limit" not in residence
    assert "Điều 22 khoản 3" in residence["sources"]["time_limit"]
    linked = tomllib.loads((WORKFLOWS / "birth_residence_health_card.toml").read_text("utf-8"))
    assert all("Nghị định 63/2024/NĐ-CP, Điều 7" in linked["sources"][k]
               for k in ("time_limit", "verification_time_limit", "cutoff"))
    assert set(linked["unverified"]) == {
        "parts.residence_linked_part.time_limit",
        "parts.residence_linked_part.verification_time_limit",
        "parts.health_card_linked_part.time_limit"}


def test_a_limit_without_source_is_refused_naming_it():
    with pytest.raises(DefinitionError) as refused:
        read_entry("x.toml", BASE + b'[sources]\ntime_limit = "Luat A, art. 1"\n', PARSE)
    assert str(refused.value) == ("x.toml: cutoff: has no source: add it to [sources] "
                                  "(article, document) or to [unverified] with the reason")


def test_unverified_needs_a_reason_and_names_only_limits():
    with pytest.raises(DefinitionError) as refused:
        read_entry("x.toml", BASE + b'[sources]\ntime_limit = "Luat A, art. 1"\n'
                   b'cut_off = "typo"\n[unverified]\ncutoff = " "\n', PARSE)
    message = str(refused.value)
    assert "unverified: must be a table of limit" in message
    assert "sources.cut_off: names no limit of this entry" in message


def test_a_part_limit_is_checked_like_the_entry_own():
    with pytest.raises(DefinitionError, match=r"parts\.p\.time_limit: .*P1Y.*"
                                              r"parts\.p\.time_limit: has no source"):
        read_entry("x.toml", BASE + b'[parts.p]\ntime_limit = "P1Y"\n[unverified]\n'
                   b'time_limit = "a"\ncutoff = "b"\n', PARSE)


@pytest.mark.usefixtures("simple")
def test_a_part_limit_must_be_what_its_diagram_runs(session):
    raw = BASE + (b'[parts.simple_procedure]\ntime_limit = "P9D"\n[unverified]\n'
                  b'time_limit = "a"\ncutoff = "b"\n"parts.simple_procedure.time_limit" = "c"\n')
    with pytest.raises(DefinitionError, match=r"parts\.simple_procedure\.time_limit: 'P9D' "
                                              r"differs from the diagram's time_limit 'P2D'"):
        deploy_catalog(session, [("x.toml", raw)], user="d", at=vn("2026-01-01 08:00"),
                       limit_parser=PARSE)


@pytest.mark.usefixtures("simple")
def test_unverified_limits_lists_procedure_limit_value_and_why(session):
    assert [(u.code, u.limit, u.value, u.reason) for u in unverified_limits(
        list_catalog(session))] == [("9.000001", "cutoff", "15:00",
                                     "giờ nhận hồ sơ chưa đối chiếu (mẫu)")]
    assert (DATA / "simple_procedure.toml").exists()


SOURCED = b'[sources]\ntime_limit = "Luat A, art. 1"\ncutoff = "Luat A, art. 2"\n'


def test_an_unknown_counting_rule_is_refused_naming_the_key():
    with pytest.raises(DefinitionError) as refused:
        read_entry("x.toml", b'counting = "calendar_days"\n' + BASE + SOURCED
                   + b'counting = "Luat A, art. 3"\n', PARSE)
    assert str(refused.value) == ("x.toml: counting: 'calendar_days' is not a counting rule: "
                                  "use one of working_hours, civil_code")


def test_a_counting_rule_needs_a_source_like_a_limit():
    with pytest.raises(DefinitionError, match="counting: has no source"):
        read_entry("x.toml", b'counting = "civil_code"\n' + BASE + SOURCED, PARSE)
    data = read_entry("x.toml", b'counting = "civil_code"\n' + BASE + SOURCED
                      + b'counting = "Bo luat Dan su 91/2015/QH13, Dieu 147, 148"\n', PARSE)
    assert data["counting"] == "civil_code"
