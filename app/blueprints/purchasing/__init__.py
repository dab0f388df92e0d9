"""Vendors and purchasing over the generic resource layer."""
