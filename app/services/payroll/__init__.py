"""Payroll: weekly summaries and the payroll exports built from them."""
