"""What the review document says about a council decision, as it happened in the meeting.

Pure functions: they take the council's DecisionRef (app.council.queries) or plain values and
return sentences in Norwegian ("nb") or English ("en"). Per proposal voted on: what it asked
for, the vote as recorded, the majority rule when it is not a simple majority, and the
result ("Forslaget om å melde kommunen inn i X fikk 21 stemmer mot 12 og falt, siden to
tredjedels flertall krevdes."). Then whether the decision differs from the recommendation,
and the date a termination or a join takes effect.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

NO_CHANGE = "no_change"
_BABEL = {"nb": "nb_NO", "en": "en_GB"}

# What a proposal asks for, after "Forslaget om å …" / "The proposal to …".
_ASKS = {
    "nb": {
        "continue": "videreføre deltakelsen i {arena}",
        "continue_and_strengthen": "videreføre og styrke deltakelsen i {arena}",
        "terminate": "melde kommunen ut av {arena}",
        "join": "melde kommunen inn i {arena}",
        "consider_joining": "utrede om kommunen bør bli med i {arena}",
    },
    "en": {
        "continue": "continue taking part in {arena}",
        "continue_and_strengthen": "continue and strengthen the participation in {arena}",
        "terminate": "withdraw the municipality from {arena}",
        "join": "have the municipality join {arena}",
        "consider_joining": "look into whether the municipality should join {arena}",
    },
}
_RULES = {
    "nb": {"two_thirds_cast": "to tredjedels flertall",
           "two_thirds_present": "to tredjedels flertall av de frammøtte",
           "three_quarters_cast": "tre fjerdedels flertall",
           "absolute": "flertall av alle medlemmene"},
    "en": {"two_thirds_cast": "a two-thirds majority",
           "two_thirds_present": "a two-thirds majority of the members present",
           "three_quarters_cast": "a three-quarters majority",
           "absolute": "a majority of all members"},
}
_WORDS = {
    "nb": {
        "recommendation": "Forslaget om å {asks}",
        "alternative": "Forslaget fra {who} om å {asks}",
        "unanimous": "{proposal} ble enstemmig vedtatt.",
        "adopted": "{proposal} fikk {votes} og ble vedtatt.",
        "adopted_rule": "{proposal} fikk {votes} og ble vedtatt; {rule} krevdes.",
        "fell": "{proposal} fikk {votes} og falt.",
        "fell_rule": "{proposal} fikk {votes} og falt, siden {rule} krevdes.",
        "casting_adopted": "{proposal} fikk {votes} og ble vedtatt med møteleders "
                           "dobbeltstemme.",
        "casting_fell": "{proposal} fikk {votes} og falt ved møteleders dobbeltstemme.",
        "no_quorum": "{proposal} falt, siden færre enn halvparten av medlemmene var til "
                     "stede.",
        "differs": "Vedtaket avviker fra anbefalingen.",
        "no_change_outside": "{council} har dermed ikke gjort noen endring, og kommunen står "
                             "fortsatt utenfor samarbeidet.",
        "no_change_member": "{council} har dermed ikke gjort noen endring, og kommunen er "
                            "fortsatt med i samarbeidet.",
        "no_change": "{council} har ikke gjort noen endring.",
        "effective.terminate": "Utmeldingen gjelder fra {date}.",
        "effective.join": "Innmeldingen gjelder fra {date}.",
        "effective_named.terminate": "Utmeldingen av {name} gjelder fra {date}.",
        "effective_named.join": "Innmeldingen i {name} gjelder fra {date}.",
        "label": "Ingen endring (forslaget falt)",
        "total": "Ingen endring (forslaget falt)",
    },
    "en": {
        "recommendation": "The proposal to {asks}",
        "alternative": "The proposal from {who} to {asks}",
        "unanimous": "{proposal} was adopted unanimously.",
        "adopted": "{proposal} received {votes} and was adopted.",
        "adopted_rule": "{proposal} received {votes} and was adopted; {rule} was required.",
        "fell": "{proposal} received {votes} and fell.",
        "fell_rule": "{proposal} received {votes} and fell, since {rule} was required.",
        "casting_adopted": "{proposal} received {votes} and was adopted on the chair's "
                           "casting vote.",
        "casting_fell": "{proposal} received {votes} and fell on the chair's casting vote.",
        "no_quorum": "{proposal} fell, since fewer than half of the members were present.",
        "differs": "The decision differs from the recommendation.",
        "no_change_outside": "{council} therefore made no change, and the municipality "
                             "remains outside the cooperation.",
        "no_change_member": "{council} therefore made no change, and the municipality "
                            "remains part of the cooperation.",
        "no_change": "{council} made no change.",
        "effective.terminate": "The withdrawal takes effect on {date}.",
        "effective.join": "The membership takes effect on {date}.",
        "effective_named.terminate": "The withdrawal from {name} takes effect on {date}.",
        "effective_named.join": "Membership of {name} takes effect on {date}.",
        "label": "No change (the proposal fell)",
        "total": "No change (the proposal fell)",
    },
}


def _locale(locale: str) -> str:
    return locale if locale in _WORDS else "nb"


def _votes(tally: Any, locale: str) -> str:
    """"21 stemmer mot 12, 3 avsto" / "21 votes to 12, 3 abstentions" (correct singulars)."""
    f, a, x = tally.votes_for, tally.against, tally.abstain
    if locale == "en":
        text = f"{f} {'vote' if f == 1 else 'votes'} to {a}"
        return text + (f", {x} {'abstention' if x == 1 else 'abstentions'}" if x else "")
    text = f"{f} {'stemme' if f == 1 else 'stemmer'} mot {a}"
    return text + (f", {x} avsto" if x else "")


def proposal_sentence(proposal: Any, arena: str, locale: str = "nb") -> str:
    """The proposal, its vote as recorded, the rule when not a simple majority, the result."""
    locale = _locale(locale)
    words = _WORDS[locale]
    asks = _ASKS[locale][proposal.outcome].format(arena=arena)
    name = (words["recommendation"].format(asks=asks) if proposal.is_recommendation
            or not proposal.proposer else
            words["alternative"].format(who=proposal.proposer, asks=asks))
    verdict, rule = proposal.verdict, _RULES[locale].get(proposal.rule, "")
    unanimous = getattr(proposal.vote_kind, "value", proposal.vote_kind) == "unanimous"
    if not verdict.has_quorum:
        key = "no_quorum"
    elif unanimous and verdict.adopted:
        key = "unanimous"
    elif verdict.by_casting_vote:
        key = "casting_adopted" if verdict.adopted else "casting_fell"
    else:
        key = ("adopted" if verdict.adopted else "fell") + ("_rule" if rule else "")
    return words[key].format(proposal=name, votes=_votes(proposal.tally, locale), rule=rule)


def no_change_sentence(status_before: str, council: str, locale: str = "nb") -> str:
    """Every proposal fell: nothing changes, said for the arena's status."""
    words = _WORDS[_locale(locale)]
    key = "no_change_member" if status_before in ("member", "leaving") else "no_change_outside"
    return words[key].format(council=council)


def differs_sentence(outcome: str, recommendation: str, locale: str = "nb") -> str:
    """"Vedtaket avviker fra anbefalingen." when they differ, else ''."""
    if outcome and recommendation and outcome != recommendation:
        return _WORDS[_locale(locale)]["differs"]
    return ""


def effective_sentence(outcome: str, effective: date | None, locale: str = "nb",
                       name: str = "") -> str:
    """When a termination or a join takes effect ('' for other outcomes); with the arena's
    name, so that several on the same day do not read as one sentence repeated."""
    locale = _locale(locale)
    template = _WORDS[locale].get(f"effective{'_named' if name else ''}.{outcome}")
    if not template or effective is None:
        return ""
    return template.format(date=format_date(effective, "long", locale=_BABEL[locale]),
                           name=name)


def decision_sentence(outcome: str | None, ref: Any, locale: str, council: str) -> str:
    """The decision sentence for "no change" ('' for other outcomes, which the document's
    own templates word)."""
    if outcome != NO_CHANGE:
        return ""
    if ref is None or not getattr(ref, "status_before", ""):
        return _WORDS[_locale(locale)]["no_change"].format(council=council)
    return no_change_sentence(ref.status_before, council, locale)


def vote_lines(ref: Any, locale: str, council: str = "") -> str:
    """Every proposal voted on with its result, then the marks: a decision that differs from
    the recommendation, and when it takes effect ('' without a council reference)."""
    proposals = getattr(ref, "proposals", ()) if ref is not None else ()
    if not proposals:
        return ""
    sentences = [proposal_sentence(p, ref.arena_name, locale) for p in proposals]
    sentences += [differs_sentence(ref.outcome, ref.recommendation, locale),
                  effective_sentence(ref.outcome, ref.effective_date, locale,
                                     getattr(ref, "arena_name", ""))]
    return " ".join(s for s in sentences if s)


def outcome_label(outcome: str | None, locale: str) -> str:
    """The appendix word for "no change" ('' for other outcomes)."""
    return _WORDS[_locale(locale)]["label"] if outcome == NO_CHANGE else ""


def total_label(outcome: str | None, locale: str) -> str:
    """The totals row for "no change" ('' for other outcomes)."""
    return _WORDS[_locale(locale)]["total"] if outcome == NO_CHANGE else ""
