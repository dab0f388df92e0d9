"""Password hashing (argon2id through argon2-cffi) and the password rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("fieldclock_hasher")
    if hasher is None:
        hasher = PasswordHasher(
            time_cost=current_app.config["ARGON2_TIME_COST"],
            memory_cost=current_app.config["ARGON2_MEMORY_COST"],
        )
        current_app.extensions["fieldclock_hasher"] = hasher
    return hasher


# For the schemas' OpenAPI: the minimum is checked here (422 WEAK_PASSWORD), not by the schema
# (which would answer VALIDATION_ERROR), but a client should know it before sending.
PASSWORD_DOC = {
    "minLength": MIN_PASSWORD_LENGTH,
    "description": f"At least {MIN_PASSWORD_LENGTH} characters (422 WEAK_PASSWORD otherwise).",
}


class WeakPassword(ValidationFailed):
    code, default_message = "WEAK_PASSWORD", "The password is too short."


def check_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.",
            errors={field: [f"Shorter than {MIN_PASSWORD_LENGTH} characters."]},
        )


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; an unknown user still costs one hash (timing probes)."""
    hasher = _hasher()
    if password_hash is None:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
