"""RQ job functions: thin, idempotent wrappers over services; arguments are ids."""
