"""Handover and "no change since last year": operations the council office and contacts use
mid-cycle. Drafts, comments and history stay where they are; only who answers changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app import audit
from app.assessments.operations import (
    AnswerInput,
    require_editable,
    save_answers,
    submit_assessment,
)
from app.assessments.queries import ACTIVE_CYCLE_STATES, previous_assessment
from app.clock import OSLO
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, Assessment, Cycle, Portfolio, User, UserRole
from app.notifications.outbox import absolute_link, queue_mail, recipient_locale
from app.notifications.rendering import format_day
from app.scheduler.recipients import contacts_of
from workflows.assessment import EDITABLE_STATES
from workflows.reminders import days_left
from workflows.roles import Role


def _ensure_contact(user: User) -> None:
    if not user.is_active:
        raise ValidationFailed({"user": "inactive"})
    if Role.CONTACT not in user.roles:
        user.role_rows.append(UserRole(role=Role.CONTACT))


def reassign_assessment(actor: Any, assessment: Assessment, user: User) -> None:
    """Make `user` the one contact who answers `assessment` (the draft stays as it is)."""
    _ensure_contact(user)
    previous = assessment.contact_id
    if previous == user.id:
        return
    assessment.contact_id = user.id
    audit.record(actor, "assessment", assessment.id, "contact_reassigned",
                 from_user=previous, to_user=user.id)
    _notify_new_contact(user, [assessment])
    db.session.flush()


def hand_over_portfolio(actor: Any, portfolio: Portfolio, old: User, new: User) -> int:
    """`new` takes over `old`'s place as contact for `portfolio`; `old` loses access to its
    assessments. Returns how many assessments assigned to `old` moved to `new`."""
    if old.id == new.id or portfolio not in old.portfolios:
        raise ValidationFailed({"old": "not_member"})
    _ensure_contact(new)
    old.portfolios.remove(portfolio)
    if portfolio not in new.portfolios:
        new.portfolios.append(portfolio)
    moved = db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle)
        .where(Assessment.contact_id == old.id, Cycle.status.in_(ACTIVE_CYCLE_STATES),
               Assessment.arena.has(Arena.portfolios.any(Portfolio.id == portfolio.id)))
    ).all()
    for assessment in moved:
        assessment.contact_id = new.id
    audit.record(actor, "portfolio", portfolio.id, "contact_handed_over",
                 from_user=old.id, to_user=new.id, assessments=[a.id for a in moved])
    _notify_new_contact(new, list(db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle)
        .where(Cycle.status.in_(ACTIVE_CYCLE_STATES),
               sa.or_(Assessment.contact_id == new.id, Assessment.contact_id.is_(None)),
               Assessment.arena.has(Arena.portfolios.any(Portfolio.id == portfolio.id))))))
    db.session.flush()
    return len(moved)


def confirm_unchanged(assessment: Assessment, actor: Any, comment: str) -> None:
    """Take last year's answers as this year's, with a required short comment, and submit.
    The assessment is still reviewed as usual; the audit trail and the page say so."""
    require_editable(assessment, actor)  # who may, before what they typed
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed({"unchanged_comment": "required"})
    previous = previous_assessment(assessment)
    if previous is None:
        raise ValidationFailed({"unchanged_comment": "no_previous"})
    data = AnswerInput(
        answers={k: dict(v) for k, v in (previous.answers or {}).items()
                 if k in {c.key for c in assessment.cycle.criteria_set.criteria}},
        yearly_cost=previous.yearly_cost, recommendation=previous.recommendation,
        recommendation_reason=previous.recommendation_reason)
    save_answers(assessment, actor, data, assessment.version)
    assessment.unchanged_comment = comment
    audit.record(actor, "assessment", assessment.id, "confirmed_unchanged",
                 from_state=assessment.state, to_state=assessment.state,
                 comment=comment, previous_year=previous.cycle.year)
    submit_assessment(assessment, actor)


def remind_now(actor: Any, assessments: list[Assessment], now: datetime) -> int:
    """Queue one reminder mail now to each contact of the chosen unfinished assessments
    (the office's "remind several now"). Returns how many people get one."""
    grouped: dict[User, list[Assessment]] = {}
    for assessment in assessments:
        if assessment.state in EDITABLE_STATES:
            for user in contacts_of(assessment):
                grouped.setdefault(user, []).append(assessment)
    for user, items in grouped.items():
        left = days_left(items[0].cycle.submission_deadline, now.astimezone(OSLO).date())
        cycle = (_mail_contact(user, items, "reminder", days_left=left) if left >= 0 else
                 _mail_contact(user, items, "reminder_overdue", days_overdue=-left))
        audit.record(actor, "cycle", cycle.id, "manual_reminder", user=user.id,
                     assessments=[a.id for a in items])
    db.session.flush()
    return len(grouped)


def _mail_contact(user: User, items: list[Assessment], template: str, **extra) -> Cycle:
    """Queue one mail to `user` about `items` (all of one cycle); returns that cycle."""
    cycle = items[0].cycle
    queue_mail(kind=template, template=template, to_user=user, cycle_id=cycle.id,
               assessment_ids=[a.id for a in items], context={
                   "cycle_title": cycle.title,
                   "deadline": format_day(cycle.submission_deadline, recipient_locale(user)),
                   "arena_list": [f"- {a.arena.name}" for a in items],
                   "link": absolute_link("assessments.mine"), **extra})
    return cycle


def _notify_new_contact(user: User, assessments: list[Assessment]) -> None:
    """Tell the new contact which unfinished assessments are now theirs (one mail a cycle)."""
    by_cycle: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        if assessment.state in EDITABLE_STATES:
            by_cycle.setdefault(assessment.cycle_id, []).append(assessment)
    for items in by_cycle.values():
        _mail_contact(user, items, "invitation")
