"""Registration, login, token refresh and logout."""
