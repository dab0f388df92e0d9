"""The inventory status view (`GET /inventory/status`, seed 002's `inventory_status`): four
statuses at their exact boundaries, margins and value to the cent, filters; and the deletion
guard (`PRODUCT_IN_USE`) over movements, bills of materials and production orders."""

from __future__ import annotations

import json
from typing import Any

import pytest

API = "/api/v1"


@pytest.fixture
def owner(make_org, headers):
    return headers(make_org("Depot", timezone="UTC"))


def call(client, method, path, auth, body=None, status=200):
    response = client.open(f"{API}{path}", method=method, json=body, headers=auth)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json() if status != 204 else None


def product(client, auth, code, **fields: Any) -> dict[str, Any]:
    body = {"code": code, "name": f"Part {code}", **fields}
    return call(client, "POST", "/products", auth, body, 201)


def view(client, auth, query=""):
    return {row["code"]: row for row in call(client, "GET", f"/inventory/status{query}", auth)}


def test_four_statuses_at_their_boundaries_with_margins_and_value(client, owner):
    limits = {"min_stock_level": "5", "reorder_point": "10"}
    product(client, owner, "ZERO", price="10.00", cost="4.00", **limits)
    product(client, owner, "LOW", opening_quantity="5", price="10.00", cost="3.33", **limits)
    product(client, owner, "REORDER", opening_quantity="5.001", price="1.00", cost="0", **limits)
    product(client, owner, "REORDER2", opening_quantity="10", price="0.10", cost="0.30", **limits)
    product(client, owner, "OK", opening_quantity="10.001", price="19.99", cost="7.77", **limits)
    product(client, owner, "RAG", track_inventory=False, price="1.00", cost="0.50")
    rows = view(client, owner)
    assert {code: r["inventory_status"] for code, r in rows.items()} == {
        "ZERO": "OUT_OF_STOCK",
        "LOW": "LOW_STOCK",
        "REORDER": "REORDER_NEEDED",
        "REORDER2": "REORDER_NEEDED",
        "OK": "IN_STOCK",
    }
    pick = ("stock_level", "available_quantity", "margin", "margin_percent", "inventory_value")
    assert {code: tuple(r[k] for k in pick) for code, r in rows.items()} == {
        "ZERO": ("0.000", "0.000", "6.00", "150.00", "0.00"),
        # 6.67 / 3.33 = 200.3003 %; 5 x 3.33
        "LOW": ("5.000", "5.000", "6.67", "200.30", "16.65"),
        # no cost: margin_percent 0
        "REORDER": ("5.001", "5.001", "1.00", "0.00", "0.00"),
        # sold below cost: -0.20 / 0.30 = -66.666… %; 10 x 0.30
        "REORDER2": ("10.000", "10.000", "-0.20", "-66.67", "3.00"),
        # 12.22 / 7.77 = 157.2716… %; 10.001 x 7.77 = 77.70777
        "OK": ("10.001", "10.001", "12.22", "157.27", "77.71"),
    }


def test_filters_and_paging(client, owner, assert_error):
    category = call(client, "POST", "/product-categories", owner, {"name": "Fasteners"}, 201)
    product(client, owner, "A", category_id=category["id"])
    product(client, owner, "B", opening_quantity="1", category_id=category["id"])
    product(client, owner, "C")
    assert list(view(client, owner, "?status=OUT_OF_STOCK")) == ["A", "C"]
    assert list(view(client, owner, f"?category_id={category['id']}")) == ["A", "B"]
    both = f"?status=IN_STOCK&category_id={category['id']}"
    assert list(view(client, owner, both)) == ["B"]
    response = client.get(f"{API}/inventory/status?page_size=2&page=2", headers=owner)
    assert [r["code"] for r in response.get_json()] == ["C"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    bad = client.get(f"{API}/inventory/status?status=SOLD_OUT", headers=owner)
    assert set(assert_error(bad, 422, "VALIDATION_ERROR")["errors"]) == {"status"}


def test_the_view_is_tenant_scoped_and_for_inventory_readers(
    client, owner, make_org, make_employee, headers, assert_error
):
    product(client, owner, "MINE")
    other = make_org("Other")
    assert view(client, headers(other)) == {}
    worker = make_employee(other)
    assert_error(
        client.get(f"{API}/inventory/status", headers=headers(worker.user)), 403, "FORBIDDEN"
    )


def test_a_product_named_by_movements_boms_or_orders_cannot_be_deleted(client, owner, assert_error):
    moved = product(client, owner, "MOVED", opening_quantity="1")
    made = product(client, owner, "FRAME")
    part = product(client, owner, "STEEL")
    free = product(client, owner, "FREE")
    bom = call(
        client,
        "POST",
        "/bills-of-materials",
        owner,
        {"product_id": made["id"], "name": "Frame", "components": [{"product_id": part["id"]}]},
        201,
    )

    def refused(row, used_by):
        response = client.delete(f"{API}/products/{row['id']}", headers=owner)
        assert assert_error(response, 409, "PRODUCT_IN_USE")["details"] == {"used_by": used_by}

    refused(moved, ["stock_movements"])
    refused(made, ["bills_of_materials"])
    refused(part, ["bom_components"])
    call(client, "DELETE", f"/bills-of-materials/{bom['id']}", owner, status=204)
    call(client, "DELETE", f"/products/{part['id']}", owner, status=204)
    order = {"product_id": made["id"], "quantity": "1"}
    call(client, "POST", "/production-orders", owner, order, 201)
    refused(made, ["production_orders"])
    call(client, "DELETE", f"/products/{free['id']}", owner, status=204)


def test_an_untracked_product_has_null_stock_and_stops_tracking_only_when_empty(
    client, owner, assert_error
):
    rag = product(client, owner, "RAG", track_inventory=False)
    stock = ("stock_level", "reserved_quantity", "available_quantity")
    assert tuple(rag[k] for k in stock) == (None, None, None)
    url = f"/products/{rag['id']}"
    tracked = call(client, "PATCH", url, owner, {"track_inventory": True})
    assert tuple(tracked[k] for k in stock) == ("0.000", "0.000", "0.000")
    move = {"product_id": rag["id"], "quantity": "2", "type": "receipt"}
    call(client, "POST", "/stock-movements", owner, move, 201)
    response = client.patch(f"{API}{url}", json={"track_inventory": False}, headers=owner)
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"track_inventory"}
    call(
        client, "POST", "/stock-movements", owner, {**move, "quantity": "-2", "type": "issue"}, 201
    )
    untracked = call(client, "PATCH", url, owner, {"track_inventory": False})
    assert tuple(untracked[k] for k in stock) == (None, None, None)
