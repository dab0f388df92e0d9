"""outbox messages carry the job id of single-job topics

Revision ID: e4becba5b584
Revises: 2ed3a7c036ef
Create Date: 2026-11-22 02:37:48.634375
"""

import sqlalchemy as sa
from alembic import op

revision = 'e4becba5b584'
down_revision = '2ed3a7c036ef'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_outbox_messages_job_id', ['job_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_job_id')
        batch_op.drop_column('job_id')

