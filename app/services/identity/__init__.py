"""Identity extras on the resource layer: workspaces and app settings."""
