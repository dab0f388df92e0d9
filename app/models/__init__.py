"""SQLAlchemy models, one module per domain group; importing this registers them all."""

from app.models.access import AppSetting, FeatureFlag, Permission, Role
from app.models.approvals import Approval
from app.models.audit import AuditLog, IdempotencyKey
from app.models.base import Base
from app.models.crm import (
    Customer,
    CustomerAddress,
    CustomerContact,
    Deal,
    DealActivity,
    DealProduct,
    Lead,
    Ticket,
)
from app.models.data import DataImport, ImportRowError, ImportTemplate, SystemSetting
from app.models.identity import Department, Employee, Organization, User, UserSession, Workspace
from app.models.inventory import (
    InventoryAdjustment,
    InventoryCount,
    InventoryLevel,
    Product,
    ProductCategory,
    StockMovement,
)
from app.models.jobs import OutboxMessage
from app.models.overtime import AlertWebhook, OvertimeAlert, OvertimePolicy
from app.models.payroll import PayrollExport, TimeSummaryWeekly
from app.models.purchasing import (
    PurchaseOrder,
    PurchaseOrderAllocation,
    PurchaseOrderLine,
    Receipt,
    Vendor,
    VendorCatalog,
    VendorContact,
)
from app.models.sales import (
    DocumentSequence,
    FulfillmentEvent,
    PartToOrder,
    Quote,
    QuoteLine,
    SalesOrder,
    SalesOrderLine,
)
from app.models.scheduling import Shift, ShiftTemplate, Task
from app.models.sites import EmployeeGeofence, Geofence
from app.models.time_tracking import Break, ClockEvent, TimeEntry

__all__ = [
    "AlertWebhook",
    "AppSetting",
    "Approval",
    "AuditLog",
    "Base",
    "Break",
    "ClockEvent",
    "Customer",
    "CustomerAddress",
    "CustomerContact",
    "DataImport",
    "Deal",
    "DealActivity",
    "DealProduct",
    "Department",
    "DocumentSequence",
    "Employee",
    "EmployeeGeofence",
    "FeatureFlag",
    "FulfillmentEvent",
    "Geofence",
    "IdempotencyKey",
    "ImportRowError",
    "ImportTemplate",
    "InventoryAdjustment",
    "InventoryCount",
    "InventoryLevel",
    "Lead",
    "Organization",
    "OutboxMessage",
    "OvertimeAlert",
    "OvertimePolicy",
    "PartToOrder",
    "PayrollExport",
    "Permission",
    "Product",
    "ProductCategory",
    "Role",
    "PurchaseOrder",
    "PurchaseOrderAllocation",
    "PurchaseOrderLine",
    "Quote",
    "QuoteLine",
    "Receipt",
    "SalesOrder",
    "SalesOrderLine",
    "Shift",
    "ShiftTemplate",
    "StockMovement",
    "SystemSetting",
    "Task",
    "Ticket",
    "TimeEntry",
    "TimeSummaryWeekly",
    "User",
    "UserSession",
    "Vendor",
    "VendorCatalog",
    "VendorContact",
    "Workspace",
]
