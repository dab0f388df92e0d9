"""Products: codes stored upper-case (Soft SME), so that uniqueness ignores case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.models import User
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def _upper_code(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "code": data["code"].strip().upper()} if data.get("code") else data


class ProductService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        return super().create(res, actor, _upper_code(data))

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        return super().update(res, obj, actor, _upper_code(data))
