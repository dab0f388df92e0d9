"""Customers and CRM over the generic resource layer."""
