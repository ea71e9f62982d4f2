"""The API's route registry: each view declares its method, path, parameters, request and
response schemas next to itself, and the OpenAPI document is built from these declarations.

`Registry.route` registers the Flask rule too, so a route cannot exist without its entry in
the document (a test walks `app.url_map` to prove it). The wrapper it puts around each view
authenticates the token and checks parameters and body before the view runs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, request
from flask_babel import gettext as _

from app.api import schemas
from app.api.auth import authenticate
from app.api.errors import ApiError
from app.api.validation import SchemaChecker

PATH_PARAM = re.compile(r"{(\w+)}")
# Every path parameter is an id or a year; its schema follows from its name.
PATH_SCHEMAS = {"year": schemas.YEAR}
# What each refusal means, for the OpenAPI document (developer documentation, in English).
ERROR_STATUSES = {
    400: "Unknown or invalid query parameters; `errors` names each one.",
    401: "Missing, invalid or revoked API token.",
    403: "The token's user does not hold the role this needs.",
    404: "Not found, or not visible to the token's user.",
    409: "Not possible in the current state, or a stale `version`.",
    415: "The body must be JSON (Content-Type: application/json).",
    422: "Invalid data; `errors` says what is wrong with each field.",
}


@dataclass(frozen=True)
class Param:
    """A query parameter."""

    name: str
    schema: dict
    description: str = ""


@dataclass(frozen=True)
class Endpoint:
    """One operation: what the OpenAPI document says about it."""

    method: str
    path: str  # OpenAPI form, below the /api/v1 prefix: /arenas/{arena_id}
    name: str
    summary: str
    tag: str
    query: tuple[Param, ...] = ()
    body: str | None = None  # component name of the JSON body
    responses: dict[int, str | None] = field(default_factory=dict)  # status → component
    errors: tuple[int, ...] = ()  # further refusals the view itself gives (403, 409, ...)
    public: bool = False

    @property
    def path_params(self) -> list[str]:
        """Names of the path's parameters, in order."""
        return PATH_PARAM.findall(self.path)

    @property
    def statuses(self) -> list[int]:
        """Every status the operation can answer with."""
        implied = {401: not self.public, 400: True,
                   404: bool(self.path_params), 415: bool(self.body), 422: bool(self.body)}
        return sorted(set(self.responses) | set(self.errors)
                      | {status for status, applies in implied.items() if applies})


def path_schema(name: str) -> dict:
    """The schema of a path parameter, from its name (`*_id` or `year`)."""
    if name.endswith("_id"):
        return schemas.ID
    return PATH_SCHEMAS[name]


def flask_rule(path: str) -> str:
    """/arenas/{arena_id} → /arenas/<int:arena_id> (every path parameter is an integer)."""
    return PATH_PARAM.sub(r"<int:\1>", path)


class Registry:
    """Collects the API's endpoints and registers their views on the blueprint."""

    def __init__(self, blueprint: Blueprint):
        self.blueprint = blueprint
        self.endpoints: list[Endpoint] = []
        self.checker = SchemaChecker(schemas.COMPONENTS)

    def route(self, method: str, path: str, **spec: Any) -> Callable:
        """Declare and register an API view (see Endpoint for what `spec` holds)."""

        def decorator(view: Callable) -> Callable:
            endpoint = Endpoint(method=method, path=path, name=view.__name__, **spec)
            for name in endpoint.path_params:
                path_schema(name)  # refuses an unknown parameter name at start-up
            self.endpoints.append(endpoint)
            wrapped = self._wrap(endpoint, view)
            self.blueprint.add_url_rule(flask_rule(path), endpoint=endpoint.name,
                                        view_func=wrapped, methods=[method])
            return view

        return decorator

    def _wrap(self, endpoint: Endpoint, view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(**path_args: int):
            if not endpoint.public:
                authenticate()
            for name, value in path_args.items():
                if self.checker.errors(value, path_schema(name)):
                    raise ApiError(404)  # e.g. an id too large to exist
            kwargs: dict[str, Any] = dict(path_args)
            query = self.query_args(endpoint)  # 400 for an unknown or invalid parameter
            if endpoint.query:
                kwargs["query"] = query
            if endpoint.body:
                kwargs["body"] = self.json_body(endpoint)
            return view(**kwargs)

        return wrapped

    def query_args(self, endpoint: Endpoint) -> dict[str, Any]:
        """The declared query parameters, converted and checked (400 with field errors)."""
        declared = {param.name for param in endpoint.query}
        errors = {name: _("Ukjent parameter.") for name in request.args if name not in declared}
        values = {}
        for param in endpoint.query:
            raw = request.args.get(param.name)
            if raw is None:
                values[param.name] = param.schema.get("default")
                continue
            value = _convert(raw, param.schema)
            problems = self.checker.errors(value, param.schema, param.name)
            errors.update(problems)
            values[param.name] = value
        if errors:
            raise ApiError(400, errors=errors)
        return values

    def json_body(self, endpoint: Endpoint) -> dict[str, Any]:
        """The JSON body, checked against the endpoint's schema (415, 422)."""
        if not request.is_json:
            raise ApiError(415)
        body = request.get_json(silent=True)
        if body is None and request.get_data():
            raise ApiError(422, errors={"body": _("Ugyldig JSON.")})
        errors = self.checker.errors(body, schemas.ref(endpoint.body))
        if errors:
            raise ApiError(422, errors=errors)
        return body


def _convert(raw: str, schema: dict) -> Any:
    """A query string value as the type its schema names (left as text when it is not)."""
    if schema.get("type") == "integer" and re.fullmatch(r"-?\d{1,12}", raw):
        return int(raw)
    if schema.get("type") == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw
