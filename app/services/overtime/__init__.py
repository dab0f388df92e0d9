"""Overtime: the organization's rules, the alerts raised from them and their webhook."""
