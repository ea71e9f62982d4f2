"""The register list (/arenas/): its rows from one Core query, its cells ready for the table.

The list shows the whole register (2,000 arenas in a large municipality), so it is built the
lean way described in app/listing.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.extensions import db
from app.labels import ARENA_KIND_LABELS, ARENA_STATUS_COLOURS, ARENA_STATUS_LABELS
from app.listing import EMPTY, joined, labels_for, link_pattern, tag, tag_list
from app.models import Arena, ArenaKind, ArenaStatus, Portfolio, arena_portfolios
from app.templating import locale_code, nok


class RegisterRow(NamedTuple):
    """One arena as the register lists it."""

    id: int
    name: str
    kind: ArenaKind
    status: ArenaStatus
    is_archived: bool
    member_since: int | None
    yearly_cost: int | None
    portfolio_ids: tuple[int, ...]


def register_rows(show: str, portfolio_code: str,
                  portfolios: list[Portfolio]) -> list[RegisterRow]:
    """Arenas in register order, filtered on archived/active ("all" for both) and on a
    portfolio's code (empty for any); `portfolios` are all of them."""
    query = (
        sa.select(Arena.id, Arena.name, Arena.kind, Arena.status, Arena.is_archived,
                  Arena.member_since, Arena.yearly_cost)
        .order_by(Arena.sort_order.is_(None), Arena.sort_order, Arena.name)
    )
    if show != "all":
        query = query.where(Arena.is_archived == (show == "archived"))
    if portfolio_code:
        query = query.where(Arena.portfolios.any(Portfolio.code == portfolio_code))
    arenas = db.session.execute(query).all()
    portfolio_ids = arena_portfolio_ids(portfolios)
    return [RegisterRow(*arena, portfolio_ids.get(arena[0], ())) for arena in arenas]


def arena_portfolio_ids(portfolios: Iterable[Portfolio]) -> dict[int, tuple[int, ...]]:
    """Each arena's portfolio ids, in code order (the whole register: one cheap scan);
    `portfolios` are all of them."""
    rank = {p.id: n for n, p in enumerate(sorted(portfolios, key=lambda p: p.code))}
    pairs = db.session.execute(
        sa.select(arena_portfolios.c.arena_id, arena_portfolios.c.portfolio_id)).all()
    pairs.sort(key=lambda pair: rank[pair[1]])
    found: dict[int, tuple[int, ...]] = {}
    for arena_id, portfolio_id in pairs:
        found[arena_id] = found.get(arena_id, ()) + (portfolio_id,)
    return found


def register_cells(rows: list[RegisterRow], portfolios: list[Portfolio]) -> list[tuple]:
    """The register table as ready, escaped cells, one tuple per arena: link, name,
    kind, portfolio names, status tags, member since and yearly cost."""
    link = link_pattern("arenas.detail", "arena_id")
    kinds = labels_for(ARENA_KIND_LABELS)
    statuses = labels_for(ARENA_STATUS_LABELS)
    archived = tag("neutral", _("Arkivert"))
    locale = locale_code()
    names = {portfolio.id: portfolio.name(locale) for portfolio in portfolios}
    tags: dict[tuple[ArenaStatus, bool], Markup] = {}
    owners: dict[tuple[int, ...], Markup] = {}
    cells = []
    for row in rows:
        key = (row.status, row.is_archived)
        if key not in tags:
            tags[key] = tag_list(tag(ARENA_STATUS_COLOURS[row.status], statuses[row.status]),
                                 archived if row.is_archived else None)
        if row.portfolio_ids not in owners:
            owners[row.portfolio_ids] = joined([names[i] for i in row.portfolio_ids], "; ")
        cells.append((link(row.id), escape(row.name), kinds[row.kind], owners[row.portfolio_ids],
                      tags[key], row.member_since or EMPTY, escape(nok(row.yearly_cost))))
    return cells
