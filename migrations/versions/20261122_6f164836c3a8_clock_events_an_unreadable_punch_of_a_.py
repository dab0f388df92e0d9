"""clock events: an unreadable punch of a batch is logged with null type or time

Revision ID: 6f164836c3a8
Revises: 316142bf2ffa
Create Date: 2026-11-22 08:09:00.082121
"""

import sqlalchemy as sa
from alembic import op

revision = '6f164836c3a8'
down_revision = '316142bf2ffa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.alter_column('type',
               existing_type=sa.VARCHAR(length=20),
               nullable=True)
        batch_op.alter_column('occurred_at',
               existing_type=sa.DateTime(timezone=True),
               nullable=True)


def downgrade():
    # The older schema cannot hold an unreadable punch's row.
    op.execute("DELETE FROM clock_events WHERE type IS NULL OR occurred_at IS NULL")
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.alter_column('occurred_at',
               existing_type=sa.DateTime(timezone=True),
               nullable=False)
        batch_op.alter_column('type',
               existing_type=sa.VARCHAR(length=20),
               nullable=False)

