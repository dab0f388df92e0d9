"""`/api/v1/invoices`, `/api/v1/payments`, `/api/v1/ledger-entries` and the other finance
tables: registrations on the resource layer (rules in `app.services.finance`)."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint, Currency, DecimalString
from app.blueprints.resource import APPEND_ONLY, READ_ONLY, Resource, register
from app.models import (
    Account,
    FxRate,
    Invoice,
    InvoiceLine,
    InvoiceOrder,
    LedgerEntry,
    LedgerLine,
    Payment,
    PaymentAllocation,
    SalesTaxUs,
    VatRate,
)
from app.models import (
    Currency as CurrencyRow,
)
from app.services.finance.accounts import AccountService
from app.services.finance.documents import InvoiceService, PaymentService
from app.services.finance.ledger import LedgerEntryService, LedgerLineService
from app.services.finance.rates import FxRateService
from app.services.resources import Lines

blp = Blueprint(
    "finance",
    __name__,
    url_prefix="/api/v1",
    description="Invoices, payments, the ledger, currencies and tax rates.",
)


def positive(precision: int, scale: int) -> DecimalString:
    return DecimalString(
        precision, scale, required=True, validate=ma.validate.Range(min=0, min_inclusive=False)
    )


def region_code(description: str, example: str) -> ma.fields.String:
    return ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(r"^[A-Z]{2}$", error="Two capital letters."),
        metadata={"description": description, "example": example},
    )


def currency_code(description: str, example: str) -> Currency:
    return Currency(required=True, metadata={"description": description, "example": example})


register(
    blp,
    Resource(
        Account,
        "finance",
        path="/chart-of-accounts",
        search=("code", "name", "description"),
        default_sort=("code",),
        service=AccountService(),
    ),
)
register(
    blp,
    Resource(
        Invoice,
        "finance",
        date_field="issue_date",
        search=("number", "po_number", "reference_number"),
        default_sort=("-issue_date", "-number"),
        lines=Lines(InvoiceLine, "invoice_id"),
        service=InvoiceService(),
    ),
)
register(blp, Resource(InvoiceOrder, "finance", default_sort=("created_at",)))
register(
    blp,
    Resource(
        Payment,
        "finance",
        date_field="received_at",
        search=("payment_number", "reference_number", "transaction_id"),
        default_sort=("-received_at",),
        fields={"amount": positive(14, 2)},
        service=PaymentService(),
    ),
)
register(
    blp,
    # Read-only until `POST /payments/{id}/allocate` (ERP III) writes them under its rules: a
    # plain POST here could allocate more than the payment or the invoice holds.
    Resource(
        PaymentAllocation,
        "finance",
        methods=READ_ONLY,
        date_field="allocated_at",
        default_sort=("-allocated_at",),
        fields={"amount": positive(14, 2)},
    ),
)
register(
    blp,
    Resource(
        LedgerEntry,
        "finance",
        methods=APPEND_ONLY,
        date_field="entry_date",
        search=("memo", "reference"),
        default_sort=("-entry_date", "-created_at"),
        lines=Lines(LedgerLine, "entry_id", editable=(), price=None, schema_name="LedgerEntryLine"),
        service=LedgerEntryService(),
    ),
)
register(
    blp,
    Resource(
        LedgerLine,
        "finance",
        methods=READ_ONLY,
        date_field="entry_date",
        search=("account_code", "description"),
        default_sort=("-entry_date", "position"),
        service=LedgerLineService(),
    ),
)
register(
    blp,
    Resource(
        CurrencyRow,
        "finance",
        fields={"code": currency_code("ISO 4217 code.", "EUR")},
        default_sort=("code",),
    ),
)
register(
    blp,
    Resource(
        FxRate,
        "finance",
        date_field="rate_date",
        search=("base", "quote", "source"),
        default_sort=("-rate_date", "base", "quote"),
        fields={
            "base": currency_code("One unit of this currency...", "EUR"),
            "quote": currency_code("...is worth `rate` of this one.", "USD"),
            "rate": positive(18, 8),
        },
        service=FxRateService(),
    ),
)
register(
    blp,
    Resource(
        VatRate,
        "finance",
        date_field="valid_from",
        search=("country_code", "rate_name"),
        default_sort=("country_code", "-valid_from"),
        fields={"country_code": region_code("ISO 3166-1 alpha-2 country code.", "DE")},
    ),
)
register(
    blp,
    Resource(
        SalesTaxUs,
        "finance",
        path="/sales-tax-us",
        date_field="valid_from",
        search=("state_code", "locality"),
        default_sort=("state_code", "locality", "-valid_from"),
        fields={"state_code": region_code("USPS state code.", "NY")},
    ),
)
