"""Inventory adjustments and counts through the generic approvals queue (module
`inventory_adjustments`): approving posts one `adjustment` movement, NEGATIVE_STOCK when it
would take stock below 0 (the request stays pending), rejecting posts none and keeps the
reason, nobody decides their own request; a count raises an adjustment for the difference; an
organization without the approval posts at once; `opening_quantity` starts a product."""

from __future__ import annotations

from typing import Any

import pytest

API = "/api/v1"


@pytest.fixture
def shop(make_org, make_employee, headers):
    owner = make_org("Depot", timezone="UTC")
    director = make_employee(owner, role="manager")
    manager = make_employee(owner, role="manager", manager=director)
    return headers(owner), headers(director.user), headers(manager.user)


def call(client, method, path, auth, body=None, status=200):
    response = client.open(f"{API}{path}", method=method, json=body, headers=auth)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json() if status != 204 else None


def product(client, auth, code="BOLT", **fields: Any) -> dict[str, Any]:
    body = {"code": code, "name": f"Part {code}", "cost": "0.40", **fields}
    return call(client, "POST", "/products", auth, body, 201)


def levels(client, auth, row):
    got = call(client, "GET", f"/products/{row['id']}", auth)
    return got["stock_level"], got["reserved_quantity"], got["available_quantity"]


def adjust(client, auth, row, change, reason="Found in the yard"):
    body = {"product_id": row["id"], "quantity_change": change, "reason": reason}
    return call(client, "POST", "/inventory-adjustments", auth, body, 201)


def request_of(client, auth, adjustment):
    found = call(client, "GET", "/approvals?module=inventory_adjustments", auth)
    return [a for a in found if a["entity_id"] == adjustment["id"]]


def decide(client, auth, request, status=200, **body):
    return call(client, "POST", f"/approvals/{request['id']}/decision", auth, body, status)


def test_opening_quantity_posts_one_adjustment_movement(client, shop, assert_error):
    owner, _, _ = shop
    row = product(client, owner, opening_quantity="12.5")
    assert "opening_quantity" not in row
    assert levels(client, owner, row) == ("12.500", "0.000", "12.500")
    moves = call(client, "GET", f"/stock-movements?product_id={row['id']}", owner)
    assert [(m["quantity"], m["type"], m["unit_cost"], m["reason"]) for m in moves] == [
        ("12.500", "adjustment", "0.40", "Opening quantity")
    ]
    supply = {"code": "RAG", "name": "Rags", "track_inventory": False, "opening_quantity": "1"}
    response = client.post(f"{API}/products", json=supply, headers=owner)
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"opening_quantity"}
    response = client.patch(
        f"{API}/products/{row['id']}", json={"opening_quantity": "3"}, headers=owner
    )
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"opening_quantity"}


def test_an_approved_adjustment_posts_one_movement(client, shop):
    owner, director, manager = shop
    row = product(client, owner, opening_quantity="5")
    made = adjust(client, manager, row, "2.250")
    assert (made["status"], made["stock_movement_id"]) == ("pending", None)
    assert levels(client, owner, row) == ("5.000", "0.000", "5.000")
    assert request_of(client, manager, made) == []  # never one's own
    (request,) = request_of(client, director, made)
    assert (request["status"], request["payload"]) == (
        "pending",
        {"product_id": row["id"], "quantity_change": "2.250", "reason": "Found in the yard"},
    )
    decided = decide(client, director, request, decision="approve")
    assert decided["status"] == "approved"
    after = call(client, "GET", f"/inventory-adjustments/{made['id']}", owner)
    assert after["status"] == "approved" and after["stock_movement_id"] is not None
    assert levels(client, owner, row) == ("7.250", "0.000", "7.250")
    movement = call(client, "GET", f"/stock-movements/{after['stock_movement_id']}", owner)
    assert (movement["quantity"], movement["type"], movement["reference_type"]) == (
        "2.250",
        "adjustment",
        "inventory_adjustment",
    )
    assert movement["reference_id"] == made["id"]
    again = client.post(
        f"{API}/approvals/{request['id']}/decision", json={"decision": "approve"}, headers=owner
    )
    assert again.status_code == 409 and again.get_json()["error"] == "INVALID_TRANSITION"
    assert levels(client, owner, row) == ("7.250", "0.000", "7.250")


def test_an_adjustment_below_zero_is_negative_stock_and_stays_pending(client, shop, assert_error):
    owner, director, manager = shop
    row = product(client, owner, opening_quantity="5")
    made = adjust(client, manager, row, "-5.001", "Rust")
    (request,) = request_of(client, owner, made)
    response = client.post(
        f"{API}/approvals/{request['id']}/decision", json={"decision": "approve"}, headers=owner
    )
    assert assert_error(response, 422, "NEGATIVE_STOCK")["details"] == {"stock_level": "5.000"}
    assert call(client, "GET", f"/inventory-adjustments/{made['id']}", owner)["status"] == (
        "pending"
    )
    assert request_of(client, owner, made)[0]["status"] == "pending"
    assert levels(client, owner, row) == ("5.000", "0.000", "5.000")
    # corrected while pending (the request follows), then approved to exactly 0
    call(
        client,
        "PATCH",
        f"/inventory-adjustments/{made['id']}",
        manager,
        {"quantity_change": "-5"},
    )
    (request,) = request_of(client, director, made)
    assert request["payload"]["quantity_change"] == "-5.000"
    decide(client, director, request, decision="approve")
    assert levels(client, owner, row) == ("0.000", "0.000", "0.000")


def test_rejecting_posts_nothing_and_keeps_the_reason(client, shop, assert_error):
    owner, director, manager = shop
    row = product(client, owner, opening_quantity="5")
    made = adjust(client, manager, row, "-1")
    (request,) = request_of(client, director, made)
    response = client.post(
        f"{API}/approvals/{request['id']}/decision", json={"decision": "reject"}, headers=director
    )
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"reason"}
    decided = decide(client, director, request, decision="reject", reason="Counted twice")
    assert (decided["status"], decided["reason"]) == ("rejected", "Counted twice")
    after = call(client, "GET", f"/inventory-adjustments/{made['id']}", owner)
    assert (after["status"], after["stock_movement_id"]) == ("rejected", None)
    assert levels(client, owner, row) == ("5.000", "0.000", "5.000")
    assert len(call(client, "GET", f"/stock-movements?product_id={row['id']}", owner)) == 1
    # decided: history
    response = client.delete(f"{API}/inventory-adjustments/{made['id']}", headers=owner)
    assert_error(response, 409, "INVALID_TRANSITION")


def test_nobody_decides_their_own_request(client, shop, assert_error):
    owner, _, _ = shop
    row = product(client, owner, opening_quantity="5")
    made = adjust(client, owner, row, "1")
    (request,) = request_of(client, owner, made)
    response = client.post(
        f"{API}/approvals/{request['id']}/decision", json={"decision": "approve"}, headers=owner
    )
    assert_error(response, 403, "SELF_APPROVAL_FORBIDDEN")
    assert levels(client, owner, row) == ("5.000", "0.000", "5.000")


def test_a_withdrawn_adjustment_cancels_its_request(client, shop):
    owner, _, manager = shop
    row = product(client, owner)
    made = adjust(client, manager, row, "3")
    call(client, "DELETE", f"/inventory-adjustments/{made['id']}", manager, status=204)
    assert [r["status"] for r in request_of(client, owner, made)] == ["cancelled"]


def test_a_count_raises_an_adjustment_for_the_difference(client, shop):
    owner, director, manager = shop
    row = product(client, owner, opening_quantity="7")
    body = {"product_id": row["id"], "counted_quantity": "5.5"}
    count = call(client, "POST", "/inventory-counts", manager, body, 201)
    assert (count["expected_quantity"], count["difference"]) == ("7.000", "-1.500")
    made = call(client, "GET", f"/inventory-adjustments/{count['adjustment_id']}", owner)
    assert (made["quantity_change"], made["status"], made["reason"]) == (
        "-1.500",
        "pending",
        "Inventory count: 5.500 counted, 7.000 expected.",
    )
    (request,) = request_of(client, director, made)
    decide(client, director, request, decision="approve")
    assert levels(client, owner, row) == ("5.500", "0.000", "5.500")
    same = call(client, "POST", "/inventory-counts", manager, body, 201)
    assert (same["difference"], same["adjustment_id"]) == ("0.000", None)


def test_without_the_approval_an_adjustment_posts_at_once(client, shop):
    owner, _, manager = shop
    # A one-person business turns the approval off (`/settings/approval-thresholds`).
    call(
        client, "PUT", "/settings/approval-thresholds", owner, {"adjustments_need_approval": False}
    )
    row = product(client, owner, opening_quantity="2")
    made = adjust(client, owner, row, "-0.5")
    assert made["status"] == "approved" and made["stock_movement_id"] is not None
    assert request_of(client, owner, made) == []
    response = client.post(
        f"{API}/inventory-adjustments",
        json={"product_id": row["id"], "quantity_change": "-1.501", "reason": "x"},
        headers=manager,
    )
    assert response.status_code == 422 and response.get_json()["error"] == "NEGATIVE_STOCK"
    count = call(
        client,
        "POST",
        "/inventory-counts",
        owner,
        {"product_id": row["id"], "counted_quantity": "0"},
        201,
    )
    assert count["difference"] == "-1.500"
    assert levels(client, owner, row) == ("0.000", "0.000", "0.000")
