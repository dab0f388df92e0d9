"""SQLAlchemy models, one module per domain group; importing this registers them all."""

from app.models.approvals import Approval
from app.models.audit import AuditLog, IdempotencyKey
from app.models.base import Base
from app.models.identity import Department, Employee, Organization, User, UserSession, Workspace
from app.models.scheduling import Shift, ShiftTemplate, Task
from app.models.sites import EmployeeGeofence, Geofence
from app.models.time_tracking import Break, ClockEvent, TimeEntry

__all__ = [
    "Approval",
    "AuditLog",
    "Base",
    "Break",
    "ClockEvent",
    "Department",
    "Employee",
    "EmployeeGeofence",
    "Geofence",
    "IdempotencyKey",
    "Organization",
    "Shift",
    "ShiftTemplate",
    "Task",
    "TimeEntry",
    "User",
    "UserSession",
    "Workspace",
]
