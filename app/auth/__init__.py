"""Logging in and out."""

from app.auth import (
    account_views,  # noqa: F401  (its pages join the blueprint)
    oidc_views,  # noqa: F401  (single sign-on routes on the same blueprint)
)
from app.auth.views import bp

__all__ = ["bp"]
