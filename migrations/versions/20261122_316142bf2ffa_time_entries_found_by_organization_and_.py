"""time entries: found by organization and end, not by organization alone

Revision ID: 316142bf2ffa
Revises: 4e59cfbc556e
Create Date: 2026-11-22 07:57:32.307308
"""

import sqlalchemy as sa
from alembic import op

revision = '316142bf2ffa'
down_revision = '4e59cfbc556e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_entries_organization_id'))
        batch_op.create_index('ix_time_entries_org_paid_ended_at', ['organization_id', 'paid_ended_at'], unique=False)


def downgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_time_entries_org_paid_ended_at')
        batch_op.create_index(batch_op.f('ix_time_entries_organization_id'), ['organization_id'], unique=False)
