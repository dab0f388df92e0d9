"""Shift templates: recurring schedules that shifts are generated from."""
