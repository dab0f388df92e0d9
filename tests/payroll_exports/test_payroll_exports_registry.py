"""The registry, the render entry point, determinism and purity of the library."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import payroll_exports
from payroll_exports import (
    FORMATS,
    EmployeeTotals,
    EntryDetail,
    ExportContext,
    UnknownFormatError,
    get_format,
    register_format,
    render_export,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_five_formats_are_registered_with_their_media_types() -> None:
    assert {name: FORMATS[name].media_type for name in FORMATS} == {
        "csv": "text/csv; charset=utf-8",
        "adp": "text/csv; charset=us-ascii",
        "gusto": "text/csv; charset=utf-8",
        "quickbooks_iif": "text/plain; charset=us-ascii",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for name, export_format in FORMATS.items():
        assert export_format.name == name
        assert get_format(name) is export_format


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError, match=r"'pdf'.*adp, csv, gusto, quickbooks_iif, xlsx"):
        get_format("pdf")


def test_registering_a_name_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):

        @register_format("csv")
        class Again:  # pragma: no cover - never instantiated
            pass


def test_filenames(ctx: ExportContext) -> None:
    assert {name: get_format(name).filename(ctx) for name in FORMATS} == {
        "csv": "acme-facades-ltd-payroll-2026-11-16_2026-11-29.csv",
        "adp": "EPIABC01.csv",
        "gusto": "acme-facades-ltd-gusto-hours-2026-11-16_2026-11-29.csv",
        "quickbooks_iif": "acme-facades-ltd-quickbooks-time-2026-11-16_2026-11-29.iif",
        "xlsx": "acme-facades-ltd-payroll-2026-11-16_2026-11-29.xlsx",
    }


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_render_is_deterministic_and_order_independent(
    name: str,
    ctx: ExportContext,
    totals: Sequence[EmployeeTotals],
    details: Sequence[EntryDetail],
) -> None:
    first = render_export(name, ctx, totals, details)
    again = render_export(name, ctx, list(reversed(totals)), list(reversed(details)))
    assert first.content == again.content
    assert first.sha256 == hashlib.sha256(first.content).hexdigest() == again.sha256
    assert first.filename == get_format(name).filename(ctx)
    assert first.media_type == get_format(name).media_type
    assert not first.content.startswith(b"\xef\xbb\xbf")  # no byte-order mark anywhere


def test_library_imports_neither_flask_nor_app() -> None:
    code = (
        "import sys, payroll_exports; "
        "roots = {'flask', 'app', 'sqlalchemy'}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in roots); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
    assert payroll_exports.__file__ is not None


@pytest.mark.parametrize("name", ["quickbooks_iif", "xlsx"])
def test_entries_starting_at_the_same_instant_do_not_make_output_order_dependent(
    name: str, ctx: ExportContext, details: Sequence[EntryDetail]
) -> None:
    twin_a = dataclasses.replace(details[0], note="first twin", regular_seconds=600)
    twin_b = dataclasses.replace(details[0], note="second twin", regular_seconds=900)
    forward = get_format(name).render(ctx, [], [twin_a, twin_b])
    backward = get_format(name).render(ctx, [], [twin_b, twin_a])
    assert forward == backward
