"""Single sign-on in Chromium: through the provider's own page and back, out again through
its end-session page, and the refusal page. The provider runs on 127.0.0.1 (oidc-provider-mock)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from tests.auth_oidc.provider import (
    PROVIDER_WARNINGS,
    Provider,
    oidc_settings,
    running_provider,
)
from tests.browser.conftest import CONTACT, DEMO_TODAY, _travel_to, assert_accessible

pytestmark = PROVIDER_WARNINGS


@dataclass
class Site:
    base_url: str
    app: Flask
    provider: Provider


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The app with single sign-on through a provider on loopback, both served in threads."""
    import flask_migrate
    from werkzeug.serving import make_server

    from app import create_app
    from app.demo.loader import load_demo
    from app.extensions import db
    from config import TestConfig

    db_file = tmp_path_factory.mktemp("oidc-browser-db") / "oidc.sqlite3"
    with running_provider() as provider:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}",
                         **oidc_settings(provider))
        with pytest.MonkeyPatch.context() as mp, app.app_context():
            _travel_to(mp, DEMO_TODAY)
            flask_migrate.upgrade(revision="heads")
            load_demo(DEMO_TODAY)
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(f"http://127.0.0.1:{server.server_port}", app, provider)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


def subject_of(site: Site, email: str) -> str | None:
    from app.extensions import db
    from app.models import User

    with site.app.app_context():
        try:
            return db.session.scalar(sa.select(User.oidc_subject).where(User.email == email))
        finally:
            db.session.remove()


def through_the_provider(page: Page, site: Site, sub: str) -> None:
    """Press "Logg inn med …" and sign in as `sub` on the provider's own page."""
    page.goto(f"{site.base_url}/auth/login")
    button = page.get_by_role("link", name="Logg inn med Testkommune ID")
    expect(button).to_be_visible()
    with page.expect_navigation():
        button.click()
    assert page.url.startswith(site.provider.issuer + "/oauth2/authorize")
    page.locator("input[name=sub]").fill(sub)
    with page.expect_navigation():
        page.get_by_role("button", name="Authorize").click()


def test_sign_in_and_out_through_the_providers_page(page: Page, site: Site) -> None:
    site.provider.set_user("sub-browser", email=CONTACT, email_verified=True,
                           name="Kari Kontakt")
    page.goto(f"{site.base_url}/auth/login")
    assert_accessible(page)  # the login page with the single sign-on button first
    through_the_provider(page, site, "sub-browser")
    assert page.url.startswith(site.base_url)
    expect(page.locator("form[action$='/auth/logout']").first).to_be_visible()
    assert subject_of(site, CONTACT) == "sub-browser"

    with page.expect_navigation():
        page.locator("form[action$='/auth/logout'] button[type=submit]").first.click()
    assert page.url.startswith(site.provider.issuer + "/oauth2/end_session")
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="End session").click()
    assert page.url.split("?")[0] == f"{site.base_url}/auth/login"  # (with the logout state)
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()
    page.goto(f"{site.base_url}/profile")
    assert page.url.startswith(f"{site.base_url}/auth/login")  # signed out here too


def test_someone_without_access_gets_a_clear_page(page: Page, site: Site) -> None:
    site.provider.set_user("sub-stranger", email="ukjent@bergen.example", email_verified=True,
                           groups=["ingen-tilgang"])
    through_the_provider(page, site, "sub-stranger")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ikke logget inn")
    expect(page.locator("#oidc-refusal")).to_contain_text("Ingen konto er opprettet.")
    assert_accessible(page)
