"""The transactional outbox: work that a change asks for is written in the change's transaction.

A request that must trigger a job calls `publish` (or `entry_changed`, the one call the clock
and every time-entry change make) before it commits. The outbox row commits or rolls back with
the data, so a punch is never lost and never waits on Redis. After the commit, a session
listener tries to enqueue the job at once; if Redis is down, nothing fails: the periodic relay
(`relay_pending`, every 15 s) enqueues whatever is still pending once Redis is back.

Topics say which job consumes a message (`TOPICS`). Two kinds:

- **coalesced** (alert checks, summary refreshes, webhooks): one job per organization handles
  every pending message of the topic at once, so a shift change of thousands of clock-outs is
  a handful of jobs, not thousands. A Redis flag (`fieldclock:outbox:<topic>:<org>`, holding
  the job id) says "a job is on its way"; the job clears it *before* reading the messages, so a
  message committed while it runs raises a new flag and a new job, and none is missed.
- **single** (payroll exports, on-demand recomputes): one job per message, with the message's
  deterministic `job_id`; enqueueing it twice is refused by RQ (`unique`), a failed one is
  requeued.

The consuming job marks its messages processed in the transaction that does the work, so a
crash before the commit leaves them pending and the relay has them redone.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from rq import get_current_job
from rq.exceptions import DuplicateJobError, InvalidJobOperation
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import jobs
from app.extensions import db
from app.jobs.periodic import register_periodic_jobs
from app.models import OutboxMessage, TimeEntry
from app.models.base import utcnow

log = logging.getLogger(__name__)

KICKS_KEY = "fieldclock_outbox_kicks"
FLAG_TTL = 3600  # a flag whose job vanished stops blocking after this long
RELAY_AFTER = timedelta(seconds=5)  # younger messages are the after-commit kick's business
MAX_RELAYS = 80  # then the message is given up (and says so in last_error): 20 min of relays
REDIS_RETRY_AFTER = 10.0  # seconds an API process leaves Redis alone after a failure
PERIODIC_CHECK_EVERY = 60.0  # seconds between a process's checks that the periodic jobs exist
PURGE_AFTER = timedelta(days=7)  # processed messages (done markers among them) are kept so long
# Done markers kept for good: a closed week must stay closed after any outage (weekly_summaries'
# CLOSED_TOPIC); one row per organization and week, a few kilobytes a year.
KEPT_TOPICS = frozenset({"summaries.closed"})


@dataclass(frozen=True)
class Topic:
    name: str
    job: str  # dotted path of the job function
    spec: jobs.JobSpec
    coalesced: bool


TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        Topic("alerts.check", "app.jobs.overtime.check_alerts", jobs.ALERTS, coalesced=True),
        Topic(
            "alerts.webhook", "app.jobs.overtime.deliver_webhooks", jobs.WEBHOOKS, coalesced=True
        ),
        Topic("summaries.refresh", "app.jobs.summaries.refresh_summaries", jobs.DEFAULT, True),
        Topic("summaries.recompute", "app.jobs.summaries.recompute_week", jobs.DEFAULT, False),
        Topic("payroll.export", "app.jobs.exports.run_export", jobs.EXPORTS, coalesced=False),
        Topic("inventory.import", "app.jobs.imports.run_import", jobs.EXPORTS, coalesced=False),
    )
}


def publish(
    topic: str,
    organization_id: uuid.UUID,
    payload: dict[str, Any] | None = None,
    *,
    job_id: str | None = None,
) -> OutboxMessage:
    """Add a message to the current transaction; it is enqueued after the commit.

    A single-job topic needs `job_id`, and the job's arguments as `payload["args"]`."""
    spec = TOPICS[topic]
    if not spec.coalesced and not job_id:
        raise ValueError(f"topic {topic} needs a job_id")
    payload = payload or {}
    message = OutboxMessage(
        organization_id=organization_id, topic=topic, payload=payload, job_id=job_id
    )
    db.session.add(message)
    args = tuple(payload.get("args", ())) if job_id else ()
    db.session.info.setdefault(KICKS_KEY, set()).add((topic, organization_id, job_id, args))
    return message


# (start, end) payload keys of the span an entry covers now, and of the one it covered before an
# edit moved it: the consumers recompute the weeks of both.
SPAN_KEYS = (("started_at", "ended_at"), ("previous_started_at", "previous_ended_at"))


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def entry_changed(
    entry: TimeEntry, previous: tuple[datetime | None, datetime | None] | None = None
) -> None:
    """A time entry was created, closed, edited or changed status: recheck overtime alerts and
    the week's summary. `previous` is the paid span the entry had before an edit, so that the
    week it left is recomputed too. One message per topic; the jobs coalesce them."""
    payload = {
        "employee_id": str(entry.employee_id),
        "time_entry_id": str(entry.id),
        "started_at": _iso(entry.paid_started_at),
        "ended_at": _iso(entry.paid_ended_at),
    }
    if previous is not None and previous != (entry.paid_started_at, entry.paid_ended_at):
        payload["previous_started_at"], payload["previous_ended_at"] = map(_iso, previous)
    publish("alerts.check", entry.organization_id, payload)
    publish("summaries.refresh", entry.organization_id, payload)


# --- handing messages to RQ ----------------------------------------------------------------


def as_text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _flag_key(topic: str, organization_id: uuid.UUID | str) -> str:
    return f"fieldclock:outbox:{topic}:{organization_id}"


def _enqueue(
    topic: Topic,
    organization_id: uuid.UUID | str,
    job_id: str,
    args: list[Any],
    connection: redis.Redis,
) -> None:
    jobs.enqueue(
        topic.job,
        *args,
        spec=topic.spec,
        job_id=job_id,
        meta={"organization_id": str(organization_id), "topic": topic.name},
        unique=True,
        connection=connection,
    )


def _kick_coalesced(
    topic: Topic, organization_id: uuid.UUID | str, connection: redis.Redis
) -> bool:
    key = _flag_key(topic.name, organization_id)
    job_id = str(uuid.uuid4())
    if not connection.set(key, job_id, nx=True, ex=FLAG_TTL):
        current = connection.get(key)
        if current and jobs.is_live(jobs.fetch_job(as_text(current), connection)):
            return False  # a job that has not read the messages yet will see this one
        connection.set(key, job_id, ex=FLAG_TTL)
    try:
        _enqueue(topic, organization_id, job_id, [str(organization_id)], connection)
    except Exception:
        connection.delete(key)
        raise
    return True


def _kick_single(
    topic: Topic,
    organization_id: uuid.UUID | str,
    job_id: str,
    args: tuple[Any, ...],
    connection: redis.Redis,
) -> bool:
    existing = jobs.fetch_job(job_id, connection)
    if jobs.is_live(existing):
        return False
    if existing is not None and existing.get_status(refresh=False) == "failed":
        try:
            existing.requeue()
            return True
        except InvalidJobOperation:  # not in the failed registry (any more): enqueue anew
            pass
    if existing is not None:
        existing.delete()  # finished, stopped or canceled while its message is still pending
    try:
        _enqueue(topic, organization_id, job_id, list(args), connection)
    except DuplicateJobError:
        return False  # another process enqueued it between our check and now
    return True


def kick(
    topic: str,
    organization_id: uuid.UUID | str,
    job_id: str | None = None,
    args: tuple[Any, ...] = (),
    connection: redis.Redis | None = None,
) -> bool:
    """Make sure a job will handle the topic's pending messages; True when one was enqueued."""
    spec = TOPICS[topic]
    connection = connection or jobs.redis_connection()
    if spec.coalesced:
        return _kick_coalesced(spec, organization_id, connection)
    assert job_id is not None
    return _kick_single(spec, organization_id, job_id, args, connection)


class _RedisBreaker:
    """After a Redis failure, API processes stop trying for a few seconds: a punch must never
    wait on a dead Redis once per request (the relay catches up later)."""

    def __init__(self) -> None:
        self.retry_at = 0.0

    def open(self) -> bool:
        return time.monotonic() < self.retry_at

    def trip(self) -> None:
        self.retry_at = time.monotonic() + REDIS_RETRY_AFTER

    def reset(self) -> None:
        self.retry_at = 0.0


breaker = _RedisBreaker()


def kick_after_commit(kicks: Iterable[tuple[str, uuid.UUID, str | None, tuple[Any, ...]]]) -> None:
    """Try to enqueue now (Redis only: the session cannot run SQL here); any failure is
    logged and left to the relay."""
    if breaker.open():
        return
    connection = jobs.impatient_connection()
    for topic, organization_id, job_id, args in sorted(kicks, key=str):
        try:
            kick(topic, organization_id, job_id, args, connection)
        except Exception as exc:  # Redis down or slow: the relay will do it
            log.warning("outbox: could not enqueue %s now (%s); the relay will", topic, exc)
            breaker.trip()
            return
    breaker.reset()
    _ensure_periodic(connection)


class _PeriodicWatch:
    """When a process last made sure the periodic jobs are scheduled (monotonic seconds)."""

    def __init__(self) -> None:
        self.next_check = 0.0


periodic_watch = _PeriodicWatch()


def _ensure_periodic(connection: redis.Redis) -> None:
    """A Redis that restarted without its data lost the periodic jobs' chain, the relay among
    them, and only a worker start used to re-create it: so whatever was left in the outbox
    waited for one. A process that reaches Redis re-registers the chain at most once a
    minute (idempotent: RQ refuses a slot that is scheduled already)."""
    now = time.monotonic()
    if now < periodic_watch.next_check:
        return
    periodic_watch.next_check = now + PERIODIC_CHECK_EVERY
    try:
        if registered := register_periodic_jobs(connection=connection):
            log.warning("outbox: periodic jobs were missing, scheduled again: %s", registered)
    except Exception as exc:  # the relay or the next check will do it
        log.warning("outbox: could not check the periodic jobs: %s", exc)


def _after_commit(session: Session) -> None:
    kicks = session.info.pop(KICKS_KEY, None)
    if kicks:
        kick_after_commit(kicks)


def _after_soft_rollback(session: Session, _previous: Any) -> None:
    if not session.in_transaction():
        session.info.pop(KICKS_KEY, None)


def install(session_factory: Any) -> None:
    """Attach the after-commit kick to the app's session class (idempotent)."""
    if not event.contains(session_factory, "after_commit", _after_commit):
        event.listen(session_factory, "after_commit", _after_commit)
        event.listen(session_factory, "after_soft_rollback", _after_soft_rollback)


# --- the relay and the consumers' side -----------------------------------------------------


def relay_pending(now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue jobs for messages still pending (Redis was down, a job died); returns how many."""
    now = now or utcnow()
    pending = (
        sa.select(
            OutboxMessage.topic,
            OutboxMessage.organization_id,
            OutboxMessage.job_id,
            sa.func.max(OutboxMessage.id),
        )
        .where(OutboxMessage.processed_at.is_(None), OutboxMessage.created_at < now - RELAY_AFTER)
        .group_by(OutboxMessage.topic, OutboxMessage.organization_id, OutboxMessage.job_id)
        .limit(limit)
    )
    enqueued = 0
    for topic, organization_id, job_id, up_to in db.session.execute(pending).all():
        if topic not in TOPICS:
            _give_up(topic, organization_id, job_id, up_to, now, f"unknown topic {topic}")
            continue
        args: tuple[Any, ...] = ()
        if job_id is not None:
            message = db.session.get(OutboxMessage, up_to)
            args = tuple(message.payload.get("args", ())) if message else ()
        if kick(topic, organization_id, job_id, args):
            enqueued += 1
            _count_relay(topic, organization_id, job_id, up_to, now)
    db.session.flush()
    return enqueued


def _same_group(topic: str, organization_id: uuid.UUID, job_id: str | None, up_to: int) -> Any:
    job_match = OutboxMessage.job_id.is_(None) if job_id is None else OutboxMessage.job_id == job_id
    return sa.and_(
        OutboxMessage.topic == topic,
        OutboxMessage.organization_id == organization_id,
        job_match,
        OutboxMessage.id <= up_to,
        OutboxMessage.processed_at.is_(None),
    )


def _count_relay(
    topic: str, organization_id: uuid.UUID, job_id: str | None, up_to: int, now: datetime
) -> None:
    group = _same_group(topic, organization_id, job_id, up_to)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(group)
        .values(relay_attempts=OutboxMessage.relay_attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(group, OutboxMessage.relay_attempts >= MAX_RELAYS)
        .values(processed_at=now, last_error=f"given up after {MAX_RELAYS} relays")
        .execution_options(synchronize_session=False)
    )


def _give_up(
    topic: str, organization_id: uuid.UUID, job_id: str | None, up_to: int, now: datetime, why: str
) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(_same_group(topic, organization_id, job_id, up_to))
        .values(processed_at=now, last_error=why)
        .execution_options(synchronize_session=False)
    )


def begin_coalesced_run(topic: str, organization_id: uuid.UUID | str) -> None:
    """Called by a coalesced job before it reads its messages: later ones need a new job."""
    try:
        jobs.redis_connection().delete(_flag_key(topic, organization_id))
    except Exception as exc:  # a job run by hand (or in a test) without Redis still works
        log.warning("outbox: could not clear the %s flag: %s", topic, exc)


@contextmanager
def coalesced_run(topic: str, organization_id: uuid.UUID) -> Iterator[list[OutboxMessage]]:
    """What a coalesced job does around its work: clear the flag, read the pending messages,
    and mark them processed (in the job's transaction) when the work succeeded.

    On failure the flag is pointed back at the failing job: RQ retries it with its backoff,
    and neither new messages nor the relay start another job meanwhile.
    """
    begin_coalesced_run(topic, organization_id)
    messages = pending_messages(topic, organization_id)
    try:
        yield messages
    except Exception:
        current = get_current_job()
        if current is not None:
            try:
                jobs.redis_connection().set(
                    _flag_key(topic, organization_id), current.id, ex=FLAG_TTL
                )
            except Exception as exc:
                log.warning("outbox: could not restore the %s flag: %s", topic, exc)
        raise
    mark_processed(messages)


def pending_messages(topic: str, organization_id: uuid.UUID) -> list[OutboxMessage]:
    """The topic's pending messages of one organization, oldest first."""
    stmt = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.topic == topic,
            OutboxMessage.organization_id == organization_id,
            OutboxMessage.processed_at.is_(None),
        )
        .order_by(OutboxMessage.id)
    )
    return list(db.session.scalars(stmt))


def touched_employees(messages: Iterable[OutboxMessage]) -> dict[uuid.UUID, set[datetime]]:
    """Employee → the instants their changed entries cover (start, and last second) now and,
    after an edit, before it, from `entry_changed` messages; messages about no employee are
    skipped."""
    touched: dict[uuid.UUID, set[datetime]] = {}
    for message in messages:
        employee = message.payload.get("employee_id")
        if not employee:
            continue
        instants = touched.setdefault(uuid.UUID(employee), set())
        for start_key, end_key in SPAN_KEYS:
            if value := message.payload.get(start_key):
                instants.add(datetime.fromisoformat(value))
            if value := message.payload.get(end_key):
                instants.add(datetime.fromisoformat(value) - timedelta(seconds=1))
    return touched


def _mark_processed(which: sa.ColumnElement[bool], now: datetime | None) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(which, OutboxMessage.processed_at.is_(None))
        .values(processed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def mark_processed(messages: Iterable[OutboxMessage], now: datetime | None = None) -> None:
    ids = [m.id for m in messages]
    if ids:
        _mark_processed(OutboxMessage.id.in_(ids), now)


def mark_job_done(topic: str, job_id: str, now: datetime | None = None) -> None:
    """A single-job topic's job finished its work: its message is processed."""
    _mark_processed(sa.and_(OutboxMessage.topic == topic, OutboxMessage.job_id == job_id), now)


def purge_processed(older_than: timedelta = PURGE_AFTER) -> int:
    """Delete processed messages older than `older_than`, but not the markers of
    `KEPT_TOPICS`; returns how many."""
    result = db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.processed_at < utcnow() - older_than,
            OutboxMessage.topic.not_in(sorted(KEPT_TOPICS)),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
