"""The indicators of Decision 766/QĐ-TTg (23/6/2022: the index by which every unit's
service to citizens is scored, in real time, from its one-stop data) that this system
can compute for a unit and a period, each with its formula (docs/report.md).

They are read from the dashboard's figures by procedure (the II.06a counting rules)
and one query of the average time taken per procedure; feedback handled on time waits
for feedback (issue 14).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.reporting.dashboard import ProcedureFigures
from engine.reporting.period import percentage, period_bounds
from engine.storage import Dossier
from engine.vocabulary import FinishKind

SOURCE = "Quyết định 766/QĐ-TTg ngày 23/6/2022"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str  # the indicator's Vietnamese name
    value: float | None  # a percentage, or days for the average times; None: no data
    unit: str  # "%" or "ngày"
    formula: str  # how it is counted here, in words


@dataclass(frozen=True)
class ProcedureTime:
    procedure: str  # the dashboard row's label
    resolved: int
    average_days: float | None  # calendar days from the start of counting to the result


@dataclass(frozen=True)
class Indicators:
    source: str
    indicators: tuple[Indicator, ...]
    times: tuple[ProcedureTime, ...]


def _average_days(session: Session, board: ProcedureFigures, tz: str
                  ) -> dict[str, tuple[int, float]]:
    """Per procedure key: dossiers resolved in the period, their mean calendar days
    from the start of counting to the result."""
    lo, hi = period_bounds(board.start, board.end, tz)
    procedure = func.coalesce(Dossier.procedure_code, Dossier.process_key)
    rows = session.execute(
        select(procedure, Dossier.counting_from, Dossier.resolved_at)
        .where(Dossier.unit.in_(board.units), Dossier.finish_kind == FinishKind.RESOLVED,
               Dossier.resolved_at >= lo, Dossier.resolved_at < hi))
    sums: dict[str, tuple[int, float]] = {}
    for key, start, done in rows:
        if done is None:  # the query takes resolved dossiers only
            continue
        count, total = sums.get(key or "", (0, 0.0))
        sums[key or ""] = (count + 1, total + (done - start).total_seconds() / 86400)
    return sums


def _time(label: str, count: int, days: float) -> ProcedureTime:
    return ProcedureTime(label, count, round(days / count, 1) if count else None)


def service_indicators(session: Session, board: ProcedureFigures, tz: str) -> Indicators:
    """Decision 766's computable indicators for the unit and period of `board`
    (procedure_figures)."""
    total = board.total.row
    procedures = [f for f in board.by_procedure if f.row.received_total]
    with_online = [f for f in procedures if f.row.received_online]
    new = total.received_online + total.received_in_person
    on_time = total.resolved_early + total.resolved_on_time
    sums = _average_days(session, board, tz)
    times = tuple(_time(f.label, *sums.get(f.key, (0, 0.0))) for f in board.by_procedure)
    resolved = sum(count for count, _days in sums.values())
    days = sum(total_days for _count, total_days in sums.values())
    return Indicators(SOURCE, (
        Indicator("on_time", "Tỷ lệ hồ sơ giải quyết đúng hạn", percentage(on_time,
                  total.resolved_total), "%",
                  "hồ sơ giải quyết trước hạn và đúng hạn ÷ hồ sơ đã giải quyết trong kỳ; "
                  "thời gian chờ công dân bổ sung không tính; hồ sơ phải bổ sung từ 2 lần "
                  "trở lên tính là quá hạn"),
        Indicator("online_share", "Tỷ lệ hồ sơ nộp trực tuyến", percentage(
                  total.received_online, new), "%",
                  "hồ sơ tiếp nhận trực tuyến ÷ hồ sơ tiếp nhận mới trong kỳ"),
        Indicator("online_procedures", "Tỷ lệ thủ tục có phát sinh hồ sơ trực tuyến",
                  percentage(len(with_online), len(procedures)), "%",
                  "thủ tục có ít nhất một hồ sơ trực tuyến ÷ thủ tục có hồ sơ trong kỳ"),
        Indicator("average_days", "Thời gian giải quyết trung bình",
                  round(days / resolved, 1) if resolved else None, "ngày",
                  "trung bình số ngày (theo lịch) từ khi bắt đầu tính thời hạn đến khi có "
                  "kết quả, các hồ sơ giải quyết trong kỳ"),
        Indicator("feedback_on_time", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", None,
                  "%", "chưa có dữ liệu: hệ thống chưa tiếp nhận phản ánh, kiến nghị"),
    ), times)
