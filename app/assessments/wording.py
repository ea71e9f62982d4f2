"""The words the assessment page uses about the earlier year, the history and the conflict
view: "i fjor" only when the compared cycle is last year's, and never a stored key."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.labels import FIELD_NAMES, STATE_LABELS
from app.models import Assessment
from app.templating import locale_code, org_word
from workflows.assessment import AssessmentState


def compared_words(assessment: Assessment, previous: Assessment | None) -> dict[str, str]:
    """The phrases that name the compared cycle: last year's, or the year it was."""
    if previous is None:
        return {"none": _("Ingen tidligere vurdering")}
    year = previous.cycle.year
    if year == assessment.cycle.year - 1:
        return {
            "heading": _("Fjorårets svar"), "changed": _("Endret fra i fjor"),
            "unanswered": _("Ikke besvart i fjor"), "cost": _("Fjorårets kostnad"),
            "recommendation": _("Fjorårets anbefaling"),
            "unchanged_question": _("Ingen endring siden i fjor?"),
            "unchanged_explained": _("Fjorårets svar blir årets svar, og vurderingen sendes "
                                     "inn. Den behandles som vanlig."),
            "unchanged_button": _("Bekreft fjorårets vurdering"),
            "unchanged_confirmed": _("Kontaktpersonen har bekreftet at ingenting er endret "
                                     "siden i fjor:"),
            "decision_differs": _("Vedtaket i fjor avvek fra anbefalingen"),
            "summary": _("Fjorårets vurdering (%(year)s)", year=year),
        }
    return {
        "heading": _("Svar fra %(year)s", year=year),
        "changed": _("Endret siden %(year)s", year=year),
        "unanswered": _("Ikke besvart i %(year)s", year=year),
        "cost": _("Kostnad i %(year)s", year=year),
        "recommendation": _("Anbefaling i %(year)s", year=year),
        "unchanged_question": _("Ingen endring siden %(year)s?", year=year),
        "unchanged_explained": _("Svarene fra %(year)s blir årets svar, og vurderingen sendes "
                                 "inn. Den behandles som vanlig.", year=year),
        "unchanged_button": _("Bekreft vurderingen fra %(year)s", year=year),
        "unchanged_confirmed": _("Kontaktpersonen har bekreftet at ingenting er endret siden "
                                 "%(year)s:", year=year),
        "decision_differs": _("Vedtaket i %(year)s avvek fra anbefalingen", year=year),
        "summary": _("Vurderingen fra %(year)s", year=year),
    }


def field_label(assessment: Assessment, name: str) -> str:
    """A readable name for a stored or form field name ('yearly_cost', 'influence',
    'influence_text'); an unknown name gets a general word, never the key itself."""
    if name in FIELD_NAMES:
        return str(FIELD_NAMES[name])
    criteria = {c.key: c for c in assessment.cycle.criteria_set.criteria}
    if name in criteria:
        return criteria[name].label(locale_code())
    key, _sep, part = name.rpartition("_")
    if key in criteria:
        suffix = _("begrunnelse") if part == "text" else _("vurdering")
        return f"{criteria[key].label(locale_code())} ({suffix})"
    return _("Annet felt")


def shown_value(field, value: Any) -> str:
    """A form value as the user reads it: a choice's label, not its stored value."""
    if value is None or value == "" or value == []:
        return ""
    choices = dict(_pair(c) for c in (getattr(field, "choices", None) or []))
    if isinstance(value, list | tuple):
        return ", ".join(_choice(choices, v) for v in value)
    return _choice(choices, value)


def _pair(choice: Any) -> tuple[str, str]:
    """(value, label) of a WTForms SelectChoice or a plain (value, label) pair."""
    if isinstance(choice, list | tuple):
        value, label = choice[0], choice[1]
    else:
        value, label = choice.value, choice.label
    return str(getattr(value, "value", value)), str(label)


def _choice(choices: dict[str, str], value: Any) -> str:
    key = str(getattr(value, "value", value))
    return choices.get(key, key)


def holder_of(state: AssessmentState) -> str | None:
    """Who has an assessment in `state` now, in the municipality's words (mid-sentence)."""
    if state in (AssessmentState.DRAFT, AssessmentState.RETURNED):
        return _("kontaktpersonen")
    if state == AssessmentState.SUBMITTED:
        return org_word("head_label")
    if state in (AssessmentState.IN_REVIEW, AssessmentState.APPROVED):
        return org_word("council_office_label")
    return None


def transition_done(name: str, target: AssessmentState) -> str:
    """The flash after a transition: what happened and who has the assessment now."""
    who = holder_of(target)
    messages = {
        "submit": _("Vurderingen er sendt inn og venter nå på godkjenning fra %(who)s.",
                    who=who),
        "submit_for_review": _("Vurderingen er sendt inn til %(who)s.", who=who),
        "sign_off": _("Godkjent og sendt til %(who)s.", who=who),
        "send_back": _("Sendt tilbake til %(who)s med kommentaren din.", who=who),
        "return_for_changes": _("Sendt tilbake til %(who)s med kommentaren din.", who=who),
        "approve": _("Godkjent. Vurderingen ligger hos %(who)s til den er avgjort.", who=who),
        "reopen_review": _("Behandlingen er gjenåpnet. Vurderingen ligger hos %(who)s.",
                           who=who),
        "confirm_recommendation": _("Anbefalingen blir stående, og vurderingen er avgjort."),
        "record_decision": _("Vedtaket er registrert, og vurderingen er avgjort."),
    }
    return messages.get(name) or _("Vurderingen er nå: %(state)s.", state=STATE_LABELS[target])
