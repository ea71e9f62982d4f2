"""The JSON API v1 (/api/v1): Bearer tokens, an OpenAPI document generated from the views."""

from app.api import arenas, assessments, council, cycles, documents, meta  # noqa: F401
from app.api.blueprint import bp

__all__ = ["bp"]
