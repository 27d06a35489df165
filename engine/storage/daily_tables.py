"""Day counts: the supervisors' figures kept as additive counts per unit and local day,
written in the same transaction as the rows they count (engine/storage/day_counts.py),
so a year of a city is a few hundred thousand small rows instead of millions of dossiers
and task records.

The tables are append-only: each change adds a row of differences (+1 here, -1 there)
and `compact_day_counts` merges the rows of a key into one. A figure is the SUM over a
key's rows, whether merged yet or not."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base


class DossierDay(Base):
    """Dossiers of one unit, procedure and field of work, counted on one local day by
    the instant that day holds (docs/report.md, "How the dashboard adds up"). Dossiers
    that ended otherwise than resolved are not counted here (a report reads them from
    the dossier table), but their supplement requests and apologies are."""

    __tablename__ = "dossier_day"
    __table_args__ = (Index("ix_dossier_day_unit_day", "unit", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(64))
    procedure: Mapped[str] = mapped_column(String(200), doc="procedure code, else process key")
    field_of_work: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    received_online: Mapped[int] = mapped_column(Integer, default=0)
    received_in_person: Mapped[int] = mapped_column(Integer, default=0)
    resolved_early: Mapped[int] = mapped_column(Integer, default=0, doc="by the day resolved")
    resolved_on_time: Mapped[int] = mapped_column(Integer, default=0)
    resolved_late: Mapped[int] = mapped_column(Integer, default=0)
    deadline_from: Mapped[int] = mapped_column(
        Integer, default=0, doc="by the later of received and deadline: overdue from then on")
    deadline_until: Mapped[int] = mapped_column(
        Integer, default=0, doc="by the later of resolved and deadline: overdue until then")
    supplement_requests: Mapped[int] = mapped_column(
        Integer, default=0, doc="by the day asked; of any dossier, however it ended")
    apologies: Mapped[int] = mapped_column(Integer, default=0, doc="by the day signed; any")


class TaskDay(Base):
    """Task records of one unit's dossiers and one department, counted on one local day
    (cancelled records that never completed are not counted)."""

    __tablename__ = "task_day"
    __table_args__ = (Index("ix_task_day_unit_day", "unit", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    started: Mapped[int] = mapped_column(Integer, default=0, doc="became ready")
    ended: Mapped[int] = mapped_column(Integer, default=0, doc="completed")
    done: Mapped[int] = mapped_column(Integer, default=0, doc="completed, status completed")
    done_late: Mapped[int] = mapped_column(Integer, default=0)
    due_from: Mapped[int] = mapped_column(Integer, default=0,
                                          doc="by the later of ready and due")
    due_until: Mapped[int] = mapped_column(Integer, default=0,
                                           doc="by the later of completed and due")


NO_MONTH = date(1900, 1, 1)  # StepMonth.previous_month of a dossier's first step


class StepMonth(Base):
    """Completed steps of one procedure version in the units under one top unit (a
    province), by step, local month of completion and working minutes, and the month of
    the dossier's step completed before (NO_MONTH: none): the step audit's histograms
    of whole months (engine/reporting/step_months.py)."""

    __tablename__ = "step_month"
    __table_args__ = (Index("ix_step_month_definition_month", "definition_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    root: Mapped[str] = mapped_column(String(64), doc="the top unit above the dossier's")
    definition_id: Mapped[int] = mapped_column(Integer, doc="the dossier's version")
    process_id: Mapped[str] = mapped_column(String(200))
    spec_id: Mapped[str] = mapped_column(String(200))
    month: Mapped[date] = mapped_column(Date, doc="its first day")
    minutes: Mapped[int] = mapped_column(Integer, doc="working minutes, ready -> completed")
    previous_month: Mapped[date] = mapped_column(Date)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0, doc="waiting minutes, summed")


class HandoverMonth(Base):
    """Completed handovers into a step, as StepMonth, by the department handing over and
    the handover's working minutes."""

    __tablename__ = "handover_month"
    __table_args__ = (Index("ix_handover_month_definition_month", "definition_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    root: Mapped[str] = mapped_column(String(64))
    definition_id: Mapped[int] = mapped_column(Integer)
    process_id: Mapped[str] = mapped_column(String(200))
    spec_id: Mapped[str] = mapped_column(String(200))
    month: Mapped[date] = mapped_column(Date)
    handed_from: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(64))
    minutes: Mapped[int] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer, default=0)
