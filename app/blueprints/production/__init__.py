"""Production and manufacturing over the generic resource layer."""
