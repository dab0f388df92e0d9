"""Domain rules as plain functions taking ids/models and the acting user; they flush, never commit."""
