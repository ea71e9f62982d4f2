"""Configuration classes, read from environment variables.

`create_app()` takes one of these (or a name: "development", "test", "production").
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-only-secret-change-me"
MIN_SECRET_LENGTH = 32


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url(filename: str) -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / filename}"


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", _sqlite_url("app.sqlite3"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = ("nb", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # A signed-in session ends after this long without a request, and this long after sign-in
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))

    RATELIMIT_ENABLED = True
    # Password attempts per client address, counted in the database (shared by all workers)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Wrong passwords in a row before an account's password sign-in is held, and for how long
    ACCOUNT_LOCK_FAILURES = int(os.environ.get("ACCOUNT_LOCK_FAILURES", "10"))
    ACCOUNT_LOCK_MINUTES = int(os.environ.get("ACCOUNT_LOCK_MINUTES", "15"))
    # One-time links to set a password: an invitation works for 72 hours, a forgotten-password
    # link for 60 minutes; "Glemt passord?" requests per e-mail address and per client address
    ACCOUNT_INVITE_HOURS = int(os.environ.get("ACCOUNT_INVITE_HOURS", "72"))
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    PASSWORD_RESET_EMAIL_LIMIT = os.environ.get("PASSWORD_RESET_EMAIL_LIMIT",
                                                "3 per 15 minutes;10 per day")
    PASSWORD_RESET_ADDRESS_LIMIT = os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT",
                                                  "10 per hour;30 per day")
    # Administrators must use a second factor (TOTP) when there is no single sign-on
    REQUIRE_ADMIN_TOTP = _bool("REQUIRE_ADMIN_TOTP", True)
    # Reverse proxies in front whose X-Forwarded-For/-Proto to believe (0: none, direct)
    FORWARDED_PROXIES = int(os.environ.get("FORWARDED_PROXIES", "0"))

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@kommune.example")
    # A mail the relay keeps refusing for a while is given up (marked failed) this long after
    # it was queued: long enough for a relay down over a long weekend.
    MAIL_GIVE_UP_AFTER_HOURS = int(os.environ.get("MAIL_GIVE_UP_AFTER_HOURS", str(7 * 24)))
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "postmottak@kommune.example")

    # Single sign-on (OpenID Connect); off while OIDC_ISSUER is empty. See the README.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
    OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
    OIDC_NAME_CLAIM = os.environ.get("OIDC_NAME_CLAIM", "name")
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "kommunens innlogging")
    # Seconds of clock difference allowed when checking the ID token's times
    OIDC_LEEWAY_SECONDS = int(os.environ.get("OIDC_LEEWAY_SECONDS", "60"))
    # Off: only single sign-on (the password form is hidden and refused)
    LOCAL_PASSWORDS = _bool("LOCAL_PASSWORDS", True)

    DEMO_DATA = BASE_DIR / "app" / "demo" / "data" / "bergen_2021.yaml"
    IS_PRODUCTION = False


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/, debug tooling allowed."""

    DEBUG = True
    REQUIRE_ADMIN_TOTP = _bool("REQUIRE_ADMIN_TOTP", False)  # the demo signs in with passwords


class TestConfig(Config):
    """Test runs: a throw-away database, CSRF on (tests fetch the token like a browser)."""

    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-tests"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    REQUIRE_ADMIN_TOTP = False  # tests that need it switch it on


class ProductionConfig(Config):
    """Production: PostgreSQL expected, secure cookies, a real secret required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    IS_PRODUCTION = True
    DEBUG = False  # also when FLASK_DEBUG is set: check() refuses an override
    PREFERRED_URL_SCHEME = "https"
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",")
                     if h.strip()] or None

    @staticmethod
    def check(settings: dict) -> None:
        """Refuse to start in debug mode, or with the default or a short secret key."""
        key = settings.get("SECRET_KEY") or ""
        # `flask --debug ...` and FLASK_DEBUG=1 switch debug on only after create_app() returns
        if settings.get("DEBUG") or _bool("FLASK_DEBUG"):
            raise RuntimeError("DEBUG must be off in production (unset FLASK_DEBUG)")
        if key == DEFAULT_SECRET or len(key) < MIN_SECRET_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                "characters in production"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
