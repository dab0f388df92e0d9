"""Weekly summaries, hand-computed: a California week with a 13-hour day and a seventh day, a
night shift across midnight, one across the fall-back DST change; upserts are idempotent.

Every organization here is in America/Los_Angeles (PST = UTC-8 from 2026-11-01 02:00 local,
PDT = UTC-7 before); workweeks start on Monday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import TimeSummaryWeekly
from app.services.overtime import overtime_settings
from app.services.payroll import weekly_summaries

LA = ZoneInfo("America/Los_Angeles")
H = 3600


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LA).astimezone(UTC)


@pytest.fixture
def california(make_org, make_employee):
    owner = make_org(timezone="America/Los_Angeles")
    overtime_settings.put_settings(owner, {"rule": "california"})
    return owner, make_employee(owner, hourly_rate=Decimal("23.47"))


def summaries(db, employee):
    return db.session.scalars(
        sa.select(TimeSummaryWeekly)
        .where(TimeSummaryWeekly.employee_id == employee.id)
        .order_by(TimeSummaryWeekly.week_start)
    ).all()


def test_california_week_with_a_13_hour_day_and_a_seventh_day(db, california, make_entry):
    """Mon 06:00-19:37 (13 h 07 min worked after a 30-min break), Tue-Sat 07:00-15:30 (8 h),
    Sun 06:00-16:30 (10 h), every day with a 30-minute unpaid break; $23.47/h.

    Mon: 8 regular, 4 overtime, 1 h 07 min double time. Tue-Fri: 8 regular each, 40 regular by
    Friday. Sat: 8 h past the weekly 40 → overtime. Sun, the seventh day: 8 h overtime, 2 h
    double time. Regular 40 h, overtime 20 h, double time 3 h 07 min (11,220 s).
    Pay: 40 x 23.47 = 938.80; 20 x 23.47 x 1.5 = 704.10; 11220 s is 3.1167 h, priced as the
    3.12 h shown: 3.12 x 23.47 x 2 = 146.4528 → 146.45; gross 1789.35. Worked 63 h 07 min
    ("63.12"), breaks 3.50 h.
    """
    owner, employee = california
    make_entry(employee, local(2026, 11, 16, 6), local(2026, 11, 16, 19, 37), break_seconds=1800)
    for day in range(17, 22):
        make_entry(
            employee, local(2026, 11, day, 7), local(2026, 11, day, 15, 30), break_seconds=1800
        )
    make_entry(
        employee,
        local(2026, 11, 22, 6),
        local(2026, 11, 22, 16, 30),
        break_seconds=1800,
        flags=["OUTSIDE_GEOFENCE"],
        status="submitted",
    )
    assert weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 18)) == 1
    [row] = summaries(db, employee)
    assert row.week_start == date(2026, 11, 16)
    assert (row.regular_seconds, row.overtime_seconds, row.double_time_seconds) == (
        40 * H,
        20 * H,
        11220,
    )
    assert (row.worked_seconds, row.break_seconds) == (63 * H + 7 * 60, 7 * 1800)
    assert (row.regular_pay, row.overtime_pay, row.double_time_pay, row.gross_pay) == (
        Decimal("938.80"),
        Decimal("704.10"),
        Decimal("146.45"),
        Decimal("1789.35"),
    )
    assert (row.entries, row.flagged_entries, row.approved) == (7, 1, False)
    assert (row.hourly_rate, row.currency) == (Decimal("23.47"), "USD")


def test_night_shift_across_midnight_is_split_between_workdays(db, california, make_entry):
    """Tue 22:00 to Wed 06:30 with a 30-minute break, then Wed 16:00-19:00; $20/h.

    The night shift is 2 h on Tuesday and 6 h 30 min on Wednesday; its break is apportioned
    1800 x 7200/30600 = 423.5 → 424 s to Tuesday, 1376 s to Wednesday (largest remainder).
    Tuesday 6776 s; Wednesday 22024 + 10800 = 32824 s, 4024 s past the daily 8 h.
    Regular 35576 s is 9.88 h → 197.60; overtime 4024 s is 1.12 h, x 1.5 → 33.60; gross 231.20.
    """
    owner, employee = california
    employee.hourly_rate = Decimal("20.00")
    db.session.commit()
    make_entry(employee, local(2026, 11, 17, 22), local(2026, 11, 18, 6, 30), break_seconds=1800)
    make_entry(employee, local(2026, 11, 18, 16), local(2026, 11, 18, 19))
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 16))
    [row] = summaries(db, employee)
    assert (row.regular_seconds, row.overtime_seconds, row.double_time_seconds) == (
        35576,
        4024,
        0,
    )
    assert (row.break_seconds, row.worked_seconds) == (1800, 39600)
    assert (row.regular_pay, row.overtime_pay, row.gross_pay) == (
        Decimal("197.60"),
        Decimal("33.60"),
        Decimal("231.20"),
    )


def test_night_shift_across_the_fall_back_change_counts_real_hours(db, california, make_entry):
    """Sat 2026-10-31 22:00 PDT to Sun 06:00 PST is 9 real hours: 2 on Saturday, 7 on Sunday
    (the wall clock shows 6, but 01:00-02:00 happens twice). With Sun 14:00-16:00 PST, Sunday
    is 9 h: 8 regular and 1 overtime (a wall-clock count would see 8 h and no overtime).
    Week of Mon 2026-10-26: regular 10 h, overtime 1 h; at $23.47: 234.70 + 35.21 = 269.91.
    """
    owner, employee = california
    make_entry(employee, local(2026, 10, 31, 22), local(2026, 11, 1, 6))
    make_entry(employee, local(2026, 11, 1, 14), local(2026, 11, 1, 16))
    assert (local(2026, 11, 1, 6) - local(2026, 10, 31, 22)) == timedelta(hours=9)
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 10, 26))
    [row] = summaries(db, employee)
    assert row.week_start == date(2026, 10, 26)
    assert (row.regular_seconds, row.overtime_seconds, row.double_time_seconds) == (
        10 * H,
        1 * H,
        0,
    )
    assert (row.regular_pay, row.overtime_pay, row.gross_pay) == (
        Decimal("234.70"),
        Decimal("35.21"),
        Decimal("269.91"),
    )


def test_a_shift_reaching_into_the_next_week_counts_in_both(db, california, make_entry):
    """Sun 2026-11-22 20:00 to Mon 04:00: 4 h in each week; the entry counts where it starts."""
    owner, employee = california
    make_entry(employee, local(2026, 11, 22, 20), local(2026, 11, 23, 4))
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 16))
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 23))
    first, second = summaries(db, employee)
    assert (first.week_start, first.worked_seconds, first.entries) == (date(2026, 11, 16), 4 * H, 1)
    assert (second.week_start, second.worked_seconds, second.entries) == (
        date(2026, 11, 23),
        4 * H,
        0,
    )
    assert first.approved is True and second.approved is False


def test_upsert_is_idempotent_and_follows_changes(db, california, make_entry):
    owner, employee = california
    entry = make_entry(employee, local(2026, 11, 16, 8), local(2026, 11, 16, 17))
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 16))
    [first] = summaries(db, employee)
    first_id, first_values = first.id, (first.regular_seconds, first.overtime_seconds)
    first_computed_at = first.computed_at
    assert first_values == (8 * H, 1 * H)
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 16))
    db.session.expire_all()
    [again] = summaries(db, employee)
    assert again.id == first_id and (again.regular_seconds, again.overtime_seconds) == first_values
    assert again.computed_at == first_computed_at  # the same numbers: the row is not rewritten
    # The entry is rejected: not worked time any more; the week's row goes away.
    entry.status = "rejected"
    db.session.commit()
    weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 16))
    db.session.expire_all()
    assert summaries(db, employee) == []


def test_refresh_recomputes_only_the_touched_employees_weeks(
    db, california, make_employee, make_entry
):
    owner, employee = california
    other = make_employee(owner)
    make_entry(employee, local(2026, 11, 16, 8), local(2026, 11, 16, 12))
    make_entry(other, local(2026, 11, 16, 8), local(2026, 11, 16, 12))
    written = weekly_summaries.refresh(
        owner.organization_id, {employee.id: {local(2026, 11, 16, 9)}}
    )
    assert written == 1
    assert len(summaries(db, employee)) == 1 and summaries(db, other) == []


def test_a_named_policy_group_is_computed_under_its_own_rule(
    db, california, make_employee, make_entry
):
    """The organization is on California; an FLSA employee's 10-hour day is all regular."""
    owner, employee = california
    flsa = overtime_settings.create_policy(owner, {"name": "Office", "rule": "flsa"})
    clerk = make_employee(owner, overtime_policy_id=flsa.id)
    make_entry(employee, local(2026, 11, 16, 8), local(2026, 11, 16, 18))
    make_entry(clerk, local(2026, 11, 16, 8), local(2026, 11, 16, 18))
    assert weekly_summaries.recompute_week(owner.organization_id, date(2026, 11, 16)) == 2
    [californian] = summaries(db, employee)
    [office] = summaries(db, clerk)
    assert (californian.regular_seconds, californian.overtime_seconds) == (8 * H, 2 * H)
    assert (office.regular_seconds, office.overtime_seconds) == (10 * H, 0)


def test_close_weeks_job_computes_the_week_that_just_ended(
    app, db, california, make_entry, monkeypatch
):
    import time_machine

    from app.jobs import summaries as summary_jobs

    owner, employee = california
    make_entry(employee, local(2026, 11, 16, 8), local(2026, 11, 16, 12))
    with time_machine.travel(local(2026, 11, 23, 0, 30), tick=False):
        result = summary_jobs.close_weeks()
    assert f"{owner.organization_id}:2026-11-16" in result["closed"]
    assert [s.worked_seconds for s in summaries(db, employee)] == [4 * H]
    with time_machine.travel(local(2026, 11, 23, 3), tick=False):
        assert all(
            not c.startswith(str(owner.organization_id))
            for c in summary_jobs.close_weeks()["closed"]
        )
