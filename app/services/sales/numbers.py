"""Document numbers (ERP_API.md "Numbers"): `QO-YYYY-NNNNN`, `SO-…`, `PO-…`, `INV-…`, a 5-digit
sequence per organization, kind and year, assigned by the server and never reused.

The counter is one `document_sequences` row, created on first use by an insert that yields to a
concurrent one (ON CONFLICT DO NOTHING) and then incremented by `UPDATE … RETURNING`. The update
holds the row lock until the caller's transaction ends, so concurrent documents of one kind
and year queue on it (PostgreSQL) or on SQLite's single writer, and each gets the next number;
a transaction that rolls back gives its number back before anyone saw it. A soft-deleted
document keeps its number, so numbers are never reused.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.sales import DocumentSequence

PREFIXES = {"quote": "QO", "sales_order": "SO", "purchase_order": "PO", "invoice": "INV"}


def format_number(kind: str, year: int, sequence: int) -> str:
    return f"{PREFIXES[kind]}-{year:04d}-{sequence:05d}"


def next_number(actor: User, kind: str, day: date) -> str:
    """The next number of `kind` for the actor's organization in `day`'s year."""
    if kind not in PREFIXES:
        raise ValueError(f"unknown document kind {kind!r}")
    table = cast(sa.Table, DocumentSequence.__table__)
    now = utcnow()
    key = {"organization_id": actor.organization_id, "kind": kind, "year": day.year}
    dialect = db.session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(table)
        .values(id=uuid.uuid4(), last_number=0, created_at=now, updated_at=now, **key)
        .on_conflict_do_nothing(index_elements=["organization_id", "kind", "year"])
    )
    sequence = db.session.execute(
        sa.update(table)
        .where(*(table.c[name] == value for name, value in key.items()))
        .values(last_number=table.c.last_number + 1, updated_at=now)
        .returning(table.c.last_number)
    ).scalar_one()
    return format_number(kind, day.year, sequence)
