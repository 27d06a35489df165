"""index the messages by the dossier they were delivered to

A dossier's view asks whether any message names it as sender or target (its links);
the sender was indexed, the target was not, so the question read the whole table.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_target_dossier_id'), ['target_dossier_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_target_dossier_id'))
