"""Departments: the first resource served by the generic resource layer."""
