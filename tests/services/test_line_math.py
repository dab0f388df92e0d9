"""ERP_API.md's line math: half-up to the cent at each line, tax per line or per document."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.services.line_math import line_total, line_vat, price_document

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "expected"),
    [
        (D("3"), D("19.99"), D("0"), D("59.97")),
        (D("1"), D("0.125"), D("0"), D("0.13")),  # half-up, not half-even
        (D("1"), D("0.135"), D("0"), D("0.14")),
        (D("2.5"), D("10.01"), D("10"), D("22.52")),  # 22.5225 → 22.52
        (D("0.333"), D("3.00"), D("0"), D("1.00")),  # 0.999 → 1.00
        (D("7"), D("1.15"), D("33.33"), D("5.37")),  # 8.05 x 0.6667 = 5.366935 → 5.37
    ],
)
def test_line_total(
    quantity: Decimal, price: Decimal, discount: Decimal, expected: Decimal
) -> None:
    assert line_total(quantity, price, discount) == expected


def test_line_vat_rounds_half_up() -> None:
    assert line_vat(D("10.25"), D("12")) == D("1.23")  # 1.2300
    assert line_vat(D("0.125"), D("100")) == D("0.13")
    assert line_vat(D("4.17"), D("12")) == D("0.50")  # 0.5004


def _line(quantity: str, price: str, vat: str, discount: str = "0") -> SimpleNamespace:
    return SimpleNamespace(
        quantity=D(quantity), unit_price=D(price), vat_rate=D(vat), discount_percent=D(discount)
    )


def test_document_totals_tax_each_line() -> None:
    """Per-line tax: Σ round(line x rate), which differs from rounding the sum once."""
    document = SimpleNamespace(subtotal=None, vat_amount=None, total_amount=None)
    lines = [_line("1", "0.05", "10"), _line("1", "0.05", "10"), _line("1", "0.05", "10")]
    price_document(document, lines, "unit_price", document_rate=None)
    assert [line.line_total for line in lines] == [D("0.05")] * 3
    # each line's tax is round(0.005) = 0.01, so 0.03 (once on the subtotal it would be 0.02)
    assert (document.subtotal, document.vat_amount, document.total_amount) == (
        D("0.15"),
        D("0.03"),
        D("0.18"),
    )


def test_document_totals_one_document_rate() -> None:
    """Purchase orders: one rate on the subtotal."""
    document = SimpleNamespace(subtotal=None, vat_amount=None, total_amount=None)
    lines = [
        SimpleNamespace(quantity=D("1"), unit_cost=D("0.05"), discount_percent=None)
        for _ in range(3)
    ]
    price_document(document, lines, "unit_cost", document_rate=D("10"))
    assert (document.subtotal, document.vat_amount, document.total_amount) == (
        D("0.15"),
        D("0.02"),
        D("0.17"),
    )


def test_document_without_lines_is_zero() -> None:
    document = SimpleNamespace(subtotal=D("9"), vat_amount=D("1"), total_amount=D("10"))
    price_document(document, [], "unit_price", document_rate=None)
    assert (document.subtotal, document.vat_amount, document.total_amount) == (D("0"),) * 3
