"""Bad input, generated over every operation of the OpenAPI document that takes a body or a
query string: malformed JSON and NaN/Infinity, bodies that are not objects or not JSON, 10 MB
bodies, wrong JSON types, 100 000-character strings, NUL bytes and lone surrogates, deep
nesting, timestamps without an offset, SQL/JSON injection strings, and unicode that must
survive (RTL marks, emoji, combining characters).

Each answer is exactly the status and machine code API.md promises, in the error envelope,
naming the offending field; no 5xx; and the database is exactly as before (rejected input
writes nothing). Text that is merely unusual (injection strings, unicode) is either stored
and read back exactly or refused with a 422 naming the field; those writes are rolled back.

Every test calls as the organization's owner, who holds every permission, so that a 403
cannot stand in for the validation under test; path variables are the owner's own rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

WRITE_METHODS = ("POST", "PUT", "PATCH")
HUGE = "x" * 100_000
TEN_MB = b'{"name": "' + b"a" * (10 * 1024 * 1024) + b'"}'
NO_OFFSET = "2026-11-23T08:00:00"
INJECTIONS = (
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "1); DELETE FROM employees WHERE (1=1",
    '{"$gt": ""}',
    "%' OR '%'='",
    "{{7*7}}${7*7}",
)
# Right-to-left override, Hebrew, a woman construction worker (ZWJ sequence), a combining
# acute accent, a byte-order mark, CJK: all text a real name or address may hold.
UNICODE = "Ω \u202e\u05e7\u05d3\u05d9\u05de\u05d4\u202c 👷\u200d♀️ e\u0301 \ufeff漢字"
ENVELOPE_KEYS = {"code", "status", "message", "error", "errors", "details"}
_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # OpenAPI spelling
    url: str  # with the owner's own ids
    operation: dict[str, Any]
    body: dict[str, Any] | None  # the resolved request body schema
    props: dict[str, dict[str, Any]]  # its top-level properties, resolved, minus read-only

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class Caller:
    """Sends requests as the owner of one tenant and records every answer that is not the
    expected envelope, so that one run shows every problem at once."""

    def __init__(self, tenant: Any, routes: list[Any], openapi: Any) -> None:
        self.tenant = tenant
        self.openapi = openapi
        self.headers = tenant.auth["owner"]
        self.problems: list[str] = []
        self.checked = 0
        self.dbstate: Any = None  # set by the fixture, with the snapshot taken before the test
        self.before: Any = None
        self.ops: list[Op] = []
        by_path = {route.openapi_path: route for route in routes}
        for method, path, operation in openapi.operations():
            route = by_path.get(path)
            if route is None:
                continue  # /healthz and /readyz take no input
            ids = {v: str(tenant.rows[k][0]) for v, k in route.variables.items() if k}
            if len(ids) != len(route.variables):
                continue  # the sweep's factory test names the route
            body = openapi.body_schema(operation)
            props = {
                name: prop
                for name, prop in (openapi.properties(body) if body else {}).items()
                if not prop.get("readOnly")
            }
            url = _VARIABLE.sub(lambda m, ids=ids: ids[m.group(1)], route.rule)
            self.ops.append(Op(method, path, url, operation, body, props))

    def with_body(self) -> list[Op]:
        return [op for op in self.ops if op.method in WRITE_METHODS and op.body is not None]

    def writes(self) -> list[Op]:
        return [op for op in self.ops if op.method in WRITE_METHODS]

    def minimal(self, op: Op) -> dict[str, Any]:
        example = self.openapi.example(op.body)
        return example if isinstance(example, dict) else {}

    def send(
        self,
        op: Op,
        *,
        raw: bytes | str | None = None,
        body: Any = None,
        content_type: str = "application/json",
        url: str | None = None,
    ) -> Any:
        target = url or op.url
        if raw is not None:
            return self.tenant.client.open(
                target,
                method=op.method,
                data=raw,
                content_type=content_type,
                headers=self.headers,
            )
        return self.tenant.client.open(target, method=op.method, json=body, headers=self.headers)

    def expect(
        self, label: str, response: Any, status: int, code: str, field: str | None = None
    ) -> None:
        """The exact status and machine code, the full envelope, and the field named."""
        self.checked += 1
        body = response.get_json(silent=True)
        if not (
            response.status_code == status
            and isinstance(body, dict)
            and set(body) >= ENVELOPE_KEYS
            and (body["code"], body["error"]) == (status, code)
            and (field is None or field in body["errors"])
        ):
            shown = body if body is not None else response.get_data()[:200]
            want = f"{status} {code}" + (f" naming {field!r}" if field else "")
            self.problems.append(f"{label}: want {want}, got {response.status_code} {shown}")

    def assert_clean(self, minimum: int) -> None:
        """No problem recorded, at least `minimum` answers checked (the generation really
        found its targets), and every row of every table as it was before the test."""
        assert self.problems == [], "\n".join(self.problems)
        assert self.checked >= minimum
        assert self.dbstate.diff(self.before, self.dbstate.snapshot()) == []


@pytest.fixture
def caller(make_tenant: Any, routes: list[Any], openapi: Any, dbstate: Any) -> Caller:
    made = Caller(make_tenant("Acme"), routes, openapi)
    made.dbstate, made.before = dbstate, dbstate.snapshot()
    return made


def _kind(schema: dict[str, Any]) -> str | None:
    if "type" in schema:
        return str(schema["type"])
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            if "type" in option:
                return str(option["type"])
    return None


def _is_free_text(schema: dict[str, Any]) -> bool:
    """A string the API stores as given: no format, choices, pattern or alternatives."""
    return (
        _kind(schema) == "string"
        and not {"format", "enum", "pattern", "anyOf", "oneOf", "allOf"} & set(schema)
        and not schema.get("writeOnly")
    )


def _formats(schema: dict[str, Any]) -> set[str | None]:
    return {schema.get("format")} | {o.get("format") for o in schema.get("anyOf", [])}


def _bad_times(schema: dict[str, Any]) -> list[str]:
    """Timestamps without offset, and dates and timestamps at the edges of the calendar
    (year 1 east of UTC and year 9999 west of it overflow when converted)."""
    values = []
    if "date-time" in _formats(schema):
        values += [NO_OFFSET, "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
    if "date" in _formats(schema):
        values += ["0001-01-01", "9999-12-31"]
    return values


# Two values of the wrong JSON type per declared type; the second is a JSON-injection shape.
WRONG_TYPES: dict[str, tuple[Any, ...]] = {
    "string": (12345, {"$gt": ""}),
    "integer": ("12", 1.5),
    "number": ("41.88", {"$ne": 0}),
    "boolean": ("yes", 1),
    "array": ("not-a-list", {"0": "x"}),
    "object": ([1, 2], "text"),
}


def test_malformed_json_is_400(caller: Caller) -> None:
    for op in caller.with_body():
        number = next((k for k, p in op.props.items() if _kind(p) in ("number", "integer")), "n")
        for raw in (
            '{"name": ',
            '{"a": 1,}',
            "{'a': 1}",
            '{"a": 1} trailing',
            b"\xff\xfe\xfa garbage",
            f'{{"{number}": NaN}}',
            f'{{"{number}": Infinity}}',
            "[-Infinity]",
        ):
            caller.expect(f"{op.label} {raw!r}", caller.send(op, raw=raw), 400, "MALFORMED_JSON")
    caller.assert_clean(minimum=80)


def test_json_that_is_not_an_object_is_422(caller: Caller) -> None:
    for op in caller.with_body():
        for raw in ("[1, 2]", '"text"', "42", "null", "true"):
            response = caller.send(op, raw=raw)
            caller.expect(f"{op.label} {raw}", response, 422, "VALIDATION_ERROR")
    caller.assert_clean(minimum=50)


def test_bodies_that_are_not_json_are_415(caller: Caller) -> None:
    for op in caller.writes():
        for content_type in ("application/x-www-form-urlencoded", "text/plain"):
            response = caller.send(op, raw="name=x&role=owner", content_type=content_type)
            caller.expect(f"{op.label} {content_type}", response, 415, "UNSUPPORTED_MEDIA_TYPE")
    caller.assert_clean(minimum=30)


def test_ten_megabyte_bodies_are_413(caller: Caller) -> None:
    # Also the routes that never read their body (logout, refresh): the limit is the server's.
    for op in caller.writes():
        caller.expect(op.label, caller.send(op, raw=TEN_MB), 413, "PAYLOAD_TOO_LARGE")
    caller.assert_clean(minimum=15)


def test_wrong_json_types_are_422_naming_the_field(caller: Caller) -> None:
    for op in caller.with_body():
        for name, prop in op.props.items():
            for wrong in WRONG_TYPES.get(_kind(prop) or "", ()):
                response = caller.send(op, body={**caller.minimal(op), name: wrong})
                caller.expect(
                    f"{op.label} {name}={wrong!r}", response, 422, "VALIDATION_ERROR", name
                )
    caller.assert_clean(minimum=100)


def test_unknown_and_prototype_keys_are_422(caller: Caller) -> None:
    for op in caller.with_body():
        for key in ("__proto__", "constructor", "is_admin"):
            response = caller.send(op, body={**caller.minimal(op), key: {"admin": True}})
            caller.expect(f"{op.label} {key}", response, 422, "VALIDATION_ERROR", key)
    caller.assert_clean(minimum=45)


def test_huge_strings_are_422_naming_the_field(caller: Caller) -> None:
    for op in caller.with_body():
        for name, prop in op.props.items():
            if _kind(prop) == "string":
                response = caller.send(op, body={**caller.minimal(op), name: HUGE})
                caller.expect(
                    f"{op.label} {name}=100k chars", response, 422, "VALIDATION_ERROR", name
                )
    caller.assert_clean(minimum=40)


def test_nul_bytes_and_lone_surrogates_are_422(caller: Caller) -> None:
    # PostgreSQL refuses NUL in text and jsonb, and a lone surrogate has no UTF-8 at all:
    # both must be turned away at the door, not by a database error.
    for op in caller.with_body():
        minimal = caller.minimal(op)
        for name, prop in op.props.items():
            if _kind(prop) not in ("string", "object", None):
                continue
            response = caller.send(op, body={**minimal, name: "bad\u0000value"})
            caller.expect(f"{op.label} {name} NUL", response, 422, "VALIDATION_ERROR", name)
            raw = json.dumps({**minimal, name: "@@"}).replace('"@@"', '"bad \\ud800 value"')
            response = caller.send(op, raw=raw)
            caller.expect(
                f"{op.label} {name} lone surrogate", response, 422, "VALIDATION_ERROR", name
            )
        response = caller.send(op, body={**minimal, "na\u0000me": "x"})
        caller.expect(f"{op.label} NUL in a key", response, 422, "VALIDATION_ERROR", "na\u0000me")
    caller.assert_clean(minimum=60)


def test_deeply_nested_json_is_422(caller: Caller) -> None:
    for op in caller.with_body():
        # Deeper than Python's own recursion limit, and merely deeper than any body needs.
        for depth in (100_000, 40):
            raw = "[" * depth + "]" * depth
            caller.expect(
                f"{op.label} depth {depth}",
                caller.send(op, raw=raw),
                422,
                "VALIDATION_ERROR",
                "json",
            )
        name = next(iter(op.props), "x")
        nested: Any = "leaf"
        for _ in range(40):
            nested = {"a": nested}
        response = caller.send(op, body={**caller.minimal(op), name: nested})
        caller.expect(f"{op.label} {name} nested 40 deep", response, 422, "VALIDATION_ERROR")
    caller.assert_clean(minimum=45)


def test_timestamps_without_offset_and_far_dates_are_422(caller: Caller, openapi: Any) -> None:
    for op in caller.with_body():
        for name, prop in op.props.items():
            for value in _bad_times(prop):
                response = caller.send(op, body={**caller.minimal(op), name: value})
                caller.expect(f"{op.label} {name}={value}", response, 422, "VALIDATION_ERROR", name)
    for op in caller.ops:
        for name, schema in openapi.query_parameters(op.operation).items():
            for value in _bad_times(schema):
                response = caller.tenant.client.get(
                    op.url, query_string={name: value}, headers=caller.headers
                )
                caller.expect(f"{op.label}?{name}={value}", response, 422, "VALIDATION_ERROR", name)
    # Punches (occurred_at), shifts, manual entries and the from/to filters at least.
    caller.assert_clean(minimum=30)


LARGEST_AMOUNT = "999999999999.99"  # what the money/hours pattern lets through


def _largest(schema: dict[str, Any]) -> Any:
    """The largest value the document allows for a numeric property (None: not numeric)."""
    kind = _kind(schema)
    if kind == "integer":
        return schema.get("maximum", 2**63 - 1)
    if kind == "number":
        return schema.get("maximum", 1e308)
    pattern = schema.get("pattern")
    if kind == "string" and pattern and re.fullmatch(pattern, LARGEST_AMOUNT):
        return LARGEST_AMOUNT
    return None


def test_largest_documented_numbers_fit_their_columns(
    caller: Caller, dbstate: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """What the document allows must fit the database: the largest allowed value is stored, or
    refused by a rule (a 422 naming a field), never a 5xx or the database's own refusal (which
    the DataError safety net turns into a 422 that names nothing, with a warning)."""
    tried = 0
    for op in caller.with_body():
        if op.method != "PATCH":
            continue  # PATCH bodies are valid with one field: the value itself reaches the row
        for name, prop in op.props.items():
            value = _largest(prop)
            if value is None:
                continue
            tried += 1
            with dbstate.rolled_back():
                response = caller.send(op, body={name: value})
            body = response.get_json(silent=True) or {}
            # A rule may refuse it naming another field (radius_m on a polygon is a `geometry`
            # error); the database's refusal, through the safety net, names none.
            if response.status_code >= 500 or (response.status_code == 422 and not body["errors"]):
                caller.problems.append(
                    f"{op.label} {name}={value!r}: {response.status_code} {body}"
                )
    refused = [r.getMessage() for r in caplog.records if r.name == "app.errors"]
    assert refused == []
    # Department budgets, geofence radii and accuracies, task hours, shift minutes at least.
    assert tried >= 8
    caller.assert_clean(minimum=0)


def _bad_query_values(schema: dict[str, Any]) -> list[str]:
    kind, fmt = _kind(schema), schema.get("format")
    values = ["%00", "a%00b"]  # NUL, also where the type would otherwise accept any text
    if kind == "integer":
        values += ["NaN", "Infinity", "1e400", "9" * 30, "1.5", "", "12abc"]
    elif kind == "boolean":
        values += ["maybe", "2"]
    elif fmt == "uuid":
        values += ["1'%20OR%20'1'='1", "not-a-uuid"]
    elif "enum" in schema:
        values += ["bogus'%3B--"]
    elif kind == "string" and "maxLength" in schema:
        values += ["x" * 100_000]
    return values


def test_bad_query_strings_are_422_naming_the_parameter(caller: Caller, openapi: Any) -> None:
    for op in caller.ops:
        if op.method != "GET":
            continue
        params = openapi.query_parameters(op.operation)
        for name, schema in params.items():
            for value in _bad_query_values(schema):
                response = caller.send(op, url=f"{op.url}?{name}={value}")
                caller.expect(
                    f"{op.label}?{name}={value[:40]}", response, 422, "VALIDATION_ERROR", name
                )
        if params:
            response = caller.send(op, url=f"{op.url}?__proto__[admin]=1")
            caller.expect(f"{op.label}?__proto__", response, 422, "VALIDATION_ERROR")
    caller.assert_clean(minimum=60)


def test_injection_strings_in_searches_are_inert(caller: Caller, openapi: Any) -> None:
    searched = 0
    for op in caller.ops:
        if op.method != "GET":
            continue
        for name, schema in openapi.query_parameters(op.operation).items():
            if not _is_free_text(schema):
                continue
            for text in INJECTIONS:
                response = caller.tenant.client.get(
                    op.url, query_string={name: text}, headers=caller.headers
                )
                searched += 1
                if response.status_code != 200 or response.get_json() != []:
                    caller.problems.append(
                        f"{op.label}?{name}={text!r}: {response.status_code} "
                        f"{response.get_data()[:200]!r}"
                    )
    # /employees, /users, /departments, /geofences all take `q`.
    assert searched >= 4 * len(INJECTIONS)
    caller.assert_clean(minimum=0)


def _round_trips(caller: Caller, dbstate: Any, samples: tuple[str, ...]) -> int:
    """PATCH every free-text property of every resource to each sample (rolled back): the
    sample is stored and read back exactly, or refused with a 422 naming the property."""
    stored = 0
    for op in caller.with_body():
        if op.method != "PATCH":
            continue
        for name, prop in op.props.items():
            if not _is_free_text(prop):
                continue
            for text in samples:
                if len(text) > prop.get("maxLength", len(text)):
                    continue
                label = f"{op.label} {name}={text!r}"
                with dbstate.rolled_back():
                    response = caller.send(op, body={name: text})
                    if response.status_code == 422:
                        caller.expect(label, response, 422, "VALIDATION_ERROR", name)
                        continue
                    again = caller.tenant.client.get(op.url, headers=caller.headers)
                    echoed = (response.get_json() or {}).get(name)
                    read = (again.get_json() or {}).get(name)
                    if (response.status_code, echoed, read) != (200, text, text):
                        caller.problems.append(
                            f"{label}: {response.status_code}, echoed {echoed!r}, read {read!r}"
                        )
                    else:
                        stored += 1
    return stored


def test_unicode_text_is_stored_exactly(caller: Caller, dbstate: Any) -> None:
    samples = (UNICODE, "😀" * 20, "\u202e\u202d\u200b\u2066x\u2069")
    # Department, employee, user and geofence names and the like: a dozen properties at least.
    assert _round_trips(caller, dbstate, samples) >= 12
    caller.assert_clean(minimum=0)


def test_injection_strings_are_stored_as_plain_text(caller: Caller, dbstate: Any) -> None:
    assert _round_trips(caller, dbstate, INJECTIONS) >= 12
    caller.assert_clean(minimum=0)
