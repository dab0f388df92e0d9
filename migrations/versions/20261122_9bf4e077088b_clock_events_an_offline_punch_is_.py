"""clock events: an offline punch is accepted at most once

Revision ID: 9bf4e077088b
Revises: 21660c81bc2c
Create Date: 2026-11-22 02:08:57.233328
"""

import sqlalchemy as sa
from alembic import op

revision = '9bf4e077088b'
down_revision = '21660c81bc2c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.create_index('uq_clock_events_accepted_client_id', ['employee_id', 'client_id'], unique=True, postgresql_where=sa.text("decision = 'accepted' AND client_id IS NOT NULL"), sqlite_where=sa.text("decision = 'accepted' AND client_id IS NOT NULL"))



def downgrade():
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.drop_index('uq_clock_events_accepted_client_id', postgresql_where=sa.text("decision = 'accepted' AND client_id IS NOT NULL"), sqlite_where=sa.text("decision = 'accepted' AND client_id IS NOT NULL"))

