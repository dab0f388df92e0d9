"""time entries: project, description, billing rate and the billable amount computed by the database

Revision ID: 6c522bed53bc
Revises: 6f164836c3a8
Create Date: 2026-11-22 08:10:53.462164
"""

import sqlalchemy as sa
from alembic import op

revision = '6c522bed53bc'
down_revision = '6f164836c3a8'
branch_labels = None
depends_on = None


# SQLite: a later batch migration that recreates time_entries must drop billable_amount first and
# add it back afterwards; Alembic's batch copy inserts into every column, and SQLite refuses an
# INSERT into a generated column (SQLAlchemy also reflects its expression as empty there).


def upgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('hourly_rate', sa.Numeric(precision=8, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('billable_amount', sa.Numeric(precision=10, scale=2), sa.Computed('CASE WHEN is_billable THEN round(worked_seconds * hourly_rate / 3600.0, 2) ELSE 0 END', persisted=True), nullable=False))


def downgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_column('billable_amount')
        batch_op.drop_column('hourly_rate')
        batch_op.drop_column('description')
        batch_op.drop_column('project_id')
