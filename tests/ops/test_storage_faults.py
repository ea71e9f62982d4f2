"""A database that cannot store anything: 503 with the reason and the typed text, sign-in
still works, /healthz says so."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Arena, AuditEvent
from tests.conftest import CONTACT, OFFICE, login, post
from tests.test_arenas import arena_form

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture()
def read_only(app):
    """From now on every new connection of the app may only read (PRAGMA query_only)."""

    def enable():
        sa.event.listen(db.engine, "connect",
                        lambda conn, _record: conn.execute("PRAGMA query_only = ON"))
        db.session.remove()
        db.engine.dispose()

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the read-only switch here is SQLite's")
    return enable


@pytest.fixture()
def disk_full(app, monkeypatch):
    """From now on every write statement fails as the database does on a full disk."""

    def enable():
        dialect = db.engine.dialect
        original = dialect.do_execute

        def full(cursor, statement, parameters, context=None):
            if statement.lstrip().upper().startswith(WRITES):
                # the driver's own error, as SQLite and PostgreSQL raise it on a full disk
                raise dialect.loaded_dbapi.OperationalError("database or disk is full")
            return original(cursor, statement, parameters, context)

        monkeypatch.setattr(dialect, "do_execute", full)

    return enable


def arena_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Arena))


@pytest.mark.parametrize(("fault", "reason"), [
    ("read_only", "kan bare leses akkurat nå"),
    ("disk_full", "Lagringsplassen til tjenesten er full"),
])
def test_a_save_answers_503_with_the_reason_and_the_typed_text(client, request, fault, reason):
    login(client, OFFICE)
    before = arena_count()
    request.getfixturevalue(fault)()
    response = post(client, "/arenas/new", arena_form(description_nb="Min lange tekst æøå."))
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Endringen ble ikke lagret" in page and reason in page
    assert "Min lange tekst æøå." in page and "Nettverket for nordlige kystbyer" in page
    assert "Noe gikk galt" not in page and "csrf" not in page.split("<main")[-1].lower()
    assert response.headers["Retry-After"]
    db.session.remove()
    assert arena_count() == before


def test_sign_in_works_when_the_audit_row_cannot_be_written(client, read_only, app):
    read_only()
    response = post(client, "/auth/login", {"email": CONTACT, "password": "demo"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert client.get("/profile").status_code == 200
    wrong = post(client, "/auth/logout")  # logging out writes too: refused, not a 500
    assert wrong.status_code == 503
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login")) == 0


def test_a_wrong_password_is_still_refused_when_nothing_can_be_written(client, read_only):
    read_only()
    response = post(client, "/auth/login", {"email": CONTACT, "password": "feil"})
    assert response.status_code == 400
    assert "Feil e-post eller passord" in response.get_data(as_text=True)


def test_healthz_reports_a_database_that_cannot_be_written(client, read_only):
    assert client.get("/healthz").get_json()["database_writable"] == "ok"
    read_only()
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["database"] == "ok" and body["database_writable"] == "read_only"
    assert body["status"] == "degraded" and "lease_age_seconds" in body["scheduler"]
