"""Completing a production order: components consumed as `production_out` movements (BOM x
(produced + scrapped) / BOM quantity, half-up to 0.001), the product gained as one
`production_in`, the order completed with its material cost; a short component (stock held for
others does not count) is 409 INSUFFICIENT_STOCK naming every short one, with nothing written."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from app.services.inventory import stock

API = "/api/v1"


@pytest.fixture
def shop(make_org, make_employee, headers):
    owner = make_org("Forge", timezone="UTC")
    worker = make_employee(owner)
    return owner, headers(owner), headers(worker.user)


def call(client, method, path, auth, body=None, status=200):
    response = client.open(f"{API}{path}", method=method, json=body, headers=auth)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def product(client, auth, code, cost, **fields: Any) -> str:
    body = {"code": code, "name": f"Part {code}", "cost": cost, **fields}
    return str(call(client, "POST", "/products", auth, body, 201)["id"])


@pytest.fixture
def parts(client, shop):
    _owner, auth, _worker = shop
    return {
        "frame": product(client, auth, "FRAME", "90.00", type="manufactured"),
        "steel": product(client, auth, "STEEL", "12.34", opening_quantity="20"),
        "bolt": product(client, auth, "BOLT", "0.07", opening_quantity="13"),
        "rag": product(client, auth, "RAG", "0.50", track_inventory=False),
    }


@pytest.fixture
def order(client, shop, parts):
    _owner, auth, _worker = shop
    components = [
        {"product_id": parts["steel"], "quantity": "2.5", "scrap_percent": "10.00"},
        {"product_id": parts["bolt"], "quantity": "3"},
        {"product_id": parts["rag"], "quantity": "1"},
    ]
    body = {"product_id": parts["frame"], "name": "Frame", "quantity": "4", "is_default": True}
    call(client, "POST", "/bills-of-materials", auth, {**body, "components": components}, 201)
    made = {"product_id": parts["frame"], "quantity": "8", "status": "released"}
    return call(client, "POST", "/production-orders", auth, made, 201)


def level(client, auth, product_id):
    return call(client, "GET", f"/products/{product_id}", auth)["stock_level"]


def moves(client, auth, product_id):
    rows = call(client, "GET", f"/stock-movements?product_id={product_id}&sort=occurred_at", auth)
    return [(m["type"], m["quantity"], m["unit_cost"], m["reference_type"]) for m in rows]


def complete(client, auth, order, status=200, **body):
    return call(client, "POST", f"/production-orders/{order['id']}/complete", auth, body, status)


def test_completion_consumes_the_components_and_adds_the_product(client, shop, parts, order):
    _owner, auth, _worker = shop
    done = complete(client, auth, order, quantity_produced="6", quantity_scrapped="2")
    assert (done["status"], done["quantity_produced"], done["quantity_scrapped"]) == (
        "completed",
        "6.000",
        "2.000",
    )
    assert done["actual_end_date"] is not None
    # 8 made or lost = 2 runs of 4: steel 5 x 12.34 = 61.70, bolts 6 x 0.07 = 0.42
    assert (done["material_cost"], done["actual_cost"]) == ("62.12", "62.12")
    assert [level(client, auth, parts[p]) for p in ("frame", "steel", "bolt")] == [
        "6.000",
        "15.000",
        "7.000",
    ]
    assert moves(client, auth, parts["steel"])[1:] == [
        ("production_out", "-5.000", "12.34", "production_order")
    ]
    assert moves(client, auth, parts["frame"]) == [
        ("production_in", "6.000", "90.00", "production_order")
    ]
    assert call(client, "GET", f"/products/{parts['rag']}", auth)["stock_level"] is None
    again = client.post(
        f"{API}/production-orders/{order['id']}/complete",
        json={"quantity_produced": "1"},
        headers=auth,
    )
    assert again.status_code == 409 and again.get_json()["error"] == "INVALID_TRANSITION"
    assert level(client, auth, parts["frame"]) == "6.000"


def test_consumption_is_rounded_half_up_to_the_thousandth(client, shop, parts, order):
    _owner, auth, _worker = shop
    done = complete(client, auth, order, quantity_produced="0.333")
    # steel 2.5 x 0.333 / 4 = 0.208125 -> 0.208; bolts 3 x 0.333 / 4 = 0.24975 -> 0.250
    assert [level(client, auth, parts[p]) for p in ("frame", "steel", "bolt")] == [
        "0.333",
        "19.792",
        "12.750",
    ]
    # 0.208 x 12.34 = 2.56672 -> 2.57; 0.250 x 0.07 = 0.0175 -> 0.02
    assert done["material_cost"] == "2.59"


def test_a_short_component_refuses_the_whole_completion(
    client, shop, parts, order, db, assert_error
):
    owner, auth, _worker = shop
    # 16 of the 20 steel are held for a sales order line
    line = uuid.uuid4()
    held = {"reference_type": "sales_order_line", "reference_id": line}
    stock.reserve(owner, uuid.UUID(parts["steel"]), Decimal("16"), **held)
    db.session.commit()
    response = client.post(
        f"{API}/production-orders/{order['id']}/complete",
        json={"quantity_produced": "18", "quantity_scrapped": "2"},
        headers=auth,
    )
    body = assert_error(response, 409, "INSUFFICIENT_STOCK")
    # 20 made or lost: steel 12.5 needed, 4 available; bolts 15 needed, 13 available
    assert body["details"] == {
        "components": [
            {
                "product_id": parts[code.lower()],
                "code": code,
                "requested": requested,
                "available": available,
            }
            for code, requested, available in (
                ("STEEL", "12.500", "4.000"),
                ("BOLT", "15.000", "13.000"),
            )
        ]
    }
    after = call(client, "GET", f"/production-orders/{order['id']}", auth)
    assert (after["status"], after["quantity_produced"]) == ("released", "0.000")
    assert [level(client, auth, parts[p]) for p in ("frame", "steel", "bolt")] == [
        "0.000",
        "20.000",
        "13.000",
    ]
    assert len(moves(client, auth, parts["steel"])) == 1
    stock.release_all(owner, uuid.UUID(parts["steel"]), **held)
    db.session.commit()
    complete(client, auth, order, quantity_produced="10")
    assert level(client, auth, parts["steel"]) == "13.750"


def test_completion_rules(client, shop, parts, order, assert_error):
    _owner, auth, worker = shop
    url = f"{API}/production-orders/{order['id']}/complete"
    zero = client.post(url, json={"quantity_produced": "0"}, headers=auth)
    assert set(assert_error(zero, 422, "VALIDATION_ERROR")["errors"]) == {"quantity_produced"}
    forbidden = client.post(url, json={"quantity_produced": "1"}, headers=worker)
    assert_error(forbidden, 403, "FORBIDDEN")
    bare = call(
        client,
        "POST",
        "/production-orders",
        auth,
        {"product_id": parts["steel"], "quantity": "1"},
        201,
    )
    no_bom = client.post(
        f"{API}/production-orders/{bare['id']}/complete",
        json={"quantity_produced": "1"},
        headers=auth,
    )
    assert set(assert_error(no_bom, 422, "VALIDATION_ERROR")["errors"]) == {"bom_id"}
    call(client, "PATCH", f"/production-orders/{order['id']}", auth, {"status": "cancelled"})
    assert_error(
        client.post(url, json={"quantity_produced": "1"}, headers=auth), 409, "INVALID_TRANSITION"
    )
    missing = client.post(
        f"{API}/production-orders/{uuid.uuid4()}/complete",
        json={"quantity_produced": "1"},
        headers=auth,
    )
    assert_error(missing, 404, "NOT_FOUND")
