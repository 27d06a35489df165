"""units as dated data: level, the days a unit existed, reorganisations, the agencies
serving a unit

Units get a level (province, district, commune) and the first and last day they
existed. `unit_succession` records which units became which on a reorganisation;
`unit_service` says which police and social-insurance units serve which unit, and
which of them is the default. Until now an agency served every unit under its parent
(so a district's police posts served each of its wards) and a diagram named the
default (`CA-{unit}`): the upgrade writes that rule out as service rows, the default
being the police unit named CA-<unit> or the only agency of its kind.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

AGENCY_KINDS = ('police', 'social_insurance')
LEVELS = {'city': 'province', 'district': 'district'}

unit = sa.table('unit', sa.column('code', sa.String), sa.column('kind', sa.String),
                sa.column('parent_code', sa.String), sa.column('level', sa.String))
unit_service = sa.table('unit_service', sa.column('agency_code', sa.String),
                        sa.column('served_code', sa.String),
                        sa.column('is_default', sa.Boolean))


def upgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=16), nullable=False,
                                      server_default='commune'))
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
    op.create_table('unit_succession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('predecessor_code', sa.String(length=64), nullable=False),
    sa.Column('successor_code', sa.String(length=64), nullable=False),
    sa.Column('carried_over', sa.Boolean(), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_code'], ['unit.code'], ),
    sa.ForeignKeyConstraint(['successor_code'], ['unit.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('predecessor_code', 'successor_code')
    )
    with op.batch_alter_table('unit_succession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_succession_predecessor_code'),
                              ['predecessor_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_succession_successor_code'),
                              ['successor_code'], unique=False)
    op.create_table('unit_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_code', sa.String(length=64), nullable=False),
    sa.Column('served_code', sa.String(length=64), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['agency_code'], ['unit.code'], ),
    sa.ForeignKeyConstraint(['served_code'], ['unit.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_code', 'served_code', 'valid_from')
    )
    with op.batch_alter_table('unit_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_service_agency_code'), ['agency_code'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_unit_service_served_code'), ['served_code'],
                              unique=False)
    _write_out_the_old_rules()


def _write_out_the_old_rules() -> None:
    """Levels from kinds; each agency serves every non-agency unit under its parent."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(unit.c.code, unit.c.kind, unit.c.parent_code)).all()
    for code, kind, parent in rows:
        if kind in LEVELS:
            bind.execute(unit.update().where(unit.c.code == code).values(level=LEVELS[kind]))
    children: dict[str | None, list[str]] = {}
    for code, _kind, parent in rows:
        children.setdefault(parent, []).append(code)
    kinds = {code: kind for code, kind, _parent in rows}
    for agency, kind, parent in rows:
        if kind not in AGENCY_KINDS or parent is None:
            continue
        served, pending = [], [parent]
        while pending:
            current = pending.pop()
            if current in served:
                continue
            served.append(current)
            pending.extend(children.get(current, []))
        peers = [code for code, k, p in rows if k == kind and p == parent]
        for code in served:
            if kinds[code] in AGENCY_KINDS:
                continue
            default = agency == f'CA-{code}' or len(peers) == 1
            bind.execute(unit_service.insert().values(agency_code=agency, served_code=code,
                                                      is_default=default))


def downgrade() -> None:
    with op.batch_alter_table('unit_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_service_served_code'))
        batch_op.drop_index(batch_op.f('ix_unit_service_agency_code'))
    op.drop_table('unit_service')
    with op.batch_alter_table('unit_succession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_succession_successor_code'))
        batch_op.drop_index(batch_op.f('ix_unit_succession_predecessor_code'))
    op.drop_table('unit_succession')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('valid_to')
        batch_op.drop_column('valid_from')
        batch_op.drop_column('level')
