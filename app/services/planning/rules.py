"""The rules planning rows carry by themselves.

- A forecast's band holds its quantity: `lower_bound ≤ quantity ≤ upper_bound` (either bound
  may be left out), and its period ends on or after it starts.
- A historical sale's `net_revenue_base = round(net_revenue x fx_rate, 2)` half-up, in
  `base_currency` (the organization's unless given); in the same currency the rate is 1. With
  another currency and no rate, the base amount stays empty: rates of the date come from the
  finance domain's `fx_rates`, not from here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Organization, User
from app.services.line_math import cents
from app.services.periods import PeriodService
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

ONE = Decimal(1)


def _value(key: str, data: dict[str, Any], current: Any) -> Any:
    return data[key] if key in data else getattr(current, key, None)


class ForecastService(PeriodService):
    def __init__(self) -> None:
        super().__init__(
            ("period_start", "period_end"), ("training_data_start", "training_data_end")
        )

    @staticmethod
    def check_band(data: dict[str, Any], current: Any = None) -> None:
        quantity = _value("quantity", data, current)
        low, high = _value("lower_bound", data, current), _value("upper_bound", data, current)
        errors: dict[str, list[str]] = {}
        if quantity is not None and low is not None and low > quantity:
            errors["lower_bound"] = ["Must not be above quantity."]
        if quantity is not None and high is not None and high < quantity:
            errors["upper_bound"] = ["Must not be below quantity."]
        if errors:
            raise ValidationFailed(errors=errors)

    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        self.check_band(data)
        return super().create(res, actor, data)

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        self.check_band(data, obj)
        return super().update(res, obj, actor, data)


def converted(actor: User, data: dict[str, Any], current: Any = None) -> dict[str, Any]:
    """`data` with the base currency, the rate and the base amount filled, from the row as it
    will be (so that one write, and one audit row, carries them)."""
    values = dict(data)
    currency = _value("currency", data, current)
    if currency is None:  # the resource layer fills it later from the organization
        organization = db.session.get(Organization, actor.organization_id)
        currency = organization.currency if organization else None
    base = _value("base_currency", data, current)
    if base is None:
        organization = db.session.get(Organization, actor.organization_id)
        base = organization.currency if organization else currency
    values["base_currency"] = base
    if ({"currency", "base_currency"} & set(data)) and "fx_rate" not in data:
        values["fx_rate"] = None  # a rate between other currencies no longer applies
    rate = _value("fx_rate", values, current)
    if base == currency:
        values["fx_rate"] = rate = ONE
    revenue = _value("net_revenue", data, current)
    if revenue is None:
        revenue = Decimal(0)
    values["net_revenue_base"] = cents(revenue * rate) if rate is not None else None
    return values


class HistoricalSaleService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        return super().create(res, actor, converted(actor, data))

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        return super().update(res, obj, actor, converted(actor, data, obj))
