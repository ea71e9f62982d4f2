"""The vote form: totals, an optional grid per party group and an optional grid per member.

Field names: `party_<id>_for|against|abstain` and `member_<id>`, so error messages from the
pure rules land next to the right input.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.assessments.forms import MultiCheckboxField
from app.council.forms import REQUIRED, TEXT_MAX, choices
from app.council.labels import CHOICE_LABELS, RESULT_LABELS, VOTE_KIND_LABELS
from app.models.council import CouncilTerm, Vote
from workflows.votes import Choice, PartyCount, VoteInput, VoteKind

PARTY_COLUMNS = (("for", Choice.FOR), ("against", Choice.AGAINST), ("abstain", Choice.ABSTAIN))
COUNT = [Optional(), NumberRange(min=0, max=1000, message=_l("Oppgi et helt tall, 0 eller mer."))]


class VoteBaseForm(FlaskForm):
    """The fields every vote has."""

    kind = RadioField(_l("Hvordan ble det stemt?"), choices=choices(VOTE_KIND_LABELS),
                      default=VoteKind.COUNTS.value, validators=[InputRequired(REQUIRED)])
    present = IntegerField(_l("Medlemmer til stede"), validators=[
        InputRequired(REQUIRED), NumberRange(min=0, max=1000)])
    votes_for = IntegerField(_l("Stemmer for"), validators=COUNT)
    votes_against = IntegerField(_l("Stemmer mot"), validators=COUNT)
    votes_abstain = IntegerField(_l("Avholdende"), validators=COUNT)
    chair_vote = SelectField(_l("Møteleders dobbeltstemme ved stemmelikhet"), choices=[
        SelectChoice("", _l("Ikke brukt")), SelectChoice(Choice.FOR.value, _l("For")),
        SelectChoice(Choice.AGAINST.value, _l("Mot"))], default="")
    entered_result = RadioField(_l("Resultat slik møteleder kunngjorde det"),
                                choices=choices(RESULT_LABELS),
                                validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(_l("Hvorfor stemmegivningen rettes"),
                           validators=[Length(max=TEXT_MAX)])


MEMBER_CHOICES = [SelectChoice("", _l("Ikke registrert"))] + choices(CHOICE_LABELS)


def vote_form_class(term: CouncilTerm) -> type[VoteBaseForm]:
    """A vote form with a row per party group and a choice per member of `term`."""
    attrs: dict = {}
    for party in term.party_groups:
        for suffix, choice in PARTY_COLUMNS:
            attrs[f"party_{party.id}_{suffix}"] = IntegerField(
                f"{party.name}: {CHOICE_LABELS[choice]}", validators=COUNT)
    for member in term.members:
        attrs[f"member_{member.id}"] = SelectField(member.name, choices=MEMBER_CHOICES,
                                                   default="")
    return type("VoteForm", (VoteBaseForm,), attrs)


def block_vote_form_class(term: CouncilTerm) -> type[VoteBaseForm]:
    """The vote form with a choice of the items the council voted on together.

    Posted ids are not limited to the offered choices: the operation checks them and names an
    item that can not join (already voted on) instead of a bare "not a valid choice".
    """
    items = MultiCheckboxField(_l("Arenaer det ble stemt over samlet"), coerce=int,
                               validate_choice=False,
                               validators=[DataRequired(_l("Velg minst to arenaer."))])
    return type("BlockVoteForm", (vote_form_class(term),), {"items": items})


def _count(form: VoteBaseForm, name: str) -> int:
    return form[name].data or 0


def vote_input_from(form: VoteBaseForm, term: CouncilTerm) -> VoteInput:
    """The validated form as the pure rules' input (grids left empty are not used)."""
    parties = []
    for party in term.party_groups:
        names = [f"party_{party.id}_{suffix}" for suffix, _choice in PARTY_COLUMNS]
        if any(form[n].data is not None for n in names):
            parties.append(PartyCount(party.id, *(_count(form, n) for n in names)))
    members = tuple((m.id, Choice(form[f"member_{m.id}"].data)) for m in term.members
                    if form[f"member_{m.id}"].data)
    chair = form.chair_vote.data
    return VoteInput(kind=VoteKind(form.kind.data), present=form.present.data or 0,
                     votes_for=_count(form, "votes_for"),
                     against=_count(form, "votes_against"),
                     abstain=_count(form, "votes_abstain"),
                     chair_vote=Choice(chair) if chair else None, parties=tuple(parties),
                     members=members)


def vote_form_data(vote: Vote | None) -> dict:
    """Initial values: the current vote when correcting, else empty."""
    if vote is None:
        return {}
    data = {"kind": vote.kind.value, "present": vote.present, "votes_for": vote.votes_for,
            "votes_against": vote.votes_against, "votes_abstain": vote.votes_abstain,
            "chair_vote": vote.chair_vote.value if vote.chair_vote else "",
            "entered_result": vote.entered_result.value}
    for row in vote.party_votes:
        data |= {f"party_{row.party_group_id}_for": row.votes_for,
                 f"party_{row.party_group_id}_against": row.votes_against,
                 f"party_{row.party_group_id}_abstain": row.votes_abstain}
    data |= {f"member_{row.member_id}": row.choice.value for row in vote.member_votes}
    return data
