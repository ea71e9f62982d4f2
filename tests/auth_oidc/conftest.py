"""Fixtures for single sign-on: a provider on loopback and an app configured to use it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.auth_oidc.provider import Provider, oidc_settings, running_provider
from tests.conftest import running_app


@pytest.fixture()
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture()
def settings() -> dict:
    """Extra app settings for one test (override the fixture or update the dict)."""
    return {}


@pytest.fixture()
def oidc_app(database_url, provider, settings) -> Iterator[Flask]:
    """The app on a fresh demo database, with single sign-on through `provider`."""
    with running_app(database_url, **oidc_settings(provider, **settings)) as application:
        yield application


@pytest.fixture()
def oidc_client(oidc_app) -> FlaskClient:
    return oidc_app.test_client()


def start(client: FlaskClient, next_path: str | None = None) -> str:
    """Press "Logg inn med …": the provider's authorize URL the app sends the browser to."""
    response = client.get("/auth/oidc/login", query_string={"next": next_path} if next_path
                          else None)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def sign_in(client: FlaskClient, provider: Provider, sub: str, **claims):
    """The whole round trip as `sub` with `claims`; the app's answer to the callback."""
    provider.set_user(sub, **claims)
    back = provider.approve(start(client), sub)
    assert urlsplit(back).path == "/auth/oidc/callback"
    return client.get(back)
