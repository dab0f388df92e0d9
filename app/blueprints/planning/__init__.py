"""Planning and analytics over the generic resource layer."""
