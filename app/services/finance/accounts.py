"""The chart of accounts: the default one every organization starts with, which account each
posting uses, and the rule that an account the ledger names keeps its code and stays.

The posting accounts are organization settings (`organizations.settings["posting_accounts"]`,
purpose → account code); a purpose never set reads as the default chart's account."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import Conflict
from app.extensions import db
from app.models import Account, LedgerLine, Organization, User
from app.openapi import raises
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

# (code, name, type): ERP_API.md's seven accounts, with equity and expenses to close the books.
DEFAULT_CHART: tuple[tuple[str, str, str], ...] = (
    ("1000", "Cash", "asset"),
    ("1100", "Accounts receivable", "asset"),
    ("1200", "Inventory", "asset"),
    ("2000", "Accounts payable", "liability"),
    ("2100", "VAT payable", "liability"),
    ("3000", "Owner's equity", "equity"),
    ("4000", "Sales revenue", "revenue"),
    ("5000", "Cost of goods sold", "expense"),
    ("6000", "Operating expenses", "expense"),
)
# Posting purpose → the default chart's account for it (ERP_API.md's postings).
DEFAULT_POSTING_ACCOUNTS: dict[str, str] = {
    "cash": "1000",
    "receivable": "1100",
    "inventory": "1200",
    "payable": "2000",
    "vat_payable": "2100",
    "revenue": "4000",
    "cost_of_goods_sold": "5000",
}


def seed_chart(organization_id: uuid.UUID) -> None:
    """Give a new organization the default chart (the accounts it lacks by code)."""
    have = set(
        db.session.scalars(
            sa.select(Account.code).where(
                Account.organization_id == organization_id, Account.deleted_at.is_(None)
            )
        )
    )
    for code, name, kind in DEFAULT_CHART:
        if code not in have:
            account = Account(organization_id=organization_id, code=code, name=name, type=kind)
            db.session.add(account)
    db.session.flush()


def posting_account(organization_id: uuid.UUID, purpose: str) -> str:
    """The code of the account a posting for `purpose` (`receivable`, `revenue`, ...) uses."""
    if purpose not in DEFAULT_POSTING_ACCOUNTS:
        raise KeyError(f"unknown posting purpose {purpose!r}")
    org = db.session.get(Organization, organization_id)
    chosen = ((org.settings or {}) if org else {}).get("posting_accounts", {})
    return str(chosen.get(purpose) or DEFAULT_POSTING_ACCOUNTS[purpose])


class AccountInUse(Conflict):
    code, default_message = "ACCOUNT_IN_USE", "The ledger has lines on this account."


def _in_use(account: Account) -> bool:
    stmt = sa.select(LedgerLine.id).where(
        LedgerLine.account_id == account.id, LedgerLine.deleted_at.is_(None)
    )
    return db.session.scalar(stmt.limit(1)) is not None


class AccountService(ResourceService):
    """An account with ledger lines keeps its code and is not deleted (deactivate it)."""

    @raises(AccountInUse)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        if data.get("code", obj.code) != obj.code and _in_use(obj):
            raise AccountInUse("The ledger has lines on this account: its code stays.")
        return super().update(res, obj, actor, data)

    @raises(AccountInUse)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        if _in_use(obj):
            raise AccountInUse("The ledger has lines on this account; set is_active false.")
        super().delete(res, obj, actor)
