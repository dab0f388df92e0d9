"""Bodies and filters of the overtime endpoints: policies (settings), alerts, the webhook."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import marshmallow as ma

from app.blueprints.common import PageArgsSchema, Schema, Timestamp, TimeZone, WallTime
from app.models.overtime import ALERT_KINDS, OVERTIME_RULES
from overtime import seconds_to_hours

DECIMAL_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"


class DecimalString(ma.fields.Field):
    """A non-negative decimal with at most 2 places, as a string ("8", "7.5", "40.00") or a
    JSON number; shown with `places` decimals ("8.00") or, with `places=None`, as few as make
    sense but at least one ("1.5", "2.0")."""

    def __init__(self, *, places: int | None = 2, **kwargs: Any) -> None:
        metadata = {"type": "string", "pattern": DECIMAL_PATTERN, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.places = places

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ma.ValidationError('A decimal number with at most 2 places, e.g. "8.00".')
        text = value if isinstance(value, str) else repr(value)
        if not re.fullmatch(DECIMAL_PATTERN, text):
            raise ma.ValidationError('A decimal number with at most 2 places, e.g. "8.00".')
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise ma.ValidationError("Not a number.") from None

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        number = Decimal(value)
        if self.places is not None:
            return f"{number:.{self.places}f}"
        text = f"{number.normalize():f}"
        return text if "." in text else text + ".0"


def _between(low: int, high: int) -> Any:
    # A function, not ma.validate.Range: Range's Decimal bounds would land in the OpenAPI
    # document as strings on a string-typed field.
    def check(value: Decimal) -> None:
        if not low <= value <= high:
            raise ma.ValidationError(f"From {low} to {high}.")

    return check


def _hours(limit: int, description: str) -> DecimalString:
    return DecimalString(
        allow_none=True,
        validate=_between(0, limit),
        metadata={"description": f"{description} 0 to {limit}; omitted or null: the rule's."},
    )


def _multiplier(description: str) -> DecimalString:
    return DecimalString(
        places=None,
        allow_none=True,
        validate=_between(1, 10),
        metadata={"description": description + " 1 to 10."},
    )


class OvertimeSettingsSchema(Schema):
    """A policy as `PUT` takes it: only `rule` is required."""

    rule = ma.fields.String(required=True, validate=ma.validate.OneOf(OVERTIME_RULES))
    timezone = TimeZone(
        allow_none=True, metadata={"description": "IANA zone; default the organization's."}
    )
    workweek_start_day = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(0, 6), metadata={"description": "0=Monday"}
    )
    workday_start = WallTime(
        allow_none=True, metadata={"description": "When a workday begins; default 00:00."}
    )
    daily_overtime_after_hours = _hours(24, "Daily overtime after this many hours.")
    daily_double_time_after_hours = _hours(24, "Daily double time after this many hours.")
    weekly_overtime_after_hours = _hours(168, "Weekly overtime after this many hours.")
    seventh_day_rule = ma.fields.Boolean(allow_none=True)
    overtime_multiplier = _multiplier('Default "1.5".')
    double_time_multiplier = _multiplier('Default "2.0".')
    alert_threshold_percent = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(1, 100),
        metadata={"description": "APPROACHING_WEEKLY_OVERTIME at this share of the threshold."},
    )


class OvertimePolicySchema(OvertimeSettingsSchema):
    """A policy as the API shows it: every value resolved (defaults, the timezone)."""

    id = ma.fields.UUID(allow_none=True, dump_only=True)
    name = ma.fields.String(dump_only=True)
    is_default = ma.fields.Boolean(dump_only=True)
    timezone_is_organization = ma.fields.Boolean(
        dump_only=True, metadata={"description": "The timezone follows the organization's."}
    )


class OvertimePolicyCreateSchema(OvertimeSettingsSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))


class OvertimeAlertSchema(Schema):
    id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    kind = ma.fields.String(metadata={"enum": list(ALERT_KINDS)})
    period = ma.fields.String(metadata={"description": '"workday" or "workweek"'})
    period_start = ma.fields.Date(metadata={"description": "The workday, or the week's first."})
    week_start = ma.fields.Date()
    seconds = ma.fields.Integer(metadata={"description": "The quantity behind the alert."})
    hours = ma.fields.Method("_hours", metadata={"type": "string"})
    message = ma.fields.Method("_message", metadata={"type": "string"})
    time_entry_id = ma.fields.UUID(allow_none=True)
    created_at = Timestamp()
    acknowledged_at = Timestamp(allow_none=True)
    acknowledged_by = ma.fields.UUID(allow_none=True)
    notified_at = Timestamp(allow_none=True)

    def _hours(self, alert: Any) -> str:
        return f"{seconds_to_hours(alert.seconds)}"

    def _message(self, alert: Any) -> str:
        return str((alert.details or {}).get("message", ""))


class OvertimeAlertQueryArgsSchema(PageArgsSchema):
    employee_id = ma.fields.UUID()
    kind = ma.fields.String(validate=ma.validate.OneOf(ALERT_KINDS))
    acknowledged = ma.fields.Boolean()


class AlertWebhookSchema(Schema):
    url = ma.fields.String(required=True, allow_none=True)
    active = ma.fields.Boolean(required=True)
    secret_set = ma.fields.Boolean(required=True)


class AlertWebhookPutSchema(Schema):
    url = ma.fields.Url(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=ma.validate.Length(max=2000),
        metadata={
            "description": "https:// only, without user name or password, and not an internal "
            "address (loopback, private, link-local, metadata...); the worker checks every "
            "address the host resolves to again before each delivery."
        },
    )
    secret = ma.fields.String(
        validate=ma.validate.Length(min=16, max=255),
        metadata={"description": "HMAC-SHA256 key; never shown again. Required the first time."},
    )
    active = ma.fields.Boolean(load_default=True)
