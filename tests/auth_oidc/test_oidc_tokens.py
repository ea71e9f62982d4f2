"""ID tokens and callbacks that must not sign anyone in, and signing out."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User
from tests.auth_oidc.conftest import sign_in, start
from tests.auth_oidc.provider import PROVIDER_WARNINGS
from tests.conftest import csrf_token, login

pytestmark = PROVIDER_WARNINGS

CONTACT = "kontakt@bergen.example"
CLAIMS = {"email": CONTACT, "email_verified": True, "name": "Kari Kontakt"}


def refusals() -> list[dict]:
    rows = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "oidc_login_refused").order_by(AuditEvent.id))
    return [r.details for r in rows]


def assert_not_signed_in(client, response) -> None:
    assert response.status_code == 400
    assert "kunne ikke fullføres eller bekreftes" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # to the login page
    assert db.session.scalar(sa.select(User.oidc_subject).where(User.email == CONTACT)) is None
    assert refusals()[-1]["reason"] == "provider_error"


def test_a_token_signed_by_the_test_key_is_accepted(oidc_client, provider):
    """The control for the cases below: the test's own key and JWKS do work."""
    provider.tap.rewrite = lambda claims: claims
    assert sign_in(oidc_client, provider, "sub-ok", **CLAIMS).status_code == 302
    assert oidc_client.get("/profile").status_code == 200


def test_a_tampered_id_token_is_refused(oidc_client, provider):
    provider.tap.break_signature = True
    response = sign_in(oidc_client, provider, "sub-tamper", **CLAIMS)
    assert_not_signed_in(oidc_client, response)
    assert "signature" in refusals()[-1]["detail"].lower()


@pytest.mark.parametrize(("change", "claim"), [
    (lambda c: {**c, "nonce": "not-the-one-we-sent"}, "nonce"),
    (lambda c: {**c, "exp": int(time.time()) - 600, "iat": int(time.time()) - 4200}, "exp"),
    (lambda c: {**c, "iss": "http://127.0.0.1:1/other"}, "iss"),
    (lambda c: {**c, "aud": "another-client"}, "aud"),
    (lambda c: {k: v for k, v in c.items() if k != "nonce"}, "nonce"),
], ids=["wrong-nonce", "expired", "wrong-issuer", "wrong-audience", "no-nonce"])
def test_an_id_token_with_wrong_claims_is_refused(oidc_client, provider, change, claim):
    provider.tap.rewrite = change
    response = sign_in(oidc_client, provider, "sub-claims", **CLAIMS)
    assert_not_signed_in(oidc_client, response)
    assert claim in refusals()[-1]["detail"]


def test_a_wrong_state_is_refused_before_any_token_is_fetched(oidc_client, provider):
    provider.set_user("sub-state", **CLAIMS)
    back = provider.approve(start(oidc_client), "sub-state")
    query = parse_qs(urlsplit(back).query)
    response = oidc_client.get("/auth/oidc/callback",
                               query_string={"code": query["code"][0], "state": "forged"})
    assert_not_signed_in(oidc_client, response)
    assert provider.tap.token_requests == []
    assert "mismatching_state" in refusals()[-1]["detail"]


def test_a_callback_from_another_browser_is_refused(oidc_app, provider):
    """The state lives in the session of the browser that started: a stolen link fails."""
    first, second = oidc_app.test_client(), oidc_app.test_client()
    provider.set_user("sub-other", **CLAIMS)
    back = provider.approve(start(first), "sub-other")
    assert_not_signed_in(second, second.get(back))


def test_an_error_from_the_provider_is_refused(oidc_client, provider):
    start(oidc_client)
    response = oidc_client.get("/auth/oidc/callback",
                               query_string={"error": "access_denied", "state": "x"})
    assert_not_signed_in(oidc_client, response)


def test_sign_out_ends_the_session_and_the_providers(oidc_client, provider):
    sign_in(oidc_client, provider, "sub-out", **CLAIMS)
    id_token = provider.tap.issued_id_tokens[-1]
    response = oidc_client.post("/auth/logout", data={"csrf_token": csrf_token(oidc_client,
                                                                               "/profile")})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == provider.issuer
    assert location.path == "/oauth2/end_session"
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://localhost/auth/login"]
    assert oidc_client.get("/profile").status_code == 302  # the local session is gone
    page = requests.get(response.headers["Location"], timeout=10)
    assert page.status_code == 200 and "End Session" in page.text
    confirm = requests.post(f"{provider.issuer}/oauth2/end_session/confirm", timeout=10,
                            data={"redirect_uri": query["post_logout_redirect_uri"][0]},
                            allow_redirects=False)
    assert confirm.headers["Location"] == "http://localhost/auth/login"
    assert "logout" in [e.action for e in db.session.scalars(sa.select(AuditEvent))]


def test_sign_out_after_a_password_sign_in_stays_local(oidc_client):
    login(oidc_client, CONTACT)
    response = oidc_client.post("/auth/logout", data={"csrf_token": csrf_token(oidc_client,
                                                                               "/profile")})
    assert response.headers["Location"] == "/auth/login"
    assert oidc_client.get("/profile").status_code == 302


def test_the_sign_out_form_may_go_on_to_the_provider(oidc_client, provider):
    """Browsers hold a form's redirects to its form-action sources: the provider is one."""
    policy = oidc_client.get("/auth/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in policy


def test_an_unreachable_provider_gives_a_clear_page(oidc_app):
    oidc_app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = oidc_app.test_client().get("/auth/oidc/login")
    assert response.status_code == 503
    assert "kunne ikke fullføres eller bekreftes" in response.get_data(as_text=True)
