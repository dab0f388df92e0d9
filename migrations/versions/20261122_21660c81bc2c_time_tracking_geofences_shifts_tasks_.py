"""time tracking: geofences, shifts, tasks, time entries, breaks, clock events, approvals

Revision ID: 21660c81bc2c
Revises: da863cc3c374
Create Date: 2026-11-22 02:06:01.878395
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
revision = '21660c81bc2c'
down_revision = 'da863cc3c374'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('geofences',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('geometry', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('radius_m', sa.Float(), nullable=True),
    sa.Column('buffer_m', sa.Float(), nullable=False),
    sa.Column('policy', sa.String(length=10), nullable=False),
    sa.Column('max_accuracy_m', sa.Float(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('centroid_lat', sa.Float(), nullable=False),
    sa.Column('centroid_lon', sa.Float(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("policy IN ('enforce', 'flag', 'off')", name=op.f('ck_geofences_policy')),
    sa.CheckConstraint('buffer_m >= 0', name=op.f('ck_geofences_buffer_non_negative')),
    sa.CheckConstraint('max_accuracy_m > 0', name=op.f('ck_geofences_max_accuracy_positive')),
    sa.CheckConstraint('radius_m IS NULL OR radius_m > 0', name=op.f('ck_geofences_radius_positive')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_geofences_organization_id_organizations')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_geofences_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_geofences'))
    )
    with op.batch_alter_table('geofences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geofences_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_geofences_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('shift_templates',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('days_of_week', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('unpaid_break_minutes', sa.Integer(), nullable=False),
    sa.Column('paid_break_minutes', sa.Integer(), nullable=False),
    sa.Column('grace_minutes', sa.Integer(), nullable=False),
    sa.Column('geofence_id', sa.Uuid(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('rounding', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('auto_break', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint('grace_minutes >= 0', name=op.f('ck_shift_templates_grace_non_negative')),
    sa.CheckConstraint('paid_break_minutes >= 0', name=op.f('ck_shift_templates_paid_break_non_negative')),
    sa.CheckConstraint('unpaid_break_minutes >= 0', name=op.f('ck_shift_templates_unpaid_break_non_negative')),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofences.id'], name=op.f('fk_shift_templates_geofence_id_geofences')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_shift_templates_organization_id_organizations')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_shift_templates_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_templates'))
    )
    with op.batch_alter_table('shift_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_templates_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shift_templates_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('approvals',
    sa.Column('module', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('subject_employee_id', sa.Uuid(), nullable=True),
    sa.Column('payload_json', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'cancelled')", name=op.f('ck_approvals_status')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_approvals_decided_by_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_approvals_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_approvals_requested_by_users')),
    sa.ForeignKeyConstraint(['subject_employee_id'], ['employees.id'], name=op.f('fk_approvals_subject_employee_id_employees')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_approvals_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvals'))
    )
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.create_index('ix_approvals_module_entity', ['module', 'entity_id'], unique=False)
        batch_op.create_index('ix_approvals_org_status', ['organization_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_approvals_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approvals_subject_employee_id'), ['subject_employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approvals_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('clock_events',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('device_id', sa.String(length=255), nullable=True),
    sa.Column('mock_location', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('geofence_id', sa.Uuid(), nullable=True),
    sa.Column('geofence_result', sa.String(length=20), nullable=True),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('flags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('time_entry_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("decision IN ('accepted', 'rejected', 'duplicate')", name=op.f('ck_clock_events_decision')),
    sa.CheckConstraint("type IN ('in', 'out', 'break_start', 'break_end', 'switch_task')", name=op.f('ck_clock_events_type')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_clock_events_employee_id_employees')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_clock_events_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_clock_events_user_id_users')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_clock_events_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_events'))
    )
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.create_index('ix_clock_events_employee_client_id', ['employee_id', 'client_id'], unique=False)
        batch_op.create_index('ix_clock_events_employee_occurred_at', ['employee_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_clock_events_org_received_at', ['organization_id', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clock_events_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clock_events_time_entry_id'), ['time_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clock_events_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('employee_geofences',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('geofence_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_employee_geofences_employee_id_employees')),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofences.id'], name=op.f('fk_employee_geofences_geofence_id_geofences')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_employee_geofences_organization_id_organizations')),
    sa.PrimaryKeyConstraint('employee_id', 'geofence_id', name=op.f('pk_employee_geofences'))
    )
    with op.batch_alter_table('employee_geofences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employee_geofences_geofence_id'), ['geofence_id'], unique=False)

    op.create_table('tasks',
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('type', sa.String(length=50), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress_percent', sa.Integer(), nullable=False),
    sa.Column('assigned_to', sa.Uuid(), nullable=True),
    sa.Column('assigned_by', sa.Uuid(), nullable=True),
    sa.Column('department_id', sa.Uuid(), nullable=True),
    sa.Column('customer_id', sa.Uuid(), nullable=True),
    sa.Column('parent_task_id', sa.Uuid(), nullable=True),
    sa.Column('geofence_id', sa.Uuid(), nullable=True),
    sa.Column('estimated_hours', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('custom_fields', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("priority IN ('low', 'medium', 'high', 'urgent')", name=op.f('ck_tasks_priority')),
    sa.CheckConstraint("status IN ('pending', 'in_progress', 'on_hold', 'completed', 'cancelled')", name=op.f('ck_tasks_status')),
    sa.CheckConstraint('progress_percent >= 0 AND progress_percent <= 100', name=op.f('ck_tasks_progress_range')),
    sa.ForeignKeyConstraint(['assigned_by'], ['employees.id'], name=op.f('fk_tasks_assigned_by_employees')),
    sa.ForeignKeyConstraint(['assigned_to'], ['employees.id'], name=op.f('fk_tasks_assigned_to_employees')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_tasks_department_id_departments')),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofences.id'], name=op.f('fk_tasks_geofence_id_geofences')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_tasks_organization_id_organizations')),
    sa.ForeignKeyConstraint(['parent_task_id'], ['tasks.id'], name=op.f('fk_tasks_parent_task_id_tasks')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_tasks_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_assigned_to'), ['assigned_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_parent_task_id'), ['parent_task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('shifts',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=True),
    sa.Column('geofence_id', sa.Uuid(), nullable=True),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unpaid_break_minutes', sa.Integer(), nullable=False),
    sa.Column('paid_break_minutes', sa.Integer(), nullable=False),
    sa.Column('grace_minutes', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("status IN ('scheduled', 'in_progress', 'completed', 'missed', 'cancelled')", name=op.f('ck_shifts_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_ends_after_start')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_shifts_employee_id_employees')),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofences.id'], name=op.f('fk_shifts_geofence_id_geofences')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_shifts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_shifts_task_id_tasks')),
    sa.ForeignKeyConstraint(['template_id'], ['shift_templates.id'], name=op.f('fk_shifts_template_id_shift_templates')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_shifts_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts'))
    )
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.create_index('ix_shifts_employee_starts_at', ['employee_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_template_id'), ['template_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shifts_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('time_entries',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('break_seconds', sa.Integer(), nullable=False),
    sa.Column('auto_break_seconds', sa.Integer(), nullable=False),
    sa.Column('worked_seconds', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('shift_id', sa.Uuid(), nullable=True),
    sa.Column('geofence_id', sa.Uuid(), nullable=True),
    sa.Column('customer_id', sa.Uuid(), nullable=True),
    sa.Column('clock_in_geo', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('clock_out_geo', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('flags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('is_billable', sa.Boolean(), nullable=False),
    sa.Column('approved_by', sa.Uuid(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('payroll_export_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("source IN ('clock', 'sync', 'manual', 'import')", name=op.f('ck_time_entries_source')),
    sa.CheckConstraint("status IN ('draft', 'open', 'submitted', 'approved', 'rejected', 'exported', 'paid')", name=op.f('ck_time_entries_status')),
    sa.CheckConstraint('ended_at IS NULL OR ended_at >= started_at', name=op.f('ck_time_entries_ends_after_start')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_time_entries_approved_by_users')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_time_entries_employee_id_employees')),
    sa.ForeignKeyConstraint(['geofence_id'], ['geofences.id'], name=op.f('fk_time_entries_geofence_id_geofences')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_time_entries_organization_id_organizations')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_time_entries_shift_id_shifts')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_time_entries_task_id_tasks')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_time_entries_workspace_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_entries'))
    )
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.create_index('ix_time_entries_employee_started_at', ['employee_id', 'started_at'], unique=False)
        batch_op.create_index('ix_time_entries_org_status', ['organization_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entries_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entries_payroll_export_id'), ['payroll_export_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entries_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entries_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entries_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_index('uq_time_entries_one_open_per_employee', ['employee_id'], unique=True, postgresql_where=sa.text("status = 'open' AND deleted_at IS NULL"), sqlite_where=sa.text("status = 'open' AND deleted_at IS NULL"))

    op.create_table('breaks',
    sa.Column('time_entry_id', sa.Uuid(), nullable=False),
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('ended_at IS NULL OR ended_at >= started_at', name=op.f('ck_breaks_ends_after_start')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_breaks_employee_id_employees')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_breaks_organization_id_organizations')),
    sa.ForeignKeyConstraint(['time_entry_id'], ['time_entries.id'], name=op.f('fk_breaks_time_entry_id_time_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breaks'))
    )
    with op.batch_alter_table('breaks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breaks_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breaks_time_entry_id'), ['time_entry_id'], unique=False)
        batch_op.create_index('uq_breaks_one_open_per_entry', ['time_entry_id'], unique=True, postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('geofence_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('geofence_version')

    with op.batch_alter_table('breaks', schema=None) as batch_op:
        batch_op.drop_index('uq_breaks_one_open_per_entry', postgresql_where=sa.text('ended_at IS NULL'), sqlite_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_breaks_time_entry_id'))
        batch_op.drop_index(batch_op.f('ix_breaks_organization_id'))

    op.drop_table('breaks')
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_time_entries_one_open_per_employee', postgresql_where=sa.text("status = 'open' AND deleted_at IS NULL"), sqlite_where=sa.text("status = 'open' AND deleted_at IS NULL"))
        batch_op.drop_index(batch_op.f('ix_time_entries_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_time_entries_task_id'))
        batch_op.drop_index(batch_op.f('ix_time_entries_shift_id'))
        batch_op.drop_index(batch_op.f('ix_time_entries_payroll_export_id'))
        batch_op.drop_index(batch_op.f('ix_time_entries_organization_id'))
        batch_op.drop_index('ix_time_entries_org_status')
        batch_op.drop_index('ix_time_entries_employee_started_at')

    op.drop_table('time_entries')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shifts_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_shifts_template_id'))
        batch_op.drop_index(batch_op.f('ix_shifts_organization_id'))
        batch_op.drop_index('ix_shifts_employee_starts_at')

    op.drop_table('shifts')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_parent_task_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_organization_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_due_date'))
        batch_op.drop_index(batch_op.f('ix_tasks_customer_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_assigned_to'))

    op.drop_table('tasks')
    with op.batch_alter_table('employee_geofences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employee_geofences_geofence_id'))

    op.drop_table('employee_geofences')
    with op.batch_alter_table('clock_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clock_events_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_clock_events_time_entry_id'))
        batch_op.drop_index(batch_op.f('ix_clock_events_organization_id'))
        batch_op.drop_index('ix_clock_events_org_received_at')
        batch_op.drop_index('ix_clock_events_employee_occurred_at')
        batch_op.drop_index('ix_clock_events_employee_client_id')

    op.drop_table('clock_events')
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approvals_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_approvals_subject_employee_id'))
        batch_op.drop_index(batch_op.f('ix_approvals_organization_id'))
        batch_op.drop_index('ix_approvals_org_status')
        batch_op.drop_index('ix_approvals_module_entity')

    op.drop_table('approvals')
    with op.batch_alter_table('shift_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_templates_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_shift_templates_organization_id'))

    op.drop_table('shift_templates')
    with op.batch_alter_table('geofences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_geofences_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_geofences_organization_id'))

    op.drop_table('geofences')
