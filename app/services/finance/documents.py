"""Invoices and payments as tables: what they carry by themselves on the generic routes.

- An invoice is numbered INV-YYYY-NNNNN from its issue date unless the client brings its own
  number (an invoice moved from another system; unique among the live ones). `due_date`
  defaults to the issue date plus the payment terms (the invoice's, else the customer's,
  else NET_30) and may not be earlier. Lines are priced by the line math; a line without a
  product states its price. Only a draft changes or is deleted: once issued it is history
  (issuing, voiding and payments are the workflows', ERP II).
- A document in another currency than the organization's carries `fx_rate` (the latest on or
  before its date; 422 `NO_FX_RATE` when none) and its amount in the organization's currency.
- A payment with allocations keeps its customer, amount and currency, and is not deleted.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from app.errors import InvalidTransition, ValidationFailed
from app.extensions import db
from app.models import Customer, User
from app.openapi import raises
from app.services.finance.fx import NoFxRate, rate_to_base
from app.services.line_math import cents
from app.services.resources import ResourceService
from app.services.sales.documents import NumberedDocumentService, local_today
from app.services.tenancy import scoped
from app.services.timezones import local_date, organization_zone

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

DEFAULT_TERMS = "NET_30"


def terms_days(terms: str | None) -> int:
    """Days from issue to due for payment terms `NET_<days>` (PREPAYMENT and the unknown: 0)."""
    match = re.fullmatch(r"NET_(\d{1,3})", terms or "")
    return int(match.group(1)) if match else 0


def _customer_terms(actor: User, customer_id: Any) -> str | None:
    if customer_id is None:
        return None
    stmt = scoped(Customer, actor).where(Customer.id == customer_id)
    customer = db.session.scalar(stmt)
    return customer.payment_terms if customer is not None else None


class InvoiceService(NumberedDocumentService):
    kind, date_field = "invoice", "issue_date"

    def check_header(self, data: dict[str, Any], obj: Any | None) -> None:
        issue = data.get("issue_date", getattr(obj, "issue_date", None))
        due = data.get("due_date", getattr(obj, "due_date", None))
        if issue is not None and due is not None and due < issue:
            raise ValidationFailed(errors={"due_date": ["May not be earlier than issue_date."]})

    @raises(NoFxRate)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        data = dict(data)
        if data.get("issue_date") is None:
            data["issue_date"] = local_today(actor)
        if data.get("due_date") is None:
            terms = data.get("payment_terms") or _customer_terms(actor, data.get("customer_id"))
            data["payment_terms"] = terms = terms or DEFAULT_TERMS
            data["due_date"] = data["issue_date"] + timedelta(days=terms_days(terms))
        return super().create(res, actor, data)

    @raises(InvalidTransition, NoFxRate)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        _draft(obj)
        return super().update(res, obj, actor, data)

    @raises(InvalidTransition)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        _draft(obj)
        super().delete(res, obj, actor)

    def check_line(self, line: dict[str, Any]) -> dict[str, list[str]]:
        errors = super().check_line(line)
        if line.get("product_id") is None and line.get("unit_price") is None:
            errors["unit_price"] = ["Required when the line names no product."]
        return errors

    def price(self, res: Resource, obj: Any) -> None:
        super().price(res, obj)
        obj.fx_rate = rate_to_base(obj.organization_id, obj.currency, obj.issue_date)
        obj.total_amount_base = cents(obj.total_amount * obj.fx_rate)
        db.session.flush()


def _draft(invoice: Any) -> None:
    if invoice.status != "draft":
        raise InvalidTransition(f"This invoice is {invoice.status}: only a draft changes.")


def _payment_day(payment: Any) -> date:
    return local_date(payment.received_at, organization_zone(payment.organization_id))


def _convert(payment: Any) -> None:
    payment.fx_rate = rate_to_base(payment.organization_id, payment.currency, _payment_day(payment))
    payment.amount_base = cents(payment.amount * payment.fx_rate)
    db.session.flush()


class PaymentService(ResourceService):
    KEPT = ("customer_id", "amount", "currency")

    @raises(NoFxRate)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        payment = super().create(res, actor, data)
        _convert(payment)
        return payment

    @raises(InvalidTransition, NoFxRate)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        changed = [k for k in self.KEPT if k in data and data[k] != getattr(obj, k)]
        if changed and obj.allocated_amount > 0:
            raise InvalidTransition(
                f"This payment is allocated to invoices: {', '.join(changed)} cannot change."
            )
        payment = super().update(res, obj, actor, data)
        _convert(payment)
        return payment

    @raises(InvalidTransition)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        if obj.allocated_amount > 0:
            raise InvalidTransition("This payment is allocated to invoices: it stays.")
        super().delete(res, obj, actor)
