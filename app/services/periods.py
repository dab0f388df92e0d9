"""A resource whose rows carry periods (a policy's `active_from`/`active_to`, a schedule's
`start_date`/`end_date`): the end may not come before the start, checked on the row as it will
be after the change (a PATCH may send only one of the two), as a 422 naming the end field. The
CHECK constraints in the models are the backstop; this is the readable answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.errors import ValidationFailed
from app.models import User
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def check_periods(
    periods: tuple[tuple[str, str], ...], data: dict[str, Any], current: Any = None
) -> None:
    errors: dict[str, list[str]] = {}
    for start_key, end_key in periods:
        start = data[start_key] if start_key in data else getattr(current, start_key, None)
        end = data[end_key] if end_key in data else getattr(current, end_key, None)
        if start is not None and end is not None and end < start:
            errors[end_key] = [f"Must not be before {start_key}."]
    if errors:
        raise ValidationFailed(errors=errors)


class PeriodService(ResourceService):
    """`ResourceService` with the period check; `periods` lists (start, end) column pairs."""

    def __init__(self, *periods: tuple[str, str]) -> None:
        self.periods = periods

    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        check_periods(self.periods, data)
        return super().create(res, actor, data)

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        check_periods(self.periods, data, obj)
        return super().update(res, obj, actor, data)
