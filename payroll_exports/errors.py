"""Exceptions raised by payroll_exports.

Every failure a caller can act on is an :class:`ExportError` whose message is a sentence a payroll
clerk can read (it names the employee or the setting at fault), so the export job can store it as
the export's ``error`` without translating it.
"""

from __future__ import annotations


class ExportError(Exception):
    """An export cannot be produced from the given rows and settings."""


class InvalidRowError(ExportError, ValueError):
    """A typed input row was built with a value no export can represent.

    Also a ``ValueError`` so that code constructing rows can treat it as ordinary bad input.
    """


class UnknownFormatError(ExportError, LookupError):
    """No export format is registered under the requested name."""
