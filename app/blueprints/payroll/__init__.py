"""Payroll: export runs and their files, and the payroll vendors' settings."""
