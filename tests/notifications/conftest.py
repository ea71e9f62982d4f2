"""Mail tests: the app talks to the real SMTP server fixture (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import MessageStatus, OutboxMessage, User
from app.notifications.outbox import queue_mail
from tests.conftest import running_app

T0 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Oslo on the demo's Monday


def mail_settings(smtp_server) -> dict:
    """create_app overrides that point the app at the test SMTP server."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5,
            "MAIL_DEFAULT_SENDER": "Samarbeidsarenaer <noreply@bergen.example>",
            "BASE_URL": "https://arenaer.bergen.example"}


@pytest.fixture()
def app(database_url, smtp_server) -> Iterator[Flask]:
    """The app on a fresh demo database, sending mail to `smtp_server`."""
    with running_app(database_url, **mail_settings(smtp_server)) as application:
        yield application


_FIRST_ID = {"value": 0}


@pytest.fixture(autouse=True)
def only_new_mail(request) -> None:
    """Helpers below look only at mail a test queues, not what the demo left in the outbox."""
    if "app" not in request.fixturenames:
        return  # a pure test: no database
    request.getfixturevalue("app")
    _FIRST_ID["value"] = (db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0) + 1
    db.session.rollback()


def closed_port() -> int:
    """A local port nobody listens on (connecting is refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def queue_approved(recipient: User, count: int = 1, arena: str = "Eurocities") -> list[int]:
    """Queue and commit `count` 'approved' messages to `recipient`; returns their ids."""
    ids = []
    for n in range(count):
        message = queue_mail(kind="approved", template="approved", to_user=recipient,
                             context={"arena": f"{arena} {n}", "link": "https://x.example/a"})
        ids.append(message.id)
    db.session.commit()
    return ids


def outbox() -> list[OutboxMessage]:
    """Every outbox row as the database has it now, oldest first."""
    db.session.rollback()
    return list(db.session.scalars(sa.select(OutboxMessage)
                                   .where(OutboxMessage.id >= _FIRST_ID["value"])
                                   .order_by(OutboxMessage.id)))


def statuses() -> list[MessageStatus]:
    return [m.status for m in outbox()]
