"""Stock reservations and issues (the API the sales, purchasing and production work calls):
`reserved_quantity` is the sum of the reservations and `stock_level` of the movements, always;
available stock never goes below 0 (409 `INSUFFICIENT_STOCK`, nothing written); the ledger is
append-only in PostgreSQL."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.errors import ValidationFailed
from app.models import Product, StockMovement, StockReservation
from app.services.inventory import stock
from app.services.inventory.stock import InsufficientStock

D = Decimal
ORDER_LINE = "sales_order_line"


@pytest.fixture
def owner(make_org):
    return make_org("Depot", timezone="UTC")


@pytest.fixture
def bolt(owner, db):
    product = Product(
        id=uuid.uuid4(),
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        code="BOLT",
        name="Bolt",
        currency="USD",
    )
    db.session.add(product)
    db.session.flush()
    stock.post_movement(owner, {"product_id": product.id, "quantity": D("10"), "type": "receipt"})
    return product


def cached(db, product):
    db.session.refresh(product)
    return product.stock_level, product.reserved_quantity, product.available_quantity


def sums(product):
    return stock.stock_total(product.id), stock.reserved_total(product.id)


def test_reserve_release_and_issue_keep_the_cached_columns_equal_to_the_sums(owner, bolt, db):
    line_a, line_b = uuid.uuid4(), uuid.uuid4()
    ref_a = {"reference_type": ORDER_LINE, "reference_id": line_a}
    ref_b = {"reference_type": ORDER_LINE, "reference_id": line_b}
    assert stock.reserve(owner, bolt.id, D("4.5"), **ref_a) == D("4.500")
    assert stock.reserve(owner, bolt.id, D("3"), **ref_b) == D("3.000")
    assert cached(db, bolt) == (D("10.000"), D("7.500"), D("2.500"))
    # a second reservation of line A stacks; more than available is refused, nothing written
    assert stock.reserve(owner, bolt.id, D("0.5"), **ref_a) == D("5.000")
    with pytest.raises(InsufficientStock) as refused:
        stock.reserve(owner, bolt.id, D("2.001"), **ref_b)
    assert refused.value.details == {
        "product_id": str(bolt.id),
        "requested": "2.001",
        "available": "2.000",
    }
    assert cached(db, bolt) == (D("10.000"), D("8.000"), D("2.000"))
    # reserve what there is: the rest is the shortage
    assert stock.reserve_up_to(owner, bolt.id, D("5"), **ref_b) == D("2.000")
    assert stock.reserve_up_to(owner, bolt.id, D("5"), **ref_b) == D("0")
    assert stock.held(bolt.id, ORDER_LINE, line_b) == D("5.000")
    # issuing line A's 6: its 5 held, 1 more from available stock (none left: refused)
    with pytest.raises(InsufficientStock):
        stock.issue(owner, bolt.id, D("6"), **ref_a)
    assert cached(db, bolt) == (D("10.000"), D("10.000"), D("0.000"))
    movement = stock.issue(owner, bolt.id, D("2"), **ref_a)
    assert (movement.quantity, movement.type, movement.reference_id) == (D("-2"), "issue", line_a)
    assert stock.held(bolt.id, ORDER_LINE, line_a) == D("3.000")
    assert cached(db, bolt) == (D("8.000"), D("8.000"), D("0.000"))
    # release: never more than the document holds
    with pytest.raises(ValidationFailed):
        stock.release(owner, bolt.id, D("3.001"), **ref_a)
    assert stock.release(owner, bolt.id, D("1"), **ref_a) == D("2.000")
    assert stock.release_all(owner, bolt.id, **ref_b) == D("5.000")
    assert cached(db, bolt) == (D("8.000"), D("2.000"), D("6.000"))
    assert sums(bolt) == (D("8.000"), D("2.000"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockReservation)) == 7


def test_an_issue_beyond_what_is_held_takes_available_stock(owner, bolt, db):
    ref = {"reference_type": ORDER_LINE, "reference_id": uuid.uuid4()}
    stock.reserve(owner, bolt.id, D("2"), **ref)
    stock.issue(owner, bolt.id, D("7"), **ref)  # 2 held + 5 of the 8 available
    assert cached(db, bolt) == (D("3.000"), D("0.000"), D("3.000"))
    assert sums(bolt) == (D("3.000"), D("0.000"))


def test_a_movement_may_not_take_stock_below_zero_nor_quantities_be_zero(owner, bolt, db):
    ref = {"reference_type": ORDER_LINE, "reference_id": uuid.uuid4()}
    for call in (stock.reserve, stock.release, stock.issue, stock.reserve_up_to):
        with pytest.raises(ValidationFailed):
            call(owner, bolt.id, D("0"), **ref)
    with pytest.raises(stock.NegativeStock):
        stock.post_movement(
            owner, {"product_id": bolt.id, "quantity": D("-10.001"), "type": "issue"}
        )
    assert cached(db, bolt) == (D("10.000"), D("0.000"), D("10.000"))


def test_another_tenants_product_is_not_found(owner, bolt, make_org):
    stranger = make_org("Other")
    with pytest.raises(ValidationFailed):
        stock.reserve(stranger, bolt.id, D("1"), reference_type="x", reference_id=uuid.uuid4())


@pytest.mark.parametrize("table", [StockReservation, StockMovement], ids=lambda t: t.__tablename__)
@pytest.mark.parametrize("change", ["update", "delete"])
def test_postgresql_refuses_to_change_the_ledgers(table, change, owner, bolt, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the triggers are PostgreSQL's (SQLite, the laptop default, has none)")
    stock.reserve(owner, bolt.id, D("1"), reference_type="x", reference_id=uuid.uuid4())
    statement = sa.update(table).values(quantity=D("5")) if change == "update" else sa.delete(table)
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(statement.execution_options(synchronize_session=False))
    savepoint.rollback()
    assert sums(bolt) == (D("10.000"), D("1.000"))
