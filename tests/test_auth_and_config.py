"""Login, sessions, rate limits, configuration and the SQLite tuning."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import AuditEvent, User
from config import DEFAULT_SECRET, ProductionConfig, TestConfig
from tests.conftest import CONTACT, OFFICE, csrf_token, login, post


def test_login_page_is_norwegian(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="nb">' in page
    assert "Logg inn" in page and "Passord" in page


def test_wrong_password_is_refused_with_message_and_audited(client):
    response = post(client, "/auth/login", {"email": CONTACT, "password": "feil"})
    assert response.status_code == 400
    assert "Feil e-post eller passord." in response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id)).all()
    assert "login_failed" in actions
    assert client.get("/assessments/").status_code == 302  # still anonymous


def test_unknown_email_gets_the_same_message(client):
    response = post(client, "/auth/login", {"email": "nobody@x.example", "password": "demo"})
    assert response.status_code == 400
    assert "Feil e-post eller passord." in response.get_data(as_text=True)


def test_login_is_case_insensitive_and_redirects_home(client):
    response = post(client, "/auth/login", {"email": CONTACT.upper(), "password": "demo"})
    assert response.status_code == 302
    assert client.get("/").location.endswith("/assessments/")


def test_inactive_user_cannot_log_in(client):
    user = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    user.is_active_user = False
    db.session.commit()
    response = post(client, "/auth/login", {"email": CONTACT, "password": "demo"})
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_no_open_redirect_after_login(client, target):
    response = post(client, "/auth/login",
                    {"email": CONTACT, "password": "demo", "next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_local_next_is_followed(client):
    response = post(client, "/auth/login",
                    {"email": OFFICE, "password": "demo", "next": "/cycles/"})
    assert response.location == "/cycles/"


def test_logout_clears_the_session(client):
    login(client, CONTACT)
    token = csrf_token(client, "/assessments/")
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/assessments/").status_code == 302


def _copy_of_session(client, app):
    """A second client holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_a_copied_session_cookie_dies_at_logout(client, app):
    login(client, CONTACT)
    thief = _copy_of_session(client, app)
    assert thief.get("/assessments/").status_code == 200  # the copy works while logged in
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/assessments/")})
    assert thief.get("/assessments/").status_code == 302  # and not after logging out
    assert db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc())
                             .limit(1)) == "logout"
    login(client, CONTACT)  # logging in again starts a new session that works
    assert client.get("/assessments/").status_code == 200


def test_a_new_password_ends_the_users_sessions(client, app):
    from app.admin.operations import UserChanges, update_user

    login(client, CONTACT)
    user = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@bergen.example"))
    update_user(admin, user, UserChanges(
        name=user.name, roles=user.roles, portfolio_ids=user.portfolio_ids,
        is_active=True, locale=user.locale, password="et-nytt-langt-passord"))
    db.session.commit()
    assert client.get("/assessments/").status_code == 302


def test_logout_needs_post_and_csrf(client):
    login(client, CONTACT)
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/assessments/").status_code == 200


def test_session_cookie_flags(client):
    response = post(client, "/auth/login", {"email": CONTACT, "password": "demo"})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production, see below


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "short", ""])
def test_production_refuses_weak_secret(secret, database_url):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI=database_url)


def test_production_starts_with_strong_secret(database_url):
    app = create_app(ProductionConfig, SECRET_KEY="x" * 48, SQLALCHEMY_DATABASE_URI=database_url)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login", base_url="https://localhost")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    with app.app_context():
        db.engine.dispose()  # close its pooled connection now, not at garbage collection


def test_login_attempts_are_rate_limited(database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                     LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        token = csrf_token(client)
        statuses = [client.post("/auth/login", data={"email": CONTACT, "password": "x",
                                                     "csrf_token": token}).status_code
                    for _ in range(4)]
        assert statuses == [400, 400, 400, 429]
        assert "For mange forsøk" in client.post(
            "/auth/login", data={"email": CONTACT, "password": "demo", "csrf_token": token}
        ).get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_language_switch_to_english_and_back(client):
    login(client, OFFICE)
    response = post(client, "/language", {"locale": "en", "next": "/cycles/"})
    assert response.location == "/cycles/"
    page = client.get("/cycles/").get_data(as_text=True)
    assert '<html lang="en">' in page
    post(client, "/language", {"locale": "nb", "next": "https://evil.example"})
    assert '<html lang="nb">' in client.get("/cycles/").get_data(as_text=True)


def test_dates_are_in_norwegian(client):
    login(client, OFFICE)
    page = client.get("/cycles/").get_data(as_text=True)
    assert "9. mars 2026" in page  # the open cycle's deadline, 7 days after 2026-03-02


def test_sqlite_is_tuned_for_several_processes(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_sqlite_foreign_keys_are_enforced(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text(
            "INSERT INTO user_portfolios (user_id, portfolio_id) VALUES (99999, 99999)"))
        db.session.flush()
    db.session.rollback()


def test_unknown_page_is_a_norwegian_404(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Siden finnes ikke." in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/cycles/\r\nSet-Cookie: x=1", "/cycles/\n", "/\x0b"])
def test_a_next_address_with_control_characters_goes_home(client, target):
    """Found by the form fuzzer: a newline in `next` went into the Location header (a 500)."""
    login(client, OFFICE)
    response = post(client, "/language", {"locale": "en", "next": target})
    assert (response.status_code, response.location) == (302, "/")
    response = post(client, "/mail/1/resend", {"next": target})
    assert (response.status_code, response.location) == (302, "/mail/")
