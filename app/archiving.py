"""Archiving: register entries (arenas, portfolios) are hidden from new choices, never deleted."""

from __future__ import annotations

from typing import Any

from app import audit
from app.extensions import db
from workflows.engine import TransitionNotAllowed


def set_archived(actor: Any, obj: Any, entity_type: str, archived: bool) -> None:
    """Archive or unarchive `obj` (which has `is_archived`), with its audit row."""
    action = f"{entity_type}_{'archived' if archived else 'unarchived'}"
    if obj.is_archived == archived:
        raise TransitionNotAllowed(action, ["already in that state"])
    obj.is_archived = archived
    audit.record(actor, entity_type, obj.id, action, fields=["is_archived"])
    db.session.flush()
