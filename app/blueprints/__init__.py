"""HTTP layer: one package per domain with `routes.py` (thin views, a `blp`) and `schemas.py`.

A domain package is registered by existing: `discover_blueprints` imports every
`app.blueprints.<domain>.routes` and returns its `blp`, so adding a domain touches no list.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

from flask_smorest import Blueprint


def discover_blueprints() -> list[Blueprint]:
    blueprints = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        name = f"{__name__}.{module.name}.routes"
        if module.ispkg and importlib.util.find_spec(name) is not None:
            blueprints.append(importlib.import_module(name).blp)
    return blueprints
