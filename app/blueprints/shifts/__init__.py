"""Shifts: scheduled work of one employee; generation from templates; missed shifts."""
