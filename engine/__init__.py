"""Liên Thông's BPMN service core: definitions, runtime, calendar, SLA timing, storage.

This package never imports Flask or `web`; it is what `web` and the CLI build on.
"""

from engine.calendar import OfficeHours, WorkingCalendar
from engine.clock import Clock, FixedClock, SystemClock
from engine.db import make_engine, make_sessionmaker, upgrade
from engine.definitions import DefinitionError, FieldSpec
from engine.errors import Conflict, EngineError, InvalidAction, InvalidData, NotFound, ScriptFailed
from engine.queries import (
    DiagramView,
    DossierSummary,
    dossier_diagram,
    find_dossier,
    get_task,
    list_tasks,
    ready_task_ids,
    search_dossiers,
    show_dossier,
)
from engine.reference import seed_departments
from engine.report import PeriodReport, ReportRow, period_report
from engine.repository import Deployed, deploy, latest_versions, read_paths
from engine.runtime import CHANNELS, Runtime
from engine.timers import TickResult, due_dossiers, fire_timers, tick
from engine.views import DossierView, EventView, HandoverView, LinkView, ShownValue, TaskView

__all__ = [
    "CHANNELS", "Clock", "Conflict", "DefinitionError", "Deployed", "DiagramView",
    "DossierSummary", "DossierView", "EngineError", "EventView", "FieldSpec", "FixedClock",
    "HandoverView", "InvalidAction", "InvalidData", "LinkView", "NotFound", "OfficeHours",
    "PeriodReport", "ReportRow", "Runtime", "ScriptFailed", "ShownValue", "SystemClock",
    "TaskView", "TickResult", "WorkingCalendar", "deploy", "dossier_diagram", "due_dossiers",
    "find_dossier", "fire_timers", "get_task", "latest_versions", "list_tasks", "make_engine",
    "make_sessionmaker", "period_report", "read_paths", "ready_task_ids", "search_dossiers",
    "seed_departments", "show_dossier", "tick", "upgrade",
]
