"""Writing the audit trail; every operation calls `record` once per change."""

from __future__ import annotations

from enum import Enum
from typing import Any

from app.extensions import db
from app.models import AuditEvent


def _value(state: Enum | str | None) -> str | None:
    return state.value if isinstance(state, Enum) else state


def record(
    actor: Any,
    entity_type: str,
    entity_id: int,
    action: str,
    *,
    from_state: Enum | str | None = None,
    to_state: Enum | str | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit row in the current transaction (`actor` None means the system)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "name", None) or "system",
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        from_state=_value(from_state),
        to_state=_value(to_state),
        details=details,
    )
    db.session.add(event)
    return event


def trail(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """Every audit row of one entity, oldest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
    )
