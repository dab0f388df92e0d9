"""Products and inventory over the generic resource layer."""
