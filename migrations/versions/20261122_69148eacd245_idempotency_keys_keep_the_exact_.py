"""idempotency keys keep the exact response text

Revision ID: 69148eacd245
Revises: 9bf4e077088b
Create Date: 2026-11-22 02:14:49.872239
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision = '69148eacd245'
down_revision = '9bf4e077088b'
branch_labels = None
depends_on = None


JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.alter_column("response_body", existing_type=JSON, type_=sa.Text(),
                              existing_nullable=True, postgresql_using="response_body::text")


def downgrade():
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.alter_column("response_body", existing_type=sa.Text(), type_=JSON,
                              existing_nullable=True, postgresql_using="response_body::jsonb")
