"""Human words for the council's codes (Norwegian source strings, translated to English)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models.council import FollowUpKind, ProposalKind
from workflows.votes import Choice, Result, RuleName, VoteKind

PROPOSAL_KIND_LABELS = {
    ProposalKind.RECOMMENDATION: _l("Innstilling"),
    ProposalKind.ALTERNATIVE: _l("Alternativt forslag"),
}
VOTE_KIND_LABELS = {
    VoteKind.COUNTS: _l("Opptelling: for, mot og avholdende"),
    VoteKind.UNANIMOUS: _l("Enstemmig"),
}
CHOICE_LABELS = {
    Choice.FOR: _l("For"),
    Choice.AGAINST: _l("Mot"),
    Choice.ABSTAIN: _l("Avholdende"),
    Choice.ABSENT: _l("Ikke til stede"),
}
# The same choices as counted nouns in a sentence ("40 stemmer for").
CHOICE_COUNT_LABELS = {
    Choice.FOR: _l("stemmer for"),
    Choice.AGAINST: _l("stemmer mot"),
    Choice.ABSTAIN: _l("avholdende"),
}
RESULT_LABELS = {
    Result.ADOPTED: _l("Vedtatt"),
    Result.REJECTED: _l("Forkastet"),
}
RULE_LABELS = {
    RuleName.SIMPLE: _l("Alminnelig flertall av avgitte stemmer"),
    RuleName.TWO_THIRDS_CAST: _l("To tredjedels flertall av avgitte stemmer"),
    RuleName.TWO_THIRDS_PRESENT: _l("To tredjedels flertall av møtende medlemmer"),
    RuleName.THREE_QUARTERS_CAST: _l("Tre fjerdedels flertall av avgitte stemmer"),
    RuleName.ABSOLUTE: _l("Mer enn halvparten av alle medlemmene"),
}
FOLLOW_UP_LABELS = {
    FollowUpKind.SEND_TERMINATION_NOTICE: _l("Send utmelding"),
    FollowUpKind.APPLY_FOR_MEMBERSHIP: _l("Søk om medlemskap"),
    FollowUpKind.CONSIDER_JOINING: _l("Vurder innmelding og meld tilbake"),
    FollowUpKind.STRENGTHEN_COOPERATION: _l("Følg opp styrket samarbeid"),
}
