"""notifications: escalations told to leaders in the app and by e-mail

A step past its SLA or a dossier at risk of being late notifies the leaders of the
step's department in the dossier's unit (docs/lifecycle.md, Escalation). One row per
person, reason and subject (a task record or a dossier): the unique constraint makes a
second worker's insert of the same notification a no-op. Users get an optional e-mail
address for the notifications sent by mail.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import engine.storage.models

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('task_record_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('mailed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username', 'reason', 'subject')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_dossier_id'), ['dossier_id'],
                              unique=False)
        batch_op.create_index('ix_notification_username_read_at', ['username', 'read_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_username_read_at')
        batch_op.drop_index(batch_op.f('ix_notification_dossier_id'))
    op.drop_table('notification')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('email')
