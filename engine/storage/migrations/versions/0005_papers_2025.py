"""the apology letter of Circular 03/2025/TT-VPCP: number, addressee, distribution

The 2025 form (văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết) is an official
letter: it carries the unit's number for it, whom it is addressed to and where it goes.
Apologies signed before this revision have none (the paper falls back to a blank number,
the applicant and the usual distribution).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('apology', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('addressee', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('distribution', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('apology', schema=None) as batch_op:
        batch_op.drop_column('distribution')
        batch_op.drop_column('addressee')
        batch_op.drop_column('number')
