"""Shift services: wall-clock spans across DST, the clock's matching and flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import Shift
from app.services.time_tracking import shifts
from app.services.time_tracking.shift_generation import wall_clock_span

NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("day", "zone", "hours"),
    [
        (date(2026, 3, 7), NEW_YORK, 7),
        (date(2026, 10, 31), NEW_YORK, 9),
        (date(2026, 3, 28), BERLIN, 7),
        (date(2026, 10, 24), BERLIN, 9),
        (date(2026, 6, 6), BERLIN, 8),
    ],
)
def test_a_night_shift_lasts_what_the_clocks_say(day, zone, hours):
    starts_at, ends_at = wall_clock_span(day, time(22), time(6), zone)
    assert ends_at - starts_at == timedelta(hours=hours)
    assert starts_at.astimezone(zone).time() == time(22)
    assert ends_at.astimezone(zone).time() == time(6)
    assert ends_at.astimezone(zone).date() == day + timedelta(days=1)


def test_equal_start_and_end_is_a_24_hour_wall_clock_shift():
    starts_at, ends_at = wall_clock_span(date(2026, 10, 24), time(6), time(6), BERLIN)
    assert ends_at - starts_at == timedelta(hours=25)  # the night clocks fall back


def test_an_end_in_the_repeated_hour_is_its_first_occurrence():
    starts_at, ends_at = wall_clock_span(date(2026, 10, 31), time(22), time(1, 30), NEW_YORK)
    assert (starts_at, ends_at) == (
        datetime(2026, 11, 1, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT, not 01:30 EST an hour later
    )


def _shift(db, employee, start: datetime, hours: int = 8, **fields) -> Shift:
    shift = Shift(
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        employee_id=employee.id,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        **fields,
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def test_scheduled_shift_takes_early_arrivals_and_skips_cancelled(db, make_org, make_employee):
    employee = make_employee(make_org())
    start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    shift = _shift(db, employee, start)
    _shift(db, employee, start + timedelta(hours=8), status="cancelled")
    assert shifts.scheduled_shift(employee, start - timedelta(hours=2)) is shift
    assert shifts.scheduled_shift(employee, start - timedelta(hours=2, seconds=1)) is None
    assert shifts.scheduled_shift(employee, start + timedelta(hours=7, minutes=59)) is shift
    assert shifts.scheduled_shift(employee, start + timedelta(hours=8)) is None  # half-open


def test_late_and_early_leave_respect_the_grace_minutes(db, make_org, make_employee):
    employee = make_employee(make_org())
    start = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    shift = _shift(db, employee, start, grace_minutes=5)
    assert shifts.punch_flags(shift, "in", start + timedelta(minutes=5)) == []
    assert shifts.punch_flags(shift, "in", start + timedelta(minutes=5, seconds=1)) == ["LATE"]
    end = start + timedelta(hours=8)
    assert shifts.punch_flags(shift, "out", end - timedelta(minutes=5)) == []
    assert shifts.punch_flags(shift, "out", end - timedelta(minutes=6)) == ["EARLY_LEAVE"]
    assert shifts.punch_flags(shift, "break_start", start + timedelta(hours=1)) == []
    assert shifts.punch_flags(None, "in", start) == []
