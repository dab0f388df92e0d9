"""Shift templates and shifts: CRUD, roles, half-open overlaps, generation in the template's
timezone across both DST changes of two zones (exact hours), skipping, and missed shifts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

NIGHT = {
    "name": "Night",
    "start_time": "22:00",
    "end_time": "06:00",
    "days_of_week": [0, 1, 2, 3, 4, 5, 6],
}


@pytest.fixture
def crew(make_org, make_employee):
    owner = make_org(timezone="America/New_York")
    manager = make_employee(owner, role="manager")
    worker = make_employee(owner, manager=manager)
    other = make_employee(owner)  # not the manager's report
    return owner, manager, worker, other


def _template(client, auth, **fields):
    response = client.post("/api/v1/shift-templates", json={**NIGHT, **fields}, headers=auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _generate(client, auth, template, employees, from_date, to_date):
    body = {
        "template_id": template["id"],
        "employee_ids": [str(e.id) for e in employees],
        "from_date": from_date,
        "to_date": to_date,
    }
    return client.post("/api/v1/shifts/generate", json=body, headers=auth)


def _spans(shifts):
    return [(s["starts_at"], s["ends_at"], s["duration_seconds"]) for s in shifts]


# --- templates --------------------------------------------------------------------------------


def test_template_crud_and_validation(client, crew, headers, assert_error):
    owner, manager, worker, _ = crew
    auth = headers(owner)
    body = _template(
        client,
        auth,
        days_of_week=[4, 0, 2],
        unpaid_break_minutes=30,
        grace_minutes=5,
        timezone="Europe/Berlin",
        rounding={"minutes": 15, "in_mode": "up"},
        auto_break={"after_hours": "6.00", "minutes": 30},
    )
    assert (body["start_time"], body["end_time"], body["days_of_week"]) == (
        "22:00",
        "06:00",
        [0, 2, 4],
    )
    assert body["rounding"] == {"minutes": 15, "in_mode": "up", "out_mode": "nearest"}
    assert body["auto_break"] == {"after_hours": "6.00", "minutes": 30}
    url = f"/api/v1/shift-templates/{body['id']}"
    stale = {"If-Match": '"stale"'}
    assert_error(
        client.patch(url, json={"name": "X"}, headers={**auth, **stale}), 412, "PRECONDITION_FAILED"
    )
    patched = client.patch(url, json={"grace_minutes": 10, "rounding": None}, headers=auth)
    assert patched.status_code == 200
    assert (patched.get_json()["grace_minutes"], patched.get_json()["rounding"]) == (10, None)
    for bad in (
        {"start_time": "25:00"},
        {"start_time": "8:05"},  # two digits each, as the OpenAPI pattern says
        {"days_of_week": [7]},
        {"days_of_week": [1, 1]},
        {"days_of_week": []},
        {"timezone": "Mars/Olympus"},
        {"rounding": {"minutes": 7}},
        {"rounding": {"minutes": 15, "in_mode": "sideways"}},
        {"auto_break": {"after_hours": "25.00", "minutes": 30}},
    ):
        response = client.post("/api/v1/shift-templates", json={**NIGHT, **bad}, headers=auth)
        assert_error(response, 422, "VALIDATION_ERROR")
    assert_error(
        client.get("/api/v1/shift-templates", headers=headers(worker.user)), 403, "FORBIDDEN"
    )
    assert client.get("/api/v1/shift-templates", headers=headers(manager.user)).status_code == 200
    assert client.delete(url, headers=auth).status_code == 204
    assert_error(client.get(url, headers=auth), 404, "NOT_FOUND")


# --- one shift at a time: overlaps and roles --------------------------------------------------


def _shift(client, auth, employee, start, end, **fields):
    body = {"employee_id": str(employee.id), "starts_at": start, "ends_at": end, **fields}
    return client.post("/api/v1/shifts", json=body, headers=auth)


def test_overlapping_shifts_are_refused_and_touching_ones_allowed(
    client, crew, headers, assert_error
):
    owner, _, worker, _ = crew
    auth = headers(owner)
    first = _shift(client, auth, worker, "2026-12-01T08:00:00Z", "2026-12-01T16:00:00Z")
    assert first.status_code == 201, first.get_json()
    first_id = first.get_json()["id"]
    touching = _shift(client, auth, worker, "2026-12-01T16:00:00Z", "2026-12-01T20:00:00Z")
    assert touching.status_code == 201  # [08:00, 16:00) and [16:00, 20:00) do not meet
    before = _shift(client, auth, worker, "2026-12-01T04:00:00Z", "2026-12-01T08:00:00Z")
    assert before.status_code == 201
    body = assert_error(
        _shift(client, auth, worker, "2026-12-01T15:59:00Z", "2026-12-01T17:00:00Z"),
        409,
        "SHIFT_OVERLAP",
    )
    assert body["details"]["shift_id"] == first_id
    inside = _shift(client, auth, worker, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z")
    assert_error(inside, 409, "SHIFT_OVERLAP")
    cancelled = client.patch(
        f"/api/v1/shifts/{first_id}", json={"status": "cancelled"}, headers=auth
    )
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert (
        _shift(client, auth, worker, "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z").status_code
        == 201
    )
    assert_error(
        client.patch(f"/api/v1/shifts/{first_id}", json={"status": "scheduled"}, headers=auth),
        409,
        "SHIFT_OVERLAP",
    )
    backwards = _shift(client, auth, worker, "2026-12-02T10:00:00Z", "2026-12-02T10:00:00Z")
    assert assert_error(backwards, 422, "VALIDATION_ERROR")["errors"] == {
        "ends_at": ["Must be after starts_at."]
    }


def test_a_template_lends_its_rules_to_a_shift(client, crew, headers):
    owner, _, worker, _ = crew
    auth = headers(owner)
    template = _template(
        client, auth, unpaid_break_minutes=30, paid_break_minutes=15, grace_minutes=7
    )
    shift = _shift(
        client,
        auth,
        worker,
        "2026-12-03T08:00:00Z",
        "2026-12-03T16:00:00Z",
        template_id=template["id"],
    ).get_json()
    assert (shift["unpaid_break_minutes"], shift["paid_break_minutes"], shift["grace_minutes"]) == (
        30,
        15,
        7,
    )
    assert (shift["template_id"], shift["status"], shift["duration_seconds"]) == (
        template["id"],
        "scheduled",
        28800,
    )


def test_who_schedules_and_who_sees_which_shifts(client, crew, headers, assert_error):
    owner, manager, worker, other = crew
    mgr = headers(manager.user)
    mine = _shift(client, mgr, worker, "2026-12-04T08:00:00Z", "2026-12-04T16:00:00Z")
    assert mine.status_code == 201
    own = _shift(client, mgr, manager, "2026-12-04T08:00:00Z", "2026-12-04T16:00:00Z")
    assert own.status_code == 201  # managers schedule themselves too
    refused = _shift(client, mgr, other, "2026-12-04T08:00:00Z", "2026-12-04T16:00:00Z")
    assert assert_error(refused, 422, "VALIDATION_ERROR")["errors"]["employee_id"]
    theirs = _shift(
        client, headers(owner), other, "2026-12-04T08:00:00Z", "2026-12-04T16:00:00Z"
    ).get_json()
    assert_error(
        _shift(
            client, headers(worker.user), worker, "2026-12-05T08:00:00Z", "2026-12-05T16:00:00Z"
        ),
        403,
        "FORBIDDEN",
    )
    listed = client.get("/api/v1/shifts", headers=headers(worker.user)).get_json()
    assert [s["id"] for s in listed] == [mine.get_json()["id"]]
    me = client.get("/api/v1/me/shifts", headers=headers(worker.user)).get_json()
    assert [s["id"] for s in me] == [mine.get_json()["id"]]
    seen_by_manager = {s["id"] for s in client.get("/api/v1/shifts", headers=mgr).get_json()}
    assert seen_by_manager == {mine.get_json()["id"], own.get_json()["id"]}
    assert len(client.get("/api/v1/shifts", headers=headers(owner)).get_json()) == 3
    assert_error(client.get(f"/api/v1/shifts/{theirs['id']}", headers=mgr), 404, "NOT_FOUND")
    assert_error(
        client.get(f"/api/v1/shifts/{theirs['id']}", headers=headers(worker.user)), 404, "NOT_FOUND"
    )
    assert client.get("/api/v1/me/shifts", headers=headers(owner)).get_json() == []  # no employee


def test_list_filters_by_employee_and_local_days(client, crew, headers, assert_error):
    owner, _, worker, other = crew
    auth = headers(owner)
    # 2026-12-05 in New York is [05:00Z, 05:00Z next day).
    late = _shift(client, auth, worker, "2026-12-06T04:30:00Z", "2026-12-06T08:00:00Z").get_json()
    early = _shift(client, auth, worker, "2026-12-06T05:00:00Z", "2026-12-06T06:00:00Z")
    assert early.status_code == 409  # overlaps `late`
    next_day = _shift(
        client, auth, worker, "2026-12-06T09:00:00Z", "2026-12-06T10:00:00Z"
    ).get_json()
    _shift(client, auth, other, "2026-12-06T04:30:00Z", "2026-12-06T08:00:00Z")
    query = f"/api/v1/shifts?employee_id={worker.id}&from=2026-12-05&to=2026-12-05"
    assert [s["id"] for s in client.get(query, headers=auth).get_json()] == [late["id"]]
    query = f"/api/v1/shifts?employee_id={worker.id}&from=2026-12-06"
    assert [s["id"] for s in client.get(query, headers=auth).get_json()] == [next_day["id"]]
    assert_error(client.get("/api/v1/shifts?colour=red", headers=auth), 422, "VALIDATION_ERROR")


def test_shift_patch_needs_a_fresh_etag_and_delete_refuses_worked_shifts(
    client, crew, headers, assert_error
):
    owner, _, worker, _ = crew
    with time_machine.travel(datetime(2026, 12, 7, 18, 0, tzinfo=UTC), tick=False):
        auth = headers(owner)  # tokens are issued in the travelled time
        created = _shift(client, auth, worker, "2026-12-07T08:00:00Z", "2026-12-07T16:00:00Z")
        url = f"/api/v1/shifts/{created.get_json()['id']}"
        etag = client.get(url, headers=auth).headers["ETag"]
        moved = client.patch(
            url, json={"ends_at": "2026-12-07T17:00:00Z"}, headers={**auth, "If-Match": etag}
        )
        assert moved.status_code == 200 and moved.get_json()["duration_seconds"] == 9 * 3600
        again = client.patch(url, json={"notes": "x"}, headers={**auth, "If-Match": etag})
        assert_error(again, 412, "PRECONDITION_FAILED")
        entry = {
            "started_at": "2026-12-07T08:05:00Z",
            "ended_at": "2026-12-07T16:00:00Z",
            "note": "paper",
        }
        made = client.post("/api/v1/time-entries", json=entry, headers=headers(worker.user))
        assert made.get_json()["shift_id"] == created.get_json()["id"]
        assert_error(client.delete(url, headers=auth), 409, "IN_USE")
        spare = _shift(
            client, auth, worker, "2026-12-08T08:00:00Z", "2026-12-08T16:00:00Z"
        ).get_json()
        assert client.delete(f"/api/v1/shifts/{spare['id']}", headers=auth).status_code == 204
        assert_error(client.get(f"/api/v1/shifts/{spare['id']}", headers=auth), 404, "NOT_FOUND")


# --- generation across DST ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "from_date", "to_date", "expected"),
    [
        (  # US spring forward: Sunday 2026-03-08, 02:00 EST → 03:00 EDT
            "America/New_York",
            "2026-03-07",
            "2026-03-08",
            [
                ("2026-03-08T03:00:00+00:00", "2026-03-08T10:00:00+00:00", 7 * 3600),
                ("2026-03-09T02:00:00+00:00", "2026-03-09T10:00:00+00:00", 8 * 3600),
            ],
        ),
        (  # US fall back: Sunday 2026-11-01, 02:00 EDT → 01:00 EST
            "America/New_York",
            "2026-10-31",
            "2026-11-01",
            [
                ("2026-11-01T02:00:00+00:00", "2026-11-01T11:00:00+00:00", 9 * 3600),
                ("2026-11-02T03:00:00+00:00", "2026-11-02T11:00:00+00:00", 8 * 3600),
            ],
        ),
        (  # EU spring forward: Sunday 2026-03-29, 02:00 CET → 03:00 CEST
            "Europe/Berlin",
            "2026-03-28",
            "2026-03-29",
            [
                ("2026-03-28T21:00:00+00:00", "2026-03-29T04:00:00+00:00", 7 * 3600),
                ("2026-03-29T20:00:00+00:00", "2026-03-30T04:00:00+00:00", 8 * 3600),
            ],
        ),
        (  # EU fall back: Sunday 2026-10-25, 03:00 CEST → 02:00 CET
            "Europe/Berlin",
            "2026-10-24",
            "2026-10-25",
            [
                ("2026-10-24T20:00:00+00:00", "2026-10-25T05:00:00+00:00", 9 * 3600),
                ("2026-10-25T21:00:00+00:00", "2026-10-26T05:00:00+00:00", 8 * 3600),
            ],
        ),
    ],
)
def test_night_shifts_across_dst_are_seven_or_nine_hours(
    client, crew, headers, zone, from_date, to_date, expected
):
    owner, _, worker, other = crew
    auth = headers(owner)
    template = _template(client, auth, timezone=zone)
    response = _generate(client, auth, template, [worker, other], from_date, to_date)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["X-Shifts-Skipped"] == "0"
    for employee in (worker, other):
        mine = [s for s in created if s["employee_id"] == str(employee.id)]
        assert _spans(mine) == expected
        assert {s["timezone"] for s in mine} == {zone}


def test_day_shift_on_the_change_day_and_a_start_in_the_skipped_hour(client, crew, headers):
    owner, _, worker, other = crew
    auth = headers(owner)
    day = _template(client, auth, start_time="08:00", end_time="16:00", days_of_week=[6])
    created = _generate(client, auth, day, [worker], "2026-03-02", "2026-03-08").get_json()
    assert _spans(created) == [("2026-03-08T12:00:00+00:00", "2026-03-08T20:00:00+00:00", 8 * 3600)]
    gap = _template(client, auth, start_time="02:30", end_time="10:30", days_of_week=[6])
    created = _generate(client, auth, gap, [worker], "2026-11-08", "2026-11-08").get_json()
    assert _spans(created) == [("2026-11-08T07:30:00+00:00", "2026-11-08T15:30:00+00:00", 8 * 3600)]
    # 02:30 does not exist in New York on 2026-03-08: the start moves forward to 03:30 EDT.
    spring = _generate(client, auth, gap, [other], "2026-03-08", "2026-03-08").get_json()
    assert _spans(spring) == [("2026-03-08T07:30:00+00:00", "2026-03-08T14:30:00+00:00", 7 * 3600)]


def test_template_without_timezone_uses_the_organization_zone(client, crew, headers):
    owner, _, worker, _ = crew
    auth = headers(owner)
    day = _template(client, auth, start_time="09:00", end_time="17:00", days_of_week=[0])
    created = _generate(client, auth, day, [worker], "2026-12-07", "2026-12-13").get_json()
    assert _spans(created) == [("2026-12-07T14:00:00+00:00", "2026-12-07T22:00:00+00:00", 8 * 3600)]
    assert created[0]["timezone"] == "America/New_York"


def test_generation_skips_identical_shifts_and_refuses_overlaps(
    client, crew, headers, assert_error, db
):
    owner, _, worker, other = crew
    auth = headers(owner)
    template = _template(
        client, auth, start_time="08:00", end_time="16:00", days_of_week=[0, 1, 2, 3, 4]
    )
    first = _generate(client, auth, template, [worker], "2026-12-07", "2026-12-09")
    assert len(first.get_json()) == 3
    again = _generate(client, auth, template, [worker, other], "2026-12-07", "2026-12-11")
    assert again.status_code == 201
    assert again.headers["X-Shifts-Skipped"] == "3"
    assert len(again.get_json()) == 2 + 5  # worker's Thursday and Friday, all of other's week
    _shift(
        client, auth, worker, "2026-12-14T20:00:00Z", "2026-12-14T22:00:00Z"
    )  # 15:00-17:00 local
    refused = _generate(client, auth, template, [worker, other], "2026-12-14", "2026-12-14")
    body = assert_error(refused, 409, "SHIFT_OVERLAP")
    assert body["details"]["count"] == 1
    assert body["details"]["conflicts"][0]["employee_id"] == str(worker.id)
    week = client.get(
        f"/api/v1/shifts?employee_id={other.id}&from=2026-12-14&to=2026-12-14", headers=auth
    )
    assert week.get_json() == []  # all or nothing: other's shift was not created either


def test_generation_input_errors(client, crew, make_org, headers, assert_error):
    owner, manager, worker, other = crew
    auth = headers(owner)
    template = _template(client, auth)
    backwards = _generate(client, auth, template, [worker], "2026-12-10", "2026-12-09")
    assert "to_date" in assert_error(backwards, 422, "VALIDATION_ERROR")["errors"]
    too_long = _generate(client, auth, template, [worker], "2026-01-01", "2027-01-02")
    assert "to_date" in assert_error(too_long, 422, "VALIDATION_ERROR")["errors"]
    foreign = _template(client, headers(make_org("Globex")))
    missing = _generate(client, auth, foreign, [worker], "2026-12-07", "2026-12-08")
    assert "template_id" in assert_error(missing, 422, "VALIDATION_ERROR")["errors"]
    not_mine = _generate(
        client, headers(manager.user), template, [other], "2026-12-07", "2026-12-08"
    )
    assert "employee_ids" in assert_error(not_mine, 422, "VALIDATION_ERROR")["errors"]
    inactive = client.patch(
        f"/api/v1/shift-templates/{template['id']}", json={"is_active": False}, headers=auth
    )
    assert inactive.status_code == 200
    refused = _generate(client, auth, template, [worker], "2026-12-07", "2026-12-08")
    assert "template_id" in assert_error(refused, 422, "VALIDATION_ERROR")["errors"]


# --- missed shifts -------------------------------------------------------------------------


def test_missed_shifts_are_the_unpunched_ones_past_start_and_grace(client, crew, headers):
    owner, _, worker, other = crew
    now = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        auth = headers(owner)

        def shift(employee, minutes_ago, grace=15, hours=4):
            start = now - timedelta(minutes=minutes_ago)
            end = start + timedelta(hours=hours)
            body = _shift(
                client, auth, employee, start.isoformat(), end.isoformat(), grace_minutes=grace
            )
            return body.get_json()["id"]

        missed = shift(worker, 16)  # 15 minutes of grace are over
        within_grace = shift(other, 15)  # exactly start + grace: not yet missed
        worked = shift(worker, 300, hours=1)
        cancelled = shift(other, 600, hours=2)
        client.patch(f"/api/v1/shifts/{cancelled}", json={"status": "cancelled"}, headers=auth)
        entry = {
            "started_at": (now - timedelta(minutes=295)).isoformat(),
            "ended_at": (now - timedelta(minutes=240)).isoformat(),
            "note": "x",
        }
        assert (
            client.post(
                "/api/v1/time-entries", json=entry, headers=headers(worker.user)
            ).status_code
            == 201
        )
        listed = {
            s["id"]: s["missed"] for s in client.get("/api/v1/shifts", headers=auth).get_json()
        }
        assert listed == {missed: True, within_grace: False, worked: False, cancelled: False}
        only = client.get("/api/v1/shifts?missed=true", headers=auth).get_json()
        assert [s["id"] for s in only] == [missed]
        assert client.get(f"/api/v1/shifts/{missed}", headers=auth).get_json()["missed"] is True
        mine = client.get("/api/v1/me/shifts?missed=true", headers=headers(worker.user)).get_json()
        assert [s["id"] for s in mine] == [missed]


def test_shift_changes_are_in_the_audit_log(client, crew, headers):
    owner, _, worker, _ = crew
    auth = headers(owner)
    shift = _shift(client, auth, worker, "2026-12-10T08:00:00Z", "2026-12-10T16:00:00Z").get_json()
    client.patch(f"/api/v1/shifts/{shift['id']}", json={"status": "cancelled"}, headers=auth)
    logs = client.get(
        f"/api/v1/audit-logs?entity_type=shifts&entity_id={shift['id']}", headers=auth
    ).get_json()
    assert [log["action"] for log in logs] == ["UPDATE", "CREATE"]
    assert logs[0]["old_values"] == {"status": "scheduled"}
    assert logs[0]["new_values"] == {"status": "cancelled"}
