"""Quotes and sales orders on the generic routes: server-assigned numbers, the line math with
exact cents (half-up per line, discounts, VAT per line), defaults from the product, the
quote's validity and estimate rules, lines replaced only while the document allows it, and
the server-owned labour/overhead lines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from app.models import SalesOrder, SalesOrderLine

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)  # still 2026-11-18 in New York


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(make_org, headers, client):
    owner = make_org(timezone="America/New_York")
    auth = headers(owner)

    def post(path, body, status=201):
        response = client.post(f"/api/v1/{path}", json=body, headers=auth)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    customer = post("customers", {"name": "Dana's Garage", "currency": "USD"})
    widget = post(
        "products",
        {"code": "w-1", "name": "Widget", "price": "19.99", "cost": "0.05", "vat_rate": "12.00"},
    )
    return owner, auth, post, customer["id"], widget["id"]


def lines_of_four(widget_id):
    """A: the product's price and VAT; B: a discount; C: an odd discount; D: VAT of half a cent."""
    return [
        {"product_id": widget_id, "quantity": "3"},
        {
            "description": "Labour, bench",
            "quantity": "2.5",
            "unit_price": "10.01",
            "discount_percent": "10",
            "vat_rate": "0",
        },
        {
            "description": "Bracket",
            "quantity": "7",
            "unit_price": "1.15",
            "discount_percent": "33.33",
            "vat_rate": "5",
        },
        {"description": "Washer", "quantity": "1", "unit_price": "0.05", "vat_rate": "10"},
    ]


def test_quote_numbers_dates_and_exact_totals(shop):
    _owner, _auth, post, customer, widget = shop
    quote = post("quotes", {"customer_id": customer, "lines": lines_of_four(widget)})
    assert quote["number"] == "QO-2026-00001"
    assert quote["status"] == "draft"
    # the organization's local day, not UTC's; valid_until defaults to it
    assert (quote["issue_date"], quote["valid_until"]) == ("2026-11-18", "2026-11-18")
    assert quote["currency"] == "USD"
    first = quote["lines"][0]
    assert (first["unit_price"], first["vat_rate"], first["description"]) == (
        "19.99",
        "12.00",
        "Widget",
    )
    # 59.97 | 25.025 x 0.9 = 22.5225 → 22.52 | 8.05 x 0.6667 = 5.366935 → 5.37 | 0.05
    assert [line["line_total"] for line in quote["lines"]] == ["59.97", "22.52", "5.37", "0.05"]
    assert [line["position"] for line in quote["lines"]] == [1, 2, 3, 4]
    # VAT per line: 7.1964 → 7.20, 0, 0.2685 → 0.27, 0.005 → 0.01 (half-up, not half-even)
    assert (quote["subtotal"], quote["vat_amount"], quote["total_amount"]) == (
        "87.91",
        "7.48",
        "95.39",
    )
    second = post("quotes", {"customer_id": customer, "issue_date": "2027-01-04"})
    assert second["number"] == "QO-2027-00001"  # a sequence per year
    third = post("quotes", {"customer_id": customer})
    assert third["number"] == "QO-2026-00002"
    assert third["lines"] == [] and third["total_amount"] == "0.00"
    order = post("sales-orders", {"customer_id": customer, "lines": [lines_of_four(widget)[0]]})
    assert order["number"] == "SO-2026-00001"  # a sequence per kind
    assert order["order_date"] == "2026-11-18"
    assert (order["subtotal"], order["vat_amount"], order["total_amount"]) == (
        "59.97",
        "7.20",
        "67.17",
    )


def test_numbers_are_not_reused_after_delete_and_are_read_only(shop, client):
    _owner, auth, post, customer, _widget = shop
    quote = post("quotes", {"customer_id": customer})
    etag = client.get(f"/api/v1/quotes/{quote['id']}", headers=auth).headers["ETag"]
    deleted = client.delete(f"/api/v1/quotes/{quote['id']}", headers={**auth, "If-Match": etag})
    assert deleted.status_code == 204
    assert post("quotes", {"customer_id": customer})["number"] == "QO-2026-00002"
    refused = post("quotes", {"customer_id": customer, "number": "QO-2026-00009"}, 422)
    assert refused["errors"] == {"number": ["Read-only: computed by the server."]}
    refused = post(
        "quotes",
        {
            "customer_id": customer,
            "lines": [{"description": "x", "quantity": "1", "unit_price": "1", "line_total": "5"}],
        },
        422,
    )
    assert "line_total" in str(refused["errors"])
    sequences = client.get("/api/v1/document-sequences", headers=auth).get_json()
    assert [(s["kind"], s["year"], s["last_number"]) for s in sequences] == [("quote", 2026, 2)]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"issue_date": "2026-11-10", "valid_until": "2026-11-09"},
            {"valid_until": ["May not be earlier than issue_date."]},
        ),
        ({"estimated_price": "0.00"}, {"estimated_price": ["Must be above 0."]}),
        (
            {"lines": [{"description": "x", "quantity": "0", "unit_price": "1"}]},
            {"lines": {"0": {"quantity": ["Must be above 0."]}}},
        ),
        (
            {"lines": [{"description": "x", "quantity": "1"}]},
            {"lines": {"0": {"unit_price": ["Required when the line names no product."]}}},
        ),
        (
            {
                "lines": [
                    {
                        "description": "x",
                        "quantity": "1",
                        "unit_price": "1",
                        "discount_percent": "100.01",
                    }
                ]
            },
            {"lines": {"0": {"discount_percent": ["At most 100."]}}},
        ),
    ],
)
def test_quote_rules_are_422(shop, body, errors):
    _owner, _auth, post, customer, _widget = shop
    assert post("quotes", {"customer_id": customer, **body}, 422)["errors"] == errors


def test_quote_valid_until_checked_against_a_patched_issue_date(shop, client):
    _owner, auth, post, customer, _widget = shop
    quote = post(
        "quotes",
        {"customer_id": customer, "estimated_price": "1500.00", "valid_until": "2026-12-01"},
    )
    assert quote["valid_until"] == "2026-12-01" and quote["estimated_price"] == "1500.00"
    url = f"/api/v1/quotes/{quote['id']}"
    etag = client.get(url, headers=auth).headers["ETag"]
    late = client.patch(url, json={"issue_date": "2026-12-02"}, headers={**auth, "If-Match": etag})
    assert late.status_code == 422
    assert late.get_json()["errors"] == {"valid_until": ["May not be earlier than issue_date."]}
    sent = client.patch(url, json={"status": "sent"}, headers={**auth, "If-Match": etag})
    assert sent.status_code == 200 and sent.get_json()["status"] == "sent"


def test_converted_is_the_conversions_status(shop, client, assert_error):
    _owner, auth, post, customer, _widget = shop
    quote = post("quotes", {"customer_id": customer})
    url = f"/api/v1/quotes/{quote['id']}"
    etag = client.get(url, headers=auth).headers["ETag"]
    response = client.patch(url, json={"status": "converted"}, headers={**auth, "If-Match": etag})
    assert_error(response, 409, "INVALID_TRANSITION")
    assert_error(
        client.post(
            "/api/v1/quotes", json={"customer_id": customer, "status": "converted"}, headers=auth
        ),
        409,
        "INVALID_TRANSITION",
    )


def _patch(client, auth, url, body):
    etag = client.get(url, headers=auth).headers["ETag"]
    return client.patch(url, json=body, headers={**auth, "If-Match": etag})


def test_quote_lines_replaced_only_while_draft(shop, client, assert_error):
    _owner, auth, post, customer, widget = shop
    quote = post("quotes", {"customer_id": customer, "lines": lines_of_four(widget)})
    url = f"/api/v1/quotes/{quote['id']}"
    replaced = _patch(
        client,
        auth,
        url,
        {"lines": [{"product_id": widget, "quantity": "2", "unit_price": "5.00"}]},
    )
    assert replaced.status_code == 200
    body = replaced.get_json()
    assert [line["line_total"] for line in body["lines"]] == ["10.00"]
    assert body["lines"][0]["id"] not in {line["id"] for line in quote["lines"]}
    assert (body["subtotal"], body["vat_amount"], body["total_amount"]) == (
        "10.00",
        "1.20",
        "11.20",
    )
    assert _patch(client, auth, url, {"status": "sent"}).status_code == 200
    assert_error(_patch(client, auth, url, {"lines": []}), 409, "INVALID_TRANSITION")
    # header fields still change, and the totals stay
    still = _patch(client, auth, url, {"terms": "Net 30"})
    assert still.status_code == 200 and still.get_json()["total_amount"] == "11.20"


def _set_status(db, order_id, status):
    """The status as the order's workflow (ERP II) would leave it."""
    db.session.get(SalesOrder, uuid.UUID(order_id)).status = status
    db.session.commit()


def test_sales_order_rules(shop, client, db, assert_error):
    _owner, auth, post, customer, widget = shop
    for line, errors in (
        (
            {"product_id": widget, "quantity": "1", "kind": "labour"},
            {"kind": ["Labour and overhead lines are written from time entries."]},
        ),
        (
            {"description": "no product", "quantity": "1", "unit_price": "3"},
            {"product_id": ["An item line names a product."]},
        ),
        ({"product_id": widget, "quantity": "-1"}, None),
    ):
        refused = post("sales-orders", {"customer_id": customer, "lines": [line]}, 422)
        if errors is not None:
            assert refused["errors"] == {"lines": {"0": errors}}
    refused = post("sales-orders", {"customer_id": customer, "status": "confirmed"}, 422)
    assert refused["errors"] == {"status": ["Read-only: computed by the server."]}

    order = post(
        "sales-orders",
        {
            "customer_id": customer,
            "hourly_rate": "85.00",
            "lines": [{"product_id": widget, "quantity": "1"}],
        },
    )
    assert order["lines"][0]["kind"] == "item"
    assert order["lines"][0]["reserved_quantity"] == "0.000"
    assert order["parts_to_order"] == []
    url = f"/api/v1/sales-orders/{order['id']}"
    # A labour line as the time feed (ERP II) would write it.
    db.session.add(
        SalesOrderLine(
            organization_id=_owner.organization_id,
            sales_order_id=uuid.UUID(order["id"]),
            kind="labour",
            description="Labour 1.50 h",
            quantity=Decimal("1.5"),
            unit_price=Decimal("120.00"),
            vat_rate=Decimal("0"),
            position=2,
        )
    )
    db.session.commit()
    # open orders keep their lines editable (Soft SME): the server's labour line survives
    for status in ("draft", "confirmed", "fulfilled"):
        _set_status(db, order["id"], status)
        replaced = _patch(client, auth, url, {"lines": [{"product_id": widget, "quantity": "2"}]})
        assert replaced.status_code == 200, (status, replaced.get_json())
        body = replaced.get_json()
        assert [(ln["kind"], ln["line_total"]) for ln in body["lines"]] == [
            ("item", "39.98"),
            ("labour", "180.00"),
        ]
        # 39.98 x 12% = 4.7976 → 4.80; labour untaxed
        assert (body["subtotal"], body["vat_amount"], body["total_amount"]) == (
            "219.98",
            "4.80",
            "224.78",
        )
    _set_status(db, order["id"], "closed")
    assert_error(_patch(client, auth, url, {"lines": []}), 409, "INVALID_TRANSITION")


def test_parts_to_order_embedded_once_per_product(shop, client):
    _owner, auth, post, customer, widget = shop
    order = post("sales-orders", {"customer_id": customer})
    part = {"sales_order_id": order["id"], "product_id": widget, "quantity": "4"}
    assert post("parts-to-order", {**part, "quantity": "0"}, 422)["errors"] == {
        "quantity": ["Must be greater than 0."]
    }
    made = post("parts-to-order", part)
    assert made["quantity"] == "4.000"
    assert post("parts-to-order", part, 409)["error"] == "CONFLICT"
    got = client.get(f"/api/v1/sales-orders/{order['id']}", headers=auth).get_json()
    assert [(p["product_id"], p["quantity"]) for p in got["parts_to_order"]] == [(widget, "4.000")]
    assert got["total_amount"] == "0.00"  # never in totals


def test_fulfillment_events_are_append_only(shop, client):
    _owner, auth, post, customer, widget = shop
    order = post("sales-orders", {"customer_id": customer})
    event = post(
        "fulfillment-events", {"sales_order_id": order["id"], "product_id": widget, "quantity": "1"}
    )
    url = f"/api/v1/fulfillment-events/{event['id']}"
    assert client.patch(url, json={"note": "x"}, headers=auth).status_code == 405
    assert client.delete(url, headers=auth).status_code == 405


def test_a_product_on_a_sales_line_cannot_be_deleted(shop, client, assert_error):
    _owner, auth, post, customer, widget = shop
    spare = post("products", {"code": "spare", "name": "Spare"})
    post("quotes", {"customer_id": customer, "lines": [{"product_id": widget, "quantity": "1"}]})
    post(
        "sales-orders",
        {"customer_id": customer, "lines": [{"product_id": spare["id"], "quantity": "1"}]},
    )
    for product, table in ((widget, "quote_lines"), (spare["id"], "sales_order_lines")):
        url = f"/api/v1/products/{product}"
        etag = client.get(url, headers=auth).headers["ETag"]
        body = assert_error(
            client.delete(url, headers={**auth, "If-Match": etag}), 409, "PRODUCT_IN_USE"
        )
        assert body["details"] == {"used_by": [table]}
    unused = post("products", {"code": "free", "name": "Free"})
    url = f"/api/v1/products/{unused['id']}"
    etag = client.get(url, headers=auth).headers["ETag"]
    assert client.delete(url, headers={**auth, "If-Match": etag}).status_code == 204
