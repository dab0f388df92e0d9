"""The overtime policy: which thresholds apply, where days and weeks begin, and the multipliers.

A :class:`Policy` mirrors ``GET/PUT /settings/overtime`` (API.md, "Overtime, summaries and
exports"). The engine is driven by the thresholds alone; ``rule`` names where the defaults came
from, except that ``"none"`` forbids thresholds so that everything stays regular.

``Policy(...)`` takes the values exactly as given. ``Policy.for_rule(rule, **overrides)`` fills
in the rule's defaults first (FLSA: weekly 40 h; California: daily 8 h, daily double time 12 h,
weekly 40 h and the seventh-day rule; custom and none: nothing), as the settings endpoint does
when only ``rule`` is sent.

Hours are ``Decimal`` (never float: 7.1 h is not a binary fraction) and must be a whole number of
seconds, because every duration in Fieldclock is an integer count of seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Rule = Literal["flsa", "california", "custom", "none"]
RULES: tuple[str, ...] = get_args(Rule)

SECONDS_PER_HOUR = 3600

# California Labor Code s. 510: on the seventh consecutive day, the first 8 hours are overtime and
# the rest double time. A custom policy without a daily threshold borrows the same 8 hours.
DEFAULT_SEVENTH_DAY_HOURS = Decimal(8)

_RULE_DEFAULTS: dict[str, dict[str, Any]] = {
    "flsa": {"weekly_overtime_after_hours": Decimal(40)},
    "california": {
        "daily_overtime_after_hours": Decimal(8),
        "daily_double_time_after_hours": Decimal(12),
        "weekly_overtime_after_hours": Decimal(40),
        "seventh_day_rule": True,
    },
    "custom": {},
    "none": {},
}

_THRESHOLD_FIELDS = (
    "daily_overtime_after_hours",
    "daily_double_time_after_hours",
    "weekly_overtime_after_hours",
)


def as_decimal(name: str, value: object) -> Decimal:
    """Accept Decimal, int or a decimal string (as JSON carries it); refuse float and bool."""
    if isinstance(value, bool | float):
        raise TypeError(f"{name} must be a Decimal, int or decimal string, not {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{name} is not a decimal number: {value!r}") from None
    else:
        raise TypeError(f"{name} must be a Decimal, int or decimal string, not {value!r}")
    if not result.is_finite():
        raise ValueError(f"{name} must be finite, not {value!r}")
    return result


def hours_to_seconds(name: str, hours: Decimal) -> int:
    """Exact whole seconds in ``hours``; a fraction of a second is a configuration error."""
    seconds = hours * SECONDS_PER_HOUR
    if seconds != seconds.to_integral_value():
        raise ValueError(f"{name} must be a whole number of seconds, not {hours} h")
    return int(seconds)


@dataclass(frozen=True)
class Policy:
    """One overtime policy. Thresholds are hours after which the bucket starts (``None`` = off)."""

    rule: Rule = "custom"
    timezone: str = "UTC"
    workweek_start_day: int = 0
    workday_start: time = time(0, 0)
    daily_overtime_after_hours: Decimal | None = None
    daily_double_time_after_hours: Decimal | None = None
    weekly_overtime_after_hours: Decimal | None = None
    seventh_day_rule: bool = False
    overtime_multiplier: Decimal = field(default=Decimal("1.5"))
    double_time_multiplier: Decimal = field(default=Decimal("2.0"))
    alert_threshold_percent: Decimal = field(default=Decimal(90))

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {', '.join(RULES)}, not {self.rule!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown IANA timezone {self.timezone!r}") from None
        if (
            isinstance(self.workweek_start_day, bool)
            or not isinstance(self.workweek_start_day, int)
            or not 0 <= self.workweek_start_day <= 6
        ):
            raise ValueError("workweek_start_day must be an int from 0 (Monday) to 6 (Sunday)")
        if not isinstance(self.workday_start, time):
            raise TypeError("workday_start must be a datetime.time")
        if self.workday_start.tzinfo is not None or self.workday_start.microsecond:
            # The start is a wall-clock time in ``timezone``; sub-second starts would make
            # workdays fractional seconds long.
            raise ValueError("workday_start must be a naive time with whole seconds")
        if not isinstance(self.seventh_day_rule, bool):
            raise TypeError("seventh_day_rule must be a bool")

        for name in _THRESHOLD_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            hours = as_decimal(name, value)
            if hours < 0:
                raise ValueError(f"{name} must not be negative")
            hours_to_seconds(name, hours)
            object.__setattr__(self, name, hours)
        for name in ("overtime_multiplier", "double_time_multiplier", "alert_threshold_percent"):
            value = as_decimal(name, getattr(self, name))
            if value <= 0:
                raise ValueError(f"{name} must be positive")
            object.__setattr__(self, name, value)
        if self.alert_threshold_percent > 100:
            raise ValueError("alert_threshold_percent must be at most 100")

        daily_ot = self.daily_overtime_after_hours
        daily_dt = self.daily_double_time_after_hours
        if daily_ot is not None and daily_dt is not None and daily_dt < daily_ot:
            raise ValueError("daily_double_time_after_hours must not be below the overtime one")
        if self.rule == "none" and (
            any(getattr(self, name) is not None for name in _THRESHOLD_FIELDS)
            or self.seventh_day_rule
        ):
            raise ValueError('rule "none" pays everything as regular: it takes no thresholds')

    @classmethod
    def for_rule(cls, rule: Rule, **overrides: Any) -> Policy:
        """The policy of ``rule`` with its defaults, then ``overrides`` (``None`` = use default).

        ``None`` stands for "not sent" (a JSON null from the settings endpoint), so it keeps the
        rule's default; to switch a California threshold off, use ``rule="custom"``.
        """
        if rule not in RULES:
            raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
        known = {f.name for f in fields(cls)} - {"rule"}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown policy field(s): {', '.join(sorted(unknown))}")
        values = dict(_RULE_DEFAULTS[rule])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(rule=rule, **values)

    # The derived values are computed once per policy: the summaries job asks for them once per
    # employee-week, hundreds of thousands of times. (cached_property writes the instance's
    # __dict__ directly, so it works on a frozen dataclass, and eq/hash still see the fields.)
    @cached_property
    def tz(self) -> ZoneInfo:
        """The policy's timezone (``ZoneInfo`` caches instances, so this is cheap)."""
        return ZoneInfo(self.timezone)

    @cached_property
    def daily_overtime_after_seconds(self) -> int | None:
        return self._seconds("daily_overtime_after_hours")

    @cached_property
    def daily_double_time_after_seconds(self) -> int | None:
        return self._seconds("daily_double_time_after_hours")

    @cached_property
    def weekly_overtime_after_seconds(self) -> int | None:
        return self._seconds("weekly_overtime_after_hours")

    @cached_property
    def seventh_day_double_time_after_seconds(self) -> int:
        """On a seventh day, time up to this is overtime and beyond it double time."""
        daily = self.daily_overtime_after_hours
        hours = DEFAULT_SEVENTH_DAY_HOURS if daily is None else daily
        return hours_to_seconds("seventh day threshold", hours)

    def _seconds(self, name: str) -> int | None:
        hours: Decimal | None = getattr(self, name)
        return None if hours is None else hours_to_seconds(name, hours)
