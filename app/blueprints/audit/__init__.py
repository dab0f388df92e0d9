"""The audit trail, read-only."""
