"""The demo's mail history: its open cycle opened weeks ago, so the invitations went out then."""

from __future__ import annotations

from app.extensions import db
from app.models import Cycle, MessageStatus
from app.scheduler.jobs import invite_cycle


def mark_invitations_sent(cycle: Cycle) -> int:
    """Queue the open cycle's invitations as the scheduler would, marked sent on opening day."""
    at = cycle.opened_at
    messages = invite_cycle(cycle, at)  # its reminder rows are stamped `at` as well
    for message in messages:
        message.status = MessageStatus.SENT
        message.attempts = 1
        message.queued_at = message.next_attempt_at = message.sent_at = at
    db.session.flush()
    return len(messages)
