"""App settings (seed 002): the value must be of the setting's `data_type`; a read-only
setting's value cannot change through the API (409); the last writer is kept in
`updated_by`; a secret's value is masked when shown (`SecretValue`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import marshmallow as ma

from app.errors import Conflict, ValidationFailed
from app.models import User
from app.openapi import raises
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

MASK = "********"
CHECKS = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "number": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "array": (lambda v: isinstance(v, list), "a list"),
}


class SecretValue(ma.fields.Raw):
    """Any JSON value in; out, the value, or a mask when the row is a secret."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return MASK if getattr(obj, "is_secret", False) else value


def check_value(data_type: str, value: Any) -> None:
    accepts, expected = CHECKS[data_type]
    if not accepts(value):
        raise ValidationFailed(errors={"value": [f"A {data_type} setting holds {expected}."]})


class ReadOnlySetting(Conflict):
    code, default_message = "READ_ONLY_SETTING", "This setting is read-only."


class AppSettingService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        check_value(data.get("data_type") or "string", data.get("value"))
        return super().create(res, actor, {**data, "updated_by": actor.id})

    @raises(ReadOnlySetting)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        if obj.is_readonly and "value" in data and data["value"] != obj.value:
            raise ReadOnlySetting(f"Setting {obj.key} is read-only.")
        check_value(data.get("data_type", obj.data_type), data.get("value", obj.value))
        return super().update(res, obj, actor, {**data, "updated_by": actor.id})
