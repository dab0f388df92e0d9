"""Finance over the generic resource layer: invoices, payments, the ledger and the rates."""
