"""The API blueprint (/api/v1) and its registry; views add themselves with `api.route`."""

from __future__ import annotations

from flask import Blueprint

from app.api.errors import register_error_handlers
from app.api.registry import Registry

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Registry(bp)
register_error_handlers(bp)


@bp.after_request
def no_store(response):
    """API answers are personal: never cached by a proxy or the browser."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response
