"""Formula neutralising, ASCII transliteration and single-line clean-up."""

from __future__ import annotations

import pytest

from payroll_exports import ExportError
from payroll_exports.text import (
    neutralise_formula,
    single_line,
    slugify,
    to_ascii,
    to_ascii_lossy,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+Dana", "'+Dana"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Dana", "Dana"),
        ("O'Neil", "O'Neil"),
        ("a=b", "a=b"),
        ("", ""),
        ("\nLF", "\nLF"),  # not in the documented trigger list
    ],
)
def test_neutralise_formula(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("José Núñez", "Jose Nunez"),
        ("Zoë's Café", "Zoe's Cafe"),
        ("Straße", "Strasse"),
        ("Øster Ærø", "Oster AEro"),
        ("Łukasz", "Lukasz"),
        ("O\N{RIGHT SINGLE QUOTATION MARK}Brien", "O'Brien"),
        ("\N{FULLWIDTH DIGIT ONE}\N{FULLWIDTH DIGIT TWO}", "12"),
        ("plain", "plain"),
    ],
)
def test_to_ascii_transliterates(text: str, expected: str) -> None:
    assert to_ascii(text, field="name") == expected


def test_to_ascii_failure_names_field_employee_and_character() -> None:
    with pytest.raises(ExportError) as caught:
        to_ascii("Дмитрий", field="employee name", employee="Дмитрий Ivanov (employee_number 77)")
    message = str(caught.value)
    assert "employee name of Дмитрий Ivanov (employee_number 77)" in message
    assert "U+0414" in message


def test_to_ascii_lossy_replaces_what_cannot_be_spelled() -> None:
    assert to_ascii_lossy("Café \N{FIRE} ok") == "Cafe ? ok"


def test_single_line_replaces_tabs_and_breaks_with_one_space() -> None:
    assert single_line("a\tb\r\nc\u2028d\x00e  f ") == "a b c d e  f"


def test_slugify() -> None:
    assert slugify("Acme Façades Ltd.") == "acme-facades-ltd"
    assert slugify("\N{FIRE}") == "fieldclock"
    assert len(slugify("x" * 100)) == 40
