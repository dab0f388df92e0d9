"""Identity extras over the generic resource layer: workspaces, roles, permissions, feature
flags and app settings (domain `identity`: admins write)."""
