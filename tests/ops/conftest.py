"""Helpers for the operations tests: a second app on another database, and the app served over
HTTP on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestConfig


@contextmanager
def other_app(url: str, **overrides) -> Iterator[Flask]:
    """An app on the database at `url` (not the test's), with its connections closed after."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **overrides)
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def all_rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table in the database (reflected, so tables of no model count too)."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(sa.select(table).order_by(
                    *(list(table.primary_key.columns) or list(table.columns))))]
                for table in metadata.sorted_tables}


@contextmanager
def served(application: Flask) -> Iterator[str]:
    """`application` served by werkzeug in a thread on 127.0.0.1; yields the base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code="-", size="-") -> None:  # the app logs every request itself
            pass

    server = make_server("127.0.0.1", 0, application, threaded=True,
                         request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="ops-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
