"""store each step's working minutes on its task record, with its unit and procedure

The step-timing audit counted every task record's working hours in Python on each
request (191 s for a city's year of birth registrations). The runtime now writes, when
a step completes, its working, waiting and handover minutes (engine/runtime/
step_minutes.py), and when a record is written the dossier's unit and definition
version, so the audit is a grouped query over one index (docs/audit.md).

This fills the rows already there: unit and definition from the dossier in SQL; the
minutes of completed rows with the engine's calendar (default office hours 8:00-12:00,
13:00-17:00 with the override table: an office configured with other hours
(LIENTHONG_OFFICE_HOURS) should recount) and the dossiers' pauses, in batches. About
80 µs per calendar walk, three per row: minutes on millions of rows.

Revision ID: 0009
Revises: 0008
"""

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session, aliased

from engine.calendar import OfficeHours, UnitCalendars
from engine.runtime import count_minutes
from engine.storage.models import UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As the models have them in 0009 (copied: a later change of the models must not
# change what this revision built).
AUDIT_COLUMNS = ["status", "process_id", "spec_id", "working_minutes",
                 "waiting_minutes", "outcome", "ready_at", "previous_completed_at"]
HANDOVER_COLUMNS = ["status", "handed_from", "department", "process_id", "spec_id",
                    "handover_minutes"]
BATCH = 5000
STATISTICS = [
    "CREATE STATISTICS st_task_record_step_minutes (ndistinct)"
    " ON process_id, spec_id, working_minutes FROM task_record",
    "CREATE STATISTICS st_task_record_handover_minutes (ndistinct)"
    " ON handed_from, department, process_id, spec_id, handover_minutes FROM task_record",
]


def _task_record() -> sa.TableClause:
    return sa.table(
        "task_record", sa.column("id"), sa.column("dossier_id"), sa.column("status"),
        sa.column("ready_at", UTCDateTime()), sa.column("claimed_at", UTCDateTime()),
        sa.column("received_at", UTCDateTime()), sa.column("completed_at", UTCDateTime()),
        sa.column("handover", sa.Boolean()), sa.column("handed_from"),
        sa.column("source_dossier_id"), sa.column("unit"),
        sa.column("dossier_definition_id"), sa.column("working_minutes"),
        sa.column("waiting_minutes"), sa.column("handover_minutes"))


def upgrade() -> None:
    for name in ("unit",):
        op.add_column('task_record', sa.Column(name, sa.String(length=64), nullable=True))
    for name in ("dossier_definition_id", "working_minutes", "waiting_minutes",
                 "handover_minutes"):
        op.add_column('task_record', sa.Column(name, sa.Integer(), nullable=True))
    op.add_column('task_record', sa.Column('previous_completed_at', sa.DateTime(timezone=True),
                                           nullable=True))
    bind = op.get_bind()
    bind.exec_driver_sql(
        "UPDATE task_record SET"
        " unit = (SELECT d.unit FROM dossier d WHERE d.id = task_record.dossier_id),"
        " dossier_definition_id = (SELECT d.definition_id FROM dossier d"
        " WHERE d.id = task_record.dossier_id)")
    bind.exec_driver_sql(
        "UPDATE task_record SET previous_completed_at = (SELECT max(b.completed_at)"
        " FROM task_record b WHERE b.dossier_id = task_record.dossier_id"
        " AND b.status = 'completed' AND b.completed_at < task_record.completed_at)"
        " WHERE status = 'completed'")
    _count_minutes(bind)
    op.create_index('ix_task_record_audit', 'task_record',
                    ['dossier_definition_id', 'unit', 'completed_at'],
                    postgresql_include=AUDIT_COLUMNS)
    op.create_index('ix_task_record_audit_handover', 'task_record',
                    ['dossier_definition_id', 'unit', 'completed_at'],
                    postgresql_include=HANDOVER_COLUMNS,
                    postgresql_where=sa.text("handover_minutes IS NOT NULL"),
                    sqlite_where=sa.text("handover_minutes IS NOT NULL"))
    if bind.dialect.name == "postgresql":
        # The planner multiplies the columns' distinct counts (tens of thousands of
        # groups for a few thousand), finds no room for a hash aggregate in work_mem and
        # sorts to disk instead: 2.9 s -> 1.1 s for a city's year with these.
        for statement in STATISTICS:
            bind.exec_driver_sql(statement)


def _count_minutes(bind: sa.Connection) -> None:
    """The minutes of every completed record, as the runtime writes them."""
    tr = _task_record()
    before = aliased(tr)
    previous = (sa.select(sa.func.max(before.c.completed_at))
                .where(before.c.dossier_id == sa.func.coalesce(tr.c.source_dossier_id,
                                                               tr.c.dossier_id),
                       before.c.completed_at <= tr.c.ready_at, before.c.id != tr.c.id)
                .scalar_subquery())
    pause = sa.table("pause", sa.column("dossier_id"),
                     sa.column("started_at", UTCDateTime()),
                     sa.column("ended_at", UTCDateTime()))
    calendars = UnitCalendars(OfficeHours())
    session = Session(bind=bind)
    write = (tr.update().where(tr.c.id == sa.bindparam("_id"))
             .values(working_minutes=sa.bindparam("_working"),
                     waiting_minutes=sa.bindparam("_waiting"),
                     handover_minutes=sa.bindparam("_handover")))
    last = -1
    while True:  # by dossier, so each batch reads its dossiers' pauses once
        ids = [r[0] for r in bind.execute(
            sa.select(tr.c.dossier_id).where(tr.c.status == "completed",
                                             tr.c.dossier_id > last)
            .group_by(tr.c.dossier_id).order_by(tr.c.dossier_id).limit(BATCH))]
        if not ids:
            break
        last = ids[-1]
        paused = defaultdict(list)
        for dossier_id, started, ended in bind.execute(
                sa.select(pause.c.dossier_id, pause.c.started_at, pause.c.ended_at)
                .where(pause.c.dossier_id.between(ids[0], last))):
            paused[dossier_id].append((started, ended))
        changes = []
        for row in bind.execute(sa.select(tr, previous.label("handed_at")).where(
                tr.c.status == "completed", tr.c.dossier_id.between(ids[0], last))):
            done = row.completed_at
            if done is None or row.unit is None:
                continue
            spans = [(a, b or done) for a, b in paused.get(row.dossier_id, [])]
            minutes = count_minutes(calendars.get(session, row.unit), row, spans,
                                    row.handed_at and _aware(row.handed_at))
            changes.append({"_id": row.id, "_working": minutes.working,
                            "_waiting": minutes.waiting, "_handover": minutes.handover})
        if changes:
            bind.execute(write, changes)


def _aware(value: datetime | str) -> datetime:
    """max() of a UTC column comes back untyped on SQLite (text, no zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("st_task_record_handover_minutes", "st_task_record_step_minutes"):
            op.execute(f"DROP STATISTICS IF EXISTS {name}")
    op.drop_index('ix_task_record_audit_handover', table_name='task_record')
    op.drop_index('ix_task_record_audit', table_name='task_record')
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        for name in ("previous_completed_at", "handover_minutes", "waiting_minutes",
                     "working_minutes",
                     "dossier_definition_id", "unit"):
            batch_op.drop_column(name)
