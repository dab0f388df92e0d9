"""Domain rules as plain functions of ids/models and the acting user; they flush, never commit."""
