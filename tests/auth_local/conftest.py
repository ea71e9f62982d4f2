"""Local accounts: the app sends its mail to the real SMTP server fixture (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import User
from app.notifications.delivery import deliver_pending
from tests.conftest import running_app

BASE_URL = "https://arenaer.kommune.example"
LINK_RE = re.compile(re.escape(BASE_URL) + r"(/auth/account/[A-Za-z0-9_-]{43})")
NEW_PASSWORD = "en lang og god setning"


@pytest.fixture()
def app(database_url, smtp_server) -> Iterator[Flask]:
    """The app on a fresh demo database, sending mail to `smtp_server`."""
    with running_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                     MAIL_TIMEOUT=5, BASE_URL=BASE_URL) as application:
        yield application


def mail_to(smtp_server, address: str) -> list:
    """Deliver the outbox (as the scheduler does) and return the messages `address` got."""
    deliver_pending()
    return [message for recipients, message in smtp_server.messages if address in recipients]


def link_in(message) -> str:
    """The path of the one-time link in a received mail's text part."""
    text = message.get_body(("plain",)).get_content()
    match = LINK_RE.search(text)
    assert match, text
    assert urlsplit(BASE_URL + match.group(1)).path == match.group(1)
    return match.group(1)


def user_by_email(email: str) -> User:
    db.session.rollback()
    return db.session.scalar(sa.select(User).where(User.email == email))
