"""Two owners demoting themselves at the same moment: exactly one succeeds, and the
organization keeps an owner (issue 19, item 6). Real commits on PostgreSQL, tables emptied."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa

ROUNDS = 8


def _two_owners(app) -> tuple[str, list[tuple[str, str]]]:
    """An organization with two owners, committed: (organization id, [(user id, token)])."""
    from app.extensions import db
    from app.services.identity import auth, users

    with app.app_context():
        _org, _ws, first = auth.register(
            {"name": "Two Owners", "timezone": "UTC"},
            {
                "email": f"o1-{uuid.uuid4().hex[:8]}@example.com",
                "password": "owner-password-one",
                "first_name": "O",
                "last_name": "One",
            },
        )
        second = users.create_user(
            first,
            {
                "email": f"o2-{uuid.uuid4().hex[:8]}@example.com",
                "password": "owner-password-two",
                "first_name": "O",
                "last_name": "Two",
                "role": "owner",
            },
        )
        people = [
            (str(user.id), auth.start_session(user, None, None).access_token)
            for user in (first, second)
        ]
        organization_id = str(first.organization_id)
        db.session.commit()
    return organization_id, people


def _demote_at_once(app, people: list[tuple[str, str]]) -> list[Any]:
    barrier = threading.Barrier(len(people))
    responses: list[Any] = [None] * len(people)

    def demote(i: int, user_id: str, token: str) -> None:
        client = app.test_client()
        barrier.wait()
        responses[i] = client.patch(
            f"/api/v1/users/{user_id}",
            json={"role": "admin"},
            headers={"Authorization": f"Bearer {token}"},
        )

    threads = [
        threading.Thread(target=demote, args=(i, *person)) for i, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


@pytest.mark.postgres_only
def test_two_owners_demoting_themselves_at_once_leave_one_owner(live):
    from app.extensions import db
    from app.models import User

    for _ in range(ROUNDS):
        organization_id, people = _two_owners(live)
        responses = _demote_at_once(live, people)
        outcomes = Counter((r.status_code, r.get_json().get("error")) for r in responses)
        assert outcomes == {(200, None): 1, (409, "LAST_OWNER"): 1}
        with live.app_context():
            owners = db.session.scalar(
                sa.select(sa.func.count()).where(
                    User.organization_id == uuid.UUID(organization_id), User.role == "owner"
                )
            )
        assert owners == 1
