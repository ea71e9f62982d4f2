"""API tokens: Bearer only, stored hashed, revocable, made on the profile page or the CLI."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.api import operations as ops
from app.api import tokens as token_module
from app.audit import trail
from app.extensions import db
from app.models import ApiToken
from tests.api.conftest import assert_problem, call, user
from tests.conftest import CONTACT, OFFICE, OTHER_CONTACT, fingerprint, login, post

ME = "/api/v1/me"
TOKEN_IN_PAGE = re.compile(r'value="(sam_[A-Za-z0-9_-]{43})"')


def record_of(plain: str) -> ApiToken:
    db.session.rollback()
    return db.session.scalar(sa.select(ApiToken).where(
        ApiToken.token_hash == hashlib.sha256(plain.encode()).hexdigest()))


def test_a_token_acts_as_its_user(client, token):
    response = call(client, "GET", ME, token(CONTACT))
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == CONTACT
    assert body["roles"] == ["contact"]
    assert [p["code"] for p in body["portfolios"]] == ["ASB", "KML"]


def test_only_the_sha256_is_stored(token):
    plain = token(CONTACT)
    assert plain.startswith("sam_") and len(plain) == 47
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(plain.encode()).hexdigest()]
    rows = repr(db.session.execute(sa.select(ApiToken.__table__)).all())
    assert plain not in rows and plain[4:] not in rows


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic a2FyaTpkZW1v",
                                    "Bearer sam_" + "x" * 43, "Bearer not-a-token",
                                    "Token sam_" + "x" * 43])
def test_missing_or_invalid_tokens_get_401_with_a_challenge(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get(ME, headers=headers)
    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert body["type"].endswith(":unauthorized")


def test_a_revoked_token_gets_401_at_once(client, token):
    plain = token(CONTACT)
    assert call(client, "GET", ME, plain).status_code == 200
    ops.revoke_api_token(user(CONTACT), record_of(plain))
    db.session.commit()
    assert_problem(call(client, "GET", ME, plain), 401)


def test_the_user_of_an_inactive_account_gets_401(client, token):
    plain = token(CONTACT)
    user(CONTACT).is_active_user = False
    db.session.commit()
    assert_problem(call(client, "GET", ME, plain), 401)


def test_a_session_cookie_does_not_authenticate(client):
    login(client, OFFICE)
    assert client.get("/profile").status_code == 200  # the session works for pages
    response = client.get("/api/v1/arenas")
    assert_problem(response, 401)
    assert "Set-Cookie" not in response.headers


def test_a_post_with_only_a_session_cookie_is_refused_and_changes_nothing(client):
    login(client, OFFICE)
    before = fingerprint()
    response = client.post("/api/v1/arenas", json={"key": "x", "name": "X", "kind": "network",
                                                   "portfolio_ids": [1]})
    assert_problem(response, 401)
    assert fingerprint() == before


def test_api_answers_set_no_cookie(client, token):
    response = call(client, "GET", ME, token(CONTACT))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_last_used_is_noted_and_kept_coarse(client, token):
    plain = token(CONTACT)
    assert record_of(plain).last_used_at is None
    call(client, "GET", ME, plain)
    first = record_of(plain).last_used_at
    assert first is not None
    call(client, "GET", ME, plain)
    assert record_of(plain).last_used_at == first  # within LAST_USED_PRECISION: no write
    record = record_of(plain)
    record.last_used_at = first - ops.LAST_USED_PRECISION - timedelta(seconds=1)
    db.session.commit()
    call(client, "GET", ME, plain)
    assert record_of(plain).last_used_at > first - timedelta(seconds=1)


def test_creating_and_revoking_are_audited(token):
    plain = token(CONTACT, "Arkivsystemet")
    ops.revoke_api_token(user(CONTACT), record_of(plain))
    db.session.commit()
    actions = [(e.action, e.details.get("name")) for e in trail("user", user(CONTACT).id)]
    assert ("api_token_created", "Arkivsystemet") in actions
    assert ("api_token_revoked", "Arkivsystemet") in actions


def test_only_the_owner_revokes_and_only_once(token):
    from app.errors import NotPermitted
    from workflows.engine import TransitionNotAllowed

    record = record_of(token(CONTACT))
    with pytest.raises(NotPermitted):
        ops.revoke_api_token(user(OTHER_CONTACT), record)
    ops.revoke_api_token(user(CONTACT), record)
    with pytest.raises(TransitionNotAllowed):
        ops.revoke_api_token(user(CONTACT), record)


def test_find_active_refuses_malformed_and_revoked(token):
    plain = token(CONTACT)
    assert token_module.find_active(plain) is not None
    assert token_module.find_active(plain + "x") is None
    assert token_module.find_active(plain.upper()) is None


# --------------------------------------------------------------------------- CLI


def test_cli_prints_a_working_token_once(runner, client):
    result = runner.invoke(args=["users", "token", CONTACT, "--name", "Saksystemet"])
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"sam_[A-Za-z0-9_-]{43}", plain)
    record = record_of(plain)
    assert record.name == "Saksystemet" and record.user.email == CONTACT
    assert call(client, "GET", ME, plain).get_json()["email"] == CONTACT


def test_cli_refuses_an_unknown_user(runner):
    result = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert result.exit_code != 0
    assert "No active user" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


# --------------------------------------------------------------------------- profile page


def test_profile_makes_a_token_and_shows_it_once(client):
    login(client, CONTACT)
    response = post(client, "/profile/api-tokens", {"name": "Arkivet"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    plain = TOKEN_IN_PAGE.search(html).group(1)
    assert record_of(plain).name == "Arkivet"
    assert call(client, "GET", ME, plain).status_code == 200
    again = client.get("/profile").get_data(as_text=True)
    assert plain not in again and "Arkivet" in again
    assert "Set-Cookie" not in response.headers or plain not in response.headers["Set-Cookie"]


def test_profile_refuses_a_token_without_a_name(client):
    login(client, CONTACT)
    before = fingerprint()
    response = post(client, "/profile/api-tokens", {"name": " "})
    assert response.status_code == 400
    assert "Gi nøkkelen et navn." in response.get_data(as_text=True)
    assert fingerprint() == before


def test_profile_revokes_a_token(client, token):
    plain = token(CONTACT, "Gammel")
    login(client, CONTACT)
    response = post(client, f"/profile/api-tokens/{record_of(plain).id}/revoke")
    assert response.status_code == 302
    assert record_of(plain).revoked_at is not None
    assert_problem(call(client, "GET", ME, plain), 401)


def test_nobody_revokes_someone_elses_token(client, token):
    plain = token(CONTACT)
    login(client, OTHER_CONTACT)
    before = fingerprint()
    response = post(client, f"/profile/api-tokens/{record_of(plain).id}/revoke")
    assert response.status_code == 404
    assert fingerprint() == before


def test_token_pages_need_csrf(client, token):
    plain = token(CONTACT)
    login(client, CONTACT)
    before = fingerprint()
    assert client.post("/profile/api-tokens", data={"name": "x"}).status_code == 400
    assert client.post(f"/profile/api-tokens/{record_of(plain).id}/revoke").status_code == 400
    assert fingerprint() == before
