"""time_entries billing columns: billable_amount is computed by the database, on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

START = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


def _stored_amount(db, entry) -> Decimal:
    # Read straight from the table, so the value cannot come from anything Python computed.
    value = db.session.execute(
        sa.text("SELECT billable_amount FROM time_entries WHERE id = :id"),
        {"id": entry.id if db.engine.dialect.name == "postgresql" else entry.id.hex},
    ).scalar_one()
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_billable_amount_is_computed_by_the_database(
    client, db, make_org, make_employee, make_entry, headers
):
    owner = make_org()
    employee = make_employee(owner)
    project = uuid.uuid4()
    # 2 h 30 min worked (3 h minus a 30 min break) at 25.50: 63.75.
    billable = make_entry(
        employee,
        START,
        START + timedelta(hours=3),
        break_seconds=1800,
        hourly_rate=Decimal("25.50"),
        project_id=project,
        description="Roof repair, north side",
    )
    # Same time and rate, not billable: 0.00.
    unbilled = make_entry(
        employee,
        START + timedelta(days=1),
        START + timedelta(days=1, hours=3),
        break_seconds=1800,
        hourly_rate=Decimal("25.50"),
        is_billable=False,
    )
    # A whole rate (SQLite stores 25.00 as the integer 25) and a half cent: 1 min 30 s at 25.00
    # is 0.625, half-up 0.63, where integer division would give 0 and float noise might 0.62.
    half_cent = make_entry(
        employee,
        START + timedelta(days=2),
        START + timedelta(days=2, seconds=90),
        hourly_rate=Decimal("25.00"),
    )
    db.session.expire_all()

    assert _stored_amount(db, billable) == Decimal("63.75")
    assert _stored_amount(db, unbilled) == Decimal("0.00")
    assert _stored_amount(db, half_cent) == Decimal("0.63")
    assert (billable.billable_amount, unbilled.billable_amount, half_cent.billable_amount) == (
        Decimal("63.75"),
        Decimal("0.00"),
        Decimal("0.63"),
    )

    body = client.get(f"/api/v1/time-entries/{billable.id}", headers=headers(owner)).get_json()
    billing = ("project_id", "description", "billing_rate", "billable_amount")
    assert "hourly_rate" not in body  # the employee's pay rate is not the entry's billing rate
    assert {name: body[name] for name in billing} == {
        "project_id": str(project),
        "description": "Roof repair, north side",
        "billing_rate": "25.50",
        "billable_amount": "63.75",
    }
    other = client.get(f"/api/v1/time-entries/{unbilled.id}", headers=headers(owner)).get_json()
    assert (other["project_id"], other["description"]) == (None, None)
    assert (other["billing_rate"], other["billable_amount"]) == ("25.50", "0.00")


def test_billable_amount_follows_updates_and_defaults(db, make_org, make_employee, make_entry):
    employee = make_employee(make_org())
    entry = make_entry(employee, START, START + timedelta(hours=8))
    # No rate given: the column default 0 bills nothing.
    assert (entry.hourly_rate, entry.billable_amount) == (Decimal("0.00"), Decimal("0.00"))

    entry.hourly_rate = Decimal("40.00")
    db.session.commit()
    assert entry.billable_amount == Decimal("320.00")
    assert _stored_amount(db, entry) == Decimal("320.00")

    entry.is_billable = False
    db.session.commit()
    assert entry.billable_amount == Decimal("0.00")
    assert _stored_amount(db, entry) == Decimal("0.00")


def test_billing_columns_are_read_only_in_the_api(
    client, make_org, make_employee, make_entry, headers, assert_error
):
    owner = make_org()
    employee = make_employee(owner)
    entry = make_entry(employee, START, START + timedelta(hours=1), status="draft")
    for field, value in (
        ("billable_amount", "1.00"),
        ("billing_rate", "99.00"),
        ("hourly_rate", "99.00"),
    ):
        response = client.patch(
            f"/api/v1/time-entries/{entry.id}", json={field: value}, headers=headers(owner)
        )
        assert_error(response, 422, "VALIDATION_ERROR")
