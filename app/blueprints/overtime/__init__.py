"""Overtime: `/settings/overtime`, named policies, alerts and the alert webhook."""
