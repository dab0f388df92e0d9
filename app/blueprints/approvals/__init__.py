"""The generic approvals queue and bulk decisions on time entries."""
