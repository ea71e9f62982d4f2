"""Operations on the arena register: the only code that creates or changes arenas.

Each operation checks, changes, writes one audit row and flushes. None of them commits.
A status is set only when an arena is created; after that it changes through decisions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from app import audit
from app.archiving import set_archived
from app.clock import today
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaKind, ArenaStatus, Portfolio

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EARLIEST_YEAR = 1800
STATUSES_AT_CREATION = (ArenaStatus.PROPOSED, ArenaStatus.MEMBER)


@dataclass(frozen=True)
class ArenaInput:
    """Everything the register form can set on an arena (never its status)."""

    key: str
    name: str
    kind: ArenaKind
    portfolio_ids: frozenset[int]
    description_nb: str = ""
    description_en: str = ""
    executing_unit: str = ""
    via: str = ""
    membership_type: str = ""
    member_since: int | None = None
    yearly_cost: int | None = None
    contact_persons: str = ""
    sort_order: int | None = None


_COLUMNS = tuple(f.name for f in fields(ArenaInput) if f.name != "portfolio_ids")


def _clean(data: ArenaInput) -> ArenaInput:
    """The input with surrounding whitespace removed from every text."""
    texts = {f.name: getattr(data, f.name).strip() for f in fields(ArenaInput)
             if isinstance(getattr(data, f.name), str)}
    return replace(data, **texts)


def _snapshot(arena: Arena) -> dict[str, Any]:
    values = {name: getattr(arena, name) for name in _COLUMNS}
    values["portfolio_ids"] = sorted(p.id for p in arena.portfolios)
    return values


def _changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


def _check(data: ArenaInput, arena_id: int | None) -> None:
    """Refuse input that breaks the register's rules (ValidationFailed, field → code)."""
    errors: dict[str, str] = {}
    if not KEY_PATTERN.match(data.key):
        errors["key"] = "invalid"
    elif _taken(Arena.key, data.key, arena_id):
        errors["key"] = "taken"
    if not data.name:
        errors["name"] = "required"
    elif _taken(Arena.name, data.name, arena_id):
        errors["name"] = "taken"
    if not data.portfolio_ids:
        errors["portfolio_ids"] = "required"
    if data.member_since is not None and not (
        EARLIEST_YEAR <= data.member_since <= today().year + 1
    ):
        errors["member_since"] = "out_of_range"
    if data.yearly_cost is not None and data.yearly_cost < 0:
        errors["yearly_cost"] = "negative"
    if errors:
        raise ValidationFailed(errors)


def _taken(column, value: str, arena_id: int | None) -> bool:
    """True when another arena already uses `value` (names compared without case)."""
    query = db.select(Arena.id).where(db.func.lower(column) == value.lower())
    if arena_id is not None:
        query = query.where(Arena.id != arena_id)
    return db.session.scalar(query.limit(1)) is not None


def _portfolios(ids: frozenset[int]) -> list[Portfolio]:
    found = list(db.session.scalars(db.select(Portfolio).where(Portfolio.id.in_(ids))))
    if len(found) != len(ids):
        raise ValidationFailed({"portfolio_ids": "unknown"})
    return found


def _apply(arena: Arena, data: ArenaInput) -> None:
    for name in _COLUMNS:
        setattr(arena, name, getattr(data, name))
    arena.portfolios = _portfolios(data.portfolio_ids)


def create_arena(actor: Any, data: ArenaInput, status: ArenaStatus = ArenaStatus.MEMBER) -> Arena:
    """Register a new arena, proposed or already a member."""
    if status not in STATUSES_AT_CREATION:
        raise ValidationFailed({"status": "invalid"})
    data = _clean(data)
    _check(data, None)
    arena = Arena(status=status)
    _apply(arena, data)
    db.session.add(arena)
    db.session.flush()
    changes = [name for name, value in _snapshot(arena).items() if value not in (None, "", [])]
    audit.record(actor, "arena", arena.id, "arena_created", to_state=status, fields=changes)
    return arena


def update_arena(actor: Any, arena: Arena, data: ArenaInput) -> list[str]:
    """Change an arena's facts (not its status). Returns the names of the changed fields."""
    data = _clean(data)
    _check(data, arena.id)
    before = _snapshot(arena)
    _apply(arena, data)
    changes = _changed(before, _snapshot(arena))
    if changes:
        audit.record(actor, "arena", arena.id, "arena_updated", fields=changes)
    db.session.flush()
    return changes


def archive_arena(actor: Any, arena: Arena) -> None:
    """Take an arena out of the active register; its history stays."""
    set_archived(actor, arena, "arena", True)


def unarchive_arena(actor: Any, arena: Arena) -> None:
    """Bring an archived arena back into the active register."""
    set_archived(actor, arena, "arena", False)
