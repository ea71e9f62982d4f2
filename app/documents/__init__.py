"""The review document: assembled from a cycle, kept as versions, published to the public."""

from app.documents import publish_views  # noqa: F401  (its routes join the blueprint)
from app.documents.views import bp

__all__ = ["bp"]
