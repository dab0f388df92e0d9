"""HTTP layer: one package per domain with `routes.py` (thin views) and `schemas.py`."""
