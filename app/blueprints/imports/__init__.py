"""Inventory CSV imports: the upload, the template, and an import's errors."""
