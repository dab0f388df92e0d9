"""time feeds sales orders: time_entries.sales_order_id; production_orders.sales_order_id gets its foreign key

Revision ID: 4cf7513590f2
Revises: 4cb73935240a
Create Date: 2026-12-08 01:01:13.165310
"""

import sqlalchemy as sa
from alembic import op

revision = '4cf7513590f2'
down_revision = '4cb73935240a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('production_orders', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_production_orders_sales_order_id_sales_orders'), 'sales_orders', ['sales_order_id'], ['id'])

    # Not in a batch: on SQLite a batch copies time_entries into a new table, and its generated
    # column (billable_amount) does not survive the reflection that copy starts from. SQLite
    # adds a nullable column with its reference in place.
    fk = 'fk_time_entries_sales_order_id_sales_orders'
    if op.get_bind().dialect.name == 'sqlite':
        # (A downgrade on SQLite leaves the column: see there.)
        if 'sales_order_id' not in {c['name'] for c in sa.inspect(op.get_bind()).get_columns('time_entries')}:
            op.execute(f'ALTER TABLE time_entries ADD COLUMN sales_order_id CHAR(32) CONSTRAINT {fk} REFERENCES sales_orders (id)')
    else:
        op.add_column('time_entries', sa.Column('sales_order_id', sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f(fk), 'time_entries', 'sales_orders', ['sales_order_id'], ['id'])
    op.create_index(op.f('ix_time_entries_sales_order_id'), 'time_entries', ['sales_order_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_time_entries_sales_order_id'), table_name='time_entries')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops no column that a reference uses, and a batch copy of time_entries
        # cannot carry its generated column: the (nullable, unused) column stays.
        pass
    else:
        op.drop_constraint(op.f('fk_time_entries_sales_order_id_sales_orders'), 'time_entries', type_='foreignkey')
        op.drop_column('time_entries', 'sales_order_id')

    with op.batch_alter_table('production_orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_production_orders_sales_order_id_sales_orders'), type_='foreignkey')
