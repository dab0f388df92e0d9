"""Reporting: sales summaries are one row per organization, period and currency, read-only and
listed by period; system logs are the organization's own, for owners and admins only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import SalesSummaryDaily, SalesSummaryMonthly, SystemLog

API = "/api/v1"


def summary(owner, day, currency="USD", **values):
    return SalesSummaryDaily(
        organization_id=owner.organization_id, day=day, currency=currency, **values
    )


def test_daily_summaries_listed_by_day_exactly(client, db, make_org, headers):
    owner = make_org(timezone="UTC")
    db.session.add_all(
        [
            summary(owner, date(2026, 11, 30), orders=2, revenue=Decimal("10.05")),
            summary(
                owner,
                date(2026, 12, 1),
                orders=3,
                revenue=Decimal("1234.56"),
                vat=Decimal("148.15"),
                units=Decimal("7.500"),
            ),
            summary(owner, date(2026, 12, 1), "EUR", orders=1, revenue=Decimal("-5.00")),
            summary(make_org("Other"), date(2026, 12, 1), orders=9),
        ]
    )
    db.session.commit()
    response = client.get(
        f"{API}/sales-summary-daily?from=2026-12-01&to=2026-12-01", headers=headers(owner)
    )
    assert response.status_code == 200, response.get_json()
    rows = [
        (r["day"], r["currency"], r["orders"], r["revenue"], r["vat"], r["units"])
        for r in response.get_json()
    ]
    assert rows == [
        ("2026-12-01", "EUR", 1, "-5.00", "0.00", "0.000"),
        ("2026-12-01", "USD", 3, "1234.56", "148.15", "7.500"),
    ]
    auth, row = headers(owner), response.get_json()[0]["id"]
    assert client.post(f"{API}/sales-summary-daily", json={}, headers=auth).status_code == 405
    assert client.post(f"{API}/sales-summary-monthly", json={}, headers=auth).status_code == 405
    item = f"{API}/sales-summary-daily/{row}"
    assert client.patch(item, json={"orders": 1}, headers=auth).status_code == 405
    assert client.delete(item, headers=auth).status_code == 405


@pytest.mark.parametrize(
    "model, column", [(SalesSummaryDaily, "day"), (SalesSummaryMonthly, "month")]
)
def test_one_summary_per_organization_period_and_currency(db, make_org, model, column):
    owner = make_org()
    first = {"organization_id": owner.organization_id, column: date(2026, 12, 1), "currency": "USD"}
    db.session.add(model(**first))
    db.session.flush()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(model(**first))
        db.session.flush()


def test_system_logs_for_admins_of_the_organization(client, db, make_org, make_employee, headers):
    owner = make_org(timezone="UTC")
    admin = make_employee(owner, role="admin")
    manager = make_employee(owner, role="manager")
    other = make_org("Other")
    at = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    db.session.add_all(
        [
            SystemLog(
                organization_id=owner.organization_id,
                level="ERROR",
                message="Payroll export failed: disk full",
                error_code="EXPORT_FAILED",
                timestamp=at,
                tags=["payroll"],
            ),
            SystemLog(
                organization_id=owner.organization_id,
                level="INFO",
                message="Export done",
                timestamp=at,
            ),
            SystemLog(
                organization_id=other.organization_id,
                level="ERROR",
                message="Payroll export failed elsewhere",
                timestamp=at,
            ),
        ]
    )
    db.session.commit()
    response = client.get(f"{API}/system-logs?q=disk", headers=headers(admin.user))
    assert [(r["level"], r["error_code"], r["tags"]) for r in response.get_json()] == [
        ("ERROR", "EXPORT_FAILED", ["payroll"])
    ]
    listed = client.get(f"{API}/system-logs?q=payroll", headers=headers(owner)).get_json()
    assert [r["message"] for r in listed] == ["Payroll export failed: disk full"]
    assert client.get(f"{API}/system-logs", headers=headers(manager.user)).status_code == 403
    row = listed[0]["id"]
    assert client.delete(f"{API}/system-logs/{row}", headers=headers(owner)).status_code == 405
