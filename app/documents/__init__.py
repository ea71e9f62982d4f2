"""The review document: assembled from a cycle, kept as versions, published to the public."""

from app.documents import (
    paragraph_views,  # noqa: F401  (adds its routes to bp)
    publish_views,  # noqa: F401  (its routes join the blueprint)
)
from app.documents.views import bp

__all__ = ["bp"]
