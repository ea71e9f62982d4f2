"""Human words for the codes the app stores (Norwegian source strings, translated to English)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import (
    ArenaKind,
    ArenaStatus,
    CycleStatus,
    DecisionOutcome,
    Participation,
    Rating,
    Recommendation,
)
from workflows.assessment import AssessmentState
from workflows.roles import Role

# The configurable words that take an adjective or an article in sentences carry their
# grammatical gender on bokmål: "m" (masculine or feminine: "ny", "en") or "n" (neuter:
# "nytt", "et"). Stored beside the word in Organisation.labels[key]["gender"].
GENDERS = ("m", "n")
GENDERED_KEYS = ("portfolio_label",)

STATE_LABELS = {
    AssessmentState.DRAFT: _l("Utkast"),
    AssessmentState.RETURNED: _l("Sendt tilbake"),
    AssessmentState.SUBMITTED: _l("Til godkjenning"),
    AssessmentState.IN_REVIEW: _l("Til behandling"),
    AssessmentState.APPROVED: _l("Godkjent"),
    AssessmentState.DECIDED: _l("Vedtatt"),
}
# Design-system colours for the state tags (all meet contrast in Designsystemet's theme).
STATE_COLOURS = {
    AssessmentState.DRAFT: "neutral",
    AssessmentState.RETURNED: "warning",
    AssessmentState.SUBMITTED: "info",
    AssessmentState.IN_REVIEW: "info",
    AssessmentState.APPROVED: "success",
    AssessmentState.DECIDED: "success",
}
RECOMMENDATION_LABELS = {
    Recommendation.CONTINUE: _l("Videreføre"),
    Recommendation.CONTINUE_AND_STRENGTHEN: _l("Videreføre og styrke"),
    Recommendation.TERMINATE: _l("Avslutte (melde ut)"),
    Recommendation.JOIN: _l("Melde inn"),
    Recommendation.CONSIDER_JOINING: _l("Vurdere innmelding"),
}
# A decision reads like the recommendation it follows, or says that every proposal fell.
DECISION_LABELS = {
    **RECOMMENDATION_LABELS,
    DecisionOutcome.NO_CHANGE: _l("Forslaget falt – ingen endring"),
}
PARTICIPATION_LABELS = {
    Participation.ACTIVE: _l("Aktiv deltakelse"),
    Participation.PASSIVE: _l("Passiv deltakelse"),
}
PARTICIPANT_LABELS = {
    "political": _l("Politisk nivå"),
    "administrative": _l("Administrativ ledelse"),
    "professional": _l("Fagpersoner"),
}
RATING_LABELS = {
    Rating.HIGH: _l("Stort"),
    Rating.MEDIUM: _l("Middels"),
    Rating.LOW: _l("Lite"),
    Rating.NONE: _l("Ingen"),
}
ARENA_KIND_LABELS = {
    ArenaKind.ORGANISATION: _l("Organisasjon"),
    ArenaKind.NETWORK: _l("Nettverk"),
    ArenaKind.PROGRAMME: _l("Program"),
    ArenaKind.FRIENDSHIP_CITY: _l("Vennskapsby"),
}
ARENA_STATUS_LABELS = {
    ArenaStatus.PROPOSED: _l("Foreslått"),
    ArenaStatus.MEMBER: _l("Medlem"),
    ArenaStatus.LEAVING: _l("Under utmelding"),
    ArenaStatus.LEFT: _l("Utmeldt"),
}
ARENA_STATUS_COLOURS = {
    ArenaStatus.PROPOSED: "info",
    ArenaStatus.MEMBER: "success",
    ArenaStatus.LEAVING: "warning",
    ArenaStatus.LEFT: "neutral",
}
CYCLE_STATUS_LABELS = {
    CycleStatus.PLANNED: _l("Planlagt"),
    CycleStatus.OPEN: _l("Åpen"),
    CycleStatus.IN_REVIEW: _l("Under behandling"),
    CycleStatus.AWAITING_DECISION: _l("Venter på vedtak"),
    CycleStatus.ASSEMBLED: _l("Dokument satt sammen"),
    CycleStatus.PUBLISHED: _l("Publisert"),
}
ROLE_LABELS = {
    Role.CONTACT: _l("Kontaktperson"),
    Role.COMMISSIONER: None,  # the municipality's own word (head_label), see templating.py
    Role.COUNCIL_OFFICE: None,  # council_office_label
    Role.COUNCIL_SECRETARY: _l("Møtesekretær"),
    Role.ADMIN: _l("Administrator"),
}
TRANSITION_LABELS = {
    "submit": _l("Send inn"),
    "submit_for_review": _l("Send inn"),
    "sign_off": _l("Godkjenn og send videre"),
    "send_back": _l("Send tilbake til kontaktperson"),
    "return_for_changes": _l("Send tilbake med kommentar"),
    "approve": _l("Godkjenn"),
    "reopen_review": _l("Gjenåpne behandling"),
    "confirm_recommendation": _l("Anbefalingen blir stående"),
    "record_decision": _l("Registrer vedtak"),
}
CYCLE_TRANSITION_LABELS = {
    "open_cycle": _l("Åpne gjennomgangen"),
    "close_submissions": _l("Avslutt innsending"),
    "await_decision": _l("Send til politisk behandling"),
    "mark_assembled": _l("Marker dokumentet som ferdig"),
    "publish_cycle": _l("Publiser gjennomgangen"),
    "publish_undecided": _l("Publiser før alt er avgjort"),
    "reopen_cycle": _l("Gjenåpne gjennomgangen"),
}
# Audit actions that are not workflow transitions.
ACTION_LABELS = {
    **TRANSITION_LABELS,
    "answers_saved": _l("Svar lagret"),
    "demo_loaded": _l("Opprettet fra demodata"),
    "settings_changed": _l("Innstillinger endret"),
    "cycle_arenas_changed": _l("Arenaer i gjennomgangen endret"),
    "criteria_revised": _l("Kriteriene revidert"),
    "contact_reassigned": _l("Ny kontaktperson"),
    "confirmed_unchanged": _l("Bekreftet uendret fra forrige vurdering"),
    "routed_to_council": _l("Sendt til politisk behandling"), "route_cleared": _l("Tatt ut av politisk behandling"), "council_item_added": _l("Satt opp i sak"), "council_proposal_added": _l("Forslag registrert"),  # noqa: E501
    "council_vote_recorded": _l("Stemmegivning registrert"), "council_vote_corrected": _l("Stemmegivning rettet"), "council_decision_corrected": _l("Vedtak rettet"), "arena_status_changed": _l("Status endret etter vedtak"),  # noqa: E501
}
FIELD_NAMES = {
    "recommendation": _l("Anbefaling"),
    "recommendation_reason": _l("Begrunnelse for anbefalingen"),
    "yearly_cost": _l("Årlig kostnad"),
    "comment": _l("Kommentar"),
}
# The scheduler's messages; escalation labels name the recipients with the municipality's words.
REMINDER_KIND_LABELS = {
    "invitation": _l("Invitasjon"),
    "reminder_before": _l("Påminnelse før fristen"),
    "reminder_overdue": _l("Påminnelse etter fristen"),
    "escalation_commissioner": _l("Varsel til %(who)s"),
    "escalation_office": _l("Varsel til %(who)s"),
}
# The mail log's kinds that are not a template's own name (the scheduler's occasions);
# %(head)s and %(office)s are the municipality's words, in lower case.
MAIL_KIND_LABELS = {
    "reminder_before": _l("Påminnelse før fristen"),
    "reminder_overdue": _l("Påminnelse etter fristen"),
    "escalation_commissioner": _l("Varsel til %(head)s"),
    "escalation_office": _l("Varsel til %(office)s"),
    "escalation_rerouted": _l("Varsel til %(office)s fordi ingen har rollen %(head)s"),
}
ACTION_LABELS.update({
    "invitation_queued": _l("Invitasjon sendt"),
    "reminder_queued": _l("Påminnelse sendt"),
    "escalation_queued": _l("Varsel om forsinkelse sendt"),
    "weekly_digest_queued": _l("Ukeoversikt sendt"),
})
