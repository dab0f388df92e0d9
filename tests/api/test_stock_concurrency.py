"""Twenty stock changes at once against real PostgreSQL (threads, each with its own session and
connection): fulfilments (reserve, then issue), receipts and reservations of one product, all
taking the product's row lock. None is lost, available stock never goes below 0, and the cached
columns equal the ledgers' sums afterwards. On SQLite (one writer at a time) the same twenty run
one after the other, where the outcome is exact.

These tests commit for real, then empty the tables (`real_commits`)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from decimal import Decimal

from flask import Flask

D = Decimal
THREADS = 20
# (kind, quantity) per worker: 8 fulfilments of 3, 8 receipts of 1, 4 reservations of 2.
WORK = [("fulfil", D("3")), ("receive", D("1")), ("fulfil", D("3")), ("receive", D("1"))] * 4 + [
    ("reserve", D("2"))
] * 4
OPENING = D("10")


def _setup(app: Flask) -> tuple[uuid.UUID, uuid.UUID]:
    from app.extensions import db
    from app.models import Product
    from app.services.identity import auth
    from app.services.inventory import stock
    from app.services.resources import create

    with app.app_context():
        _org, _ws, owner = auth.register(
            {"name": "Race Depot", "timezone": "UTC"},
            {
                "email": f"o-{uuid.uuid4().hex[:6]}@example.com",
                "password": "owner-password",
                "first_name": "O",
                "last_name": "W",
            },
        )
        product = create(Product, owner, {"code": "GEAR", "name": "Gear"})
        stock.post_movement(
            owner, {"product_id": product.id, "quantity": OPENING, "type": "receipt"}
        )
        db.session.commit()
        return owner.id, product.id


def _work(app: Flask, owner_id: uuid.UUID, product_id: uuid.UUID, index: int) -> str:
    """One worker's change in its own session and transaction: 'ok' or the refusal's code."""
    from app.extensions import db
    from app.models import User
    from app.services.inventory import stock
    from app.services.inventory.stock import InsufficientStock

    kind, quantity = WORK[index]
    ref = {"reference_type": "race", "reference_id": uuid.UUID(int=index + 1)}
    with app.app_context():
        actor = db.session.get(User, owner_id)
        try:
            if kind == "fulfil":
                stock.reserve(actor, product_id, quantity, **ref)
                stock.issue(actor, product_id, quantity, **ref)
            elif kind == "receive":
                stock.post_movement(
                    actor, {"product_id": product_id, "quantity": quantity, "type": "receipt"}
                )
            else:
                stock.reserve(actor, product_id, quantity, **ref)
            db.session.commit()
            return f"{kind}:ok"
        except InsufficientStock as refused:
            db.session.rollback()
            return f"{kind}:{refused.code}"
        finally:
            db.session.remove()


def _run(app: Flask, owner_id: uuid.UUID, product_id: uuid.UUID, concurrent: bool) -> Counter:
    outcomes: list[str] = [""] * THREADS
    if not concurrent:
        return Counter(_work(app, owner_id, product_id, i) for i in range(THREADS))
    barrier = threading.Barrier(THREADS)

    def call(i: int) -> None:
        barrier.wait()
        outcomes[i] = _work(app, owner_id, product_id, i)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return Counter(outcomes)


def _state(app: Flask, product_id: uuid.UUID) -> tuple[Decimal, ...]:
    from app.extensions import db
    from app.models import Product, StockMovement
    from app.services.inventory import stock

    with app.app_context():
        product = db.session.get(Product, product_id)
        assert product is not None
        movements = db.session.query(StockMovement).filter_by(product_id=product_id).count()
        return (
            product.stock_level,
            product.reserved_quantity,
            product.available_quantity,
            D(stock.stock_total(product_id)),
            D(stock.reserved_total(product_id)),
            D(movements),
        )


def test_twenty_concurrent_fulfilments_receipts_and_reservations(real_commits):
    from app.extensions import db

    with real_commits.app_context():
        concurrent = db.engine.dialect.name == "postgresql"
    owner_id, product_id = _setup(real_commits)
    outcomes = _run(real_commits, owner_id, product_id, concurrent)
    print("outcomes:", dict(sorted(outcomes.items())))
    assert sum(outcomes.values()) == THREADS and "" not in outcomes
    fulfilled, reserved = outcomes["fulfil:ok"], outcomes["reserve:ok"]
    # receipts never fail; every refusal is a fulfilment or reservation short of stock
    assert outcomes["receive:ok"] == 8
    assert fulfilled + outcomes["fulfil:INSUFFICIENT_STOCK"] == 8
    assert reserved + outcomes["reserve:INSUFFICIENT_STOCK"] == 4
    level, held, available, moved, reserved_sum, movements = _state(real_commits, product_id)
    assert level == OPENING + 8 - 3 * fulfilled == moved
    assert held == 2 * reserved == reserved_sum
    assert available == level - held >= 0
    assert movements == 1 + 8 + fulfilled
    if not concurrent:
        # one after the other: 10 → 7 8 5 6 3 4 1 2 (short) 3 0 1 (short) 2 (short) 3, then
        # one reservation of 2 and three refused
        assert outcomes == {
            "fulfil:ok": 5,
            "fulfil:INSUFFICIENT_STOCK": 3,
            "receive:ok": 8,
            "reserve:ok": 1,
            "reserve:INSUFFICIENT_STOCK": 3,
        }
        assert (level, held, available) == (D("3.000"), D("2.000"), D("1.000"))
