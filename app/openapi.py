"""OpenAPI post-processing in one place, so that the document says what the app really does
and a typed client generated from it (a phone app's) needs no hand-written workarounds.

What a view does is read from the decorators it already carries (`@requires`, `@idempotent`)
and from two that only document (`@raises(...)`, `@etagged`); `Blueprint` (app.blueprints.common)
hands those facts to this plugin, which turns them into the document, so every route, the
generic ERP resources' included, is documented by the same rules and none is listed here:

- `operationId`: the view function's name (`clockIn`), or for a MethodView one made from the
  path and method (`listTimeEntries`, `getTimeEntry`, `approveTimeEntry`); `@blp.doc(
  operationId=...)` overrides it.
- Error responses: the statuses the shared layers can answer (the bearer-token check, the
  tenant lookup, the JSON body checks, database constraints) from the shape of the operation,
  and the view's own from `@raises`. Each lists the machine codes it can carry, from the error
  classes themselves (`app.errors.error_catalog`), in its description and as `x-error-codes`;
  `Error.error` is the `ErrorCode` enum of every code.
- `Idempotency-Key` (parameter) and `Idempotent-Replayed` (response header) on `@idempotent`
  views; `If-Match` and 412 on `@etagged` writes, the `ETag` header on `@etagged` answers;
  `X-Pagination` on every list that takes `page`/`page_size`.
- `Nested(allow_none=True)` as `allOf: [$ref]` + `nullable` (apispec writes an `anyOf` with a
  free-form object, which generators pick, losing the type).
- Decimals sent as strings (hours "41.50", rates, money): apispec calls every Decimal a
  number and writes its Range bounds as strings ("maximum": "24.00"), which is not valid JSON
  Schema; they are documented as the strings they are, the bounds kept as `x-minimum`/
  `x-maximum` for people.
- A `Range` that leaves its bound out (`min_inclusive=False`: an accuracy, a quantity that
  must be positive) is `exclusiveMinimum`/`exclusiveMaximum`, which apispec leaves out.
- Response schemas list every property as `required` (a dump writes every field), unless the
  schema is also a request body, where `required` means what the client must send.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

import marshmallow as ma
from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema

from app.errors import HTTP_CODES, DomainError, error_catalog

F = TypeVar("F", bound=Callable[..., Any])
BODY_METHODS = frozenset({"post", "put", "patch"})
WRITE_METHODS = BODY_METHODS | {"delete"}
CONDITIONAL_WRITES = frozenset({"put", "patch", "delete"})
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete"})
FACTS = "x-fieldclock-view"  # the Blueprint's facts about a view; consumed here, never served
ERROR_SCHEMA_REF = {"$ref": "#/components/schemas/Error"}

# The codes the shared layers answer with, per status (see `shared_error_statuses`).
SHARED_CODES: dict[int, tuple[str, ...]] = {
    400: ("MALFORMED_JSON",),
    401: ("UNAUTHORIZED", "TOKEN_EXPIRED", "TOKEN_REVOKED"),
    403: ("FORBIDDEN",),
    404: ("NOT_FOUND",),
    409: ("CONFLICT",),
    412: ("PRECONDITION_FAILED",),
    413: ("PAYLOAD_TOO_LARGE",),
    415: ("UNSUPPORTED_MEDIA_TYPE",),
    422: ("VALIDATION_ERROR",),
    429: ("RATE_LIMITED",),
    503: ("SERVICE_UNAVAILABLE",),
}
IDEMPOTENCY_CODES: dict[int, tuple[str, ...]] = {
    409: ("IDEMPOTENCY_IN_PROGRESS",),
    422: ("IDEMPOTENCY_KEY_REUSED",),
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": (
        "Any string the client makes up for this request (a UUID). A retry with the same key "
        "gets the first answer again (with `Idempotent-Replayed: true`) instead of doing the "
        "work twice; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED, and while "
        "the first request still runs a retry is 409 IDEMPOTENCY_IN_PROGRESS."
    ),
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        "The `ETag` of the last read. A stale one is 412 PRECONDITION_FAILED (read it again); "
        "without it the write is last-write-wins."
    ),
}
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The version of the answer; send it back as `If-Match` to write.",
        "schema": {"type": "string"},
    },
    "IdempotentReplayed": {
        "description": "`true` when this is the stored answer of an earlier request with the "
        "same Idempotency-Key (the work was not done again).",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "XPagination": {
        "description": "Where this page sits, as JSON (`PaginationMetadata`).",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
        },
    },
}
# flask-smorest's own schema of these fields (total, total_pages, first_page, last_page, page,
# previous_page, next_page), which `paginate` writes; reused so that there is one such model.
PAGINATION = "PaginationMetadata"


class ErrorSchema(ma.Schema):
    """The error envelope of API.md, as documented in the OpenAPI spec.

    Every key is always present (`required`), so clients and the fuzzing tests can rely on it.
    `error` becomes the `ErrorCode` enum in `finish_document`.
    """

    code = ma.fields.Integer(required=True, metadata={"description": "HTTP status code"})
    status = ma.fields.String(required=True, metadata={"description": "HTTP status phrase"})
    message = ma.fields.String(required=True, metadata={"description": "A sentence for people"})
    error = ma.fields.String(
        required=True, metadata={"description": "Machine code, e.g. VALIDATION_ERROR"}
    )
    errors = ma.fields.Dict(required=True, metadata={"description": "Field name → messages"})
    details = ma.fields.Dict(required=True)


# --- the decorators that only document ------------------------------------------------------


def raises(*errors: type[DomainError]) -> Callable[[F], F]:
    """The domain errors (DomainError subclasses) a view can answer, besides the shared ones;
    their statuses and codes are the classes' own."""

    def mark(view: F) -> F:
        view._fieldclock_errors = (*getattr(view, "_fieldclock_errors", ()), *errors)  # type: ignore[attr-defined]
        return view

    return mark


def declared_errors(cls: type, method: str) -> tuple[type[DomainError], ...]:
    """What `@raises` says of `method` anywhere in `cls`'s MRO: an override that calls `super`
    can also raise what the base raises (the generic resources' service hooks)."""
    found: list[type[DomainError]] = []
    for base in cls.__mro__:
        if method in vars(base):
            found.extend(getattr(vars(base)[method], "_fieldclock_errors", ()))
    return tuple(dict.fromkeys(found))


def etagged(view: F) -> F:
    """The view answers with an `ETag` (`with_etag`) and, as a PUT/PATCH/DELETE, honours
    `If-Match` (`check_if_match`)."""
    view._fieldclock_etag = True  # type: ignore[attr-defined]
    return view


def view_facts(function: Any, view_name: str | None) -> dict[str, Any]:
    """What the decorators on `function` say, for `SharedErrorResponsesPlugin`."""
    errors = getattr(function, "_fieldclock_errors", ())
    return {
        "view": view_name,
        "idempotent": bool(getattr(function, "_fieldclock_idempotent", False)),
        "etag": bool(getattr(function, "_fieldclock_etag", False)),
        "errors": sorted({(e.status, e.code) for e in errors}),
    }


# --- per operation ----------------------------------------------------------------------------


def shared_error_statuses(
    method: str, operation: dict[str, Any], has_path_ids: bool, etag: bool
) -> list[int]:
    """The statuses the shared layers can answer for this operation."""
    # The database is unreachable (app.errors.handle_database_unavailable); every request
    # counts against the rate limits of app.rate_limits.
    statuses = [429, 503]
    if operation.get("security") != []:  # `[]` marks a public operation
        statuses += [401, 403]  # no/expired/revoked token; a role without the permission
    if has_path_ids:
        statuses.append(404)  # no such row, or another tenant's
    if method in BODY_METHODS:
        statuses += [413, 415]  # body over MAX_CONTENT_LENGTH; a body that is not JSON
        if "requestBody" in operation:
            statuses += [400, 422]  # not parseable JSON (MALFORMED_JSON); schema errors
    if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
        statuses.append(422)  # unknown or invalid query arguments
    if method in WRITE_METHODS:
        statuses.append(409)  # a unique/foreign-key constraint of the database
    if etag and method in CONDITIONAL_WRITES:
        statuses.append(412)  # a stale If-Match
    return statuses


def _camel(words: list[str]) -> str:
    parts = [w for word in words for w in re.split(r"[-_]", word) if w]
    return parts[0].lower() + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else ""


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(ss|x|ch|sh)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def operation_id(path: str, method: str, view: str | None, lists: bool) -> str:
    """A function view's name, or from the path for a MethodView: `GET /time-entries` is
    listTimeEntries, `POST` createTimeEntry, `GET/PATCH/PUT/DELETE .../{id}` getTimeEntry,
    updateTimeEntry, replaceTimeEntry, deleteTimeEntry, `POST .../{id}/approve`
    approveTimeEntry, `GET .../{id}/file` getPayrollExportFile."""
    if view:
        return _camel([view])
    segments = [s for s in path.split("/") if s and s not in ("api", "v1")]
    is_param = [s.startswith("{") for s in segments]
    if len(segments) >= 3 and is_param[-2] and not is_param[-1]:  # an action or sub-resource
        owner = _singular(segments[-3])
        if method == "post":
            return _camel([segments[-1], owner])
        return _camel(
            [
                {"get": "get", "put": "replace", "patch": "update"}.get(method, method),
                owner,
                segments[-1],
            ]
        )
    statics = [s for s, p in zip(segments, is_param, strict=True) if not p]
    if statics[0] == "settings":  # /settings/payroll: the payroll settings
        statics = [*statics[1:], "settings"]
    if is_param[-1]:
        verb = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}[method]
        return _camel([verb, *statics[:-1], _singular(statics[-1])])
    if method == "get":
        return _camel(["list" if lists else "get", *statics])
    if method == "post":
        return _camel(["create", *statics[:-1], _singular(statics[-1])])
    return _camel([{"put": "replace", "patch": "update", "delete": "delete"}[method], *statics])


def error_codes(
    method: str, operation: dict[str, Any], has_path_ids: bool, facts: dict[str, Any]
) -> dict[int, list[str]]:
    """Status → the machine codes this operation can answer with it."""
    found: dict[int, list[str]] = {}

    def add(status: int, codes: tuple[str, ...] | list[str]) -> None:
        listed = found.setdefault(status, [])
        listed.extend(c for c in codes if c not in listed)

    for status in shared_error_statuses(method, operation, has_path_ids, facts.get("etag", False)):
        add(status, SHARED_CODES.get(status, ()))
    if facts.get("idempotent"):
        for status, codes in IDEMPOTENCY_CODES.items():
            add(status, codes)
    for status, code in facts.get("errors", ()):
        add(status, [code])
    for key in operation.get("responses", {}):  # statuses a view documented by hand
        if key.isdigit() and int(key) >= 400 and int(key) not in found:
            add(int(key), [HTTP_CODES.get(int(key), HTTPStatus(int(key)).name)])
    return found


def error_response(status: int, codes: list[str], existing: Any) -> dict[str, Any]:
    """An error response listing its codes; a view's own schema and words are kept."""
    catalog = error_catalog()
    rows = "\n".join(f"- `{code}`: {catalog.get(code, (status, ''))[1]}" for code in codes)
    response = existing if isinstance(existing, dict) and "content" in existing else {}
    said = existing.get("description") if isinstance(existing, dict) else None
    lead = said if said and said != HTTPStatus(status).phrase else HTTPStatus(status).phrase
    return {
        **response,
        "description": f"{lead}. `error` is one of:\n\n{rows}",
        "content": response.get("content") or {"application/json": {"schema": ERROR_SCHEMA_REF}},
        "x-error-codes": codes,
    }


def _is_array(response: Any) -> bool:
    schema = (response or {}).get("content", {}).get("application/json", {}).get("schema", {})
    return isinstance(schema, dict) and schema.get("type") == "array"


def document_operation(path: str, method: str, operation: dict[str, Any], rule: Any) -> None:
    facts: dict[str, Any] = operation.pop(FACTS, {})
    responses = {str(k): v for k, v in operation.get("responses", {}).items()}
    operation["responses"] = responses
    successes = {k: v for k, v in responses.items() if k.startswith("2")}
    lists = any(_is_array(v) for v in successes.values())
    operation.setdefault("operationId", operation_id(path, method, facts.get("view"), lists))
    parameters = operation.setdefault("parameters", [])
    query = {p.get("name") for p in parameters if isinstance(p, dict) and p.get("in") == "query"}
    if facts.get("idempotent"):
        parameters.append("IdempotencyKey")
    if facts.get("etag") and method in CONDITIONAL_WRITES:
        parameters.append("IfMatch")
    for status, response in successes.items():
        if not isinstance(response, dict):
            continue
        headers = response.setdefault("headers", {})
        if facts.get("etag") and status != "204":
            headers["ETag"] = "ETag"
        if {"page", "page_size"} <= query:
            headers["X-Pagination"] = "XPagination"
    has_path_ids = bool(rule is not None and rule.arguments)
    for code, listed in error_codes(method, operation, has_path_ids, facts).items():
        responses[str(code)] = error_response(code, listed, responses.get(str(code)))
    if facts.get("idempotent"):  # a stored 2xx-4xx answer is replayed as it was
        for status, response in responses.items():
            if status[0] in "234" and status != "401" and isinstance(response, dict):
                response.setdefault("headers", {})["Idempotent-Replayed"] = "IdempotentReplayed"
    if not parameters:
        del operation["parameters"]


# --- attribute functions of the marshmallow converter ----------------------------------------


def decimal_string_properties(
    _converter: Any, field: ma.fields.Field, ret: dict[str, Any], **_kwargs: Any
) -> dict[str, Any]:
    """apispec attribute function: a `Decimal(as_string=True)` is a string on the wire."""
    if not (isinstance(field, ma.fields.Decimal) and field.as_string):
        return {}
    for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if bound in ret:
            ret[f"x-{bound}"] = ret.pop(bound)
    found: dict[str, Any] = {"type": "string"}
    if "pattern" not in field.metadata:
        found["pattern"] = r"^-?[0-9]+(\.[0-9]+)?$"
    return found


def exclusive_bounds(
    _converter: Any, field: ma.fields.Field, ret: dict[str, Any], **_kwargs: Any
) -> dict[str, Any]:
    """apispec attribute function: a `Range` that leaves its bound out (`min_inclusive=False`,
    an accuracy or a quantity that must be positive) is `exclusiveMinimum`/`exclusiveMaximum`
    (booleans beside the bound in OpenAPI 3.0); apispec writes the bound alone. On a decimal
    string the bounds are `x-` extensions, and so is this."""
    found: dict[str, Any] = {}
    for validator in field.validators:
        if not isinstance(validator, ma.validate.Range):
            continue
        for side, bound, inclusive in (
            ("Minimum", validator.min, validator.min_inclusive),
            ("Maximum", validator.max, validator.max_inclusive),
        ):
            if bound is None or inclusive:
                continue
            for prefix in ("", "x-"):
                said = ret.get(f"{prefix}{side.lower()}")
                if said is not None and said == field._serialize(bound, None, None):
                    found[f"{prefix}exclusive{side}"] = True
    return found


def nullable_reference(
    _converter: Any, field: ma.fields.Field, ret: dict[str, Any], **_kwargs: Any
) -> dict[str, Any]:
    """apispec attribute function: a nullable `Nested` is `allOf: [$ref]` + `nullable` (what
    OpenAPI 3.0 generators read as "this type or null"), not apispec's `anyOf` with a free-form
    object, which they take for an untyped dict."""
    branches = ret.get("anyOf")
    if not field.allow_none or not isinstance(branches, list):
        return {}
    refs = [b for b in branches if "$ref" in b or "allOf" in b]
    free = [b for b in branches if b == {"type": "object", "nullable": True}]
    if len(refs) + len(free) != len(branches) or not free:
        return {}
    del ret["anyOf"]
    return {
        "allOf": [r for b in refs for r in ([b] if "$ref" in b else b["allOf"])],
        "nullable": True,
    }


class SharedErrorResponsesPlugin(BasePlugin):
    """Documents every operation by the rules of this module's docstring (`document_operation`)
    and registers the components they refer to."""

    def init_spec(self, spec: APISpec) -> None:
        # The marshmallow plugin comes before this one, so its converter exists by now.
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin) and plugin.converter is not None:
                plugin.converter.add_attribute_function(decimal_string_properties)
                plugin.converter.add_attribute_function(nullable_reference)
                plugin.converter.add_attribute_function(exclusive_bounds)
        spec.components.schema("Error", schema=ErrorSchema)
        spec.components.schema(PAGINATION, schema=PaginationMetadataSchema)
        spec.components.parameter("IdempotencyKey", "header", IDEMPOTENCY_KEY, lazy=True)
        spec.components.parameter("IfMatch", "header", IF_MATCH, lazy=True)
        for name, header in HEADERS.items():
            spec.components.header(name, header, lazy=True)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if method in HTTP_METHODS:
                document_operation(path or "", method, operation, kwargs.get("rule"))


# --- the whole document -----------------------------------------------------------------------


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.rsplit("/", 1)[1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable(roots: list[Any], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    pending = [name for root in roots for name in _refs(root)]
    while pending:
        name = pending.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            pending.extend(_refs(schemas[name]))
    return seen


def finish_document(spec: dict[str, Any]) -> dict[str, Any]:
    """What needs the whole document: the `ErrorCode` enum, and `required` on the schemas that
    only answers use."""
    spec = copy.deepcopy(spec)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    catalog = error_catalog()
    schemas["ErrorCode"] = {
        "type": "string",
        "enum": list(catalog),
        "description": "Every machine code of the error envelope; each operation's error "
        "responses say which of them it can answer.",
    }
    schemas["Error"]["properties"]["error"] = {"$ref": "#/components/schemas/ErrorCode"}
    operations = [
        op for item in spec.get("paths", {}).values() for m, op in item.items() if m in HTTP_METHODS
    ]
    requests = [op.get("requestBody", {}) for op in operations]
    requests += [op.get("parameters", []) for op in operations]
    answers = [op.get("responses", {}) for op in operations]
    sent = _reachable(requests, schemas)
    # (previous_page and next_page of a page's metadata are left out at the ends.)
    for name in _reachable(answers, schemas) - sent - {"Error", PAGINATION}:
        properties = schemas[name].get("properties") or {}
        if schemas[name].get("type") == "object" and properties:
            schemas[name]["required"] = list(properties)
    return spec


class DocumentedApi(Api):
    """flask-smorest's Api whose document gets `finish_document` (the served JSON and the
    `flask openapi` commands both read `spec.to_dict`)."""

    def _init_spec(self, *args: Any, **kwargs: Any) -> None:
        super()._init_spec(*args, **kwargs)
        build = self.spec.to_dict
        self.spec.to_dict = lambda: finish_document(build())
