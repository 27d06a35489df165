"""The database: engines and sessions for SQLite and PostgreSQL, the typed models of
everything the engine stores, few-statement writes (`queue_row`, `insert_now`,
`write_changes`) and the day counts kept with them (`DossierDay`, `TaskDay`), another
writer's change turned into `Conflict`, due work claimed by one worker (`claim_due`),
and the Alembic migrations (`upgrade`)."""

from engine.storage.claims import claim_due
from engine.storage.concurrency import atomic, conflicts
from engine.storage.count_cells import (
    dossier_cells,
    event_cells,
    local_day,
    local_month,
    task_cells,
    unit_roots,
)
from engine.storage.daily_tables import DossierDay, HandoverMonth, StepMonth, TaskDay
from engine.storage.day_counts import compact_day_counts, rebuild_day_counts, write_counts
from engine.storage.db import (
    alembic_config,
    begin_writing,
    is_locked,
    make_engine,
    make_sessionmaker,
    upgrade,
)
from engine.storage.journal import insert_now, queue_row, write_changes, write_queued
from engine.storage.models import (
    Apology,
    Base,
    CalendarOverride,
    DefinitionVersion,
    Dossier,
    DossierSequence,
    Event,
    Message,
    Notification,
    Pause,
    ProcedureVersion,
    Subscription,
    TaskRecord,
)
from engine.storage.org_tables import (
    ApiToken,
    Department,
    SecurityEvent,
    SigninThrottle,
    Unit,
    UnitService,
    UnitSuccession,
    User,
    UserSession,
)

__all__ = [
    "ApiToken", "Apology", "Base", "CalendarOverride", "DefinitionVersion", "Department",
    "Dossier", "DossierDay", "DossierSequence", "Event", "Message", "Notification", "Pause",
    "ProcedureVersion", "TaskDay", "compact_day_counts", "local_day", "rebuild_day_counts",
    "HandoverMonth", "StepMonth", "local_month", "dossier_cells", "event_cells", "task_cells",
    "unit_roots",
    "write_counts",
    "SecurityEvent", "SigninThrottle", "Subscription", "TaskRecord", "Unit", "UnitService",
    "UnitSuccession", "User",
    "UserSession", "alembic_config", "atomic", "begin_writing", "claim_due", "conflicts",
    "insert_now", "is_locked", "make_engine", "make_sessionmaker", "queue_row", "upgrade",
    "write_changes", "write_queued",
]
