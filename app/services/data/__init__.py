"""Data management rules: versioned system settings (imports run in ERP II's jobs)."""
