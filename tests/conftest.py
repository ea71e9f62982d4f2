"""Shared fixtures.

Each test gets its own database, copied from a template that is migrated and loaded with the
demo once per session: SQLite copies a file, PostgreSQL clones a template database. Tests
commit for real (as the app does), so nothing depends on rollback tricks.

Set TEST_DATABASE_URL=postgresql+psycopg://... to run the suite against PostgreSQL; the role
needs CREATEDB.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.database import read_only_transactions
from app.extensions import db
from config import TestConfig

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
IS_POSTGRES = PG_URL.startswith("postgresql")
DEMO_TODAY = date(2026, 3, 2)  # a Monday; the open cycle then runs 2026-02-09 .. 2026-03-09
_counter = itertools.count()

# Demo accounts (password "demo"), one per role.
CONTACT = "kontakt@bergen.example"  # portfolios KML and ASB
COMMISSIONER = "byrad@bergen.example"  # KML and ASB
OFFICE = "kontoret@bergen.example"
SECRETARY = "sekretar@bergen.example"
ADMIN = "admin@bergen.example"
OTHER_CONTACT = "kontakt.kmb@bergen.example"  # portfolio KMB only


def _pg_admin_engine() -> sa.Engine:
    url = sa.make_url(PG_URL).set(database="postgres")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def build_database(url: str, *, demo: bool = True) -> None:
    """Migrate an empty database at `url` to head and (optionally) load the demo."""
    import flask_migrate

    from app.demo.loader import load_demo

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        if demo:
            load_demo(DEMO_TODAY)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Iterator[str]:
    """A migrated database with the demo, built once per session; yields its URL or path."""
    if IS_POSTGRES:
        # One template per pytest-xdist worker ("gw0", ...); "" when not run in parallel.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        name = f"{sa.make_url(PG_URL).database}_template{worker}"
        admin = _pg_admin_engine()
        _drop_pg_database(admin, name)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        build_database(_pg_url(name))
        with admin.connect() as conn:  # nobody (not even autovacuum) may hold the template
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        yield name
        _drop_pg_database(admin, name)
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        build_database(f"sqlite:///{path}")
        with sqlite3.connect(path) as conn:  # fold the WAL into the file before copying it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield str(path)


@contextmanager
def _pg_database(kind: str, template: str | None = None) -> Iterator[str]:
    """A throw-away PostgreSQL database (a clone of `template`, or empty), dropped after."""
    name = f"{sa.make_url(PG_URL).database}_{kind}{os.getpid()}_{next(_counter)}"
    clause = f' TEMPLATE "{template}"' if template else ""
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    try:
        yield _pg_url(name)
    finally:
        _drop_pg_database(admin, name)
        admin.dispose()


def _drop_pg_database(admin: sa.Engine, name: str, tries: int = 10) -> None:
    """Drop a throw-away database. A background worker of another role (autovacuum) can hold
    it for a moment, which FORCE may not terminate: wait and retry, then leave it (the test
    cluster is thrown away after the run)."""
    for attempt in range(tries):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.DBAPIError:
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture()
def database_url(template_db, tmp_path) -> Iterator[str]:
    """A fresh copy of the template database for one test."""
    if IS_POSTGRES:
        with _pg_database("t", template=template_db) as url:
            yield url
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template_db, path)
        yield f"sqlite:///{path}"


@pytest.fixture()
def empty_database_url(tmp_path) -> Iterator[str]:
    """An empty database (no tables) for migration and demo-loading tests."""
    if IS_POSTGRES:
        with _pg_database("e") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


class IsolatedClient(FlaskClient):
    """A test client whose requests run like a real server's: each in a fresh context.

    The test itself holds an app context (so it can query with db.session). Flask would reuse
    that context, and with it `g` (the logged-in user, CSRF token, locale) and the test's
    database session, for every request. Running each request in an empty contextvars
    Context gives it its own app context, `g` and session; afterwards the test's session
    rolls back so its next query sees what the request committed.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # already isolated (a followed redirect)
            return super().open(*args, **kwargs)
        db.session.rollback()  # let go of the test's transaction and any lock it holds
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.rollback()
        return response


@contextmanager
def running_app(database_url: str, **settings) -> Iterator[Flask]:
    """The app on `database_url` with `settings` and an app context pushed; the connections
    are closed afterwards. What every fixture of an app on a demo database builds on."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **settings)
    application.test_client_class = IsolatedClient
    # The test's own SQLite transactions begin DEFERRED, so they never hold the write lock
    # that a request (another connection) needs; PostgreSQL ignores this.
    with application.app_context(), read_only_transactions():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def app(database_url) -> Iterator[Flask]:
    """The app on a fresh copy of the demo database, with an app context pushed."""
    with running_app(database_url) as application:
        yield application


@pytest.fixture()
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """A valid CSRF token for the client's session, read from a page like a browser would."""
    response = client.get(path, follow_redirects=True)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf token on {path}"
    return match.group(1)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token added."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=payload, **kwargs)


def login(client: FlaskClient, email: str, password: str = "demo"):
    """Log `client` in; asserts that it worked."""
    response = post(client, "/auth/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture()
def login_as(client):
    """`login_as(email)` logs the test client in as that demo user."""

    def _login(email: str, password: str = "demo") -> FlaskClient:
        login(client, email, password)
        return client

    return _login


def table_counts() -> dict[str, int]:
    """Row counts of every table: compare before and after a refused request."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
    return counts


def fingerprint() -> str:
    """A digest of every row of every table, to prove a request changed nothing."""
    import hashlib

    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        digest.update(repr((table.name, [tuple(r) for r in rows])).encode())
    db.session.rollback()
    return digest.hexdigest()


@pytest.fixture()
def make_user(app):
    """`make_user(roles=..., portfolios=[codes], email=...)` creates and commits a user."""
    from app.admin.operations import create_user
    from app.models import Portfolio

    def _make(roles=(), portfolios=(), email=None, name="Test Bruker", password="demo"):
        ids = {db.session.scalar(sa.select(Portfolio.id).where(Portfolio.code == c))
               for c in portfolios}
        user = create_user(None, email=email or f"user{next(_counter)}@test.example",
                           name=name, roles=set(roles), password=password, portfolio_ids=ids)
        db.session.commit()
        return user

    return _make


@pytest.fixture()
def make_assessment(app):
    """`make_assessment(state=..., portfolio=code)`: an assessment of the open cycle in a state.

    Picks a demo assessment of the open cycle whose arena belongs to `portfolio` and forces it
    into `state` directly (test set-up only; the app itself changes state via operations).
    """
    from app.models import Arena, Assessment, Cycle, CycleStatus, Portfolio
    from workflows.assessment import AssessmentState

    def _make(state=AssessmentState.DRAFT, portfolio="KML", complete=True):
        assessment = db.session.scalar(
            sa.select(Assessment).join(Assessment.cycle).join(Assessment.arena)
            .where(Cycle.status == CycleStatus.OPEN,
                   Arena.portfolios.any(Portfolio.code == portfolio),
                   Assessment.recommendation.is_not(None) if complete else sa.true())
            .order_by(Assessment.id).limit(1)
        )
        assert assessment is not None, f"no demo assessment for {portfolio}"
        assessment.state = AssessmentState(state)
        if state == AssessmentState.DECIDED and assessment.decision_outcome is None:
            assessment.decision_outcome = assessment.recommendation
        db.session.commit()
        return assessment

    return _make


def chromium_available() -> bool:
    return Path("/usr/bin/chromium").exists()


class _SMTPHandler:
    """Keeps every message the test SMTP server receives; can answer with an error code."""

    def __init__(self):
        self.messages: list = []
        self.reply: str | None = None  # e.g. "451 try later" or "550 no such user"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture()
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1: `.port`, `.messages`, `.reply`."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = _SMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()
