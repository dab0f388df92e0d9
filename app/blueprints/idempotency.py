"""`@idempotent`: the `Idempotency-Key` header of API.md for one view.

Order on a view: `@requires(...)` (outermost), `@idempotent`, then the flask-smorest decorators.

With a key, the whole request is one transaction: the claim on the key, the view's work and the
response stored for the key are committed together by the decorator, once, after the response
is built. So a crash or a lost database at any point leaves either all three or none of them:
never work whose answer is lost (a retry then waits and gets 409 IDEMPOTENCY_IN_PROGRESS) nor
an answer for work that was not kept. A view under `@idempotent` therefore commits with
`commit_work()`, not `db.session.commit()`: without a key that is a commit; with one, the work
so far is kept (the view runs in a savepoint, which it releases) even if the view then raises,
as the clock does after logging a refused punch, and the decorator commits it.

- 2xx-4xx (a DomainError or a 4xx HTTPException included): what the view did not keep is rolled
  back; the response (status and body text exactly as sent; API.md asks for no more, so
  headers such as ETag are not stored) is written on the claim and committed with the work.
  A replay answers it again with `Idempotent-Replayed: true`.
- 5xx or an unexpected exception: everything is rolled back, claim included, so a retry runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, g, make_response, request
from werkzeug.exceptions import HTTPException

from app.errors import DomainError, ValidationFailed, handle_domain_error, handle_http_exception
from app.extensions import db
from app.security import current_actor
from app.services import idempotency

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _replayed(stored: idempotency.StoredResponse) -> Response:
    response = make_response(stored.body, stored.status)
    if stored.body:
        response.mimetype = "application/json"
    response.headers["Idempotent-Replayed"] = "true"
    return response


def holds_claim() -> bool:
    """Whether this request's transaction holds an Idempotency-Key claim, which must survive
    a failure of the request's own work (so that work needs a savepoint of its own)."""
    return g.get("idempotency_claim") is not None


def commit_work() -> None:
    """Commit the view's work; under an Idempotency-Key, keep it for the decorator's commit
    (the one that also stores the response) instead."""
    work = g.get("idempotency_work")
    if work is None:
        db.session.commit()
        return
    work.commit()  # RELEASE SAVEPOINT: kept whatever the view does next
    g.idempotency_work = db.session.begin_nested()  # (lazy: no SAVEPOINT until it is used)


def _respond(user: Any, key: str, view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run the view holding the claim; store its answer and commit once (or roll back)."""
    g.idempotency_claim = key
    g.idempotency_work = db.session.begin_nested()
    try:
        response = make_response(view(*args, **kwargs))
    except (DomainError, HTTPException) as exc:
        if isinstance(exc, HTTPException) and (exc.code or 500) >= 500:
            db.session.rollback()
            raise
        if g.idempotency_work.is_active:
            g.idempotency_work.rollback()  # what the view did not keep
        handled = (
            handle_domain_error(exc) if isinstance(exc, DomainError) else handle_http_exception(exc)
        )
        response = make_response(handled)
    except Exception:
        db.session.rollback()
        raise
    if response.status_code >= 500:
        db.session.rollback()
        return response
    idempotency.store(user, key, response.status_code, response.get_data(as_text=True))
    db.session.commit()
    return response


def idempotent(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not key or len(key) > MAX_KEY_LENGTH:
            raise ValidationFailed(errors={HEADER: [f"1 to {MAX_KEY_LENGTH} characters."]})
        user = current_actor()
        digest = idempotency.request_hash(request.method, request.path, request.get_data())
        stored = idempotency.claim(user, key, request.method, request.path, digest)
        if stored is not None:
            db.session.commit()
            return _replayed(stored)
        try:
            return _respond(user, key, view, *args, **kwargs)
        finally:
            # g outlives the request where an app context was already pushed (tests, CLI).
            g.pop("idempotency_claim", None)
            g.pop("idempotency_work", None)

    wrapper._fieldclock_idempotent = True  # type: ignore[attr-defined]  # (app.openapi)
    return cast(F, wrapper)
