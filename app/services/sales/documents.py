"""Numbered documents with embedded lines (quotes, sales orders; purchase orders reuse it): the
rules these tables carry by themselves on the generic routes.

- the document's date defaults to the organization's local today, and its number
  (`app.services.sales.numbers`) is assigned from that date's year when it is created;
- every line's quantity is above 0 and its discount at most 100%; a line without a product
  states its own price;
- quotes: `valid_until` defaults to `issue_date` and may not be earlier; an
  `estimated_price` is above 0; `converted` is set by the conversion only (ERP II);
- sales orders: clients write `item` lines, each naming a product; the `labour` and
  `overhead` lines are the server's (time entries, ERP II) and survive a replacement of the
  lines. Lines stay editable until the order is closed (the `Lines` registration says so).

Workflows (conversion, reservation, fulfilment, receiving) are ERP II and not here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, cast

import sqlalchemy as sa

from app.errors import InvalidTransition, ValidationFailed
from app.models import User
from app.models.base import utcnow
from app.openapi import raises
from app.services.resources import ResourceService
from app.services.sales.numbers import next_number
from app.services.timezones import local_date, organization_zone

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

ABOVE_ZERO = "Must be above 0."


def local_today(actor: User) -> date:
    return local_date(utcnow(), organization_zone(actor.organization_id))


def _fail(errors: dict[str, Any]) -> ValidationFailed:
    # Line errors are nested as marshmallow nests them: {"lines": {"0": {"quantity": [...]}}}.
    return ValidationFailed(errors=cast(dict[str, list[str]], errors))


class NumberedDocumentService(ResourceService):
    """A document numbered by `next_number(kind)` from its date column `date_field`."""

    kind: ClassVar[str]
    date_field: ClassVar[str]

    @raises(InvalidTransition)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        data = dict(data)
        if data.get(self.date_field) is None:
            data[self.date_field] = local_today(actor)
        self.check_header(data, None)
        if not data.get("number"):  # writable only where a client may bring its own (invoices)
            data["number"] = next_number(actor, self.kind, data[self.date_field])
        return super().create(res, actor, data)

    @raises(InvalidTransition)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        self.check_header(data, obj)
        return super().update(res, obj, actor, data)

    def check_header(self, data: dict[str, Any], obj: Any | None) -> None:
        """The header's own rules; `obj` is None on create."""

    def check_line(self, line: dict[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        quantity = line.get("quantity")
        if quantity is not None and quantity <= 0:
            errors["quantity"] = [ABOVE_ZERO]
        discount = line.get("discount_percent")
        if discount is not None and discount > 100:
            errors["discount_percent"] = ["At most 100."]
        return errors

    def replace_lines(
        self, res: Resource, obj: Any, actor: User, lines: list[dict[str, Any]]
    ) -> None:
        errors = {str(i): e for i, line in enumerate(lines) if (e := self.check_line(line))}
        if errors:
            assert res.lines is not None
            raise _fail({res.lines.field: errors})
        super().replace_lines(res, obj, actor, lines)


class QuoteService(NumberedDocumentService):
    kind, date_field = "quote", "issue_date"

    def check_header(self, data: dict[str, Any], obj: Any | None) -> None:
        errors: dict[str, list[str]] = {}
        estimate = data.get("estimated_price")
        if estimate is not None and estimate <= 0:
            errors["estimated_price"] = [ABOVE_ZERO]
        if obj is None:
            data.setdefault("valid_until", None)
            if data["valid_until"] is None:
                data["valid_until"] = data["issue_date"]
        issue = data.get("issue_date", getattr(obj, "issue_date", None))
        until = data.get("valid_until", getattr(obj, "valid_until", None))
        if issue is not None and until is not None and until < issue:
            errors["valid_until"] = ["May not be earlier than issue_date."]
        if errors:
            raise ValidationFailed(errors=errors)
        status = data.get("status")
        if status is None or (obj is not None and status == obj.status):
            return
        if status == "converted" or (obj is not None and obj.status == "converted"):
            raise InvalidTransition(
                "A quote becomes converted by POST /quotes/{id}/convert, and stays so."
            )

    def check_line(self, line: dict[str, Any]) -> dict[str, list[str]]:
        errors = super().check_line(line)
        if line.get("product_id") is None and line.get("unit_price") is None:
            errors["unit_price"] = ["Required when the line names no product."]
        return errors


class SalesOrderService(NumberedDocumentService):
    kind, date_field = "sales_order", "order_date"
    SERVER_KINDS = ("labour", "overhead")

    def check_line(self, line: dict[str, Any]) -> dict[str, list[str]]:
        errors = super().check_line(line)
        if line.get("kind", "item") in self.SERVER_KINDS:
            errors["kind"] = ["Labour and overhead lines are written from time entries."]
        elif line.get("product_id") is None:
            errors["product_id"] = ["An item line names a product."]
        return errors

    def replace_lines(
        self, res: Resource, obj: Any, actor: User, lines: list[dict[str, Any]]
    ) -> None:
        kept = [_line_values(line) for line in obj.lines if line.kind in self.SERVER_KINDS]
        if kept:
            # Checked without the server's own lines, then written with them.
            errors = {str(i): e for i, line in enumerate(lines) if (e := self.check_line(line))}
            if errors:
                raise _fail({"lines": errors})
            ResourceService.replace_lines(self, res, obj, actor, [*lines, *kept])
            return
        super().replace_lines(res, obj, actor, lines)


def _line_values(line: Any) -> dict[str, Any]:
    """A server-written line as the values that recreate it."""
    skip = {"id", "organization_id", "created_at", "updated_at", "deleted_at", "created_by"}
    skip |= {"position", "line_total"}  # renumbered and repriced by replace_lines
    return {
        c.key: getattr(line, c.key) for c in sa.inspect(type(line)).columns if c.key not in skip
    }
