"""Geofences: sites as polygons or circles, import, and a dry-run check."""
