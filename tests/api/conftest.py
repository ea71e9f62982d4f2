"""Fixtures for the JSON API: a token per demo user and a small request helper."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.api.operations import create_api_token
from app.extensions import db
from app.models import Assessment, Cycle, CycleStatus, User
from tests.conftest import ADMIN, COMMISSIONER, CONTACT, OFFICE, OTHER_CONTACT, SECRETARY

ROLES = {"contact": CONTACT, "commissioner": COMMISSIONER, "office": OFFICE,
         "secretary": SECRETARY, "admin": ADMIN, "other_contact": OTHER_CONTACT}
PROBLEM = "application/problem+json"


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def open_cycle() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.OPEN))


@pytest.fixture()
def token(app) -> Callable[[str], str]:
    """`token(email)`: a new committed API token of that user (the plain token)."""

    def _make(email: str, name: str = "test") -> str:
        plain, _record = create_api_token(user(email), name)
        db.session.commit()
        return plain

    return _make


@pytest.fixture()
def tokens(token) -> dict[str, str]:
    """One token per demo role (keys of ROLES)."""
    return {role: token(email) for role, email in ROLES.items()}


def call(client: FlaskClient, method: str, url: str, token: str | None = None,
         json=None, lang: str | None = None, **kwargs):
    """An API request with a Bearer token (and JSON body, Accept-Language) when given."""
    headers = dict(kwargs.pop("headers", {}))
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if lang:
        headers["Accept-Language"] = lang
    return client.open(url, method=method, json=json, headers=headers, **kwargs)


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with `status`; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert body["type"].startswith("urn:samarbeidsarenaer:problem:")
    return body


def assessment_of(state, portfolio: str = "KML") -> Assessment:
    """An open-cycle assessment of `portfolio` in `state` (from the demo)."""
    return db.session.scalar(
        sa.select(Assessment).join(Assessment.cycle)
        .where(Cycle.status == CycleStatus.OPEN, Assessment.state == state,
               Assessment.arena.has(portfolios_any(portfolio)))
        .order_by(Assessment.id).limit(1))


def portfolios_any(code: str):
    from app.models import Arena, Portfolio

    return Arena.portfolios.any(Portfolio.code == code)
