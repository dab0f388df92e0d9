"""User accounts (owner/admin)."""
