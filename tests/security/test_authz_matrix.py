"""The authorization matrix (issue 7): each route × method × role answers as authz_matrix.yaml says.

One test proves the file lists exactly the rules of `app.url_map`; one item per row asks every
column (anonymous, each demo role, a contact of another portfolio) and reports every cell that
answers differently. URL arguments come from the demo (looked up, see `demo_ids`) plus a few
rows made once per module: a calendar token and an API token of CONTACT, an API token per role,
and two assembled versions of the 2021 review (version 1 published).

All rows share one database (a private copy of the demo with those rows). Every cell sees it
as set up: the app's engine is watched for INSERT, UPDATE and DELETE, and after any write the
database is restored before the next cell, so no permitted POST (an archive, a clone, a
publication) changes what another cell sees. Most cells write nothing, so restores are few.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask, url_for
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    IS_POSTGRES,
    OFFICE,
    OTHER_CONTACT,
    PG_URL,
    SECRETARY,
    IsolatedClient,
    _drop_pg_database,
    _pg_admin_engine,
    _pg_url,
    csrf_token,
    login,
)

MATRIX_FILE = Path(__file__).with_name("authz_matrix.yaml")
EMAILS = {"contact": CONTACT, "other_contact": OTHER_CONTACT, "commissioner": COMMISSIONER,
          "office": OFFICE, "secretary": SECRETARY, "admin": ADMIN}
COLUMNS = ("anonymous", *EMAILS)
SKIPPED_ENDPOINTS = {"static"}  # files from static/ (vendor assets included)
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
REFUSALS = {"302-login", "401", "403", "404", "405"}
WRITE_RE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
# Rows whose success is itself a redirect to the login page: logging out (which also ends the
# user's other sessions, so it writes); for them a logged-in column's 302-login is no refusal.
LOGIN_IS_SUCCESS = {"POST /auth/logout"}
BOOKKEEPING = {"api_tokens"}  # when a token was last used (kept to 5 minutes), even if refused
OPEN_YEAR, OLD_YEAR = 2026, 2021
# Rows whose arguments differ from the defaults of `demo_ids` (the 2021 review's versions).
OLD_YEAR_ENDPOINTS = {"documents.version_view", "documents.version_file", "documents.publish",
                      "documents.confirm_publish", "documents.publication",
                      "documents.publication_file", "statistics.public_page",
                      "statistics.public_csv"}


def read_matrix() -> tuple[dict[str, dict[str, str]], dict[str, dict]]:
    """The file's rows ("METHOD /rule" -> column -> expected answer, as text) and bodies."""
    data = yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))
    assert tuple(data["columns"]) == COLUMNS, f"columns must be {COLUMNS}"
    bad = [key for key, answers in data["rows"].items() if len(answers) != len(COLUMNS)]
    assert not bad, f"rows without one answer per column: {bad}"
    rows = {key: dict(zip(COLUMNS, map(str, answers), strict=True))
            for key, answers in data["rows"].items()}
    return rows, data.get("send") or {}


MATRIX, BODIES = read_matrix()


def answer_of(response) -> str:
    """A response as a matrix answer: the status, "302-login" for a redirect to the login."""
    status = response.status_code
    if 300 <= status < 400 and urlsplit(response.location).path == "/auth/login":
        return f"{status}-login"
    return str(status)


def url_rows(app: Flask) -> dict[str, tuple[str, str]]:
    """Every "METHOD /rule" the app answers (HEAD, OPTIONS and static left out) -> rule."""
    rows = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            rows[f"{method} {rule.rule}"] = (rule.endpoint, rule.rule)
    return rows


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    """The app on a private demo copy, a logged-in session per column, and the demo ids."""

    app: Flask
    copies: SqliteCopies | PgCopies
    ids: dict[str, object]
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)
    writes: list[tuple[str, str]] = field(default_factory=list)  # (verb, table) since reset

    def reset(self) -> None:
        """Put the database back as it was after set-up, if anything was written since."""
        if self.writes:
            with self.app.app_context():
                db.session.remove()
                db.engine.dispose()
            self.copies.restore()
            self.writes.clear()

    def client(self, column: str) -> FlaskClient:
        """A new client carrying `column`'s session cookie (the anonymous one has a CSRF one)."""
        client = self.app.test_client()
        client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookies[column])
        return client

    def path(self, endpoint: str, rule: str) -> str:
        """The rule's URL with demo values for its arguments."""
        with self.app.test_request_context():
            names = next(r for r in self.app.url_map.iter_rules(endpoint)
                         if r.rule == rule).arguments
            values = {n: self.ids[f"{endpoint}:{n}"] if f"{endpoint}:{n}" in self.ids
                      else self.ids[n] for n in names}
            return url_for(endpoint, **values)

    def filled(self, value):
        """`value` with every "$name" string replaced by that demo id."""
        if isinstance(value, dict):
            return {k: self.filled(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.filled(v) for v in value]
        if isinstance(value, str) and value.startswith("$"):
            return self.ids[value[1:]]
        return value

    def ask(self, column: str, method: str, endpoint: str, rule: str, send: dict) -> str:
        """What `column` gets for one request: `send` (default empty) as a form with a CSRF
        token, or as JSON with the column's Bearer token for the API."""
        path, send = self.path(endpoint, rule), self.filled(send)
        if endpoint.startswith("api."):  # a token and no cookie; anonymous: admin's cookie only
            token = self.api_tokens.get(column)
            client = self.app.test_client() if token else self.client("admin")
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body = send if method != "GET" else None
            return answer_of(client.open(path, method=method, json=body, headers=headers))
        client = self.client(column)
        data = {"csrf_token": self.csrf[column], **send} if method != "GET" else None
        return answer_of(client.open(path, method=method, data=data))


class SqliteCopies:
    """The base database (demo + set-up rows) and the working copy the app uses: files."""

    def __init__(self, template: str, folder: Path):
        self.base, self.work = folder / "base.sqlite3", folder / "work.sqlite3"
        shutil.copyfile(template, self.base)
        self.base_url, self.work_url = f"sqlite:///{self.base}", f"sqlite:///{self.work}"

    def seal(self) -> None:
        """The base is complete: fold its WAL into the file, which is copied from now on."""
        with sqlite3.connect(self.base) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def restore(self) -> None:
        """A fresh working copy of the base."""
        for extra in ("-wal", "-shm"):
            Path(f"{self.work}{extra}").unlink(missing_ok=True)
        shutil.copyfile(self.base, self.work)

    def close(self) -> None:
        """Nothing to do: the files live in pytest's temporary folder."""


class PgCopies:
    """The same with PostgreSQL: the working database is cloned from the base."""

    def __init__(self, template: str):
        # One pair per xdist worker: each worker runs its share of the matrix.
        prefix = f"{sa.make_url(PG_URL).database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        self.base, self.work = f"{prefix}_authz_base", f"{prefix}_authz_work"
        self.admin = _pg_admin_engine()
        self.close(dispose=False)
        self.sql(f'CREATE DATABASE "{self.base}" TEMPLATE "{template}"')
        self.base_url, self.work_url = _pg_url(self.base), _pg_url(self.work)

    def sql(self, statement: str) -> None:
        """Run one statement on the server's maintenance database."""
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def seal(self) -> None:
        """The base is complete: nobody (not even autovacuum) may hold it while it is cloned."""
        self.sql(f'ALTER DATABASE "{self.base}" ALLOW_CONNECTIONS false')

    def restore(self) -> None:
        """A fresh working database cloned from the base."""
        _drop_pg_database(self.admin, self.work)
        self.sql(f'CREATE DATABASE "{self.work}" TEMPLATE "{self.base}"')

    def close(self, dispose: bool = True) -> None:
        """Drop both databases."""
        for name in (self.work, self.base):
            _drop_pg_database(self.admin, name)
        if dispose:
            self.admin.dispose()


def _user(email: str):
    from app.models import User

    return db.session.scalar(sa.select(User).where(User.email == email))


def _add_rows() -> tuple[dict[str, object], dict[str, str]]:
    """Rows the demo lacks, made once: tokens and two versions of the 2021 review.

    Returns their ids (URL arguments) and each column's API token.
    """
    from app.api.operations import create_api_token, mark_used
    from app.auth.oidc_operations import GroupMappingInput, create_group_mapping
    from app.documents.operations import assemble_document, publish_version
    from app.models import Cycle, DocumentFormat
    from app.profile.operations import create_calendar_token
    from workflows.roles import Role

    contact, office = _user(CONTACT), _user(OFFICE)
    made = {column: create_api_token(_user(email), "authz") for column, email in EMAILS.items()}
    for _plain, record in made.values():
        mark_used(record)  # so requests within LAST_USED_PRECISION write nothing
    _plain, revocable = create_api_token(contact, "authz-revoke")
    calendar = create_calendar_token(contact)
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == OLD_YEAR))
    first = assemble_document(cycle, office, (DocumentFormat.DOCX, DocumentFormat.HTML))
    publish_version(cycle, 1, office)
    assemble_document(cycle, office, (DocumentFormat.HTML,))  # version 2: not published
    db.session.commit()
    docx = next(v for v in first if v.format == DocumentFormat.DOCX)
    mapping = create_group_mapping(None, GroupMappingInput(group_id="authz", role=Role.CONTACT))
    db.session.commit()
    return ({"token_id": revocable.id, "token": calendar, "version_id": docx.id,
             "mapping_id": mapping.id},
            {column: plain for column, (plain, _record) in made.items()})


def demo_ids() -> dict[str, object]:
    """A demo value per URL argument (or "endpoint:argument" where a row needs another one).

    Everything a contact owns belongs to CONTACT's portfolio KML, so OTHER_CONTACT (KMB only)
    asking for it is the IDOR column.
    """
    from app.models import Arena, Assessment, Cycle, OutboxMessage, Portfolio
    from app.models.council import CaseItem, CouncilCase, CouncilTerm, FollowUp, Proposal
    from workflows.assessment import AssessmentState

    contact = _user(CONTACT)
    kml = db.session.scalar(sa.select(Portfolio).where(Portfolio.code == "KML"))

    def first(model, *where):
        return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))

    def of_kml(state):
        return first(Assessment, Assessment.cycle.has(Cycle.year == OPEN_YEAR),
                     Assessment.arena.has(Arena.portfolios.any(Portfolio.id == kml.id)),
                     Assessment.state == state, Assessment.recommendation.is_not(None))

    draft = db.session.get(Assessment, of_kml(AssessmentState.DRAFT))
    submitted, approved = of_kml(AssessmentState.SUBMITTED), of_kml(AssessmentState.APPROVED)
    return {
        "portfolio_id": kml.id, "user_id": contact.id, "year": OPEN_YEAR,
        "arena_id": first(Arena, Arena.portfolios.any(Portfolio.id == kml.id)),
        "assessment_id": draft.id, "assessment_version": draft.version,
        "approved_assessment_id": approved,
        "assessments.transition:assessment_id": submitted,
        "api.post_transition:assessment_id": submitted,
        "council.route:assessment_id": approved, "api.post_route:assessment_id": approved,
        "case_id": first(CouncilCase), "item_id": first(CaseItem),
        "proposal_id": first(Proposal), "follow_up_id": first(FollowUp),
        "term_id": first(CouncilTerm),
        "message_id": first(OutboxMessage, OutboxMessage.to_email == CONTACT),
        "template_key": "returned", "locale": "nb", "ext": "docx", "number": 1,
        "documents.publish:number": 2, "documents.confirm_publish:number": 2,
        "name": "close_submissions",  # the open cycle's next lifecycle step
        "chart": "decisions",  # a statistics chart's CSV
        **{f"{endpoint}:year": OLD_YEAR for endpoint in OLD_YEAR_ENDPOINTS},
    }


def _prepare_base(base_url: str, storage: Path) -> tuple[dict[str, object], dict[str, str]]:
    """Add the set-up rows to the base database; (the id table, each column's API token)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=base_url, DOCUMENT_STORAGE=str(storage))
    with app.app_context():
        made, api_tokens = _add_rows()
        ids = {**demo_ids(), **made}
        db.session.remove()
        db.engine.dispose()
    return ids, api_tokens


def watch_writes(world: World) -> None:
    """Note every statement of the app's engine that writes, as (verb, table)."""

    def note(_conn, _cursor, statement: str, *_args) -> None:
        if match := WRITE_RE.match(statement):
            world.writes.append((match[1].split()[0].upper(), match[2]))

    with world.app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", note)


def _log_in_everyone(world: World) -> None:
    for column in COLUMNS:
        client = world.app.test_client()
        if column != "anonymous":
            login(client, EMAILS[column])
        world.csrf[column] = csrf_token(client)  # the anonymous session gets one here too
        world.cookies[column] = client.get_cookie(world.app.config["SESSION_COOKIE_NAME"]).value


@pytest.fixture(scope="module")
def world(template_db, tmp_path_factory) -> Iterator[World]:
    """The matrix's app, once per module (its database is restored after every write)."""
    folder = tmp_path_factory.mktemp("authz")
    copies = PgCopies(template_db) if IS_POSTGRES else SqliteCopies(template_db, folder)
    ids, api_tokens = _prepare_base(copies.base_url, folder / "documents")
    copies.seal()
    copies.restore()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=copies.work_url,
                     DOCUMENT_STORAGE=str(folder / "documents"))
    app.test_client_class = IsolatedClient
    world = World(app=app, copies=copies, ids=ids, api_tokens=api_tokens)
    _log_in_everyone(world)
    watch_writes(world)
    world.writes.append(("UPDATE", "users"))  # the logins wrote last_login_at
    yield world
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    copies.close()


# --------------------------------------------------------------------------- the tests


def test_the_matrix_lists_every_route_and_nothing_else(world: World) -> None:
    """Each (rule, method) of the app has a row with every column, and no row is stale."""
    routes = url_rows(world.app)
    missing = sorted(set(routes) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(routes))
    stale += sorted(f"send: {k}" for k in set(BODIES) - set(MATRIX))
    assert not (missing or stale), (
        f"routes missing from {MATRIX_FILE.name}: {missing}\nstale rows: {stale}")


def run_row(world: World, key: str) -> dict[str, str]:
    """Every column's answer for one row, each on the database as set up; a refusal that
    wrote to the database is reported as such (a refused request must change nothing)."""
    method, rule = key.split(" ", 1)
    endpoint = url_rows(world.app)[key][0]
    actual = {}
    for column in COLUMNS:
        world.reset()
        answer = world.ask(column, method, endpoint, rule, BODIES.get(key, {}))
        wrote = sorted({f"{verb} {table}" for verb, table in world.writes
                        if table not in BOOKKEEPING})
        succeeded = key in LOGIN_IS_SUCCESS and column != "anonymous"
        refused_but_wrote = answer in REFUSALS and wrote and not succeeded
        actual[column] = f"{answer} but wrote {', '.join(wrote)}" if refused_but_wrote else answer
    return actual


@pytest.mark.parametrize("key", list(MATRIX))
def test_every_cell_answers_as_listed(world: World, key: str) -> None:
    """One row: every column answers what the file says (all mismatches reported together)."""
    if key not in url_rows(world.app):
        pytest.fail(f"stale row {key!r}: no such route", pytrace=False)
    actual = run_row(world, key)
    wrong = [f"  {c}: expected {MATRIX[key].get(c)}, got {actual[c]}"
             for c in COLUMNS if actual[c] != MATRIX[key].get(c)]
    if wrong:
        pytest.fail(f"{key}:\n" + "\n".join(wrong), pytrace=False)
