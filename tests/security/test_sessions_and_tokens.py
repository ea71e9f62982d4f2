"""Sessions and tokens: no-store, idle and absolute lifetime, token expiry and revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.api import tokens as api_tokens
from app.api.operations import create_api_token
from app.auth import sessions
from app.clock import now
from app.extensions import db
from app.models import ApiToken, User
from tests.conftest import ADMIN, CONTACT, OFFICE, csrf_token, login, post


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def me(client, token: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_signed_in_pages_are_not_stored_and_public_ones_may_be(client):
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")
    login(client, CONTACT)
    for page in ("/", "/profile", "/assessments/"):
        response = client.get(page, follow_redirects=True)
        assert response.headers["Cache-Control"] == "no-store", page


@pytest.mark.parametrize(("shift", "reason"), [
    (timedelta(minutes=61), "ikke har vært aktiv på 60 minutter"),
    (timedelta(hours=13), "eldre enn 12 timer"),
])
def test_an_idle_or_old_session_ends(client, monkeypatch, shift, reason):
    login(client, CONTACT)
    assert client.get("/profile").status_code == 200
    later = now() + shift
    monkeypatch.setattr(sessions, "now", lambda: later)
    response = client.get("/profile")
    assert response.status_code == 302 and "/auth/login" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert reason in page
    assert client.get("/profile").status_code == 302  # logged out for good


def test_an_active_session_still_ends_after_its_absolute_lifetime(client, monkeypatch):
    login(client, CONTACT)
    start = now()
    for hours in range(1, 17):  # a request every 50 minutes keeps it from going idle
        moment = start + timedelta(minutes=50 * hours)
        monkeypatch.setattr(sessions, "now", lambda moment=moment: moment)
        response = client.get("/profile")
        if moment - start > timedelta(hours=12):
            break
        assert response.status_code == 200, hours
    assert response.status_code == 302
    assert "eldre enn 12 timer" in client.get(response.location).get_data(as_text=True)


def test_a_token_works_for_the_days_chosen_and_the_profile_shows_until_when(client):
    login(client, CONTACT)
    response = post(client, "/profile/api-tokens", {"name": "Arkiv", "valid_days": "30"})
    assert response.status_code == 200
    record = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Arkiv"))
    assert timedelta(days=29, hours=23) < record.expires_at - record.created_at <= timedelta(
        days=30)
    page = client.get("/profile").get_data(as_text=True)
    assert "Virker til" in page and 'name="valid_days"' in page
    assert post(client, "/profile/api-tokens", {"name": "X", "valid_days": "9999"}
                ).status_code == 400


def test_the_default_is_90_days_and_an_expired_token_gets_401(client, monkeypatch):
    plain, record = create_api_token(user(CONTACT), "test")
    db.session.commit()
    assert record.expires_at - record.created_at == timedelta(days=90)
    assert me(client, plain).status_code == 200
    later = now() + timedelta(days=91)
    monkeypatch.setattr(api_tokens, "now", lambda: later)
    assert me(client, plain).status_code == 401


def test_deactivating_the_account_revokes_its_tokens(client):
    plain, record = create_api_token(user(CONTACT), "test")
    db.session.commit()
    login(client, ADMIN)
    target = user(CONTACT)
    response = post(client, f"/admin/users/{target.id}/deactivate")
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    db.session.refresh(record)
    assert record.revoked_at is not None
    target.is_active_user = True  # even if the account comes back, the token stays dead
    db.session.commit()
    assert me(client, plain).status_code == 401


@pytest.mark.parametrize("revoke", [True, False])
def test_log_out_everywhere_offers_to_revoke_the_tokens(client, revoke):
    plain, _record = create_api_token(user(OFFICE), "test")
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="revoke_api_tokens"' in page
    data = {"csrf_token": csrf_token(client, "/profile")}
    if revoke:
        data["revoke_api_tokens"] = "y"
    assert client.post("/auth/logout", data=data).status_code == 302
    assert me(client, plain).status_code == (401 if revoke else 200)
    assert client.get("/profile").status_code == 302


def test_the_calendar_address_never_travels_in_the_session_cookie(client):
    login(client, CONTACT)
    response = post(client, "/profile/calendar")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/calendar/" in page
    for header in response.headers.getlist("Set-Cookie"):
        assert "calendar" not in header
    cookie = client.get_cookie("session")
    assert cookie is None or "calendar" not in _decoded(client, cookie.value)


def _decoded(client, value: str) -> str:
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    return repr(serializer.loads(value))
