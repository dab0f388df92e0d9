"""Inventory tables: movements post the cached stock level (and never below 0), are append-only
over HTTP and in PostgreSQL; adjustments change only while pending; counts record the expected
quantity; levels per location compute what is available; a product on a deal is in use."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.models import InventoryAdjustment, Product, StockMovement
from app.services.inventory.stock import stock_total


@pytest.fixture
def auth(make_org, headers):
    return headers(make_org())


def post(client, auth, path, body, status=201):
    response = client.post(f"/api/v1/{path}", json=body, headers=auth)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def get(client, auth, path):
    response = client.get(f"/api/v1/{path}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def product(client, auth):
    return post(client, auth, "products", {"code": "bolt-8", "name": "Bolt M8", "cost": "0.40"})


def move(client, auth, product, quantity, kind, status=201):
    body = {"product_id": product["id"], "quantity": quantity, "type": kind}
    return post(client, auth, "stock-movements", body, status)


def levels(client, auth, product):
    row = get(client, auth, f"products/{product['id']}")
    return row["stock_level"], row["reserved_quantity"], row["available_quantity"]


def test_movements_post_the_stock_level_and_never_below_zero(
    client, auth, product, db, assert_error
):
    move(client, auth, product, "10", "receipt")
    issued = move(client, auth, product, "-3.250", "issue")
    assert (issued["quantity"], issued["type"]) == ("-3.250", "issue")
    assert levels(client, auth, product) == ("6.750", "0.000", "6.750")
    response = client.post(
        "/api/v1/stock-movements",
        json={"product_id": product["id"], "quantity": "-6.751", "type": "issue"},
        headers=auth,
    )
    body = assert_error(response, 422, "NEGATIVE_STOCK")
    assert body["details"] == {"stock_level": "6.750"}
    assert levels(client, auth, product) == ("6.750", "0.000", "6.750")
    assert len(get(client, auth, f"stock-movements?product_id={product['id']}")) == 2
    assert stock_total(uuid.UUID(product["id"])) == Decimal("6.750")
    move(client, auth, product, "-6.750", "issue")
    assert levels(client, auth, product) == ("0.000", "0.000", "0.000")


def test_an_untracked_product_has_no_movements(client, auth, assert_error):
    supply = post(
        client, auth, "products", {"code": "RAG", "name": "Rags", "track_inventory": False}
    )
    response = client.post(
        "/api/v1/stock-movements",
        json={"product_id": supply["id"], "quantity": "1", "type": "receipt"},
        headers=auth,
    )
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"product_id"}


def test_movements_are_append_only_over_http(client, auth, product):
    row = move(client, auth, product, "2", "adjustment")
    for method in ("PATCH", "DELETE"):
        response = client.open(
            f"/api/v1/stock-movements/{row['id']}",
            method=method,
            json={"reason": "x"} if method == "PATCH" else None,
            headers={**auth, "If-Match": "*"},
        )
        assert response.status_code == 405, (method, response.get_json())


@pytest.mark.parametrize(
    "change",
    [sa.update(StockMovement).values(quantity=Decimal("5")), sa.delete(StockMovement)],
    ids=["update", "delete"],
)
def test_postgresql_refuses_to_change_a_movement(change, client, auth, product, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (SQLite, the laptop default, has none)")
    move(client, auth, product, "2", "receipt")
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(change.execution_options(synchronize_session=False))
    savepoint.rollback()
    assert db.session.scalars(sa.select(StockMovement.quantity)).all() == [Decimal("2.000")]


def test_adjustments_are_pending_and_change_only_while_pending(
    client, auth, product, db, assert_error
):
    row = post(
        client,
        auth,
        "inventory-adjustments",
        {"product_id": product["id"], "quantity_change": "-2", "reason": "Damaged"},
    )
    assert (row["status"], row["quantity_change"], row["stock_movement_id"]) == (
        "pending",
        "-2.000",
        None,
    )
    item = f"/api/v1/inventory-adjustments/{row['id']}"
    response = client.patch(item, json={"status": "approved"}, headers={**auth, "If-Match": "*"})
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"status"}
    response = client.patch(item, json={"reason": "Rusted"}, headers={**auth, "If-Match": "*"})
    assert response.get_json()["reason"] == "Rusted"
    # The approvals workflow decides (ERP II); here, directly.
    db.session.get(InventoryAdjustment, uuid.UUID(row["id"])).status = "rejected"
    db.session.commit()
    response = client.patch(item, json={"reason": "Lost"}, headers={**auth, "If-Match": "*"})
    assert_error(response, 409, "INVALID_TRANSITION")
    assert_error(client.delete(item, headers={**auth, "If-Match": "*"}), 409, "INVALID_TRANSITION")
    assert get(client, auth, item.removeprefix("/api/v1/"))["reason"] == "Rusted"


def test_counts_record_the_expected_quantity_and_are_append_only(
    client, auth, product, assert_error
):
    move(client, auth, product, "7", "receipt")
    count = post(
        client,
        auth,
        "inventory-counts",
        {
            "product_id": product["id"],
            "counted_quantity": "5.5",
            "counted_at": "2026-11-23T08:00:00Z",
        },
    )
    assert (count["expected_quantity"], count["counted_quantity"], count["difference"]) == (
        "7.000",
        "5.500",
        "-1.500",
    )
    body = {"product_id": product["id"], "counted_quantity": "1", "expected_quantity": "1"}
    response = client.post("/api/v1/inventory-counts", json=body, headers=auth)
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"expected_quantity"}
    response = client.patch(
        f"/api/v1/inventory-counts/{count['id']}",
        json={"counted_quantity": "7"},
        headers={**auth, "If-Match": "*"},
    )
    assert response.status_code == 405


def test_levels_per_location_compute_the_available_quantity(client, auth, product):
    body = {"product_id": product["id"], "location": "FBA-UK-1", "quantity": "12.5"}
    row = post(client, auth, "inventory-levels", body)
    assert (row["quantity"], row["reserved_quantity"], row["available_quantity"]) == (
        "12.500",
        "0.000",
        "12.500",
    )
    post(client, auth, "inventory-levels", body, status=409)  # one row per product and place
    post(client, auth, "inventory-levels", {**body, "location": "FBA-US-1"})


def test_a_product_on_a_deal_cannot_be_deleted(client, auth, product, db, assert_error):
    customer = post(client, auth, "customers", {"name": "Northwind"})
    deal = post(client, auth, "deals", {"title": "Bolts", "customer_id": customer["id"]})
    line = post(client, auth, "deal-products", {"deal_id": deal["id"], "product_id": product["id"]})
    item = f"/api/v1/products/{product['id']}"
    response = client.delete(item, headers={**auth, "If-Match": "*"})
    body = assert_error(response, 409, "PRODUCT_IN_USE")
    assert body["details"] == {"used_by": ["deal_products"]}
    assert db.session.get(Product, uuid.UUID(product["id"])).deleted_at is None
    gone = client.delete(f"/api/v1/deal-products/{line['id']}", headers={**auth, "If-Match": "*"})
    assert gone.status_code == 204
    assert client.delete(item, headers={**auth, "If-Match": "*"}).status_code == 204
