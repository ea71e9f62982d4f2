"""Every GET page sends as many SQL statements at 2,000 arenas as at 40 (issue 7: N+1 is a bug).

Two databases are generated once for this module by bench/generate.py: the same seed, the same
20 portfolios and 500 people, 5 cycles, with 40 and with 2,000 arenas. Every GET rule of the
url_map is requested in both, by everyone who may open it: anonymously, logged in as each
demo role, and (the JSON API) with each role's Bearer token. URL arguments are picked the same
way in both (the first assessment of each state the role may see, the latest decided council
case, ...), plus query strings for filters and later pages. Where the small database answers
200, the large one must answer 200 with the same number of statements, counted with
SQLAlchemy's before_cursor_execute event. Paged lists use their default page size in both.

selectinload sends its IN list in chunks of 500 keys, so one eager load of 2,000 rows is one
statement sent in four parts: consecutive sends of the same statement, each after a full chunk
of 500 keys, count as one. A lazy load per row (N+1) has one key each time and counts in full.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from bench.generate import Shape, build_database
from config import TestConfig
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    IS_POSTGRES,
    OFFICE,
    PG_URL,
    SECRETARY,
    _drop_pg_database,
    _pg_admin_engine,
    _pg_url,
    login,
)

SMALL, LARGE = 40, 2000
ROLES = {"contact": CONTACT, "byrad": COMMISSIONER, "kontoret": OFFICE, "sekretar": SECRETARY,
         "admin": ADMIN}
# What cannot be compared, and why. Everything else that answers GET is a page here,
# including the exports (CSV, XLSX, YAML), the calendar feed and the JSON API.
NOT_COMPARED = {
    "static": "files from disk, no SQL",
    # The published PDF and DOCX, read from disk after one query (the same one as
    # documents.publication, which is compared); rendering them for 2,000 arenas takes minutes.
    "documents.publication_file": "stored PDF/DOCX files",
    # Single sign-on is off in these databases (no provider to send anyone to); the two
    # routes read one user by subject or e-mail, whatever the number of arenas.
    # tests/auth_oidc runs them against a real provider.
    "auth.oidc_login": "single sign-on is not configured here",
    "auth.oidc_callback": "single sign-on is not configured here",
}
EXPECTED_STATUS = {"main.index": 302,  # it only sends each role to its own start page
                   "council.current_case": 302,  # and a secretary on to the current case
                   # a POST-only address opened in the browser: back to the page it belongs to
                   "assessments.back_to_page": 302,
                   # no one is halfway through a sign-in here: back to the login page
                   "auth.second_factor": 302,
                   # the value is no one-time link (it is the calendar's): the one refusal page
                   "auth.account_link": 404}
# More than one request per rule: filters, other formats, a later page.
QUERY_STRINGS = {
    "cycles.dashboard": ["", "?state=returned"],
    "arenas.index": ["", "?show=all&portfolio=KML"],
    "arenas.download": ["", "?format=xlsx"],  # YAML is read from the same rows as these
    "notifications.log": ["", "?status=sent&kind=invitation"],
    "admin.users": ["", "?q=kontakt&role=contact"],
    # Later pages at a size both databases fill (a contact sees ~25 assessments at 40 arenas).
    "api.list_arenas": ["", "?page=2&per_page=5"],
    "api.list_assessments": ["", "?page=2&per_page=5", "?state=draft"],
}
CHUNK = 500  # sqlalchemy.orm.strategies.SelectInLoader._chunksize
_ONE = r"(?:\?|%\([^)]+\)s(?:::\w+)?)"  # SQLite's ?, psycopg's %(name)s (with a ::TYPE cast)
PLACEHOLDERS = re.compile(rf"{_ONE}(?:\s*,\s*{_ONE})+")


# --------------------------------------------------------------------------- counting


@dataclass
class StatementLog:
    """The statements sent while `recording`; `count` folds selectinload's chunks into one."""

    sent: list[tuple[str, int]] = field(default_factory=list)
    recording: bool = False

    def __call__(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.recording:
            self.sent.append((PLACEHOLDERS.sub("?…", statement), len(parameters or ())))

    def most_repeated(self) -> str:
        """The statement sent most often (what to look at when a count grows)."""
        counts: dict[str, int] = {}
        for statement, _params in self.sent:
            counts[statement] = counts.get(statement, 0) + 1
        statement, times = max(counts.items(), key=lambda pair: pair[1])
        return f"{times} x {' '.join(statement.split())[:300]}"

    def count(self) -> int:
        total, previous = 0, None
        for statement, params in self.sent:
            if not (previous and previous[0] == statement and previous[1] >= CHUNK):
                total += 1
            previous = (statement, params)
        return total


# --------------------------------------------------------------------------- the databases


@dataclass
class World:
    """One generated database with its app, a client per caller and URL values per caller."""

    arenas: int
    app: Flask
    log: StatementLog
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    headers: dict[str, dict] = field(default_factory=dict)
    values: dict[str, dict[str, list]] = field(default_factory=dict)

    def get(self, caller: str, path: str) -> tuple[int, int]:
        """(status, statements) of one GET by `caller`."""
        self.log.sent.clear()
        self.log.recording = True
        try:
            response = self.clients[caller].get(path, headers=self.headers.get(caller, {}))
        finally:
            self.log.recording = False
        return response.status_code, self.log.count()


@contextmanager
def database(name: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database for one size (on PostgreSQL: created, dropped after)."""
    if not IS_POSTGRES:
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"
        return
    # One per xdist worker: two workers may both build this size at once.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    db_name = f"{sa.make_url(PG_URL).database}_perf_{name}_{worker}"
    admin = _pg_admin_engine()
    _drop_pg_database(admin, db_name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{db_name}"')
    try:
        yield _pg_url(db_name)
    finally:
        _drop_pg_database(admin, db_name)
        admin.dispose()


def user(email: str):
    from app.models import User

    return db.session.scalar(sa.select(User).where(User.email == email))


def add_extras() -> tuple[str, dict[str, str]]:
    """A published (HTML) version of the latest decided cycle, a calendar token for the
    contact and an API token per role: what the file, feed and API pages need."""
    from app.api.operations import create_api_token
    from app.documents.operations import assemble_document, publish_version
    from app.models import Cycle, CycleStatus, DocumentFormat
    from app.profile.operations import create_calendar_token

    office = user(OFFICE)
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.PUBLISHED)
                              .order_by(Cycle.year.desc()).limit(1))
    assemble_document(cycle, office, formats=(DocumentFormat.HTML,))
    publish_version(cycle, 1, office)
    calendar = create_calendar_token(user(CONTACT))
    from app.auth.oidc_operations import GroupMappingInput, create_group_mapping
    from workflows.roles import Role

    create_group_mapping(None, GroupMappingInput(group_id="perf-kontakter", role=Role.CONTACT))
    tokens = {role: create_api_token(user(email), "perf")[0] for role, email in ROLES.items()}
    db.session.commit()
    return calendar, tokens


def first_visible(rows, viewer):
    """The first of `rows` `viewer` may see, else the first (for a 403/404 to skip)."""
    from workflows.assessment import can_view

    return next((a for a in rows if viewer is not None and can_view(a, viewer)), rows[0])


def url_values(calendar: str) -> dict[str, dict[str, list]]:
    """Per caller, values for every URL argument name, chosen the same way in both databases."""
    from app.models import (
        Assessment,
        Cycle,
        CycleStatus,
        DocumentVersion,
        OidcGroupMapping,
        Portfolio,
    )
    from app.models.council import CaseItem, CouncilCase

    cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.year.desc())).all()
    current = next(c for c in cycles if c.status == CycleStatus.OPEN)
    decided = next(c for c in cycles if c.status == CycleStatus.PUBLISHED)
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == current.id)
                              .order_by(Assessment.id)).all()
    old = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == decided.id)
                             .order_by(Assessment.id)).all()
    cases = [db.session.scalar(sa.select(CouncilCase).where(CouncilCase.cycle_id == c.id))
             for c in (decided, current)]
    items = [db.session.scalars(sa.select(CaseItem).where(CaseItem.case_id == case.id)
                                .order_by(CaseItem.position)).all() for case in cases]
    item = next(i for i in items[0] if len(i.proposals) > 1)
    kml = db.session.scalar(sa.select(Portfolio).where(Portfolio.code == "KML"))
    shared = {
        "year": [current.year, decided.year],
        "arena_id": [next(a.arena_id for a in rows if kml in a.arena.portfolios)],
        "user_id": [user(CONTACT).id], "portfolio_id": [kml.id],
        "template_key": ["invitation", "returned"], "locale": ["nb", "en"],
        "number": [1], "version_id": [db.session.scalar(sa.select(DocumentVersion.id))],
        "ext": ["html"], "token": [calendar], "name": ["close_submissions"],
        "term_id": [cases[0].term_id], "case_id": [c.id for c in cases],
        "item_id": [item.id, items[1][0].id],
        "proposal_id": [item.proposals[0].id, item.proposals[1].id,
                        items[1][0].proposals[0].id],
        "chart": ["decisions", "ratings-influence"],  # a statistics chart's CSV
        "mapping_id": [db.session.scalar(sa.select(OidcGroupMapping.id))],  # sign-in group
    }
    states = list(dict.fromkeys(a.state for a in rows))
    viewers = {role: user(email) for role, email in ROLES.items()} | {"anonymous": None}
    return {caller: {**shared, "assessment_id": [
        first_visible([a for a in rows if a.state == s], viewer).id for s in states
    ] + [first_visible(old, viewer).id]} for caller, viewer in viewers.items()}


def open_world(arenas: int, url: str, folder: Path) -> World:
    """Generate a database of `arenas`, serve it, log every role in."""
    build_database(url, Shape(arenas=arenas))
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                     DOCUMENT_STORAGE=str(folder / f"documents-{arenas}"))
    world = World(arenas, app, StatementLog())
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", world.log)
        calendar, tokens = add_extras()
        world.values = url_values(calendar)
        db.session.remove()
    world.clients["anonymous"] = app.test_client()
    for role, email in ROLES.items():
        world.clients[role] = app.test_client()
        login(world.clients[role], email)
        world.clients[f"api:{role}"] = app.test_client()
        world.headers[f"api:{role}"] = {"Authorization": f"Bearer {tokens[role]}"}
        world.values[f"api:{role}"] = world.values[role]
        world.get(f"api:{role}", "/api/v1/me")  # the first use notes "last used" (a write)
    return world


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> Iterator[tuple[World, World]]:
    """The small and the large database, each built once for this module."""
    folder = tmp_path_factory.mktemp("perf")
    with database("small", folder) as small_url, database("large", folder) as large_url:
        small, large = open_world(SMALL, small_url, folder), open_world(LARGE, large_url, folder)
        yield small, large
        for world in (small, large):
            with world.app.app_context():
                db.session.remove()
                db.engine.dispose()


# --------------------------------------------------------------------------- the pages


def get_rules() -> dict[str, object]:
    """Every GET rule of the app, by endpoint (an app on no database: only its url_map)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.endpoint not in NOT_COMPARED}


RULES = get_rules()


def callers(endpoint: str) -> list[str]:
    """Who asks for the page: API tokens for the API, else anonymous and each role."""
    if endpoint.startswith("api."):
        return [f"api:{role}" for role in ROLES]
    return ["anonymous", *ROLES]


def paths(world: World, endpoint: str, caller: str) -> list[str]:
    """Every path of `endpoint` for `caller`: each combination of argument values."""
    rule = RULES[endpoint]
    names = sorted(rule.arguments - set(rule.defaults or {}))
    values = world.values[caller]
    with world.app.test_request_context():
        base = [url_for(endpoint, **dict(zip(names, combo, strict=True)))
                for combo in itertools.product(*(values[n] for n in names))]
    return [path + query for path in base for query in QUERY_STRINGS.get(endpoint, [""])]


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_statements_do_not_grow_with_the_number_of_arenas(worlds, endpoint):
    small, large = worlds
    compared, grown, seen = [], [], set()
    for caller in callers(endpoint):
        pairs = zip(paths(small, endpoint, caller), paths(large, endpoint, caller), strict=True)
        for index, (small_path, large_path) in enumerate(pairs):
            status, count = small.get(caller, small_path)
            if status != EXPECTED_STATUS.get(endpoint, 200):
                continue  # this caller may not open it (or is sent elsewhere)
            # Another caller already sent these very statements for this path: the same code
            # ran, so the large database would repeat that comparison (time is short in CI).
            signature = (index, *(statement for statement, _params in small.log.sent))
            if signature in seen:
                continue
            seen.add(signature)
            large_status, large_count = large.get(caller, large_path)
            assert large_status == status, f"{caller} {large_path}: {large_status} at {LARGE}"
            compared.append(f"{caller} {small_path}: {count}")
            if large_count != count:
                grown.append(f"{caller} {small_path}: {count} statements at {SMALL} arenas, "
                             f"{large_count} at {LARGE}; most sent: {large.log.most_repeated()}")
    assert compared, f"nobody got a 200 from {endpoint}: give it a caller or URL values"
    assert not grown, "\n".join(grown)
