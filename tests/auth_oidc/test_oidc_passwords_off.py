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
