"""The screens in a real browser, one story on one server: employees clock in inside, outside
an `enforce` and outside a `flag` fence; one punches in, takes a break and punches out offline
and the phone syncs the four punches when the network returns; her manager approves the entry
in the console; the owner adds sites; payroll exports the period, downloads the file and its
rows are checked. Each step saves a screenshot (docs/screenshots/, shown in the README). Then
the phone page's first load is measured."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from time import monotonic, sleep
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, contrast_failures, shot

PASSWORD = "browser-password-1"
NORTH = (41.8900, -87.6300)  # North Yard: a 100 m circle, policy enforce
SOUTH = (41.8800, -87.6300)  # South Lot: an 80 m circle, policy flag
OUT_OF_NORTH = (41.8930, -87.6300)  # about 334 m from North Yard's centre
OUT_OF_SOUTH = (41.8770, -87.6300)  # about 334 m from South Lot's centre
HEADER = (
    "employee_number,employee_name,period_start,period_end,regular_hours,overtime_hours,"
    "double_time_hours,hourly_rate,regular_pay,overtime_pay,double_time_pay,gross_pay,currency"
)


@pytest.fixture(scope="module")
def people(_app: Flask, served: str) -> dict[str, Any]:
    """Harbour Works (UTC): two fenced sites, a manager with three reports, a payroll clerk."""
    from app.extensions import db
    from app.services.identity import auth, employees
    from app.services.time_tracking import sites

    with _app.app_context():
        _org, _ws, owner = auth.register(
            {"name": "Harbour Works", "timezone": "UTC", "currency": "USD"},
            {"email": "olive@harbour.test", "password": PASSWORD,
             "first_name": "Olive", "last_name": "Harbour"},
        )  # fmt: skip

        def circle(name: str, at: tuple[float, float], radius: float, policy: str) -> Any:
            point = {"type": "Point", "coordinates": [at[1], at[0]]}
            return sites.create(
                owner, {"name": name, "geometry": point, "radius_m": radius, "policy": policy}
            )

        north = circle("North Yard", NORTH, 100.0, "enforce")
        south = circle("South Lot", SOUTH, 80.0, "flag")

        def person(first: str, number: str, role: str = "employee", **more: Any) -> Any:
            return employees.create_employee(
                owner,
                {"email": f"{first.lower()}@harbour.test", "password": PASSWORD,
                 "first_name": first, "last_name": "Harbour", "employee_number": number,
                 "hourly_rate": Decimal("20.00"), "currency": "USD", "role": role, **more},
            )  # fmt: skip

        maya = person("Maya", "M1", role="manager")
        staff = {
            name: person(name, f"E{n}", manager_id=maya.id, geofence_ids=[fence.id])
            for n, (name, fence) in enumerate((("Ana", north), ("Ben", south), ("Chloe", north)))
        }
        person("Pat", "P1", role="payroll")
        found = {
            "north": str(north.id),
            "south": str(south.id),
            **{name: str(employee.id) for name, employee in staff.items()},
            "owner_token": auth.start_session(owner, None, None).access_token,
        }
        db.session.commit()
        return found


@pytest.fixture
def phone(browser: Browser, browser_context_args: dict[str, Any], served: str) -> Iterator[Page]:
    context = browser.new_context(**browser_context_args, viewport=PHONE, has_touch=True)
    context.grant_permissions(["geolocation"], origin=served)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(**browser_context_args, viewport={"width": 1200, "height": 760})
    page = context.new_page()
    yield page
    context.close()


def at(page: Page, place: tuple[float, float], accuracy: float = 10.0) -> None:
    page.context.set_geolocation(
        {"latitude": place[0], "longitude": place[1], "accuracy": accuracy}
    )


def sign_in(page: Page, url: str, first_name: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail").fill(f"{first_name.lower()}@harbour.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # the keyboard's way
    expect(page.locator("#who")).to_contain_text(f"{first_name} Harbour")


def api(app: Flask, method: str, path: str, token: str, body: Any = None) -> Any:
    response = app.test_client().open(
        "/api/v1" + path, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code < 300, response.get_json()
    return response.get_json()


def metres_outside(
    app: Flask, people: dict[str, Any], fence: str, place: tuple[float, float]
) -> int:
    fix = {"lat": place[0], "lon": place[1], "accuracy_m": 10.0, "geofence_id": people[fence]}
    check = api(app, "POST", "/geofences/check", people["owner_token"], fix)
    assert check["result"] == "outside"
    return int(Decimal(str(check["distance_m"])) + Decimal("0.5"))  # JavaScript's Math.round


def entries_of(app: Flask, employee_id: str) -> list[Any]:
    from app.extensions import db
    from app.models import TimeEntry

    with app.app_context():
        rows = db.session.scalars(
            sa.select(TimeEntry)
            .where(TimeEntry.employee_id == uuid.UUID(employee_id))
            .order_by(TimeEntry.started_at)
        ).all()
        db.session.expunge_all()
        return list(rows)


def test_clock_in_inside_and_outside_an_enforce_and_a_flag_fence(
    _app: Flask, served: str, people: dict[str, Any], phone: Page
) -> None:
    at(phone, NORTH)
    sign_in(phone, served + "/", "Ana")
    expect(phone.locator("#state")).to_have_text("Off the clock")
    phone.get_by_role("button", name="Clock in").click()
    expect(phone.locator("#decision")).to_have_text("Clocked in. You are at North Yard.")
    expect(phone.locator("#state")).to_have_text("On the clock")
    expect(phone.locator("#position")).to_have_text("Position: 41.89000, -87.63000 (±10 m)")
    shot(phone, "phone-clocked-in")

    phone.reload()  # the refresh token keeps her signed in; the access token was in memory only
    expect(phone.locator("#state")).to_have_text("On the clock")
    phone.get_by_role("button", name="Clock out").click()
    expect(phone.locator("#decision")).to_have_text("Clocked out. You are at North Yard.")

    at(phone, OUT_OF_NORTH)
    phone.get_by_role("button", name="Clock in").click()
    away = metres_outside(_app, people, "north", OUT_OF_NORTH)
    assert 230 <= away <= 240
    expect(phone.locator("#decision")).to_have_text(
        f"Refused: you are {away} m outside North Yard, and North Yard only accepts punches "
        "from inside. Move onto the site and try again."
    )
    expect(phone.locator("#state")).to_have_text("Off the clock")
    shot(phone, "phone-refused")
    [ana] = entries_of(_app, people["Ana"])
    assert (ana.status, ana.flags) == ("submitted", [])

    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_label("E-mail")).to_be_visible()
    assert phone.evaluate("Object.keys(localStorage)") == []
    at(phone, OUT_OF_SOUTH)
    sign_in(phone, served + "/", "Ben")
    phone.get_by_role("button", name="Clock in").click()
    away = metres_outside(_app, people, "south", OUT_OF_SOUTH)
    expect(phone.locator("#decision")).to_have_text(
        f"Clocked in. You are {away} m outside South Lot; your punch was recorded and flagged."
    )
    shot(phone, "phone-flagged")
    assert contrast_failures(phone) == []
    [ben] = entries_of(_app, people["Ben"])
    assert (ben.status, ben.flags, ben.ended_at) == ("open", ["OUTSIDE_GEOFENCE"], None)


def test_offline_punches_wait_on_the_phone_and_sync_when_the_network_returns(
    _app: Flask, served: str, people: dict[str, Any], phone: Page
) -> None:
    start = (datetime.now(UTC) - timedelta(hours=4)).replace(microsecond=0)
    moments = {  # in, a half-hour break after an hour, out after three hours: 2.5 h worked
        "in": start,
        "break_start": start + timedelta(hours=1),
        "break_end": start + timedelta(hours=1, minutes=30),
        "out": start + timedelta(hours=3),
    }
    at(phone, NORTH)
    sign_in(phone, served + "/", "Chloe")
    expect(phone.locator("#state")).to_have_text("Off the clock")

    phone.context.set_offline(True)
    steps = [
        ("in", "Clock in", "On the clock"),
        ("break_start", "Start break", "On a break"),
        ("break_end", "End break", "On the clock"),
        ("out", "Clock out", "Off the clock"),
    ]
    for n, (kind, button, state) in enumerate(steps, start=1):
        phone.clock.set_fixed_time(moments[kind])
        phone.get_by_role("button", name=button).click()
        waiting = "1 punch" if n == 1 else f"{n} punches"
        expect(phone.locator("#waiting")).to_have_text(f"{waiting} waiting to be sent")
        expect(phone.locator("#state")).to_have_text(state)
    queued = json.loads(phone.evaluate("localStorage.getItem('fieldclock.queue')"))
    assert [(p["type"], p["occurred_at"], p["lat"], p["accuracy_m"]) for p in queued] == [
        (kind, moments[kind].strftime("%Y-%m-%dT%H:%M:%S.000Z"), NORTH[0], 10)
        for kind, _b, _s in steps
    ]
    assert len({p["client_id"] for p in queued}) == 4
    shot(phone, "phone-offline")

    phone.context.set_offline(False)
    words = {"in": "Clocked in", "break_start": "Break started", "break_end": "Break ended",
             "out": "Clocked out"}  # fmt: skip
    expect(phone.locator("#results li")).to_have_text(
        [f"{words[kind]} at {moments[kind]:%H:%M}: sent" for kind, _b, _s in steps]
    )
    expect(phone.locator("#waiting")).to_have_text("Nothing waiting to be sent.")
    expect(phone.locator("#decision")).to_have_text("4 offline punches sent.")
    shot(phone, "phone-synced")
    [entry] = entries_of(_app, people["Chloe"])
    assert (entry.started_at, entry.ended_at) == (start, moments["out"])
    assert (entry.break_seconds, entry.worked_seconds) == (1800, 9000)
    assert (entry.status, entry.source) == ("submitted", "sync")
    assert entry.flags == ["LATE_SYNC"]
    assert phone.evaluate("localStorage.getItem('fieldclock.queue')") is None


def test_the_manager_approves_the_synced_entry_in_the_console(
    _app: Flask, served: str, people: dict[str, Any], desk: Page
) -> None:
    [chloe] = entries_of(_app, people["Chloe"])
    [ana] = entries_of(_app, people["Ana"])
    sign_in(desk, served + "/console", "Maya")
    expect(desk.get_by_role("tab", name="Approvals")).to_have_attribute("aria-selected", "true")
    rows = desk.locator("tr[data-entry]")
    expect(rows).to_have_count(2)  # Ana's and Chloe's; Ben is still on the clock
    row = desk.locator(f'tr[data-entry="{chloe.id}"]')
    expect(row.locator("td").nth(1)).to_have_text("Chloe Harbour")
    expect(row.locator(".flag")).to_have_text(["synced late"])
    expect(row.locator("td").nth(3)).to_have_text("2 h 30 min")
    expect(row.locator("td").nth(2)).to_contain_text("inside (±10 m)")
    row.get_by_role("checkbox").check()
    shot(desk, "console-approvals")
    assert contrast_failures(desk) == []
    desk.get_by_role("button", name="Approve selected").click()
    expect(desk.locator("#notice")).to_have_text("1 approved.")
    expect(rows).to_have_count(1)
    [chloe] = entries_of(_app, people["Chloe"])
    [ana] = entries_of(_app, people["Ana"])
    assert (chloe.status, ana.status) == ("approved", "submitted")

    desk.get_by_role("tab", name="On the clock").click()
    expect(desk.locator("#panel tbody tr td").first).to_have_text("Ben Harbour")

    desk.get_by_role("tab", name="Employee's week").click()
    desk.get_by_label("Employee", exact=True).select_option(label="Chloe Harbour")
    monday = chloe.started_at.date() - timedelta(days=chloe.started_at.weekday())
    desk.get_by_label("Week starting").fill(monday.isoformat())
    desk.get_by_label("Week starting").dispatch_event("change")
    expect(desk.locator("#panel tbody tr td").nth(3)).to_have_text("2 h 30 min")
    expect(desk.locator("#panel tbody tr td").nth(4)).to_have_text("approved")
    expect(desk.locator("#panel > div > p")).to_have_text("Worked this week: 2 h 30 min")

    tomorrow = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(8), UTC)
    shift = {"employee_id": people["Ana"], "starts_at": tomorrow.isoformat(),
             "ends_at": (tomorrow + timedelta(hours=8)).isoformat()}  # fmt: skip
    api(_app, "POST", "/shifts", people["owner_token"], shift)
    desk.get_by_role("tab", name="Shifts").click()
    expect(desk.locator("#panel tbody tr td").first).to_have_text("Ana Harbour")
    expect(desk.locator("#panel tbody tr")).to_have_count(1)
    desk.get_by_role("tab", name="Sites").click()
    expect(desk.locator("figure.fence figcaption strong")).to_have_text(["North Yard", "South Lot"])
    expect(desk.locator("figure.fence circle")).to_have_count(2)


def test_the_owner_adds_a_circle_and_a_geojson_site(
    _app: Flask, served: str, people: dict[str, Any], desk: Page, tmp_path: Any
) -> None:
    sign_in(desk, served + "/console", "Olive")
    desk.get_by_role("tab", name="Sites").click()
    desk.get_by_label("Site name").fill("Gate House")
    desk.get_by_label("Latitude").fill("41.8850")
    desk.get_by_label("Longitude").fill("-87.6250")
    desk.get_by_label("Radius (m)").fill("40")
    desk.get_by_label("Policy", exact=True).select_option("flag")
    desk.get_by_role("button", name="Add circle").click()
    expect(desk.locator("#notice")).to_have_text("Site added.")
    ring = [[-87.6240, 41.8840], [-87.6230, 41.8840], [-87.6230, 41.8846], [-87.6240, 41.8840]]
    upload = tmp_path / "sites.geojson"
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Dock Wedge", "policy": "off"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"name": "Broken"},
         "geometry": {"type": "Polygon", "coordinates": [ring[:3]]}},
    ]}))  # fmt: skip
    desk.get_by_label("GeoJSON file").set_input_files(str(upload))
    expect(desk.locator("#notice")).to_contain_text("1 of 2 features imported. #1 (Broken): ")
    names = desk.locator("figure.fence figcaption strong")
    expect(names).to_have_text(["Dock Wedge", "Gate House", "North Yard", "South Lot"])
    expect(desk.locator('figure.fence:has-text("Dock Wedge") path')).to_have_count(1)
    shot(desk, "console-sites")


def test_payroll_exports_the_period_and_downloads_the_file(
    _app: Flask, served: str, people: dict[str, Any], desk: Page
) -> None:
    from rq import Queue, SimpleWorker

    from app.extensions import db, get_redis
    from app.jobs import QUEUES
    from app.models import PayrollExport

    [chloe] = entries_of(_app, people["Chloe"])
    first = chloe.started_at.date() - timedelta(days=1)
    last = datetime.now(UTC).date() + timedelta(days=1)
    sign_in(desk, served + "/console", "Pat")
    expect(desk.get_by_role("tab", name="Payroll")).to_have_attribute("aria-selected", "true")
    desk.get_by_label("Period start").fill(first.isoformat())
    desk.get_by_label("Period end").fill(last.isoformat())
    desk.get_by_label("Format").select_option("csv")
    with desk.expect_response(lambda r: r.url.endswith("/payroll-exports") and r.status == 202):
        desk.get_by_role("button", name="Start export").click()
    # The worker, here: the page watches its job through /jobs/{id}. The job is enqueued
    # after the request's commit (the outbox's kick, or its relay when the kick is late), so
    # the burst worker runs until the export has left the queue.
    deadline = monotonic() + 20
    with _app.app_context():
        connection = get_redis()
        queues = [Queue(n, connection=connection) for n in QUEUES]
        while monotonic() < deadline:
            SimpleWorker(queues, connection=connection).work(burst=True)
            db.session.expire_all()
            states = db.session.scalars(sa.select(PayrollExport.status)).all()
            if states and all(state not in ("queued", "running") for state in states):
                break
            sleep(0.2)
    expect(desk.locator("#export-status")).to_have_text(
        "Export ready: 1 employees, 1 entries. Left out: 1 unapproved, 1 open.", timeout=20_000
    )
    shot(desk, "console-payroll")
    with desk.expect_download() as downloading:
        desk.locator("button[data-download]").click()
    download = downloading.value
    text = open(download.path(), encoding="utf-8").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]) == HEADER
    assert rows[1:] == [
        ["E2", "Chloe Harbour", first.isoformat(), last.isoformat(), "2.50", "0.00", "0.00",
         "20.00", "50.00", "0.00", "0.00", "50.00", "USD"],
    ]  # fmt: skip
    desk.on("dialog", lambda dialog: dialog.accept())
    desk.locator("button[data-confirm]").click()
    expect(desk.locator("#notice")).to_have_text("Confirmed as paid.")
    [chloe] = entries_of(_app, people["Chloe"])
    assert chloe.status == "paid"


def test_the_phone_page_first_load_is_small_and_breaks_no_rule(
    browser: Browser, served: str
) -> None:
    """Transfer of a first visit (empty cache, signed out), as the browser counts it: the
    headers and bodies of every response of the browser context: the page's and the service
    worker's (its script and the copies it caches for offline use). Measured: 20 responses,
    about 39.5 KB (docs/SCREENS.md)."""
    context = browser.new_context(viewport=PHONE, service_workers="allow")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    responses: list[Any] = []
    context.on("response", lambda response: responses.append(response))
    page.goto(served + "/", wait_until="networkidle")
    expect(page.get_by_label("E-mail")).to_be_focused()
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)") == (
        served + "/sw.js"
    )
    page.wait_for_load_state("networkidle")
    total = 0
    for response in responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    print(f"phone page first load: {len(responses)} responses, {total} bytes")
    assert total < 100_000
    assert problems == []  # no CSP violation, no script error
    # Usable at 360 px: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
