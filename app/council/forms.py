"""Forms of the council pages: terms and members, cases, items, proposals and decisions.

The vote form (one field per party group and member) is in vote_forms.py.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app import labels
from app.assessments.forms import CHOICE_OPTIONAL, MultiCheckboxField
from app.council.labels import PROPOSAL_KIND_LABELS, RULE_LABELS
from app.council.operations import CaseInput, DecisionInput, ProposalInput
from app.council.routing import Route
from app.input_guard import single_line
from app.models import DecisionOutcome, Recommendation
from app.models.council import ProposalKind
from workflows.votes import RuleName

TEXT_MAX = 5000
REQUIRED = _l("Feltet må fylles ut.")


def choices(mapping) -> list[SelectChoice]:
    """SelectChoice options from a {code: label} mapping (enum codes become their values)."""
    return [SelectChoice(getattr(key, "value", key), text) for key, text in mapping.items()]


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""


class FollowUpToggleForm(FlaskForm):
    """Mark a follow-up task done ("1") or not done ("0")."""

    done = HiddenField(validators=[AnyOf(("0", "1"))])


class TermForm(FlaskForm):
    """A new council term."""

    name = StringField(_l("Navn på perioden"), validators=[DataRequired(REQUIRED),
                                                          Length(max=200)])
    starts_on = DateField(_l("Første dag"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Siste dag"), validators=[Optional()])
    seats = IntegerField(_l("Antall seter"), validators=[InputRequired(REQUIRED),
                                                         NumberRange(min=1, max=1000)])
    copy_from = SelectField(_l("Start fra en tidligere periode"), validators=[CHOICE_OPTIONAL])

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.copy_from.choices = [SelectChoice("", _l("Nei, start med en tom periode"))] + [
            SelectChoice(str(t.id), t.name) for t in terms]


class PartyGroupForm(FlaskForm):
    """A party group in a term."""

    name = StringField(_l("Partigruppe"), id="party-name",
                       validators=[DataRequired(REQUIRED), Length(max=120)])


class MemberForm(FlaskForm):
    """One member with party group and seat."""

    name = StringField(_l("Navn"), id="member-name",
                       validators=[DataRequired(REQUIRED), Length(max=200)])
    party_group = SelectField(_l("Partigruppe"), coerce=int, id="member-party_group",
                              validators=[InputRequired(REQUIRED)])
    seat = IntegerField(_l("Sete"), id="member-seat",
                        validators=[InputRequired(REQUIRED), NumberRange(min=1)])

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.party_group.choices = [SelectChoice(p.id, p.name) for p in term.party_groups]


class MemberImportForm(FlaskForm):
    """A CSV file of members."""

    file = FileField(_l("CSV-fil med medlemmer"), validators=[FileRequired(_l("Velg en fil."))])


class CaseForm(FlaskForm):
    """A council case."""

    cycle = SelectField(_l("Gjennomgang"), coerce=int, validators=[InputRequired(REQUIRED)])
    term = SelectField(_l("Valgperiode"), coerce=int, validators=[InputRequired(REQUIRED)])
    case_number = StringField(_l("Saksnummer"), validators=[DataRequired(REQUIRED),
                                                           Length(max=30)])
    meeting_date = DateField(_l("Møtedato"), validators=[InputRequired(REQUIRED)])
    archive_reference = StringField(_l("Arkivreferanse"), validators=[Length(max=100)])
    title = StringField(_l("Tittel"), validators=[DataRequired(REQUIRED), Length(max=300),
                                                  single_line])
    description = TextAreaField(_l("Merknad"), validators=[Length(max=TEXT_MAX)])

    def __init__(self, *args, cycles=(), terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._terms = list(terms)
        self.cycle.choices = [SelectChoice(c.id, c.title) for c in cycles]
        self.term.choices = [SelectChoice(t.id, t.name) for t in self._terms]

    def validate_meeting_date(self, field):
        """The meeting must fall within the chosen term."""
        term = next((t for t in self._terms if t.id == self.term.data), None)
        if field.data and term and not term.covers(field.data):
            raise ValidationError(_l("Møtedatoen ligger utenfor valgperioden."))

    def to_input(self) -> CaseInput:
        """The validated form as the operation's input."""
        return CaseInput(self.cycle.data, self.term.data, self.case_number.data,
                         self.meeting_date.data, self.archive_reference.data or "",
                         self.title.data, self.description.data or "")


class ItemsForm(FlaskForm):
    """Which routed assessments the case covers."""

    assessments = MultiCheckboxField(_l("Arenaer sendt til behandling"), coerce=int,
                                     validators=[DataRequired(_l("Velg minst én arena."))])

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assessments.choices = [SelectChoice(a.id, a.arena.name) for a in candidates]


class ProposalForm(FlaskForm):
    """The innstilling or an alternative proposal."""

    kind = RadioField(_l("Type forslag"), choices=choices(PROPOSAL_KIND_LABELS),
                      id="proposal-kind", validators=[InputRequired(REQUIRED)])
    outcome = RadioField(_l("Forslaget går ut på"), choices=choices(labels.RECOMMENDATION_LABELS),
                         id="proposal-outcome", validators=[InputRequired(REQUIRED)])
    text = TextAreaField(_l("Forslagstekst"), id="proposal-text",
                         validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    proposer = StringField(_l("Fremmet av"), id="proposal-proposer",
                           validators=[Length(max=200)])
    party_group = SelectField(_l("Partigruppe"), id="proposal-party_group",
                              validators=[CHOICE_OPTIONAL])
    majority_rule = SelectField(_l("Flertallskrav"), choices=choices(RULE_LABELS),
                                id="proposal-majority_rule", default=RuleName.SIMPLE.value)

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.party_group.choices = [SelectChoice("", _l("Ingen"))] + [
            SelectChoice(str(p.id), p.name) for p in term.party_groups]

    def to_input(self) -> ProposalInput:
        """The validated form as the operation's input."""
        party = self.party_group.data
        return ProposalInput(ProposalKind(self.kind.data), Recommendation(self.outcome.data),
                             self.text.data or "", RuleName(self.majority_rule.data),
                             self.proposer.data or "", int(party) if party else None)


class DecisionForm(FlaskForm):
    """The council's decision on an item."""

    outcome = RadioField(_l("Vedtak"), choices=choices(labels.DECISION_LABELS),
                         id="decision-outcome", validators=[InputRequired(REQUIRED)])
    text = TextAreaField(_l("Vedtakstekst"), id="decision-text",
                         validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)])
    effective_date = DateField(_l("Gjelder fra"), id="decision-effective_date",
                               validators=[InputRequired(REQUIRED)])

    def to_input(self) -> DecisionInput:
        """The validated form as the operation's input."""
        return DecisionInput(DecisionOutcome(self.outcome.data), self.text.data or "",
                             self.effective_date.data)


class DecisionCorrectionForm(DecisionForm):
    """A corrected decision, with the reason for correcting it."""

    reason = TextAreaField(_l("Hvorfor vedtaket rettes"), id="decision-reason", validators=[
        DataRequired(REQUIRED), Length(max=TEXT_MAX)])


ROUTE_LABELS = {
    Route.OPEN: _l("Ikke avgjort ennå"),
    Route.COUNCIL: _l("Til politisk behandling"),
    Route.SETTLE: _l("Anbefalingen blir stående"),
}


def routing_form_class(assessments) -> type[FlaskForm]:
    """A form with one route choice per approved assessment (`route_<id>`; left out: as is)."""
    attrs = {f"route_{a.id}": RadioField(a.arena.name, choices=choices(ROUTE_LABELS),
                                         validators=[CHOICE_OPTIONAL])
             for a in assessments}
    return type("RoutingForm", (FlaskForm,), attrs)
