"""Single sign-on against a real provider on loopback: the flow, who is who, and roles."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, User
from tests.auth_oidc.conftest import sign_in, start
from tests.auth_oidc.provider import PROVIDER_WARNINGS, claims_of

pytestmark = PROVIDER_WARNINGS

CONTACT = "kontakt@bergen.example"


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def actions(entity_type: str = "user") -> list[str]:
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == entity_type)
                              .order_by(AuditEvent.id))
    return [r.action for r in rows]


def signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def test_login_page_offers_the_provider_first(oidc_client):
    page = oidc_client.get("/auth/login").get_data(as_text=True)
    assert "Logg inn med Testkommune ID" in page
    assert page.index('id="oidc-login"') < page.index('id="login-form"')
    assert 'id="login-form" novalidate hidden' not in page  # passwords are still on


def test_first_sign_in_matches_a_verified_email_and_stores_the_subject(oidc_client, provider):
    response = sign_in(oidc_client, provider, "sub-kontakt", email=CONTACT,
                       email_verified=True, name="Kari Kontakt")
    assert response.status_code == 302
    assert user(CONTACT).oidc_subject == "sub-kontakt"
    assert signed_in(oidc_client)
    assert {"oidc_subject_linked", "login"} <= set(actions())


def test_the_request_uses_pkce_state_and_nonce(oidc_client, provider):
    provider.set_user("sub-pkce", email=CONTACT, email_verified=True)
    authorize_url = start(oidc_client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"] and "openid" in query["scope"][0].split()
    back = provider.approve(authorize_url, "sub-pkce")
    assert parse_qs(urlsplit(back).query)["state"] == query["state"]
    assert oidc_client.get(back).status_code == 302
    verifier = provider.tap.token_requests[-1]["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert query["code_challenge"] == [challenge.rstrip(b"=").decode()]
    assert claims_of(provider.tap.issued_id_tokens[-1])["nonce"] == query["nonce"][0]


def test_later_sign_ins_match_the_subject_not_the_email(oidc_client, provider):
    sign_in(oidc_client, provider, "sub-k", email=CONTACT, email_verified=True)
    oidc_client.post("/auth/logout", data={"csrf_token": _csrf(oidc_client)})
    response = sign_in(oidc_client, provider, "sub-k", email="nytt.navn@bergen.example",
                       email_verified=True)
    assert response.status_code == 302
    assert user(CONTACT).oidc_subject == "sub-k"
    assert user("nytt.navn@bergen.example") is None


def test_an_unverified_email_is_not_matched(oidc_client, provider):
    response = sign_in(oidc_client, provider, "sub-x", email=CONTACT, email_verified=False)
    assert response.status_code == 403
    assert "kan ikke knyttes til innloggingen din" in response.get_data(as_text=True)
    assert user(CONTACT).oidc_subject is None
    assert not signed_in(oidc_client)


def test_an_email_linked_to_another_subject_is_refused(oidc_client, provider):
    sign_in(oidc_client, provider, "sub-first", email=CONTACT, email_verified=True)
    oidc_client.post("/auth/logout", data={"csrf_token": _csrf(oidc_client)})
    response = sign_in(oidc_client, provider, "sub-second", email=CONTACT, email_verified=True)
    assert response.status_code == 403
    assert user(CONTACT).oidc_subject == "sub-first"


def test_an_unknown_user_without_a_mapped_group_is_refused(oidc_client, provider):
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = sign_in(oidc_client, provider, "sub-stranger", email="ukjent@bergen.example",
                       email_verified=True, groups=["g-nobody"])
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "har ingen tilgang til denne tjenesten. Ingen konto er opprettet." in page
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before
    refusal = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "oidc_login_refused")).one()
    assert refusal.details["reason"] == "unknown_user"
    assert refusal.details["subject"] == "sub-stranger"
    assert not signed_in(oidc_client)


def test_an_inactive_account_is_refused(oidc_client, provider):
    account = user(CONTACT)
    account.is_active_user = False
    db.session.commit()
    response = sign_in(oidc_client, provider, "sub-inactive", email=CONTACT, email_verified=True)
    assert response.status_code == 403
    assert "deaktivert" in response.get_data(as_text=True)
    assert user(CONTACT).oidc_subject is None  # the link made on the way is not kept


def test_the_next_page_is_kept_through_the_round_trip(oidc_client, provider):
    provider.set_user("sub-next", email=CONTACT, email_verified=True)
    back = provider.approve(start(oidc_client, "/profile"), "sub-next")
    response = oidc_client.get(back)
    assert response.headers["Location"] == "/profile"


def _csrf(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/profile")
