"""Agents and documents over the generic resource layer."""
