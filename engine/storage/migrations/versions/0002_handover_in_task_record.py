"""handovers become columns of the task record they hand the dossier into

Every handover row named exactly one task record (the task the dossier was handed
into), so the record now carries it: one row less to write per step. Existing
handovers move into their task records; the other records were handed on within the
same department. The index on task_record.task_id goes: that column is only ever
looked up together with dossier_id, which has its own index.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import engine.storage.models

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

FOREIGN_KEY = 'fk_task_record_source_dossier_id_dossier'

task_record = sa.table(
    'task_record', sa.column('id', sa.String), sa.column('department', sa.String),
    sa.column('dossier_id', sa.Integer), sa.column('ready_at', sa.DateTime),
    sa.column('handover', sa.Boolean), sa.column('handed_from', sa.String),
    sa.column('handed_by', sa.String), sa.column('source_dossier_id', sa.Integer))
handover = sa.table(
    'handover', sa.column('id', sa.Integer), sa.column('dossier_id', sa.Integer),
    sa.column('from_department', sa.String), sa.column('to_department', sa.String),
    sa.column('to_task_id', sa.String), sa.column('handed_at', sa.DateTime),
    sa.column('giver', sa.String), sa.column('source_dossier_id', sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handover', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('handed_from', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('handed_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source_dossier_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FOREIGN_KEY, 'dossier', ['source_dossier_id'], ['id'])

    def of_handover(column: sa.ColumnClause) -> sa.ScalarSelect:
        return (sa.select(column).where(handover.c.to_task_id == task_record.c.id)
                .limit(1).scalar_subquery())

    moved = sa.select(handover.c.to_task_id)
    op.execute(task_record.update().where(task_record.c.id.in_(moved)).values(
        handover=sa.true(), handed_from=of_handover(handover.c.from_department),
        handed_by=of_handover(handover.c.giver),
        source_dossier_id=of_handover(handover.c.source_dossier_id)))
    op.execute(task_record.update().where(task_record.c.id.not_in(moved)).values(
        handed_from=task_record.c.department))

    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_to_task_id'))
        batch_op.drop_index(batch_op.f('ix_handover_dossier_id'))
    op.drop_table('handover')
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.alter_column('handover', server_default=None)
        batch_op.drop_index(batch_op.f('ix_task_record_task_id'))


def downgrade() -> None:
    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('from_department', sa.String(length=64), nullable=True),
    sa.Column('to_department', sa.String(length=64), nullable=False),
    sa.Column('to_task_id', sa.String(length=36), nullable=False),
    sa.Column('handed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('giver', sa.String(length=100), nullable=True),
    sa.Column('source_dossier_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['source_dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_to_task_id'), ['to_task_id'], unique=False)

    op.execute(handover.insert().from_select(
        ['dossier_id', 'from_department', 'to_department', 'to_task_id', 'handed_at', 'giver',
         'source_dossier_id'],
        sa.select(task_record.c.dossier_id, task_record.c.handed_from,
                  task_record.c.department, task_record.c.id, task_record.c.ready_at,
                  task_record.c.handed_by, task_record.c.source_dossier_id)
        .where(task_record.c.handover == sa.true())
        .order_by(task_record.c.ready_at)))

    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_record_task_id'), ['task_id'], unique=False)
        batch_op.drop_constraint(FOREIGN_KEY, type_='foreignkey')
        batch_op.drop_column('source_dossier_id')
        batch_op.drop_column('handed_by')
        batch_op.drop_column('handed_from')
        batch_op.drop_column('handover')
