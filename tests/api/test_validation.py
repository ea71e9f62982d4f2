"""The JSON Schema checker behind every request body and query parameter."""

from __future__ import annotations

import pytest

from app.api import schemas
from app.api.blueprint import api
from app.api.validation import SUPPORTED, SchemaChecker

CHECK = SchemaChecker(schemas.COMPONENTS)


def keywords(schema, found: set[str]) -> set[str]:
    """Every keyword used in `schema`, following $refs."""
    if "$ref" in schema:
        return keywords(schemas.COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]], found | {"$ref"})
    found |= set(schema)
    for sub in schema.get("properties", {}).values():
        found = keywords(sub, found)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found = keywords(schema[key], found)
    return found


def test_every_keyword_of_every_request_schema_is_checked():
    used: set[str] = set()
    for endpoint in api.endpoints:
        if endpoint.body:
            used = keywords(schemas.ref(endpoint.body), used)
        for param in endpoint.query:
            used = keywords(param.schema, used)
    assert used - SUPPORTED == set()


@pytest.mark.parametrize(("value", "schema", "path"), [
    ("x", {"type": "integer"}, "body"),
    (True, {"type": "integer"}, "body"),  # a boolean is not a number here
    (1.5, {"type": "integer"}, "body"),
    (None, {"type": "string"}, "body"),
    ("a\x00b", {"type": "string"}, "body"),
    ("\ud800", {"type": "string"}, "body"),
    ("2026-02-30", {"type": "string", "format": "date"}, "body"),
    ("26-01-01", {"type": "string", "format": "date"}, "body"),
    ("c", {"type": "string", "enum": ["a", "b"]}, "body"),
    (0, {"type": "integer", "minimum": 1}, "body"),
    ("abc", {"type": "string", "maxLength": 2}, "body"),
    ("A", {"type": "string", "pattern": "^[a-z]$"}, "body"),
    ([1, 1], {"type": "array", "uniqueItems": True}, "body"),
    ([], {"type": "array", "minItems": 1}, "body"),
    ({}, {"type": "object", "required": ["a"]}, "a"),
    ({"b": 1}, {"type": "object", "additionalProperties": False}, "b"),
    ({"a": 1, "b": 2}, {"type": "object", "maxProperties": 1}, "body"),
    ({"a": {"b": ["x", 2]}}, {"type": "object", "properties": {"a": {
        "type": "object", "properties": {"b": {"type": "array", "items": {"type": "string"}}}}}},
     "a.b[1]"),
])
def test_invalid_values_are_named_by_their_path(app, value, schema, path):
    assert list(CHECK.errors(value, schema)) == [path]


@pytest.mark.parametrize(("value", "schema"), [
    (None, schemas.nullable({"type": "integer"})),
    ("2026-12-31", schemas.DATE),
    (3, schemas.ID),
    ({"version": 1, "answers": {"influence": {"value": "high", "text": "t"}}},
     schemas.ref("AnswersInput")),
])
def test_valid_values_pass(app, value, schema):
    assert CHECK.errors(value, schema) == {}
