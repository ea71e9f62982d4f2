"""Limits that must hold across machines are kept in the shared database: two app instances on
one database (as two web machines behind a load balancer) count the same attempts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.conftest import CONTACT, OFFICE, csrf_token


@pytest.fixture()
def two_machines(database_url) -> Iterator[tuple[Flask, Flask]]:
    apps = tuple(create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                            RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="4 per minute",
                            ACCOUNT_LOCK_FAILURES=3) for _ in range(2))
    yield apps
    for application in apps:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def attempt(client, email: str, password: str) -> int:
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(client)}).status_code


def test_no_limit_is_kept_in_a_process_of_its_own(two_machines):
    for application in two_machines:
        assert "limiter" not in application.extensions  # no in-memory rate-limit storage


def test_the_address_limit_counts_attempts_on_both_machines(two_machines):
    one, two = (a.test_client() for a in two_machines)
    statuses = [attempt(client, CONTACT, "wrong") for client in (one, two, one, two)]
    assert statuses == [400, 400, 400, 400]
    # The fifth attempt is over "4 per minute" on either machine, right password or not.
    assert attempt(one, OFFICE, "demo") == 429
    assert attempt(two, OFFICE, "demo") == 429


def test_an_account_held_on_one_machine_is_held_on_the_other(two_machines):
    one_app, two_app = two_machines
    two_app.config["LOGIN_RATE_LIMIT"] = one_app.config["LOGIN_RATE_LIMIT"] = "50 per minute"
    one, two = one_app.test_client(), two_app.test_client()
    assert [attempt(c, CONTACT, "wrong") for c in (one, two, one)] == [400, 400, 400]
    page = two.post("/auth/login", data={"email": CONTACT, "password": "demo",
                                         "csrf_token": csrf_token(two)})
    assert page.status_code == 400  # the right password, but the hold counts everywhere
    assert attempt(one, OFFICE, "demo") == 302  # another account is not held
