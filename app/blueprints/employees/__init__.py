"""Employees and their managers."""
