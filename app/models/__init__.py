"""SQLAlchemy models, one module per domain group; importing this registers them all."""

from app.models.audit import AuditLog, IdempotencyKey
from app.models.base import Base
from app.models.identity import Department, Employee, Organization, User, UserSession, Workspace

__all__ = [
    "AuditLog",
    "Base",
    "Department",
    "Employee",
    "IdempotencyKey",
    "Organization",
    "User",
    "UserSession",
    "Workspace",
]
