"""Time tracking: the clock and its punches, geofences (sites), shifts, tasks and time entries."""
