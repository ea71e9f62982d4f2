"""Arenas: the register with each arena's history (council office), created and changed
through the same operations as the register pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from app.api import schemas, serializers
from app.api.auth import require_role
from app.api.blueprint import api
from app.api.errors import ApiError
from app.api.paging import PAGING, paginate
from app.api.registry import Param
from app.arenas import operations as ops
from app.council.queries import arena_references
from app.extensions import db
from app.models import Arena, ArenaKind, ArenaStatus, Assessment, Cycle, Portfolio
from workflows.roles import Role

FILTERS = (
    Param("portfolio", {"type": "string", "maxLength": 20},
          "Only arenas this portfolio (its code) is responsible for."),
    Param("status", schemas.enum(ArenaStatus), "Only arenas with this membership status."),
    Param("kind", schemas.enum(ArenaKind), "Only arenas of this kind."),
    Param("key", {"type": "string", "maxLength": 80}, "The arena with this key."),
    Param("show", {"type": "string", "enum": ["active", "archived", "all"],
                   "default": "active"}, "Active (default), archived or all arenas."),
)


def load_arena(arena_id: int) -> Arena:
    """The arena for the council office: 403 for others first, then 404."""
    require_role(Role.COUNCIL_OFFICE)
    return db.session.get(Arena, arena_id) or _not_found()


def _not_found():
    raise ApiError(404)


def arena_query(args: dict[str, Any]) -> sa.Select:
    """Arenas in register order, filtered."""
    query = sa.select(Arena).order_by(Arena.sort_order.is_(None), Arena.sort_order, Arena.name)
    if args["show"] != "all":
        query = query.where(Arena.is_archived == (args["show"] == "archived"))
    if args["portfolio"]:
        query = query.where(Arena.portfolios.any(Portfolio.code == args["portfolio"]))
    for name in ("status", "kind", "key"):
        if args[name]:
            query = query.where(getattr(Arena, name) == args[name])
    return query


@api.route("GET", "/arenas", summary="List arenas (council office)", tag="arenas",
           query=(*PAGING, *FILTERS), responses={200: "ArenaPage"}, errors=(403,))
def list_arenas(query: dict[str, Any]):
    """The register, filtered and paged."""
    require_role(Role.COUNCIL_OFFICE)
    return paginate(arena_query(query), query, lambda rows: [serializers.arena(a) for a in rows])


def arena_detail(arena: Arena) -> dict[str, Any]:
    """The arena's facts and, for each cycle, its assessment and the decision."""
    assessments = db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle).where(Assessment.arena_id == arena.id)
        .order_by(Cycle.year.desc())).all()
    refs = arena_references(arena.id)
    history = [serializers.arena_year(a, refs.get(a.id)) for a in assessments]
    return {**serializers.arena(arena), "history": history}


@api.route("GET", "/arenas/{arena_id}", summary="One arena with its history (council office)",
           tag="arenas", responses={200: "ArenaDetail"}, errors=(403,))
def get_arena(arena_id: int):
    """One arena, year by year."""
    return arena_detail(load_arena(arena_id))


def arena_input(body: dict[str, Any]) -> ops.ArenaInput:
    """The checked body as the operations' input (omitted optional fields are empty)."""
    fields = {name: body[name] for name in schemas.ARENA_FIELDS if name in body}
    fields["kind"] = ArenaKind(body["kind"])
    fields["portfolio_ids"] = frozenset(body["portfolio_ids"])
    texts = ("description_nb", "description_en", "executing_unit", "via", "membership_type",
             "contact_persons")
    return ops.ArenaInput(**{**{t: "" for t in texts}, **fields})


@api.route("POST", "/arenas", summary="Register an arena (council office)", tag="arenas",
           body="ArenaCreate", responses={201: "ArenaDetail"}, errors=(403,))
def create_arena(body: dict[str, Any]):
    """A new arena, proposed or already a member."""
    user = require_role(Role.COUNCIL_OFFICE)
    status = ArenaStatus(body.get("status", ArenaStatus.MEMBER.value))
    arena = ops.create_arena(user, arena_input(body), status)
    db.session.commit()
    location = url_for(".get_arena", arena_id=arena.id)
    return arena_detail(arena), 201, {"Location": location}


@api.route("PUT", "/arenas/{arena_id}", summary="Change an arena's facts (council office)",
           tag="arenas", body="ArenaInput", responses={200: "ArenaDetail"}, errors=(403,))
def update_arena(arena_id: int, body: dict[str, Any]):
    """Replace the arena's facts; its status changes only through decisions."""
    arena = load_arena(arena_id)
    ops.update_arena(require_role(Role.COUNCIL_OFFICE), arena, arena_input(body))
    db.session.commit()
    return arena_detail(arena)
