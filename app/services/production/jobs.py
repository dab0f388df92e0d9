"""Production jobs (Sentia's `jobs`): a schedule's `total_jobs` and `completed_jobs` count its
live jobs, recounted whenever a job joins, leaves or changes status.

The schedule rows are locked before the job is written, so two jobs saved at once for the same
schedule recount one after the other, the second seeing the first (PostgreSQL's READ COMMITTED
takes a new snapshot per statement), and the counts never miss one.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from app.models.production import ProductionJob, Schedule
from app.services.periods import PeriodService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def _lock(schedule_ids: set[uuid.UUID]) -> None:
    if schedule_ids:
        db.session.execute(
            sa.select(Schedule.id)
            .where(Schedule.id.in_(schedule_ids))
            .order_by(Schedule.id)  # one order for every writer: no deadlock
            .with_for_update()
        )


def recount(schedule_ids: set[uuid.UUID]) -> None:
    db.session.flush()
    for schedule_id in schedule_ids:
        schedule = db.session.get(Schedule, schedule_id)
        if schedule is None:
            continue
        total, completed = db.session.execute(
            sa.select(
                sa.func.count(ProductionJob.id),
                sa.func.count(ProductionJob.id).filter(ProductionJob.status == "completed"),
            ).where(ProductionJob.schedule_id == schedule_id, ProductionJob.deleted_at.is_(None))
        ).one()
        schedule.total_jobs, schedule.completed_jobs = total, completed
    db.session.flush()


class ProductionJobService(PeriodService):
    def __init__(self) -> None:
        super().__init__(("scheduled_start", "scheduled_end"))

    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        touched = {data["schedule_id"]} if data.get("schedule_id") else set()
        _lock(touched)
        job = super().create(res, actor, data)
        recount(touched)
        return job

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        touched = {i for i in (obj.schedule_id, data.get("schedule_id")) if i is not None}
        _lock(touched)
        job = super().update(res, obj, actor, data)
        recount(touched)
        return job

    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        touched = {obj.schedule_id} if obj.schedule_id else set()
        _lock(touched)
        super().delete(res, obj, actor)
        recount(touched)
