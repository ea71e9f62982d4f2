"""Administration: users, roles, portfolios and the municipality's labels."""

from app.admin import (
    invite,  # noqa: F401  (the invitation pages join the blueprint)
    oidc_views,  # noqa: F401  (the sign-in group page on the same blueprint)
)
from app.admin.views import bp

__all__ = ["bp"]
