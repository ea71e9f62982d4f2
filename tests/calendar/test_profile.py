"""The profile page: details per role, the language choice, and the calendar address."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit import trail
from app.calendar import tokens
from app.extensions import db
from app.models import CalendarToken, User
from app.profile import operations as ops
from tests.calendar.conftest import new_feed, shown_feed_url
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OTHER_CONTACT,
    SECRETARY,
    fingerprint,
    login,
    post,
)
from workflows.engine import TransitionNotAllowed

EVERYONE = (CONTACT, OTHER_CONTACT, COMMISSIONER, OFFICE, SECRETARY, ADMIN)
ROLE_NAMES = {CONTACT: "Kontaktperson", COMMISSIONER: "Byråd", OFFICE: "Bystyrets kontor",
              SECRETARY: "Møtesekretær", ADMIN: "Administrator"}
POSTS = ("/profile/language", "/profile/calendar", "/profile/calendar/regenerate",
         "/profile/calendar/revoke")


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def tokens_of(email: str) -> list[CalendarToken]:
    return list(db.session.scalars(
        sa.select(CalendarToken).where(CalendarToken.user_id == user(email).id)
        .order_by(CalendarToken.id)))


def actions_of(email: str) -> list[str]:
    """The user's audit actions about their profile (logins are logged too, and left out)."""
    return [e.action for e in trail("user", user(email).id)
            if e.action.startswith(("calendar_", "locale_"))]


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("email", EVERYONE)
def test_every_role_sees_its_own_profile(client, email):
    login(client, email)
    response = client.get("/profile")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<dd>{user(email).name}</dd>" in html
    assert f"<dd>{email}</dd>" in html
    if email in ROLE_NAMES:
        assert ROLE_NAMES[email] in html
    assert html.count("<h1") == 1


def test_the_header_links_the_users_name_to_the_profile(client):
    login(client, CONTACT)
    html = client.get("/assessments/").get_data(as_text=True)
    assert 'href="/profile">Kari Kontakt</a>' in html


def test_anonymous_is_sent_to_login(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("url", POSTS)
def test_anonymous_posts_change_nothing(client, url):
    before = fingerprint()
    response = post(client, url, {"locale": "en"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert fingerprint() == before


@pytest.mark.parametrize("url", POSTS)
def test_changes_are_post_only(client, url):
    login(client, CONTACT)
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("url", POSTS)
def test_a_post_without_csrf_changes_nothing(client, url):
    login(client, CONTACT)
    before = fingerprint()
    assert client.post(url, data={"locale": "en"}).status_code == 400
    assert fingerprint() == before


# --------------------------------------------------------------------------- language


def test_language_choice_persists_across_logins(client, app):
    login(client, CONTACT)
    response = post(client, "/profile/language", {"locale": "en"})
    assert response.status_code == 302
    assert user(CONTACT).locale == "en"
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)
    assert post(client, "/auth/logout").status_code == 302
    assert '<html lang="nb">' in client.get("/auth/login").get_data(as_text=True)

    fresh = app.test_client()  # another browser: nothing in its session
    login(fresh, CONTACT)
    html = fresh.get("/profile").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert 'value="en" checked' in html or 'checked class="ds-input" id="locale-1"' in html


def test_language_choice_overrides_the_sessions_earlier_choice(client):
    login(client, CONTACT)
    post(client, "/language", {"locale": "en", "next": "/profile"})
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)
    assert post(client, "/profile/language", {"locale": "nb"}).status_code == 302
    assert '<html lang="nb">' in client.get("/profile").get_data(as_text=True)
    assert user(CONTACT).locale == "nb"
    assert "locale_changed" not in actions_of(CONTACT)  # it was nb already: nothing to log


def test_changing_the_language_is_audited(client):
    login(client, OFFICE)
    post(client, "/profile/language", {"locale": "en"})
    event = trail("user", user(OFFICE).id)[-1]
    assert (event.action, event.details, event.actor_id) == (
        "locale_changed", {"old": "nb", "new": "en"}, user(OFFICE).id)


@pytest.mark.parametrize("value", ["de", "", "nb-NO"])
def test_an_unknown_language_is_refused(client, value):
    login(client, CONTACT)
    before = fingerprint()
    response = post(client, "/profile/language", {"locale": value})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert fingerprint() == before


# --------------------------------------------------------------------------- calendar


def test_creating_shows_the_address_once(client):
    login(client, CONTACT)
    response = post(client, "/profile/calendar")
    assert response.status_code == 200  # the answer itself shows it: never in the cookie
    assert "Cache-Control" in response.headers and "no-store" in response.headers["Cache-Control"]
    first = response.get_data(as_text=True)
    url = shown_feed_url(first)
    assert url and urlsplit(url).path.startswith("/calendar/") and url.endswith(".ics")
    assert url.startswith("http")  # a full address, ready to paste into Outlook
    assert "Kopier adressen nå" in first
    second = client.get("/profile").get_data(as_text=True)
    assert shown_feed_url(second) is None
    assert urlsplit(url).path not in second
    assert "Du har en aktiv kalenderadresse" in second
    assert actions_of(CONTACT) == ["calendar_token_created"]


def test_the_token_is_stored_only_as_its_hash(client):
    login(client, CONTACT)
    path = new_feed(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    [stored] = tokens_of(CONTACT)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    everything = []
    for table in db.metadata.sorted_tables:
        everything += [repr(tuple(row)) for row in db.session.execute(sa.select(table))]
    assert token not in "\n".join(everything)
    assert stored.token_hash in "\n".join(everything)  # the search itself works


def test_creating_twice_is_refused(client):
    login(client, CONTACT)
    new_feed(client)
    before = fingerprint()
    assert post(client, "/profile/calendar").status_code == 409
    assert fingerprint() == before


def test_regenerating_revokes_the_old_token(client, app):
    login(client, CONTACT)
    old = new_feed(client)
    new = new_feed(client, "/profile/calendar/regenerate")
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    first, second = tokens_of(CONTACT)
    assert first.revoked_at is not None and second.revoked_at is None
    event = trail("user", user(CONTACT).id)[-1]
    assert event.action == "calendar_token_regenerated"
    assert event.details == {"token_id": second.id, "revoked_token_id": first.id}


def test_revoking_turns_the_address_off(client, app):
    login(client, CONTACT)
    path = new_feed(client)
    assert post(client, "/profile/calendar/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 404
    html = client.get("/profile").get_data(as_text=True)
    assert "Du har ingen aktiv kalenderadresse." in html
    assert actions_of(CONTACT) == ["calendar_token_created", "calendar_token_revoked"]
    assert new_feed(client) != path  # a new one can be made afterwards


@pytest.mark.parametrize("url", ["/profile/calendar/regenerate", "/profile/calendar/revoke"])
def test_regenerate_or_revoke_without_a_token_is_refused(client, url):
    login(client, CONTACT)
    before = fingerprint()
    assert post(client, url).status_code == 409
    assert fingerprint() == before


def test_tokens_are_per_user(app):
    contact, office = app.test_client(), app.test_client()
    login(contact, CONTACT)
    login(office, OFFICE)
    contact_path, office_path = new_feed(contact), new_feed(office)
    assert post(office, "/profile/calendar/revoke").status_code == 302
    assert app.test_client().get(contact_path).status_code == 200  # untouched
    assert app.test_client().get(office_path).status_code == 404


def test_the_database_refuses_a_second_active_token(app):
    contact = user(CONTACT)
    db.session.add(CalendarToken(user_id=contact.id, token_hash="a" * 64))
    db.session.add(CalendarToken(user_id=contact.id, token_hash="b" * 64))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_token_made_meanwhile_by_another_request_is_a_conflict(app, monkeypatch):
    """Two clicks at once: the second request did not see the first one's token."""
    contact = user(CONTACT)
    ops.create_calendar_token(contact)
    db.session.commit()
    monkeypatch.setattr(tokens, "active_token_of", lambda _user: None)
    with pytest.raises(TransitionNotAllowed):
        ops.create_calendar_token(contact)
    db.session.rollback()
    assert len(tokens_of(CONTACT)) == 1
