"""Inventory CSV imports through the API and the worker (ERP_API.md, "Inventory imports").

The Soft SME file below, against an organization that already has EXIST-1 (Widget, 5 on hand,
cost 3.00, reorder point 10):

- rows 2 and 4 are the same part (`BOLT-10  ` with trailing spaces, `bolt-10`): merged, 100 +
  25 = 125, the higher cost 0.30 and reorder point 20, the first description; a
  DUPLICATE_MERGED warning on row 4 (units `Each` and `EACH` are the same unit);
- row 3 NUT-10: 50 at 0.10; row 5 WASHER: quantity `12x`, INVALID_NUMBER, nothing written;
- row 6 GREASE: a `supply` part, created untracked; its quantity 3 is QUANTITY_IGNORED;
- rows 7 and 8 PIPE in `m` and `ft`: both UNIT_MISMATCH; row 9 has no part number: REQUIRED;
- row 10 EXIST-1: renamed, cost kept (the file's is 0), reorder point 30 (the higher), 5 + 7
  = 12 on hand.

So 9 rows: 5 succeeded, 4 failed, 2 warnings; movements of 125, 50 and 7.
"""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
import sqlalchemy as sa

from app.models import AuditLog, DataImport, DataImportFile, ImportRowError, OutboxMessage
from app.models.inventory import Product, StockMovement
from app.services.inventory import import_apply, imports

SOFT_SME = (
    "\ufeff Part_Number , PART_DESCRIPTION ,unit,quantity,last_unit_cost,reorder_point,"
    "part_type,notes\r\n"
    "BOLT-10  ,  Hex bolt M10  ,Each,100,0.25,20,stock,first\r\n"
    "nut-10,Hex nut M10,Each,50,0.10,10,,\r\n"
    "bolt-10,Hex bolt (dup),EACH,25,0.30,15,stock,dup\r\n"
    "WASHER,Flat washer,Each,12x,0.05,5,stock,bad number\r\n"
    "GREASE,Grease tube,Tube,3,4.50,0,supply,\r\n"
    "PIPE,Copper pipe,m,10,2.00,4,stock,\r\n"
    "PIPE,Copper pipe,ft,5,2.00,4,stock,\r\n"
    ",No number,Each,1,1,1,stock,\r\n"
    "EXIST-1,Existing widget renamed,Each,7,0,30,stock,\r\n"
).encode()

EXPECTED_ERRORS = [
    (4, "part_number", "bolt-10", "DUPLICATE_MERGED", "warning"),
    (5, "quantity", "12x", "INVALID_NUMBER", "error"),
    (6, "quantity", "3.000", "QUANTITY_IGNORED", "warning"),
    (7, "unit", "m", "UNIT_MISMATCH", "error"),
    (8, "unit", "ft", "UNIT_MISMATCH", "error"),
    (9, "part_number", None, "REQUIRED", "error"),
]
# code → (name, unit, cost, reorder point, tracked, stock level)
EXPECTED_PRODUCTS = {
    "BOLT-10": ("Hex bolt M10", "Each", "0.30", "20.000", True, "125.000"),
    "EXIST-1": ("Existing widget renamed", "Each", "3.00", "30.000", True, "12.000"),
    "GREASE": ("Grease tube", "Tube", "4.50", "0.000", False, "untracked"),
    "NUT-10": ("Hex nut M10", "Each", "0.10", "10.000", True, "50.000"),
}


@pytest.fixture
def owner(make_org):
    return make_org()


@pytest.fixture
def auth(owner, headers):
    return headers(owner)


@pytest.fixture
def existing(client, auth):
    """EXIST-1, Widget: 5 on hand (one adjustment movement), cost 3.00, reorder point 10."""
    body = {"code": "exist-1", "name": "Widget", "cost": "3.00", "reorder_point": "10"}
    product = client.post("/api/v1/products", json=body, headers=auth).get_json()
    movement = {"product_id": product["id"], "quantity": "5", "type": "adjustment"}
    response = client.post("/api/v1/stock-movements", json=movement, headers=auth)
    assert response.status_code == 201, response.get_json()
    return product


def upload(client, auth, content, query="", status=202, **kwargs):
    data = {"file": (io.BytesIO(content), "parts.csv")}
    response = client.post(
        f"/api/v1/inventory/imports{query}",
        data=data,
        content_type="multipart/form-data",
        headers=auth,
        **kwargs,
    )
    assert response.status_code == status, response.get_json()
    return response.get_json()


def read(client, auth, import_id):
    response = client.get(f"/api/v1/data-imports/{import_id}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def errors_of(client, auth, import_id):
    response = client.get(f"/api/v1/data-imports/{import_id}/errors?page_size=500", headers=auth)
    assert response.status_code == 200, response.get_json()
    return [
        (e["row_number"], e["column"], e["value"], e["code"], e["severity"])
        for e in response.get_json()
    ]


def counts(row):
    keys = ("status", "total_rows", "processed_rows", "succeeded_rows", "failed_rows")
    return tuple(row[k] for k in (*keys, "warning_count"))


def products(client, auth):
    rows = client.get("/api/v1/products?page_size=500&sort=code", headers=auth).get_json()
    return {
        p["code"]: (
            p["name"],
            p["unit"],
            p["cost"],
            p["reorder_point"],
            p["track_inventory"],
            p["stock_level"] if p["track_inventory"] else "untracked",
        )
        for p in rows
    }


def movements(db, organization_id):
    rows = db.session.execute(
        sa.select(Product.code, StockMovement.type, StockMovement.quantity)
        .join(Product, Product.id == StockMovement.product_id)
        .where(StockMovement.organization_id == organization_id)
        .order_by(Product.code, StockMovement.created_at)
    )
    return [(code, kind, str(quantity)) for code, kind, quantity in rows]


def levels_agree_with_movements(db, organization_id):
    """Every tracked product's cached stock_level equals the sum of its movements."""
    total = sa.func.coalesce(sa.func.sum(StockMovement.quantity), 0)
    rows = db.session.execute(
        sa.select(Product.code, Product.stock_level, total)
        .outerjoin(StockMovement, StockMovement.product_id == Product.id)
        .where(Product.organization_id == organization_id, Product.track_inventory.is_(True))
        .group_by(Product.id, Product.code, Product.stock_level)
    ).all()
    return all(level == summed for _code, level, summed in rows) and len(rows) > 0


def test_soft_sme_file_merged_checked_and_applied(
    client, auth, owner, existing, run_jobs, redis_conn, db
):
    created = upload(client, auth, SOFT_SME)
    assert (created["status"], created["job_id"], created["kind"]) == (
        "queued",
        created["id"],
        "inventory",
    )
    assert (created["mode"], created["file_name"], created["total_rows"]) == ("add", "parts.csv", 9)
    assert created["sha256"] == hashlib.sha256(SOFT_SME).hexdigest()
    assert run_jobs() == 1
    done = read(client, auth, created["id"])
    assert counts(done) == ("completed", 9, 9, 5, 4, 2)
    assert done["started_at"] and done["finished_at"] and done["created"] == done["created_at"]
    assert errors_of(client, auth, created["id"]) == EXPECTED_ERRORS
    assert products(client, auth) == EXPECTED_PRODUCTS
    assert movements(db, owner.organization_id) == [
        ("BOLT-10", "import", "125.000"),
        ("EXIST-1", "adjustment", "5.000"),
        ("EXIST-1", "import", "7.000"),
        ("NUT-10", "import", "50.000"),
    ]
    assert levels_agree_with_movements(db, owner.organization_id)
    # the set-based inserts are audited as the session listener audits ORM ones
    audited = {
        (row.entity_type, row.new_values.get("code") or row.new_values.get("quantity"))
        for row in db.session.scalars(
            sa.select(AuditLog).where(
                AuditLog.organization_id == owner.organization_id, AuditLog.action == "CREATE"
            )
        )
        if row.entity_type in ("products", "stock_movements")
    }
    assert audited == {
        ("products", "EXIST-1"),
        ("products", "BOLT-10"),
        ("products", "NUT-10"),
        ("products", "GREASE"),
        ("stock_movements", "5.000"),
        ("stock_movements", "125.000"),
        ("stock_movements", "50.000"),
        ("stock_movements", "7.000"),
    }
    bolt = db.session.scalars(
        sa.select(AuditLog).where(
            AuditLog.entity_type == "products", AuditLog.new_values["code"].as_string() == "BOLT-10"
        )
    ).one()
    assert (bolt.new_values["cost"], bolt.new_values["stock_level"]) == ("0.30", "125.000")
    job = client.get(f"/api/v1/jobs/{created['job_id']}", headers=auth).get_json()
    assert (job["status"], job["progress"]) == ("finished", 100)
    assert job["result"] == {"import_id": created["id"], "status": "completed"}
    # the stored file is gone, the outbox message processed
    assert db.session.get(DataImportFile, uuid.UUID(created["id"])) is None
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.job_id == created["id"])
    ).one()
    assert message.processed_at is not None


def test_the_same_file_again_is_refused_and_changes_nothing(
    client, auth, owner, existing, run_jobs, redis_conn, db, assert_error
):
    first = upload(client, auth, SOFT_SME)
    run_jobs()
    before = (products(client, auth), movements(db, owner.organization_id))
    again = client.post(
        "/api/v1/inventory/imports",
        data={"file": (io.BytesIO(SOFT_SME), "parts-copy.csv")},
        content_type="multipart/form-data",
        headers=auth,
    )
    body = assert_error(again, 409, "DUPLICATE_IMPORT")
    assert body["details"] == {"import_id": first["id"], "status": "completed"}
    # a second run of the finished job changes nothing either
    assert imports.run(uuid.UUID(first["id"])) == "completed"
    assert run_jobs() == 0
    assert (products(client, auth), movements(db, owner.organization_id)) == before
    listed = client.get("/api/v1/data-imports", headers=auth).get_json()
    assert [row["id"] for row in listed] == [first["id"]]


def test_set_mode_sets_on_hand_and_a_forced_second_run_changes_nothing(
    client, auth, owner, existing, run_jobs, redis_conn, db
):
    content = b"part_number,part_description,quantity\nEXIST-1,Widget,2\nNEW-1,New part,4\n"
    first = upload(client, auth, content, "?mode=set")
    run_jobs()
    assert counts(read(client, auth, first["id"])) == ("completed", 2, 2, 2, 0, 0)
    second = upload(client, auth, content, "?mode=set&force=true")
    run_jobs()
    assert counts(read(client, auth, second["id"])) == ("completed", 2, 2, 2, 0, 0)
    assert movements(db, owner.organization_id) == [
        ("EXIST-1", "adjustment", "5.000"),
        ("EXIST-1", "import", "-3.000"),
        ("NEW-1", "import", "4.000"),
    ]
    assert {k: v[5] for k, v in products(client, auth).items()} == {
        "EXIST-1": "2.000",
        "NEW-1": "4.000",
    }
    assert levels_agree_with_movements(db, owner.organization_id)


def test_progress_is_visible_while_it_runs(client, auth, owner, monkeypatch, redis_conn, db):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 4)
    created = upload(client, auth, SOFT_SME)
    seen = []

    def progress(percent):
        seen.append((percent, counts(read(client, auth, created["id"]))))

    assert imports.run(uuid.UUID(created["id"]), progress) == "completed"
    assert seen == [
        (44, ("running", 9, 4, 3, 1, 1)),  # rows 2-5
        (88, ("running", 9, 8, 4, 4, 2)),  # rows 6-9
        (100, ("running", 9, 9, 5, 4, 2)),  # row 10
    ]
    assert counts(read(client, auth, created["id"])) == ("completed", 9, 9, 5, 4, 2)


def test_a_killed_run_goes_on_from_the_first_chunk_not_committed(
    client, auth, owner, existing, monkeypatch, redis_conn, db
):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 4)
    created = upload(client, auth, SOFT_SME)
    real = import_apply.apply_parts
    calls = []

    def dies_on_the_second_chunk(actor, data_import, parts):
        calls.append([p.code for p in parts])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(actor, data_import, parts)

    monkeypatch.setattr(imports, "apply_parts", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        imports.run(uuid.UUID(created["id"]))
    db.session.rollback()
    assert counts(read(client, auth, created["id"])) == ("running", 9, 4, 3, 1, 1)
    assert imports.run(uuid.UUID(created["id"])) == "completed"
    assert calls == [["BOLT-10", "NUT-10"], ["GREASE"], ["GREASE"], ["EXIST-1"]]
    assert counts(read(client, auth, created["id"])) == ("completed", 9, 9, 5, 4, 2)
    assert errors_of(client, auth, created["id"]) == EXPECTED_ERRORS
    assert products(client, auth) == EXPECTED_PRODUCTS
    assert levels_agree_with_movements(db, owner.organization_id)


@pytest.mark.parametrize(
    ("content", "code", "row_number", "column"),
    [
        (b"\xff\xfe\x00p\x00a\x00r\x00t", "NOT_CSV", None, None),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "NOT_CSV", None, None),
        (b"BOLT-1,Bolt,Each,5\nNUT-1,Nut,Each,3\n", "NO_HEADER", 1, None),
        (b"part_description,quantity\nBolt,5\n", "MISSING_COLUMN", 1, "part_number"),
    ],
)
def test_a_file_that_cannot_be_read_fails_as_a_whole(
    client, auth, owner, run_jobs, redis_conn, db, content, code, row_number, column
):
    created = upload(client, auth, content)
    run_jobs()
    failed = read(client, auth, created["id"])
    assert counts(failed)[0] == "failed" and failed["finished_at"]
    assert (failed["processed_rows"], failed["succeeded_rows"]) == (0, 0)
    [error] = errors_of(client, auth, created["id"])
    assert error == (row_number, column, None, code, "error")
    assert products(client, auth) == {}
    # nothing was applied, so the same file may be sent again
    upload(client, auth, content)


def test_text_csv_body_and_the_template(client, auth, owner, run_jobs, redis_conn):
    template = client.get("/api/v1/inventory/imports/template", headers=auth)
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert template.data == (
        b"part_number,part_description,unit,quantity,last_unit_cost,reorder_point,part_type\r\n"
    )
    content = template.data + b"A-1,Anchor,Box,2.5,1.255,,\nA-2 ,Anchor 2,,1e3,,-1,\n"
    response = client.post(
        "/api/v1/inventory/imports?file_name=anchors.csv",
        data=content,
        content_type="text/csv",
        headers=auth,
    )
    assert response.status_code == 202, response.get_json()
    created = response.get_json()
    run_jobs()
    assert counts(read(client, auth, created["id"])) == ("completed", 2, 2, 0, 2, 0)
    assert read(client, auth, created["id"])["file_name"] == "anchors.csv"
    assert errors_of(client, auth, created["id"]) == [
        (2, "last_unit_cost", "1.255", "INVALID_NUMBER", "error"),
        (3, "quantity", "1e3", "INVALID_NUMBER", "error"),
        (3, "reorder_point", "-1", "NEGATIVE_VALUE", "error"),
    ]


def test_long_values_and_bad_part_types(client, auth, owner, run_jobs, redis_conn):
    long_code = "P" * 101
    content = (
        f"part_number,part_description,unit,part_type\n{long_code},Pipe,Each,\n"
        "OK-1,Fine,Each,Stock\nOK-2,Odd,Each,gizmo\n"
    ).encode()
    created = upload(client, auth, content)
    run_jobs()
    assert counts(read(client, auth, created["id"])) == ("completed", 3, 3, 1, 2, 0)
    assert errors_of(client, auth, created["id"]) == [
        (2, "part_number", long_code, "TOO_LONG", "error"),
        (4, "part_type", "gizmo", "UNKNOWN_PART_TYPE", "error"),
    ]
    assert list(products(client, auth)) == ["OK-1"]


def test_upload_limits_and_media_types(client, auth, assert_error, monkeypatch):
    too_many = b"part_number,part_description\n" + b"P,Part\n" * 50_001
    body = assert_error(
        client.post(
            "/api/v1/inventory/imports", data=too_many, content_type="text/csv", headers=auth
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert list(body["errors"]) == ["file"]
    huge = b"part_number,part_description\n" + b"P" * (10 * 1024 * 1024)
    response = client.post(
        "/api/v1/inventory/imports", data=huge, content_type="text/csv", headers=auth
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    response = client.post(
        "/api/v1/inventory/imports", data=b"a,b", content_type="text/plain", headers=auth
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    for empty in (b"", b" \n"):
        response = client.post(
            "/api/v1/inventory/imports", data=empty, content_type="text/csv", headers=auth
        )
        assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["file"]
    response = client.post(
        "/api/v1/inventory/imports",
        data={"other": "x"},
        content_type="multipart/form-data",
        headers=auth,
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["file"]
    response = client.post(
        "/api/v1/inventory/imports?mode=replace",
        data=SOFT_SME,
        content_type="text/csv",
        headers=auth,
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["mode"]


def test_roles_and_tenants(client, owner, make_org, make_employee, headers, assert_error, db):
    manager = make_employee(owner, role="manager").user
    employee = make_employee(owner, role="employee").user
    created = upload(client, headers(manager), SOFT_SME)
    response = client.post(
        "/api/v1/inventory/imports",
        data=SOFT_SME,
        content_type="text/csv",
        headers=headers(employee),
    )
    assert_error(response, 403, "FORBIDDEN")
    other = headers(make_org(name="Other"))
    for path in (f"data-imports/{created['id']}", f"data-imports/{created['id']}/errors"):
        assert_error(client.get(f"/api/v1/{path}", headers=other), 404, "NOT_FOUND")
    # another organization may import the same file: duplicates are per organization
    upload(client, other, SOFT_SME)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataImport)) >= 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportRowError)) == 0
