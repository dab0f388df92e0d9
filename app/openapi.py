"""OpenAPI post-processing in one place, so that the document says what the app really does.

- Error responses every operation can give. flask-smorest documents the success response, a
  422 for operations with arguments and a catch-all `default`. The rest comes from layers every
  view shares (the bearer-token check, the tenant lookup, the JSON body checks, ETags,
  database constraints), so it is documented here from the shape of the operation rather than
  view by view. A view documents its own domain errors (e.g. 423 on login) with
  `@blp.alt_response`; nothing here overrides what a view says.
- Decimals sent as strings (hours "41.50", rates, money): apispec calls every Decimal a
  number and writes its Range bounds as strings ("maximum": "24.00"), which is not valid JSON
  Schema; they are documented as the strings they are, the bounds kept as `x-minimum`/
  `x-maximum` for people.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import marshmallow as ma
from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin

BODY_METHODS = frozenset({"post", "put", "patch"})
WRITE_METHODS = BODY_METHODS | {"delete"}


def shared_error_statuses(method: str, operation: dict[str, Any], has_path_ids: bool) -> list[int]:
    """The statuses the shared layers can answer for this operation."""
    statuses = [503]  # the database is unreachable (app.errors.handle_database_unavailable)
    if operation.get("security") != []:  # `[]` marks a public operation
        statuses += [401, 403]  # no/expired/revoked token; a role without the permission
    if has_path_ids:
        statuses.append(404)  # no such row, or another tenant's
    if method in BODY_METHODS:
        statuses += [413, 415]  # body over MAX_CONTENT_LENGTH; a body that is not JSON
        if "requestBody" in operation:
            statuses.append(400)  # the body is not parseable JSON (MALFORMED_JSON)
    if method in WRITE_METHODS:
        statuses.append(409)  # a unique/foreign-key constraint of the database
    if method in WRITE_METHODS - {"post"} and has_path_ids:
        statuses.append(412)  # a stale If-Match
    return statuses


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


class SharedErrorResponsesPlugin(BasePlugin):
    """Adds `shared_error_statuses` to every operation, as references to flask-smorest's
    per-status responses (`#/components/responses/NOT_FOUND`, ... all with the error schema),
    and documents decimals sent as strings (`decimal_string_properties`)."""

    def init_spec(self, spec: APISpec) -> None:
        # The marshmallow plugin comes before this one, so its converter exists by now.
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin) and plugin.converter is not None:
                plugin.converter.add_attribute_function(decimal_string_properties)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule = kwargs.get("rule")
        has_path_ids = bool(rule is not None and rule.arguments)
        for method, operation in (operations or {}).items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in shared_error_statuses(method, operation, has_path_ids):
                responses.setdefault(str(status), HTTPStatus(status).name)
