"""weekly summaries: one composite foreign key, no redundant organization index

Revision ID: 4e59cfbc556e
Revises: e4becba5b584
Create Date: 2026-11-22 05:39:36.304899
"""

import sqlalchemy as sa
from alembic import op

revision = '4e59cfbc556e'
down_revision = 'e4becba5b584'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.create_index('uq_employees_organization_id_id', ['organization_id', 'id'], unique=True)

    with op.batch_alter_table('time_summary_weekly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_summary_weekly_organization_id'))
        batch_op.drop_constraint(batch_op.f('fk_time_summary_weekly_employee_id_employees'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_time_summary_weekly_organization_id_organizations'), type_='foreignkey')
        batch_op.create_foreign_key('fk_time_summary_weekly_organization_id_employee_id_employees', 'employees', ['organization_id', 'employee_id'], ['organization_id', 'id'])



def downgrade():
    with op.batch_alter_table('time_summary_weekly', schema=None) as batch_op:
        batch_op.drop_constraint('fk_time_summary_weekly_organization_id_employee_id_employees', type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_time_summary_weekly_organization_id_organizations'), 'organizations', ['organization_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_time_summary_weekly_employee_id_employees'), 'employees', ['employee_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_time_summary_weekly_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_index('uq_employees_organization_id_id')

