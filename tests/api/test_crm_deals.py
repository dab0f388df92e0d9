"""Deals: seed 002's stage caps on probability (create and update), the WON/LOST stamps, and
deal product lines priced by the line math with the product's price and VAT rate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)  # still 2026-11-18 in New York
LATER = datetime(2026, 11, 19, 3, 10, tzinfo=UTC)  # within the token's life


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def auth(make_org, headers):
    return headers(make_org(timezone="America/New_York"))


def post(client, auth, path, body, status=201):
    response = client.post(f"/api/v1/{path}", json=body, headers=auth)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def patch(client, auth, path, row, body):
    response = client.patch(
        f"/api/v1/{path}/{row['id']}", json=body, headers={**auth, "If-Match": "*"}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def customer(client, auth):
    return post(client, auth, "customers", {"name": "Northwind"})


def deal(client, auth, customer, **fields):
    return post(client, auth, "deals", {"title": "Fence", "customer_id": customer["id"], **fields})


@pytest.mark.parametrize(
    ("stage", "given", "stored"),
    [
        ("LEAD", 50, 20),
        ("LEAD", 10, 10),
        ("QUALIFIED", 41, 40),
        ("QUALIFIED", 40, 40),
        ("PROPOSAL", 61, 60),
        ("NEGOTIATION", 95, 80),
        ("NEGOTIATION", 79, 79),
        ("CLOSING", 95, 95),
        ("WON", 30, 100),
        ("LOST", 70, 0),
    ],
)
def test_create_caps_the_probability_by_stage(client, auth, customer, stage, given, stored):
    row = deal(client, auth, customer, stage=stage, probability=given)
    assert (row["stage"], row["probability"]) == (stage, stored)


def test_a_new_deal_is_a_lead_at_zero_in_the_organizations_currency(client, auth, customer):
    row = deal(client, auth, customer, value="1500.00")
    assert (row["stage"], row["probability"], row["currency"]) == ("LEAD", 0, "USD")
    assert (row["value"], row["won_at"], row["lost_at"]) == ("1500.00", None, None)


def test_update_caps_whichever_of_stage_and_probability_changed(client, auth, customer):
    row = deal(client, auth, customer, stage="CLOSING", probability=90)
    assert patch(client, auth, "deals", row, {"stage": "PROPOSAL"})["probability"] == 60
    assert patch(client, auth, "deals", row, {"probability": 75})["probability"] == 60
    assert patch(client, auth, "deals", row, {"probability": 35})["probability"] == 35
    moved = patch(client, auth, "deals", row, {"stage": "NEGOTIATION", "probability": 99})
    assert (moved["stage"], moved["probability"]) == ("NEGOTIATION", 80)


def test_won_stamps_won_at_and_the_local_close_day_and_reopening_clears_them(
    client, auth, customer, frozen
):
    row = deal(client, auth, customer, stage="NEGOTIATION", probability=70)
    won = patch(client, auth, "deals", row, {"stage": "WON"})
    assert (won["probability"], won["won_at"], won["lost_at"]) == (
        100,
        "2026-11-19T03:00:00+00:00",
        None,
    )
    assert won["actual_close_date"] == "2026-11-18"  # New York's day at 03:00 UTC
    frozen.move_to(LATER)
    again = patch(client, auth, "deals", row, {"stage": "WON", "notes": "signed"})
    assert again["won_at"] == "2026-11-19T03:00:00+00:00"  # staying WON keeps the first stamp
    reopened = patch(client, auth, "deals", row, {"stage": "NEGOTIATION"})
    assert (reopened["probability"], reopened["won_at"]) == (80, None)
    assert reopened["actual_close_date"] is None
    lost = patch(client, auth, "deals", row, {"stage": "LOST", "actual_close_date": "2026-11-17"})
    assert (lost["probability"], lost["won_at"], lost["lost_at"]) == (
        0,
        None,
        "2026-11-19T03:10:00+00:00",
    )
    assert lost["actual_close_date"] == "2026-11-17"


def test_a_deal_created_won_is_stamped(client, auth, customer):
    row = deal(client, auth, customer, stage="WON")
    assert (row["probability"], row["won_at"], row["actual_close_date"]) == (
        100,
        "2026-11-19T03:00:00+00:00",
        "2026-11-18",
    )


def test_stamps_are_read_only_and_probability_stays_within_0_to_100(
    client, auth, customer, assert_error
):
    body = {"title": "Fence", "customer_id": customer["id"]}
    response = client.post("/api/v1/deals", json={**body, "won_at": NOW.isoformat()}, headers=auth)
    assert assert_error(response, 422, "VALIDATION_ERROR")["errors"] == {
        "won_at": ["Read-only: computed by the server."]
    }
    response = client.post("/api/v1/deals", json={**body, "probability": 101}, headers=auth)
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"probability"}


def test_lead_score_is_0_to_100(client, auth, assert_error):
    assert post(client, auth, "leads", {"customer_name": "Ann", "score": 100})["score"] == 100
    response = client.post(
        "/api/v1/leads", json={"customer_name": "Ann", "score": 101}, headers=auth
    )
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"score"}


@pytest.fixture
def product(client, auth):
    return post(
        client,
        auth,
        "products",
        {"code": "p-1", "name": "Post", "price": "19.99", "vat_rate": "12.00"},
    )


def test_deal_product_lines_are_priced_from_the_product(client, auth, customer, product):
    row = deal(client, auth, customer)
    line = post(
        client,
        auth,
        "deal-products",
        {
            "deal_id": row["id"],
            "product_id": product["id"],
            "quantity": "3",
            "discount_percent": "10",
        },
    )
    # 3 x 19.99 x 0.9 = 53.973 → 53.97; VAT 53.97 x 12% = 6.4764 → 6.48
    assert (line["unit_price"], line["vat_rate"]) == ("19.99", "12.00")
    assert (line["line_total"], line["vat_amount"], line["total_price"]) == (
        "53.97",
        "6.48",
        "60.45",
    )
    changed = patch(client, auth, "deal-products", line, {"quantity": "2.5"})
    # 2.5 x 19.99 x 0.9 = 44.9775 → 44.98; VAT 5.3976 → 5.40
    assert (changed["line_total"], changed["vat_amount"], changed["total_price"]) == (
        "44.98",
        "5.40",
        "50.38",
    )
    priced = patch(client, auth, "deal-products", line, {"unit_price": "10.00", "vat_rate": "0"})
    # 2.5 x 10.00 x 0.9 = 22.50, no VAT
    assert (priced["line_total"], priced["vat_amount"], priced["total_price"]) == (
        "22.50",
        "0.00",
        "22.50",
    )


def test_deal_product_totals_are_read_only_and_products_must_be_the_callers(
    client, auth, customer, product, make_org, headers, assert_error
):
    row = deal(client, auth, customer)
    body = {"deal_id": row["id"], "product_id": product["id"]}
    response = client.post(
        "/api/v1/deal-products", json={**body, "line_total": "1.00"}, headers=auth
    )
    assert set(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == {"line_total"}
    other = headers(make_org(name="Globex"))
    theirs = post(client, other, "products", {"code": "P-9", "name": "Gate", "price": "5.00"})
    response = client.post(
        "/api/v1/deal-products", json={**body, "product_id": theirs["id"]}, headers=auth
    )
    assert assert_error(response, 422, "VALIDATION_ERROR")["errors"] == {
        "product_id": ["No such record."]
    }
