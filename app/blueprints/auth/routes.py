"""`/api/v1/auth`: register a tenant, log in, rotate tokens, log out, who am I."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_jwt_extended import get_jwt, verify_jwt_in_request

from app import rate_limits
from app.blueprints.auth.schemas import (
    LoginSchema,
    RegisterResponseSchema,
    RegisterSchema,
    TokensSchema,
    UserSchema,
)
from app.blueprints.common import Blueprint
from app.errors import Forbidden, Locked, Unauthorized
from app.extensions import db
from app.openapi import raises
from app.security import current_actor, current_session_id, requires
from app.services.identity import auth
from app.services.identity.auth import AccountDisabled, AccountLocked, InvalidCredentials
from app.services.identity.passwords import WeakPassword

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-up and tokens.")


def _tokens_body(tokens: auth.Tokens) -> dict[str, Any]:
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "user": tokens.user,
    }


@blp.route("/register", methods=["POST"])
@rate_limits.apply(rate_limits.register_limit, *rate_limits.email_taken_limits)
@blp.arguments(RegisterSchema)
@blp.response(201, RegisterResponseSchema)
@blp.doc(security=[])
@raises(WeakPassword)
@blp.doc(operationId="registerOrganization")
def register(body: dict[str, Any]) -> Any:
    """Create an organization with its default workspace and owner."""
    org, workspace, user = auth.register(body["organization"], body["owner"])
    tokens = auth.start_session(user, request.remote_addr, request.user_agent.string)
    db.session.commit()
    return {"organization": org, "workspace": workspace, **_tokens_body(tokens)}


@blp.route("/login", methods=["POST"])
@rate_limits.apply(*rate_limits.login_limits)
@blp.arguments(LoginSchema)
@blp.response(200, TokensSchema)
@blp.doc(security=[])
@raises(InvalidCredentials, AccountDisabled, AccountLocked)
def login(body: dict[str, Any]) -> Any:
    """Exchange e-mail and password for tokens (5 failures in 15 minutes lock the account)."""
    try:
        tokens = auth.login(
            body["email"], body["password"], request.remote_addr, request.user_agent.string
        )
    except (Unauthorized, Locked, Forbidden):
        db.session.commit()  # the failed attempt must be remembered
        raise
    db.session.commit()
    return _tokens_body(tokens)


@blp.route("/refresh", methods=["POST"])
@blp.response(200, TokensSchema)
@blp.doc(operationId="refreshTokens")
def refresh() -> Any:
    """Trade a refresh token (as Bearer) for new tokens; each refresh token works once.

    Send the *refresh* token as `Authorization: Bearer <refresh_token>` (an access token
    is 401). Using a refresh token a second time revokes the whole session (401
    TOKEN_REVOKED): log in again. Call this on 401 TOKEN_EXPIRED from any other operation.
    """
    verify_jwt_in_request(refresh=True)
    claims = get_jwt()
    try:
        tokens = auth.refresh(claims["sub"], claims["sid"], claims["jti"])
    except Unauthorized:
        db.session.commit()  # a reused token revokes its session for good
        raise
    db.session.commit()
    return _tokens_body(tokens)


@blp.route("/logout", methods=["POST"])
@requires("self")
@blp.response(204)
def logout() -> None:
    """Revoke this session: its access and refresh tokens stop working at once.

    Send the *access* token as the bearer.
    """
    auth.logout(current_session_id(), current_actor())
    db.session.commit()


@blp.route("/me")
@requires("self")
@blp.response(200, UserSchema)
@blp.doc(operationId="getCurrentUser")
def me() -> Any:
    """The caller, with role, organization, workspace and employee record."""
    return current_actor()
