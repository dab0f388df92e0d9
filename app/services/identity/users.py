"""User accounts inside an organization: who may grant which role, password changes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.errors import Conflict, Forbidden, RoleNotAssignable
from app.extensions import db
from app.models import Organization, User
from app.services.identity.auth import email_taken, normalise_email, revoke_all_sessions
from app.services.identity.passwords import check_strength, hash_password
from app.services.tenancy import scoped


class LastOwner(Conflict):
    code, default_message = "LAST_OWNER", "An organization keeps at least one active owner."


def assignable_roles(actor: User) -> frozenset[str]:
    """Owners grant any role, admins any but owner, managers only `employee`."""
    if actor.role == "owner":
        return frozenset({"owner", "admin", "manager", "payroll", "employee"})
    if actor.role == "admin":
        return frozenset({"admin", "manager", "payroll", "employee"})
    if actor.role == "manager":
        return frozenset({"employee"})
    return frozenset()


def _check_role_grant(actor: User, role: str) -> None:
    if role not in assignable_roles(actor):
        raise RoleNotAssignable(f"You cannot give the role {role!r}.")


def search_users(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    stmt = scoped(User, actor)
    for field in ("role", "status"):
        if field in filters:
            stmt = stmt.where(getattr(User, field) == filters[field])
    if q := filters.get("q"):
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.email).like(like),
                sa.func.lower(User.first_name + " " + User.last_name).like(like),
            )
        )
    return stmt.order_by(User.last_name, User.first_name, User.id)


def create_user(actor: User, data: dict[str, Any]) -> User:
    role = data.get("role", "employee")
    _check_role_grant(actor, role)
    # The whole body is checked before the e-mail is looked up, so that a weak password is
    # 422 WEAK_PASSWORD whether or not the address has an account (issue 19).
    check_strength(
        data["password"], user_inputs=(data["email"], data.get("first_name"), data.get("last_name"))
    )
    if email_taken(data["email"]):
        raise Conflict("An account with this e-mail already exists.", errors={"email": ["Taken."]})
    user = User(
        organization_id=actor.organization_id,
        workspace_id=actor.workspace_id,
        email=normalise_email(data["email"]),
        password_hash=hash_password(data["password"]),
        first_name=data["first_name"],
        last_name=data["last_name"],
        phone=data.get("phone"),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _live_owner_count(organization_id: Any) -> int:
    """Active owners, counted under a row lock on the organization: two owners demoting
    themselves at once would otherwise both count two and leave none (issue 19). The second
    waits for the first to commit, then counts again with what it wrote."""
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == organization_id).with_for_update()
    )
    stmt = sa.select(sa.func.count()).where(
        User.organization_id == organization_id,
        User.role == "owner",
        User.status == "active",
        User.deleted_at.is_(None),
    )
    return db.session.scalar(stmt) or 0


def update_user(actor: User, user: User, data: dict[str, Any]) -> User:
    if user.role == "owner" and actor.role != "owner":
        raise Forbidden("Only an owner can change an owner's account.")
    if "role" in data and data["role"] != user.role:
        _check_role_grant(actor, data["role"])
    demoted = user.role == "owner" and (
        data.get("role", "owner") != "owner" or data.get("status", "active") != "active"
    )
    if demoted and _live_owner_count(user.organization_id) <= 1:
        raise LastOwner()
    if "email" in data and normalise_email(data["email"]) != user.email:
        if email_taken(data["email"]):
            raise Conflict(
                "An account with this e-mail already exists.", errors={"email": ["Taken."]}
            )
        user.email = normalise_email(data["email"])
    for field in ("first_name", "last_name", "phone", "role", "status"):
        if field in data:
            setattr(user, field, data[field])
    if "password" in data:
        user.password_hash = hash_password(data["password"])
        revoke_all_sessions(user, "password_changed")
    if data.get("status", "active") != "active":
        revoke_all_sessions(user, "deactivated")
    db.session.flush()
    return user
