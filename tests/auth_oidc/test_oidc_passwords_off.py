"""With LOCAL_PASSWORDS off, single sign-on is the only way in."""

from __future__ import annotations

import pytest

from tests.auth_oidc.conftest import sign_in
from tests.auth_oidc.provider import PROVIDER_WARNINGS
from tests.conftest import csrf_token

pytestmark = PROVIDER_WARNINGS

CONTACT = "kontakt@bergen.example"


@pytest.fixture()
def settings() -> dict:
    return {"LOCAL_PASSWORDS": False}


def test_with_passwords_off_the_form_is_hidden_and_its_post_refused(oidc_client, provider):
    page = oidc_client.get("/auth/login").get_data(as_text=True)
    assert 'id="login-form" novalidate hidden' in page
    assert "Logg inn med Testkommune ID" in page
    token = csrf_token(oidc_client)
    response = oidc_client.post("/auth/login", data={
        "csrf_token": token, "email": CONTACT, "password": "demo"})
    assert response.status_code == 403
    assert "Innlogging med passord er slått av" in response.get_data(as_text=True)
    assert oidc_client.get("/profile").status_code == 302
    assert sign_in(oidc_client, provider, "sub-k", email=CONTACT,
                   email_verified=True).status_code == 302


def test_with_passwords_off_no_page_offers_a_password(oidc_client, provider):
    """No forgotten-password link, no link to choose one, no invitation to choose one."""
    from app.extensions import db
    from app.models import AccountToken

    for path in ("/auth/forgot", "/auth/account/" + "A" * 43):
        response = oidc_client.get(path)
        assert response.status_code == 403, path
        assert "Innlogging med passord er slått av" in response.get_data(as_text=True)
    assert "Glemt passord?" not in oidc_client.get("/auth/login").get_data(as_text=True) \
        .split('id="login-form"')[0]  # the link lives only inside the hidden form
    tokens_before = db.session.query(AccountToken).count()
    assert sign_in(oidc_client, provider, "sub-admin", email="admin@bergen.example",
                   email_verified=True).status_code == 302
    users = oidc_client.get("/admin/users").get_data(as_text=True)
    assert "Inviter bruker" not in users and "/admin/users/invite" not in users
    assert 'href="/admin/sign-in-groups"' in users  # the group mapping, with single sign-on on
    response = oidc_client.get("/admin/users/invite")
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    page = oidc_client.get(response.location).get_data(as_text=True)
    assert "Innlogging med passord er slått av, så ingen invitasjon er sendt." in page
    response = oidc_client.post("/admin/users/invite", data={
        "csrf_token": csrf_token(oidc_client), "email": "ny@bergen.example", "name": "Ny",
        "roles": "contact", "locale": "nb"})
    assert response.status_code == 302
    assert db.session.query(AccountToken).count() == tokens_before
