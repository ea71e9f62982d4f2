"""Filters and globals the templates use; no logic beyond formatting lives in templates."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import labels
from app.extensions import db
from app.listing import fill_rows
from app.models import Organisation
from workflows.assessment import ASSESSMENT_WORKFLOW
from workflows.roles import Role


def locale_code() -> str:
    """'nb' or 'en'."""
    return str(get_locale() or "nb")[:2]


def organisation() -> Organisation:
    """The municipality (cached per request); an unsaved default when none exists yet."""
    if "organisation" not in g:
        g.organisation = db.session.scalar(db.select(Organisation).limit(1)) or Organisation(
            name="Kommunen", labels={}
        )
    return g.organisation


def org_label(key: str) -> str:
    """The municipality's word for `key` (e.g. head_label → "Byråd")."""
    return organisation().label(key, locale_code())


def label_gender(org: Organisation, key: str) -> str:
    """The bokmål gender stored with the word `key` ("m" or "n"); "m" when none is."""
    gender = ((org.labels or {}).get(key) or {}).get("gender")
    return gender if gender in labels.GENDERS else "m"


def org_word(key: str) -> str:
    """The municipality's word for `key` as written mid-sentence (lower case)."""
    return org_label(key).lower()


def new_label(key: str) -> str:
    """"Ny sektor", "Nytt kommunalområde" (bokmål by gender), "New service area"."""
    word = org_word(key)
    if locale_code() == "en":
        return _("Ny %(word)s", word=word)
    if is_neuter(key):
        return _("Nytt %(word)s", word=word)
    return _("Ny %(word)s", word=word)


def is_neuter(key: str) -> bool:
    """True when the municipality's word for `key` is neuter on bokmål (takes "et", "nytt")."""
    return label_gender(organisation(), key) == "n"


def role_label(role: Role) -> str:
    """The display name of a role; two of them are the municipality's own words."""
    if role == Role.COMMISSIONER:
        return org_label("head_label")
    if role == Role.COUNCIL_OFFICE:
        return org_label("council_office_label")
    return str(labels.ROLE_LABELS[role])


def available_transitions(obj) -> list:
    """The transitions the current user may take on an assessment now (the buttons)."""
    if not current_user.is_authenticated:
        return []
    return ASSESSMENT_WORKFLOW.available(obj, current_user)


def cycle_steering(cycle) -> dict:
    """The lifecycle buttons (and, for a planned cycle, what blocks opening) for the office."""
    from app.cycles.lifecycle import subject_for
    from workflows.cycle import CYCLE_WORKFLOW, DOCUMENT_STEPS

    subject = subject_for(cycle)
    return {"actions": [t for t in CYCLE_WORKFLOW.available(subject, current_user)
                        if t.name not in DOCUMENT_STEPS],
            "problems": subject.problems}


def nok(value: int | None) -> str:
    """An amount in kroner, thousands split by no-break spaces ("12 500 kr")."""
    return f"{value:,}".replace(",", "\u00a0") + " kr" if value is not None else ""


def _lookup(mapping):
    def label(value):
        return str(mapping.get(value, value)) if value is not None else ""

    return label


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        date=lambda d, fmt="long": format_date(d, fmt) if d else "",
        datetime=lambda d, fmt="short": format_datetime(d, fmt) if d else "",
        state_label=_lookup(labels.STATE_LABELS),
        state_colour=_lookup(labels.STATE_COLOURS),
        recommendation_label=_lookup(labels.DECISION_LABELS),
        participation_label=_lookup(labels.PARTICIPATION_LABELS),
        participant_label=_lookup(labels.PARTICIPANT_LABELS),
        rating_label=_lookup(labels.RATING_LABELS),
        arena_kind_label=_lookup(labels.ARENA_KIND_LABELS),
        arena_status_label=_lookup(labels.ARENA_STATUS_LABELS),
        arena_status_colour=_lookup(labels.ARENA_STATUS_COLOURS),
        cycle_status_label=_lookup(labels.CYCLE_STATUS_LABELS),
        transition_label=_lookup(labels.TRANSITION_LABELS),
        action_label=_lookup(labels.ACTION_LABELS),
        cycle_transition_label=_lookup(labels.CYCLE_TRANSITION_LABELS),
        actor_label=lambda event: event.actor_name if event.actor_id else _("Systemet"),
        field_name=_lookup(labels.FIELD_NAMES),
        role_label=role_label,
        nok=nok,
        fill_rows=fill_rows,
    )
    app.jinja_env.globals.update(
        org_label=org_label,
        org_word=org_word,
        new_label=new_label,
        is_neuter=is_neuter,
        organisation=organisation,
        locale_code=locale_code,
        available_transitions=available_transitions,
        cycle_steering=cycle_steering,
        Role=Role,
    )
