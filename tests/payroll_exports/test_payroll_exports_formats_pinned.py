"""Format behaviour that a mutation run (issue 20, docs/MUTATION.md) found no test pinning down:
the registry's decorator, and the exact messages of refusals a payroll clerk reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format
from payroll_exports.registry import FORMATS, register_format


@pytest.fixture
def scratch_name() -> Iterator[str]:
    name = "pinned-test-format"
    yield name
    FORMATS.pop(name, None)


def test_register_format_registers_an_instance_named_like_its_key(scratch_name: str) -> None:
    @register_format(scratch_name)
    class Scratch:
        name: str
        media_type = "text/plain"
        file_extension = "txt"

        def filename(self, ctx: ExportContext) -> str:
            return "scratch.txt"

        def render(
            self,
            ctx: ExportContext,
            totals: Sequence[EmployeeTotals],
            details: Sequence[EntryDetail],
        ) -> bytes:
            return b""

    registered = get_format(scratch_name)
    assert type(registered) is Scratch
    assert registered.name == scratch_name
    assert Scratch.name == scratch_name  # on the class, so instance and key cannot disagree
    with pytest.raises(
        ValueError, match=r"^export format 'pinned-test-format' is already registered$"
    ):
        register_format(scratch_name)(Scratch)
    assert type(FORMATS[scratch_name]) is Scratch


def hours_row(number: str, **overrides: object) -> EmployeeTotals:
    values: dict[str, object] = {"regular_seconds": 3600}
    values.update(overrides)
    return EmployeeTotals(number, "Ann", "Lee", Decimal("10.00"), **values)  # type: ignore[arg-type]


def test_adp_file_number_of_exactly_six_digits(ctx: ExportContext) -> None:
    assert get_format("adp").render(ctx, [hours_row("123456")], []).endswith(
        b"123456,1.00,,,\r\n"
    )


def test_adp_file_number_messages(ctx: ExportContext) -> None:
    with pytest.raises(ExportError) as caught:
        get_format("adp").render(ctx, [hours_row("1234567")], [])
    assert str(caught.value) == (
        "Ann Lee (employee_number 1234567) cannot be exported to ADP: the File # must be the ADP "
        "employee number, at most 6 digits, but the employee number is '1234567'."
    )
    with pytest.raises(ExportError) as caught:
        get_format("adp").render(ctx, [hours_row("Ω12")], [])
    assert str(caught.value) == (
        "The employee number of Ann Lee (employee_number Ω12) is 'Ω12', which contains 'Ω' "
        "(U+03A9) with no ASCII equivalent; this format only accepts ASCII, so correct the "
        "value and export again."
    )


def test_gusto_employee_id_message(ctx: ExportContext) -> None:
    with pytest.raises(ExportError) as caught:
        get_format("gusto").render(ctx, [hours_row("1", gusto_employee_id="12345")], [])
    assert str(caught.value) == (
        "The Gusto employee ID of Ann Lee (employee_number 1) is '12345'; "
        "Gusto employee IDs are 6 letters or digits."
    )
