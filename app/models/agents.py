"""Agents and documents (seeds 001/003): conversations and their messages, the append-only log
of tool calls, documents for retrieval, the model registry, agent runs and their append-only
steps. Plain tables: the agents that write them are not part of this service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, WorkspaceRow, choice, live_unique, utcnow

CONVERSATION_STATUSES = ("open", "closed", "archived")
SENDERS = ("user", "assistant", "system", "tool")
TOOL_CALL_STATUSES = ("pending", "succeeded", "failed")
MODEL_STATUSES = ("draft", "active", "retired")
RUN_MODES = ("DRY_RUN", "PROPOSE", "EXECUTE")
RUN_STATUSES = ("pending", "running", "completed", "failed", "cancelled")
STEP_STATUSES = ("pending", "running", "succeeded", "failed", "skipped")


class Conversation(WorkspaceRow, Base):
    __tablename__ = "conversations"

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None, index=True
    )
    title: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    agent: Mapped[str | None] = mapped_column(sa.String(50), default=None)  # router, sales, ...
    status: Mapped[str] = mapped_column(
        choice(*CONVERSATION_STATUSES, name="status"), default="open", index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)


class Message(WorkspaceRow, Base):
    __tablename__ = "messages"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("conversations.id"), index=True
    )
    sender: Mapped[str] = mapped_column(choice(*SENDERS, name="sender"))
    content: Mapped[str] = mapped_column(sa.Text)
    tokens: Mapped[int | None] = mapped_column(default=None)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)


class AgentRun(WorkspaceRow, Base):
    """One run of an agent towards a goal, in a mode that says how far it may act."""

    __tablename__ = "agent_runs"
    __table_args__ = (
        sa.CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="span"),
    )

    goal: Mapped[str] = mapped_column(sa.Text)
    mode: Mapped[str] = mapped_column(choice(*RUN_MODES, name="mode"), default="DRY_RUN")
    status: Mapped[str] = mapped_column(
        choice(*RUN_STATUSES, name="status"), default="pending", index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None, index=True
    )
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("conversations.id"), default=None, index=True
    )
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcomes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reflection: Mapped[dict[str, Any]] = mapped_column(default=dict)
    lessons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class AgentStep(WorkspaceRow, Base):
    """One action of a run (append-only: a retried step is a new row)."""

    __tablename__ = "agent_steps"
    __table_args__ = (live_unique("agent_steps", "run_id", "step_number"),)

    run_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agent_runs.id"), index=True)
    step_number: Mapped[int] = mapped_column(default=1)
    tool_id: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expected_outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(
        choice(*STEP_STATUSES, name="status"), default="pending", index=True
    )
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ToolCall(WorkspaceRow, Base):
    """Every tool an agent invoked, with what went in and came out (append-only)."""

    __tablename__ = "tool_calls"

    agent: Mapped[str] = mapped_column(sa.String(50))
    tool_name: Mapped[str] = mapped_column(sa.String(100), index=True)
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("conversations.id"), default=None, index=True
    )
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("agent_runs.id"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(
        choice(*TOOL_CALL_STATUSES, name="status"), default="succeeded", index=True
    )
    input: Mapped[dict[str, Any]] = mapped_column(default=dict)
    output: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    duration_ms: Mapped[int | None] = mapped_column(default=None)


class Document(WorkspaceRow, Base):
    """A source file for retrieval (its bytes live in file storage; `path` says where)."""

    __tablename__ = "documents"

    module: Mapped[str] = mapped_column(sa.String(50), index=True)  # sales, finance, ...
    path: Mapped[str] = mapped_column(sa.String(500))
    title: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    content_type: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)


class ModelRegistryEntry(WorkspaceRow, Base):
    """A trained model's version (seed 001's `model_registry`, with seed 003's artifact
    fields)."""

    __tablename__ = "model_registry"
    __table_args__ = (live_unique("model_registry", "organization_id", "name", "version"),)

    name: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[str] = mapped_column(sa.String(50))
    type: Mapped[str | None] = mapped_column(sa.String(50), default=None)  # forecast, ...
    status: Mapped[str] = mapped_column(
        choice(*MODEL_STATUSES, name="status"), default="draft", index=True
    )
    path: Mapped[str | None] = mapped_column(sa.String(500), default=None)  # the artifact
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
