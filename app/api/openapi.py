"""The OpenAPI 3.1 document, built from the registry's endpoints and the schemas."""

from __future__ import annotations

from typing import Any

from app.api import schemas
from app.api.problems import MEDIA_TYPE as PROBLEM
from app.api.registry import ERROR_STATUSES, Endpoint, Registry, path_schema

PREFIX = "/api/v1"
DESCRIPTION = (
    "The yearly review of the municipality's memberships in international organisations, "
    "networks and friendship cities.\n\n"
    "Authenticate with a personal API token: `Authorization: Bearer <token>` (make one on "
    "your profile page, or `flask users token EMAIL`). A token acts with its user's roles, "
    "nothing more; what the user may not see answers 404.\n\n"
    "Errors are RFC 9457 problem details (`application/problem+json`) in the language of "
    "`Accept-Language` (`nb`, the default, or `en`). Lists are paged with `page` and "
    "`per_page` (at most 100) and give `total` and a `next` link."
)


def _parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True, "schema": path_schema(name)}
              for name in endpoint.path_params]
    params += [{"name": p.name, "in": "query", "required": False, "schema": p.schema,
                "description": p.description} for p in endpoint.query]
    return params


def _response(status: int, component: str | None) -> dict[str, Any]:
    if status >= 400:
        return {"description": ERROR_STATUSES.get(status, "Refused."),
                "content": {PROBLEM: {"schema": schemas.ref("Problem")}}}
    if component is None:
        return {"description": "Done."}
    return {"description": "OK." if status == 200 else "Created.",
            "content": {"application/json": {"schema": schemas.ref(component)}}}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name, "summary": endpoint.summary, "tags": [endpoint.tag],
        "parameters": _parameters(endpoint),
        "responses": {str(status): _response(status, endpoint.responses.get(status))
                      for status in endpoint.statuses},
    }
    if endpoint.body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": schemas.ref(endpoint.body)}}}
    if endpoint.public:
        operation["security"] = []
    return operation


def openapi_document(registry: Registry) -> dict[str, Any]:
    """The whole document: every registered endpoint, every schema."""
    paths: dict[str, dict] = {}
    for endpoint in registry.endpoints:
        paths.setdefault(PREFIX + endpoint.path, {})[endpoint.method.lower()] = (
            _operation(endpoint))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Samarbeidsarenaer API", "version": "1.0.0",
                 "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": schemas.COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A personal API token."}},
        },
        "security": [{"bearer": []}],
    }
