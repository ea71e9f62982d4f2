"""A real OpenID Connect provider on loopback for the tests: oidc-provider-mock, served by
werkzeug in a thread on 127.0.0.1, behind a small WSGI tap.

The tap records what the app sends to the token endpoint (to check PKCE) and can, when a test
asks, hand out an ID token other than the provider's: one with a broken signature, or one
signed by a key the test holds (served in place of the provider's JWKS) with claims the test
chose (a wrong nonce, an expired token, another issuer or audience).
"""

from __future__ import annotations

import base64
import io
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

with warnings.catch_warnings():  # it imports authlib.jose, which Authlib marks as deprecated
    warnings.simplefilter("ignore")
    import oidc_provider_mock

TOKEN_PATH, JWKS_PATH = "/oauth2/token", "/jwks"
# The provider itself calls Authlib APIs that Authlib marks as deprecated; those warnings (in
# the provider's thread) are the test tool's, not the app's. Test modules set
# `pytestmark = PROVIDER_WARNINGS`.
PROVIDER_WARNINGS = [
    pytest.mark.filterwarnings(r"ignore:get_jwt_config\(self, grant\) is deprecated"),
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"),
    pytest.mark.filterwarnings("ignore:The httpx module is deprecated"),
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims_of(id_token: str) -> dict:
    """The payload of a JWT, read without checking it (the test's own view)."""
    return json.loads(_unb64(id_token.split(".")[1]))


@dataclass
class ProviderTap:
    """WSGI middleware in front of the mock provider (see the module docstring)."""

    app: Callable
    token_requests: list[dict] = field(default_factory=list)
    issued_id_tokens: list[str] = field(default_factory=list)
    # claims -> claims, signed with `key` (served as the JWKS); or break the signature
    rewrite: Callable[[dict], dict] | None = None
    break_signature: bool = False
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={
        "kid": "test-controlled", "use": "sig", "alg": "RS256"}))

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == TOKEN_PATH:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            self.token_requests.append({k: v[0] for k, v in parse_qs(body.decode()).items()})
            environ["wsgi.input"] = io.BytesIO(body)
        if path == JWKS_PATH and self.rewrite is not None:
            return self._send(start_response, "200 OK", [("Content-Type", "application/json")],
                              json.dumps(KeySet([self.key]).as_dict(private=False)).encode())
        if path != TOKEN_PATH:
            return self.app(environ, start_response)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda _data: None

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        body = self._change_token(body)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        return self._send(start_response, captured["status"], headers, body)

    @staticmethod
    def _send(start_response, status, headers, body: bytes):
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _change_token(self, body: bytes) -> bytes:
        data = json.loads(body)
        token = data.get("id_token")
        if token and self.rewrite is not None:
            claims = self.rewrite(claims_of(token))
            token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        elif token and self.break_signature:
            header, _payload, signature = token.split(".")
            claims = {**claims_of(token), "email": "someone.else@evil.example"}
            token = ".".join([header, _b64(json.dumps(claims).encode()), signature])
        if token:
            data["id_token"] = token
            self.issued_id_tokens.append(token)
        return json.dumps(data).encode()


@dataclass
class Provider:
    """A running provider: its issuer URL, the tap, and helpers to act as its user."""

    issuer: str
    tap: ProviderTap

    def set_user(self, sub: str, **claims) -> None:
        """Register (or replace) a user and the claims the provider gives them."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def approve(self, authorize_url: str, sub: str) -> str:
        """Sign in as `sub` on the provider's page; the redirect back (path and query)."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False,
                                 timeout=10)
        assert response.status_code == 302, response.text[:500]
        back = urlsplit(response.headers["Location"])
        return f"{back.path}?{back.query}"


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Start the provider on 127.0.0.1 at a free port; stop it afterwards."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tap = ProviderTap(oidc_provider_mock.app(require_nonce=True))
    server = werkzeug.serving.make_server("127.0.0.1", 0, tap, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield Provider(issuer=f"http://127.0.0.1:{server.server_port}", tap=tap)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def oidc_settings(provider: Provider, **overrides) -> dict:
    """App settings that point single sign-on at `provider`."""
    return {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": "samarbeid-test",
            "OIDC_CLIENT_SECRET": "test-secret", "OIDC_PROVIDER_NAME": "Testkommune ID",
            "OIDC_LEEWAY_SECONDS": 5, **overrides}
