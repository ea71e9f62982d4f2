"""Which dates go into a user's calendar, by role, as plain event records.

Contacts get the submission deadline of each active cycle where they have assessments; the
byråd (commissioner) the review deadline of cycles with their portfolios' assessments; the
council office and the secretaries every deadline of every current cycle. Everyone involved
in a cycle gets its council meeting. UIDs name the cycle and the kind of date, never the user,
so a calendar program updates an event on the next fetch instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.assessments.queries import (
    ACTIVE_CYCLE_STATES,
    assessments_awaiting_sign_off,
    assessments_for_contact,
)
from app.extensions import db
from app.models import Assessment, Cycle, CycleStatus, User
from app.templating import org_label
from workflows.roles import Role

UID_DOMAIN = "samarbeidsarenaer"
# The office prepares a planned cycle, so its dates matter to them before the cycle opens.
OVERVIEW_CYCLE_STATES = (CycleStatus.PLANNED, *ACTIVE_CYCLE_STATES)


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event."""

    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""


def event_uid(cycle: Cycle, kind: str) -> str:
    """A stable id for one date of one cycle ("submission", "review" or "council")."""
    return f"cycle-{cycle.id}-{kind}@{UID_DOMAIN}"


def _event(cycle: Cycle, kind: str, day: date | None, summary: str, description: str,
           endpoint: str, **url_args) -> CalendarEvent | None:
    if day is None:
        return None
    return CalendarEvent(uid=event_uid(cycle, kind), day=day, summary=summary,
                         description=description,
                         url=url_for(endpoint, _external=True, **url_args))


def _by_cycle(assessments: Iterable[Assessment]) -> dict[Cycle, list[Assessment]]:
    grouped: dict[Cycle, list[Assessment]] = {}
    for assessment in assessments:
        grouped.setdefault(assessment.cycle, []).append(assessment)
    return grouped


def _arena_list(assessments: list[Assessment]) -> str:
    return "\n".join(f"- {a.arena.name}" for a in sorted(assessments, key=lambda a: a.arena.name))


def council_meeting(cycle: Cycle, endpoint: str = "main.index", **url_args) -> CalendarEvent | None:
    """The council meeting that decides the cycle's arenas."""
    council = org_label("council_label")
    return _event(
        cycle, "council", cycle.council_meeting_date,
        _("Møte i %(council)s – %(title)s", council=council.lower(), title=cycle.title),
        _("%(council)s behandler gjennomgangen av samarbeidsarenaene.", council=council),
        endpoint, **url_args)


def office_events(cycle: Cycle) -> list[CalendarEvent | None]:
    """Every date of a cycle, for the council office and the secretaries."""
    title = cycle.title
    return [
        _event(cycle, "submission", cycle.submission_deadline,
               _("Frist for innsending – %(title)s", title=title),
               _("Kontaktpersonene sender inn vurderingene sine."),
               "cycles.dashboard", year=cycle.year),
        _event(cycle, "review", cycle.review_deadline,
               _("Frist for behandling – %(title)s", title=title),
               _("Vurderingene skal være ferdig behandlet."), "cycles.dashboard", year=cycle.year),
        council_meeting(cycle, "cycles.dashboard", year=cycle.year),
    ]


def commissioner_events(cycle: Cycle, assessments: list[Assessment]) -> list[CalendarEvent | None]:
    """The review deadline (when the cycle has a sign-off step) and the council meeting."""
    review = None
    if cycle.requires_sign_off:
        review = _event(
            cycle, "review", cycle.review_deadline,
            ngettext("Frist for godkjenning: %(num)d arena – %(title)s",
                     "Frist for godkjenning: %(num)d arenaer – %(title)s",
                     len(assessments), title=cycle.title),
            _("Vurderinger du skal godkjenne:") + "\n" + _arena_list(assessments),
            "assessments.sign_off_list")
    return [review, council_meeting(cycle, "assessments.sign_off_list")]


def contact_events(cycle: Cycle, assessments: list[Assessment]) -> list[CalendarEvent | None]:
    """The submission deadline, naming how many arenas, and the council meeting."""
    return [
        _event(cycle, "submission", cycle.submission_deadline,
               ngettext("Frist for innsending: %(num)d arena – %(title)s",
                        "Frist for innsending: %(num)d arenaer – %(title)s",
                        len(assessments), title=cycle.title),
               _("Vurderinger du skal sende inn:") + "\n" + _arena_list(assessments),
               "assessments.mine"),
        council_meeting(cycle, "assessments.mine"),
    ]


def overview_cycles() -> list[Cycle]:
    """Cycles being prepared or under way."""
    return list(db.session.scalars(
        sa.select(Cycle).where(Cycle.status.in_(OVERVIEW_CYCLE_STATES)).order_by(Cycle.year)))


def events_for(user: User) -> list[CalendarEvent]:
    """The user's events, by date. A more specific event replaces a general one (same UID)."""
    found: list[CalendarEvent | None] = []
    if user.has_role(Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY):
        for cycle in overview_cycles():
            found += office_events(cycle)
    if user.has_role(Role.COMMISSIONER):
        for cycle, items in _by_cycle(assessments_awaiting_sign_off(user)).items():
            found += commissioner_events(cycle, items)
    if user.has_role(Role.CONTACT):
        for cycle, items in _by_cycle(assessments_for_contact(user)).items():
            found += contact_events(cycle, items)
    unique = {event.uid: event for event in found if event is not None}
    return sorted(unique.values(), key=lambda e: (e.day, e.uid))
