"""Norwegian messages for what the vote and decision rules refuse (workflows/votes.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from app.council.labels import CHOICE_COUNT_LABELS
from workflows.votes import Choice, Problem

# The vote form's field for each problem field of the pure rules.
FORM_FIELDS = {"against": "votes_against", "abstain": "votes_abstain", "parties": "party-grid",
               "members": "member-grid"}


def form_field(problem_field: str) -> str:
    """The form field (or grid anchor) a problem belongs to."""
    if problem_field.startswith("party_"):
        return f"{problem_field}_for"
    return FORM_FIELDS.get(problem_field, problem_field)


def _choice(value: object) -> str:
    return str(CHOICE_COUNT_LABELS[Choice(value)])


def _count_messages(p: Problem, names: Mapping[str, str]) -> str | None:
    q = p.params
    messages = {
        "negative": lambda: _("Tallet kan ikke være negativt."),
        "none_present": lambda: _("Oppgi hvor mange medlemmer som var til stede."),
        "present_exceeds_seats": lambda: _(
            "Det kan ikke være flere til stede (%(present)s) enn det er seter (%(seats)s).",
            present=q["present"], seats=q["seats"]),
        "votes_exceed_present": lambda: _(
            "Stemmene for, mot og avholdende er %(votes)s til sammen, men bare %(present)s "
            "var til stede.", votes=q["votes"], present=q["present"]),
        "invalid_chair_vote": lambda: _("Møteleders dobbeltstemme må være for eller mot."),
        "unknown_party": lambda: _("Partigruppen finnes ikke i denne perioden."),
        "party_twice": lambda: _("Partigruppen er oppgitt to ganger."),
        "party_exceeds_seats": lambda: _(
            "%(party)s har %(seats)s seter, men %(votes)s stemmer er oppgitt.",
            party=names.get(f"party_{q['party']}", ""), seats=q["seats"], votes=q["votes"]),
        "party_sum_mismatch": lambda: _(
            "Partigruppene har til sammen %(sum)s %(choice)s, men totalen er %(total)s.",
            sum=q["sum"], choice=_choice(q["choice"]), total=q["total"]),
    }
    return messages[p.code]() if p.code in messages else None


def _member_messages(p: Problem, names: Mapping[str, str]) -> str | None:
    q = p.params
    messages = {
        "member_twice": lambda: _("%(member)s har fått mer enn én stemme.",
                                  member=names.get(f"member_{q['member']}", "")),
        "unknown_member": lambda: _("Medlemmet finnes ikke i denne perioden."),
        "members_missing": lambda: _(
            "Velg stemme eller «ikke til stede» for alle medlemmene (%(missing)s mangler).",
            missing=q["missing"]),
        "member_sum_mismatch": lambda: _(
            "Medlemmenes stemmer gir %(sum)s %(choice)s, men totalen er %(total)s.",
            sum=q["sum"], choice=_choice(q["choice"]), total=q["total"]),
        "member_present_mismatch": lambda: _(
            "%(attending)s medlemmer er markert som til stede, men %(present)s er oppgitt.",
            attending=q["attending"], present=q["present"]),
        "member_party_mismatch": lambda: _(
            "%(party)s: medlemmenes stemmer gir %(members)s %(choice)s, men partiets tall er "
            "%(count)s.", party=names.get(f"party_{q['party']}", ""), members=q["members"],
            choice=_choice(q["choice"]), count=q["count"]),
    }
    return messages[p.code]() if p.code in messages else None


def _decision_messages(p: Problem, names: Mapping[str, str]) -> str | None:
    label = names.get(p.field, "")
    messages = {
        "no_proposals": lambda: _("Registrer innstillingen og stemmegivningen først."),
        "not_voted": lambda: _("«%(proposal)s» mangler stemmegivning.", proposal=label),
        "result_mismatch": lambda: _(
            "Resultatet som er registrert for «%(proposal)s», stemmer ikke med "
            "flertallsregelen. Rett stemmegivningen først.", proposal=label),
        "outcome_not_adopted": lambda: _(
            "Utfallet må være det et vedtatt forslag ber om."),
        "nothing_adopted": lambda: _(
            "Ingen forslag er vedtatt. Vedtaket er «Forslaget falt – ingen endring»."),
        "proposal_adopted": lambda: _(
            "Et forslag er vedtatt, så vedtaket må følge det. «Ingen endring» gjelder bare "
            "når alle forslag falt."),
    }
    return messages[p.code]() if p.code in messages else None


def problem_message(problem: Problem, names: Mapping[str, str] | None = None) -> str:
    """One problem in Norwegian; `names` maps "party_<id>", "member_<id>" and
    "proposal_<id>" to what the page calls them."""
    names = names or {}
    for lookup in (_count_messages, _member_messages, _decision_messages):
        if (message := lookup(problem, names)) is not None:
            return message
    return _("Ugyldig verdi.")


def problem_errors(problems: Iterable[Problem], names: Mapping[str, str]) -> dict[str, str]:
    """Form field → message (several messages on one field are joined)."""
    errors: dict[str, str] = {}
    for problem in problems:
        key = form_field(problem.field)
        message = problem_message(problem, names)
        errors[key] = f"{errors[key]} {message}" if key in errors else message
    return errors
