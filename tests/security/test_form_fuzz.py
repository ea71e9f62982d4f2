"""Fuzzed posts to every form of the app: never a 5xx, and a refused post changes nothing.

The forms come from the app itself: every POST rule of `app.url_map` must be in TARGETS (the
role allowed to use the form and the page that shows it) or in EXCLUDED, so a form added
later without fuzzing fails `test_every_post_route_is_fuzzed_or_excluded`. Each form is read
from its page as that role sees it (the names, options and values a browser would post).
The first post is the form filled in as a person would, and must be accepted (so the role,
page and values are right); then hypothesis posts 20 variations of it
(tests/security/fuzz_support.py), always with a valid CSRF token. Derandomized, so CI runs
are reproducible; to hunt further, run with more examples and derandomize=False.

One fresh demo database per form: the examples of one form share it, so an accepted post
changes what the next example meets, which is fine when all we ask is "no 5xx".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from app.admin.operations import archive_portfolio
from app.api.operations import create_api_token
from app.arenas.operations import archive_arena
from app.assessments.queries import previous_assessment
from app.clock import today
from app.council.operations import (
    CaseInput,
    ProposalInput,
    add_case_items,
    add_proposal,
    create_case,
    record_vote,
)
from app.council.term_operations import add_party_group, create_term
from app.cycles.lifecycle import clone_cycle
from app.documents.operations import assemble_document
from app.extensions import db
from app.models import Arena, Assessment, Cycle, CycleStatus, DocumentFormat, Portfolio, User
from app.models.council import CouncilCase, CouncilTerm, Decision, Proposal, ProposalKind
from app.profile.operations import create_calendar_token
from tests.arenas_io.files import csv_bytes, row
from tests.conftest import ADMIN, COMMISSIONER, CONTACT, OFFICE, SECRETARY, fingerprint, login
from tests.security.fuzz_support import FormSpec, form_posts, merged, post_body, post_forms
from workflows.assessment import AssessmentState
from workflows.votes import Result, VoteInput, VoteKind

SETTINGS = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CSRF_ERROR_TEXT = "mangler sikkerhetsnøkkel"  # our token was refused: the post tested nothing
SERVER_ERROR_TEXTS = ("Noe gikk galt hos oss. Prøv igjen senere.",
                      "Something went wrong on our side. Please try again later.")
API_PREFIX = "/api/"  # the JSON API: Bearer tokens, JSON bodies, no forms (see EXCLUDED)
EXCLUDED = {
    # Ends the session; takes nothing but the CSRF token, and fuzzing it logs the fuzzer out.
    "auth.logout": "logout",
    # Needs a session between the right password and the code; tests/auth_local/test_totp.py
    # posts wrong, replayed, late and recovery codes there.
    "auth.second_factor": "second factor",
    # Shown only to someone signed in with the second factor (the fuzzer signs in with a
    # password); tests/auth_local/test_totp.py posts wrong and right codes there.
    "auth.totp_disable": "second factor",
}
# Every rule under API_PREFIX is excluded too: tests/api/test_schemathesis.py fuzzes the JSON
# API from its OpenAPI schema.


# --------------------------------------------------------------------------- set-up


def user(email: str) -> User:
    """The demo user with this e-mail address."""
    return db.session.scalar(sa.select(User).where(User.email == email))


def open_cycle() -> Cycle:
    """The demo's open cycle (2026)."""
    return db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.OPEN))


def open_assessments(state: AssessmentState, portfolio: str | None = None) -> list[Assessment]:
    """Assessments of the open cycle in `state` (of `portfolio`), in id order."""
    query = (sa.select(Assessment).join(Assessment.cycle).join(Assessment.arena)
             .where(Cycle.status == CycleStatus.OPEN, Assessment.state == state)
             .order_by(Assessment.id))
    if portfolio:
        query = query.where(Arena.portfolios.any(Portfolio.code == portfolio))
    return list(db.session.scalars(query))


def demo_ids() -> dict[str, int]:
    """Ids of the demo rows the pages are about, looked up rather than hard-coded."""
    kml = db.session.scalar(sa.select(Portfolio).where(Portfolio.code == "KML"))
    drafts = open_assessments(AssessmentState.DRAFT, "KML")
    return {
        "open_year": open_cycle().year,
        "portfolio_id": kml.id,
        "user_id": user(CONTACT).id,
        "arena_id": db.session.scalar(sa.select(Arena.id).where(
            Arena.portfolios.any(Portfolio.id == kml.id)).order_by(Arena.id).limit(1)),
        "draft_id": next(a.id for a in drafts if previous_assessment(a)),
        "in_review_id": open_assessments(AssessmentState.IN_REVIEW)[0].id,
        "submitted_id": open_assessments(AssessmentState.SUBMITTED, "KML")[0].id,
        "approved_id": open_assessments(AssessmentState.APPROVED)[0].id,
        "decided_item_id": db.session.scalar(sa.select(sa.func.min(Decision.item_id))),
        "proposal_id": db.session.scalar(sa.select(sa.func.min(Proposal.id))),
        "term_id": db.session.scalar(sa.select(sa.func.min(CouncilTerm.id))),
    }


def planned_cycle() -> dict:
    """Next year's cycle, cloned from the open one: planned, so its arenas and criteria can
    still change."""
    cycle = clone_cycle(user(OFFICE), open_cycle(), open_cycle().year + 1)
    return {"planned_year": cycle.year}


def archived_portfolio() -> dict:
    """KML archived, so its page offers to bring it back."""
    archive_portfolio(user(ADMIN), db.session.scalar(
        sa.select(Portfolio).where(Portfolio.code == "KML")))
    return {}


def archived_arena() -> dict:
    """The arena of the page archived, so it offers to bring it back."""
    archive_arena(user(OFFICE), db.session.get(Arena, demo_ids()["arena_id"]))
    return {}


def api_token() -> dict:
    """An API token of the contact's, to revoke."""
    create_api_token(user(CONTACT), "Fuzz")
    return {}


def calendar_token() -> dict:
    """A calendar address of the contact's, to replace or turn off."""
    create_calendar_token(user(CONTACT))
    return {}


def reset_link() -> dict:
    """A forgotten-password link of the contact's (its token is the page's address)."""
    from app.auth.account_operations import _issue
    from app.models import AccountTokenPurpose

    return {"link_token": _issue(None, user(CONTACT), AccountTokenPurpose.RESET)}


def totp_pending() -> dict:
    """The contact has started to set up the second factor."""
    from app.auth.account_operations import start_totp_setup

    start_totp_setup(user(CONTACT))
    return {}


def sign_in_group() -> dict:
    """A single sign-on group row to edit or delete."""
    from app.auth.oidc_operations import GroupMappingInput, create_group_mapping
    from workflows.roles import Role

    mapping = create_group_mapping(None, GroupMappingInput(
        group_id="fuzz-kontakter", role=Role.CONTACT, description="Kontaktpersoner"))
    return {"mapping_id": mapping.id}


def new_term() -> dict:
    """A nine-seat term covering the open cycle's meeting, with one party and free seats."""
    term = create_term(user(SECRETARY), "Fuzzrådet", date(2023, 10, 1), date(2027, 9, 30), 9)
    add_party_group(user(SECRETARY), term, "Parti A")
    return {"new_term_id": term.id}


def new_case() -> dict:
    """A case on the open cycle, with an approved assessment sent to the council to add."""
    assessment = open_assessments(AssessmentState.APPROVED)[0]
    assessment.routed_to_council = True
    cycle, term_id = open_cycle(), demo_ids()["term_id"]
    case = create_case(user(SECRETARY), CaseInput(
        cycle.id, term_id, "99/26", cycle.council_meeting_date or date(2026, 6, 1),
        "2026/99-1", "Fuzz"))
    return {"case_id": case.id, "assessment_id": assessment.id}


def item_ready_for_decision() -> dict:
    """An item whose innstilling was adopted unanimously: the decision form shows."""
    made, secretary = new_case(), user(SECRETARY)
    case = db.session.get(CouncilCase, made["case_id"])
    item = add_case_items(secretary, case, [made["assessment_id"]])[0]
    outcome = item.assessment.recommendation
    proposal = add_proposal(secretary, item, ProposalInput(
        ProposalKind.RECOMMENDATION, outcome, "Fuzz-innstillingen."))
    record_vote(secretary, proposal, VoteInput(VoteKind.UNANIMOUS, present=60), Result.ADOPTED)
    return {"item_id": item.id}


def block_vote_case() -> dict:
    """A case of a term without party groups on today's meeting, with two items whose
    innstilling has no vote yet (what a block vote needs)."""
    secretary, cycle = user(SECRETARY), open_cycle()
    term = create_term(secretary, "Blokkrådet", date(2023, 10, 1), date(2027, 9, 30), 9)
    case = create_case(secretary, CaseInput(cycle.id, term.id, "98/26", today(), "", "Fuzz"))
    assessments = open_assessments(AssessmentState.APPROVED)[:2]
    for assessment in assessments:
        assessment.routed_to_council = True
    items = add_case_items(secretary, case, [a.id for a in assessments])
    for item in items:
        add_proposal(secretary, item, ProposalInput(
            ProposalKind.RECOMMENDATION, item.assessment.recommendation, "Fuzz-innstillingen."))
    return {"block_case_id": case.id, "block_item_1": items[0].id, "block_item_2": items[1].id}


def document_version() -> dict:
    """An assembled (HTML only: quick) but unpublished version of the 2021 review."""
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    versions = assemble_document(cycle, user(OFFICE), formats=[DocumentFormat.HTML])
    return {"version_number": versions[0].number}


# --------------------------------------------------------------------------- the forms


@dataclass(frozen=True)
class Target:
    """Who may use a form, the page that shows it ({names}: from demo_ids and the set-up),
    and what the page needs set up first."""

    role: str | None  # None: anonymous
    page: str
    setup: Callable[[], dict] | None = None
    refusal_writes: bool = False  # a refused post may write (a failed login is audited)
    fill: tuple[tuple[str, object], ...] = ()  # plausible values ({names} from the ids too)
    # where the page's own values and "fuzz" or 1 in blank fields are refused
    accepts_filled: bool = True  # the form filled in is accepted (proves role, page, fill)


PROFILE = "/profile"
TERM = "/council/terms/{new_term_id}"
DECIDED_ITEM = "/council/items/{decided_item_id}"
OPEN_CYCLE = "/cycles/{open_year}"
TARGETS = {
    "admin.archive_portfolio": Target(ADMIN, "/admin/portfolios/{portfolio_id}/edit"),
    "admin.create_portfolio": Target(ADMIN, "/admin/portfolios/new"),
    "admin.create_user": Target(ADMIN, "/admin/users/new"),
    "admin.invite_new_user": Target(ADMIN, "/admin/users/invite",
                                    fill=(("email", "fuzz.ny@bergen.example"),)),
    "admin.reinvite_user": Target(ADMIN, "/admin/users/{user_id}/edit"),
    "admin.deactivate_user": Target(ADMIN, "/admin/users/{user_id}/edit"),
    "admin.create_oidc_group": Target(ADMIN, "/admin/sign-in-groups/new",
                                      fill=(("group_id", "fuzz-ny-gruppe"),)),
    "admin.update_oidc_group": Target(ADMIN, "/admin/sign-in-groups/{mapping_id}/edit",
                                      sign_in_group),
    "admin.delete_oidc_group": Target(ADMIN, "/admin/sign-in-groups/{mapping_id}/edit",
                                      sign_in_group),
    "admin.save_settings": Target(ADMIN, "/admin/settings"),
    "admin.unarchive_portfolio": Target(ADMIN, "/admin/portfolios/{portfolio_id}/edit",
                                        archived_portfolio),
    "admin.update_portfolio": Target(OFFICE, "/admin/portfolios/{portfolio_id}/edit"),
    "admin.update_user": Target(ADMIN, "/admin/users/{user_id}/edit"),
    "api_tokens.create": Target(CONTACT, PROFILE),
    "api_tokens.revoke": Target(CONTACT, PROFILE, api_token),
    "arenas.archive": Target(OFFICE, "/arenas/{arena_id}"),
    "arenas.create": Target(OFFICE, "/arenas/new", fill=(("member_since", "2020"),)),
    "arenas.unarchive": Target(OFFICE, "/arenas/{arena_id}", archived_arena),
    "arenas.update": Target(OFFICE, "/arenas/{arena_id}/edit", fill=(("member_since", "2020"),)),
    "arenas.upload": Target(OFFICE, "/arenas/import", fill=(("file", (csv_bytes(
        [row(key="fuzz-arena", name="Fuzz-arena")]), "arenaer.csv")),)),
    "assessments.save": Target(CONTACT, "/assessments/{draft_id}",
                               fill=(("yearly_cost", "25000"),)),
    "assessments.transition": Target(OFFICE, "/assessments/{in_review_id}"),
    "assessments.unchanged": Target(CONTACT, "/assessments/{draft_id}"),
    "assessments.sign_off_many": Target(COMMISSIONER, "/assessments/sign-off"),
    # Not with a real password: logged in, the fuzzer would meet a redirect from then on.
    "auth.login": Target(None, "/auth/login", refusal_writes=True, accepts_filled=False),
    "auth.forgot_password": Target(None, "/auth/forgot", fill=(("email", CONTACT),)),
    "auth.account_link": Target(None, "/auth/account/{link_token}", reset_link),
    "auth.totp_start": Target(CONTACT, "/auth/totp"),
    "auth.totp_confirm": Target(CONTACT, "/auth/totp", totp_pending, accepts_filled=False),
    "council.add_items": Target(SECRETARY, "/council/cases/{case_id}", new_case),
    "council.add_member": Target(SECRETARY, TERM, new_term),
    "council.add_party": Target(SECRETARY, TERM, new_term),
    "council.add_proposal": Target(SECRETARY, DECIDED_ITEM),
    "council.correct_decision": Target(SECRETARY, DECIDED_ITEM),
    "council.create_case": Target(SECRETARY, "/council/cases/new", new_term),
    "council.create_term": Target(SECRETARY, "/council/terms"),
    "council.import_members": Target(SECRETARY, TERM, new_term),
    "council.record_decision": Target(SECRETARY, "/council/items/{item_id}",
                                      item_ready_for_decision),
    "council.record_block_vote": Target(
        SECRETARY, "/council/cases/{block_case_id}/block-vote", block_vote_case, fill=(
            ("items", ["{block_item_1}", "{block_item_2}"]), ("present", "9"),
            ("votes_for", "9"), ("votes_against", "0"), ("votes_abstain", "0"),
            ("entered_result", "adopted"))),
    "council.record_vote": Target(SECRETARY, "/council/proposals/{proposal_id}/vote"),
    "council.route": Target(OFFICE, "/assessments/{approved_id}"),
    "council.save_routing": Target(OFFICE, "/council/routing/{open_year}"),
    "council.toggle_follow_up": Target(OFFICE, "/council/follow-ups"),
    "cycles.arenas": Target(OFFICE, "/cycles/{planned_year}/arenas", planned_cycle),
    "cycles.bulk": Target(OFFICE, OPEN_CYCLE + "/bulk"),
    "cycles.clone": Target(OFFICE, OPEN_CYCLE),
    "cycles.criteria": Target(OFFICE, "/cycles/{planned_year}/criteria", planned_cycle),
    "cycles.handover": Target(OFFICE, "/cycles/handover", fill=(
        ("portfolio", "{portfolio_id}"), ("old_user", "{user_id}"))),
    "cycles.lifecycle_step": Target(OFFICE, OPEN_CYCLE + "/lifecycle/close_submissions"),
    "cycles.new": Target(OFFICE, "/cycles/new", fill=(("year", "2031"),)),
    "cycles.settings": Target(OFFICE, OPEN_CYCLE + "/settings"),
    "documents.assemble": Target(OFFICE, "/documents/{open_year}"),
    "documents.publish": Target(OFFICE, "/documents/2021/versions/{version_number}/publish",
                                document_version),
    "documents.sentences": Target(OFFICE, "/documents/{open_year}/sentences"),
    "documents.settings": Target(OFFICE, "/documents/{open_year}/settings"),
    "documents.paragraph_edit": Target(OFFICE, "/documents/{open_year}/paragraphs/{arena_id}"),
    "cycles.document_order": Target(OFFICE, "/cycles/{open_year}/order"),
    "main.set_language": Target(COMMISSIONER, "/assessments/{submitted_id}"),
    "notifications.edit_template": Target(OFFICE, "/mail/templates/returned/nb"),
    "notifications.resend": Target(OFFICE, "/mail/"),
    "profile.create_calendar": Target(CONTACT, PROFILE),
    "profile.language": Target(CONTACT, PROFILE),
    "profile.regenerate_calendar": Target(CONTACT, PROFILE, calendar_token),
    "profile.revoke_calendar": Target(CONTACT, PROFILE, calendar_token),
}


def endpoint_of(app, action: str) -> str | None:
    """The endpoint a form's action posts to (None when nothing answers a POST there)."""
    try:
        return app.url_map.bind("localhost").match(urlsplit(action).path, method="POST")[0]
    except HTTPException:
        return None


def page_form(app, client, url: str, endpoint: str) -> tuple[FormSpec, list[str]]:
    """The forms on `url` that post to `endpoint`, as one spec, and their actions."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    forms = [f for f in post_forms(response.get_data(as_text=True), url)
             if endpoint_of(app, f.action) == endpoint]
    assert forms, f"{url} shows no form that posts to {endpoint}"
    assert all(f.csrf_token for f in forms), f"a form posting to {endpoint} has no CSRF token"
    return merged(forms), sorted({f.action for f in forms})


def filled_in(form: FormSpec, fill: tuple[tuple[str, object], ...], ids: dict) -> list:
    """(name, value) pairs of the form as a person fills it in, with the target's values."""
    for name, value in fill:
        values = value if isinstance(value, list) else [value]  # a list: boxes ticked
        form.fields[name].sent = [v.format(**ids) if isinstance(v, str) else v for v in values]
    return [(name, value) for name in sorted(form.fields) for value in form.fields[name].filled()]


def assert_no_server_error(response, action: str, pairs) -> None:
    """Below 500, and not the error page of an unexpected exception."""
    shown = [(name, str(value)[:80]) for name, value in pairs]
    assert response.status_code < 500, f"{response.status_code} from {action} with {shown}"
    body = response.get_data(as_text=True)
    assert not any(text in body for text in SERVER_ERROR_TEXTS), f"error page: {shown}"
    assert CSRF_ERROR_TEXT not in body, f"the CSRF token was refused: {shown}"


# --------------------------------------------------------------------------- tests


def test_every_post_route_is_fuzzed_or_excluded(app):
    """A POST route added later fails here until it is in TARGETS (or, with a reason,
    in EXCLUDED)."""
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in (rule.methods or ()) and not rule.rule.startswith(API_PREFIX)}
    assert not posts - TARGETS.keys() - EXCLUDED.keys(), "POST routes nobody fuzzes"
    assert not (TARGETS.keys() | EXCLUDED.keys()) - posts, "entries for routes that are gone"
    assert not TARGETS.keys() & EXCLUDED.keys()


@pytest.mark.parametrize("endpoint", sorted(TARGETS))
def test_fuzzed_posts_never_answer_5xx(app, client, tmp_path, endpoint):
    """The form filled in, then hypothesis' variations of it: below 500 every time, and a
    refused post (4xx) leaves every row as it was."""
    target = TARGETS[endpoint]
    app.config["DOCUMENT_STORAGE"] = str(tmp_path / "documents")
    ids = demo_ids() | (target.setup() if target.setup else {})
    db.session.commit()
    if target.role:
        login(client, target.role)
    form, actions = page_form(app, client, target.page.format(**ids), endpoint)
    filled = filled_in(form, target.fill, ids)
    statuses: list[int] = []
    known = {"digest": fingerprint()}  # the database before the next post, when known
    tried: set[str] = set()

    @SETTINGS
    @example(action=actions[0], pairs=filled)  # first, as hypothesis runs explicit examples
    @given(action=st.sampled_from(actions), pairs=form_posts(form))
    def post_variation(action, pairs):
        if repr((action, pairs)) in tried:  # a repeat (hypothesis mutates): not worth a post
            return
        before = known["digest"] or fingerprint()
        response = client.post(action, **post_body(form.csrf_token, pairs, form.multipart))
        assert_no_server_error(response, action, pairs)
        statuses.append(response.status_code)
        known["digest"] = None
        if response.status_code >= 400 and not target.refusal_writes:
            known["digest"] = fingerprint()
            assert known["digest"] == before, f"refused ({response.status_code}) but changed"
        tried.add(repr((action, pairs)))  # not before: a failing example is replayed

    post_variation()
    # The role, page and filled-in values are right: a person's post was accepted.
    assert statuses[0] < 400 or not target.accepts_filled, f"filled in: {statuses[0]}"
    assert set(statuses) - {403, 404}, f"only {Counter(statuses)}"
