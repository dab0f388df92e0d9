"""Declarative base, portable column types and the mixins every tenant table uses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """`timestamptz` on PostgreSQL; on SQLite, naive UTC stored and aware UTC given back."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Money = sa.Numeric(14, 2)
Quantity = sa.Numeric(14, 3)  # stock and line quantities: up to 3 places ("12.500")
Percent = sa.Numeric(7, 2)  # VAT rates, discounts, probabilities ("12.00")
Rate = sa.Numeric(18, 8)  # exchange rates


class Base(DeclarativeBase):
    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={
            datetime: UTCDateTime(),
            uuid.UUID: sa.Uuid(),
            dict[str, Any]: JSONType,
        },
    )

    # Columns whose values never reach the audit log (secrets, derived noise).
    __audit_exclude__: frozenset[str] = frozenset({"password_hash", "updated_at"})
    # Tables written by the system itself (audit rows, sessions) are not audited again.
    __audited__: bool = True


def served(column: sa.Column[Any]) -> bool:
    """Whether the API shows a column: not the soft-delete marker, not one marked
    `info={"secret": True}` (a token's id: never dumped, sorted or filtered by)."""
    return column.key != "deleted_at" and not column.info.get("secret")


def check_in(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A CHECK that `column` holds one of `values` (an enumeration, as the seed DDL has it)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


def choice(*values: str, name: str) -> sa.Enum:
    """A string column limited to `values` by a CHECK constraint (never a native enum type, so
    adding a value is a plain migration on both backends); the resource layer's schemas read
    the values back from the type to validate input and document the enumeration."""
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def live_unique(table: str, *columns: str, where: str = "", name: str = "") -> sa.Index:
    """A unique index over live rows only: a soft-deleted row frees its key (a product code,
    an invoice number) for a new row, on PostgreSQL and SQLite alike. `name` when the derived
    one would pass PostgreSQL's 63 characters (it must end in `_live`)."""
    condition = "deleted_at IS NULL" + (f" AND {where}" if where else "")
    name = name or f"uq_{table}_{'_'.join(columns)}_live"
    if len(name) > 63 or not name.endswith("_live"):
        raise ValueError(f"index name {name!r}: at most 63 characters, ending in _live")
    return sa.Index(
        name,
        *columns,
        unique=True,
        postgresql_where=sa.text(condition),
        sqlite_where=sa.text(condition),
    )


class UUIDPk:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=sa.func.now()
    )


class SoftDelete:
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class TenantScoped:
    """A row owned by one organization; every query for it goes through `app.services.tenancy`."""

    @declared_attr
    def organization_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(sa.ForeignKey("organizations.id"), index=True)


class WorkspaceScoped(TenantScoped):
    @declared_attr
    def workspace_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(sa.ForeignKey("workspaces.id"), index=True)


class CreatedBy:
    # The user who created the row. Deliberately no foreign key: users belong to workspaces,
    # which carry created_by themselves, and the cycle is not worth it for a provenance field.
    created_by: Mapped[uuid.UUID | None] = mapped_column(default=None)


class TenantRow(UUIDPk, TenantScoped, Timestamps, SoftDelete, CreatedBy):
    """The columns every ERP table has (ERP_DOMAINS.md): id, organization, times, soft delete."""


class WorkspaceRow(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy):
    """An ERP table that also carries `workspace_id`, where the Prometric DDL has it."""
