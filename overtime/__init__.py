"""Fieldclock's overtime rule engine: pure, typed functions over worked intervals.

No Flask, no database (the standard library, and numpy for the array form of the allocation),
like ``geofences`` and ``payroll_exports``: the app's services and RQ jobs build
:class:`WorkInterval` values from time entries and a :class:`Policy` from the overtime settings,
and store what comes back.

- :mod:`overtime.policy`: :class:`Policy` and each rule's defaults (``Policy.for_rule``).
- :mod:`overtime.calendar`: workdays and workweeks in the policy's timezone, DST-correct.
- :mod:`overtime.intervals`: :class:`WorkInterval` and how an unpaid break is attributed.
- :mod:`overtime.rules`: :func:`compute_overtime`, the allocation to regular/overtime/double time.
- :mod:`overtime.results`: the result types (integer seconds per bucket).
- :mod:`overtime.pay`: :func:`gross_pay`, pay lines half-up to the cent.
- :mod:`overtime.batch`: :func:`allocate_weeks` and :func:`pay_cents`, the allocation of whole
  workdays and its pricing over arrays of many weeks (summaries, exports).
- :mod:`overtime.alerts`: :func:`detect_alerts`, :func:`weekly_progress`, :func:`short_rest`.

Typical use::

    policy = Policy.for_rule("california", timezone="America/Los_Angeles")
    result = compute_overtime(intervals, policy)
    week = result.workweek(date(2026, 3, 2))
    pay = gross_pay(week, Decimal("25.00"), policy)
    alerts = detect_alerts(result)
"""

from overtime.alerts import (
    Alert,
    AlertKind,
    RestGap,
    WeeklyProgress,
    detect_alerts,
    short_rest,
    weekly_progress,
)
from overtime.batch import WeeksAllocation, allocate_weeks, pay_cents, rate_ratios
from overtime.calendar import (
    WorkdaySpan,
    split_by_workday,
    week_start_of,
    workday_of,
    workday_starts_at,
)
from overtime.intervals import WorkInterval, apportion
from overtime.pay import (
    GrossPay,
    PayLine,
    gross_pay,
    pay_amount,
    pay_amounts,
    seconds_to_hours,
)
from overtime.policy import Policy, Rule
from overtime.results import (
    Buckets,
    IntervalResult,
    OvertimeResult,
    SegmentResult,
    WorkdayResult,
    WorkweekResult,
)
from overtime.rules import DayTotalsAllocation, allocate_day_totals, compute_overtime

__all__ = [
    "Alert",
    "AlertKind",
    "Buckets",
    "DayTotalsAllocation",
    "GrossPay",
    "IntervalResult",
    "OvertimeResult",
    "PayLine",
    "Policy",
    "RestGap",
    "Rule",
    "SegmentResult",
    "WeeklyProgress",
    "WeeksAllocation",
    "WorkInterval",
    "WorkdayResult",
    "WorkdaySpan",
    "WorkweekResult",
    "allocate_day_totals",
    "allocate_weeks",
    "apportion",
    "compute_overtime",
    "detect_alerts",
    "gross_pay",
    "pay_amount",
    "pay_amounts",
    "pay_cents",
    "rate_ratios",
    "seconds_to_hours",
    "short_rest",
    "split_by_workday",
    "week_start_of",
    "weekly_progress",
    "workday_of",
    "workday_starts_at",
]
