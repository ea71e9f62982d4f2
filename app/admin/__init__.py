"""Administration: users, roles, portfolios and the municipality's labels."""

from app.admin.views import bp

__all__ = ["bp"]
