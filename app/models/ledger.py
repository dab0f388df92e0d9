"""The ledger: the organization's chart of accounts and its double-entry journal (seed 001's
`chart_of_accounts`, `ledger_entries`, `ledger_lines`).

An entry is posted whole and never changes (a correction is a reversing entry); its lines
name their account by id and, as the client wrote it, by code. Every line has exactly one of
debit and credit above zero, and an entry's debits equal its credits (the service checks the
sums; the CHECK constraints hold each line)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Money, TenantRow, choice, live_unique

ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "expense")
# What wrote an entry: a person (manual), or a workflow posting a document (ERP II).
ENTRY_TYPES = ("manual", "invoice", "payment", "reversal", "adjustment")

RO = {"read_only": True}


class Account(TenantRow, Base):
    __tablename__ = "chart_of_accounts"
    __table_args__ = (live_unique("chart_of_accounts", "organization_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(255))
    type: Mapped[str] = mapped_column(choice(*ACCOUNT_TYPES, name="type"), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("chart_of_accounts.id"), default=None, index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)


class LedgerEntry(TenantRow, Base):
    __tablename__ = "ledger_entries"

    entry_date: Mapped[date] = mapped_column(default=date.today, index=True)
    memo: Mapped[str | None] = mapped_column(sa.Text, default=None)
    reference: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    type: Mapped[str] = mapped_column(
        choice(*ENTRY_TYPES, name="type"), default="manual", index=True, info=RO
    )
    # The document a workflow posted (an invoice, a payment), and the entry a reversal mirrors.
    source_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True, info=RO)
    reversal_of_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("ledger_entries.id"), default=None, index=True, info=RO
    )
    total_debit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    total_credit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    lines: Mapped[list[LedgerLine]] = relationship(
        order_by="LedgerLine.position", cascade="all, delete-orphan"
    )


class LedgerLine(TenantRow, Base):
    __tablename__ = "ledger_lines"
    __table_args__ = (
        sa.CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="one_side"
        ),
        sa.Index("ix_ledger_lines_account_id_entry_date", "account_id", "entry_date"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("ledger_entries.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    account_code: Mapped[str] = mapped_column(sa.String(20))
    account_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("chart_of_accounts.id"), info=RO)
    debit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # The entry's date, kept on the line for balances as of a day.
    entry_date: Mapped[date] = mapped_column(info=RO)
