"""`GET /clock/status` counts today and the week in the zone clock-in uses: the employee's own,
else the site of their open (or most recent) entry, else the organization's. An entry's
`entry_date` is in the same zone, whether punched, edited or entered by hand for a shift at a
site."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

# Wednesday 2026-11-18 09:00 UTC: 04:00 in New York (the organization), 01:00 in Los Angeles
# (the site). Local midnights: New York 05:00 UTC, Los Angeles 08:00 UTC.
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}
# Monday 06:00-10:00 UTC: 01:00-05:00 Monday in New York (all of it in the week), 22:00 Sunday
# to 02:00 Monday in Los Angeles (two hours in the week).
MONDAY = (datetime(2026, 11, 16, 6, 0, tzinfo=UTC), datetime(2026, 11, 16, 10, 0, tzinfo=UTC))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(make_org, make_employee, make_geofence, make_entry):
    owner = make_org(timezone="America/New_York")
    site = make_geofence(owner, timezone="America/Los_Angeles")
    employee = make_employee(owner)
    assert employee.timezone is None
    make_entry(employee, *MONDAY)  # no site: the most recent entry decides, not this one
    return owner, employee, site


def _status(client, headers, employee):
    body = client.get("/api/v1/clock/status", headers=headers(employee.user)).get_json()
    return body["state"], body["today_seconds"], body["week_seconds"]


def test_open_entry_at_a_site_counts_in_the_sites_zone(client, headers, people):
    _owner, employee, site = people
    # Tuesday 22:00 in Los Angeles, Wednesday 01:00 in New York.
    punch = {**INSIDE, "occurred_at": "2026-11-18T06:00:00+00:00"}
    clock_in = client.post("/api/v1/clock/in", json=punch, headers=headers(employee.user))
    assert clock_in.status_code == 201, clock_in.get_json()
    entry = clock_in.get_json()["time_entry"]
    assert (entry["geofence_id"], entry["entry_date"]) == (str(site.id), "2026-11-17")
    # Today since 08:00 UTC: 1 h (not 4 h since New York's 05:00); the week: Monday's 2 h in
    # Los Angeles' week plus the open entry's 3 h (not 4 h + 3 h).
    assert _status(client, headers, employee) == ("working", 3600, 18000)


def test_when_off_the_most_recent_entrys_site_decides(client, headers, people, make_entry):
    _owner, employee, site = people
    make_entry(
        employee,
        datetime(2026, 11, 18, 6, 0, tzinfo=UTC),
        datetime(2026, 11, 18, 8, 30, tzinfo=UTC),
        geofence_id=site.id,
    )
    # Today: 08:00-08:30 UTC; the week: 2 h on Monday + 2.5 h (New York's would be 9000/23400).
    assert _status(client, headers, employee) == ("off", 1800, 16200)


def test_the_employees_own_zone_wins_over_the_site(
    client, headers, people, make_entry, make_employee
):
    owner, _employee, site = people
    employee = make_employee(owner, timezone="America/New_York")
    make_entry(employee, *MONDAY)
    make_entry(
        employee,
        datetime(2026, 11, 18, 6, 0, tzinfo=UTC),
        datetime(2026, 11, 18, 8, 30, tzinfo=UTC),
        geofence_id=site.id,
    )
    assert _status(client, headers, employee) == ("off", 9000, 23400)


def test_without_a_site_the_organizations_zone_decides(client, headers, people):
    _owner, employee, _site = people
    # Only Monday's entry, which has no site: New York's week holds all 4 h of it.
    assert _status(client, headers, employee) == ("off", 0, 14400)


def test_an_edit_keeps_the_entrys_day_in_its_sites_zone(client, headers, people):
    owner, employee, site = people
    auth = headers(employee.user)
    # Tuesday 22:00-23:00 in Los Angeles, Wednesday 01:00-02:00 in New York.
    punch = {**INSIDE, "occurred_at": "2026-11-18T06:00:00+00:00"}
    entry = client.post("/api/v1/clock/in", json=punch, headers=auth).get_json()["time_entry"]
    assert (entry["geofence_id"], entry["entry_date"]) == (str(site.id), "2026-11-17")
    out = {**INSIDE, "occurred_at": "2026-11-18T07:00:00+00:00"}
    assert client.post("/api/v1/clock/out", json=out, headers=auth).status_code == 200
    url = f"/api/v1/time-entries/{entry['id']}"
    edited = client.patch(url, json={"note": "gate code changed"}, headers=headers(owner))
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["entry_date"] == "2026-11-17"


def test_a_manual_entry_for_a_shift_at_a_site_is_dated_in_the_sites_zone(client, headers, people):
    owner, employee, site = people
    shift = {
        "employee_id": str(employee.id),
        "starts_at": "2026-11-18T06:00:00Z",
        "ends_at": "2026-11-18T08:00:00Z",
        "geofence_id": str(site.id),
    }
    assert client.post("/api/v1/shifts", json=shift, headers=headers(owner)).status_code == 201
    body = {
        "started_at": "2026-11-18T06:00:00Z",
        "ended_at": "2026-11-18T08:00:00Z",
        "note": "phone was dead",
    }
    created = client.post("/api/v1/time-entries", json=body, headers=headers(employee.user))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["entry_date"] == "2026-11-17"  # New York's would be the 18th
