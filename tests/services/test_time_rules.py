"""Rounding and automatic breaks: the pure computation with exact times and seconds, and which
rule applies (organization, shift, template override) when an entry closes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import Break, Shift, ShiftTemplate, TimeEntry
from app.services import settings
from app.services.time_tracking import time_rules
from app.services.time_tracking.time_rules import Earlier, TimeRules, compute_totals, round_instant

UTC_ZONE = ZoneInfo("UTC")


def utc(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 16, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "minutes", "mode", "expected"),
    [
        (utc(8, 7, 29), 15, "nearest", utc(8, 0)),
        (utc(8, 7, 30), 15, "nearest", utc(8, 15)),  # a tie goes up
        (utc(8, 0, 1), 15, "up", utc(8, 15)),
        (utc(8, 14, 59), 15, "down", utc(8, 0)),
        (utc(8, 15), 15, "up", utc(8, 15)),  # on the grid: unchanged whatever the mode
        (utc(8, 2, 59), 6, "nearest", utc(8, 0)),
        (utc(8, 3), 6, "nearest", utc(8, 6)),
        (utc(8, 4, 10), 5, "down", utc(8, 0)),
        (utc(8, 4, 10), 5, "up", utc(8, 5)),
        (utc(8, 0, 31), 1, "nearest", utc(8, 1)),
        (utc(8, 4, 10), 10, "nearest", utc(8, 0)),
        (utc(8, 7, 29), 0, "up", utc(8, 7, 29)),  # 0 minutes: no rounding
    ],
)
def test_round_instant_modes(at, minutes, mode, expected):
    assert round_instant(at, minutes, mode, UTC_ZONE) == expected


def test_rounding_uses_the_local_grid_of_a_zone_with_a_45_minute_offset():
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    local_0803 = datetime(2026, 11, 16, 8, 3, tzinfo=kathmandu).astimezone(UTC)
    assert local_0803 == utc(2, 18)  # on the UTC 6-minute grid, not on the local one
    rounded = round_instant(local_0803, 6, "nearest", kathmandu)
    assert rounded.astimezone(kathmandu).strftime("%H:%M") == "08:06"
    assert rounded == utc(2, 21)
    quarter = round_instant(local_0803, 15, "down", kathmandu)
    assert quarter.astimezone(kathmandu).strftime("%H:%M") == "08:00"


def test_compute_totals_rounds_only_the_paid_span():
    rules = TimeRules(rounding_minutes=15, in_mode="nearest", out_mode="nearest")
    totals = compute_totals(utc(7, 53), utc(16, 8), 1800, rules)
    assert (totals.paid_started_at, totals.paid_ended_at) == (utc(8, 0), utc(16, 15))
    assert (totals.duration_seconds, totals.break_seconds, totals.worked_seconds) == (
        8 * 3600 + 900,
        1800,
        7 * 3600 + 2700,
    )


def test_employer_and_employee_friendly_modes_differ_by_exact_minutes():
    employer = TimeRules(rounding_minutes=15, in_mode="up", out_mode="down")
    employee = TimeRules(rounding_minutes=15, in_mode="down", out_mode="up")
    strict = compute_totals(utc(8, 3), utc(16, 8), 0, employer)
    lenient = compute_totals(utc(8, 3), utc(16, 8), 0, employee)
    assert (strict.paid_started_at, strict.paid_ended_at) == (utc(8, 15), utc(16, 0))
    assert (lenient.paid_started_at, lenient.paid_ended_at) == (utc(8, 0), utc(16, 15))
    assert (strict.worked_seconds, lenient.worked_seconds) == (27_900, 29_700)


def test_rounding_never_makes_the_paid_end_earlier_than_the_paid_start():
    rules = TimeRules(rounding_minutes=15, in_mode="up", out_mode="down")
    totals = compute_totals(utc(8, 1), utc(8, 10), 0, rules)
    assert totals.paid_started_at == totals.paid_ended_at == utc(8, 15)
    assert totals.duration_seconds == totals.worked_seconds == 0


AUTO = TimeRules(auto_break_after_seconds=6 * 3600, auto_break_seconds=1800)


@pytest.mark.parametrize(
    ("end", "punched", "auto", "worked"),
    [
        (utc(14, 0), 0, 0, 6 * 3600),  # exactly 6 hours is not longer than 6 hours
        (utc(14, 0, 1), 0, 1800, 6 * 3600 + 1 - 1800),
        (utc(16, 30), 600, 1200, 8 * 3600),  # 10 minutes punched: 20 more deducted
        (utc(16, 30), 1800, 0, 8 * 3600),  # the full break punched: nothing automatic
        (utc(16, 30), 2700, 0, 8 * 3600 + 1800 - 2700),  # more than required: as punched
    ],
)
def test_automatic_break_tops_the_unpaid_break_up_to_the_minimum(end, punched, auto, worked):
    totals = compute_totals(utc(8, 0), end, punched, AUTO)
    assert totals.auto_break_seconds == auto
    assert totals.break_seconds == punched + auto
    assert totals.worked_seconds == worked


def test_automatic_break_counts_the_entries_a_task_switch_chained():
    earlier = Earlier(paid_ended_at=utc(12, 0), duration_seconds=4 * 3600, break_seconds=0)
    totals = compute_totals(utc(12, 0), utc(16, 0), 0, AUTO, earlier)
    assert totals.paid_started_at == utc(12, 0)
    assert (totals.auto_break_seconds, totals.worked_seconds) == (1800, 4 * 3600 - 1800)
    already = Earlier(paid_ended_at=utc(12, 0), duration_seconds=4 * 3600, break_seconds=1800)
    assert compute_totals(utc(12, 0), utc(16, 0), 0, AUTO, already).auto_break_seconds == 0


def test_a_chained_entry_continues_the_previous_paid_end_instead_of_rounding():
    rules = TimeRules(rounding_minutes=15, in_mode="up", out_mode="down")
    earlier = Earlier(paid_ended_at=utc(10, 0), duration_seconds=3600, break_seconds=0)
    totals = compute_totals(utc(10, 7), utc(12, 0), 0, rules, earlier)
    assert totals.paid_started_at == utc(10, 0)  # not 10:15: no minute is lost at a switch
    assert totals.duration_seconds == 7200


# --- which rule applies when an entry closes (database) -------------------------------------


def _entry(employee, start: datetime, end: datetime, shift: Shift | None = None) -> TimeEntry:
    return TimeEntry(
        id=uuid.uuid4(),
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        employee_id=employee.id,
        entry_date=start.date(),
        started_at=start,
        ended_at=end,
        paid_started_at=start,
        status="submitted",
        shift_id=shift.id if shift else None,
    )


def _shift(db, employee, template=None, **fields) -> Shift:
    shift = Shift(
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        employee_id=employee.id,
        template_id=template.id if template else None,
        starts_at=utc(8, 0),
        ends_at=utc(16, 30),
        **{"timezone": "UTC", **fields},
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def _template(db, employee, **fields) -> ShiftTemplate:
    template = ShiftTemplate(
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        name="Day",
        start_time=time(8),
        end_time=time(16, 30),
        days_of_week=[0, 1, 2, 3, 4],
        **fields,
    )
    db.session.add(template)
    db.session.flush()
    return template


def _org_rules(owner, minutes=15, auto_minutes=45):
    settings.put_time_settings(
        owner,
        {
            "rounding": {"minutes": minutes, "in_mode": "nearest", "out_mode": "nearest"},
            "auto_break": {"after_hours": "6.00", "minutes": auto_minutes},
        },
    )


def test_organization_rules_apply_without_a_shift(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    _org_rules(owner)
    entry = _entry(employee, utc(7, 52, 29), utc(16, 7))
    time_rules.close_totals(entry, [])
    assert (entry.started_at, entry.ended_at) == (utc(7, 52, 29), utc(16, 7))  # raw punches
    assert (entry.paid_started_at, entry.paid_ended_at) == (utc(7, 45), utc(16, 0))
    assert (entry.auto_break_seconds, entry.break_seconds) == (2700, 2700)
    assert entry.worked_seconds == 8 * 3600 + 900 - 2700


def test_the_shift_unpaid_minutes_beat_the_organization_minutes(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    _org_rules(owner, minutes=0, auto_minutes=45)
    shift = _shift(db, employee, unpaid_break_minutes=30)
    entry = _entry(employee, utc(8, 0), utc(16, 30), shift)
    time_rules.close_totals(entry, [])
    assert entry.auto_break_seconds == 1800
    assert entry.worked_seconds == 8 * 3600


def test_a_template_override_beats_the_organization(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    _org_rules(owner, minutes=15, auto_minutes=45)
    template = _template(
        db,
        employee,
        rounding={"minutes": 5, "in_mode": "down", "out_mode": "up"},
        auto_break={"after_hours": "8.00", "minutes": 20},
    )
    shift = _shift(db, employee, template, unpaid_break_minutes=30)
    entry = _entry(employee, utc(8, 4), utc(16, 31), shift)
    time_rules.close_totals(entry, [])
    assert (entry.paid_started_at, entry.paid_ended_at) == (utc(8, 0), utc(16, 35))
    assert entry.auto_break_seconds == 1200  # the template's 20 minutes, past its 8 hours
    assert entry.worked_seconds == 8 * 3600 + 35 * 60 - 1200


def test_paid_break_minutes_of_the_shift_are_not_deducted(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    shift = _shift(db, employee, unpaid_break_minutes=30, paid_break_minutes=15)
    entry = _entry(employee, utc(8, 0), utc(16, 45), shift)
    breaks = [
        Break(started_at=utc(10, 0), ended_at=utc(10, 15), paid=False),
        Break(started_at=utc(12, 0), ended_at=utc(12, 30), paid=False),
    ]
    time_rules.close_totals(entry, breaks)
    # 45 minutes punched, 15 of them paid: 30 unpaid, which meets the 30 required.
    assert (entry.break_seconds, entry.auto_break_seconds) == (1800, 0)
    assert entry.worked_seconds == 8 * 3600 + 45 * 60 - 1800


def test_close_totals_follows_a_task_switch_back(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    _org_rules(owner, minutes=15, auto_minutes=30)
    first = _entry(employee, utc(7, 56), utc(11, 53))
    time_rules.close_totals(first, [])
    db.session.add(first)
    db.session.flush()
    assert (first.paid_started_at, first.paid_ended_at) == (utc(8, 0), utc(12, 0))
    assert first.auto_break_seconds == 0  # 4 hours alone
    second = _entry(employee, utc(11, 53), utc(16, 2))
    time_rules.close_totals(second, [])
    assert (second.paid_started_at, second.paid_ended_at) == (utc(12, 0), utc(16, 0))
    assert (second.auto_break_seconds, second.worked_seconds) == (1800, 4 * 3600 - 1800)
    assert first.worked_seconds + second.worked_seconds == 7 * 3600 + 1800


def test_defaults_change_nothing(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    entry = _entry(employee, utc(7, 52, 30), utc(17, 7))
    time_rules.close_totals(entry, [])
    assert (entry.paid_started_at, entry.paid_ended_at) == (utc(7, 52, 30), utc(17, 7))
    assert entry.auto_break_seconds == 0
    assert entry.worked_seconds == 9 * 3600 + 14 * 60 + 30


def test_the_paid_span_is_rounded_in_the_shift_zone(db, make_org, make_employee):
    owner = make_org(timezone="UTC")
    employee = make_employee(owner)
    _org_rules(owner, minutes=15, auto_minutes=0)
    shift = _shift(db, employee, timezone="Asia/Kathmandu")
    start = datetime(2026, 11, 16, 8, 7, tzinfo=ZoneInfo("Asia/Kathmandu"))
    entry = _entry(employee, start.astimezone(UTC), (start + timedelta(hours=4)).astimezone(UTC))
    entry.shift_id = shift.id
    time_rules.close_totals(entry, [])
    local = ZoneInfo("Asia/Kathmandu")
    assert entry.paid_started_at.astimezone(local).strftime("%H:%M") == "08:00"
    assert entry.paid_ended_at.astimezone(local).strftime("%H:%M") == "12:00"
