"""A field worker's whole day through the real endpoints: a shift generated from a template,
clock-in late on task A, a switch to task B, a break, clock-out, the manager's approvals queue
and bulk approval, then the entries locked. Every number is exact: rounding to 5 minutes, the
automatic break topping the punched break up to the template's 30 minutes across the switch."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

CHICAGO = ZoneInfo("America/Chicago")
INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}


def local(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 18, hour, minute, second, tzinfo=CHICAGO)  # a Wednesday


def utc_text(hour: int, minute: int = 0, second: int = 0) -> str:
    return local(hour, minute, second).astimezone(ZoneInfo("UTC")).isoformat()


def test_a_full_day_of_a_field_worker(client, make_org, make_employee, make_geofence, headers):
    with time_machine.travel(local(6, 0), tick=False) as clock:
        owner = make_org(timezone="America/Chicago")
        manager = make_employee(owner, role="manager")
        worker = make_employee(owner, manager=manager)
        site = make_geofence(owner)
        admin = headers(owner)
        settings = {
            "rounding": {"minutes": 5, "in_mode": "nearest", "out_mode": "nearest"},
            "auto_break": {"after_hours": "6.00", "minutes": 15},
        }
        assert client.put("/api/v1/settings/time", json=settings, headers=admin).status_code == 200
        template = client.post(
            "/api/v1/shift-templates",
            json={
                "name": "Day crew",
                "start_time": "08:00",
                "end_time": "16:30",
                "days_of_week": [0, 1, 2, 3, 4],
                "unpaid_break_minutes": 30,
                "grace_minutes": 5,
                "geofence_id": str(site.id),
                "timezone": "America/Chicago",
            },
            headers=headers(manager.user),
        ).get_json()
        generated = client.post(
            "/api/v1/shifts/generate",
            json={
                "template_id": template["id"],
                "employee_ids": [str(worker.id)],
                "from_date": "2026-11-18",
                "to_date": "2026-11-18",
            },
            headers=headers(manager.user),
        )
        assert generated.status_code == 201, generated.get_json()
        (shift,) = generated.get_json()
        assert (shift["starts_at"], shift["ends_at"]) == (utc_text(8), utc_text(16, 30))
        mine = client.get("/api/v1/me/shifts", headers=headers(worker.user)).get_json()
        assert [s["id"] for s in mine] == [shift["id"]]
        task_a = client.post(
            "/api/v1/tasks",
            json={"title": "Dig trench", "assigned_to": str(worker.id)},
            headers=headers(manager.user),
        ).get_json()
        task_b = client.post(
            "/api/v1/tasks",
            json={"title": "Lay pipe", "assigned_to": str(worker.id)},
            headers=headers(manager.user),
        ).get_json()

        def punch(path: str, at: datetime, **fields):
            clock.move_to(at)
            response = client.post(
                f"/api/v1/clock/{path}", json={**INSIDE, **fields}, headers=headers(worker.user)
            )
            assert response.status_code in (200, 201), response.get_json()
            return response.get_json()

        # 08:07:40: late (grace ends 08:05), on task A.
        clocked_in = punch("in", local(8, 7, 40), task_id=task_a["id"])
        assert "LATE" in clocked_in["flags"]
        first = clocked_in["time_entry"]
        assert (first["shift_id"], first["task_id"], first["status"]) == (
            shift["id"],
            task_a["id"],
            "open",
        )
        client.post(
            f"/api/v1/tasks/{task_a['id']}/status",
            json={"status": "in_progress"},
            headers=headers(worker.user),
        )
        # 11:58:10: switch to task B; the first entry closes, the second opens at that instant.
        switched = punch("switch-task", local(11, 58, 10), task_id=task_b["id"])
        closed = switched["previous_time_entry"]
        assert closed["status"] == "submitted"
        assert (closed["paid_started_at"], closed["paid_ended_at"]) == (
            utc_text(8, 10),
            utc_text(12, 0),
        )
        assert (closed["started_at"], closed["ended_at"]) == (
            utc_text(8, 7, 40),
            utc_text(11, 58, 10),
        )
        assert (closed["worked_seconds"], closed["auto_break_seconds"]) == (13_800, 0)
        second_id = switched["time_entry"]["id"]
        # A 20-minute lunch, then clock-out at 16:31:20.
        punch("breaks/start", local(12, 30))
        punch("breaks/end", local(12, 50))
        out = punch("out", local(16, 31, 20))
        second = out["time_entry"]
        assert "EARLY_LEAVE" not in second["flags"]
        assert second["paid_started_at"] == utc_text(12, 0)  # continues the first entry
        assert second["paid_ended_at"] == utc_text(16, 30)
        # 4 h 30 paid; 20 min punched; the day (8 h 20) is over 6 h and the template wants 30.
        assert (second["duration_seconds"], second["break_seconds"]) == (16_200, 1_800)
        assert (second["auto_break_seconds"], second["worked_seconds"]) == (600, 14_400)
        assert closed["worked_seconds"] + second["worked_seconds"] == 7 * 3600 + 50 * 60

        # 17:00: the manager works the queue.
        clock.move_to(local(17, 0))
        boss = headers(manager.user)
        queue = client.get("/api/v1/approvals?status=pending", headers=boss).get_json()
        assert sorted(a["entity_id"] for a in queue) == sorted([closed["id"], second_id])
        assert {a["requested_by"] for a in queue} == {str(worker.user_id)}
        decided = client.post(
            "/api/v1/approvals/time-entries",
            json={"ids": [closed["id"], second_id], "decision": "approve"},
            headers=boss,
        ).get_json()
        assert [(r["ok"], r["status"]) for r in decided["results"]] == [(True, "approved")] * 2
        assert client.get("/api/v1/approvals?status=pending", headers=boss).get_json() == []

        # Locked from now on.
        crew = headers(worker.user)
        for entry_id in (closed["id"], second_id):
            url = f"/api/v1/time-entries/{entry_id}"
            patched = client.patch(url, json={"note": "x"}, headers=crew)
            assert (patched.status_code, patched.get_json()["error"]) == (409, "ENTRY_LOCKED")
            resubmit = client.post(f"{url}/submit", headers=crew)
            assert resubmit.get_json()["error"] == "ENTRY_LOCKED"
            entry = client.get(url, headers=crew).get_json()
            assert (entry["status"], entry["approved_by"]) == ("approved", str(manager.user_id))

        # What the day left behind.
        hours = {
            t["id"]: t["actual_hours"]
            for t in client.get("/api/v1/tasks?assigned_to=me", headers=crew).get_json()
        }
        assert hours == {task_a["id"]: "3.83", task_b["id"]: "4.00"}
        got = client.get(f"/api/v1/shifts/{shift['id']}", headers=crew).get_json()
        assert got["missed"] is False
        logs = client.get(
            f"/api/v1/audit-logs?entity_type=time_entries&entity_id={second_id}",
            headers=headers(owner),
        ).get_json()
        approvals = [log for log in logs if (log["new_values"] or {}).get("status") == "approved"]
        assert [log["user_id"] for log in approvals] == [str(manager.user_id)]
        assert {log["action"] for log in logs} == {"CREATE", "UPDATE"}
