"""Soft SME's inventory CSV, read, checked and merged (ERP_API.md, "Inventory imports"): pure
Python, no database, so that every rule is decided before a row is written.

- The header is required, in any order; names compared without case and surrounding spaces, a
  UTF-8 byte-order mark accepted, extra columns ignored. A file that is not UTF-8 text or not
  CSV (`NOT_CSV`), whose first row names none of the template's columns (`NO_HEADER`) or that
  lacks `part_number` (`MISSING_COLUMN`) is refused as a whole (`FileProblem`).
- Every value is trimmed. `part_number` (→ the product's upper-case `code`) and
  `part_description` (→ `name`) are required; `unit` defaults to `Each`; `quantity`,
  `last_unit_cost` and `reorder_point` default to 0, are plain decimals (`12`, `12.5`, `.5`:
  no exponent, no thousands separator), never negative, with at most the places their columns
  keep (3 for quantities, 2 for money); `part_type` is `stock` (the default) or `supply`.
- Rows of the same part are merged: quantities added, the higher cost and reorder point, the
  first row's description, unit and part type; each later row gets a `DUPLICATE_MERGED`
  warning. When their units differ (compared without case), every row of the part is refused
  with `UNIT_MISMATCH`; a row refused for its own values takes no part in the merge.
- Rows are numbered as a spreadsheet shows them: the header is row 1, blank lines count, a
  row whose cells are all empty is skipped (neither counted nor reported).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

COLUMNS = (
    "part_number",
    "part_description",
    "unit",
    "quantity",
    "last_unit_cost",
    "reorder_point",
    "part_type",
)
TEMPLATE = ",".join(COLUMNS) + "\r\n"
MAX_ROWS = 50_000
DEFAULT_UNIT = "Each"
PART_TYPES = ("stock", "supply")
# column → (the longest value its product column holds)
LENGTHS = {"part_number": 100, "part_description": 500, "unit": 20}
# column → (decimal places, the bound a value stays under: the product column's precision)
NUMBERS = {
    "quantity": (3, Decimal(10) ** 11),
    "last_unit_cost": (2, Decimal(10) ** 12),
    "reorder_point": (3, Decimal(10) ** 11),
}
PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
ZERO = Decimal("0")


class FileProblem(Exception):
    """The whole file is refused: the import fails with this one error."""

    def __init__(self, code: str, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.column = code, message, column


@dataclass(frozen=True)
class Issue:
    """One `import_errors` row: a problem with a value of a row (or a warning about it)."""

    row_number: int
    column: str | None
    value: str | None
    code: str
    message: str
    severity: str = "error"


@dataclass
class Part:
    """What the file says of one part, its rows merged."""

    code: str
    name: str
    unit: str
    quantity: Decimal
    cost: Decimal
    reorder_point: Decimal
    tracked: bool
    rows: list[int] = field(default_factory=list)  # its row numbers, the first one first


@dataclass
class Parsed:
    rows: list[int]  # the row number of every data row, in file order
    parts: list[Part]  # in the order of their first rows
    issues: list[Issue]  # sorted by row number

    @property
    def failed_rows(self) -> set[int]:
        return {i.row_number for i in self.issues if i.severity == "error"}


def _records(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem("NOT_CSV", f"The file is not UTF-8 text (byte {exc.start}).") from exc
    if "\x00" in text:
        raise FileProblem("NOT_CSV", "The file holds NUL characters: it is not CSV text.")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise FileProblem("NOT_CSV", f"The file is not CSV: {exc}.") from exc


def header_of(records: list[list[str]]) -> dict[str, int]:
    """Column name → its index (the first of a repeated name), from the first row."""
    if not records or not any(cell.strip() for cell in records[0]):
        raise FileProblem("NO_HEADER", "The file is empty: the first row must be the header.")
    names: dict[str, int] = {}
    for index, cell in enumerate(records[0]):
        names.setdefault(cell.strip().lower(), index)
    if not set(names) & set(COLUMNS):
        raise FileProblem(
            "NO_HEADER", "The first row is not a header: it names none of " + ", ".join(COLUMNS)
        )
    if "part_number" not in names:
        raise FileProblem("MISSING_COLUMN", "The header has no part_number column.", "part_number")
    return names


def data_row_count(content: bytes) -> int:
    """How many data rows (not blank) the file has; 0 when it is not a readable CSV."""
    try:
        records = _records(content)
    except FileProblem:
        return 0
    return sum(1 for record in records[1:] if any(cell.strip() for cell in record))


def _number(column: str, raw: str, row: int, issues: list[Issue]) -> Decimal | None:
    if raw == "":
        return ZERO
    places, bound = NUMBERS[column]
    if not PLAIN_DECIMAL.fullmatch(raw):
        issues.append(Issue(row, column, raw, "INVALID_NUMBER", f"{column} is not a number."))
        return None
    value = Decimal(raw)
    if value < 0:
        message = f"{column} may not be negative."
        issues.append(Issue(row, column, raw, "NEGATIVE_VALUE", message))
        return None
    if -value.as_tuple().exponent > places:  # type: ignore[operator]
        message = f"{column} has at most {places} decimal places."
        issues.append(Issue(row, column, raw, "INVALID_NUMBER", message))
        return None
    if value >= bound:
        issues.append(Issue(row, column, raw, "INVALID_NUMBER", f"{column} is too large."))
        return None
    return (value + ZERO).quantize(Decimal(1).scaleb(-places))  # "-0" is 0; "5" is 5.000


def _text(column: str, raw: str, row: int, issues: list[Issue]) -> str | None:
    if column != "unit" and raw == "":
        issues.append(Issue(row, column, None, "REQUIRED", f"{column} is required."))
        return None
    if len(raw) > LENGTHS[column]:
        message = f"{column} is longer than {LENGTHS[column]} characters."
        issues.append(Issue(row, column, raw, "TOO_LONG", message))
        return None
    return raw or DEFAULT_UNIT


def check_row(values: dict[str, str], row: int) -> tuple[Part | None, list[Issue]]:
    """One data row as a part (None when it has errors), and its issues."""
    issues: list[Issue] = []
    texts = {c: _text(c, values[c], row, issues) for c in LENGTHS}
    numbers = {c: _number(c, values[c], row, issues) for c in NUMBERS}
    part_type = values["part_type"].lower() or "stock"
    if part_type not in PART_TYPES:
        message = "part_type is stock or supply."
        issues.append(Issue(row, "part_type", values["part_type"], "UNKNOWN_PART_TYPE", message))
    if issues:
        return None, issues
    return (
        Part(
            code=str(texts["part_number"]).upper(),
            name=str(texts["part_description"]),
            unit=str(texts["unit"]),
            quantity=numbers["quantity"] or ZERO,
            cost=numbers["last_unit_cost"] or ZERO,
            reorder_point=numbers["reorder_point"] or ZERO,
            tracked=part_type == "stock",
            rows=[row],
        ),
        [],
    )


def _merge(rows: list[Part], raw_codes: dict[int, str]) -> tuple[Part | None, list[Issue]]:
    """The rows of one part as one, or every row refused when their units differ."""
    first = rows[0]
    if len({r.unit.casefold() for r in rows}) > 1:
        units = ", ".join(dict.fromkeys(r.unit for r in rows))
        message = f"The rows of {first.code} name different units ({units})."
        return None, [Issue(r.rows[0], "unit", r.unit, "UNIT_MISMATCH", message) for r in rows]
    merged = Part(
        code=first.code,
        name=first.name,
        unit=first.unit,
        quantity=sum((r.quantity for r in rows), ZERO),
        cost=max(r.cost for r in rows),
        reorder_point=max(r.reorder_point for r in rows),
        tracked=first.tracked,
        rows=[r.rows[0] for r in rows],
    )
    if merged.quantity >= NUMBERS["quantity"][1]:
        message = f"The total quantity of {first.code} is too large."
        issues = [Issue(n, "quantity", None, "INVALID_NUMBER", message) for n in merged.rows]
        return None, issues
    warnings = [
        Issue(
            n,
            "part_number",
            raw_codes[n],
            "DUPLICATE_MERGED",
            f"{first.code} appears first in row {first.rows[0]}: merged into it.",
            "warning",
        )
        for n in merged.rows[1:]
    ]
    return merged, warnings


def parse(content: bytes) -> Parsed:
    """The file's rows checked and merged; `FileProblem` when the file cannot be read."""
    records = _records(content)
    header = header_of(records)
    rows: list[int] = []
    issues: list[Issue] = []
    by_code: dict[str, list[Part]] = {}
    raw_codes: dict[int, str] = {}
    for offset, record in enumerate(records[1:]):
        if not any(cell.strip() for cell in record):
            continue
        row = offset + 2
        rows.append(row)
        values = {
            c: (record[header[c]].strip() if c in header and header[c] < len(record) else "")
            for c in COLUMNS
        }
        raw_codes[row] = values["part_number"]
        part, problems = check_row(values, row)
        issues.extend(problems)
        if part is not None:
            by_code.setdefault(part.code, []).append(part)
    parts = []
    for same in by_code.values():
        merged, problems = _merge(same, raw_codes)
        issues.extend(problems)
        if merged is not None:
            parts.append(merged)
    issues.sort(key=lambda i: i.row_number)
    return Parsed(rows=rows, parts=parts, issues=issues)
