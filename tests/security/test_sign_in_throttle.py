"""Per-account sign-in hold: ten wrong passwords in a row hold password sign-in 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.auth import throttle
from app.clock import now
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, User
from tests.conftest import CONTACT, csrf_token, login

FAILURES = 10


def attempt(client, password: str, address: str = "10.0.0.1", email: str = CONTACT):
    data = {"csrf_token": csrf_token(client), "email": email, "password": password}
    return client.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": address})


def actions(email: str = CONTACT) -> list[str]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id)
        .order_by(AuditEvent.id)))


def held_mail() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.template_key == "sign_in_held")))


def test_ten_failures_from_many_addresses_hold_the_account_and_tell_the_owner(client):
    for n in range(FAILURES):
        response = attempt(client, "feil", address=f"10.0.0.{n + 1}")  # a new address each
        assert response.status_code == 400
    assert "holdt tilbake" in response.get_data(as_text=True)
    response = attempt(client, "demo", address="10.9.9.9")  # the right password, elsewhere
    assert response.status_code == 400 and "holdt tilbake" in response.get_data(as_text=True)
    assert actions().count("login_failed") == FAILURES
    assert "login_held" in actions() and actions()[-1] == "login_refused_held"
    [mail] = held_mail()
    assert mail.to_email == CONTACT and "15 minutter" in mail.subject


def test_the_hold_ends_after_15_minutes_and_a_success_resets_the_count(client, monkeypatch):
    for _ in range(FAILURES):
        attempt(client, "feil")
    later = now() + timedelta(minutes=16)
    monkeypatch.setattr(throttle, "now", lambda: later)
    login(client, CONTACT)  # open again
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/profile")})
    for _ in range(FAILURES - 1):  # nine more in a row after a success: not held
        assert attempt(client, "feil").status_code == 400
    login(client, CONTACT)
    assert len(held_mail()) == 1


def test_a_success_before_the_tenth_failure_starts_the_count_again(client):
    for _ in range(FAILURES - 1):
        attempt(client, "feil")
    login(client, CONTACT)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/profile")})
    for _ in range(FAILURES - 1):
        attempt(client, "feil")
    login(client, CONTACT)
    assert held_mail() == [] and "login_held" not in actions()
