"""Form II.06a of a unit for a period: the counts of day_sums.py, by field of work."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from engine.errors import InvalidAction
from engine.org import get_unit
from engine.reporting.day_sums import grouped_counts
from engine.reporting.finished import DEFAULT_RULE, FinishedRule
from engine.reporting.period import (
    TOTAL_LABEL,
    PeriodReport,
    ReportRow,
    add_rows,
    vietnamese_sort_key,
)
from engine.reporting.unit_scope import DEFAULT_MAP, MapRule, report_scope
from engine.vocabulary import DEFAULT_TZ


def period_report(session: Session, *, unit: str, start: date, end: date,
                  tz: str = DEFAULT_TZ, finished_as: FinishedRule = DEFAULT_RULE,
                  unit_map: MapRule = DEFAULT_MAP) -> PeriodReport:
    """Form II.06a for `unit` and every unit below it, local dates `start`..`end`; with
    the predecessors it carried over unless `unit_map` is as-then (engine/reporting/
    unit_scope.py).

    Every row adds up as the form does: received = resolved + in progress; `finished_as`
    says where withdrawn, refused and stopped dossiers go (docs/report.md). The rows are
    the fields of work; the total row adds them up.
    Raises NotFound for an unknown unit, InvalidAction if `start` is after `end`.
    """
    if start > end:
        raise InvalidAction(f"the period starts ({start:%d/%m/%Y}) after it ends "
                            f"({end:%d/%m/%Y})")
    home = get_unit(session, unit)
    scope = report_scope(session, unit, start, end, unit_map)
    by_field: dict[str, list[ReportRow]] = defaultdict(list)
    for (_, field, _), (row, _, _) in grouped_counts(session, scope.units, start, end,
                                                     finished_as, tz):
        by_field[field].append(row)
    rows = sorted((add_rows(field, parts) for field, parts in by_field.items()),
                  key=lambda row: vietnamese_sort_key(row.field_of_work))
    return PeriodReport(unit=home.code, unit_name=home.name, start=start, end=end,
                        rows=tuple(rows), total=add_rows(TOTAL_LABEL, rows),
                        finished_as=finished_as, scope=scope)
