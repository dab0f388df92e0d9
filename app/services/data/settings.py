"""System settings: a value must be of the setting's `data_type`, and changing it keeps the
previous value and bumps the version (seed 004: "System settings include previous_value for
change history"). Setting the same value again is not a new version."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from app.errors import ValidationFailed
from app.models import User
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def _is_decimal(value: Any) -> bool:
    # A string, so that "0.1" stays 0.1 (a JSON number would be a float); or a whole number.
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


CHECKS = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "decimal": (_is_decimal, 'a decimal as a string ("12.50")'),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    "json": (lambda v: isinstance(v, dict | list), "an object or a list"),
}


def check_value(data_type: str, value: Any) -> None:
    accepts, expected = CHECKS[data_type]
    if not accepts(value):
        raise ValidationFailed(errors={"value": [f"A {data_type} setting holds {expected}."]})


class SystemSettingService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        check_value(data.get("data_type") or "string", data.get("value"))
        return super().create(res, actor, data)

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        value = data.get("value", obj.value)
        check_value(data.get("data_type", obj.data_type), value)
        if "value" in data and value != obj.value:
            data = {**data, "previous_value": obj.value, "version": obj.version + 1}
        return super().update(res, obj, actor, data)
