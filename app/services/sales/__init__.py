"""Sales rules: document numbers, quotes and sales orders (their lines and totals)."""
