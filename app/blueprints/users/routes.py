"""`/api/v1/users`: accounts of the caller's organization (owner/admin)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app import rate_limits
from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.users.schemas import (
    UserCreateSchema,
    UserPatchSchema,
    UserQueryArgsSchema,
    UserSchema,
)
from app.errors import RoleNotAssignable
from app.extensions import db
from app.models import User
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services.identity import users
from app.services.identity.passwords import WeakPassword
from app.services.identity.users import LastOwner
from app.services.tenancy import get_or_404

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User accounts.")


@blp.route("")
class Users(MethodView):
    @requires("users:read")
    @blp.arguments(UserQueryArgsSchema, location="query")
    @blp.response(200, UserSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List the organization's users."""
        return paginate(users.search_users(current_actor(), args), args)

    @rate_limits.apply(*rate_limits.email_taken_limits)
    @requires("users:write")
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @etagged
    @raises(WeakPassword, RoleNotAssignable)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a user."""
        user = users.create_user(current_actor(), body)
        db.session.commit()
        return with_etag(UserSchema(), user, 201)


@blp.route("/<uuid:user_id>")
class UserById(MethodView):
    @requires("users:read")
    @blp.response(200, UserSchema)
    @etagged
    def get(self, user_id: uuid.UUID) -> Any:
        """Get a user."""
        return with_etag(UserSchema(), get_or_404(User, user_id, current_actor()))

    @requires("users:write")
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @etagged
    @raises(WeakPassword, RoleNotAssignable, LastOwner)
    def patch(self, body: dict[str, Any], user_id: uuid.UUID) -> Any:
        """Change a user (role, status, password, names)."""
        user = get_or_404(User, user_id, current_actor())
        check_if_match(UserSchema(), user)
        users.update_user(current_actor(), user, body)
        db.session.commit()
        return with_etag(UserSchema(), user)
