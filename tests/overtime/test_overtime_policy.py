"""Policy: each rule's defaults, overrides, and the configurations that are refused."""

from __future__ import annotations

from datetime import UTC, time
from decimal import Decimal

import pytest

from overtime import Policy


def test_flsa_defaults_are_weekly_40_only() -> None:
    policy = Policy.for_rule("flsa")
    assert policy.rule == "flsa"
    assert policy.weekly_overtime_after_hours == Decimal(40)
    assert policy.weekly_overtime_after_seconds == 144_000
    assert policy.daily_overtime_after_seconds is None
    assert policy.daily_double_time_after_seconds is None
    assert policy.seventh_day_rule is False
    assert policy.overtime_multiplier == Decimal("1.5")
    assert policy.double_time_multiplier == Decimal("2.0")
    assert policy.alert_threshold_percent == Decimal(90)
    assert policy.timezone == "UTC"
    assert policy.workweek_start_day == 0
    assert policy.workday_start == time(0, 0)


def test_california_defaults() -> None:
    policy = Policy.for_rule("california", timezone="America/Los_Angeles")
    assert policy.daily_overtime_after_seconds == 28_800
    assert policy.daily_double_time_after_seconds == 43_200
    assert policy.weekly_overtime_after_seconds == 144_000
    assert policy.seventh_day_rule is True
    assert policy.seventh_day_double_time_after_seconds == 28_800
    assert policy.tz.key == "America/Los_Angeles"


@pytest.mark.parametrize("rule", ["custom", "none"])
def test_custom_and_none_default_to_no_thresholds(rule: str) -> None:
    policy = Policy.for_rule(rule)  # type: ignore[arg-type]
    assert policy.daily_overtime_after_hours is None
    assert policy.daily_double_time_after_hours is None
    assert policy.weekly_overtime_after_hours is None
    assert policy.seventh_day_rule is False


def test_overrides_replace_defaults_and_none_keeps_them() -> None:
    policy = Policy.for_rule(
        "california",
        weekly_overtime_after_hours=Decimal("37.5"),
        daily_double_time_after_hours=None,
        overtime_multiplier="1.75",
        workweek_start_day=6,
        workday_start=time(6, 0),
    )
    assert policy.weekly_overtime_after_seconds == 135_000
    assert policy.daily_double_time_after_seconds == 43_200  # None = "not sent" = default
    assert policy.overtime_multiplier == Decimal("1.75")
    assert policy.workweek_start_day == 6
    assert policy.workday_start == time(6, 0)


def test_ints_and_decimal_strings_are_normalised_to_decimal() -> None:
    policy = Policy.for_rule(
        "custom", daily_overtime_after_hours=10, weekly_overtime_after_hours="37.25"
    )
    assert policy.daily_overtime_after_hours == Decimal(10)
    assert isinstance(policy.daily_overtime_after_hours, Decimal)
    assert policy.weekly_overtime_after_seconds == 134_100
    assert policy.seventh_day_double_time_after_seconds == 36_000


def test_seventh_day_threshold_defaults_to_8_hours_without_a_daily_one() -> None:
    policy = Policy.for_rule("custom", seventh_day_rule=True)
    assert policy.seventh_day_double_time_after_seconds == 28_800


def test_direct_constructor_applies_no_rule_defaults() -> None:
    policy = Policy(rule="california")
    assert policy.daily_overtime_after_seconds is None
    assert policy.seventh_day_rule is False


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"daily_overtime_after_hours": 8.0}, TypeError),
        ({"daily_overtime_after_hours": True}, TypeError),
        ({"daily_overtime_after_hours": "eight"}, ValueError),
        ({"daily_overtime_after_hours": Decimal("NaN")}, ValueError),
        ({"daily_overtime_after_hours": Decimal("-1")}, ValueError),
        ({"daily_overtime_after_hours": Decimal("0.0001")}, ValueError),  # 0.36 s
        (
            {
                "daily_overtime_after_hours": Decimal(10),
                "daily_double_time_after_hours": Decimal(8),
            },
            ValueError,
        ),
        ({"timezone": "Mars/Olympus_Mons"}, ValueError),
        ({"timezone": "../etc/passwd"}, ValueError),
        ({"workweek_start_day": 7}, ValueError),
        ({"workweek_start_day": -1}, ValueError),
        ({"workweek_start_day": True}, ValueError),
        ({"workday_start": "06:00"}, TypeError),
        ({"workday_start": time(6, 0, tzinfo=UTC)}, ValueError),
        ({"workday_start": time(6, 0, 0, 500)}, ValueError),
        ({"seventh_day_rule": 1}, TypeError),
        ({"overtime_multiplier": Decimal(0)}, ValueError),
        ({"double_time_multiplier": 2.0}, TypeError),
        ({"alert_threshold_percent": Decimal(0)}, ValueError),
        ({"alert_threshold_percent": Decimal("100.5")}, ValueError),
    ],
)
def test_invalid_configurations_are_refused(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        Policy.for_rule("custom", **kwargs)


def test_alert_threshold_of_exactly_100_percent_is_allowed() -> None:
    assert Policy.for_rule("flsa", alert_threshold_percent=100).alert_threshold_percent == 100


def test_rule_none_takes_no_thresholds() -> None:
    with pytest.raises(ValueError, match="none"):
        Policy.for_rule("none", weekly_overtime_after_hours=40)
    with pytest.raises(ValueError, match="none"):
        Policy.for_rule("none", seventh_day_rule=True)
    with pytest.raises(ValueError, match="none"):
        Policy(rule="none", daily_overtime_after_hours=Decimal(8))


def test_unknown_rule_and_unknown_field() -> None:
    with pytest.raises(ValueError, match="rule"):
        Policy.for_rule("ontario")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rule"):
        Policy(rule="ontario")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="monthly_overtime_after_hours"):
        Policy.for_rule("flsa", monthly_overtime_after_hours=160)
    with pytest.raises(TypeError, match="rule"):
        Policy.for_rule("flsa", **{"rule": "none"})


def test_policy_is_immutable_and_hashable() -> None:
    policy = Policy.for_rule("flsa")
    with pytest.raises(AttributeError):
        policy.rule = "none"  # type: ignore[misc]
    assert hash(policy) == hash(Policy.for_rule("flsa"))
    assert policy == Policy.for_rule("flsa", weekly_overtime_after_hours="40")
