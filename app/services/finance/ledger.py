"""Ledger entries: posted whole, balanced, on the organization's own accounts, never changed.

`POST /ledger-entries {entry_date, memo, lines: [{account_code, debit, credit, description}]}`:
every line has exactly one of debit and credit above zero (the other 0 or left out), every
code names a live, active account of the chart (else 422 naming the line), and Σ debit equals
Σ credit (else 422 `UNBALANCED_ENTRY`); nothing is written unless all of that holds. The
entry keeps its totals; each line its account's id and the entry's date. Corrections are
reversing entries (the resource is append-only)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Account, LedgerEntry, User
from app.openapi import raises
from app.services.resources import ResourceService
from app.services.sales.documents import local_today
from app.services.tenancy import get_or_404, scoped

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

ZERO = Decimal("0")


class UnbalancedEntry(ValidationFailed):
    code, default_message = "UNBALANCED_ENTRY", "The debits and the credits differ."


def accounts_by_code(actor: User, codes: set[str]) -> dict[str, Account]:
    """The organization's live, active accounts among `codes`."""
    stmt = scoped(Account, actor).where(Account.code.in_(codes), Account.is_active.is_(True))
    return {a.code: a for a in db.session.scalars(stmt)}


def _line_errors(line: dict[str, Any], known: dict[str, Account]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    debit, credit = line.get("debit") or ZERO, line.get("credit") or ZERO
    if (debit > 0) == (credit > 0):
        errors["debit"] = ["Exactly one of debit and credit is above zero."]
    if line.get("account_code") not in known:
        errors["account_code"] = ["No such active account in the chart of accounts."]
    return errors


def checked_lines(actor: User, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`lines` with each one's account id, once they make a valid entry (else a 422)."""
    if len(lines) < 2:
        raise ValidationFailed(errors={"lines": ["An entry has at least two lines."]})
    known = accounts_by_code(actor, {str(line.get("account_code")) for line in lines})
    errors = {str(i): e for i, line in enumerate(lines) if (e := _line_errors(line, known))}
    if errors:
        raise ValidationFailed(errors={"lines": errors})  # type: ignore[dict-item]
    debit = sum((line.get("debit") or ZERO for line in lines), ZERO)
    credit = sum((line.get("credit") or ZERO for line in lines), ZERO)
    if debit != credit:
        raise UnbalancedEntry(
            f"Debits {debit} and credits {credit} differ by {abs(debit - credit)}.",
            details={"total_debit": str(debit), "total_credit": str(credit)},
        )
    return [
        {
            **line,
            "debit": line.get("debit") or ZERO,
            "credit": line.get("credit") or ZERO,
            "account_id": known[line["account_code"]].id,
        }
        for line in lines
    ]


class LedgerEntryService(ResourceService):
    @raises(UnbalancedEntry)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        lines = checked_lines(actor, list(data.get("lines") or []))
        data = {**data, "lines": lines}
        if data.get("entry_date") is None:
            data["entry_date"] = local_today(actor)
        return super().create(res, actor, data)

    def replace_lines(
        self, res: Resource, obj: Any, actor: User, lines: list[dict[str, Any]]
    ) -> None:
        super().replace_lines(res, obj, actor, [{**x, "entry_date": obj.entry_date} for x in lines])
        obj.total_debit = sum((line.debit for line in obj.lines), ZERO)
        obj.total_credit = sum((line.credit for line in obj.lines), ZERO)
        db.session.flush()


class LedgerLineService(ResourceService):
    """Ledger lines are written with their entry; this is the one-line path the workflows
    (and the tests' row factory) use, under the same account rule."""

    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        entry = get_or_404(LedgerEntry, data["entry_id"], actor)
        known = accounts_by_code(actor, {str(data.get("account_code"))})
        errors = _line_errors(data, known)
        if errors:
            raise ValidationFailed(errors=errors)
        account = known[data["account_code"]]
        values = {**data, "account_id": account.id, "entry_date": entry.entry_date}
        return super().create(res, actor, values)
