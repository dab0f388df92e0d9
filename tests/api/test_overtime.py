"""`/settings/overtime`, `/overtime-policies`, employees' `overtime_policy_id`,
`/overtime-alerts` (filters, visibility, acknowledge) and `/settings/alert-webhook`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.extensions import db as database
from app.models import OvertimeAlert

FLSA_DEFAULTS = {
    "id": None,
    "name": "Default",
    "is_default": True,
    "rule": "flsa",
    "timezone": "America/Chicago",
    "timezone_is_organization": True,
    "workweek_start_day": 0,
    "workday_start": "00:00",
    "daily_overtime_after_hours": None,
    "daily_double_time_after_hours": None,
    "weekly_overtime_after_hours": "40.00",
    "seventh_day_rule": False,
    "overtime_multiplier": "1.5",
    "double_time_multiplier": "2.0",
    "alert_threshold_percent": 90,
}


@pytest.fixture
def org(make_org, make_employee):
    owner = make_org(timezone="America/Chicago")
    manager = make_employee(owner, role="manager")
    report = make_employee(owner, manager=manager)
    return owner, manager, report


def test_settings_default_to_flsa_until_saved(client, headers, org):
    _owner, manager, _ = org
    body = client.get("/api/v1/settings/overtime", headers=headers(manager.user)).get_json()
    assert body == FLSA_DEFAULTS


def test_put_california_fills_the_rules_defaults(client, headers, org):
    owner, _, _ = org
    response = client.put(
        "/api/v1/settings/overtime",
        json={"rule": "california", "workweek_start_day": 6, "overtime_multiplier": "1.75"},
        headers=headers(owner),
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["rule"] == "california" and body["is_default"] is True and body["id"]
    assert (
        body["daily_overtime_after_hours"],
        body["daily_double_time_after_hours"],
        body["weekly_overtime_after_hours"],
        body["seventh_day_rule"],
    ) == ("8.00", "12.00", "40.00", True)
    assert (body["workweek_start_day"], body["overtime_multiplier"]) == (6, "1.75")
    again = client.get("/api/v1/settings/overtime", headers=headers(owner)).get_json()
    assert again == body
    custom = client.put(
        "/api/v1/settings/overtime",
        json={
            "rule": "custom",
            "daily_overtime_after_hours": 10,
            "weekly_overtime_after_hours": "37.5",
            "timezone": "Europe/Berlin",
            "workday_start": "06:00",
            "alert_threshold_percent": 80,
        },
        headers=headers(owner),
    ).get_json()
    assert custom["id"] == body["id"]  # the same default policy, replaced
    assert (custom["daily_overtime_after_hours"], custom["weekly_overtime_after_hours"]) == (
        "10.00",
        "37.50",
    )
    assert custom["daily_double_time_after_hours"] is None and custom["seventh_day_rule"] is False
    assert (custom["timezone"], custom["timezone_is_organization"]) == ("Europe/Berlin", False)
    assert (custom["workday_start"], custom["alert_threshold_percent"]) == ("06:00", 80)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "rule"),
        ({"rule": "weekly"}, "rule"),
        ({"rule": "custom", "daily_overtime_after_hours": "8.125"}, "daily_overtime_after_hours"),
        ({"rule": "custom", "daily_overtime_after_hours": "25"}, "daily_overtime_after_hours"),
        ({"rule": "custom", "overtime_multiplier": "0.5"}, "overtime_multiplier"),
        ({"rule": "flsa", "workday_start": "24:00"}, "workday_start"),
        ({"rule": "flsa", "timezone": "Mars/Olympus"}, "timezone"),
        ({"rule": "flsa", "alert_threshold_percent": 0}, "alert_threshold_percent"),
        ({"rule": "custom", "daily_overtime_after_hours": True}, "daily_overtime_after_hours"),
    ],
)
def test_invalid_settings_are_422(client, headers, org, assert_error, body, field):
    owner, _, _ = org
    error = assert_error(
        client.put("/api/v1/settings/overtime", json=body, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )
    assert field in error["errors"]


def test_engine_rules_are_422_too(client, headers, org, assert_error):
    owner, _, _ = org
    double_below = {
        "rule": "custom",
        "daily_overtime_after_hours": "10",
        "daily_double_time_after_hours": "8",
    }
    error = assert_error(
        client.put("/api/v1/settings/overtime", json=double_below, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )
    assert "must not be below" in error["message"]
    none_with_threshold = {"rule": "none", "weekly_overtime_after_hours": "40"}
    assert_error(
        client.put("/api/v1/settings/overtime", json=none_with_threshold, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )


def test_only_owners_and_admins_change_settings(client, headers, org, assert_error):
    _, manager, report = org
    put = {"rule": "none"}
    assert_error(
        client.put("/api/v1/settings/overtime", json=put, headers=headers(manager.user)),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.get("/api/v1/settings/overtime", headers=headers(report.user)), 403, "FORBIDDEN"
    )


def test_named_policies_and_employees_carrying_them(client, headers, org, make_org, assert_error):
    owner, _, report = org
    created = client.post(
        "/api/v1/overtime-policies",
        json={"name": "Drivers", "rule": "custom", "weekly_overtime_after_hours": "50"},
        headers=headers(owner),
    )
    assert created.status_code == 201
    policy = created.get_json()
    assert (policy["name"], policy["is_default"], policy["weekly_overtime_after_hours"]) == (
        "Drivers",
        False,
        "50.00",
    )
    patched = client.patch(
        f"/api/v1/employees/{report.id}",
        json={"overtime_policy_id": policy["id"]},
        headers=headers(owner),
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["overtime_policy_id"] == policy["id"]
    in_use = client.delete(f"/api/v1/overtime-policies/{policy['id']}", headers=headers(owner))
    assert_error(in_use, 409, "POLICY_IN_USE")
    # Another organization's policy is not a reference an employee may carry.
    stranger = make_org(name="Other")
    foreign = client.post(
        "/api/v1/overtime-policies", json={"name": "X", "rule": "flsa"}, headers=headers(stranger)
    ).get_json()
    error = assert_error(
        client.patch(
            f"/api/v1/employees/{report.id}",
            json={"overtime_policy_id": foreign["id"]},
            headers=headers(owner),
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert error["errors"] == {"overtime_policy_id": ["No such overtime policy."]}
    assert_error(
        client.get(f"/api/v1/overtime-policies/{foreign['id']}", headers=headers(owner)),
        404,
        "NOT_FOUND",
    )
    listed = client.get("/api/v1/overtime-policies", headers=headers(owner)).get_json()
    assert [p["name"] for p in listed] == ["Drivers"]
    replaced = client.put(
        f"/api/v1/overtime-policies/{policy['id']}",
        json={"name": "Drivers", "rule": "flsa"},
        headers=headers(owner),
    ).get_json()
    assert replaced["weekly_overtime_after_hours"] == "40.00"
    client.patch(
        f"/api/v1/employees/{report.id}", json={"overtime_policy_id": None}, headers=headers(owner)
    )
    gone = client.delete(f"/api/v1/overtime-policies/{policy['id']}", headers=headers(owner))
    assert gone.status_code == 204
    assert client.get("/api/v1/overtime-policies", headers=headers(owner)).get_json() == []


def make_alert(employee, kind, day, seconds=3600):
    alert = OvertimeAlert(
        organization_id=employee.organization_id,
        employee_id=employee.id,
        kind=kind,
        period="workday",
        period_start=day,
        week_start=day,
        seconds=seconds,
        details={"message": "m"},
        created_at=datetime(2026, 11, day.day, 12, tzinfo=UTC),
    )
    database.session.add(alert)
    database.session.commit()
    return alert


def test_alerts_listing_filters_visibility_and_acknowledgement(
    client, headers, org, make_employee, assert_error
):
    owner, manager, report = org
    outsider = make_employee(owner)  # not the manager's report
    a1 = make_alert(report, "DAILY_OVERTIME", date(2026, 11, 16), 5400)
    a2 = make_alert(report, "SHORT_REST", date(2026, 11, 17))
    a3 = make_alert(outsider, "DAILY_OVERTIME", date(2026, 11, 18))
    everyone = client.get("/api/v1/overtime-alerts", headers=headers(owner)).get_json()
    assert [a["id"] for a in everyone] == [str(a3.id), str(a2.id), str(a1.id)]
    assert everyone[2]["hours"] == "1.50" and everyone[2]["message"] == "m"
    mine = client.get("/api/v1/overtime-alerts", headers=headers(manager.user)).get_json()
    assert {a["id"] for a in mine} == {str(a1.id), str(a2.id)}
    own = client.get("/api/v1/overtime-alerts", headers=headers(report.user)).get_json()
    assert {a["id"] for a in own} == {str(a1.id), str(a2.id)}
    filtered = client.get(
        "/api/v1/overtime-alerts?kind=DAILY_OVERTIME&acknowledged=false", headers=headers(owner)
    ).get_json()
    assert [a["id"] for a in filtered] == [str(a3.id), str(a1.id)]
    ack = client.post(f"/api/v1/overtime-alerts/{a1.id}/acknowledge", headers=headers(manager.user))
    assert ack.status_code == 200
    first = ack.get_json()
    assert first["acknowledged_by"] == str(manager.user.id) and first["acknowledged_at"]
    again = client.post(f"/api/v1/overtime-alerts/{a1.id}/acknowledge", headers=headers(owner))
    assert again.get_json()["acknowledged_by"] == str(manager.user.id)
    done = client.get(
        f"/api/v1/overtime-alerts?acknowledged=true&employee_id={report.id}",
        headers=headers(owner),
    ).get_json()
    assert [a["id"] for a in done] == [str(a1.id)]
    # The manager cannot acknowledge someone else's alert; an employee cannot at all.
    assert_error(
        client.post(f"/api/v1/overtime-alerts/{a3.id}/acknowledge", headers=headers(manager.user)),
        404,
        "NOT_FOUND",
    )
    assert_error(
        client.post(f"/api/v1/overtime-alerts/{a2.id}/acknowledge", headers=headers(report.user)),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.get("/api/v1/overtime-alerts?kind=LUNCH", headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )


def test_alert_webhook_configuration_never_shows_the_secret(client, headers, org, assert_error):
    owner, _, _ = org
    url = "/api/v1/settings/alert-webhook"
    assert client.get(url, headers=headers(owner)).get_json() == {
        "url": None,
        "active": False,
        "secret_set": False,
    }
    assert_error(
        client.put(url, json={"url": "https://hooks.example.com/a"}, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )
    body = {"url": "https://hooks.example.com/a", "secret": "0123456789abcdef"}
    assert client.put(url, json=body, headers=headers(owner)).get_json() == {
        "url": "https://hooks.example.com/a",
        "active": True,
        "secret_set": True,
    }
    moved = client.put(
        url, json={"url": "https://hooks.example.com/b", "active": False}, headers=headers(owner)
    )
    assert moved.get_json() == {
        "url": "https://hooks.example.com/b",
        "active": False,
        "secret_set": True,
    }
    assert_error(
        client.put(url, json={**body, "url": "ftp://x.example.com"}, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )
    assert client.delete(url, headers=headers(owner)).status_code == 204
    assert client.get(url, headers=headers(owner)).get_json()["url"] is None


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/a",
        "https://user:password@hooks.example.com/a",
        "https://127.0.0.1/a",
        "https://10.0.0.8/a",
        "https://172.20.1.1/a",
        "https://192.168.0.1/a",
        "https://169.254.169.254/latest/meta-data/",
        "https://0.0.0.0/a",
        "https://[::1]/a",
        "https://[fc00::1]/a",
        "https://[fe80::1]/a",
        "https://2130706433/a",
        "https://localhost/a",
    ],
)
def test_alert_webhook_refuses_internal_or_insecure_urls(client, headers, org, assert_error, url):
    """Server-side request forgery: the worker must not be pointed at our own network."""
    owner, _, _ = org
    body = {"url": url, "secret": "0123456789abcdef"}
    response = client.put("/api/v1/settings/alert-webhook", json=body, headers=headers(owner))
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(error["errors"]) == ["url"]
    assert (
        client.get("/api/v1/settings/alert-webhook", headers=headers(owner)).get_json()["url"]
        is None
    )
