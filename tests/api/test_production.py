"""Production: a BOM's components and cost (exact to the cent, half-up per component), one
default BOM per product, versions per product, production orders' statuses and BOM default,
jobs served at /production-jobs keeping their schedule's counts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.models import AuditLog, BillOfMaterials

API = "/api/v1"


@pytest.fixture
def shop(make_org, make_employee, headers):
    owner = make_org("Forge", timezone="UTC")
    manager = make_employee(owner, role="manager")
    employee = make_employee(owner)
    return owner, headers(owner), headers(manager.user), headers(employee.user)


def post(client: Any, auth: dict[str, str], path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{API}{path}", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def product(client: Any, auth: dict[str, str], code: str, cost: str, **fields: Any) -> str:
    body = {"code": code, "name": f"Part {code}", "cost": cost, "unit": "kg", **fields}
    return str(post(client, auth, "/products", body)["id"])


@pytest.fixture
def parts(client, shop):
    _owner, auth, _manager, _employee = shop
    return {
        "frame": product(client, auth, "FRAME", "0", type="manufactured"),
        "steel": product(client, auth, "STEEL", "12.34"),
        "bolt": product(client, auth, "BOLT", "0.07"),
        "motor": product(client, auth, "MOTOR", "1999.99"),
    }


def bom(client, auth, parts, **fields):
    body = {
        "product_id": parts["frame"],
        "name": "Frame",
        "quantity": "4",
        "labor_cost": "10.00",
        "overhead_cost": "5.55",
        "components": [
            {"product_id": parts["steel"], "quantity": "2.5", "scrap_percent": "10.00"},
            {"product_id": parts["bolt"], "quantity": "3"},
            {"product_id": parts["motor"], "quantity": "0.125", "scrap_percent": "2.50"},
        ],
        **fields,
    }
    return post(client, auth, "/bills-of-materials", body)


def test_cost_is_each_component_rounded_half_up_then_summed(client, shop, parts):
    _owner, auth, manager, _employee = shop
    created = bom(client, manager, parts)
    # 12.34 x 2.5 x 1.10 = 33.935 -> 33.94 (a float gives 33.934999... -> 33.93)
    # 0.07 x 3 = 0.21; 1999.99 x 0.125 x 1.025 = 256.24871875 -> 256.25
    assert created["material_cost"] == "290.40"
    assert created["total_cost"] == "305.95"  # + labour 10.00 + overhead 5.55
    assert [c["position"] for c in created["components"]] == [1, 2, 3]
    assert [c["unit"] for c in created["components"]] == ["kg", "kg", "kg"]
    assert [c["scrap_percent"] for c in created["components"]] == ["10.00", "0.00", "2.50"]

    response = client.get(f"{API}/bills-of-materials/{created['id']}/cost", headers=auth)
    assert response.status_code == 200, response.get_json()
    cost = response.get_json()
    assert cost["currency"] == "USD"
    assert cost["quantity"] == "4.000"
    assert [(c["product_cost"], c["cost"]) for c in cost["components"]] == [
        ("12.34", "33.94"),
        ("0.07", "0.21"),
        ("1999.99", "256.25"),
    ]
    assert [c["id"] for c in cost["components"]] == [c["id"] for c in created["components"]]
    assert cost["cost"] == "290.40"
    assert cost["cost_per_unit"] == "72.60"


def test_cost_follows_the_components_current_costs(client, shop, parts):
    _owner, auth, _manager, _employee = shop
    created = bom(client, auth, parts)
    response = client.patch(f"{API}/products/{parts['bolt']}", json={"cost": "1.01"}, headers=auth)
    assert response.status_code == 200, response.get_json()
    cost = client.get(f"{API}/bills-of-materials/{created['id']}/cost", headers=auth).get_json()
    assert cost["cost"] == "293.22"  # 33.94 + 3.03 + 256.25
    assert cost["cost_per_unit"] == "73.31"  # 73.305 half-up
    # The stored roll-up is the one of the last save, until the BOM is saved again.
    path = f"{API}/bills-of-materials/{created['id']}"
    assert client.get(path, headers=auth).get_json()["material_cost"] == "290.40"
    saved = client.patch(path, json={"description": "re-costed"}, headers=auth).get_json()
    assert saved["material_cost"] == "293.22"
    assert saved["total_cost"] == "308.77"


def test_a_bom_without_components_costs_nothing(client, shop, parts):
    _owner, auth, _manager, _employee = shop
    created = bom(client, auth, parts, components=[], quantity="1")
    cost = client.get(f"{API}/bills-of-materials/{created['id']}/cost", headers=auth).get_json()
    assert (cost["cost"], cost["cost_per_unit"], cost["components"]) == ("0.00", "0.00", [])


def test_components_priced_in_another_currency_are_refused(client, shop, parts, assert_error):
    _owner, auth, _manager, _employee = shop
    euro = product(client, auth, "EURO", "5.00", currency="EUR")
    response = client.post(
        f"{API}/bills-of-materials",
        json={
            "product_id": parts["frame"],
            "name": "Frame",
            "components": [
                {"product_id": parts["bolt"], "quantity": "1"},
                {"product_id": euro, "quantity": "1"},
            ],
        },
        headers=auth,
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(body["errors"]) == ["components[1].product_id"]

    created = bom(client, auth, parts)
    client.patch(f"{API}/products/{parts['motor']}", json={"currency": "EUR"}, headers=auth)
    response = client.get(f"{API}/bills-of-materials/{created['id']}/cost", headers=auth)
    body = assert_error(response, 409, "CURRENCY_MISMATCH")
    assert list(body["errors"]) == ["components[2].product_id"]


def test_component_rules(client, shop, parts, assert_error):
    _owner, auth, _manager, _employee = shop
    for component, key in (
        ({"product_id": parts["frame"], "quantity": "1"}, "components[0].product_id"),
        ({"product_id": parts["bolt"], "quantity": "0"}, "components[0].quantity"),
    ):
        response = client.post(
            f"{API}/bills-of-materials",
            json={"product_id": parts["frame"], "name": "F", "components": [component]},
            headers=auth,
        )
        assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == [key]
    response = client.post(
        f"{API}/bills-of-materials",
        json={"product_id": parts["frame"], "name": "F", "quantity": "0"},
        headers=auth,
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["quantity"]
    # A component's line total is nothing of the client's: there is none.
    response = client.post(
        f"{API}/bills-of-materials",
        json={
            "product_id": parts["frame"],
            "name": "F",
            "components": [{"product_id": parts["bolt"], "quantity": "1", "position": 4}],
        },
        headers=auth,
    )
    assert_error(response, 422, "VALIDATION_ERROR")


def test_components_are_replaced_only_while_draft(client, shop, parts, assert_error, db):
    _owner, auth, _manager, _employee = shop
    created = bom(client, auth, parts)
    path = f"{API}/bills-of-materials/{created['id']}"
    replaced = client.patch(
        path, json={"components": [{"product_id": parts["bolt"], "quantity": "10"}]}, headers=auth
    ).get_json()
    assert [(c["product_id"], c["quantity"]) for c in replaced["components"]] == [
        (parts["bolt"], "10.000")
    ]
    assert replaced["components"][0]["id"] not in {c["id"] for c in created["components"]}
    assert replaced["material_cost"] == "0.70"

    active = client.patch(path, json={"status": "active"}, headers=auth)
    assert active.status_code == 200
    response = client.patch(
        path, json={"components": [{"product_id": parts["bolt"], "quantity": "1"}]}, headers=auth
    )
    assert_error(response, 409, "INVALID_TRANSITION")
    assert len(db.session.get(BillOfMaterials, uuid.UUID(created["id"])).components) == 1


def test_one_default_bom_per_product_and_versions_unique_per_product(
    client, shop, parts, assert_error
):
    _owner, auth, _manager, _employee = shop
    first = bom(client, auth, parts, is_default=True, components=[])
    response = client.post(
        f"{API}/bills-of-materials",
        json={"product_id": parts["frame"], "name": "F2", "version": "2.0", "is_default": True},
        headers=auth,
    )
    assert_error(response, 409, "CONFLICT")
    response = client.post(
        f"{API}/bills-of-materials",
        json={"product_id": parts["frame"], "name": "F again", "version": "1.0"},
        headers=auth,
    )
    assert_error(response, 409, "CONFLICT")
    # Another product may have its own default and its own version 1.0.
    post(
        client,
        auth,
        "/bills-of-materials",
        {"product_id": parts["steel"], "name": "Steel", "is_default": True},
    )
    second = post(
        client,
        auth,
        "/bills-of-materials",
        {"product_id": parts["frame"], "name": "F2", "version": "2.0"},
    )
    response = client.patch(
        f"{API}/bills-of-materials/{second['id']}", json={"is_default": True}, headers=auth
    )
    assert_error(response, 409, "CONFLICT")
    # Deleting the default frees both its version and the default.
    assert client.delete(f"{API}/bills-of-materials/{first['id']}", headers=auth).status_code == 204
    response = client.patch(
        f"{API}/bills-of-materials/{second['id']}", json={"is_default": True}, headers=auth
    )
    assert response.status_code == 200, response.get_json()
    post(
        client,
        auth,
        "/bills-of-materials",
        {"product_id": parts["frame"], "name": "F1 again", "version": "1.0"},
    )


def test_the_default_index_holds_without_the_service(client, shop, parts, db):
    """The partial unique index itself refuses a second live default (a race the service's
    check cannot see)."""
    import sqlalchemy as sa

    _owner, auth, _manager, _employee = shop
    first = bom(client, auth, parts, is_default=True, components=[])
    row = db.session.get(BillOfMaterials, uuid.UUID(first["id"]))
    twin = BillOfMaterials(
        organization_id=row.organization_id,
        workspace_id=row.workspace_id,
        product_id=row.product_id,
        version="9",
        name="Twin",
        is_default=True,
    )
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(twin)
        db.session.flush()


def test_cost_is_tenant_scoped_and_needs_production_read(
    client, shop, parts, make_org, headers, assert_error
):
    _owner, auth, manager, employee = shop
    created = bom(client, auth, parts)
    path = f"{API}/bills-of-materials/{created['id']}/cost"
    assert client.get(path, headers=manager).status_code == 200
    assert_error(client.get(path, headers=employee), 403, "FORBIDDEN")
    stranger = headers(make_org("Other"))
    assert_error(client.get(path, headers=stranger), 404, "NOT_FOUND")


def order(client, auth, parts, **fields):
    body = {"product_id": parts["frame"], "quantity": "12", **fields}
    return post(client, auth, "/production-orders", body)


def test_an_order_takes_the_products_default_bom(client, shop, parts, assert_error):
    _owner, auth, manager, _employee = shop
    assert order(client, manager, parts)["bom_id"] is None
    default = bom(client, auth, parts, is_default=True, components=[])
    other = bom(client, auth, parts, version="2", components=[])
    assert order(client, manager, parts)["bom_id"] == default["id"]
    assert order(client, manager, parts, bom_id=other["id"])["bom_id"] == other["id"]
    steel = post(client, auth, "/bills-of-materials", {"product_id": parts["steel"], "name": "S"})
    response = client.post(
        f"{API}/production-orders",
        json={"product_id": parts["frame"], "quantity": "1", "bom_id": steel["id"]},
        headers=manager,
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["bom_id"]
    # Changing the product of a planned order takes the new product's default BOM.
    created = order(client, manager, parts)
    moved = client.patch(
        f"{API}/production-orders/{created['id']}",
        json={"product_id": parts["steel"]},
        headers=manager,
    ).get_json()
    assert moved["bom_id"] is None


def test_order_statuses(client, shop, parts, assert_error, db):
    _owner, auth, _manager, _employee = shop
    created = order(client, auth, parts)
    assert (created["status"], created["quantity_produced"]) == ("planned", "0.000")
    path = f"{API}/production-orders/{created['id']}"

    def move(status: str) -> Any:
        return client.patch(path, json={"status": status}, headers=auth)

    assert_error(move("in_progress"), 409, "INVALID_TRANSITION")
    assert_error(move("completed"), 409, "INVALID_TRANSITION")
    assert move("released").get_json()["status"] == "released"
    assert move("planned").get_json()["status"] == "planned"
    assert move("released").status_code == 200
    started = move("in_progress").get_json()
    assert started["actual_start_date"] is not None
    assert_error(move("completed"), 409, "INVALID_TRANSITION")
    assert_error(move("planned"), 409, "INVALID_TRANSITION")
    response = client.patch(path, json={"quantity": "13"}, headers=auth)
    assert_error(response, 409, "INVALID_TRANSITION")
    assert_error(client.delete(path, headers=auth), 409, "CONFLICT")
    assert move("cancelled").get_json()["status"] == "cancelled"
    assert_error(move("planned"), 409, "INVALID_TRANSITION")
    response = client.patch(path, json={"notes": "Customer withdrew"}, headers=auth)
    assert response.get_json()["notes"] == "Customer withdrew"
    assert client.delete(path, headers=auth).status_code == 204
    rows = db.session.query(AuditLog).filter_by(entity_id=uuid.UUID(created["id"]))
    statuses = [(r.new_values or {}).get("status") for r in rows.order_by(AuditLog.timestamp)]
    # created, five moves, a note, the soft delete: the refused moves wrote nothing
    assert statuses == [
        "planned",
        "released",
        "planned",
        "released",
        "in_progress",
        "cancelled",
        None,
        None,
    ]


def test_order_rules_on_create(client, shop, parts, assert_error):
    _owner, auth, _manager, _employee = shop
    for body, status, code, field in (
        ({"status": "in_progress"}, 422, "VALIDATION_ERROR", "status"),
        ({"quantity": "0"}, 422, "VALIDATION_ERROR", "quantity"),
        ({"quantity_produced": "5"}, 422, "VALIDATION_ERROR", "quantity_produced"),
        ({"quantity_scrapped": "1"}, 422, "VALIDATION_ERROR", "quantity_scrapped"),
        (
            {
                "planned_start_date": "2026-12-10T08:00:00Z",
                "planned_end_date": "2026-12-09T08:00:00Z",
            },
            422,
            "VALIDATION_ERROR",
            "planned_end_date",
        ),
    ):
        response = client.post(
            f"{API}/production-orders",
            json={"product_id": parts["frame"], "quantity": "1", **body},
            headers=auth,
        )
        assert list(assert_error(response, status, code)["errors"]) == [field]
    released = order(client, auth, parts, status="released", due_date="2026-12-10T23:30:00Z")
    assert released["status"] == "released"
    # from/to on the due date (a timestamp): whole days of the organization (UTC here)
    for query, found in (("from=2026-12-10&to=2026-12-10", True), ("from=2026-12-11", False)):
        listed = client.get(f"{API}/production-orders?{query}", headers=auth).get_json()
        assert [o["id"] for o in listed] == ([released["id"]] if found else [])


def test_jobs_keep_their_schedules_counts(client, shop, parts, assert_error):
    _owner, auth, manager, _employee = shop
    week = post(client, manager, "/schedules", {"name": "Week 50"})
    spare = post(client, manager, "/schedules", {"name": "Spare"})
    line = post(client, manager, "/resources", {"name": "Press 1", "cost_per_hour": "80.00"})
    assert line["currency"] == "USD"

    def job(number: str, **fields: Any) -> dict[str, Any]:
        body = {"job_number": number, "schedule_id": week["id"], "resource_id": line["id"]}
        return post(client, manager, "/production-jobs", {**body, **fields})

    def counts(schedule: dict[str, Any]) -> tuple[int, int]:
        got = client.get(f"{API}/schedules/{schedule['id']}", headers=auth).get_json()
        return got["total_jobs"], got["completed_jobs"]

    first, second = job("J-1"), job("J-2", status="completed")
    job("J-3", schedule_id=None)
    assert counts(week) == (2, 1)
    client.patch(f"{API}/production-jobs/{first['id']}", json={"status": "completed"}, headers=auth)
    assert counts(week) == (2, 2)
    client.patch(
        f"{API}/production-jobs/{second['id']}", json={"schedule_id": spare["id"]}, headers=auth
    )
    assert (counts(week), counts(spare)) == ((1, 1), (1, 1))
    assert client.delete(f"{API}/production-jobs/{first['id']}", headers=auth).status_code == 204
    assert counts(week) == (0, 0)
    listed = client.get(f"{API}/production-jobs?schedule_id={spare['id']}", headers=auth)
    assert [j["job_number"] for j in listed.get_json()] == ["J-2"]
    response = client.post(f"{API}/schedules/{week['id']}", json={"total_jobs": 5}, headers=auth)
    assert response.status_code == 405
    response = client.patch(f"{API}/schedules/{week['id']}", json={"total_jobs": 5}, headers=auth)
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["total_jobs"]
    response = client.post(
        f"{API}/schedules",
        json={
            "name": "Backwards",
            "start_date": "2026-12-10T00:00:00Z",
            "end_date": "2026-12-01T00:00:00Z",
        },
        headers=auth,
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["end_date"]
