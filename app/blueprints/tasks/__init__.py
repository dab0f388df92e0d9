"""Tasks: assignment, subtasks, status transitions and actual hours."""
