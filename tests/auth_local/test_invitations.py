"""Invitations: the administrator invites by e-mail; the person sets a password through the
one-time link in the mail the SMTP server received, then signs in."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AccountToken, AuditEvent, Portfolio
from tests.auth_local.conftest import NEW_PASSWORD, link_in, mail_to, user_by_email
from tests.conftest import ADMIN, CONTACT, CSRF_RE, csrf_token, login, post

NEW = "nina.ny@bergen.example"


def _invite(client, email=NEW, locale="nb"):
    kml = db.session.scalar(sa.select(Portfolio.id).where(Portfolio.code == "KML"))
    return post(client, "/admin/users/invite", {
        "name": "Nina Ny", "email": email, "roles": ["contact"], "portfolios": [kml],
        "locale": locale})


def _set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"csrf_token": csrf_token(client, path), "password": password,
                                   "confirm": confirm or password})


def _invited_link(app, client, smtp_server, email=NEW) -> str:
    login(client, ADMIN)
    assert _invite(client, email).status_code == 302
    post(client, "/auth/logout")
    [message] = mail_to(smtp_server, email)
    return link_in(message)


def test_invited_person_sets_a_password_and_signs_in(app, client, smtp_server):
    login(client, ADMIN)
    page = client.get("/admin/users/invite")
    assert page.status_code == 200 and "Opprett og send invitasjon" in page.get_data(as_text=True)
    assert _invite(client).status_code == 302
    invited = user_by_email(NEW)
    assert invited.password_hash == "" and invited.is_active
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.entity_id == invited.id, AuditEvent.action == "invitation_sent"))
    post(client, "/auth/logout")

    [message] = mail_to(smtp_server, NEW)
    text = message.get_body(("plain",)).get_content()
    assert "Bergen kommune" in message["Subject"] and "Bergen kommunes løsning" in text
    assert "72 timer" in text and "account_invitation" not in text and "{" not in text
    path = link_in(message)

    form = client.get(path)
    assert form.status_code == 200 and NEW in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = _set_password(client, path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/login")
    assert post(client, "/auth/login", {"email": NEW, "password": NEW_PASSWORD}).status_code == 302
    assert client.get("/profile").status_code == 200


def test_an_english_invitation_is_in_english(app, client, smtp_server):
    login(client, ADMIN)
    assert _invite(client, locale="en").status_code == 302
    [message] = mail_to(smtp_server, NEW)
    text = message.get_body(("plain",)).get_content()
    assert "Choose your own password" in text and "72 hours" in text and "Hei" not in text


def test_the_link_works_once(app, client, smtp_server):
    path = _invited_link(app, client, smtp_server)
    assert _set_password(client, path).status_code == 302
    again = client.get(path)
    assert again.status_code == 404
    assert "Lenken er ikke lenger gyldig" in again.get_data(as_text=True)
    csrf = csrf_token(client)
    second = client.post(path, data={"csrf_token": csrf, "password": "et annet passord 2",
                                     "confirm": "et annet passord 2"})
    assert second.status_code == 404
    post(client, "/auth/login", {"email": NEW, "password": NEW_PASSWORD})
    assert client.get("/profile").status_code == 200  # the first password stays


def test_the_link_expires_after_72_hours(app, client, smtp_server, monkeypatch):
    path = _invited_link(app, client, smtp_server)
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=71, minutes=59))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=72, minutes=1))
    assert client.get(path).status_code == 404
    assert _set_password(client, path).status_code == 404
    assert user_by_email(NEW).password_hash == ""


def test_only_the_hash_of_the_token_is_stored(app, client, smtp_server):
    path = _invited_link(app, client, smtp_server)
    token = path.rsplit("/", 1)[1]
    assert len(token) == 43  # secrets.token_urlsafe(32)
    db.session.rollback()
    dump = []
    for table in db.metadata.sorted_tables:
        dump.extend(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
    assert not [row for row in dump if token in row]  # nowhere, the sent mail's text neither
    stored = db.session.scalar(sa.select(AccountToken.token_hash).where(
        AccountToken.user_id == user_by_email(NEW).id))
    assert stored == hashlib.sha256(token.encode()).hexdigest()


def _page_text(response) -> str:
    html = CSRF_RE.sub("", response.get_data(as_text=True))
    return html[html.index("<h1"):html.index("</main>")]


def test_unknown_used_and_expired_links_get_the_same_page(app, client, smtp_server, monkeypatch):
    path = _invited_link(app, client, smtp_server)
    unknown = client.get("/auth/account/" + "A" * 43)
    malformed = client.get("/auth/account/kort")
    assert _set_password(client, path).status_code == 302
    client.get("/auth/login")  # shows the "password saved" message
    used = client.get(path)
    second = _invited_link(app, client, smtp_server, "per.ny@bergen.example")
    later = clock.now() + timedelta(days=4)
    monkeypatch.setattr(clock, "now", lambda: later)
    expired = client.get(second)
    pages = {_page_text(r) for r in (unknown, malformed, used, expired)}
    assert {r.status_code for r in (unknown, malformed, used, expired)} == {404}
    assert len(pages) == 1 and "be administratoren om en ny invitasjon" in pages.pop()


def test_a_new_invitation_replaces_the_old_link(app, client, smtp_server):
    first = _invited_link(app, client, smtp_server)
    login(client, ADMIN)
    user = user_by_email(NEW)
    edit = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f"/admin/users/{user.id}/invite" in edit
    assert post(client, f"/admin/users/{user.id}/invite").status_code == 302
    post(client, "/auth/logout")
    messages = mail_to(smtp_server, NEW)
    assert len(messages) == 2
    second = link_in(messages[-1])
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_existing_user_can_be_invited_again(app, client, smtp_server):
    login(client, ADMIN)
    contact = user_by_email(CONTACT)
    assert post(client, f"/admin/users/{contact.id}/invite").status_code == 302
    [message] = mail_to(smtp_server, CONTACT)
    post(client, "/auth/logout")
    assert _set_password(client, link_in(message)).status_code == 302
    login(client, CONTACT, NEW_PASSWORD)


def test_a_deactivated_account_is_not_invited(app, client, smtp_server):
    path = _invited_link(app, client, smtp_server)
    login(client, ADMIN)
    user = user_by_email(NEW)
    assert post(client, f"/admin/users/{user.id}/deactivate").status_code == 302
    assert post(client, f"/admin/users/{user.id}/invite").status_code == 409
    assert client.get(path).status_code == 404  # the earlier link stops too


def test_only_an_administrator_invites(app, client, smtp_server):
    login(client, CONTACT)
    assert client.get("/admin/users/invite").status_code == 403
    assert _invite(client).status_code == 403
    admin = user_by_email(ADMIN)
    assert post(client, f"/admin/users/{admin.id}/invite").status_code == 403
    assert user_by_email(NEW) is None


def test_a_short_password_is_refused_and_the_link_still_works(app, client, smtp_server):
    path = _invited_link(app, client, smtp_server)
    short = _set_password(client, path, "kort")
    assert short.status_code == 400
    assert "minst 10" in short.get_data(as_text=True)
    mismatch = _set_password(client, path, NEW_PASSWORD, "noe helt annet her")
    assert mismatch.status_code == 400 and "ikke like" in mismatch.get_data(as_text=True)
    assert user_by_email(NEW).password_hash == ""
    assert _set_password(client, path).status_code == 302


def test_a_taken_address_is_refused(app, client, smtp_server):
    login(client, ADMIN)
    response = _invite(client, email=CONTACT)
    assert response.status_code == 400
    assert "finnes allerede" in response.get_data(as_text=True)
    assert mail_to(smtp_server, CONTACT) == []


def test_a_link_mail_refused_for_good_loses_its_link(app, client, smtp_server):
    from app.models import MessageStatus, OutboxMessage

    smtp_server.reply = "550 no such user"
    login(client, ADMIN)
    assert _invite(client).status_code == 302
    assert mail_to(smtp_server, NEW) == []
    db.session.rollback()
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_email == NEW))
    assert message.status == MessageStatus.FAILED
    assert "/auth/account/" not in message.body_text + message.body_html


def test_the_council_office_previews_the_invitation_with_real_values(app, client):
    from app.notifications.defaults import DEFAULTS
    from tests.conftest import OFFICE

    login(client, OFFICE)
    subject, body = DEFAULTS["account_invitation"]["nb"]
    page = post(client, "/mail/templates/account_invitation/nb",
                {"subject": subject, "body": body, "action": "preview"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bergen kommunes løsning" in text and "Lenken virker i 72 timer" in text


def test_the_mail_log_does_not_resend_a_one_time_link(app, client, smtp_server):
    """Its link is gone from the log once sent: a copy would reach the person without one."""
    from app.models import OutboxMessage
    from tests.conftest import OFFICE

    _invited_link(app, client, smtp_server)
    sent = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.to_email == NEW, OutboxMessage.kind == "account_invitation"))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    login(client, OFFICE)
    log = client.get("/mail/").get_data(as_text=True)
    table = log[log.index("<tbody"):]
    row = table[table.index(NEW):].split("</tr>")[0]
    assert "Ny lenke sendes fra brukerens side." in row
    assert f"/mail/{sent.id}/resend" not in log
    response = post(client, f"/mail/{sent.id}/resend", {"next": "/mail/"})
    assert response.status_code == 303
    assert "En engangslenke sendes ikke på nytt." in client.get("/mail/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == count
