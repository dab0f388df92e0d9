"""Time feeds sales orders: approved time on an order becomes its labour lines (one per rate,
hours rounded once, half-up, to 0.01) and one overhead line, rewritten on every change of the
time, with exact totals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from app.models import SalesOrder, TimeEntry

NOW = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)
INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(make_org: Any, make_employee: Any, headers: Any, client: Any) -> Any:
    owner = make_org()
    worker = make_employee(owner)
    auth = headers(owner)

    def call(method: str, path: str, body: Any = None, who: Any = None, status: int = 200) -> Any:
        response = client.open(f"/api/v1/{path}", method=method, json=body, headers=who or auth)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    customer = call("POST", "customers", {"name": "Dana's Garage"}, status=201)["id"]
    widget = call(
        "POST", "products", {"code": "W-1", "name": "Widget", "price": "19.99", "vat_rate": "12"},
        status=201,
    )["id"]  # fmt: skip

    def order() -> str:
        body = {"customer_id": customer, "lines": [{"product_id": widget, "quantity": "3"}]}
        return str(call("POST", "sales-orders", body, status=201)["id"])

    def entry(order_id: str | None, start_minute: int, seconds: int) -> str:
        started = NOW - timedelta(hours=10) + timedelta(minutes=start_minute)
        body = {
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(seconds=seconds)).isoformat(),
            "note": "Bench work",
            "sales_order_id": order_id,
        }
        return str(call("POST", "time-entries", body, headers(worker.user), status=201)["id"])

    def approve(entry_id: str) -> None:
        call("POST", f"time-entries/{entry_id}/approve")

    def time_lines(order_id: str) -> tuple[list[tuple[str, str, str, str]], tuple[str, ...]]:
        got = call("GET", f"sales-orders/{order_id}")
        lines = [
            (line["kind"], line["quantity"], line["unit_price"], line["line_total"])
            for line in got["lines"]
            if line["kind"] != "item"
        ]
        return lines, (got["subtotal"], got["vat_amount"], got["total_amount"])

    class Shop:
        pass

    shop = Shop()
    shop.__dict__.update(
        owner=owner, worker=worker, call=call, order=order, entry=entry, approve=approve,
        time_lines=time_lines, auth=auth,
    )  # fmt: skip
    return shop


def test_approved_time_becomes_labour_and_overhead_lines_rounded_once(shop: Any) -> None:
    order = shop.order()
    first = shop.entry(order, 0, 9000)  # 2.5 h
    assert shop.time_lines(order) == ([], ("59.97", "7.20", "67.17"))  # submitted: not billed
    shop.approve(first)
    assert shop.time_lines(order) == (
        [("labour", "2.500", "120.00", "300.00"), ("overhead", "2.500", "50.00", "125.00")],
        ("484.97", "7.20", "492.17"),
    )
    # 18 s is 0.005 h: alone it would round up to 0.01, twice to 0.02; the sum is rounded once.
    for start in (200, 210):
        shop.approve(shop.entry(order, start, 18))
    assert shop.time_lines(order) == (
        [("labour", "2.510", "120.00", "301.20"), ("overhead", "2.510", "50.00", "125.50")],
        ("486.67", "7.20", "493.87"),
    )


def test_each_rate_its_own_line_and_the_order_rate_before_the_organizations(
    shop: Any, db: Any
) -> None:
    order = shop.order()
    shop.call("PATCH", f"sales-orders/{order}", {"hourly_rate": "95.00"})
    plain, billed = shop.entry(order, 0, 3600), shop.entry(order, 70, 1800)
    # The entry's own billing rate
    db.session.get(TimeEntry, uuid.UUID(billed)).hourly_rate = Decimal("80.00")
    db.session.commit()
    shop.approve(plain)
    shop.approve(billed)
    assert shop.time_lines(order) == (
        [
            ("labour", "0.500", "80.00", "40.00"),
            ("labour", "1.000", "95.00", "95.00"),
            ("overhead", "1.500", "50.00", "75.00"),
        ],
        ("269.97", "7.20", "277.17"),
    )


def test_reopen_reject_move_and_settings_rewrite_the_lines(shop: Any) -> None:
    first, second = shop.order(), shop.order()
    a, b = shop.entry(first, 0, 3600), shop.entry(first, 70, 7200)
    shop.approve(a)
    shop.approve(b)
    assert shop.time_lines(first)[0][0] == ("labour", "3.000", "120.00", "360.00")
    shop.call("POST", f"time-entries/{a}/reopen", {"reason": "Wrong order"})
    assert shop.time_lines(first)[0][0] == ("labour", "2.000", "120.00", "240.00")
    # Approved time is locked; reopened, it moves to the other order and is approved there.
    shop.call("POST", f"time-entries/{b}/reopen", {"reason": "Wrong order"})
    shop.call("PATCH", f"time-entries/{b}", {"sales_order_id": second})
    assert shop.time_lines(first) == ([], ("59.97", "7.20", "67.17"))
    shop.approve(b)
    assert shop.time_lines(second)[0][0] == ("labour", "2.000", "120.00", "240.00")
    # The organization's rates apply at the next change of the order's time.
    assert shop.call("GET", "settings/sales") == {
        "labour_rate": "120.00", "overhead_rate": "50.00", "vat_rate": "0.00"
    }  # fmt: skip
    rates = {"labour_rate": "100.00", "overhead_rate": "40.00", "vat_rate": "10.00"}
    assert shop.call("PUT", "settings/sales", rates) == rates
    shop.call("POST", f"time-entries/{a}/reject", {"reason": "Not this order"})
    shop.call("PATCH", f"time-entries/{a}", {"sales_order_id": second})
    assert shop.time_lines(second) == (
        [("labour", "2.000", "100.00", "200.00"), ("overhead", "2.000", "40.00", "80.00")],
        ("339.97", "35.20", "375.17"),
    )
    # Rejected time never counts; reopening the approved entry empties the order again.
    shop.call("POST", f"time-entries/{b}/reopen", {"reason": "Check"})
    assert shop.time_lines(second) == ([], ("59.97", "7.20", "67.17"))


def test_time_names_only_an_open_order_of_ones_own_organization(
    shop: Any, make_org: Any, headers: Any, client: Any, db: Any, assert_error: Any
) -> None:
    order = shop.order()
    theirs = client.post(
        "/api/v1/customers", json={"name": "Other"}, headers=headers(make_org("Globex"))
    ).get_json()
    worker = headers(shop.worker.user)
    body = {
        "started_at": (NOW - timedelta(hours=3)).isoformat(),
        "ended_at": (NOW - timedelta(hours=2)).isoformat(),
        "note": "x",
    }
    for bad in (theirs["id"], "6b7e0a3c-1f0e-4d0e-9a5e-000000000000"):
        response = client.post("/api/v1/time-entries", json={**body, "sales_order_id": bad},
                               headers=worker)  # fmt: skip
        assert assert_error(response, 422, "VALIDATION_ERROR")["errors"] == {
            "sales_order_id": ["No such sales order."]
        }
    db.session.get(SalesOrder, uuid.UUID(order)).status = "closed"
    db.session.commit()
    response = client.post("/api/v1/clock/in", json={**INSIDE, "sales_order_id": order},
                           headers=worker)  # fmt: skip
    assert assert_error(response, 422, "VALIDATION_ERROR")["errors"] == {
        "sales_order_id": ["This sales order is closed: no more time."]
    }
    shop.call("PUT", "settings/sales", {"labour_rate": "-1"}, status=422)
    shop.call("PUT", "settings/sales", {}, who=headers(shop.worker.user), status=403)


def test_a_clock_in_books_its_entry_on_the_order(shop: Any, headers: Any, client: Any) -> None:
    order = shop.order()
    worker = headers(shop.worker.user)
    opened = client.post(
        "/api/v1/clock/in", json={**INSIDE, "sales_order_id": order}, headers=worker
    )
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["time_entry"]["sales_order_id"] == order
