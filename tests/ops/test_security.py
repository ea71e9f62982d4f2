"""Security headers on every kind of response, no inline script or style in any template, and
the production settings: HSTS, secure cookies, trusted hosts, no debugger, no traces.

(No open redirect after login: tests/test_auth_and_config.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.test import stream_encode_multipart

from app import create_app
from app.extensions import db
from config import ProductionConfig, TestConfig
from tests.conftest import CONTACT, CSRF_RE, OFFICE, csrf_token, fingerprint, login, post

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HOST = "arena.kommune.example"
HTTPS = f"https://{HOST}"

# One of each kind of response: (path, expected status, expected content type).
RESPONSE_KINDS = {
    "html page": ("/auth/login", 200, "text/html"),
    "error page": ("/finnes-ikke", 404, "text/html"),
    "static file": ("/static/app.css", 200, "text/css"),
    "json": ("/healthz", 200, "application/json"),
    "redirect": ("/", 302, "text/html"),
}


def assert_security_headers(response) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.fixture()
def production(database_url):
    """The app as configured for production (trusting one host name), with a client."""
    application = create_app(ProductionConfig, SECRET_KEY="p" * 48,
                             SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_HOSTS=[HOST])
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("kind", list(RESPONSE_KINDS))
def test_security_headers_on_every_kind_of_response(client, kind):
    path, status, mimetype = RESPONSE_KINDS[kind]
    response = client.get(path)
    response.close()  # a static file's handle
    assert (response.status_code, response.mimetype) == (status, mimetype)
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # HTTPS is production's


@pytest.mark.parametrize("kind", list(RESPONSE_KINDS))
def test_production_adds_hsts_to_every_kind_of_response(production, kind):
    path, status, mimetype = RESPONSE_KINDS[kind]
    response = production.test_client().get(path, base_url=HTTPS)
    response.close()
    assert (response.status_code, response.mimetype) == (status, mimetype)
    assert_security_headers(response)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --------------------------------------------------------------------------- templates

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
FORBIDDEN = {"inline <script>": INLINE_SCRIPT, "on*= handler": EVENT_HANDLER,
             "style= attribute": STYLE_ATTRIBUTE}


@pytest.mark.parametrize("sample, caught", [
    ("<script>alert(1)</script>", "inline <script>"),
    ('<script type="module">x()</script>', "inline <script>"),
    ('<button type="submit" onclick="go()">', "on*= handler"),
    ('<body\n  onload="x()">', "on*= handler"),
    ('<p class="a" style="color: red">', "style= attribute"),
    ('<script src="/static/app.js" defer></script>', None),
    ('<a class="ds-link" data-on="x" href="/">', None),
])
def test_the_template_checks_catch_what_they_look_for(sample, caught):
    found = [name for name, pattern in FORBIDDEN.items() if pattern.search(sample)]
    assert found == ([caught] if caught else [])


def test_no_template_has_inline_script_handlers_or_style_attributes():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 30
    problems = [f"{path.relative_to(TEMPLATES)}: {name}: {match.group(0)[:80]!r}"
                for path in templates
                for name, pattern in FORBIDDEN.items()
                for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert problems == []


# --------------------------------------------------------------------------- production


def test_production_cookies_are_secure_httponly_and_lax(production):
    client = production.test_client()
    page = client.get("/auth/login", base_url=HTTPS).get_data(as_text=True)
    response = client.post(
        "/auth/login", base_url=HTTPS, headers={"Referer": f"{HTTPS}/auth/login"},
        data={"email": CONTACT, "password": "demo",
              "csrf_token": CSRF_RE.search(page).group(1)})
    assert response.status_code == 302
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("session="))
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "secure" in flags and "httponly" in flags
    assert flags["samesite"] == "SameSite=Lax"


@pytest.mark.parametrize("host", ["evil.example", f"{HOST}.evil.example", "127.0.0.1"])
def test_production_refuses_an_untrusted_host(production, host):
    response = production.test_client().get("/auth/login", base_url=f"https://{host}")
    assert response.status_code == 400
    assert "untrusted host" in response.get_data(as_text=True)
    assert_security_headers(response)


def test_production_serves_the_trusted_host(production):
    assert production.test_client().get("/auth/login", base_url=HTTPS).status_code == 200


def test_production_never_runs_in_debug(database_url, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")  # `flask --debug` sets it too: refused, not ignored
    with pytest.raises(RuntimeError, match="DEBUG must be off"):
        create_app(ProductionConfig, SECRET_KEY="p" * 48, SQLALCHEMY_DATABASE_URI=database_url)
    monkeypatch.delenv("FLASK_DEBUG")
    application = create_app(ProductionConfig, SECRET_KEY="p" * 48,
                             SQLALCHEMY_DATABASE_URI=database_url)
    assert application.debug is False
    with pytest.raises(RuntimeError, match="DEBUG must be off"):
        create_app(ProductionConfig, SECRET_KEY="p" * 48, SQLALCHEMY_DATABASE_URI=database_url,
                   DEBUG=True)
    with application.app_context():
        db.engine.dispose()


def test_production_error_pages_show_no_trace(production):
    def crash():
        raise RuntimeError("hemmelig intern detalj")

    production.add_url_rule("/krasj", "crash", crash)
    response = production.test_client().get("/krasj", base_url=HTTPS)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in body
    assert "Traceback" not in body and "hemmelig intern detalj" not in body
    assert "RuntimeError" not in body and "werkzeug" not in body.lower()
    assert_security_headers(response)


# --------------------------------------------------------------------------- behind a proxy


def login_statuses(database_url, hops: int, addresses: list[str]) -> list[int]:
    """Failed logins (limit: 2 a minute) from a proxy on 192.0.2.1, one per X-Forwarded-For."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                             RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
                             FORWARDED_PROXIES=hops)
    with application.app_context():
        client = application.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.1"
        token = csrf_token(client)
        statuses = [client.post("/auth/login", headers={"X-Forwarded-For": address},
                                data={"email": CONTACT, "password": "x", "csrf_token": token}
                                ).status_code for address in addresses]
        db.session.remove()
        db.engine.dispose()
    return statuses


def test_behind_a_proxy_the_login_limit_counts_each_client(database_url):
    people = ["203.0.113.7"] * 3 + ["198.51.100.9"]
    assert login_statuses(database_url, 1, people) == [400, 400, 429, 400]


def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(database_url):
    forged = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    assert login_statuses(database_url, 0, forged) == [400, 400, 429]


NUL_MESSAGE = "Skjemaet inneholder et tegn som ikke er tillatt (NUL)."


@pytest.mark.parametrize(("path", "data"), [
    ("/auth/login", {"email": "kontakt@bergen.example\x00", "password": "demo"}),
    ("/auth/login", {"email\x00": "x", "password": "demo"}),  # in a field's name too
])
def test_a_nul_in_a_form_is_a_400_before_anything_is_done(client, path, data):
    """Found by the form fuzzer: PostgreSQL stores no NUL, so any text field with one was a
    500 there. Now every request with one is refused first (a failed login is not even
    audited), the same on SQLite."""
    before = fingerprint()
    response = post(client, path, data)
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    assert fingerprint() == before


def test_a_nul_in_a_query_string_is_a_400(client):
    login(client, OFFICE)
    response = client.get("/arenas/?portfolio=KML%00")
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    assert client.get("/arenas/?portfolio=KML").status_code == 200


def test_a_form_part_without_a_name_does_not_upset_the_nul_check(client):
    """Found by the form fuzzer: a multipart part named "\\n" is read with no name at all."""
    body, _length, boundary = stream_encode_multipart(
        {"csrf_token": csrf_token(client), "\n": "x"}, use_tempfile=False)
    response = client.post("/auth/login", data=body.getvalue(),
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and "Skriv inn" in response.get_data(as_text=True)
