"""Weekly summaries computed by the workers: reading them, asking for a recompute."""
