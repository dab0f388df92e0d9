"""Purchasing rules: purchase orders (number, lines at one document VAT rate, bill numbers)."""
