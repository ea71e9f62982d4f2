"""The yearly assessment form, built from the cycle's frozen criteria set."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app import labels
from app.assessments.operations import AnswerInput
from app.models import PARTICIPANT_GROUPS, CriteriaSet, CriterionKind
from app.models import Recommendation as Rec

TEXT_MAX = 5000
# An unanswered choice may be left out, but a blank (" ") is not a choice: plain Optional()
# would let it through as the value.
CHOICE_OPTIONAL = Optional(strip_whitespace=False)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice (rendered as a fieldset by the field macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


COST_MESSAGE = _l("Skriv den årlige kostnaden som et helt beløp i kroner, 0 eller mer, "
                  "for eksempel 25000.")


class KronerField(IntegerField):
    """A whole amount in kroner. "25 000" is read as 25000; anything else that is not a whole
    number gets one message in a full sentence (not WTForms' own and the range's together).
    A text input (with inputmode numeric in the template), not type=number: a browser sends
    an amount it cannot read as a number as empty, so "12 000" would be lost without a word."""

    widget = widgets.TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [str(v).replace(" ", "").replace("\u00a0", "") for v in valuelist]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(COST_MESSAGE) from None

    def post_validate(self, form, validation_stopped):
        # The parse error and the range check say the same thing: keep it once.
        self.errors = list(dict.fromkeys(str(e) for e in self.errors))


def _choices(mapping) -> list[SelectChoice]:
    # SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples (and 3.4 drops them)
    return [SelectChoice(key.value if hasattr(key, "value") else key, text)
            for key, text in mapping.items()]


class AssessmentBaseForm(FlaskForm):
    """Fields every cycle has; criteria fields are added per criteria set."""

    # The version the form was loaded with; a tampered value is a 400, not a crash in int().
    # \Z, not $: $ also matches before a final newline, and int("\n") fails.
    version = HiddenField(_l("Versjon"), validators=[
        Regexp(r"^\d*\Z", message=_l("Skjemaet er ugyldig. Last siden på nytt."))])
    yearly_cost = KronerField(
        _l("Årlig kostnad (kr)"),
        validators=[Optional(), NumberRange(min=0, max=10**9, message=COST_MESSAGE)],
    )
    recommendation = RadioField(_l("Anbefaling"), choices=_choices(labels.RECOMMENDATION_LABELS),
                                validators=[CHOICE_OPTIONAL])
    recommendation_reason = TextAreaField(_l("Begrunnelse for anbefalingen"),
                                          validators=[Length(max=TEXT_MAX)])


def assessment_form_class(criteria_set: CriteriaSet) -> type[AssessmentBaseForm]:
    """A form class with one group of fields per criterion."""
    attrs: dict = {}
    for criterion in criteria_set.criteria:
        key = criterion.key
        if criterion.kind == CriterionKind.PARTICIPATION:
            attrs[f"{key}_value"] = RadioField(
                criterion.label_nb, choices=_choices(labels.PARTICIPATION_LABELS),
                validators=[CHOICE_OPTIONAL])
            attrs[f"{key}_participants"] = MultiCheckboxField(
                _l("Hvem deltar"), choices=_choices(labels.PARTICIPANT_LABELS),
                validators=[Optional()])
        elif criterion.kind == CriterionKind.RATING:
            attrs[f"{key}_value"] = RadioField(
                criterion.label_nb, choices=_choices(labels.RATING_LABELS),
                validators=[CHOICE_OPTIONAL])
        attrs[f"{key}_text"] = TextAreaField(criterion.label_nb, validators=[Length(max=TEXT_MAX)])
    return type("AssessmentForm", (AssessmentBaseForm,), attrs)


def form_data_from(assessment) -> dict:
    """Initial form values from a stored assessment."""
    data = {
        "version": assessment.version,
        "yearly_cost": assessment.yearly_cost,
        "recommendation": assessment.recommendation.value if assessment.recommendation else None,
        "recommendation_reason": assessment.recommendation_reason,
    }
    for criterion in assessment.cycle.criteria_set.criteria:
        answer = assessment.answer(criterion.key)
        data[f"{criterion.key}_value"] = answer.get("value")
        data[f"{criterion.key}_participants"] = answer.get("participants") or []
        data[f"{criterion.key}_text"] = answer.get("text", "")
    return data


def answer_input_from(form: AssessmentBaseForm, criteria_set: CriteriaSet) -> AnswerInput:
    """The validated form as the operation's input."""
    answers = {}
    for criterion in criteria_set.criteria:
        key = criterion.key
        answer = {"text": (form[f"{key}_text"].data or "").strip()}
        if criterion.kind != CriterionKind.TEXT:
            answer["value"] = form[f"{key}_value"].data or None
        if criterion.kind == CriterionKind.PARTICIPATION:
            answer["participants"] = [
                p for p in PARTICIPANT_GROUPS if p in (form[f"{key}_participants"].data or [])
            ]
        answers[key] = answer
    recommendation = form.recommendation.data
    return AnswerInput(
        answers=answers,
        yearly_cost=form.yearly_cost.data,
        recommendation=Rec(recommendation) if recommendation else None,
        recommendation_reason=form.recommendation_reason.data or "",
    )


class TransitionForm(FlaskForm):
    """Which transition to take, with an optional comment and the version seen."""

    transition = HiddenField(validators=[InputRequired()])
    comment = TextAreaField(_l("Kommentar"), validators=[Length(max=TEXT_MAX)])



class SignOffManyForm(FlaskForm):
    """The commissioner's list: the assessments checked for sign-off at once."""

    assessment_ids = SelectMultipleField(_l("Velg"), coerce=str, validate_choice=False)

    def chosen_ids(self) -> list[int]:
        """The checked ids that are whole numbers (anything else is not an assessment)."""
        return [int(v) for v in (self.assessment_ids.data or []) if str(v).isdigit()][:500]
