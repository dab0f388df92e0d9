"""Workspaces: the organization's main workspace (made at registration) stays, and is the only
main one; a workspace its users still belong to cannot be deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import Conflict
from app.extensions import db
from app.models import User
from app.openapi import raises
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

MAIN = "main"
# What a client may set `type` to: `main` is the registration's alone.
CLIENT_TYPES = ("division", "project", "branch")


class MainWorkspace(Conflict):
    code, default_message = "MAIN_WORKSPACE", "The main workspace cannot be deleted."


class WorkspaceInUse(Conflict):
    code, default_message = "WORKSPACE_IN_USE", "Users still belong to this workspace."


class WorkspaceService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        # The column's default (`main`) is the registration's; a new one is a division.
        return super().create(res, actor, {"type": "division", **data})

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        if obj.type == MAIN and data.get("type", MAIN) != MAIN:
            raise Conflict("The organization's main workspace stays its main workspace.")
        return super().update(res, obj, actor, data)

    @raises(MainWorkspace, WorkspaceInUse)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        if obj.type == MAIN:
            raise MainWorkspace("The organization's main workspace cannot be deleted.")
        members = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.workspace_id == obj.id, User.deleted_at.is_(None))
        )
        if members:
            raise WorkspaceInUse(
                f"{members} user(s) still belong to this workspace: move them first.",
                details={"users": members},
            )
        super().delete(res, obj, actor)
