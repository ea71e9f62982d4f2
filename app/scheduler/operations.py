"""Operations of the scheduler: queue one scheduled mail and remember what it was about.

Each one renders the context, queues the mail in the outbox, writes the reminder rows (their
natural key is unique, so a second writer fails instead of queueing twice), writes the audit
row and flushes. None of them commits; the job that calls them does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app import audit
from app.extensions import db
from app.models import Assessment, Cycle, OutboxMessage, User
from app.models.scheduling import Reminder
from app.notifications.outbox import absolute_link, queue_mail, recipient_locale
from app.notifications.rendering import format_day
from app.scheduler.recipients import ReminderKey, contacts_of
from workflows.reminders import ReminderKind, days_left
from workflows.roles import Role


@dataclass(frozen=True)
class Mailing:
    """One scheduled mail: to whom, about which assessments, for which date."""

    cycle: Cycle
    user: User
    assessments: Sequence[Assessment]
    kind: ReminderKind
    due_date: date
    dedupe_key: str
    at: datetime  # the moment the job runs for (simulated in tests and `tick --now`)
    log_kind: str | None = None  # the mail log's kind when it is not `kind` (a rerouting)


# The mail log's kind for an escalation that went to the council office because nobody holds
# the head's role for the arena's portfolios.
ESCALATION_REROUTED = "escalation_rerouted"


def _locale(user: User) -> str:
    return recipient_locale(user)


def _contact_link(user: User) -> str:
    if user.has_role(Role.CONTACT) or not user.has_role(Role.COMMISSIONER):
        return absolute_link("assessments.mine")
    return absolute_link("assessments.sign_off_list")


def _base_context(mailing: Mailing) -> dict:
    return {
        "cycle_title": mailing.cycle.title,
        "deadline": format_day(mailing.cycle.submission_deadline, _locale(mailing.user)),
        "arena_list": [f"- {a.arena.name}" for a in mailing.assessments],
    }


def invitation_context(mailing: Mailing) -> dict:
    """Placeholders of the invitation mail."""
    return {**_base_context(mailing), "link": _contact_link(mailing.user)}


def reminder_template(kind: ReminderKind) -> str:
    """The template of a reminder: before the deadline, or the overdue one (never a
    negative number of days)."""
    return "reminder_overdue" if kind == ReminderKind.REMINDER_OVERDUE else "reminder"


def reminder_context(mailing: Mailing, day: date) -> dict:
    """Placeholders of the reminder mail: days left before the deadline, days overdue after."""
    left = days_left(mailing.cycle.submission_deadline, day)
    extra = ({"days_overdue": max(-left, 0)} if mailing.kind == ReminderKind.REMINDER_OVERDUE
             else {"days_left": max(left, 0)})
    return {**_base_context(mailing), "link": _contact_link(mailing.user), **extra}


def escalation_context(mailing: Mailing, day: date) -> dict:
    """Placeholders of the escalation mail to the byråd or the council office."""
    names = sorted({u.name for a in mailing.assessments for u in contacts_of(a)})
    lines = [f"- {a.arena.name} ({', '.join(u.name for u in contacts_of(a)) or '–'})"
             for a in mailing.assessments]
    link = (absolute_link("assessments.sign_off_list")
            if mailing.kind == ReminderKind.ESCALATION_COMMISSIONER
            else absolute_link("cycles.dashboard", year=mailing.cycle.year))
    return {**_base_context(mailing), "arena_list": lines, "contact_names": ", ".join(names),
            "days_overdue": -days_left(mailing.cycle.submission_deadline, day), "link": link}


def record_reminders(mailing: Mailing, message: OutboxMessage,
                     written: set[ReminderKey]) -> int:
    """Add the reminder rows of `mailing` not yet in `written`; returns how many were added."""
    added = 0
    for assessment in mailing.assessments:
        key = (assessment.id, mailing.kind, mailing.due_date)
        if key in written:
            continue
        written.add(key)
        db.session.add(Reminder(assessment_id=assessment.id, kind=mailing.kind,
                                due_date=mailing.due_date, user_id=mailing.user.id,
                                queued_at=mailing.at, message_id=message.id))
        added += 1
    return added


def queue_scheduled(mailing: Mailing, template: str, context: dict,
                    written: set[ReminderKey]) -> OutboxMessage | None:
    """Queue one scheduled mail and its reminder rows; None when the dedupe key was taken."""
    message = queue_mail_for(mailing.user, template, context,
                             kind=mailing.log_kind or mailing.kind.value,
                             dedupe_key=mailing.dedupe_key, cycle=mailing.cycle,
                             assessments=mailing.assessments)
    if message is None:
        return None
    record_reminders(mailing, message, written)
    audit.record(None, "cycle", mailing.cycle.id, f"{template}_queued",
                 recipient_id=mailing.user.id, kind=mailing.log_kind or mailing.kind.value,
                 due_date=mailing.due_date.isoformat(),
                 assessment_ids=[a.id for a in mailing.assessments])
    db.session.flush()
    return message


def queue_mail_for(user: User, template: str, context: dict, *, kind: str, dedupe_key: str,
                   cycle: Cycle, assessments: Iterable[Assessment] = ()):
    """queue_mail to `user` about `assessments` of `cycle`."""
    return queue_mail(kind=kind, template=template, context=context, to_user=user,
                      dedupe_key=dedupe_key, assessment_ids=[a.id for a in assessments],
                      cycle_id=cycle.id)


def queue_digest(cycle: Cycle, user: User, late: Sequence[Assessment], day: date,
                 dedupe_key: str):
    """Queue the weekly digest for one person of the council office: what is late, per portfolio."""
    locale = _locale(user)
    by_portfolio: dict[str, list[str]] = {}
    for assessment in late:
        for portfolio in assessment.arena.portfolios:
            by_portfolio.setdefault(portfolio.name(locale), []).append(assessment.arena.name)
    lines = [f"{name} ({len(arenas)}): {', '.join(arenas)}"
             for name, arenas in sorted(by_portfolio.items())]
    context = {"cycle_title": cycle.title,
               "deadline": format_day(cycle.submission_deadline, locale),
               "late_by_portfolio": lines,
               "link": absolute_link("cycles.dashboard", year=cycle.year)}
    message = queue_mail_for(user, "weekly_digest", context, kind="weekly_digest",
                             dedupe_key=dedupe_key, cycle=cycle, assessments=late)
    if message is not None:
        audit.record(None, "cycle", cycle.id, "weekly_digest_queued", recipient_id=user.id,
                     week_of=day.isoformat(), assessment_ids=[a.id for a in late])
        db.session.flush()
    return message
