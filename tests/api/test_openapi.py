"""The OpenAPI document: valid OpenAPI 3.1, and never drifting from the routes."""

from __future__ import annotations

import re

import schemathesis

from app.api import schemas
from app.api.blueprint import api
from app.api.registry import Endpoint
from tests.api.conftest import call

DOC = "/api/v1/openapi.json"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes_of(app) -> set[tuple[str, str]]:
    """(method, path in OpenAPI form) of every /api/v1 rule of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        found |= {(method, path) for method in rule.methods - IGNORED_METHODS}
    return found


def documented(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method in operations}


def test_every_route_is_documented_and_nothing_else(client):
    document = call(client, "GET", DOC).get_json()
    routes = routes_of(client.application)
    assert routes, "no API routes"
    assert routes - documented(document) == set(), "routes missing from the document"
    assert documented(document) - routes == set(), "documented operations with no route"


def test_a_route_added_outside_the_registry_is_caught(app, client):
    """The drift check really fails: a rule registered behind the registry's back."""
    app.add_url_rule("/api/v1/sneaky", "sneaky", lambda: {}, methods=["GET"])
    document = call(client, "GET", DOC).get_json()
    assert ("GET", "/api/v1/sneaky") in routes_of(app) - documented(document)


def test_document_is_valid_openapi_3_1(app, client):
    response = call(client, "GET", DOC)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # the official OpenAPI 3.1 meta-schema


def test_document_needs_no_token_but_every_operation_does(client):
    document = call(client, "GET", DOC).get_json()
    assert document["security"] == [{"bearer": []}]
    public = [(path, method) for path, ops in document["paths"].items()
              for method, op in ops.items() if op.get("security") == []]
    assert public == [(DOC, "get")]


def test_every_reference_resolves():
    text = repr(schemas.COMPONENTS) + repr([e.body for e in api.endpoints])
    names = set(re.findall(r"#/components/schemas/(\w+)", text))
    names |= {e.body for e in api.endpoints if e.body}
    names |= {c for e in api.endpoints for c in e.responses.values() if c}
    assert names - set(schemas.COMPONENTS) == set()


def test_statuses_cover_what_every_operation_can_answer():
    endpoint = Endpoint("PUT", "/things/{thing_id}", "put_thing", "", "t", body="ArenaInput",
                        responses={200: "Arena"}, errors=(409,))
    assert endpoint.statuses == [200, 400, 401, 404, 409, 415, 422]
    public = Endpoint("GET", "/doc", "doc", "", "t", public=True, responses={200: None})
    assert public.statuses == [200, 400]
