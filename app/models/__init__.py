"""SQLAlchemy models, one module per domain group; importing this registers them all."""

from app.models.agents import (
    AgentRun,
    AgentStep,
    Conversation,
    Document,
    Message,
    ModelRegistryEntry,
    ToolCall,
)
from app.models.approvals import Approval
from app.models.audit import AuditLog, IdempotencyKey, SystemLog
from app.models.base import Base
from app.models.crm import Customer
from app.models.identity import Department, Employee, Organization, User, UserSession, Workspace
from app.models.inventory import Product, ProductCategory
from app.models.jobs import OutboxMessage
from app.models.overtime import AlertWebhook, OvertimeAlert, OvertimePolicy
from app.models.payroll import PayrollExport, TimeSummaryWeekly
from app.models.planning import (
    ApPolicy,
    ArPolicy,
    Entity,
    Forecast,
    HistoricalSale,
    InventoryPolicy,
    Market,
    SalesChannel,
    WcKpi,
    WcProjection,
    WcScenario,
    WorkingCapital,
)
from app.models.production import (
    BillOfMaterials,
    BomComponent,
    ProductionJob,
    ProductionOrder,
    ProductionResource,
    Schedule,
)
from app.models.purchasing import Vendor
from app.models.reporting import SalesSummaryDaily, SalesSummaryMonthly
from app.models.scheduling import Shift, ShiftTemplate, Task
from app.models.sites import EmployeeGeofence, Geofence
from app.models.time_tracking import Break, ClockEvent, TimeEntry

__all__ = [
    "AgentRun",
    "AgentStep",
    "AlertWebhook",
    "ApPolicy",
    "Approval",
    "ArPolicy",
    "AuditLog",
    "Base",
    "BillOfMaterials",
    "BomComponent",
    "Break",
    "ClockEvent",
    "Conversation",
    "Customer",
    "Department",
    "Document",
    "Employee",
    "EmployeeGeofence",
    "Entity",
    "Forecast",
    "Geofence",
    "HistoricalSale",
    "IdempotencyKey",
    "InventoryPolicy",
    "Market",
    "Message",
    "ModelRegistryEntry",
    "Organization",
    "OutboxMessage",
    "OvertimeAlert",
    "OvertimePolicy",
    "PayrollExport",
    "Product",
    "ProductCategory",
    "ProductionJob",
    "ProductionOrder",
    "ProductionResource",
    "SalesChannel",
    "SalesSummaryDaily",
    "SalesSummaryMonthly",
    "Schedule",
    "Shift",
    "ShiftTemplate",
    "SystemLog",
    "Task",
    "TimeEntry",
    "TimeSummaryWeekly",
    "ToolCall",
    "User",
    "UserSession",
    "Vendor",
    "WcKpi",
    "WcProjection",
    "WcScenario",
    "WorkingCapital",
    "Workspace",
]
