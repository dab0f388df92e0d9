"""workers: outbox, overtime policies and alerts, weekly summaries, payroll exports

Revision ID: 2ed3a7c036ef
Revises: 69148eacd245
Create Date: 2026-11-22 02:24:42.110991
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '2ed3a7c036ef'
down_revision = '69148eacd245'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_webhooks',
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('secret', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_alert_webhooks_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_webhooks')),
    sa.UniqueConstraint('organization_id', name=op.f('uq_alert_webhooks_organization_id'))
    )
    with op.batch_alter_table('alert_webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_webhooks_organization_id'), ['organization_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('topic', sa.String(length=50), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('relay_attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_outbox_messages_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_pending', ['topic', 'organization_id', 'id'], unique=False, postgresql_where=sa.text('processed_at IS NULL'), sqlite_where=sa.text('processed_at IS NULL'))
        batch_op.create_index('ix_outbox_messages_processed_at', ['processed_at'], unique=False)

    op.create_table('overtime_policies',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('workweek_start_day', sa.Integer(), nullable=False),
    sa.Column('workday_start', sa.Time(), nullable=False),
    sa.Column('daily_overtime_after_hours', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('daily_double_time_after_hours', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('weekly_overtime_after_hours', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('seventh_day_rule', sa.Boolean(), nullable=False),
    sa.Column('overtime_multiplier', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('double_time_multiplier', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('alert_threshold_percent', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("rule IN ('flsa', 'california', 'custom', 'none')", name=op.f('ck_overtime_policies_rule')),
    sa.CheckConstraint('alert_threshold_percent BETWEEN 1 AND 100', name=op.f('ck_overtime_policies_alert_threshold_percent')),
    sa.CheckConstraint('workweek_start_day BETWEEN 0 AND 6', name=op.f('ck_overtime_policies_workweek_start_day')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_overtime_policies_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overtime_policies'))
    )
    with op.batch_alter_table('overtime_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overtime_policies_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('uq_overtime_policies_default', ['organization_id'], unique=True, postgresql_where=sa.text('is_default AND deleted_at IS NULL'), sqlite_where=sa.text('is_default AND deleted_at IS NULL'))

    op.create_table('payroll_exports',
    sa.Column('requested_by', sa.Uuid(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('media_type', sa.String(length=100), nullable=True),
    sa.Column('file_path', sa.String(length=500), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=True),
    sa.Column('entry_count', sa.Integer(), nullable=True),
    sa.Column('totals', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('excluded', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("format IN ('csv', 'adp', 'gusto', 'quickbooks_iif', 'xlsx')", name=op.f('ck_payroll_exports_format')),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'confirmed')", name=op.f('ck_payroll_exports_status')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_payroll_exports_period_order')),
    sa.ForeignKeyConstraint(['confirmed_by'], ['users.id'], name=op.f('fk_payroll_exports_confirmed_by_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_payroll_exports_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_payroll_exports_requested_by_users')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_payroll_exports_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_exports'))
    )
    with op.batch_alter_table('payroll_exports', schema=None) as batch_op:
        batch_op.create_index('ix_payroll_exports_org_created_at', ['organization_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_exports_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_exports_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('time_summary_weekly',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('regular_seconds', sa.Integer(), nullable=False),
    sa.Column('overtime_seconds', sa.Integer(), nullable=False),
    sa.Column('double_time_seconds', sa.Integer(), nullable=False),
    sa.Column('break_seconds', sa.Integer(), nullable=False),
    sa.Column('worked_seconds', sa.Integer(), nullable=False),
    sa.Column('hourly_rate', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('regular_pay', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('overtime_pay', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('double_time_pay', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('gross_pay', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('flagged_entries', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_time_summary_weekly_employee_id_employees')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_time_summary_weekly_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_summary_weekly')),
    sa.UniqueConstraint('employee_id', 'week_start', name=op.f('uq_time_summary_weekly_employee_id_week_start'))
    )
    with op.batch_alter_table('time_summary_weekly', schema=None) as batch_op:
        batch_op.create_index('ix_time_summary_weekly_org_week', ['organization_id', 'week_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_summary_weekly_organization_id'), ['organization_id'], unique=False)

    op.create_table('overtime_alerts',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('time_entry_id', sa.Uuid(), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Uuid(), nullable=True),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("kind IN ('APPROACHING_WEEKLY_OVERTIME', 'WEEKLY_OVERTIME', 'DAILY_OVERTIME', 'DOUBLE_TIME', 'SEVENTH_DAY', 'SHORT_REST', 'MISSED_CLOCK_OUT')", name=op.f('ck_overtime_alerts_kind')),
    sa.CheckConstraint("period IN ('workday', 'workweek')", name=op.f('ck_overtime_alerts_period')),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['users.id'], name=op.f('fk_overtime_alerts_acknowledged_by_users')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_overtime_alerts_employee_id_employees')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_overtime_alerts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['time_entry_id'], ['time_entries.id'], name=op.f('fk_overtime_alerts_time_entry_id_time_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overtime_alerts')),
    sa.UniqueConstraint('employee_id', 'kind', 'period_start', name=op.f('uq_overtime_alerts_employee_id_kind_period_start'))
    )
    with op.batch_alter_table('overtime_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_overtime_alerts_org_created_at', ['organization_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_overtime_alerts_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employees_overtime_policy_id'), ['overtime_policy_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_employees_overtime_policy_id_overtime_policies'), 'overtime_policies', ['overtime_policy_id'], ['id'])

    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_time_entries_payroll_export_id_payroll_exports'), 'payroll_exports', ['payroll_export_id'], ['id'])



def downgrade():
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_time_entries_payroll_export_id_payroll_exports'), type_='foreignkey')

    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_employees_overtime_policy_id_overtime_policies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_employees_overtime_policy_id'))

    with op.batch_alter_table('overtime_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overtime_alerts_organization_id'))
        batch_op.drop_index('ix_overtime_alerts_org_created_at')

    op.drop_table('overtime_alerts')
    with op.batch_alter_table('time_summary_weekly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_summary_weekly_organization_id'))
        batch_op.drop_index('ix_time_summary_weekly_org_week')

    op.drop_table('time_summary_weekly')
    with op.batch_alter_table('payroll_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payroll_exports_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_payroll_exports_organization_id'))
        batch_op.drop_index('ix_payroll_exports_org_created_at')

    op.drop_table('payroll_exports')
    with op.batch_alter_table('overtime_policies', schema=None) as batch_op:
        batch_op.drop_index('uq_overtime_policies_default', postgresql_where=sa.text('is_default AND deleted_at IS NULL'), sqlite_where=sa.text('is_default AND deleted_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_overtime_policies_organization_id'))

    op.drop_table('overtime_policies')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_processed_at')
        batch_op.drop_index('ix_outbox_messages_pending', postgresql_where=sa.text('processed_at IS NULL'), sqlite_where=sa.text('processed_at IS NULL'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('alert_webhooks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_webhooks_organization_id'))

    op.drop_table('alert_webhooks')
