"""The registry of export formats, and the one call the export job makes.

A format is an object with ``name``, ``media_type``, ``file_extension``, ``filename(ctx)`` and
``render(ctx, totals, details) -> bytes``. Rendering is deterministic: the same rows give the same
bytes, so the export's sha256 doubles as its ETag and a re-run after a crash produces the same
file. Formats register themselves with :func:`register_format` when ``payroll_exports.formats``
is imported (``import payroll_exports`` does that).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from payroll_exports.errors import UnknownFormatError
from payroll_exports.rows import EmployeeTotals, EntryDetail, ExportContext
from payroll_exports.text import slugify


class ExportFormat(Protocol):
    """What every registered format provides."""

    name: str
    media_type: str
    file_extension: str

    def filename(self, ctx: ExportContext) -> str:
        """The download file name for this context."""
        ...

    def render(
        self,
        ctx: ExportContext,
        totals: Sequence[EmployeeTotals],
        details: Sequence[EntryDetail],
    ) -> bytes:
        """The file's bytes; identical for identical input."""
        ...


FormatClass = TypeVar("FormatClass", bound=type)

FORMATS: dict[str, ExportFormat] = {}


def register_format(name: str) -> Callable[[FormatClass], FormatClass]:
    """Class decorator: instantiate the class and register the instance under ``name``."""

    def decorator(cls: FormatClass) -> FormatClass:
        if name in FORMATS:
            raise ValueError(f"export format {name!r} is already registered")
        # Set on the class so that the instance and the registry key can never disagree.
        setattr(cls, "name", name)  # noqa: B010 - mypy only knows FormatClass as a bare type
        FORMATS[name] = cls()
        return cls

    return decorator


def get_format(name: str) -> ExportFormat:
    """The registered format called ``name``, or UnknownFormatError listing the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UnknownFormatError(
            f"unknown export format {name!r}; known formats: {known}"
        ) from None


def period_filename(ctx: ExportContext, stem: str, extension: str) -> str:
    """``<organization-slug>-<stem>-<start>_<end>.<extension>``, ASCII only."""
    return (
        f"{slugify(ctx.organization_name)}-{stem}-"
        f"{ctx.period_start.isoformat()}_{ctx.period_end.isoformat()}.{extension}"
    )


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A rendered export, ready to store and serve."""

    format_name: str
    filename: str
    media_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        """Hex digest of the content (the download's ETag)."""
        return hashlib.sha256(self.content).hexdigest()


def render_export(
    format_name: str,
    ctx: ExportContext,
    totals: Sequence[EmployeeTotals],
    details: Sequence[EntryDetail] = (),
) -> ExportFile:
    """Render ``format_name`` for the given rows."""
    export_format = get_format(format_name)
    return ExportFile(
        format_name=export_format.name,
        filename=export_format.filename(ctx),
        media_type=export_format.media_type,
        content=export_format.render(ctx, totals, details),
    )
