"""Who is calling: JWT callbacks, the permission table and the one helper every view uses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, g, request
from flask_jwt_extended import current_user, get_jwt, verify_jwt_in_request

from app.errors import Forbidden, TokenExpired, envelope
from app.extensions import jwt
from app.models import User
from app.services import audit
from app.services.identity.auth import TokenRevoked, session_user

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES = frozenset({"owner", "admin", "manager", "payroll", "employee"})
ADMINS = frozenset({"owner", "admin"})

# permission → roles holding it. Row-level limits (a manager's reports, an employee's own
# rows) are applied by the services on top of this.
PERMISSIONS: dict[str, frozenset[str]] = {
    "self": ALL_ROLES,
    "users:read": ADMINS,
    "users:write": ADMINS,
    "employees:read": ALL_ROLES,
    "employees:write": ADMINS | {"manager"},
    "departments:read": ALL_ROLES,
    "departments:write": ADMINS,
    "audit:read": ADMINS,
    "organization:write": ADMINS,
    # rows limited by app.services.time_tracking.time_entries.visible_entries
    "time:read": ALL_ROLES,
    "clock:punch": ALL_ROLES,  # needs an employee record; checked by the clock service
    "clock_events:read": ALL_ROLES,  # rows limited by time_tracking.clock_events.search
    "geofences:read": ALL_ROLES,
    "geofences:write": ADMINS,
    "time:write": ALL_ROLES,  # own entries; managers their reports' (time_entry_lifecycle)
    "time:approve": ADMINS | {"manager"},  # never one's own entries
    "approvals:read": ADMINS | {"manager"},  # rows limited by app.services.approvals.queue
    "shift_templates:read": ADMINS | {"manager", "payroll"},
    "shift_templates:write": ADMINS | {"manager"},
    "shifts:read": ALL_ROLES,  # rows limited by app.services.time_tracking.shifts.visible_shifts
    "shifts:write": ADMINS | {"manager"},
    "tasks:read": ALL_ROLES,  # rows limited by app.services.time_tracking.tasks.visible_tasks
    "tasks:write": ADMINS | {"manager"},
    "tasks:status": ALL_ROLES,  # assignees move their own tasks (tasks.change_status)
    "settings:time": ADMINS,
    # Who makes the documents that wait for approvals reads the thresholds they wait at.
    "settings:approvals:read": ADMINS | {"manager", "payroll"},
    "settings:approvals:write": ADMINS,
    "jobs:read": ADMINS | {"manager", "payroll"},  # rows limited to the caller's organization
    "settings:overtime:read": ADMINS | {"manager", "payroll"},
    "settings:overtime:write": ADMINS,
    "settings:payroll": ADMINS | {"payroll"},
    "overtime_alerts:read": ALL_ROLES,  # rows limited by app.services.identity.employees visibility
    "overtime_alerts:acknowledge": ADMINS | {"manager", "payroll"},
    "summaries:read": ALL_ROLES,  # rows limited by app.services.identity.employees visibility
    "summaries:recompute": ADMINS | {"payroll"},
    "payroll_exports:read": ADMINS | {"payroll"},
    "payroll_exports:write": ADMINS | {"payroll"},
    # ERP_API.md: employees may browse the products and customers a task names.
    "catalog:read": ALL_ROLES,
}

# ERP domain → the roles that write it (ERP_API.md, "Roles"). Owners and admins hold every
# permission; managers read every domain; payroll reads and writes finance; employees hold
# none of these (their one way in is `catalog:read`).
DOMAIN_WRITERS: dict[str, frozenset[str]] = {
    "identity": ADMINS,
    "crm": ADMINS | {"manager"},
    "inventory": ADMINS | {"manager"},
    "purchasing": ADMINS | {"manager"},
    "sales": ADMINS | {"manager"},
    "production": ADMINS | {"manager"},
    "finance": ADMINS | {"payroll"},
    "planning": ADMINS,
    "reporting": ADMINS,
    "data": ADMINS,
    "agents": ADMINS,
}
for _domain, _writers in DOMAIN_WRITERS.items():
    PERMISSIONS[f"{_domain}:read"] = ADMINS | {"manager"} | _writers
    PERMISSIONS[f"{_domain}:write"] = _writers


def has_permission(user: User, permission: str) -> bool:
    return user.role in PERMISSIONS[permission]


def requires(permission: str, *, refresh: bool = False) -> Callable[[F], F]:
    """Authenticate the bearer token, then check that the caller's role holds `permission`."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            verify_jwt_in_request(refresh=refresh)
            actor = current_actor()
            if not has_permission(actor, permission):
                raise Forbidden()
            return view(*args, **kwargs)

        wrapper._fieldclock_permission = permission  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorator


def current_actor() -> User:
    return cast(User, current_user)


def current_session_id() -> str:
    return str(get_jwt()["sid"])


def _set_audit_context(user: User | None) -> None:
    audit.set_context(
        audit.AuditContext(
            user_id=user.id if user else None,
            user_email=user.email if user else None,
            session_id=str(g.get("jwt_sid")) if g.get("jwt_sid") else None,
            ip_address=request.remote_addr,
            user_agent=(request.user_agent.string or None),
            request_path=request.path[:500],
            http_method=request.method,
            source="api",
        )
    )


def init_security(app: Flask) -> None:
    app.before_request(lambda: _set_audit_context(None))

    # flask-jwt-extended asks "revoked?" before "which user?": one query answers both, and
    # the user found is handed over through `g`.
    @jwt.token_in_blocklist_loader
    def is_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        g.jwt_user = session_user(payload.get("sid"), payload.get("sub"))
        return g.jwt_user is None

    @jwt.user_lookup_loader
    def load_user(_header: dict[str, Any], payload: dict[str, Any]) -> User | None:
        user: User | None = g.pop("jwt_user", None)
        if user is None or user.deleted_at is not None or user.status != "active":
            return None
        g.jwt_sid = payload.get("sid")
        _set_audit_context(user)
        return user

    @jwt.unauthorized_loader
    def missing_token(reason: str) -> Any:
        return envelope(401, "UNAUTHORIZED", "A bearer token is required.")

    @jwt.invalid_token_loader
    def invalid_token(reason: str) -> Any:
        return envelope(401, "UNAUTHORIZED", "The token is not valid.")

    @jwt.expired_token_loader
    def expired_token(_header: dict[str, Any], _payload: dict[str, Any]) -> Any:
        return envelope(401, TokenExpired.code, TokenExpired.default_message)

    @jwt.revoked_token_loader
    def revoked_token(_header: dict[str, Any], _payload: dict[str, Any]) -> Any:
        return envelope(401, TokenRevoked.code, TokenRevoked.default_message)

    @jwt.needs_fresh_token_loader
    def needs_fresh(_header: dict[str, Any], _payload: dict[str, Any]) -> Any:
        return envelope(401, "UNAUTHORIZED", "A fresh login is required.")

    @jwt.user_lookup_error_loader
    def unknown_user(_header: dict[str, Any], _payload: dict[str, Any]) -> Any:
        return envelope(401, "UNAUTHORIZED", "The account behind this token is not active.")

    @jwt.token_verification_failed_loader
    def failed(_header: dict[str, Any], _payload: dict[str, Any]) -> Any:
        return envelope(401, "UNAUTHORIZED", "The token is not valid.")
