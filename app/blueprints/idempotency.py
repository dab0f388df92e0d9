"""`@idempotent`: the `Idempotency-Key` header of API.md for one view.

Order on a view: `@requires(...)` (outermost), `@idempotent`, then the flask-smorest decorators.
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
        g.idempotency_claim = key
        try:
            response = make_response(view(*args, **kwargs))
        except (DomainError, HTTPException) as exc:
            db.session.rollback()
            if isinstance(exc, HTTPException) and (exc.code or 500) >= 500:
                raise
            handled = (
                handle_domain_error(exc)
                if isinstance(exc, DomainError)
                else handle_http_exception(exc)
            )
            response = make_response(handled)
        except Exception:
            idempotency.release(user, key)
            raise
        if response.status_code >= 500:
            idempotency.release(user, key)
            return response
        idempotency.store(
            user,
            key,
            request.method,
            request.path,
            digest,
            response.status_code,
            response.get_data(as_text=True),
        )
        return response

    return cast(F, wrapper)
