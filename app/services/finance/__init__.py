"""Finance rules: the chart of accounts, ledger entries, invoices, payments and exchange rates."""
