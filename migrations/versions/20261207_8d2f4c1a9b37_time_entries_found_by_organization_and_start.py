"""time entries: found by organization and paid start, so history does not slow the present

Revision ID: 8d2f4c1a9b37
Revises: 6326b147ae34
Create Date: 2026-12-07 21:30:00.000000

A period's entries (this week's summaries, an export) are those starting before the period's
end and ending after its start. `ix_time_entries_org_paid_ended_at` bounds the second; this
index bounds the first, so that years of entries on either side of the period are skipped.
"""

from alembic import op

revision = '8d2f4c1a9b37'
down_revision = '6326b147ae34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_time_entries_org_paid_started_at', ['organization_id', 'paid_started_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_time_entries_org_paid_started_at')
