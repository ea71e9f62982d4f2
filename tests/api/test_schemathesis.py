"""schemathesis against /api/v1/openapi.json, in-process (WSGI), with a council office token:
no 5xx, and every response matches the document (status, content type, body schema); data
that breaks the schema is refused with a 4xx.

One test per operation (each on a fresh copy of the demo database), valid and invalid data,
a bounded number of examples each. (schemathesis' own pytest plugin does not run under
pytest 9 yet, so the operations' Hypothesis strategies are driven here directly.)
"""

from __future__ import annotations

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.blueprint import api
from app.api.openapi import PREFIX
from app.extensions import db
from tests.conftest import OFFICE

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]
MAX_EXAMPLES = 25
# The document itself is not one of the operations schemathesis tests (test_openapi.py does).
OPERATIONS = [(e.method, PREFIX + e.path) for e in api.endpoints if e.name != "openapi"]


def isolated(app):
    """The app as a WSGI callable whose requests each run in a fresh context, like a real
    server's (see IsolatedClient in tests/conftest.py): the test's session lets go first."""

    def run(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            getattr(iterable, "close", lambda: None)()

    def wsgi(environ, start_response):
        db.session.rollback()
        try:
            return contextvars.Context().run(run, environ, start_response)
        finally:
            db.session.rollback()

    return wsgi


def operation_of(app, method: str, path: str):
    """schemathesis' view of one operation of the document the app serves."""
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", isolated(app))
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == method and operation.path == path:
            return operation
    raise AssertionError(f"{method} {path} is not in the document")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_matches_the_document(app, token, method, path, mode):
    """No 5xx; status, content type and body as documented; invalid data refused."""
    operation = operation_of(app, method, path)
    headers = {"Authorization": f"Bearer {token(OFFICE)}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    check()
