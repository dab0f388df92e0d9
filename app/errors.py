"""Domain exceptions and the one JSON error envelope every failure is answered with."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, jsonify, make_response
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule was broken; the subclass says which status and machine code the client gets."""

    status = 400
    code = "BAD_REQUEST"
    default_message = "The request cannot be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        if code:
            self.code = code
        self.errors = errors or {}
        self.details = details or {}


class ValidationFailed(DomainError):
    status, code, default_message = 422, "VALIDATION_ERROR", "The input is not valid."


class Unauthorized(DomainError):
    status, code, default_message = 401, "UNAUTHORIZED", "Authentication is required."


class Forbidden(DomainError):
    status, code, default_message = 403, "FORBIDDEN", "You are not allowed to do this."


class NotFound(DomainError):
    status, code, default_message = 404, "NOT_FOUND", "No such resource."


class Conflict(DomainError):
    status, code, default_message = 409, "CONFLICT", "The request conflicts with existing data."


class InUse(Conflict):
    """A delete of a row others still refer to: cancel or archive it instead."""

    code, default_message = "IN_USE", "This is still in use; cancel or archive it instead."


class InvalidTransition(Conflict):
    """A status change the resource's state machine does not allow (tasks, entries, shifts)."""

    code, default_message = "INVALID_TRANSITION", "This status change is not allowed."


class RoleNotAssignable(Forbidden):
    code, default_message = "ROLE_NOT_ASSIGNABLE", "You cannot give this role."


class TokenExpired(Unauthorized):
    """The access token has expired: the client's signal to use its refresh token."""

    code, default_message = "TOKEN_EXPIRED", "The token has expired; refresh it."


class MalformedJson(DomainError):
    code, default_message = "MALFORMED_JSON", "The body is not valid JSON."


class PreconditionFailed(DomainError):
    status, code, default_message = 412, "PRECONDITION_FAILED", "The resource has changed."


class Locked(DomainError):
    status, code, default_message = 423, "LOCKED", "The resource is locked."


class ServiceUnavailable(DomainError):
    status, code, default_message = 503, "SERVICE_UNAVAILABLE", "Try again shortly."


# Machine codes for plain HTTP errors raised by Flask/Werkzeug/flask-smorest themselves.
HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    423: "LOCKED",
    428: "PRECONDITION_REQUIRED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_catalog() -> dict[str, tuple[int, str]]:
    """Every machine code the API can answer → (status, default message): each DomainError
    subclass defined so far (the services define theirs at import) and the plain HTTP codes.
    The OpenAPI document's `ErrorCode` enum and each operation's list are made from it."""
    catalog = {code: (status, HTTPStatus(status).phrase) for status, code in HTTP_CODES.items()}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls is not DomainError and "code" in vars(cls):
            catalog[cls.code] = (cls.status, cls.default_message)
    return dict(sorted(catalog.items()))


def envelope(
    status: int,
    code: str,
    message: str,
    errors: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    body = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message,
        "error": code,
        "errors": errors or {},
        "details": details or {},
    }
    return jsonify(body), status


def flatten_webargs(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); clients want field → messages."""
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if status == 400 and messages and "json" in messages and not isinstance(messages["json"], dict):
        return handle_domain_error(MalformedJson())
    if status == 422 and messages:
        return envelope(
            422, "VALIDATION_ERROR", "The input is not valid.", errors=flatten_webargs(messages)
        )
    message = data.get("message") or exc.description or HTTPStatus(status).phrase
    response = make_response(
        envelope(status, HTTP_CODES.get(status, HTTPStatus(status).name), message)
    )
    # A 405 names the methods the URL takes (RFC 9110 15.5.6), as werkzeug's own answer does.
    for key, value in exc.get_headers():
        if key.lower() == "allow":
            response.headers[key] = value
    return response


def handle_domain_error(exc: DomainError) -> ResponseReturnValue:
    answer = envelope(exc.status, exc.code, exc.message, exc.errors, exc.details)
    retry_after = exc.details.get("retry_after_seconds")
    if retry_after is None:
        return answer
    # A 429 or 503 that knows when to come back says so in the standard header too.
    return *answer, {"Retry-After": str(retry_after)}  # type: ignore[misc]


def handle_integrity_error(exc: IntegrityError) -> ResponseReturnValue:
    from app.extensions import db

    db.session.rollback()
    log.info("integrity error answered with 409: %s", exc.orig)
    return envelope(409, "CONFLICT", "The request conflicts with existing data.")


def handle_data_error(exc: DataError) -> ResponseReturnValue:
    """The database refused a value (SQLSTATE class 22: out of range, too long, bad text):
    bad input that a schema should have caught, answered as such rather than with a 500. The
    warning names it; the quality gates fail on it, so the schema still gets its validation."""
    from app.extensions import db

    db.session.rollback()
    log.warning("database refused a value (a schema should have): %s", exc.orig)
    return envelope(422, "VALIDATION_ERROR", "A value does not fit its field.")


def handle_database_unavailable(exc: DBAPIError) -> ResponseReturnValue:
    from app.extensions import db

    db.session.rollback()
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        log.warning("database unavailable: %s", exc.orig)
        return envelope(503, "SERVICE_UNAVAILABLE", "The database is unavailable; retry shortly.")
    log.exception("database error")
    return envelope(500, "INTERNAL_ERROR", "An unexpected error occurred.")


def handle_unexpected(exc: Exception) -> ResponseReturnValue:
    from app.extensions import db

    db.session.rollback()
    log.exception("unhandled error")
    return envelope(500, "INTERNAL_ERROR", "An unexpected error occurred.")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(DBAPIError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
