"""server-side sessions, sign-in throttling, security events; tokens expire

Sessions move from the signed cookie into `user_session` (the cookie keeps only a random
id), so sign-out, a password change or a deactivation ends them at once. Failed sign-ins
are counted per account and per address in `signin_throttle`, and security events go to
`security_event`. API tokens get an expiry and a last-used time: tokens made before
this migration expire 90 days after they were made.

Revision ID: 0003
Revises: 0002
"""

from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

import engine.storage.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

EXISTING_TOKEN_DAYS = 90
UTC_DATETIME = engine.storage.models.UTCDateTime(timezone=True)

api_token = sa.table('api_token', sa.column('id', sa.Integer),
                     sa.column('created_at', UTC_DATETIME), sa.column('expires_at', UTC_DATETIME))


def upgrade() -> None:
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('last_seen_at', UTC_DATETIME, nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table('signin_throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locks', sa.Integer(), nullable=False),
    sa.Column('locked_until', UTC_DATETIME, nullable=True),
    sa.Column('last_failure_at', UTC_DATETIME, nullable=False),
    sa.PrimaryKeyConstraint('key')
    )

    op.create_table('security_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTC_DATETIME, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_username'), ['username'],
                              unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column('last_used_at', UTC_DATETIME, nullable=True))
    connection = op.get_bind()
    for token_id, created_at in connection.execute(
            sa.select(api_token.c.id, api_token.c.created_at)).all():
        expires = created_at.astimezone(UTC) + timedelta(days=EXISTING_TOKEN_DAYS)
        connection.execute(api_token.update().where(api_token.c.id == token_id)
                           .values(expires_at=expires))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=UTC_DATETIME, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_event_username'))
        batch_op.drop_index(batch_op.f('ix_security_event_kind'))
        batch_op.drop_index(batch_op.f('ix_security_event_at'))
    op.drop_table('security_event')
    op.drop_table('signin_throttle')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
