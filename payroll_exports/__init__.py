"""Payroll export files for Fieldclock: typed rows in, deterministic bytes out.

A pure library (no Flask, no database): the export job builds an :class:`ExportContext`, one
:class:`EmployeeTotals` per employee and one :class:`EntryDetail` per approved entry-day, then calls
:func:`render_export` (or ``get_format(name).render(...)``). The formats are ``csv``, ``adp``,
``gusto``, ``quickbooks_iif`` and ``xlsx``; hours and money rules live in :mod:`.money`.
"""

from payroll_exports import formats as _formats  # registers every format in FORMATS
from payroll_exports.errors import ExportError, InvalidRowError, UnknownFormatError
from payroll_exports.money import PayLines, compute_pay, hours, pay_line, round_half_up
from payroll_exports.registry import (
    FORMATS,
    ExportFile,
    ExportFormat,
    get_format,
    register_format,
    render_export,
)
from payroll_exports.rows import EmployeeTotals, EntryDetail, ExportContext

del _formats

__all__ = [
    "FORMATS",
    "EmployeeTotals",
    "EntryDetail",
    "ExportContext",
    "ExportError",
    "ExportFile",
    "ExportFormat",
    "InvalidRowError",
    "PayLines",
    "UnknownFormatError",
    "compute_pay",
    "get_format",
    "hours",
    "pay_line",
    "register_format",
    "render_export",
    "round_half_up",
]
