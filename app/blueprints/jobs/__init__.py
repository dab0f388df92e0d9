"""Background jobs as the API shows them: `GET /jobs/{id}`."""
