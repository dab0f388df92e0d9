"""Derived reporting tables and system logs over the generic resource layer (read-only)."""
