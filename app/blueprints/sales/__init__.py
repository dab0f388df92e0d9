"""Quotes, sales orders and their numbers over the generic resource layer."""
