"""Sign-up, login with lockout, refresh-token rotation with reuse detection, logout.

Accounts cannot be enumerated through these answers (issue 19): registration validates the
whole body (the password's strength included) before it looks the e-mail up, and login answers
an unknown e-mail exactly as a known one with a wrong password, lockout included: its failures
are counted in the rate limiter's storage (Redis; the user row holds a known account's), so the
sixth wrong attempt within the window is 423 ACCOUNT_LOCKED either way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from limits import RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.orm import contains_eager, joinedload

from app.errors import Conflict, Forbidden, Locked, Unauthorized
from app.extensions import db
from app.models import Employee, Organization, User, UserSession, Workspace
from app.models.base import utcnow
from app.services import audit
from app.services.finance.accounts import seed_chart
from app.services.identity.passwords import check_strength, hash_password, verify_password


class InvalidCredentials(Unauthorized):
    code, default_message = "INVALID_CREDENTIALS", "E-mail or password is wrong."


class AccountLocked(Locked):
    code, default_message = "ACCOUNT_LOCKED", "Too many failed logins; the account is locked."


class AccountDisabled(Forbidden):
    code, default_message = "ACCOUNT_DISABLED", "This account is not active."


class TokenRevoked(Unauthorized):
    code, default_message = "TOKEN_REVOKED", "This token has been revoked; log in again."


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str) -> bool:
    stmt = sa.select(User.id).where(User.email == normalise_email(email), User.deleted_at.is_(None))
    return db.session.scalar(stmt) is not None


def register(
    organization: dict[str, Any], owner: dict[str, Any]
) -> tuple[Organization, Workspace, User]:
    """A new tenant with its default workspace and its owner."""
    names = (owner["email"], owner.get("first_name"), owner.get("last_name"), organization["name"])
    check_strength(owner["password"], user_inputs=names)  # before the lookup: see the docstring
    if email_taken(owner["email"]):
        raise Conflict("An account with this e-mail already exists.", errors={"email": ["Taken."]})
    password_hash = hash_password(owner["password"])
    org = Organization(**organization)
    db.session.add(org)
    db.session.flush()
    workspace = Workspace(organization_id=org.id, name="Main", type="main")
    db.session.add(workspace)
    db.session.flush()
    user = User(
        organization_id=org.id,
        workspace_id=workspace.id,
        email=normalise_email(owner["email"]),
        password_hash=password_hash,
        first_name=owner["first_name"],
        last_name=owner["last_name"],
        role="owner",
    )
    db.session.add(user)
    db.session.flush()
    workspace.created_by = user.id
    seed_chart(org.id)  # ERP_API.md: every organization starts with a chart of accounts
    return org, workspace, user


def _issue(user: User, session: UserSession) -> Tokens:
    claims = {"sid": str(session.id), "org": str(user.organization_id), "role": user.role}
    access = create_access_token(identity=str(user.id), additional_claims=claims)
    refresh = create_refresh_token(
        identity=str(user.id),
        additional_claims={"sid": str(session.id), "jti": session.refresh_jti},
    )
    expires = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return Tokens(access, refresh, int(expires.total_seconds()), user)


def start_session(user: User, ip: str | None, user_agent: str | None) -> Tokens:
    now = utcnow()
    session = UserSession(
        id=uuid.uuid4(),
        organization_id=user.organization_id,
        user_id=user.id,
        refresh_jti=uuid.uuid4().hex,
        created_at=now,
        expires_at=now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
        ip_address=ip,
        user_agent=user_agent,
    )
    db.session.add(session)
    db.session.flush()
    return _issue(user, session)


def _record_failure(user: User, now: datetime) -> None:
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    start = user.failed_login_window_start
    if start is None or now - start > window:
        user.failed_login_window_start, user.failed_login_count = now, 0
    user.failed_login_count += 1
    if user.failed_login_count >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + current_app.config["LOGIN_LOCKOUT"]
        user.failed_login_window_start, user.failed_login_count = None, 0


_UNKNOWN_EMAIL = "login-unknown-email"


def _unknown_email_items() -> tuple[FixedWindowRateLimiter, RateLimitItemPerSecond, Any]:
    from app.rate_limits import limiter

    config = current_app.config
    failures = RateLimitItemPerSecond(
        config["LOGIN_MAX_FAILURES"], int(config["LOGIN_FAILURE_WINDOW"].total_seconds())
    )
    lock = RateLimitItemPerSecond(1, int(config["LOGIN_LOCKOUT"].total_seconds()))
    return FixedWindowRateLimiter(limiter.storage), failures, lock


def _unknown_email_locked_until(email: str) -> datetime | None:
    """When a lockout of this unknown e-mail ends, if it is locked (storage down: never)."""
    try:
        strategy, _failures, lock = _unknown_email_items()
        if strategy.test(lock, _UNKNOWN_EMAIL, email):
            return None
        reset_at, _remaining = strategy.get_window_stats(lock, _UNKNOWN_EMAIL, email)
    except Exception:  # Redis down: a known account's lockout still holds (database)
        current_app.logger.warning("unknown-email lockout unavailable", exc_info=True)
        return None
    return datetime.fromtimestamp(reset_at, UTC)


def _record_unknown_email_failure(email: str) -> None:
    """Count like `_record_failure`: the window starts at the first failure, and the failure
    that reaches the maximum locks for LOGIN_LOCKOUT and starts the count again."""
    try:
        strategy, failures, lock = _unknown_email_items()
        strategy.hit(failures, _UNKNOWN_EMAIL, email)
        if not strategy.test(failures, _UNKNOWN_EMAIL, email):
            strategy.hit(lock, _UNKNOWN_EMAIL, email)
            strategy.clear(failures, _UNKNOWN_EMAIL, email)
    except Exception:
        current_app.logger.warning("unknown-email lockout unavailable", exc_info=True)


def _locked(until: datetime) -> AccountLocked:
    return AccountLocked(
        "Too many failed logins; the account is locked for a while.",
        details={"locked_until": until.isoformat()},
    )


def login(email: str, password: str, ip: str | None, user_agent: str | None) -> Tokens:
    """Tokens for a good password; failures are counted (flushed) before the error is raised.

    The caller commits in both cases so that a failed attempt is remembered.
    """
    now = utcnow()
    stmt = (
        sa.select(User)
        .where(User.email == normalise_email(email), User.deleted_at.is_(None))
        .with_for_update()
    )
    user = db.session.scalars(stmt).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise _locked(user.locked_until)
    unknown_until = _unknown_email_locked_until(normalise_email(email)) if user is None else None
    if unknown_until is not None:
        raise _locked(unknown_until)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        if user is not None:
            _record_failure(user, now)
            db.session.flush()
        else:
            _record_unknown_email_failure(normalise_email(email))
        raise InvalidCredentials()
    if user.status != "active":
        raise AccountDisabled()
    user.failed_login_count, user.failed_login_window_start, user.locked_until = 0, None, None
    user.last_login_at, user.last_ip, user.user_agent = now, ip, user_agent
    tokens = start_session(user, ip, user_agent)
    audit.record("LOGIN", user)
    return tokens


def refresh(user_id: str, session_id: str, jti: str) -> Tokens:
    """Rotate the refresh token. A token used twice means it leaked: the whole session dies."""
    now = utcnow()
    new_jti = uuid.uuid4().hex
    rotated = db.session.execute(
        sa.update(UserSession)
        .where(
            UserSession.id == uuid.UUID(session_id),
            UserSession.refresh_jti == jti,
            UserSession.revoked_at.is_(None),
        )
        .values(refresh_jti=new_jti, last_refreshed_at=now)
    )
    session = db.session.get(UserSession, uuid.UUID(session_id))
    if rotated.rowcount != 1 or session is None:  # type: ignore[attr-defined]
        if session is not None and session.revoked_at is None:
            session.revoked_at, session.revoked_reason = now, "refresh_token_reuse"
            db.session.flush()
        raise TokenRevoked("This refresh token was already used; the session is revoked.")
    db.session.refresh(session)
    user = db.session.get(User, uuid.UUID(user_id))
    if user is None or user.deleted_at is not None or user.status != "active":
        raise TokenRevoked()
    return _issue(user, session)


def logout(session_id: str, user: User) -> None:
    session = db.session.get(UserSession, uuid.UUID(session_id))
    if session is not None and session.revoked_at is None:
        session.revoked_at, session.revoked_reason = utcnow(), "logout"
    audit.record("LOGOUT", user)


def revoke_session(session: UserSession, reason: str) -> None:
    """End one session (an admin signing a lost phone out); audited, since sessions are not."""
    if session.revoked_at is None:
        session.revoked_at, session.revoked_reason = utcnow(), reason
        db.session.flush()
        audit.record("UPDATE", session, reason=reason, metadata={"transition": "revoke"})


def revoke_all_sessions(user: User, reason: str) -> None:
    """Used when a password changes or an account is deactivated."""
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


# The user of a session, with the organization, employee record and allowed geofences the
# request that follows needs: one statement, built once (every authenticated request runs it).
_SESSION_USER = (
    sa.select(User, UserSession.revoked_at, UserSession.expires_at)
    .join(UserSession, UserSession.user_id == User.id)
    .join(Organization, Organization.id == User.organization_id)
    .where(UserSession.id == sa.bindparam("session_id"), User.id == sa.bindparam("user_id"))
    .options(
        contains_eager(User.organization),
        joinedload(User.employee).joinedload(Employee.geofence_links),
    )
)


def session_user(session_id: str | None, user_id: str | None) -> User | None:
    """The user of a live session, or None (unknown, revoked or expired session; a token whose
    subject is not the session's user)."""
    try:
        sid, uid = uuid.UUID(str(session_id)), uuid.UUID(str(user_id))
    except ValueError:
        return None
    params = {"session_id": sid, "user_id": uid}
    row = db.session.execute(_SESSION_USER, params).unique().first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user: User = row.User
    return user
