"""Exchange rates for documents in another currency than the organization's (ERP_API.md,
"Multi-currency"): the latest rate on or before the document's date, read either way round
(`EUR→USD 1.1` or `USD→EUR 0.909...`), else 422 `NO_FX_RATE`."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.extensions import db
from app.models import FxRate, Organization

ONE = Decimal("1")
RATE_PLACES = Decimal("0.00000001")  # fx_rates.rate: Numeric(18, 8)


class NoFxRate(ValidationFailed):
    code, default_message = "NO_FX_RATE", "No exchange rate on or before the document's date."


def _latest(organization_id: uuid.UUID, base: str, quote: str, day: date) -> FxRate | None:
    stmt = (
        sa.select(FxRate)
        .where(
            FxRate.organization_id == organization_id,
            FxRate.deleted_at.is_(None),
            FxRate.base == base,
            FxRate.quote == quote,
            FxRate.rate_date <= day,
        )
        .order_by(FxRate.rate_date.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def rate_to_base(organization_id: uuid.UUID, currency: str, day: date) -> Decimal:
    """How many units of the organization's currency one unit of `currency` was worth on
    `day` (1 for the organization's own currency)."""
    org = db.session.get(Organization, organization_id)
    home = org.currency if org else "USD"
    if currency == home:
        return ONE
    direct = _latest(organization_id, currency, home, day)
    inverse = _latest(organization_id, home, currency, day)
    if direct is not None and (inverse is None or direct.rate_date >= inverse.rate_date):
        return direct.rate
    if inverse is not None:
        return (ONE / inverse.rate).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    raise NoFxRate(
        f"No {currency}/{home} exchange rate on or before {day.isoformat()}.",
        errors={"currency": [f"No {currency}/{home} rate on or before {day.isoformat()}."]},
    )
