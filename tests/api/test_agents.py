"""Agents: a conversation's messages, append-only tool calls and steps (corrections are new
rows), one step number per run, a run's end not before its start."""

from __future__ import annotations

API = "/api/v1"


def test_agent_tables(client, make_org, headers):
    auth = headers(make_org(timezone="UTC"))

    def post(path, body):
        return client.post(f"{API}{path}", json=body, headers=auth)

    thread = post("/conversations", {"title": "Reorder GABA Red"}).get_json()
    message = post(
        "/messages", {"conversation_id": thread["id"], "sender": "user", "content": "How many?"}
    )
    assert (message.status_code, message.get_json()["sender"]) == (201, "user")
    listed = client.get(f"{API}/messages?conversation_id={thread['id']}&q=many", headers=auth)
    assert [m["content"] for m in listed.get_json()] == ["How many?"]

    run = post("/agent-runs", {"goal": "Reorder", "mode": "PROPOSE"}).get_json()
    assert (run["mode"], run["status"]) == ("PROPOSE", "pending")
    step = post("/agent-steps", {"run_id": run["id"], "step_number": 1, "tool_id": "stock"})
    assert step.status_code == 201
    again = post("/agent-steps", {"run_id": run["id"], "step_number": 1, "tool_id": "stock"})
    assert (again.status_code, again.get_json()["error"]) == (409, "CONFLICT")
    step_url = f"{API}/agent-steps/{step.get_json()['id']}"
    assert client.patch(step_url, json={"tool_id": "x"}, headers=auth).status_code == 405
    assert client.delete(step_url, headers=auth).status_code == 405

    call = post("/tool-calls", {"agent": "router", "tool_name": "stock", "input": {"sku": "R"}})
    assert call.get_json()["input"] == {"sku": "R"}
    call_url = f"{API}/tool-calls/{call.get_json()['id']}"
    assert client.delete(call_url, headers=auth).status_code == 405

    response = client.patch(
        f"{API}/agent-runs/{run['id']}",
        json={"finished_at": "2000-01-01T00:00:00Z"},
        headers=auth,
    )
    assert list(response.get_json()["errors"]) == ["finished_at"]
    model = post("/model-registry", {"name": "demand", "version": "1"})
    assert model.status_code == 201
    twin = post("/model-registry", {"name": "demand", "version": "1"})
    assert twin.status_code == 409
