"""GET /time-entries: who sees which entries (by role, through the reporting tree) and the
`task_id` filter, checked as exact sets of entry ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.models import Task

MONDAY = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


@pytest.fixture
def make_task(db):
    def make(owner, title: str) -> Task:
        task = Task(
            organization_id=owner.organization_id,
            workspace_id=owner.workspace_id,
            title=title,
            status="pending",
        )
        db.session.add(task)
        db.session.commit()
        return task

    return make


@pytest.fixture
def company(make_org, make_employee, make_entry, make_task):
    """An organization with a two-level reporting tree, a second team, a loner, staff roles,
    and one entry per person (two for some), plus another organization's entry."""
    owner = make_org("Acme", timezone="UTC")
    people = {
        "admin": make_employee(owner, role="admin"),
        "payroll": make_employee(owner, role="payroll"),
        "boss": make_employee(owner, role="manager"),
    }
    people["lead"] = make_employee(owner, role="manager", manager=people["boss"])
    people["deep"] = make_employee(owner, manager=people["lead"])  # a report of a report
    people["direct"] = make_employee(owner, manager=people["boss"])
    people["rival"] = make_employee(owner, role="manager")
    people["rivals_report"] = make_employee(owner, manager=people["rival"])
    people["loner"] = make_employee(owner)
    tasks = {"paint": make_task(owner, "Paint"), "dig": make_task(owner, "Dig")}

    entries: dict[str, list[str]] = {}
    plan = [
        ("admin", None, "approved"),
        ("payroll", None, "approved"),
        ("boss", "dig", "submitted"),
        ("lead", None, "approved"),
        ("deep", "paint", "submitted"),
        ("deep", "dig", "rejected"),
        ("direct", "paint", "approved"),
        ("rival", None, "submitted"),
        ("rivals_report", "paint", "approved"),
        ("rivals_report", None, "submitted"),
        ("loner", "dig", "approved"),
    ]
    for i, (who, task, status) in enumerate(plan):
        start = MONDAY + timedelta(hours=i)
        entry = make_entry(
            people[who],
            start,
            start + timedelta(minutes=30),
            status=status,
            task_id=tasks[task].id if task else None,
        )
        entries.setdefault(who, []).append(str(entry.id))
    # An open entry (no end) counts as well.
    open_entry = make_entry(people["deep"], MONDAY + timedelta(days=1))
    entries["deep"].append(str(open_entry.id))

    globex = make_org("Globex", timezone="UTC")
    stranger = make_employee(globex, role="employee")
    globex_task = make_task(globex, "Paint")
    foreign = make_entry(
        stranger, MONDAY, MONDAY + timedelta(hours=1), status="approved", task_id=globex_task.id
    )
    return {
        "owner": owner,
        "people": people,
        "tasks": tasks,
        "entries": entries,
        "foreign_task": globex_task,
        "foreign_entry": str(foreign.id),
    }


def _ids(client, headers, user, query: str = "") -> set[str]:
    response = client.get(f"/api/v1/time-entries{query}", headers=headers(user))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    ids = [entry["id"] for entry in body]
    assert len(ids) == len(set(ids))
    return set(ids)


def _of(company, *names: str) -> set[str]:
    return {entry_id for name in names for entry_id in company["entries"][name]}


EVERYONE = (
    "admin",
    "payroll",
    "boss",
    "lead",
    "deep",
    "direct",
    "rival",
    "rivals_report",
    "loner",
)


@pytest.mark.parametrize("role", ["owner", "admin", "payroll"])
def test_owner_admin_and_payroll_see_every_entry_of_the_organization(
    client, headers, company, role
):
    user = company["owner"] if role == "owner" else company["people"][role].user
    seen = _ids(client, headers, user)
    assert seen == _of(company, *EVERYONE)
    assert len(seen) == 12
    assert company["foreign_entry"] not in seen


@pytest.mark.parametrize(
    ("manager", "expected"),
    [
        # Own, the direct reports, and the report of a report (deep reports to lead).
        ("boss", ("boss", "lead", "deep", "direct")),
        ("lead", ("lead", "deep")),
        ("rival", ("rival", "rivals_report")),
    ],
)
def test_a_manager_sees_their_reports_transitively_and_nobody_else(
    client, headers, company, manager, expected
):
    seen = _ids(client, headers, company["people"][manager].user)
    assert seen == _of(company, *expected)


@pytest.mark.parametrize("who", ["deep", "direct", "rivals_report", "loner"])
def test_an_employee_sees_only_their_own(client, headers, company, who):
    assert _ids(client, headers, company["people"][who].user) == _of(company, who)


def test_a_manager_naming_someone_outside_their_tree_gets_nothing(client, headers, company):
    people = company["people"]
    assert _ids(client, headers, people["lead"].user, f"?employee_id={people['direct'].id}") == (
        set()
    )
    assert _ids(client, headers, people["boss"].user, f"?employee_id={people['deep'].id}") == (
        _of(company, "deep")
    )
    assert _ids(client, headers, people["loner"].user, f"?employee_id={people['deep'].id}") == (
        set()
    )


def test_task_id_filter(client, headers, company):
    tasks, people, owner = company["tasks"], company["people"], company["owner"]
    entries = company["entries"]
    paint = {entries["deep"][0], entries["direct"][0], entries["rivals_report"][0]}
    dig = {entries["boss"][0], entries["deep"][1], entries["loner"][0]}
    assert _ids(client, headers, owner, f"?task_id={tasks['paint'].id}") == paint
    assert _ids(client, headers, owner, f"?task_id={tasks['dig'].id}") == dig
    # Scoping still applies under the filter.
    assert _ids(client, headers, people["boss"].user, f"?task_id={tasks['paint'].id}") == {
        entries["deep"][0],
        entries["direct"][0],
    }
    assert _ids(client, headers, people["rival"].user, f"?task_id={tasks['paint'].id}") == {
        entries["rivals_report"][0]
    }
    assert _ids(client, headers, people["deep"].user, f"?task_id={tasks['dig'].id}") == {
        entries["deep"][1]
    }
    # Combined with other filters.
    assert _ids(client, headers, owner, f"?task_id={tasks['dig'].id}&status=approved") == {
        entries["loner"][0]
    }
    assert _ids(
        client, headers, owner, f"?task_id={tasks['paint'].id}&employee_id={people['deep'].id}"
    ) == {entries["deep"][0]}
    # Another organization's task, or no such task: nothing, never the other tenant's entry.
    assert _ids(client, headers, owner, f"?task_id={company['foreign_task'].id}") == set()
    assert _ids(client, headers, owner, f"?task_id={uuid.uuid4()}") == set()


def test_task_id_must_be_a_uuid(client, headers, company, assert_error):
    response = client.get("/api/v1/time-entries?task_id=paint", headers=headers(company["owner"]))
    assert_error(response, 422, "VALIDATION_ERROR")
