"""Planning rules: forecasts' periods and bands, sales converted to the base currency."""
