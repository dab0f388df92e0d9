"""Domain rules as plain functions: they take ids/models and the acting user, flush, never commit."""
