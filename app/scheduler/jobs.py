"""The scheduler's jobs. Each takes the moment it runs for (`now`) and returns counts.

Every job is safe to run twice, or in two processes at once: what it queues carries a unique
key (the reminder's natural key, the outbox's dedupe key), so the second run finds it done and
a racing writer fails and retries instead of queueing twice. `tick(now)` runs them all once;
that is how tests and cron travel in time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from app.clock import OSLO
from app.clock import now as clock_now
from app.council.jobs import apply_effective_status_changes
from app.documents.jobs import auto_assemble_decided_cycles, run_pending_assembly_jobs
from app.extensions import db
from app.models import Assessment, Cycle, CycleStatus, OutboxMessage, User
from app.notifications.delivery import deliver_pending
from app.scheduler.operations import (
    ESCALATION_REROUTED,
    Mailing,
    escalation_context,
    invitation_context,
    queue_digest,
    queue_scheduled,
    reminder_context,
    reminder_template,
)
from app.scheduler.recipients import (
    ReminderKey,
    commissioners_of,
    contacts_of,
    council_office,
    cycle_assessments,
    cycles_with_deadline,
    group_by_person,
    invitee_ids,
    invitees,
    opening_day,
    sent_reminders,
    taken_keys,
)
from workflows.reminders import (
    Due,
    ReminderKind,
    ReminderSchedule,
    escalation_dates,
    latest_due,
    reminder_dates,
    send_day,
)
from workflows.workdays import is_working_day, next_working_day

log = logging.getLogger(__name__)

Job = Callable[[datetime], dict[str, int]]
# Other features add their own daily jobs here: callables f(now) -> {"name": count}.
EXTRA_JOBS: list[Job] = []
EXTRA_JOBS.append(apply_effective_status_changes)  # council decisions take effect
EXTRA_JOBS += [auto_assemble_decided_cycles, run_pending_assembly_jobs]  # review document
ATTEMPTS = 3  # a job that loses a race on a unique key is run again, and then finds it done
SUMMARY_KEYS = ("invitations", "reminders", "escalations", "digests",
                "sent", "console", "retried", "failed", "dropped")


def schedule_of(cycle: Cycle) -> ReminderSchedule:
    """The cycle's reminder schedule (the defaults when none is set)."""
    return ReminderSchedule.from_dict(cycle.reminder_schedule)


# --- dedupe keys: one mail per person and occasion -----------------------------------------
def invitation_key(cycle: Cycle, user: User) -> str:
    """One invitation per person and cycle."""
    return _invitation_key(cycle.id, user.id)


def _invitation_key(cycle_id: int, user_id: int) -> str:
    return f"invitation:{cycle_id}:{user_id}"


def reminder_key(cycle: Cycle, user: User, day: date) -> str:
    """One reminder mail per person, cycle and day."""
    return f"reminder:{cycle.id}:{user.id}:{day.isoformat()}"


def escalation_key(due: Due, cycle: Cycle, user: User) -> str:
    """One escalation per person, cycle and escalation date."""
    return f"{due.kind.value}:{cycle.id}:{user.id}:{due.day.isoformat()}"


def digest_key(cycle: Cycle, user: User, day: date) -> str:
    """One digest per person, cycle and Monday."""
    return f"weekly_digest:{cycle.id}:{user.id}:{day.isoformat()}"


def queue_for_people(cycle: Cycle, grouped: dict[User, list[Assessment]], due: Due,
                     template: str, context, key, written: set[ReminderKey],
                     now: datetime, log_kind: str | None = None) -> list[OutboxMessage]:
    """Queue one mail per person in `grouped` whose dedupe key is still free."""
    keys = {user: key(user) for user in grouped}
    taken = taken_keys(keys.values())
    messages = []
    for user in sorted(grouped, key=lambda u: (u.name, u.id)):
        if keys[user] in taken:
            continue
        mailing = Mailing(cycle, user, grouped[user], due.kind, due.day, keys[user], now,
                          log_kind)
        message = queue_scheduled(mailing, template, context(mailing), written)
        if message is not None:
            messages.append(message)
    return messages


# --- invitations -------------------------------------------------------------------------
def invite_cycle(cycle: Cycle, now: datetime) -> list[OutboxMessage]:
    """Invite everyone concerned by an open cycle who has not been invited yet."""
    if not someone_uninvited(cycle):
        return []  # the usual pass: everyone has theirs, found without loading the cycle
    day = opening_day(cycle) or now.astimezone(OSLO).date()
    due = Due(day, ReminderKind.INVITATION)
    return queue_for_people(cycle, invitees(cycle), due, "invitation", invitation_context,
                            lambda u: invitation_key(cycle, u), sent_reminders([cycle.id]), now)


def someone_uninvited(cycle: Cycle) -> bool:
    """True when a person invitees(cycle) names has no invitation yet (ids only: cheap)."""
    keys = {_invitation_key(cycle.id, user_id) for user_id in invitee_ids(cycle)}
    return bool(keys - taken_keys(keys))


def send_invitations(now: datetime) -> dict[str, int]:
    """Invitations for every open cycle (contacts, and the byråd per portfolio)."""
    cycles = db.session.scalars(db.select(Cycle).where(Cycle.status == CycleStatus.OPEN))
    return {"invitations": sum(len(invite_cycle(c, now)) for c in cycles)}


# --- reminders and escalations -------------------------------------------------------------
def remind_cycle(cycle: Cycle, now: datetime, written: set[ReminderKey]) -> int:
    """Remind the contacts of the cycle's unfinished assessments when a reminder is due."""
    day = send_day(now)
    dues = reminder_dates(cycle.submission_deadline, schedule_of(cycle))
    due = latest_due(dues, day, after=opening_day(cycle))
    if due is None:
        return 0
    grouped = group_by_person(cycle_assessments(cycle, not_reminded=due), contacts_of)
    return len(queue_for_people(cycle, grouped, due, reminder_template(due.kind),
                                lambda m: reminder_context(m, day),
                                lambda u: reminder_key(cycle, u, day), written, now))


def send_reminders(now: datetime) -> dict[str, int]:
    """One reminder a day per contact with unfinished assessments on a due date."""
    if not is_working_day(send_day(now)):
        return {"reminders": 0}  # a reminder missed on a working day waits for the next one
    cycles = cycles_with_deadline()
    written: set[ReminderKey] = set()  # this pass's rows; earlier ones are left out by SQL
    return {"reminders": sum(remind_cycle(c, now, written) for c in cycles)}


def escalate_cycle(cycle: Cycle, now: datetime, written: set[ReminderKey]) -> int:
    """Tell the byråd, then the council office, about assessments never submitted in time.

    An assessment whose portfolios have nobody in the head's role goes to the council office
    at the head's step instead, logged as rerouted: nothing is dropped for want of a person.
    """
    day, opened = send_day(now), opening_day(cycle)
    count = 0
    for due in escalation_dates(cycle.submission_deadline, schedule_of(cycle)):
        if due.day > day or (opened and due.day <= opened):
            continue
        # Returned assessments were handed in once; the office already knows about them.
        pending = [a for a in cycle_assessments(cycle, not_reminded=due)
                   if a.submitted_at is None]
        if not pending:
            continue
        office = council_office()

        def to_office(_a, office=office):
            return office

        if due.kind == ReminderKind.ESCALATION_COMMISSIONER:
            headless = [a for a in pending if not commissioners_of(a)]
            count += _escalate(cycle, due, [a for a in pending if a not in headless],
                               commissioners_of, day, written, now)
            count += _escalate(cycle, due, headless, to_office, day, written, now,
                               rerouted=True)
        else:
            count += _escalate(cycle, due, pending, to_office, day, written, now)
    return count


def _escalate(cycle: Cycle, due: Due, pending: list[Assessment], people, day: date,
              written: set[ReminderKey], now: datetime, *, rerouted: bool = False) -> int:
    """Queue the escalation of `pending` to `people(assessment)`; `rerouted` logs it as
    gone to the council office because nobody holds the head's role."""
    log_kind = ESCALATION_REROUTED if rerouted else None
    marker = ":rerouted" if rerouted else ""
    return len(queue_for_people(
        cycle, group_by_person(pending, people), due, "escalation",
        lambda m: escalation_context(m, day),
        lambda u: escalation_key(due, cycle, u) + marker, written, now, log_kind=log_kind))


def send_escalations(now: datetime) -> dict[str, int]:
    """Escalations that are due: 3 working days late to the byråd, 5 to the council office."""
    if not is_working_day(send_day(now)):
        return {"escalations": 0}
    cycles = cycles_with_deadline()
    written: set[ReminderKey] = set()  # this pass's rows; earlier ones are left out by SQL
    return {"escalations": sum(escalate_cycle(c, now, written) for c in cycles)}


# --- the weekly digest ---------------------------------------------------------------------
def digest_day(day: date) -> bool:
    """True when `day` is the week's first working day: Monday, or the day after a Monday
    (and any other days) that is a public holiday."""
    monday = day - timedelta(days=day.weekday())
    return is_working_day(day) and next_working_day(monday) == day


def send_weekly_digest(now: datetime) -> dict[str, int]:
    """On the week's first working day, tell each person in the council office what is late,
    per portfolio."""
    day = send_day(now)
    if not digest_day(day):
        return {"digests": 0}
    count = 0
    for cycle in cycles_with_deadline():
        late = cycle_assessments(cycle) if cycle.submission_deadline < day else []
        if not late:
            continue
        office = council_office()
        keys = {user: digest_key(cycle, user, day) for user in office}
        taken = taken_keys(keys.values())
        for user in office:
            if keys[user] not in taken:
                count += queue_digest(cycle, user, late, day, keys[user]) is not None
    return {"digests": count}


# --- delivery and running ----------------------------------------------------------------
def deliver_outbox(now: datetime) -> dict[str, int]:
    """Send what the outbox holds that is due (the deliverer commits its own work)."""
    result = deliver_pending(now)
    return {"sent": result.sent, "console": result.console, "retried": result.retried,
            "failed": result.failed, "dropped": result.dropped}


def run_job(job: Job, now: datetime) -> dict[str, int]:
    """Run one job in its own transaction and commit; run it again after losing a race."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = job(now)
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
            log.info("job %s lost a race on a unique key; running it again", job.__name__)
    raise AssertionError("unreachable")


def run_jobs(jobs: Iterable[Job], now: datetime) -> dict[str, int]:
    """Run `jobs` one after the other; a failing job is logged and counted, not fatal."""
    summary: dict[str, int] = {}
    for job in jobs:
        try:
            result = run_job(job, now)
        except Exception:
            db.session.rollback()
            log.exception("scheduler job %s failed", getattr(job, "__name__", job))
            result = {"errors": 1}
        for name, count in result.items():
            summary[name] = summary.get(name, 0) + int(count)
    return summary


def daily_jobs() -> list[Job]:
    """The 08:00 jobs: invitations, reminders, escalations and the other features' jobs."""
    return [send_invitations, send_reminders, send_escalations, *EXTRA_JOBS]


def tick(now: datetime | None = None) -> dict[str, int]:
    """One pass of everything due as of `now`, then delivery of the outbox."""
    now = now or clock_now()
    summary = dict.fromkeys(SUMMARY_KEYS, 0)
    jobs = [*daily_jobs(), send_weekly_digest, deliver_outbox]
    for name, count in run_jobs(jobs, now).items():
        summary[name] = summary.get(name, 0) + count
    return summary
