"""Behaviour of the overtime engine that a mutation run (issue 20, docs/MUTATION.md) found no test
pinning down: each test here fails on a specific wrong version of the code, named in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from overtime import (
    Alert,
    AlertKind,
    Buckets,
    Policy,
    RestGap,
    WorkInterval,
    allocate_day_totals,
    allocate_weeks,
    apportion,
    compute_overtime,
    detect_alerts,
    gross_pay,
    pay_amount,
    pay_amounts,
    pay_cents,
    rate_ratios,
    seconds_to_hours,
    short_rest,
    weekly_progress,
)
from overtime.calendar import to_utc

H = 3600
MON = date(2026, 6, 1)
TUE = MON + timedelta(days=1)
CA = Policy.for_rule("california")
FLSA = Policy.for_rule("flsa")


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


# -- batch pricing: the int64 guard and integer results ----------------------------------------


def test_a_large_rate_that_fits_int64_is_priced_with_python_ints() -> None:
    """The rate's numerator fits int64 but seconds x numerator x 300 does not: the guard must
    switch to Python ints (in int64 the week came out as -45,838,138,860.68)."""
    rate = Decimal("99999999999999.99")
    rate_num, rate_den = rate_ratios([rate])
    assert (rate_num.dtype, rate_den.dtype) == (np.int64, np.int64)
    week = 7 * 24 * H
    cents = pay_cents(np.array([week, H]), rate_num, rate_den, Decimal("1.5"))
    assert [int(c) for c in cents] == [2_519_999_999_999_999_748, 14_999_999_999_999_999]
    assert all(type(c) is int for c in cents)  # exact Python ints, never floats
    assert pay_amount(week, rate, Decimal("1.5")) == Decimal("25199999999999997.48")


def test_the_guard_counts_the_multiplier_and_the_cents_factor() -> None:
    """seconds x rate numerator is 1e17, under 2^60, but x 600 (1.5 x 2 x 100) is past int64:
    a guard that left out the multiplier's factor computed 32,359,498,464.37."""
    rate = Decimal("277777777777.77")
    rate_num, rate_den = rate_ratios([rate])
    cents = pay_cents(np.array([H, 2 * H]), rate_num, rate_den, Decimal("1.5"))
    assert [int(c) for c in cents] == [41_666_666_666_666, 83_333_333_333_331]
    assert pay_amount(H, rate, Decimal("1.5")) == Decimal("416666666666.66")  # .655 half-up


def test_a_multiplier_too_large_for_a_float_is_priced_exactly() -> None:
    """The guard multiplies integers only: a multiplier of 1E+400 is past what a float holds
    (a guard that halved its numerator with `/` raised OverflowError), yet priced exactly."""
    rate_num, rate_den = rate_ratios([Decimal("1.00")])
    cents = pay_cents(np.array([H]), rate_num, rate_den, Decimal("1E+400"))
    assert cents.tolist() == [10**402]


def test_the_guard_counts_the_multipliers_denominator() -> None:
    """A 1e-15 rate at 1.375 (11/8): rate denominator x 3600 x 8 is past int64; a guard that
    divided by the multiplier's denominator instead paid -0.04."""
    rate_num, rate_den = rate_ratios([Decimal("1E-15")])
    assert pay_cents(np.array([3600 * 10**6]), rate_num, rate_den, Decimal("1.375")).tolist() == [0]


def test_pay_cents_of_no_lines_is_empty() -> None:
    rate_num, rate_den = rate_ratios([])
    cents = pay_cents(np.array([], dtype=np.int64), rate_num, rate_den, Decimal("1.5"))
    assert cents.tolist() == []


def test_pay_cents_are_integers_not_floats() -> None:
    """A true division in the half-up step would give 2500.5 cents for 25.005."""
    rate_num, rate_den = rate_ratios([Decimal("10.01"), Decimal("25.00")])
    cents = pay_cents(np.array([1800, 3600]), rate_num, rate_den, Decimal(1))
    assert cents.dtype == np.int64
    assert cents.tolist() == [501, 2500]


def test_rate_ratios_refuse_negative_and_infinite_rates() -> None:
    with pytest.raises(ValueError, match=r"^hourly_rate must be a finite, non-negative amount"):
        rate_ratios([Decimal("-0.01")])
    with pytest.raises(ValueError, match=r"not Infinity$"):
        rate_ratios([Decimal("Infinity")])
    rate_num, rate_den = rate_ratios([Decimal("12.50"), Decimal("12.50"), Decimal(0)])
    assert rate_num.tolist() == [25, 25, 0]
    assert rate_den.tolist() == [2, 2, 1]


def test_a_one_second_day_counts_toward_the_seventh_day() -> None:
    """Seven workdays each with some work, the first only one second: Sunday is a seventh day."""
    result = allocate_weeks([[1, 8 * H, 8 * H, 8 * H, 8 * H, 8 * H, 9 * H]], CA)
    assert result.seventh_day.tolist() == [True]
    assert result.overtime[0].tolist() == [0, 0, 0, 0, 0, 1, 8 * H]
    assert result.double_time[0].tolist() == [0, 0, 0, 0, 0, 0, H]
    assert result.regular[0].tolist() == [1, 8 * H, 8 * H, 8 * H, 8 * H, 8 * H - 1, 0]


def test_allocate_weeks_stays_exact_beyond_float_precision() -> None:
    """Seconds are integers all the way: a float array would turn 2**53 + 1 into 2**53."""
    result = allocate_weeks([[2**53 + 1, 0, 0, 0, 0, 0, 0]], FLSA)
    assert result.regular[0].tolist() == [40 * H, 0, 0, 0, 0, 0, 0]
    assert result.overtime[0].tolist() == [2**53 + 1 - 40 * H, 0, 0, 0, 0, 0, 0]
    assert result.weekly_overtime.tolist() == [2**53 + 1 - 40 * H]


def test_seventh_day_is_a_mask_of_weeks_under_every_policy() -> None:
    """``seventh_day`` says per week whether the rule applied: usable to pick those weeks out."""
    weeks = np.array([[H] * 7, [H] * 6 + [0]])
    for policy, picked in ((CA, [[H] * 7]), (FLSA, [])):
        assert weeks[allocate_weeks(weeks, policy).seventh_day].tolist() == picked


def test_allocate_weeks_error_messages() -> None:
    with pytest.raises(ValueError, match=r"^a workweek has seven workdays$"):
        allocate_weeks([[H] * 8], FLSA)
    with pytest.raises(ValueError, match=r"^worked seconds must be non-negative ints$"):
        allocate_weeks([[H] * 6 + [-1]], FLSA)


def test_allocate_day_totals_error_messages() -> None:
    with pytest.raises(ValueError, match=r"^a workweek has seven workdays$"):
        allocate_day_totals([H] * 6, FLSA)
    with pytest.raises(ValueError, match=r"^worked seconds must be non-negative ints$"):
        allocate_day_totals([H] * 6 + [-1], FLSA)
    # True is an int to numpy (it would count as 1 second), not a duration.
    with pytest.raises(ValueError, match=r"^worked seconds must be non-negative ints$"):
        allocate_day_totals([H] * 6 + [True], FLSA)


# -- breaks apportioned across workdays --------------------------------------------------------


def test_the_leftover_second_goes_to_the_largest_remainder() -> None:
    assert apportion(1, [1, 2]) == [0, 1]
    assert apportion(1, [2, 1]) == [1, 0]
    assert apportion(2, [1, 1, 1]) == [1, 1, 0]  # equal remainders: earlier pieces first
    assert apportion(5, [3, 3, 3]) == [2, 2, 1]


def test_apportion_error_messages() -> None:
    with pytest.raises(ValueError, match=r"^total and weights must not be negative$"):
        apportion(-1, [1])
    with pytest.raises(ValueError, match=r"^total and weights must not be negative$"):
        apportion(1, [2, -1])
    with pytest.raises(ValueError, match=r"^cannot apportion a positive total over zero weights"):
        apportion(1, [0, 0])
    assert apportion(0, [0, 0]) == [0, 0]


def test_work_interval_error_messages() -> None:
    start = at(MON, 8)
    with pytest.raises(ValueError, match=r"^end is before start$"):
        WorkInterval(start, start - timedelta(seconds=1))
    with pytest.raises(TypeError, match=r"^unpaid_break_seconds must be an int$"):
        WorkInterval(start, start + timedelta(hours=1), True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^unpaid_break_seconds must be between 0 and"):
        WorkInterval(start, start + timedelta(hours=1), H + 1)
    with pytest.raises(ValueError, match=r"^start must be a whole second, got 2026-06-01T"):
        WorkInterval(start.replace(microsecond=1), start + timedelta(hours=1))
    with pytest.raises(TypeError, match=r"^end must be a datetime$"):
        WorkInterval(start, "2026-06-01T09:00:00Z")  # type: ignore[arg-type]
    assert WorkInterval(start, start + timedelta(hours=1), H).worked_seconds == 0


# -- pay ---------------------------------------------------------------------------------------


def test_pay_amount_multiplier_defaults_to_one() -> None:
    assert pay_amount(5400, "10.00") == Decimal("15.00")


def test_double_time_multiplier_keyword_overrides_the_policy() -> None:
    policy = Policy.for_rule("custom", double_time_multiplier="2.5")
    pay = gross_pay(Buckets(0, 0, H), 20, policy, double_time_multiplier="3")
    assert pay.line("double_time").multiplier == Decimal(3)
    assert pay.line("double_time").amount == Decimal("60.00")
    assert pay.line("overtime").multiplier == Decimal("1.5")


def test_pay_lines_carry_the_rate_and_seconds() -> None:
    pay = gross_pay(Buckets(H, 2 * H, 0), "19.99")
    assert [(line.bucket, line.seconds, line.rate) for line in pay.lines] == [
        ("regular", H, Decimal("19.99")),
        ("overtime", 2 * H, Decimal("19.99")),
        ("double_time", 0, Decimal("19.99")),
    ]


@pytest.mark.parametrize("seconds", [True, 1.0, -1])
def test_pay_amount_refuses_seconds_that_are_not_non_negative_ints(seconds: object) -> None:
    with pytest.raises(ValueError, match=r"^seconds must be a non-negative int$"):
        pay_amount(seconds, 10)  # type: ignore[arg-type]


def test_pay_error_messages() -> None:
    with pytest.raises(TypeError, match=r"^rate must be a Decimal, int or decimal string, not 1\."):
        pay_amount(H, 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^rate must be a Decimal, int or decimal string, not Tr"):
        pay_amount(H, True)
    with pytest.raises(ValueError, match=r"^multiplier must be a finite, non-negative amount"):
        pay_amount(H, 10, "-1")
    with pytest.raises(ValueError, match=r"^hourly_rate must be a finite, non-negative amount"):
        gross_pay(Buckets(H, 0, 0), "-5")
    with pytest.raises(
        ValueError, match=r"^multiplier must be a finite, non-negative amount, not '-1'$"
    ):
        gross_pay(Buckets(H, 0, 0), 10, overtime_multiplier="-1")


def test_pay_amounts_are_gross_pays_lines() -> None:
    policy = Policy.for_rule("custom", overtime_multiplier="1.75", double_time_multiplier="3")
    # Whole hundredths of an hour (multiples of 36 s): the same under exact or 2-place hours.
    buckets = Buckets(1800, 1800, 36)
    assert pay_amounts(buckets, Decimal("10.01"), policy) == (
        Decimal("5.01"),  # 5.005
        Decimal("8.76"),  # 8.75875
        Decimal("0.30"),  # 0.3003
    )
    with pytest.raises(ValueError, match=r"^hourly_rate must be a finite, non-negative amount"):
        pay_amounts(buckets, Decimal("-1"), policy)


def test_seconds_to_hours_error_message() -> None:
    with pytest.raises(ValueError, match=r"^seconds must not be negative$"):
        seconds_to_hours(-1)


# -- the engine's refusals ---------------------------------------------------------------------


def test_overlapping_intervals_are_refused_naming_both() -> None:
    first = WorkInterval(at(MON, 8), at(MON, 12), entry_id="e1")
    second = WorkInterval(at(MON, 11), at(MON, 13))
    with pytest.raises(ValueError) as refused:
        compute_overtime([second, first], FLSA)
    assert str(refused.value) == (
        "overlapping intervals would count the same seconds twice: "
        "entry e1 [2026-06-01T08:00:00+00:00, 2026-06-01T12:00:00+00:00) and "
        "[2026-06-01T11:00:00+00:00, 2026-06-01T13:00:00+00:00)"
    )


def test_compute_overtime_refuses_what_is_not_an_interval() -> None:
    with pytest.raises(TypeError, match=r"^expected WorkInterval, got tuple$"):
        compute_overtime([(at(MON, 8), at(MON, 9))], FLSA)  # type: ignore[list-item]


# -- policy ------------------------------------------------------------------------------------


def test_a_multiplier_of_one_and_a_100_percent_alert_are_allowed() -> None:
    policy = Policy.for_rule(
        "custom", overtime_multiplier=1, double_time_multiplier="1", alert_threshold_percent=100
    )
    assert (policy.overtime_multiplier, policy.double_time_multiplier) == (1, 1)
    assert policy.alert_threshold_percent == 100
    with pytest.raises(ValueError, match=r"^overtime_multiplier must be positive$"):
        Policy(overtime_multiplier=Decimal(0))
    with pytest.raises(ValueError, match=r"^alert_threshold_percent must be at most 100$"):
        Policy(alert_threshold_percent=Decimal("100.01"))


# -- alerts ------------------------------------------------------------------------------------


def test_an_exactly_8_hour_california_day_raises_no_daily_alert() -> None:
    day = [WorkInterval(at(MON, 8), at(MON, 16))]
    assert [a.kind for a in detect_alerts(compute_overtime(day, CA))] == []
    longer = [WorkInterval(at(MON, 8), at(MON, 16, 0, 1))]
    assert detect_alerts(compute_overtime(longer, CA)) == (
        Alert(AlertKind.DAILY_OVERTIME, "workday", MON, MON, at(MON, 0), 1),
    )


def test_detect_alerts_passes_max_break_hours_on() -> None:
    """A 4-hour gap is a short rest with the default 3-hour break, a break with 5 hours."""
    intervals = [WorkInterval(at(MON, 6), at(MON, 10)), WorkInterval(at(MON, 14), at(MON, 18))]
    result = compute_overtime(intervals, FLSA)
    assert detect_alerts(result) == (
        Alert(AlertKind.SHORT_REST, "workday", MON, MON, at(MON, 0), 4 * H),
    )
    assert detect_alerts(result, max_break_hours=5) == ()
    assert detect_alerts(result, min_rest_hours=4) == ()


def test_the_shortest_rest_wins_when_it_comes_first() -> None:
    # Rests of 4 h (ending Tuesday 05:00) then 5 h (ending Tuesday 14:00): one alert, 4 h.
    intervals = [
        WorkInterval(at(MON, 17), at(TUE, 1)),
        WorkInterval(at(TUE, 5), at(TUE, 9)),
        WorkInterval(at(TUE, 14), at(TUE, 20)),
    ]
    assert [g.rest_seconds for g in short_rest(intervals)] == [4 * H, 5 * H]
    alerts = detect_alerts(compute_overtime(intervals, FLSA))
    assert alerts == (Alert(AlertKind.SHORT_REST, "workday", TUE, MON, at(TUE, 0), 4 * H),)


def test_a_shift_ending_with_two_entries_names_the_later_started_one() -> None:
    first = WorkInterval(at(MON, 8), at(MON, 12), entry_id="first")
    second = WorkInterval(at(MON, 10), at(MON, 12), entry_id="second")
    evening = WorkInterval(at(MON, 18), at(MON, 20), entry_id="evening")
    assert short_rest([first, second, evening]) == (
        RestGap(at(MON, 12), at(MON, 18), 6 * H, "second", "evening"),
    )


def test_weekly_progress_with_a_zero_threshold_and_its_refusal() -> None:
    at_zero = Policy.for_rule("custom", weekly_overtime_after_hours=0)
    progress = weekly_progress(60, at_zero)
    assert (progress.threshold_seconds, progress.over, progress.approaching) == (0, True, False)
    assert weekly_progress(0, at_zero).over is False
    with pytest.raises(ValueError, match=r"^counted_seconds must not be negative$"):
        weekly_progress(-1, FLSA)


def test_with_no_break_allowed_every_gap_is_a_rest() -> None:
    morning = WorkInterval(at(MON, 8), at(MON, 12))
    after_a_second = WorkInterval(at(MON, 12, 0, 1), at(MON, 13))
    assert short_rest([morning, after_a_second], max_break_hours=0) == (
        RestGap(at(MON, 12), at(MON, 12, 0, 1), 1, None, None),
    )


def test_short_rest_error_messages() -> None:
    with pytest.raises(ValueError, match=r"^min_rest_hours is not a decimal number: 'x'$"):
        short_rest([], min_rest_hours="x")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^min_rest_hours must be a whole number of seconds, not 10\.0001 h$"
    ):
        short_rest([], min_rest_hours=Decimal("10.0001"))
    with pytest.raises(ValueError, match=r"^max_break_hours is not a decimal number: 'x'$"):
        short_rest([], max_break_hours="x")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^max_break_hours must be a whole number of seconds, not 1\.0001 h$"
    ):
        short_rest([], max_break_hours=Decimal("1.0001"))
    with pytest.raises(ValueError, match=r"^max_break_hours must be below min_rest_hours$"):
        short_rest([], min_rest_hours=3, max_break_hours=3)
    with pytest.raises(ValueError, match=r"^max_break_hours must not be negative$"):
        short_rest([], max_break_hours=-1)


# -- calendar ----------------------------------------------------------------------------------


class _NoOffset(tzinfo):
    """A tzinfo that does not know its offset: such a datetime is naive (Python's definition)."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None


def test_to_utc_refuses_a_datetime_without_an_offset() -> None:
    with pytest.raises(ValueError, match=r"^naive datetime 2026-06-01T08:00:00: an aware"):
        to_utc(datetime(2026, 6, 1, 8, tzinfo=_NoOffset()))


def test_to_utc_returns_the_utc_zone() -> None:
    paris = datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))
    converted = to_utc(paris)
    assert converted == paris
    assert converted.tzinfo is UTC
    assert converted.hour == 10
