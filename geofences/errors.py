"""Exceptions raised by the geofences package (both are ``ValueError`` subclasses)."""

from __future__ import annotations


class InvalidGeometry(ValueError):
    """A geofence geometry (GeoJSON, radius or size) was rejected.

    ``reason`` is a human sentence meant to reach the API client unchanged (API.md's
    ``INVALID_GEOMETRY``); ``code`` is a stable machine-readable tag for the same failure, e.g.
    ``"self_intersection"`` or ``"unclosed_ring"``.
    """

    def __init__(self, reason: str, *, code: str = "invalid_geometry") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class InvalidFix(ValueError):
    """A position fix (lat, lon, accuracy) or a decision threshold is out of its domain."""
