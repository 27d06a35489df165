"""The rules of a dossier's life that the law leaves to the unit or that changed between
texts, per procedure: a `[settings]` table in its catalog entry (docs/catalog.md), each
with a built-in default and the source of that default.

Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP could not be read article by article
(docs/papers.md, "Sources"): every default below keeps what the app did before and says
where it comes from and whether that was confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.definitions.bpmn_xml import Problem

SETTINGS = "settings"  # the catalog entry's table
MAX_APOLOGIES = 20  # a bound for `apologies_allowed`, far above any rule seen


@dataclass(frozen=True)
class ProcedureSettings:
    """The settings a dossier follows (its catalog version's, else the defaults)."""

    # How long the citizen has to supplement a dossier (working time, ISO 8601).
    supplement_period: str = "P7D"
    # Whether a dossier whose supplement did not come in time is refused by the tick.
    refuse_when_supplement_overdue: bool = True
    # How many apologies (new appointments) a dossier may get; None: no limit.
    apologies_allowed: int | None = None
    # How long before the current appointment (working time) an apology must be signed
    # at the latest; None: any time, even after the appointment passed.
    apology_lead_time: str | None = None


DEFAULTS = ProcedureSettings()

# Where each default comes from. "Unverified" means no stored text confirmed it.
DEFAULT_SOURCES: Mapping[str, str] = {
    "supplement_period": (
        "Unverified: 7 working days to supplement, then refusal, is the project's domain "
        "brief for the interlinked birth procedure (Decree 63/2024/NĐ-CP); the article of "
        "Decree 118/2025/NĐ-CP on supplements was not read."),
    "refuse_when_supplement_overdue": (
        "Unverified: the same brief (refused when the supplement does not come in time); "
        "whether Decree 118/2025 applies this to every procedure was not read."),
    "apologies_allowed": (
        "Unverified: no limit (the app's behaviour before settings). Decree 107/2021 "
        "(amending Decree 61/2018, art. 19) is remembered as allowing the new date only "
        "once; not confirmed, and Decree 118/2025's article was not read."),
    "apology_lead_time": (
        "Unverified: not enforced (the app's behaviour before settings). Decree 61/2018, "
        "art. 19, is remembered as asking for the apology at least 1 working day before the "
        "deadline; not confirmed for Decree 118/2025."),
}


def _duration(value: Any, parse: Callable[[str], object]) -> str | None:
    if not isinstance(value, str) or not value.startswith("P"):
        return "must be an ISO 8601 duration such as \"P7D\" (text)"
    try:
        parse(value)
    except ValueError as exc:
        return str(exc)
    return None


def check_settings(data: Mapping[str, Any], parse: Callable[[str], object]) -> list[Problem]:
    """What is wrong with an entry's `[settings]` table (nothing when it has none)."""
    table = data.get(SETTINGS, {})
    if not isinstance(table, dict):
        return [Problem(SETTINGS, "must be a table of settings")]
    problems = []
    for key, value in table.items():
        name = f"{SETTINGS}.{key}"
        if key not in DEFAULT_SOURCES:
            problems.append(Problem(name, "is not a setting: use one of "
                                          f"{', '.join(DEFAULT_SOURCES)}"))
        elif key in ("supplement_period", "apology_lead_time"):
            problem = _duration(value, parse)
            if problem:
                problems.append(Problem(name, problem))
        elif key == "refuse_when_supplement_overdue":
            if not isinstance(value, bool):
                problems.append(Problem(name, "must be true or false"))
        elif key == "apologies_allowed" and (
                isinstance(value, bool) or not isinstance(value, int)
                or not 0 <= value <= MAX_APOLOGIES):
            problems.append(Problem(name, f"must be a whole number from 0 to {MAX_APOLOGIES}"))
    return problems


def procedure_settings(data: Mapping[str, Any] | None) -> ProcedureSettings:
    """The settings of a stored catalog entry (its `data`, checked at deploy), the
    defaults for what it does not state or when there is no entry. Versions are never
    rewritten, so a dossier keeps the settings it was received under."""
    table = (data or {}).get(SETTINGS) or {}
    known = {k: v for k, v in table.items() if k in DEFAULT_SOURCES}
    return ProcedureSettings(**known)


def stated_settings(data: Mapping[str, Any]) -> dict[str, str]:
    """The settings an entry states, as `settings.<key>` = value (they need a source)."""
    table = data.get(SETTINGS, {})
    if not isinstance(table, dict):
        return {}
    return {f"{SETTINGS}.{k}": str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in table.items()}


def period_words(duration: str) -> str:
    """'P7D' as the papers say it ('7 ngày làm việc'); the duration itself otherwise."""
    if duration.startswith("P") and duration.endswith("D") and duration[1:-1].isdigit():
        return f"{int(duration[1:-1])} ngày làm việc"
    return duration
