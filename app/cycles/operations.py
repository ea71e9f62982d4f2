"""Operations on cycles: create one from nothing, change its settings."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.cycles.criteria import build_criteria_set
from app.errors import NotPermitted, ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaStatus, CriteriaSet, Cycle
from workflows.cycle import CycleStatus
from workflows.reminders import ReminderSchedule
from workflows.roles import Role

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


# --------------------------------------------------------------------------- a new cycle
YEAR_MIN, YEAR_MAX = 1900, 2200
TITLE_MAX = 300
DATE_FIELDS = ("submission_deadline", "review_deadline", "council_meeting_date")


class CycleYearTaken(ValidationFailed):
    """A cycle for this year exists already (the API answers 409)."""

    def __init__(self, year: int):
        super().__init__({"year": _("Det finnes allerede en gjennomgang for %(year)s.",
                                    year=year)})


def year_taken(year: int) -> bool:
    """True when a cycle for `year` exists."""
    return db.session.scalar(sa.select(Cycle.id).where(Cycle.year == year)) is not None


def register_arenas() -> list[Arena]:
    """The register's active arenas (members or proposed, not archived): what a new cycle
    reviews."""
    return list(db.session.scalars(
        sa.select(Arena).where(Arena.status.in_([ArenaStatus.MEMBER, ArenaStatus.PROPOSED]),
                               Arena.is_archived.is_(False)).order_by(Arena.name)))


def default_title(year: int) -> str:
    """The title a cycle gets when none is given (stored data, so in Norwegian)."""
    return f"Gjennomgang {year}"


def _creation_errors(year: Any, title: str, dates: dict[str, date | None]) -> dict[str, str]:
    """What is wrong with a new cycle's year, title and dates (empty when nothing)."""
    errors = {}
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("Skriv et årstall fra %(low)s til %(high)s.", low=YEAR_MIN,
                           high=YEAR_MAX)
    if len(title) > TITLE_MAX:
        errors["title"] = _("Tittelen kan ha høyst %(n)s tegn.", n=TITLE_MAX)
    for name, value in dates.items():
        if value is not None and not isinstance(value, date):
            errors[name] = _("Skriv datoen som ÅÅÅÅ-MM-DD.")
    if errors:
        return errors
    submission = dates["submission_deadline"]
    if submission and dates["review_deadline"] and dates["review_deadline"] < submission:
        errors["review_deadline"] = _(
            "Fristen for behandling kan ikke være før innsendingsfristen.")
    if submission and dates["council_meeting_date"] and \
            dates["council_meeting_date"] < submission:
        errors["council_meeting_date"] = _(
            "Møtedatoen kan ikke være før innsendingsfristen.")
    return errors


def _next_criteria_version() -> int:
    return (db.session.scalar(sa.select(sa.func.max(CriteriaSet.version))) or 0) + 1


def create_cycle(actor: Any, year: Any, title: str = "", *,
                 submission_deadline: date | None = None, review_deadline: date | None = None,
                 council_meeting_date: date | None = None,
                 requires_sign_off: bool = True) -> Cycle:
    """A planned cycle for `year` that needs no earlier one: the product's default criteria
    (a set of its own, to edit before opening), every active arena of the register, the
    default reminder schedule. Nothing is carried forward until it opens."""
    if actor is not None and not actor.has_role(Role.COUNCIL_OFFICE, Role.ADMIN):
        raise NotPermitted("create_cycle")
    title = (title or "").strip()
    dates = {"submission_deadline": submission_deadline, "review_deadline": review_deadline,
             "council_meeting_date": council_meeting_date}
    if errors := _creation_errors(year, title, dates):
        raise ValidationFailed(errors)
    if year_taken(year):
        raise CycleYearTaken(year)
    arenas = register_arenas()
    criteria_set = build_criteria_set(f"Kriterier {year}",
                                      _next_criteria_version())
    cycle = Cycle(year=year, title=title or default_title(year), status=CycleStatus.PLANNED,
                  criteria_set=criteria_set, arenas=arenas,
                  requires_sign_off=bool(requires_sign_off), archive_reference="", **dates)
    db.session.add(cycle)
    db.session.flush()
    audit.record(actor, "cycle", cycle.id, "cycle_created", to_state=cycle.status,
                 arenas=len(arenas), criteria_set_id=criteria_set.id)
    return cycle
