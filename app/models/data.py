"""Data management (Sentia's seed 003): imports and their per-row errors, reusable import
templates, and versioned system settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, Percent, TenantRow, choice, live_unique

IMPORT_KINDS = ("inventory", "products", "customers", "sales")
IMPORT_MODES = ("add", "set")
IMPORT_STATUSES = ("queued", "running", "completed", "failed")
SEVERITIES = ("error", "warning")
SETTING_TYPES = ("string", "integer", "decimal", "boolean", "json")


class DataImport(TenantRow, Base):
    """One uploaded file and its progress, written by the import job (read-only over HTTP).
    The same file again is found by (organization, sha256)."""

    __tablename__ = "data_imports"
    __table_args__ = (
        sa.Index("ix_data_imports_organization_id_sha256", "organization_id", "sha256"),
        sa.CheckConstraint(
            "total_rows >= 0 AND processed_rows >= 0 AND succeeded_rows >= 0 "
            "AND failed_rows >= 0 AND warning_count >= 0",
            name="counts",
        ),
    )

    kind: Mapped[str] = mapped_column(choice(*IMPORT_KINDS, name="kind"), index=True)
    mode: Mapped[str] = mapped_column(choice(*IMPORT_MODES, name="mode"), default="add")
    status: Mapped[str] = mapped_column(
        choice(*IMPORT_STATUSES, name="status"), default="queued", index=True
    )
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    file_size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    succeeded_rows: Mapped[int] = mapped_column(default=0)
    failed_rows: Mapped[int] = mapped_column(default=0)
    warning_count: Mapped[int] = mapped_column(default=0)
    # The RQ job processing it (`GET /jobs/{id}`).
    job_id: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class DataImportFile(Base):
    """The uploaded bytes of an import, kept apart from `data_imports` so that they never
    reach its answers or the audit log; written with the import's row, removed when its job
    finishes (the API and the workers may run on different machines: the database is the one
    place both reach)."""

    __tablename__ = "data_import_files"
    __audited__ = False  # plumbing: the import's row and what it changes are audited

    import_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("data_imports.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class ImportRowError(TenantRow, Base):
    """A problem with one row (or, with no row, the whole file) of an import: append-only.
    `row_number` counts the header as row 1."""

    __tablename__ = "import_errors"

    import_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("data_imports.id"), index=True)
    row_number: Mapped[int | None] = mapped_column(default=None)
    column: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    value: Mapped[str | None] = mapped_column(sa.Text, default=None)
    code: Mapped[str] = mapped_column(sa.String(50), index=True)
    severity: Mapped[str] = mapped_column(choice(*SEVERITIES, name="severity"), default="error")
    message: Mapped[str] = mapped_column(sa.Text)
    suggested_value: Mapped[str | None] = mapped_column(sa.Text, default=None)


class ImportTemplate(TenantRow, Base):
    """A reusable import configuration: which file columns map to which fields, with what
    checks."""

    __tablename__ = "import_templates"
    __table_args__ = (live_unique("import_templates", "organization_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(choice(*IMPORT_KINDS, name="kind"), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    field_definitions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    validation_rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_default: Mapped[bool] = mapped_column(default=False)
    # The share of rows imported without error over the imports that used it (job-written).
    success_rate: Mapped[Decimal | None] = mapped_column(
        Percent, default=None, info={"read_only": True}
    )


class SystemSetting(TenantRow, Base):
    """A typed setting with its history: each change of `value` keeps the one before in
    `previous_value` and bumps `version` (seed 004), see `app.services.data.settings`."""

    __tablename__ = "system_settings"
    __table_args__ = (
        live_unique("system_settings", "organization_id", "category", "key"),
        sa.CheckConstraint("version >= 1", name="version"),
    )

    category: Mapped[str] = mapped_column(sa.String(50), default="general")
    key: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    data_type: Mapped[str] = mapped_column(
        choice(*SETTING_TYPES, name="data_type"), default="string"
    )
    # JSON holds every type; a decimal is kept as a string ("12.50") so it stays exact.
    value: Mapped[Any] = mapped_column(
        JSONType,
        doc="Of the setting's data_type (a 422 otherwise): string, a string; integer, a whole "
        'number; decimal, a decimal as a string ("12.50") or a whole number; boolean, true or '
        "false; json, an object or a list.",
    )
    previous_value: Mapped[Any] = mapped_column(
        JSONType, nullable=True, default=None, info={"read_only": True}
    )
    version: Mapped[int] = mapped_column(default=1, info={"read_only": True})
    environment: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    scope: Mapped[str] = mapped_column(sa.String(50), default="global")
    is_encrypted: Mapped[bool] = mapped_column(default=False)
    requires_restart: Mapped[bool] = mapped_column(default=False)
    effective_from: Mapped[datetime | None] = mapped_column(default=None)
    effective_to: Mapped[datetime | None] = mapped_column(default=None)
