""""Glemt passord?": the link arrives by mail (the real SMTP server), sets a new password once,
ends the other sessions, and the answer never tells whether an address has an account."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import OutboxMessage, SignInThrottle
from tests.auth_local.conftest import NEW_PASSWORD, link_in, mail_to
from tests.conftest import ADMIN, CONTACT, CSRF_RE, IsolatedClient, csrf_token, login, post

UNKNOWN = "finnes.ikke@bergen.example"


def _forgot(client, email, address="127.0.0.1"):
    token = csrf_token(client, "/auth/forgot")
    return client.post("/auth/forgot", data={"csrf_token": token, "email": email},
                       environ_base={"REMOTE_ADDR": address})


def _set_password(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"csrf_token": csrf_token(client, path), "password": password,
                                   "confirm": password})


def _main(response) -> str:
    html = CSRF_RE.sub("", response.get_data(as_text=True))
    return html[html.index("<main"):html.index("</main>")]


def test_the_login_page_links_to_forgot_password(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page and "Glemt passord?" in page
    assert client.get("/auth/forgot").status_code == 200


def test_a_reset_sets_a_new_password_and_ends_other_sessions(app, client, smtp_server):
    elsewhere = app.test_client()  # the same person signed in on another computer
    login(elsewhere, CONTACT)
    assert elsewhere.get("/profile").status_code == 200

    response = _forgot(client, CONTACT)
    assert response.status_code == 200 and "Sjekk e-posten din" in response.get_data(as_text=True)
    [message] = mail_to(smtp_server, CONTACT)
    text = message.get_body(("plain",)).get_content()
    assert "Bergen kommune" in message["Subject"] and "virker i 1 time." in text
    assert "password_reset" not in text and "{" not in text
    path = link_in(message)
    assert _set_password(client, path).status_code == 302

    assert elsewhere.get("/profile").status_code == 302  # logged out there
    failed = post(client, "/auth/login", {"email": CONTACT, "password": "demo"})
    assert failed.status_code == 400
    login(client, CONTACT, NEW_PASSWORD)
    assert client.get(path).status_code == 404  # used up


def test_the_answer_is_the_same_for_an_unknown_address(app, smtp_server):
    known, unknown = IsolatedClient(app), IsolatedClient(app)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    to_known, to_unknown = _forgot(known, CONTACT), _forgot(unknown, UNKNOWN)
    assert to_known.status_code == to_unknown.status_code == 200
    assert _main(to_known) == _main(to_unknown)
    assert to_known.headers.get("Set-Cookie") is not None
    assert to_unknown.headers.get("Set-Cookie") is not None
    db.session.rollback()
    after = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    assert after == before + 1  # one mail, to the account that exists
    assert mail_to(smtp_server, UNKNOWN) == []
    assert len(mail_to(smtp_server, CONTACT)) == 1


def test_the_reset_link_works_for_60_minutes(app, client, smtp_server, monkeypatch):
    _forgot(client, CONTACT)
    [message] = mail_to(smtp_server, CONTACT)
    path = link_in(message)
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=59))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=61))
    assert client.get(path).status_code == 404
    assert _set_password(client, path).status_code == 404


def test_requests_are_limited_per_address_in_the_database(app, client, smtp_server):
    app.config.update(RATELIMIT_ENABLED=True, PASSWORD_RESET_EMAIL_LIMIT="3 per 15 minutes")
    for email in (CONTACT, UNKNOWN):
        answers = [_forgot(client, email).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429], email  # the same for an unknown address
    assert len(mail_to(smtp_server, CONTACT)) == 3
    db.session.rollback()
    keys = db.session.scalars(sa.select(SignInThrottle.key)).all()
    assert any(key.startswith("reset-email:") for key in keys)
    assert not any(CONTACT in key for key in keys)  # the address itself is not stored


def test_requests_are_limited_per_client_address(app, client, smtp_server):
    app.config.update(RATELIMIT_ENABLED=True, PASSWORD_RESET_ADDRESS_LIMIT="2 per hour")
    answers = [_forgot(client, f"person{n}@bergen.example", "10.0.0.7").status_code
               for n in range(3)]
    assert answers == [200, 200, 429]
    assert _forgot(client, "person9@bergen.example", "10.0.0.8").status_code == 200


def test_a_deactivated_account_gets_no_link(app, client, smtp_server):
    login(client, ADMIN)
    contact_id = db.session.scalar(sa.text("select id from users where email = :e"),
                                   {"e": CONTACT})
    assert post(client, f"/admin/users/{contact_id}/deactivate").status_code == 302
    post(client, "/auth/logout")
    assert _forgot(client, CONTACT).status_code == 200
    assert mail_to(smtp_server, CONTACT) == []


def test_bad_input_is_refused_with_a_message(client):
    response = _forgot(client, "")
    assert response.status_code == 400
    assert "Skriv inn e-postadressen din." in response.get_data(as_text=True)
