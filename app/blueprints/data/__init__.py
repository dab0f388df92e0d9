"""Data management over the generic resource layer: imports, their errors, templates, settings."""
