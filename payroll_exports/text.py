"""Text clean-up shared by the formats: formula neutralising, ASCII, one-line fields.

- :func:`neutralise_formula` is the one guard against formula injection (OWASP "CSV Injection"):
  a text cell that a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``,
  ``@``, tab or CR) gets a leading ``'``. Every format passes **every text cell** through it:
  names, notes, IDs such as ``employee_number`` (a manager types them, and ``=HYPERLINK(...)`` is
  as dangerous there as in a name), settings and codes. Numbers (hours, money, rates) are not
  text cells and never pass through it, because a ``-`` in front of an amount is a sign.
- :func:`csv_record` writes one RFC 4180 record; unlike ``csv.writer`` with an LF terminator, it
  also quotes a field holding a lone CR, which a spreadsheet would otherwise read as a row break.
- :func:`to_ascii` serves the formats whose vendors only read ASCII (ADP EPI, QuickBooks IIF):
  Unicode NFKD decomposition drops accents (``José`` → ``Jose``), a short table covers the Latin
  letters and typographic punctuation that NFKD leaves alone (``ß``, ``Ø``, the apostrophe
  U+2019), and anything still outside ASCII is either an ``ExportError`` naming the employee
  (identifiers that must match the vendor's records exactly) or a ``?`` (free text such as notes).
- :func:`single_line` removes tabs and line breaks, which would split a tab-separated record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from payroll_exports.errors import ExportError

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# Letters and punctuation that NFKD does not decompose into ASCII but that have a conventional
# ASCII spelling; without these a name like "Øster" or "O\u2019Brien" would fail the export.
_EXTRA_TRANSLITERATIONS: dict[str, str] = {
    "ß": "ss",
    "ẞ": "SS",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Ø": "O",
    "ø": "o",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ð": "D",
    "ð": "d",
    "Þ": "Th",
    "þ": "th",
    "\u0131": "i",  # dotless i
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
}

# Tabs, CR/LF and the other C0/C1 controls and Unicode line/paragraph separators.
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` when a spreadsheet would evaluate ``text`` as a formula."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def csv_record(fields: Sequence[str], line_end: str) -> str:
    """One comma-separated record: a field with a comma, quote, CR or LF is quoted, quotes
    doubled (RFC 4180, section 2)."""
    return (
        ",".join(
            '"' + field.replace('"', '""') + '"' if _NEEDS_QUOTES.search(field) else field
            for field in fields
        )
        + line_end
    )


def describe_employee(employee_number: str, first_name: str, last_name: str) -> str:
    """The way error messages name an employee: ``José Núñez (employee_number 0042)``."""
    full_name = f"{first_name} {last_name}".strip()
    return (
        f"{full_name} (employee_number {employee_number})"
        if full_name
        else (f"employee_number {employee_number}")
    )


def _transliterate(text: str) -> str:
    """Best-effort ASCII spelling; characters without one are left as they are."""
    mapped = "".join(_EXTRA_TRANSLITERATIONS.get(char, char) for char in text)
    decomposed = unicodedata.normalize("NFKD", mapped)
    # Dropping combining marks is what turns "é" (e + U+0301 after NFKD) into "e".
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def to_ascii(text: str, *, field: str, employee: str | None = None) -> str:
    """Transliterate ``text`` to ASCII or raise an ExportError naming the field and employee.

    Used for values the vendor matches exactly (names, codes, IDs), where guessing would import
    hours against the wrong record.
    """
    result = _transliterate(text)
    leftovers = sorted({char for char in result if ord(char) > 127})
    if leftovers:
        shown = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in leftovers)
        whose = f" of {employee}" if employee else ""
        raise ExportError(
            f"The {field}{whose} is {text!r}, which contains {shown} with no ASCII equivalent; "
            "this format only accepts ASCII, so correct the value and export again."
        )
    return result


def to_ascii_lossy(text: str) -> str:
    """Transliterate ``text`` to ASCII, writing ``?`` for what has no ASCII spelling.

    Used for free text (notes, task titles) where an emoji must not block a payroll run.
    """
    return "".join(char if ord(char) < 128 else "?" for char in _transliterate(text))


def single_line(text: str) -> str:
    """Replace every run of tabs, line breaks and control characters with one space."""
    return _LINE_BREAKING.sub(" ", text).strip()


def slugify(text: str, *, fallback: str = "fieldclock", max_length: int = 40) -> str:
    """A lower-case ASCII file-name fragment (``Acme Façades Ltd`` → ``acme-facades-ltd``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", to_ascii_lossy(text).lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback
