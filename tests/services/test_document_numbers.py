"""Document numbers: exact values per organization, kind and year; and on PostgreSQL, documents
created at the same instant get consecutive numbers, none twice and none skipped, and a
request that fails gives its number back."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import date
from typing import Any

import pytest
from flask import Flask

from app.services.sales.numbers import format_number, next_number

THREADS = 12


def test_numbers_per_organization_kind_and_year(make_org, db):
    acme, globex = make_org("Acme"), make_org("Globex")
    day = date(2026, 3, 1)
    assert [next_number(acme, "quote", day) for _ in range(3)] == [
        "QO-2026-00001",
        "QO-2026-00002",
        "QO-2026-00003",
    ]
    assert next_number(acme, "sales_order", day) == "SO-2026-00001"
    assert next_number(acme, "purchase_order", day) == "PO-2026-00001"
    assert next_number(acme, "invoice", date(2026, 12, 31)) == "INV-2026-00001"
    assert next_number(acme, "quote", date(2027, 1, 1)) == "QO-2027-00001"
    assert next_number(globex, "quote", day) == "QO-2026-00001"
    assert next_number(acme, "quote", date(2026, 12, 31)) == "QO-2026-00004"


def test_number_format():
    assert format_number("invoice", 2026, 7) == "INV-2026-00007"
    assert format_number("quote", 2026, 99999) == "QO-2026-99999"
    assert format_number("quote", 2026, 100000) == "QO-2026-100000"  # wider, never wrapped
    with pytest.raises(ValueError):
        next_number(None, "receipt", date(2026, 1, 1))  # type: ignore[arg-type]


def _fire(app: Flask, path: str, bodies: list[dict[str, Any]], token: str) -> list[Any]:
    barrier = threading.Barrier(len(bodies))
    responses: list[Any] = [None] * len(bodies)

    def call(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        responses[i] = client.post(
            path, json=bodies[i], headers={"Authorization": f"Bearer {token}"}
        )

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


@pytest.mark.postgres_only
def test_concurrent_quotes_get_consecutive_numbers(live, live_people):
    owner, _worker, _employee = live_people
    client = live.test_client()
    auth = {"Authorization": f"Bearer {owner}"}
    customer = client.post("/api/v1/customers", json={"name": "Race"}, headers=auth)
    customer_id = customer.get_json()["id"]
    # A request that fails after taking a number (its customer is unknown) gives it back.
    missing = {"customer_id": str(uuid.uuid4()), "issue_date": "2026-05-01"}
    assert client.post("/api/v1/quotes", json=missing, headers=auth).status_code == 422
    bodies = [{"customer_id": customer_id, "issue_date": "2026-05-01"}] * THREADS
    responses = _fire(live, "/api/v1/quotes", bodies, owner)
    assert Counter(r.status_code for r in responses) == {201: THREADS}
    numbers = sorted(r.get_json()["number"] for r in responses)
    assert numbers == [f"QO-2026-{n:05d}" for n in range(1, THREADS + 1)]
