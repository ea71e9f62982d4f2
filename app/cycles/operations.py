"""Operations on cycles."""

from __future__ import annotations

from typing import Any

from app import audit
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Cycle
from workflows.reminders import ReminderSchedule

SETTING_FIELDS = ("title", "submission_deadline", "review_deadline", "council_meeting_date",
                  "requires_sign_off", "reminder_schedule")


def _normalised(name: str, value: Any) -> Any:
    """Compare schedules by meaning: no schedule stored equals the defaults written out."""
    if name == "reminder_schedule":
        return ReminderSchedule.from_dict(value).to_dict()
    return value


def update_cycle_settings(actor: Any, cycle: Cycle, values: dict[str, Any]) -> list[str]:
    """Change a cycle's title, deadlines, sign-off step and reminder schedule; returns the
    changed fields."""
    if "reminder_schedule" in values:
        problems = ReminderSchedule.from_dict(values["reminder_schedule"]).problems()
        if problems:
            raise ValidationFailed(dict.fromkeys(problems, "out of range"))
    changed = []
    for name in SETTING_FIELDS:
        if name in values and (_normalised(name, getattr(cycle, name))
                               != _normalised(name, values[name])):
            setattr(cycle, name, values[name])
            changed.append(name)
    if changed:
        audit.record(actor, "cycle", cycle.id, "settings_changed", fields=changed)
    db.session.flush()
    return changed
