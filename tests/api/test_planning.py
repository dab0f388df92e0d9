"""Planning: sales converted to the base currency (exact cents), the database-computed profit,
requirement and net change, forecast bands and periods, policies' periods, read-only KPIs."""

from __future__ import annotations

from typing import Any

import pytest

API = "/api/v1"


@pytest.fixture
def planner(make_org, headers, client):
    owner = make_org("Sentia", timezone="UTC", currency="GBP")
    auth = headers(owner)
    response = client.post(
        f"{API}/products", json={"code": "GABA-RED", "name": "GABA Red"}, headers=auth
    )
    assert response.status_code == 201, response.get_json()
    return auth, response.get_json()["id"]


def post(client: Any, auth: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", json=body, headers=auth)


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def test_sales_convert_to_the_base_currency(client, planner):
    auth, product_id = planner
    sale = {"product_id": product_id, "sale_date": "2026-11-02", "quantity_sold": "3"}
    # In the organization's own currency: rate 1, the same amount.
    home = created(post(client, auth, "/historical-sales", {**sale, "net_revenue": "99.99"}))
    assert (home["currency"], home["base_currency"]) == ("GBP", "GBP")
    assert (home["fx_rate"], home["net_revenue_base"]) == ("1.00000000", "99.99")
    # Abroad with a rate: half-up to the cent (1342.7853938424).
    abroad = created(
        post(
            client,
            auth,
            "/historical-sales",
            {**sale, "currency": "EUR", "net_revenue": "1234.57", "fx_rate": "1.08765432"},
        )
    )
    assert (abroad["base_currency"], abroad["net_revenue_base"]) == ("GBP", "1342.79")
    # A refund at a rate whose product is a half-cent short of -3.35 (-3.3499999665).
    refund = created(
        post(
            client,
            auth,
            "/historical-sales",
            {**sale, "currency": "USD", "net_revenue": "-10.05", "fx_rate": "0.33333333"},
        )
    )
    assert refund["net_revenue_base"] == "-3.35"
    # Another currency without a rate: no base amount rather than a wrong one.
    unknown = created(
        post(client, auth, "/historical-sales", {**sale, "currency": "USD", "net_revenue": "5"})
    )
    assert (unknown["fx_rate"], unknown["net_revenue_base"]) == (None, None)
    # Changing the currency drops a rate that was for the old one.
    path = f"{API}/historical-sales/{abroad['id']}"
    moved = client.patch(path, json={"currency": "USD"}, headers=auth).get_json()
    assert (moved["fx_rate"], moved["net_revenue_base"]) == (None, None)
    back = client.patch(path, json={"currency": "GBP"}, headers=auth).get_json()
    assert (back["fx_rate"], back["net_revenue_base"]) == ("1.00000000", "1234.57")
    response = client.patch(path, json={"net_revenue_base": "1.00"}, headers=auth)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["net_revenue_base"]


def test_net_profit_is_computed_by_the_database(client, planner):
    auth, product_id = planner
    sale = created(
        post(
            client,
            auth,
            "/historical-sales",
            {
                "product_id": product_id,
                "sale_date": "2026-11-03",
                "quantity_sold": "10",
                "net_revenue": "100.10",
                "cost_of_goods_sold": "60.20",
                "shipping_cost": "30.30",
                "platform_fees": "20.40",
            },
        )
    )
    assert sale["net_profit"] == "-10.80"
    listed = client.get(f"{API}/historical-sales?from=2026-11-03&to=2026-11-03", headers=auth)
    assert [s["id"] for s in listed.get_json()] == [sale["id"]]


def test_working_capital_requirement_and_net_change(client, planner):
    auth, _product_id = planner
    wc = created(
        post(
            client,
            auth,
            "/working-capital",
            {
                "projection_date": "2026-12-31",
                "accounts_receivable": "1000.10",
                "inventory_value": "250.25",
                "accounts_payable": "1300.40",
            },
        )
    )
    assert (wc["currency"], wc["working_capital_requirement"]) == ("GBP", "-50.05")
    month = created(
        post(
            client,
            auth,
            "/wc-projections",
            {"month": "2027-01-01", "cash_in": "0.10", "cash_out": "0.30"},
        )
    )
    assert month["net_change"] == "-0.20"


def test_forecast_band_and_period(client, planner):
    auth, product_id = planner
    base = {
        "product_id": product_id,
        "period_start": "2027-01-01",
        "period_end": "2027-01-31",
        "quantity": "100",
    }
    forecast = created(
        post(client, auth, "/forecasts", {**base, "lower_bound": "90", "upper_bound": "100"})
    )
    assert (forecast["accuracy"], forecast["actual_quantity"]) == (None, None)
    for extra, field in (
        ({"lower_bound": "100.001"}, "lower_bound"),
        ({"upper_bound": "99.999"}, "upper_bound"),
        ({"period_end": "2026-12-31"}, "period_end"),
    ):
        response = post(client, auth, "/forecasts", {**base, **extra})
        assert response.status_code == 422, response.get_json()
        assert list(response.get_json()["errors"]) == [field]
    # A PATCH is checked against the row as it would be: quantity below the kept lower bound.
    path = f"{API}/forecasts/{forecast['id']}"
    response = client.patch(path, json={"quantity": "89"}, headers=auth)
    assert list(response.get_json()["errors"]) == ["lower_bound"]
    response = client.patch(path, json={"accuracy": "0.9"}, headers=auth)
    assert list(response.get_json()["errors"]) == ["accuracy"]
    assert client.patch(path, json={"quantity": "95"}, headers=auth).status_code == 200


def test_policies_periods_and_read_only_kpis(client, planner):
    auth, product_id = planner
    response = post(
        client,
        auth,
        "/inventory-policies",
        {"product_id": product_id, "effective_from": "2027-01-01", "effective_to": "2026-01-01"},
    )
    assert list(response.get_json()["errors"]) == ["effective_to"]
    policy = created(
        post(client, auth, "/ar-policies", {"active_from": "2027-01-01", "bad_debt_pct": "1.50"})
    )
    assert (policy["term_days"], policy["pct_share"]) == (30, "100.00")
    response = client.patch(
        f"{API}/ar-policies/{policy['id']}", json={"active_to": "2026-12-31"}, headers=auth
    )
    assert list(response.get_json()["errors"]) == ["active_to"]
    response = post(client, auth, "/wc-kpis", {"period_start": "2027-01-01"})
    assert response.status_code == 405
