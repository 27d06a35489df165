"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 19:09:58.688823
"""

import sqlalchemy as sa
from alembic import op

import engine.storage.models

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit', 'day')
    )
    op.create_table('definition_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('info', sa.JSON(), nullable=False),
    sa.Column('dependencies', sa.JSON(), nullable=False),
    sa.Column('deployed_by', sa.String(length=100), nullable=False),
    sa.Column('deployed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'content_hash'),
    sa.UniqueConstraint('key', 'version')
    )
    with op.batch_alter_table('definition_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_definition_version_key'), ['key'], unique=False)

    op.create_table('department',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('dossier_sequence',
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit', 'day')
    )
    op.create_table('procedure_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('field_of_work', sa.String(length=200), nullable=False),
    sa.Column('time_limit', sa.String(length=32), nullable=False),
    sa.Column('verification_time_limit', sa.String(length=32), nullable=True),
    sa.Column('cutoff', sa.String(length=8), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('abolished_on', sa.Date(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('deployed_by', sa.String(length=100), nullable=False),
    sa.Column('deployed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'content_hash'),
    sa.UniqueConstraint('code', 'version')
    )
    with op.batch_alter_table('procedure_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_version_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_procedure_version_process_key'), ['process_key'], unique=False)

    op.create_table('unit',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['unit.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_code'), ['parent_code'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_code'], ['unit.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_unit_code'), ['unit_code'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('applicant', sa.JSON(), nullable=False),
    sa.Column('procedure_version_id', sa.Integer(), nullable=True),
    sa.Column('procedure_code', sa.String(length=64), nullable=True),
    sa.Column('field_of_work', sa.String(length=200), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('received_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('counting_from', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('appointment_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('original_appointment_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verification', sa.Boolean(), nullable=False),
    sa.Column('completed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finish_kind', sa.String(length=16), nullable=True),
    sa.Column('finish_reason', sa.Text(), nullable=True),
    sa.Column('supplement_count', sa.Integer(), nullable=False),
    sa.Column('at_risk_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('apologized', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('next_timer_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_by_message_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['definition_version.id'], ),
    sa.ForeignKeyConstraint(['procedure_version_id'], ['procedure_version.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_field_of_work'), ['field_of_work'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_finished_at'), ['finished_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_next_timer_at'), ['next_timer_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_procedure_code'), ['procedure_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_process_key'), ['process_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_resolved_at'), ['resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_unit'), ['unit'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('apology',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_appointment_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('new_appointment_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signed_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('apology', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apology_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_dossier_id'), ['dossier_id'], unique=False)

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

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('correlations', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('sender_dossier_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=100), nullable=True),
    sa.Column('sender_department', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('target_dossier_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sender_dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['target_dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_sender_dossier_id'), ['sender_dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_status'), ['status'], unique=False)

    op.create_table('pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('started_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by', sa.String(length=100), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pause_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('message_name', sa.String(length=200), nullable=False),
    sa.Column('correlations', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_message_name'), ['message_name'], unique=False)

    op.create_table('task_record',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('spec_id', sa.String(length=200), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('department', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sla', sa.String(length=32), nullable=True),
    sa.Column('ready_at', engine.storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_by', sa.String(length=100), nullable=True),
    sa.Column('received_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=100), nullable=True),
    sa.Column('completed_at', engine.storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.create_index('ix_task_record_department_status', ['department', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_record_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_record_task_id'), ['task_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('task_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_record_task_id'))
        batch_op.drop_index(batch_op.f('ix_task_record_dossier_id'))
        batch_op.drop_index('ix_task_record_department_status')

    op.drop_table('task_record')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_message_name'))
        batch_op.drop_index(batch_op.f('ix_subscription_dossier_id'))

    op.drop_table('subscription')
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pause_dossier_id'))

    op.drop_table('pause')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_status'))
        batch_op.drop_index(batch_op.f('ix_message_sender_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_message_name'))

    op.drop_table('message')
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_to_task_id'))
        batch_op.drop_index(batch_op.f('ix_handover_dossier_id'))

    op.drop_table('handover')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_dossier_id'))

    op.drop_table('event')
    with op.batch_alter_table('apology', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apology_dossier_id'))

    op.drop_table('apology')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_unit'))
        batch_op.drop_index(batch_op.f('ix_dossier_status'))
        batch_op.drop_index(batch_op.f('ix_dossier_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_received_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_process_key'))
        batch_op.drop_index(batch_op.f('ix_dossier_procedure_code'))
        batch_op.drop_index(batch_op.f('ix_dossier_next_timer_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_finished_at'))
        batch_op.drop_index(batch_op.f('ix_dossier_field_of_work'))

    op.drop_table('dossier')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_unit_code'))

    op.drop_table('app_user')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_code'))

    op.drop_table('unit')
    with op.batch_alter_table('procedure_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedure_version_process_key'))
        batch_op.drop_index(batch_op.f('ix_procedure_version_code'))

    op.drop_table('procedure_version')
    op.drop_table('dossier_sequence')
    op.drop_table('department')
    with op.batch_alter_table('definition_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_definition_version_key'))

    op.drop_table('definition_version')
    op.drop_table('calendar_override')
