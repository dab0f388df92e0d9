"""Property-based fuzzing of every operation of the OpenAPI document with schemathesis.

Every operation is called anonymously and as each role (owner, admin, manager, payroll,
employee) of a realistic organization, with valid (positive) and invalid (negative) inputs.
Path parameters are often the ids of real rows of that organization, so that the found,
changed and deleted paths run too, not only the 404s. Every response must:

- not be a server error (no 5xx),
- carry a status code the operation documents *explicitly* (flask-smorest's catch-all
  `default` response does not count: clients need to know which errors to expect),
- have the documented content type and match the documented schema,
- reject the negative (schema-violating) inputs with a 4xx,
- for an error, be the envelope of API.md with `code` equal to the status.

Each example runs inside a SAVEPOINT that is rolled back, so a DELETE or a logout in one example
cannot disturb the next, and each test checks at the end that the database is exactly as
before: the fuzzer leaves nothing behind.

`FIELDCLOCK_FUZZ_EXAMPLES` sets the owner's examples per operation and generation mode (default
3, sized for CI; the other roles, and the owner on the generic resource layer's operations, get
a third of it); `FIELDCLOCK_FUZZ_SEED` replays a run.
See "Quality gates" in README.md.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from typing import Any

import hypothesis
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

FUZZ_EXAMPLES = int(os.environ.get("FIELDCLOCK_FUZZ_EXAMPLES", "3"))
FUZZ_SEED = os.environ.get("FIELDCLOCK_FUZZ_SEED")
# The owner holds every permission and reaches every code path: the full budget. The other
# roles mostly meet permission checks and row scoping, and anonymous calls of protected
# operations all end at the token check: a third of it (at least one example per mode).
OTHER_EXAMPLES = max(1, FUZZ_EXAMPLES // 3)
PATH_VARIABLE = re.compile(r"{([^}]+)}")


def explicitly_documented_status(ctx: Any, response: Any, case: Case) -> None:
    """The status is one the operation lists itself, not one only `default` would cover."""
    listed = [code for code in case.operation.responses.status_codes if code != "default"]
    allowed = {code.upper() for code in listed}
    status = str(response.status_code)
    if status not in allowed and f"{status[0]}XX" not in allowed:
        raise AssertionError(
            f"{case.operation.label} answered {status}, which it does not document "
            f"(documented: {', '.join(sorted(listed))})"
        )


def error_envelope(ctx: Any, response: Any, case: Case) -> None:
    """Every error is API.md's envelope and its `code` is the HTTP status."""
    if response.status_code < 400:
        return
    body = response.json()
    assert isinstance(body, dict), f"error body is not an object: {body!r}"
    assert body.get("code") == response.status_code, f"envelope code {body.get('code')!r}"
    for key in ("message", "error", "status"):
        assert isinstance(body.get(key), str) and body[key], f"envelope {key!r}: {body!r}"
    assert isinstance(body.get("errors"), dict) and isinstance(body.get("details"), dict), body


CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    explicitly_documented_status,
    error_envelope,
]


@pytest.fixture(scope="module")
def operations(_app: Flask) -> list[Any]:
    """Every operation of the served OpenAPI document, loaded once by schemathesis to call the
    (session-wide) app in-process; each test still swaps in its own rolled-back session."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _app)
    found = []
    for result in schema.get_all_operations():
        # An operation schemathesis cannot even read is a failure of its own.
        assert isinstance(result, Ok), f"unusable operation in the OpenAPI document: {result}"
        found.append(result.ok())
    return found


def _is_public(operation: Any) -> bool:
    return operation.definition.raw.get("security") == []


def _id_pools(operation: Any, tenant: Any, routes: list[Any]) -> dict[str, list[str]]:
    """Path variable → ids of real rows of that kind in the tenant (the actors included)."""
    route = next((r for r in routes if r.openapi_path == operation.path), None)
    pools: dict[str, list[str]] = {}
    for name in PATH_VARIABLE.findall(operation.path):
        key = route.variables.get(name) if route else None
        ids = list(tenant.rows.get(key, [])) if key else []
        if name == "user_id":
            ids += tenant.user_ids.values()
        if name == "employee_id":
            ids += tenant.employee_ids.values()
        pools[name] = sorted({str(i) for i in ids})
    return pools


def _fuzz(
    operation: Any,
    headers: dict[str, str],
    pools: dict[str, list[str]],
    examples: int,
    rolled_back: Callable[[], Any],
) -> None:
    """Run `examples` positive and `examples` negative cases of one operation."""
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(
        max_examples=2 * examples,
        deadline=None,
        database=None,  # the inner functions share one source, their saved examples would mix
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @hypothesis.given(case=strategy, data=st.data())
    def run(case: Case, data: st.DataObject) -> None:
        # Edits are made by assigning the containers: schemathesis then re-validates them, so a
        # case whose only violation was replaced (a junk id, a junk token) counts as positive.
        for name, ids in pools.items():
            # Mostly a real row, sometimes whatever the generator made (a miss, or junk).
            chosen = data.draw(st.sampled_from([None, *ids, *ids]), label=name)
            if chosen is not None:
                case.path_parameters = {**(case.path_parameters or {}), name: chosen}
        if headers:
            case.headers = {**(case.headers or {}), **headers}
        with rolled_back():
            response = case.call()
            case.validate_response(response, checks=CHECKS)

    if FUZZ_SEED is not None:
        run = hypothesis.seed(int(FUZZ_SEED))(run)
    run()


def _app_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """app.errors warns when the database refuses a value (answered 422 by a safety net) or is
    unreachable (503): either means a schema or the harness let something through."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "app.errors" and r.levelno >= logging.WARNING
    ]


def _is_generic(operation: Any) -> bool:
    """An operation of the generic resource layer: one code path for ~80 tables, whose
    contract `test_resource_contract.py` checks table by table, so the fuzzer gives each the
    smaller budget (every one is still fuzzed, none skipped) and CI stays within its time."""
    from app.blueprints.resource import REGISTRY

    urls = {registered.url for registered in REGISTRY.values()}
    path = operation.path
    return path in urls or path.rsplit("/", 1)[0] in urls


def test_every_operation_as_role(
    role: str,
    make_tenant: Any,
    routes: Any,
    operations: Any,
    dbstate: Any,
    subtests: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tenant = make_tenant("Fuzz Co")
    before = dbstate.snapshot()
    protected = [op for op in operations if not _is_public(op)]
    assert len(protected) >= 15, "the document lost its operations"
    for operation in protected:
        # /auth/refresh takes the refresh token as its bearer; everything else the access token
        refresh = operation.path.endswith("/auth/refresh")
        headers = (tenant.refresh_auth if refresh else tenant.auth)[role]
        with subtests.test(msg=f"{role} {operation.label}"):
            pools = _id_pools(operation, tenant, routes)
            owner_budget = OTHER_EXAMPLES if _is_generic(operation) else FUZZ_EXAMPLES
            examples = owner_budget if role == "owner" else OTHER_EXAMPLES
            _fuzz(operation, headers, pools, examples, dbstate.rolled_back)
    assert _app_warnings(caplog) == []
    assert dbstate.diff(before, dbstate.snapshot()) == []


def test_every_operation_anonymously(
    make_tenant: Any,
    routes: Any,
    operations: Any,
    dbstate: Any,
    subtests: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tenant = make_tenant("Fuzz Co")
    before = dbstate.snapshot()
    for operation in operations:
        with subtests.test(msg=f"anonymous {operation.label}"):
            pools = _id_pools(operation, tenant, routes)
            # Public operations (login, register, health) get the full budget.
            examples = FUZZ_EXAMPLES if _is_public(operation) else OTHER_EXAMPLES
            _fuzz(operation, {}, pools, examples, dbstate.rolled_back)
    assert _app_warnings(caplog) == []
    assert dbstate.diff(before, dbstate.snapshot()) == []
