"""Accounts cannot be enumerated (issue 19, item 5), and guessable passwords are refused
(item 8): the whole body is validated before an e-mail is looked up, and login answers an
unknown e-mail exactly as a known one, lockout included."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from app.models.base import utcnow

STRONG = "Tangerine-Viaduct-Orbit-42"


def _register(client, email: str, password: str):
    return client.post(
        "/api/v1/auth/register",
        json={
            "organization": {"name": "Probe Ltd", "timezone": "UTC"},
            "owner": {"email": email, "password": password, "first_name": "P", "last_name": "R"},
        },
    )


def _new_email() -> str:
    return f"probe-{uuid.uuid4().hex[:10]}@example.com"


def test_register_with_a_weak_password_is_422_for_a_known_and_an_unknown_email(
    client, make_org, assert_error
):
    known = make_org().email
    for email in (known, _new_email()):
        body = assert_error(_register(client, email, "short"), 422, "WEAK_PASSWORD")
        assert list(body["errors"]) == ["password"]
    # Only a body that is valid in every other way learns that the e-mail is taken.
    assert_error(_register(client, known, STRONG), 409, "CONFLICT")


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/employees"])
def test_creating_a_user_with_a_weak_password_is_422_for_a_known_and_an_unknown_email(
    client, make_org, headers, assert_error, path
):
    auth = headers(make_org())
    known = make_org().email  # another organization's account
    for email in (known, _new_email()):
        body = {
            "email": email,
            "password": "password12",
            "first_name": "U",
            "last_name": "S",
            "employee_number": f"N-{uuid.uuid4().hex[:6]}",
            "hourly_rate": "20.00",
            "currency": "USD",
        }
        if path.endswith("users"):
            body = {k: body[k] for k in ("email", "password", "first_name", "last_name")}
        answer = client.post(path, json=body, headers=auth)
        assert_error(answer, 422, "WEAK_PASSWORD")


def _attempts(client, email: str, times: int) -> list[tuple[int, str | None]]:
    answers = [
        client.post("/api/v1/auth/login", json={"email": email, "password": "Wrong-Guess-77"})
        for _ in range(times)
    ]
    return [(a.status_code, a.get_json().get("error")) for a in answers]


def test_an_unknown_email_is_answered_exactly_as_a_known_one_lockout_included(
    client, make_org, assert_error
):
    known, unknown = make_org().email, _new_email()
    expected = [(401, "INVALID_CREDENTIALS")] * 5 + [(423, "ACCOUNT_LOCKED")] * 2
    assert _attempts(client, known, 7) == expected
    assert _attempts(client, unknown, 7) == expected
    locked = client.post("/api/v1/auth/login", json={"email": unknown.upper(), "password": "x"})
    body = assert_error(locked, 423, "ACCOUNT_LOCKED")
    assert body["message"] == "Too many failed logins; the account is locked for a while."
    until = datetime.fromisoformat(body["details"]["locked_until"])
    assert timedelta(minutes=14) < until - utcnow() <= timedelta(minutes=15, seconds=2)


def test_an_unknown_email_below_the_limit_is_not_locked(client):
    email = _new_email()
    assert _attempts(client, email, 4) == [(401, "INVALID_CREDENTIALS")] * 4


@pytest.mark.parametrize(
    "password",
    ["            ", "1234567890", "password12", "qwertyuiop", "aaaaaaaaaaaa", "Password1234"],
)
def test_guessable_passwords_are_refused(client, assert_error, password):
    body = assert_error(_register(client, _new_email(), password), 422, "WEAK_PASSWORD")
    assert body["errors"]["password"]


def test_a_password_built_on_the_account_email_is_refused(client, assert_error):
    email = f"margarethe{uuid.uuid4().hex[:4]}@example.com"
    local = email.split("@")[0]
    assert_error(_register(client, email, f"{local}1"), 422, "WEAK_PASSWORD")


@pytest.mark.parametrize("password", [STRONG, "correct-horse-1", "ada-password"])
def test_passwords_hard_enough_to_guess_are_accepted(client, password):
    assert _register(client, _new_email(), password).status_code == 201
