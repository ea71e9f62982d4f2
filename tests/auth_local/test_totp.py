"""The TOTP second factor: set up on the profile page, asked for at sign-in, recovery codes,
and required for administrators when there is no single sign-on."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.auth import totp
from app.extensions import db
from app.models import RecoveryCode
from tests.auth_local.conftest import user_by_email
from tests.conftest import ADMIN, CONTACT, csrf_token, post

STEP = timedelta(seconds=30)


def _code(email: str, moment=None) -> str:
    return totp.code_at(user_by_email(email).totp_secret, moment or clock.now())


def _send_code(client, code: str, path="/auth/second-factor"):
    token = csrf_token(client, "/auth/login")
    return client.post(path, data={"csrf_token": token, "code": code})


def _password_step(client, email: str):
    return post(client, "/auth/login", {"email": email, "password": "demo"})


def _set_up(client, email: str) -> list[str]:
    """Sign in with the password, set up TOTP from the setup page; the recovery codes."""
    assert _password_step(client, email).status_code == 302
    assert post(client, "/auth/totp/start").status_code == 302
    page = client.get("/auth/totp").get_data(as_text=True)
    secret = user_by_email(email).totp_secret
    assert totp.grouped(secret) in page and "<svg" in page
    confirmed = _send_code(client, _code(email), "/auth/totp/confirm")
    assert confirmed.status_code == 200, confirmed.get_data(as_text=True)
    codes = [c for c in confirmed.get_data(as_text=True).split("<code>")[1:]]
    return [c.split("</code>")[0] for c in codes]


@pytest.fixture()
def later(monkeypatch):
    """Move the clock on by `n` TOTP steps (a new code; the old one is spent)."""
    start = clock.now()

    def _move(steps: int = 1):
        monkeypatch.setattr(clock, "now", lambda: start + steps * STEP)

    return _move


def test_set_up_on_the_profile_page_then_asked_at_sign_in(app, client, later):
    assert _password_step(client, CONTACT).status_code == 302
    profile = client.get("/profile").get_data(as_text=True)
    assert "Sett opp tofaktorinnlogging" in profile and 'href="/auth/totp"' in profile
    assert post(client, "/auth/totp/start").status_code == 302
    wrong = _send_code(client, "000000", "/auth/totp/confirm")
    assert wrong.status_code == 400 and "Koden stemmer ikke" in wrong.get_data(as_text=True)
    assert not user_by_email(CONTACT).has_totp
    done = _send_code(client, _code(CONTACT), "/auth/totp/confirm")
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert user_by_email(CONTACT).has_totp
    assert "Tofaktorinnlogging er slått på" in client.get("/profile").get_data(as_text=True)
    post(client, "/auth/logout")

    step = _password_step(client, CONTACT)
    assert step.status_code == 302 and step.headers["Location"].endswith("/auth/second-factor")
    assert client.get("/profile").status_code == 302  # not signed in yet
    assert _send_code(client, _code(CONTACT)).status_code == 400  # the code used at set-up
    later(1)
    signed_in = _send_code(client, _code(CONTACT))
    assert signed_in.status_code == 302
    assert client.get("/profile").status_code == 200


def test_a_code_is_accepted_once(app, client, later):
    _set_up(client, CONTACT)
    post(client, "/auth/logout")
    later(2)
    _password_step(client, CONTACT)
    code = _code(CONTACT)
    assert _send_code(client, code).status_code == 302
    post(client, "/auth/logout")
    _password_step(client, CONTACT)
    assert _send_code(client, code).status_code == 400


def test_a_recovery_code_signs_in_once_and_is_stored_hashed(app, client):
    codes = _set_up(client, CONTACT)
    assert len(codes) == 8 and len(set(codes)) == 8
    stored = set(db.session.scalars(sa.select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user_by_email(CONTACT).id)))
    assert hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest() in stored
    assert not any(code in stored for code in codes)
    post(client, "/auth/logout")
    _password_step(client, CONTACT)
    assert _send_code(client, codes[0].upper()).status_code == 302
    post(client, "/auth/logout")
    _password_step(client, CONTACT)
    assert _send_code(client, codes[0]).status_code == 400
    assert _send_code(client, codes[1]).status_code == 302


def test_wrong_codes_hold_the_account(app, client):
    app.config.update(ACCOUNT_LOCK_FAILURES=3)
    _set_up(client, CONTACT)
    post(client, "/auth/logout")
    _password_step(client, CONTACT)
    answers = [_send_code(client, "123456") for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert "holdt tilbake" in answers[-1].get_data(as_text=True)
    assert _send_code(client, _code(CONTACT, clock.now() + STEP)).status_code == 400


def test_the_code_must_follow_the_password_within_five_minutes(app, client, later):
    _set_up(client, CONTACT)
    post(client, "/auth/logout")
    _password_step(client, CONTACT)
    later(11)  # five and a half minutes
    response = client.get("/auth/second-factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")


def test_switching_it_off_needs_a_current_code(app, client, later):
    _set_up(client, CONTACT)
    token = csrf_token(client, "/profile")
    client.post("/auth/totp/disable", data={"csrf_token": token, "code": "111111"})
    assert user_by_email(CONTACT).has_totp
    later(1)
    client.post("/auth/totp/disable", data={"csrf_token": token, "code": _code(CONTACT)})
    assert not user_by_email(CONTACT).has_totp
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0


def test_an_administrator_must_set_it_up_when_required(app, client, later):
    app.config.update(REQUIRE_ADMIN_TOTP=True)
    _password_step(client, ADMIN)
    for path in ("/admin/users", "/profile", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/auth/totp")
    assert client.get("/auth/totp").status_code == 200
    assert post(client, "/auth/totp/start").status_code == 302
    assert _send_code(client, _code(ADMIN), "/auth/totp/confirm").status_code == 200
    assert client.get("/admin/users").status_code == 200
    profile = client.get("/profile").get_data(as_text=True)
    assert "kan ikke slås av" in profile and "/auth/totp/disable" not in profile
    later(1)
    token = csrf_token(client, "/profile")
    refused = client.post("/auth/totp/disable", data={"csrf_token": token,
                                                      "code": _code(ADMIN)})
    assert refused.status_code == 409 and user_by_email(ADMIN).has_totp


def test_not_required_with_single_sign_on_or_for_others(app, client):
    app.config.update(REQUIRE_ADMIN_TOTP=True)
    _password_step(client, CONTACT)
    assert client.get("/profile").status_code == 200
    post(client, "/auth/logout")
    app.config.update(OIDC_ISSUER="https://login.example/tenant/v2.0")
    _password_step(client, ADMIN)
    assert client.get("/admin/users").status_code == 200


def test_the_requirement_is_on_in_production_and_off_for_the_demo():
    from config import DevelopmentConfig, ProductionConfig, TestConfig

    assert ProductionConfig.REQUIRE_ADMIN_TOTP is True
    assert DevelopmentConfig.REQUIRE_ADMIN_TOTP is False and TestConfig.REQUIRE_ADMIN_TOTP is False


def test_codes_allow_one_step_of_clock_drift_and_no_replay():
    from datetime import UTC, datetime

    secret, moment = totp.new_secret(), datetime(2026, 3, 2, 7, 0, 15, tzinfo=UTC)
    step = int(moment.timestamp()) // 30
    for offset, expected in ((-2, None), (-1, step - 1), (0, step), (1, step + 1), (2, None)):
        code = totp.code_at(secret, moment + offset * STEP)
        assert totp.matching_step(secret, code, None, moment) == expected, offset
    now_code = totp.code_at(secret, moment)
    assert totp.matching_step(secret, now_code, step, moment) is None  # used already
    assert totp.matching_step(secret, now_code[:3] + " " + now_code[3:], None, moment) == step
    assert totp.matching_step(secret, "abcdef", None, moment) is None
