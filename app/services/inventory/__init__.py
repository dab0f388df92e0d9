"""Inventory rules: products, stock movements, adjustments, counts and imports."""
