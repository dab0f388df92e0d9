"""Exchange rates as a table: a rate is between two different currencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.errors import ValidationFailed
from app.models import User
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def _pair(data: dict[str, Any], obj: Any | None) -> None:
    base = data.get("base", getattr(obj, "base", None))
    if base is not None and base == data.get("quote", getattr(obj, "quote", None)):
        raise ValidationFailed(errors={"quote": ["Differs from base."]})


class FxRateService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        _pair(data, None)
        return super().create(res, actor, data)

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        _pair(data, obj)
        return super().update(res, obj, actor, data)
