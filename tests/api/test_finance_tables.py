"""Finance tables on the generic routes: the default chart of accounts, balanced ledger entries
(and what an unbalanced one or an unknown account leaves behind: nothing), append-only
entries, invoice totals by the line math with exact cents, exchange rates, the approval
thresholds, roles and other tenants."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Invoice, LedgerEntry, LedgerLine
from app.services import approval_settings

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)  # still 2026-11-18 in New York
DEFAULT_CHART = [
    ("1000", "Cash", "asset"),
    ("1100", "Accounts receivable", "asset"),
    ("1200", "Inventory", "asset"),
    ("2000", "Accounts payable", "liability"),
    ("2100", "VAT payable", "liability"),
    ("3000", "Owner's equity", "equity"),
    ("4000", "Sales revenue", "revenue"),
    ("5000", "Cost of goods sold", "expense"),
    ("6000", "Operating expenses", "expense"),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def books(make_org, headers, client):
    owner = make_org(timezone="America/New_York")
    auth = headers(owner)

    def call(method, path, body=None, status=200, auth=auth):
        response = client.open(f"/api/v1/{path}", method=method, json=body, headers=auth)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    return owner, auth, call


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_registration_gives_the_default_chart(client):
    registered = client.post(
        "/api/v1/auth/register",
        json={
            "organization": {"name": "Ledgerly", "timezone": "UTC", "currency": "EUR"},
            "owner": {
                "email": "books@ledgerly.example",
                "password": "correct-horse-1",
                "first_name": "Lena",
                "last_name": "Ledger",
            },
        },
    )
    assert registered.status_code == 201, registered.get_json()
    auth = {"Authorization": f"Bearer {registered.get_json()['access_token']}"}
    chart = client.get("/api/v1/chart-of-accounts?page_size=500", headers=auth).get_json()
    assert [(a["code"], a["name"], a["type"]) for a in chart] == DEFAULT_CHART
    assert all(a["is_active"] and a["parent_id"] is None for a in chart)


ENTRY = {
    "entry_date": "2026-11-17",
    "memo": "Invoice INV-2026-00001",
    "lines": [
        {"account_code": "1100", "debit": "195.85", "description": "Dana's Garage"},
        {"account_code": "4000", "credit": "167.52", "debit": "0"},
        {"account_code": "2100", "credit": "28.33"},
    ],
}


def test_a_balanced_entry_is_posted_with_its_totals(books, db):
    _owner, _auth, call = books
    entry = call("POST", "ledger-entries", ENTRY, 201)
    assert (entry["total_debit"], entry["total_credit"]) == ("195.85", "195.85")
    assert (entry["entry_date"], entry["type"], entry["memo"]) == (
        "2026-11-17",
        "manual",
        "Invoice INV-2026-00001",
    )
    assert [
        (x["position"], x["account_code"], x["debit"], x["credit"], x["entry_date"])
        for x in entry["lines"]
    ] == [
        (1, "1100", "195.85", "0.00", "2026-11-17"),
        (2, "4000", "0.00", "167.52", "2026-11-17"),
        (3, "2100", "0.00", "28.33", "2026-11-17"),
    ]
    chart = {a["code"]: a["id"] for a in call("GET", "chart-of-accounts?page_size=500")}
    assert [x["account_id"] for x in entry["lines"]] == [
        chart["1100"],
        chart["4000"],
        chart["2100"],
    ]
    # the lines are a read-only resource of their own, filtered by account
    on_receivable = call("GET", f"ledger-lines?account_id={chart['1100']}")
    assert [(x["entry_id"], x["debit"]) for x in on_receivable] == [(entry["id"], "195.85")]
    assert call("POST", "ledger-lines", {"entry_id": entry["id"]}, 405)["error"]
    # the entry date defaults to the organization's local today
    undated = {k: v for k, v in ENTRY.items() if k != "entry_date"}
    today = call("POST", "ledger-entries", undated, 201)
    assert today["entry_date"] == "2026-11-18"
    assert count(db, LedgerEntry) == 2 and count(db, LedgerLine) == 6


def test_an_unbalanced_entry_is_refused_and_nothing_is_written(books, db):
    _owner, _auth, call = books
    lines = [
        {"account_code": "1100", "debit": "100.00"},
        {"account_code": "4000", "credit": "99.99"},
    ]
    refused = call("POST", "ledger-entries", {"memo": "off by a cent", "lines": lines}, 422)
    assert (refused["error"], refused["details"]) == (
        "UNBALANCED_ENTRY",
        {"total_debit": "100.00", "total_credit": "99.99"},
    )
    assert refused["message"] == "Debits 100.00 and credits 99.99 differ by 0.01."
    assert count(db, LedgerEntry) == 0 and count(db, LedgerLine) == 0


@pytest.mark.parametrize(
    ("lines", "errors"),
    [
        (
            [{"account_code": "9999", "debit": "5"}, {"account_code": "4000", "credit": "5"}],
            {
                "lines": {
                    "0": {"account_code": ["No such active account in the chart of accounts."]}
                }
            },
        ),
        (
            [
                {"account_code": "1000", "debit": "5", "credit": "5"},
                {"account_code": "4000", "credit": "0"},
            ],
            {
                "lines": {
                    "0": {"debit": ["Exactly one of debit and credit is above zero."]},
                    "1": {"debit": ["Exactly one of debit and credit is above zero."]},
                }
            },
        ),
        (
            [{"account_code": "1000", "debit": "5"}],
            {"lines": ["An entry has at least two lines."]},
        ),
    ],
)
def test_unknown_accounts_and_one_sided_lines_are_422(books, db, lines, errors):
    _owner, _auth, call = books
    refused = call("POST", "ledger-entries", {"lines": lines}, 422)
    assert (refused["error"], refused["errors"]) == ("VALIDATION_ERROR", errors)
    assert count(db, LedgerEntry) == 0 and count(db, LedgerLine) == 0


def test_an_inactive_or_other_tenants_account_is_unknown(books, make_org, headers, client):
    _owner, auth, call = books
    cash = call("GET", "chart-of-accounts?q=cash")[0]
    etag = client.get(f"/api/v1/chart-of-accounts/{cash['id']}", headers=auth).headers["ETag"]
    call(
        "PATCH",
        f"chart-of-accounts/{cash['id']}",
        {"is_active": False},
        200,
        {**auth, "If-Match": etag},
    )
    other = headers(make_org("Globex"))
    call(
        "POST", "chart-of-accounts", {"code": "7777", "name": "Theirs", "type": "asset"}, 201, other
    )
    lines = [{"account_code": "1000", "debit": "5"}, {"account_code": "7777", "credit": "5"}]
    refused = call("POST", "ledger-entries", {"lines": lines}, 422)
    assert set(refused["errors"]["lines"]) == {"0", "1"}


def test_posted_entries_never_change_and_their_accounts_stay(books, client):
    _owner, auth, call = books
    entry = call("POST", "ledger-entries", ENTRY, 201)
    url = f"/api/v1/ledger-entries/{entry['id']}"
    assert client.patch(url, json={"memo": "x"}, headers=auth).status_code == 405
    assert client.delete(url, headers=auth).status_code == 405
    receivable = call("GET", "chart-of-accounts?q=receivable")[0]
    item = f"/api/v1/chart-of-accounts/{receivable['id']}"
    in_use = client.delete(item, headers=auth)
    assert (in_use.status_code, in_use.get_json()["error"]) == (409, "ACCOUNT_IN_USE")
    renamed = client.patch(item, json={"code": "1101"}, headers=auth)
    assert (renamed.status_code, renamed.get_json()["error"]) == (409, "ACCOUNT_IN_USE")
    assert client.patch(item, json={"name": "Debtors"}, headers=auth).status_code == 200


def invoice_lines(widget_id):
    """A: the product's price and VAT; B: a discount; C: VAT rounding down; D: half a cent up."""
    return [
        {"product_id": widget_id, "quantity": "3"},
        {
            "description": "Install",
            "quantity": "1.5",
            "unit_price": "80.00",
            "discount_percent": "12.5",
            "vat_rate": "20",
        },
        {"description": "Bolt", "quantity": "7", "unit_price": "0.35", "vat_rate": "5"},
        {"description": "Fee", "quantity": "1", "unit_price": "0.10", "vat_rate": "5"},
    ]


@pytest.fixture
def customer_and_widget(books):
    _owner, _auth, call = books
    customer = call("POST", "customers", {"name": "Dana's Garage", "payment_terms": "NET_15"}, 201)
    widget = call(
        "POST",
        "products",
        {"code": "w-1", "name": "Widget", "price": "19.99", "vat_rate": "12.00"},
        201,
    )
    return customer["id"], widget["id"]


def test_invoice_totals_follow_the_line_math(books, customer_and_widget, client, db):
    _owner, auth, call = books
    customer, widget = customer_and_widget
    invoice = call(
        "POST", "invoices", {"customer_id": customer, "lines": invoice_lines(widget)}, 201
    )
    assert (invoice["number"], invoice["status"], invoice["currency"]) == (
        "INV-2026-00001",
        "draft",
        "USD",
    )
    # issued the organization's local today; due after the customer's NET_15
    assert (invoice["issue_date"], invoice["due_date"], invoice["payment_terms"]) == (
        "2026-11-18",
        "2026-12-03",
        "NET_15",
    )
    # 59.97 | 1.5 x 80 x 0.875 = 105.00 | 2.45 | 0.10
    assert [x["line_total"] for x in invoice["lines"]] == ["59.97", "105.00", "2.45", "0.10"]
    # VAT per line, half-up: 7.1964 → 7.20 | 21.00 | 0.1225 → 0.12 | 0.005 → 0.01
    assert (
        invoice["subtotal"],
        invoice["vat_amount"],
        invoice["total_amount"],
        invoice["paid_amount"],
        invoice["open_amount"],
    ) == ("167.52", "28.33", "195.85", "0.00", "195.85")
    assert (invoice["fx_rate"], invoice["total_amount_base"]) == ("1.00000000", "195.85")
    # lines replaced while draft, repriced
    etag = client.get(f"/api/v1/invoices/{invoice['id']}", headers=auth).headers["ETag"]
    changed = call(
        "PATCH",
        f"invoices/{invoice['id']}",
        {"lines": invoice_lines(widget)[1:2]},
        200,
        {**auth, "If-Match": etag},
    )
    assert (changed["subtotal"], changed["vat_amount"], changed["open_amount"]) == (
        "105.00",
        "21.00",
        "126.00",
    )
    # server-computed fields are refused
    refused = call("POST", "invoices", {"customer_id": customer, "paid_amount": "1"}, 422)
    assert refused["errors"] == {"paid_amount": ["Read-only: computed by the server."]}
    # once issued (ERP II's workflow), it is history
    db.session.get(Invoice, uuid.UUID(invoice["id"])).status = "issued"
    db.session.commit()
    late = client.patch(f"/api/v1/invoices/{invoice['id']}", json={"notes": "x"}, headers=auth)
    assert (late.status_code, late.get_json()["error"]) == (409, "INVALID_TRANSITION")
    gone = client.delete(f"/api/v1/invoices/{invoice['id']}", headers=auth)
    assert (gone.status_code, gone.get_json()["error"]) == (409, "INVALID_TRANSITION")


def test_own_invoice_numbers_are_unique_among_live_invoices(books, customer_and_widget, client):
    _owner, auth, call = books
    customer, _widget = customer_and_widget
    body = {"customer_id": customer, "number": "OLD-0042", "due_date": "2026-11-30"}
    first = call("POST", "invoices", body, 201)
    assert (first["number"], first["due_date"]) == ("OLD-0042", "2026-11-30")
    assert call("POST", "invoices", body, 409)["error"] == "CONFLICT"
    assert client.delete(f"/api/v1/invoices/{first['id']}", headers=auth).status_code == 204
    assert call("POST", "invoices", body, 201)["number"] == "OLD-0042"
    early = call("POST", "invoices", {"customer_id": customer, "due_date": "2026-11-01"}, 422)
    assert early["errors"] == {"due_date": ["May not be earlier than issue_date."]}


def test_documents_in_another_currency_carry_the_rate_of_their_date(books, customer_and_widget):
    _owner, _auth, call = books
    customer, _widget = customer_and_widget
    body = {
        "customer_id": customer,
        "currency": "EUR",
        "issue_date": "2026-11-10",
        "lines": [{"description": "Service", "quantity": "1", "unit_price": "195.85"}],
    }
    missing = call("POST", "invoices", body, 422)
    assert (missing["error"], missing["errors"]) == (
        "NO_FX_RATE",
        {"currency": ["No EUR/USD rate on or before 2026-11-10."]},
    )
    call(
        "POST",
        "fx-rates",
        {"base": "EUR", "quote": "USD", "rate": "1.08", "rate_date": "2026-11-01"},
        201,
    )
    call(
        "POST",
        "fx-rates",
        {"base": "EUR", "quote": "USD", "rate": "1.20", "rate_date": "2026-11-11"},
        201,
    )
    invoice = call("POST", "invoices", body, 201)
    # the latest rate on or before the issue date: 195.85 x 1.08 = 211.518 → 211.52
    assert (invoice["fx_rate"], invoice["total_amount_base"]) == ("1.08000000", "211.52")
    # a rate the other way round is inverted: 1 / 0.8 = 1.25
    call(
        "POST",
        "fx-rates",
        {"base": "USD", "quote": "GBP", "rate": "0.8", "rate_date": "2026-11-01"},
        201,
    )
    payment = call(
        "POST",
        "payments",
        {"customer_id": customer, "amount": "100.01", "currency": "GBP", "method": "BANK_TRANSFER"},
        201,
    )
    assert (payment["fx_rate"], payment["amount_base"], payment["status"]) == (
        "1.25000000",
        "125.01",
        "recorded",
    )
    assert (payment["allocated_amount"], payment["unallocated_amount"]) == ("0.00", "100.01")
    same = call(
        "POST",
        "fx-rates",
        {"base": "USD", "quote": "USD", "rate": "1", "rate_date": "2026-11-01"},
        422,
    )
    assert same["errors"] == {"quote": ["Differs from base."]}


def test_approval_thresholds_defaults_put_and_null(books, make_employee, headers):
    owner, _auth, call = books
    defaults = {
        "purchase_order": "20000.00",
        "invoice": "10000.00",
        "payment": "10000.00",
        "adjustments_need_approval": True,
    }
    assert call("GET", "settings/approval-thresholds") == defaults
    changed = call(
        "PUT",
        "settings/approval-thresholds",
        {"invoice": None, "payment": "2500.5", "adjustments_need_approval": False},
    )
    # a PUT replaces: what it leaves out is the default again; null turns the approval off
    assert changed == {
        "purchase_order": "20000.00",
        "invoice": None,
        "payment": "2500.50",
        "adjustments_need_approval": False,
    }
    assert call("GET", "settings/approval-thresholds") == changed
    org = owner.organization_id
    assert approval_settings.threshold(org, "payment") == Decimal("2500.50")
    assert approval_settings.threshold(org, "invoice") is None
    assert approval_settings.adjustments_need_approval(org) is False
    assert approval_settings.needs_approval(org, "payment", Decimal("2500.50")) is True
    assert approval_settings.needs_approval(org, "payment", Decimal("2500.49")) is False
    assert approval_settings.needs_approval(org, "invoice", Decimal("1000000")) is False
    logs = call("GET", f"audit-logs?entity_type=organizations&entity_id={org}")
    assert any(
        "approval_thresholds" in (log["new_values"] or {}).get("settings", {}) for log in logs
    )
    for bad in ("12.345", "abc", "-1.00", 100):
        refused = call("PUT", "settings/approval-thresholds", {"invoice": bad}, 422)
        assert list(refused["errors"]) == ["invoice"], bad
    employee = headers(make_employee(owner).user)
    for method in ("GET", "PUT"):
        assert (
            call(method, "settings/approval-thresholds", {}, 403, employee)["error"] == "FORBIDDEN"
        )
    manager = headers(make_employee(owner, role="manager").user)
    assert call("GET", "settings/approval-thresholds", None, 200, manager) == changed
    assert call("PUT", "settings/approval-thresholds", {}, 403, manager)["error"] == "FORBIDDEN"


def test_payroll_writes_finance_and_employees_are_kept_out(books, make_employee, headers):
    owner, _auth, call = books
    payroll = headers(make_employee(owner, role="payroll").user)
    assert call("POST", "ledger-entries", ENTRY, 201, payroll)["total_debit"] == "195.85"
    employee = headers(make_employee(owner).user)
    for path in ("ledger-entries", "invoices", "chart-of-accounts", "fx-rates", "sales-tax-us"):
        assert call("GET", path, None, 403, employee)["error"] == "FORBIDDEN"


def test_another_tenants_rows_are_404_and_their_keys_422(
    books, customer_and_widget, make_org, headers
):
    _owner, _auth, call = books
    customer, _widget = customer_and_widget
    invoice = call("POST", "invoices", {"customer_id": customer}, 201)
    entry = call("POST", "ledger-entries", ENTRY, 201)
    other = headers(make_org("Globex"))
    for path in (f"invoices/{invoice['id']}", f"ledger-entries/{entry['id']}"):
        assert call("GET", path, None, 404, other)["error"] == "NOT_FOUND"
    refused = call("POST", "invoices", {"customer_id": customer}, 422, other)
    assert refused["errors"] == {"customer_id": ["No such record."]}
    assert call("GET", "ledger-lines", None, 200, other) == []
