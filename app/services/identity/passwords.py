"""Password hashing (argon2id through argon2-cffi) and the password rule.

The rule (OWASP ASVS 4.0, V2.1): at least 10 characters, not only whitespace, and not guessable:
zxcvbn (Dropbox's strength estimator, with its dictionaries of common passwords, names and
keyboard patterns shipped in the package, so no network at run time) must rate it at least
`MIN_PASSWORD_SCORE` ("somewhat guessable": more than about 10^6 guesses). That refuses
`1234567890`, `password12`, `qwertyuiop` and twelve spaces, which the length rule let through.
"""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

from app.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 2
# zxcvbn refuses longer input (its matching is superlinear); a prefix this long that is
# guessable makes the whole password guessable enough to refuse.
ESTIMATED_PREFIX = 72


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
    "description": f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess "
    "(422 WEAK_PASSWORD otherwise).",
}


class WeakPassword(ValidationFailed):
    code, default_message = "WEAK_PASSWORD", "The password is too weak."


def _weak(reason: str, field: str) -> WeakPassword:
    return WeakPassword(f"This password is too weak: {reason}", errors={field: [reason]})


def check_strength(
    password: str, field: str = "password", user_inputs: Iterable[str | None] = ()
) -> None:
    """422 WEAK_PASSWORD unless the password is long enough and hard to guess.
    `user_inputs`: the account's e-mail and names, which a password must not lean on."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _weak(f"Shorter than {MIN_PASSWORD_LENGTH} characters.", field)
    if not password.strip():
        raise _weak("Only whitespace.", field)
    words = [part for value in user_inputs if value for part in value.replace("@", " ").split()]
    estimate = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=words)
    if estimate["score"] < MIN_PASSWORD_SCORE:
        feedback = estimate.get("feedback") or {}
        hint = feedback.get("warning") or "It is a common or easily guessed password."
        raise _weak(f"{hint} Use a few unrelated words, or a longer phrase.".strip(), field)


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
