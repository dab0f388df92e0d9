"""Rate limits a client can see (issue 19, items 3-5): per user and per organization, tighter
for login, registration and "e-mail taken" answers, sync batches counted by their punches; 429
RATE_LIMITED with Retry-After and the IETF draft's RateLimit-Policy / RateLimit headers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.config import RATE_LIMIT_DEFAULTS, load_config


@pytest.fixture
def limits(app) -> Iterator:
    """limits(**config): rate limits on, with these figures, for this test only."""
    saved = dict(app.config)

    def set_limits(**figures: str) -> None:
        app.config.update(RATE_LIMITS_ENABLED=True, **figures)

    yield set_limits
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def address() -> dict:
    """A client address of this test's own, so that no other test's counters are shared."""
    a, b, c = uuid.uuid4().bytes[:3]
    return {"REMOTE_ADDR": f"10.{a}.{b}.{c}"}


def _seconds(value: str) -> int:
    assert re.fullmatch(r"\d+", value), value
    return int(value)


def test_defaults_allow_at_least_600_requests_a_minute_per_organization(monkeypatch):
    monkeypatch.delenv("FIELDCLOCK_RATE_LIMITS", raising=False)
    config = load_config({"JWT_SECRET_KEY": "x" * 40})
    assert config["RATE_LIMITS_ENABLED"] is True
    assert config["RATELIMIT_PER_ORGANIZATION"] == "12000 per minute"
    assert config["RATELIMIT_PER_USER"] == "600 per minute"
    assert config["RATELIMIT_LOGIN_PER_EMAIL"] == "10 per minute"
    monkeypatch.setenv("FIELDCLOCK_RATE_LIMITS", "off")
    monkeypatch.setenv("RATELIMIT_PER_USER", "5000 per minute")
    config = load_config({"JWT_SECRET_KEY": "x" * 40})
    assert config["RATE_LIMITS_ENABLED"] is False
    assert config["RATELIMIT_PER_USER"] == "5000 per minute"
    assert set(RATE_LIMIT_DEFAULTS) <= set(config)


def test_per_user_limit_answers_429_with_the_draft_headers(
    client, make_org, make_employee, headers, limits, assert_error
):
    limits(RATELIMIT_PER_USER="3 per minute")
    owner = make_org()
    auth = headers(owner)
    seen = [client.get("/api/v1/auth/me", headers=auth) for _ in range(3)]
    assert [r.status_code for r in seen] == [200, 200, 200]
    policy = seen[0].headers["RateLimit-Policy"]
    assert '"user";q=3;w=60' in policy
    assert '"organization";q=12000;w=60' in policy
    assert re.search(r'(^|, )"user";r=2;t=\d+(,|$)', seen[0].headers["RateLimit"])
    assert re.search(r'(^|, )"organization";r=11997;t=\d+(,|$)', seen[2].headers["RateLimit"])
    assert re.search(r'(^|, )"user";r=0;t=\d+(,|$)', seen[2].headers["RateLimit"])
    refused = client.get("/api/v1/auth/me", headers=auth)
    body = assert_error(refused, 429, "RATE_LIMITED")
    assert body["details"] == {"limit": "3 per 1 minute"}
    assert 1 <= _seconds(refused.headers["Retry-After"]) <= 60
    assert re.search(r'(^|, )"user";r=0;t=\d+(,|$)', refused.headers["RateLimit"])
    # Another user of the same organization has an allowance of their own.
    other = make_employee(owner)
    assert client.get("/api/v1/auth/me", headers=headers(other.user)).status_code == 200


def test_one_organization_spending_its_allowance_leaves_another_untouched(
    client, make_org, make_employee, headers, limits, assert_error
):
    limits(RATELIMIT_PER_ORGANIZATION="4 per minute")
    noisy = make_org()
    noisy_users = [headers(noisy), headers(make_employee(noisy).user)]
    statuses = [
        client.get("/api/v1/auth/me", headers=noisy_users[i % 2]).status_code for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    quiet = make_org()
    answer = client.get("/api/v1/auth/me", headers=headers(quiet))
    assert answer.status_code == 200
    assert re.search(r'(^|, )"organization";r=3;t=\d+(,|$)', answer.headers["RateLimit"])


def test_probes_and_docs_are_never_limited(client, limits, address):
    limits(RATELIMIT_PER_ADDRESS="1 per minute")
    for _ in range(3):
        answer = client.get("/healthz", environ_base=address)
        assert answer.status_code == 200
        assert "RateLimit" not in answer.headers
    assert client.get("/api/openapi.json", environ_base=address).status_code == 200


def test_turned_off_nothing_is_limited(app, client, make_org, headers, limits):
    limits(RATELIMIT_PER_USER="1 per minute")
    app.config["RATE_LIMITS_ENABLED"] = False
    auth = headers(make_org())
    answers = [client.get("/api/v1/auth/me", headers=auth) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "RateLimit-Policy" not in answers[0].headers


def test_login_is_limited_per_email_from_any_address(client, make_org, limits, assert_error):
    limits(RATELIMIT_LOGIN_PER_EMAIL="2 per minute")
    owner = make_org()
    attempt = {"email": owner.email.upper(), "password": "wrong-password"}
    for n in range(2):
        answer = client.post(
            "/api/v1/auth/login", json=attempt, environ_base={"REMOTE_ADDR": f"10.0.9.{n}"}
        )
        assert answer.status_code == 401
    refused = client.post(
        "/api/v1/auth/login",
        json={"email": owner.email, "password": "owner-password"},
        environ_base={"REMOTE_ADDR": "10.0.9.7"},
    )
    assert_error(refused, 429, "RATE_LIMITED")
    assert re.search(r'(^|, )"login-email";r=0;t=\d+(,|$)', refused.headers["RateLimit"])
    other = make_org()
    ok = client.post(
        "/api/v1/auth/login",
        json={"email": other.email, "password": "owner-password"},
        environ_base={"REMOTE_ADDR": "10.0.9.8"},
    )
    assert ok.status_code == 200


def test_login_is_limited_per_client_address(client, limits, address, assert_error):
    limits(RATELIMIT_LOGIN_PER_ADDRESS="2 per minute")
    for n in range(2):
        answer = client.post(
            "/api/v1/auth/login",
            json={"email": f"nobody-{n}@example.com", "password": "whatever-password"},
            environ_base=address,
        )
        assert answer.status_code == 401
    refused = client.post(
        "/api/v1/auth/login",
        json={"email": "nobody-9@example.com", "password": "whatever-password"},
        environ_base=address,
    )
    assert_error(refused, 429, "RATE_LIMITED")


def test_registration_is_limited_per_client_address(client, limits, address, assert_error):
    limits(RATELIMIT_REGISTER_PER_ADDRESS="1 per hour")

    def register(n: int):
        return client.post(
            "/api/v1/auth/register",
            json={
                "organization": {"name": f"Org {n}", "timezone": "UTC"},
                "owner": {
                    "email": f"reg-{uuid.uuid4().hex[:8]}@example.com",
                    "password": "Tangerine-Viaduct-Orbit-42",
                    "first_name": "R",
                    "last_name": "G",
                },
            },
            environ_base=address,
        )

    assert register(1).status_code == 201
    refused = register(2)
    assert_error(refused, 429, "RATE_LIMITED")
    assert '"register";q=1;w=3600' in refused.headers["RateLimit-Policy"].split(", ")


def test_email_taken_answers_are_limited_per_address_and_counted_only_when_given(
    client, make_org, headers, limits, address, assert_error
):
    limits(RATELIMIT_EMAIL_TAKEN_PER_ADDRESS="2 per hour")
    owner = make_org()
    auth = headers(owner)
    taken = make_org().email  # an account of another organization

    def create(email: str):
        return client.post(
            "/api/v1/users",
            json={
                "email": email,
                "password": "Tangerine-Viaduct-Orbit-42",
                "first_name": "U",
                "last_name": "S",
                "role": "employee",
            },
            headers=auth,
            environ_base=address,
        )

    # Fresh e-mails are not counted: three creations, then two "taken" answers fit.
    for _ in range(3):
        assert create(f"new-{uuid.uuid4().hex[:8]}@example.com").status_code == 201
    assert [create(taken).status_code for _ in range(2)] == [409, 409]
    assert_error(create(taken), 429, "RATE_LIMITED")
    # The probing address is refused for this kind of request until the window ends.
    assert_error(create(f"new-{uuid.uuid4().hex[:8]}@example.com"), 429, "RATE_LIMITED")


def test_email_taken_answers_are_limited_per_organization(
    client, make_org, headers, limits, assert_error
):
    limits(RATELIMIT_EMAIL_TAKEN_PER_ORGANIZATION="1 per hour")
    owner = make_org()
    taken = make_org().email
    body = {
        "email": taken,
        "first_name": "E",
        "last_name": "M",
        "password": "Tangerine-Viaduct-Orbit-42",
        "employee_number": "E-1",
        "hourly_rate": "20.00",
        "currency": "USD",
    }
    first = client.post(
        "/api/v1/employees", json=body, headers=headers(owner),
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )  # fmt: skip
    assert first.status_code == 409
    again = client.post(
        "/api/v1/employees", json=body, headers=headers(owner),
        environ_base={"REMOTE_ADDR": "10.1.1.2"},
    )  # fmt: skip
    assert_error(again, 429, "RATE_LIMITED")


def _punches(count: int, start: datetime) -> list[dict]:
    return [
        {
            "client_id": str(uuid.uuid4()),
            "type": "in" if i % 2 == 0 else "out",
            "lat": 41.8805,
            "lon": -87.6295,
            "accuracy_m": 8.0,
            "occurred_at": (start + timedelta(minutes=10 * i)).isoformat(),
        }
        for i in range(count)
    ]


def test_sync_batches_cost_their_punches(
    client, make_org, make_employee, headers, limits, assert_error
):
    limits(RATELIMIT_SYNC_PUNCHES_PER_USER="5 per hour")
    owner = make_org()
    worker, other = make_employee(owner), make_employee(owner)
    start = datetime.now(UTC) - timedelta(hours=5)
    auth = headers(worker.user)
    first = client.post("/api/v1/clock/sync", json={"punches": _punches(4, start)}, headers=auth)
    assert first.status_code == 200
    assert [r["status"] for r in first.get_json()["results"]] == ["accepted"] * 4
    assert re.search(r'(^|, )"sync-user";r=1;t=\d+(,|$)', first.headers["RateLimit"])
    later = start + timedelta(hours=1)
    refused = client.post("/api/v1/clock/sync", json={"punches": _punches(2, later)}, headers=auth)
    assert_error(refused, 429, "RATE_LIMITED")
    fine = client.post(
        "/api/v1/clock/sync", json={"punches": _punches(2, start)}, headers=headers(other.user)
    )
    assert fine.status_code == 200


def test_a_forged_token_does_not_spend_the_organization_allowance(
    client, make_org, headers, limits, address
):
    limits(RATELIMIT_PER_ORGANIZATION="2 per minute")
    owner = make_org()
    real = headers(owner)["Authorization"]
    header, payload, _signature = real.removeprefix("Bearer ").split(".")
    forged = {"Authorization": f"Bearer {header}.{payload}.AAAA"}
    for _ in range(3):
        assert (
            client.get("/api/v1/auth/me", headers=forged, environ_base=address).status_code == 401
        )
    assert client.get("/api/v1/auth/me", headers={"Authorization": real}).status_code == 200
