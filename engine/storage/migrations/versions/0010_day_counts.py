"""day counts of dossiers and task records, month counts of completed steps, filled from
the rows already there

The supervisors' dashboard reads its figures from additive counts per unit and local
day, and the step audit its histograms of whole months from counts per top unit, step,
month and working minutes (engine/storage/day_counts.py): a year of a city's dossiers
and task records is summed from a few hundred thousand small rows instead of millions. The dossiers the
counts leave out (ended otherwise than resolved) are found by their own index.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from engine.storage.day_counts import rebuild_day_counts

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_COUNTS = {
    'dossier_day': ('received_online', 'received_in_person', 'resolved_early',
                    'resolved_on_time', 'resolved_late', 'deadline_from', 'deadline_until',
                    'supplement_requests', 'apologies'),
    'task_day': ('started', 'ended', 'done', 'done_late', 'due_from', 'due_until'),
}


def _step() -> tuple[sa.Column, ...]:
    return (sa.Column('root', sa.String(64), nullable=False),
            sa.Column('definition_id', sa.Integer(), nullable=False),
            sa.Column('process_id', sa.String(200), nullable=False),
            sa.Column('spec_id', sa.String(200), nullable=False),
            sa.Column('month', sa.Date(), nullable=False))


_MONTHS = {
    'step_month': (*_step(), sa.Column('minutes', sa.Integer(), nullable=False),
                   sa.Column('previous_month', sa.Date(), nullable=False),
                   *(sa.Column(name, sa.Integer(), nullable=False)
                     for name in ('runs', 'late', 'waiting'))),
    'handover_month': (*_step(),
                       sa.Column('handed_from', sa.String(64), nullable=False),
                       sa.Column('department', sa.String(64), nullable=False),
                       sa.Column('minutes', sa.Integer(), nullable=False),
                       sa.Column('runs', sa.Integer(), nullable=False)),
}
_KEYS = {
    'dossier_day': (sa.Column('unit', sa.String(64), nullable=False),
                    sa.Column('procedure', sa.String(200), nullable=False),
                    sa.Column('field_of_work', sa.String(200), nullable=False)),
    'task_day': (sa.Column('unit', sa.String(64), nullable=False),
                 sa.Column('department', sa.String(64), nullable=False)),
}


def upgrade() -> None:
    for table, counts in _COUNTS.items():
        op.create_table(
            table, sa.Column('id', sa.Integer(), nullable=False), *_KEYS[table],
            sa.Column('day', sa.Date(), nullable=False),
            *(sa.Column(name, sa.Integer(), nullable=False) for name in counts),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')))
        op.create_index(f'ix_{table}_unit_day', table, ['unit', 'day'], unique=False)
    for table, columns in _MONTHS.items():
        op.create_table(table, sa.Column('id', sa.Integer(), nullable=False), *columns,
                        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')))
        op.create_index(f'ix_{table}_definition_month', table, ['definition_id', 'month'],
                        unique=False)
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_finish_kind_finished', ['finish_kind', 'finished_at'],
                              unique=False)
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.create_index('ix_task_record_spec_minutes', ['spec_id', 'working_minutes'],
                              unique=False)
    # In a savepoint of the migration's own transaction: a Session closed without
    # committing would roll the whole upgrade back (PostgreSQL's DDL is transactional).
    with Session(bind=op.get_bind(), join_transaction_mode="create_savepoint") as session:
        rebuild_day_counts(session)
        session.commit()


def downgrade() -> None:
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.drop_index('ix_task_record_spec_minutes')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_finish_kind_finished')
    for table in _COUNTS:
        op.drop_index(f'ix_{table}_unit_day', table_name=table)
        op.drop_table(table)
    for table in _MONTHS:
        op.drop_index(f'ix_{table}_definition_month', table_name=table)
        op.drop_table(table)
