"""Paged lists: `page` and `per_page` in, `items`, `total` and `next`/`previous` links out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from flask import request, url_for

from app.api.registry import Param
from app.extensions import db

MAX_PER_PAGE = 100
PAGE = Param("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
             "Page number, from 1.")
PER_PAGE = Param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                              "default": 25}, f"Items per page (at most {MAX_PER_PAGE}).")
PAGING = (PAGE, PER_PAGE)


def _link(page: int) -> str:
    """This request's URL on another page, with the same filters."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, page=page)


def paginate(query: sa.Select, args: dict[str, Any],
             serialize: Callable[[Sequence[Any]], list[dict]]) -> dict[str, Any]:
    """One page of `query` (ordered by the caller), serialized in one go."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "items": serialize(rows), "total": total, "page": page, "per_page": per_page,
        "next": _link(page + 1) if page * per_page < total else None,
        "previous": _link(page - 1) if page > 1 else None,
    }
