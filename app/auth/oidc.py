"""Single sign-on with OpenID Connect through Authlib's Flask client.

The authorization code flow with PKCE (S256), `state` and `nonce`. Authlib keeps the state,
nonce and code verifier in the (signed) session cookie between the redirect and the callback,
checks the state, and verifies the ID token: its signature against the provider's JWKS and its
`iss`, `aud`, `exp`, `iat` and `nonce` claims. The client is made per app on first use, so an
app without OIDC_ISSUER never talks to a provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc.errors import JoseError

EXTENSION = "oidc_oauth"
CLIENT_NAME = "oidc"
ID_TOKEN = "oidc_id_token"  # in the session: the hint for the provider's sign-out
# What can go wrong between the provider's redirect and a verified ID token
SIGN_IN_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError, KeyError)


class SignInFailed(Exception):
    """The provider's answer could not be trusted or used; `reason` goes to the audit trail."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """What a verified ID token says about the person signing in."""

    subject: str
    email: str
    email_verified: bool
    name: str
    groups: tuple[str, ...]


def is_enabled() -> bool:
    """True when single sign-on is configured (an issuer and a client id)."""
    return bool(current_app.config.get("OIDC_ISSUER") and current_app.config.get("OIDC_CLIENT_ID"))


def local_passwords_allowed() -> bool:
    """Password sign-in is on unless switched off, and always on without single sign-on."""
    return bool(current_app.config.get("LOCAL_PASSWORDS", True)) or not is_enabled()


def provider_name() -> str:
    """The name the login button shows ("Logg inn med …")."""
    return current_app.config.get("OIDC_PROVIDER_NAME") or current_app.config["OIDC_ISSUER"]


def form_action_sources(config) -> str:
    """The Content-Security-Policy form-action sources: this site, and the provider's origin
    when single sign-on is on (the sign-out form is redirected on to its end-session page)."""
    parts = urlsplit(config.get("OIDC_ISSUER") or "")
    if not (parts.scheme and parts.netloc and config.get("OIDC_CLIENT_ID")):
        return "'self'"
    return f"'self' {parts.scheme}://{parts.netloc}"


def _scopes(config) -> str:
    scopes = config.get("OIDC_SCOPES", "").split()
    return " ".join(["openid", *[s for s in scopes if s != "openid"]])


def client():
    """The Authlib client for the configured provider, registered on this app once."""
    app = current_app._get_current_object()
    oauth = app.extensions.get(EXTENSION)
    if oauth is None:
        config = app.config
        oauth = OAuth(app)
        oauth.register(
            CLIENT_NAME,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"] or None,
            server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
            client_kwargs={"scope": _scopes(config), "code_challenge_method": "S256",
                           "timeout": 10},
        )
        app.extensions[EXTENSION] = oauth
    return oauth.create_client(CLIENT_NAME)


def authorize_redirect(redirect_uri: str):
    """The redirect to the provider's sign-in page (state, nonce and PKCE made by Authlib).
    Raises SignInFailed when the provider's discovery document can not be read."""
    try:
        return client().authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SignInFailed(_reason(error)) from error


def _claims_options() -> dict:
    config = current_app.config
    return {
        "iss": {"essential": True, "value": config["OIDC_ISSUER"]},
        "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]},
        "exp": {"essential": True},
        "nonce": {"essential": True},
    }


def finish_sign_in() -> tuple[Identity, str]:
    """Exchange the callback's code for tokens and verify the ID token: (identity, raw ID
    token). Raises SignInFailed with a short reason for the audit trail."""
    try:
        token = client().authorize_access_token(
            claims_options=_claims_options(), leeway=current_app.config["OIDC_LEEWAY_SECONDS"])
    except SIGN_IN_ERRORS as error:
        raise SignInFailed(_reason(error)) from error
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise SignInFailed("no_id_token")
    return identity_from_claims(claims), token["id_token"]


def _reason(error: Exception) -> str:
    code = getattr(error, "error", None) or type(error).__name__
    description = getattr(error, "description", None) or str(error)
    return f"{code}: {description}"[:300]


def identity_from_claims(claims: dict) -> Identity:
    """The person, read from the claims the settings name (e-mail, verified flag, groups)."""
    config = current_app.config
    groups = claims.get(config["OIDC_GROUPS_CLAIM"]) or ()
    if isinstance(groups, str):
        groups = (groups,)
    verified = claims.get(config["OIDC_EMAIL_VERIFIED_CLAIM"])
    email = str(claims.get(config["OIDC_EMAIL_CLAIM"]) or "").strip().lower()
    return Identity(
        subject=str(claims["sub"]),
        email=email,
        email_verified=verified is True or str(verified).lower() == "true",
        name=str(claims.get(config["OIDC_NAME_CLAIM"]) or email or claims["sub"]).strip()[:200],
        groups=tuple(str(g) for g in groups),
    )


def logout_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None when it has none."""
    if not (is_enabled() and id_token):
        return None
    try:
        metadata = client().load_server_metadata()
        if not metadata.get("end_session_endpoint"):
            return None
        return client().create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token,
            client_id=current_app.config["OIDC_CLIENT_ID"])["url"]
    except (requests.RequestException, ValueError):
        current_app.logger.warning("provider unreachable at sign-out: local session ended only")
        return None
