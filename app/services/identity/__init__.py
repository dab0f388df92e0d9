"""Identity: sign-in and sessions, passwords, users, employees, departments, workspaces and
app settings."""
