"""Organization settings: `/settings/time` (rounding and automatic breaks)."""
