"""Operations on cycles."""

from __future__ import annotations

from typing import Any

from app import audit
from app.extensions import db
from app.models import Cycle

SETTING_FIELDS = ("title", "submission_deadline", "review_deadline", "council_meeting_date",
                  "requires_sign_off")


def update_cycle_settings(actor: Any, cycle: Cycle, values: dict[str, Any]) -> list[str]:
    """Change a cycle's title, deadlines and sign-off step; returns the changed fields."""
    changed = []
    for name in SETTING_FIELDS:
        if name in values and getattr(cycle, name) != values[name]:
            setattr(cycle, name, values[name])
            changed.append(name)
    if changed:
        audit.record(actor, "cycle", cycle.id, "settings_changed", fields=changed)
    db.session.flush()
    return changed
