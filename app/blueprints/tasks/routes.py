"""`/api/v1/tasks`: what people do on site; employees see and move their own."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.tasks.schemas import (
    TaskCreateSchema,
    TaskQueryArgsSchema,
    TaskSchema,
    TaskStatusSchema,
)
from app.errors import InUse, InvalidTransition
from app.extensions import db
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services.time_tracking import tasks

blp = Blueprint(
    "tasks",
    __name__,
    url_prefix="/api/v1/tasks",
    description="Tasks: assignment, subtasks, status transitions, actual hours from time entries.",
)


@blp.route("")
class Tasks(MethodView):
    @requires("tasks:read")
    @blp.arguments(TaskQueryArgsSchema, location="query")
    @blp.response(200, TaskSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List tasks (own for employees), by due date."""
        items, status, headers = paginate(tasks.search(current_actor(), args), args)
        return tasks.mark_actual_hours(items), status, headers

    @requires("tasks:write")
    @blp.arguments(TaskCreateSchema)
    @blp.response(201, TaskSchema)
    @etagged
    def post(self, body: dict[str, Any]) -> Any:
        """Create a task, optionally assigned and under a parent task."""
        task = tasks.create_task(current_actor(), body)
        db.session.commit()
        return with_etag(TaskSchema(), tasks.mark_actual_hours([task])[0], 201)


@blp.route("/<uuid:task_id>")
class TaskById(MethodView):
    @requires("tasks:read")
    @blp.response(200, TaskSchema)
    @etagged
    def get(self, task_id: uuid.UUID) -> Any:
        """Get a task with its actual hours."""
        return with_etag(TaskSchema(), tasks.get_visible_task(current_actor(), task_id))

    @requires("tasks:write")
    @blp.arguments(TaskSchema)
    @blp.response(200, TaskSchema)
    @etagged
    def patch(self, body: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Change a task's details, assignee or parent (status: POST .../status)."""
        task = tasks.get_visible_task(current_actor(), task_id)
        check_if_match(TaskSchema(), task)
        tasks.update_task(current_actor(), task, body)
        db.session.commit()
        return with_etag(TaskSchema(), task)

    @requires("tasks:write")
    @blp.response(204)
    @raises(InUse)
    def delete(self, task_id: uuid.UUID) -> None:
        """Delete a task with no time booked and no subtasks."""
        task = tasks.get_visible_task(current_actor(), task_id)
        tasks.delete_task(current_actor(), task)
        db.session.commit()


@blp.route("/<uuid:task_id>/status")
class TaskStatus(MethodView):
    @requires("tasks:status")
    @blp.arguments(TaskStatusSchema)
    @blp.response(200, TaskSchema)
    @etagged
    @raises(InvalidTransition)
    @blp.doc(operationId="changeTaskStatus")
    def post(self, body: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Move a task to another status; 409 INVALID_TRANSITION when not allowed."""
        task = tasks.get_visible_task(current_actor(), task_id)
        tasks.change_status(current_actor(), task, body["status"], body.get("progress_percent"))
        db.session.commit()
        return with_etag(TaskSchema(), task)
