"""A template preview filled with real data from the open cycle (nothing is saved)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from app import clock
from app.extensions import db
from app.models import Assessment, Cycle, CycleStatus, Organisation, User
from app.notifications.defaults import PLACEHOLDERS
from app.notifications.events import decision_text
from app.notifications.outbox import absolute_link, assessment_recipients
from app.notifications.rendering import (
    format_day,
    plain_values,
    render_html,
    render_subject,
    render_text,
)
from workflows.assessment import AssessmentState

UNFINISHED = (AssessmentState.DRAFT, AssessmentState.RETURNED)
# The state an assessment is in when its template goes out; other templates: unfinished ones.
TEMPLATE_STATES = {"returned": (AssessmentState.RETURNED,), "approved": (AssessmentState.APPROVED,),
                   "decided": (AssessmentState.DECIDED,)}
CYCLE_PREFERENCE = (CycleStatus.OPEN, CycleStatus.IN_REVIEW, CycleStatus.AWAITING_DECISION)


@dataclass
class Preview:
    """A rendered template and what it was filled with."""

    subject: str
    text: str
    html: Markup
    assessment: Assessment | None
    recipient: User | None


def sample_cycle() -> Cycle | None:
    """The open cycle (else the most recent active one, else the newest)."""
    cycles = list(db.session.scalars(sa.select(Cycle).order_by(Cycle.year.desc())))
    for status in CYCLE_PREFERENCE:
        if found := next((c for c in cycles if c.status == status), None):
            return found
    return cycles[0] if cycles else None


def _sample_assessment(cycle: Cycle, key: str) -> tuple[Assessment | None, User | None]:
    """An assessment with someone to write to, in the state the template is about if any."""
    rows = list(db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == cycle.id)))
    rows.sort(key=lambda a: (a.state not in TEMPLATE_STATES.get(key, UNFINISHED), a.arena.name))
    for assessment in rows:
        if people := assessment_recipients(assessment):
            return assessment, people[0]
    return (rows[0], None) if rows else (None, None)


def _lines(names) -> list[str]:
    return [f"- {name}" for name in names]


def _cycle_values(cycle: Cycle, recipient: User | None, locale: str) -> dict:
    rows = [a for a in db.session.scalars(sa.select(Assessment).where(
        Assessment.cycle_id == cycle.id)) if a.state in UNFINISHED]
    mine = [a for a in rows if recipient in assessment_recipients(a)] or rows
    late = Counter(p.name(locale) for a in rows for p in a.arena.portfolios)
    deadline = cycle.submission_deadline
    days_left = (deadline - clock.today()).days if deadline else 0
    return {
        "cycle_title": cycle.title, "deadline": format_day(deadline, locale),
        "arena_list": _lines(sorted(a.arena.name for a in mine)),
        "days_left": days_left, "days_overdue": max(-days_left, 0),
        "late_by_portfolio": _lines(f"{name}: {n}" for name, n in sorted(late.items())),
    }


def sample_values(key: str, locale: str) -> tuple[dict, Assessment | None, User | None]:
    """Values for every placeholder of template `key`, from the open cycle's real data."""
    cycle = sample_cycle()
    assessment, recipient = _sample_assessment(cycle, key) if cycle else (None, None)
    values = _cycle_values(cycle, recipient, locale) if cycle else {}
    with force_locale(locale):
        fallback = _("(ingen data)")
        comment = _("(kommentaren skrives når vurderingen sendes tilbake)")
    values.setdefault("arena_list", fallback)
    if assessment is not None:
        values.update(
            arena=assessment.arena.name, comment=assessment.review_comment or comment,
            decision=decision_text(assessment, locale),
            link=absolute_link("assessments.detail", assessment_id=assessment.id),
            contact_names=", ".join(u.name for u in assessment_recipients(assessment)))
    values.setdefault("recipient_name", recipient.name if recipient else fallback)
    values.setdefault("link", absolute_link("main.index"))
    organisation = db.session.scalar(sa.select(Organisation).order_by(Organisation.id).limit(1))
    values.setdefault("municipality", organisation.name if organisation else "")
    with force_locale(locale):  # as in an invitation (the forgotten-password link is shorter)
        hours = current_app.config["ACCOUNT_INVITE_HOURS"]
        values.setdefault("valid_for", ngettext("%(num)d time", "%(num)d timer", hours))
    return values, assessment, recipient


def preview_template(key: str, locale: str, subject: str, body: str) -> Preview:
    """`subject` and `body` filled with real data; any placeholder without data shows empty."""
    values, assessment, recipient = sample_values(key, locale)
    filled = {name: "" for name in PLACEHOLDERS[key]} | plain_values(values)
    return Preview(subject=render_subject(subject, filled), text=render_text(body, filled),
                   html=render_html(body, filled), assessment=assessment, recipient=recipient)
