"""CRM rules: a deal's probability capped by its stage, deal product lines priced."""
