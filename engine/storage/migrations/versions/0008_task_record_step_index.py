"""index the task records by step and completion time

The at-risk list reads each step's latest completed records for its expected time
(engine/dossiers/risk.py); without this index the question read every task record of
the city (14.6 s for one ward on a million dossiers; 0.3 s with it).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.create_index('ix_task_record_spec_completed', ['spec_id', 'completed_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.drop_index('ix_task_record_spec_completed')
