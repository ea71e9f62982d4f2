"""Fixtures for the register import/export tests: calling the importer as the app does."""

from __future__ import annotations

import pytest

from app.arenas.importing import ImportRefused, import_arenas
from app.extensions import db


@pytest.fixture()
def run_import(app):
    """`run_import(filename, data)`: import as the system, commit; returns the report."""

    def _run(filename: str, data: bytes):
        with app.test_request_context():  # the messages need a locale (Norwegian here)
            report = import_arenas(None, filename, data)
        db.session.commit()
        return report

    return _run


@pytest.fixture()
def refusal(app):
    """`refusal(filename, data)`: the (line, column, message) problems of a refused file."""

    def _refuse(filename: str, data: bytes) -> list[tuple]:
        with app.test_request_context(), pytest.raises(ImportRefused) as caught:
            import_arenas(None, filename, data)
        db.session.rollback()
        return [(p.line, p.column, p.message) for p in caught.value.problems]

    return _refuse
