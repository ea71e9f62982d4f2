"""Time-based one-time codes (RFC 6238) from an authenticator app, and recovery codes.

No database and no Flask: the operations (account_operations.py) keep the state.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code from the step before or after still counts (clocks drift)
CODE_PATTERN = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """A fresh base32 secret (160 bits), to scan or type into the app."""
    return pyotp.random_base32()


def normalise(code: str) -> str:
    """A typed code without spaces or dashes, lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def matching_step(secret: str, code: str, last_step: int | None, moment: datetime) -> int | None:
    """The time step whose code `code` is (within the drift), if later than `last_step`:
    a code is accepted once. None when it does not match."""
    code = normalise(code)
    if not secret or not CODE_PATTERN.match(code):
        return None
    generator = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now_step = int(moment.timestamp()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(
                generator.at(step * STEP_SECONDS), code):
            return step
    return None


def code_at(secret: str, moment: datetime) -> str:
    """The code the app shows at `moment` (for tests and the set-up check)."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).at(moment)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address the QR code holds."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=account,
                                                                       issuer_name=issuer)


def qr_svg(uri: str, title: str) -> Markup:
    """The QR code of `uri` as an inline SVG (no external image, fits the CSP)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff",
                                                title=title)
    return Markup(svg)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def new_recovery_code() -> str:
    """A one-time recovery code: ten hex digits (40 bits) as "xxxxx-xxxxx"."""
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"
