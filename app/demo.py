"""The demo organization's activity, so that every endpoint has something to show on a fresh
`make run`: a fenced site, a day-shift template with last week's and this week's shifts, two
tasks, and time entries in every state of the lifecycle (approved last week, with overtime;
submitted and one rejected this week; one still open, clocked in at the site).

Dates are relative to the day the demo is seeded, in the organization's timezone. Entries go
through the services (manual entries, then approvals) so the audit trail and the outbox see
them as they would see a supervisor's work; the open entry is a real punch at the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import Employee, ShiftTemplate, User
from app.services.time_tracking import clock, shift_generation, sites, tasks, time_entry_lifecycle
from app.services.time_tracking.punches import Punch

# A block of the Chicago riverfront, about 150 m x 110 m; the open punch is at its middle.
SITE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-87.6390, 41.8860],
            [-87.6372, 41.8860],
            [-87.6372, 41.8870],
            [-87.6390, 41.8870],
            [-87.6390, 41.8860],
        ]
    ],
}
SITE_MIDDLE = (41.8865, -87.6381)


@dataclass
class Crew:
    owner: User
    manager: Employee
    staff: list[Employee]  # Ana, Ben, Chloe (the manager's reports)


def _at(day: date, hh: int, mm: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hh, mm), zone).astimezone(UTC)


def _workday(actor: User, employee: Employee, day: date, zone: ZoneInfo, **extra: Any) -> Any:
    """08:00-16:30 with a 30-minute break (8 h), entered by the manager."""
    end_hh, end_mm = extra.pop("end", (16, 30))
    return time_entry_lifecycle.create_manual(
        actor,
        {
            "employee_id": employee.id,
            "started_at": _at(day, 8, 0, zone),
            "ended_at": _at(day, end_hh, end_mm, zone),
            "break_seconds": 1800,
            "note": extra.pop("note", "Day shift at Riverside depot"),
            **extra,
        },
    )


def seed_activity(crew: Crew, timezone: str, now: datetime | None = None) -> None:
    """Everything but the people (`app.cli.seed_demo` creates those first)."""
    zone = ZoneInfo(timezone)
    now = now or datetime.now(UTC)
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(days=7)
    manager = crew.manager.user
    site = sites.create(
        crew.owner,
        {
            "name": "Riverside depot",
            "geometry": SITE,
            "policy": "flag",
            "buffer_m": 25.0,
            "max_accuracy_m": 75.0,
            "timezone": timezone,
        },
    )
    template = ShiftTemplate(
        organization_id=crew.owner.organization_id,
        workspace_id=crew.owner.workspace_id,
        name="Day shift",
        start_time=time(8, 0),
        end_time=time(16, 30),
        days_of_week=[0, 1, 2, 3, 4],
        unpaid_break_minutes=30,
        grace_minutes=5,
        geofence_id=site.id,
        timezone=timezone,
    )
    db.session.add(template)
    db.session.flush()
    shift_generation.generate(
        manager,
        {
            "template_id": template.id,
            "employee_ids": [e.id for e in crew.staff],
            "from_date": last_monday,
            "to_date": this_monday + timedelta(days=4),
        },
    )
    ana, ben, chloe = crew.staff
    for title, who, priority in (
        ("Inspect loading dock lights", ana, "high"),
        ("Restock safety gear", ben, "medium"),
    ):
        tasks.create_task(manager, {"title": title, "assigned_to": who.id, "priority": priority})

    # Last week: approved, Ana with a Saturday that takes her past 40 h (overtime); Ben's
    # Thursday rejected with a reason and his Friday still waiting for approval.
    for employee in crew.staff:
        for offset in range(5):
            entry = _workday(manager, employee, last_monday + timedelta(days=offset), zone)
            if employee is ben and offset == 3:
                time_entry_lifecycle.reject(
                    manager, entry, "The end time looks wrong: please correct it."
                )
            elif not (employee is ben and offset == 4):
                time_entry_lifecycle.approve(manager, entry)
    saturday = _workday(
        manager, ana, last_monday + timedelta(days=5), zone, end=(12, 30), note="Inventory count"
    )
    time_entry_lifecycle.approve(manager, saturday)

    # This week, the weekdays before today: submitted, waiting in the manager's queue.
    for offset in range(min(5, (today - this_monday).days)):
        for employee in (ana, ben):
            _workday(manager, employee, this_monday + timedelta(days=offset), zone)

    # Chloe is at work now: a real clock-in at the site, an hour ago.
    clock.punch(
        chloe,
        Punch(
            kind="in",
            lat=SITE_MIDDLE[0],
            lon=SITE_MIDDLE[1],
            accuracy_m=12.0,
            occurred_at=now - timedelta(hours=1),
            received_at=now,
            raw={"lat": SITE_MIDDLE[0], "lon": SITE_MIDDLE[1], "accuracy_m": 12.0},
            device_id="demo-phone",
        ),
        chloe.user,
    )
