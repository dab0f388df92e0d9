"""Purchase orders on the generic routes: PO numbers, lines at the product's cost, one document
VAT rate on the subtotal with exact cents, lines replaced only while draft, the bill number
once per vendor (409), the vendor catalog once per product, allocations embedded, and a
product on a purchase line kept from deletion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine

from app.models import PurchaseOrder

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def buyer(make_org, headers, client):
    owner = make_org(timezone="UTC", currency="EUR")
    auth = headers(owner)

    def call(method, path, body=None, status=None):
        url = f"/api/v1/{path}"
        extra = {}
        if method in ("PATCH", "DELETE"):
            extra = {"If-Match": client.get(url, headers=auth).headers["ETag"]}
        response = client.open(url, method=method, json=body, headers={**auth, **extra})
        expected = status or {"POST": 201, "DELETE": 204}.get(method, 200)
        assert response.status_code == expected, response.get_json()
        return response.get_json() if response.status_code != 204 else None

    vendor = call("POST", "vendors", {"name": "Bolt Supply"})["id"]
    other_vendor = call("POST", "vendors", {"name": "Nut House"})["id"]
    washer = call(
        "POST",
        "products",
        {"code": "WSH", "name": "Washer", "cost": "0.05", "price": "0.20", "vat_rate": "12"},
    )["id"]
    return call, vendor, other_vendor, washer


def test_document_rate_on_the_subtotal_with_cost_defaults(buyer):
    call, vendor, _other, washer = buyer
    order = call(
        "POST",
        "purchase-orders",
        {
            "vendor_id": vendor,
            "vat_rate": "10",
            "lines": [{"product_id": washer, "quantity": "1"}] * 3,
        },
    )
    assert order["number"] == "PO-2026-00001"
    assert (order["status"], order["order_date"], order["currency"]) == (
        "draft",
        "2026-11-19",
        "EUR",
    )
    assert [(ln["unit_cost"], ln["description"], ln["line_total"]) for ln in order["lines"]] == [
        ("0.05", "Washer", "0.05")
    ] * 3
    assert "vat_rate" not in order["lines"][0]  # no per-line rate on a purchase order
    # one rate on the subtotal: 0.15 x 10% = 0.015 → 0.02 (per line it would be 0.03)
    assert (order["subtotal"], order["vat_amount"], order["total_amount"]) == (
        "0.15",
        "0.02",
        "0.17",
    )
    # a new rate re-prices the document without touching its lines
    repriced = call("PATCH", f"purchase-orders/{order['id']}", {"vat_rate": "20"})
    assert (repriced["vat_amount"], repriced["total_amount"]) == ("0.03", "0.18")
    # 1.5 x 2.23 = 3.345 → 3.35 (half-up); 3.35 x 20% = 0.67
    replaced = call(
        "PATCH",
        f"purchase-orders/{order['id']}",
        {
            "lines": [{"product_id": washer, "quantity": "1.5", "unit_cost": "2.23"}],
        },
    )
    assert [ln["line_total"] for ln in replaced["lines"]] == ["3.35"]
    assert (replaced["subtotal"], replaced["vat_amount"], replaced["total_amount"]) == (
        "3.35",
        "0.67",
        "4.02",
    )
    assert call("POST", "purchase-orders", {"vendor_id": vendor})["number"] == "PO-2026-00002"


def test_lines_replaced_only_while_draft_and_status_is_read_only(buyer, db):
    call, vendor, _other, washer = buyer
    refused = call(
        "POST", "purchase-orders", {"vendor_id": vendor, "status": "approved"}, status=422
    )
    assert refused["errors"] == {"status": ["Read-only: computed by the server."]}
    refused = call(
        "POST",
        "purchase-orders",
        {
            "vendor_id": vendor,
            "lines": [{"product_id": washer, "quantity": "0"}],
        },
        status=422,
    )
    assert refused["errors"] == {"lines": {"0": {"quantity": ["Must be above 0."]}}}
    order = call(
        "POST",
        "purchase-orders",
        {
            "vendor_id": vendor,
            "lines": [{"product_id": washer, "quantity": "4"}],
        },
    )
    db.session.get(PurchaseOrder, uuid.UUID(order["id"])).status = "approved"
    db.session.commit()
    refused = call("PATCH", f"purchase-orders/{order['id']}", {"lines": []}, status=409)
    assert refused["error"] == "INVALID_TRANSITION"
    assert (
        call("PATCH", f"purchase-orders/{order['id']}", {"notes": "call first"})["total_amount"]
        == "0.20"
    )


def test_bill_number_once_per_vendor_among_live_orders(buyer):
    call, vendor, other_vendor, _washer = buyer
    first = call("POST", "purchase-orders", {"vendor_id": vendor, "bill_number": "B-77"})
    taken = call(
        "POST", "purchase-orders", {"vendor_id": vendor, "bill_number": "B-77"}, status=409
    )
    assert taken["error"] == "DUPLICATE_BILL_NUMBER"
    assert taken["details"] == {"purchase_order": first["number"]}
    # another vendor may use the same bill number; a patch onto a taken one is refused too
    second = call("POST", "purchase-orders", {"vendor_id": other_vendor, "bill_number": "B-77"})
    refused = call("PATCH", f"purchase-orders/{second['id']}", {"vendor_id": vendor}, status=409)
    assert refused["error"] == "DUPLICATE_BILL_NUMBER"
    # the order's own bill number is not a conflict with itself
    assert call("PATCH", f"purchase-orders/{first['id']}", {"bill_number": "B-77"})["id"]
    call("DELETE", f"purchase-orders/{first['id']}")
    again = call("POST", "purchase-orders", {"vendor_id": vendor, "bill_number": "B-77"})
    assert again["number"] == "PO-2026-00003"  # the deleted order keeps PO-2026-00001


def test_catalog_allocations_and_the_product_guard(buyer):
    call, vendor, _other, washer = buyer
    entry = {
        "vendor_id": vendor,
        "product_id": washer,
        "vendor_sku": "BS-1",
        "unit_cost": "0.04",
        "lead_time_days": 3,
    }
    negative = call("POST", "vendor-catalog", {**entry, "lead_time_days": -1}, status=422)
    assert list(negative["errors"]) == ["lead_time_days"]
    made = call("POST", "vendor-catalog", entry)
    assert (made["unit_cost"], made["lead_time_days"]) == ("0.04", 3)
    assert call("POST", "vendor-catalog", entry, status=409)["error"] == "CONFLICT"

    customer = call("POST", "customers", {"name": "Dana"})["id"]
    sales_order = call("POST", "sales-orders", {"customer_id": customer})["id"]
    order = call(
        "POST",
        "purchase-orders",
        {
            "vendor_id": vendor,
            "lines": [{"product_id": washer, "quantity": "10"}],
        },
    )
    allocation = {
        "purchase_order_id": order["id"],
        "sales_order_id": sales_order,
        "product_id": washer,
        "quantity": "6",
    }
    assert call("POST", "purchase-order-allocations", {**allocation, "quantity": "0"}, status=422)[
        "errors"
    ] == {"quantity": ["Must be greater than 0."]}
    call("POST", "purchase-order-allocations", allocation)
    got = call("GET", f"purchase-orders/{order['id']}")
    assert [(a["sales_order_id"], a["quantity"]) for a in got["allocations"]] == [
        (sales_order, "6.000")
    ]
    receipt = call("POST", "receipts", {"purchase_order_id": order["id"], "reference": "GRN-1"})
    assert receipt["received_at"] == "2026-11-19T03:00:00+00:00"

    refused = call("DELETE", f"products/{washer}", status=409)
    assert refused["error"] == "PRODUCT_IN_USE"
    assert refused["details"] == {"used_by": ["purchase_order_lines"]}
