"""The assessment workflow table as a matrix: state × transition × role, with no app at all."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from workflows.assessment import (
    ASSESSMENT_WORKFLOW,
    AssessmentState,
    can_edit_answers,
    can_view,
)
from workflows.engine import IncompleteError, TransitionNotAllowed
from workflows.roles import Role

S = AssessmentState
ROOT = Path(__file__).resolve().parents[2]
OUR, OTHER = 10, 20  # portfolio ids


@dataclass
class Item:
    """A stand-in assessment: only what the workflow table reads."""

    state: S = S.DRAFT
    portfolio_ids: frozenset[int] = frozenset({OUR, 30})
    contact_id: int | None = None
    cycle_is_open: bool = True
    sign_off_required: bool = True
    routed_to_council: bool | None = None
    recommendation: str | None = "continue"
    missing_fields: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    id: int
    roles: frozenset[Role] = frozenset()
    portfolio_ids: frozenset[int] = frozenset()


ACTORS = {
    "contact": Person(1, frozenset({Role.CONTACT}), frozenset({OUR})),
    "other_contact": Person(2, frozenset({Role.CONTACT}), frozenset({OTHER})),
    "commissioner": Person(3, frozenset({Role.COMMISSIONER}), frozenset({OUR})),
    "other_commissioner": Person(4, frozenset({Role.COMMISSIONER}), frozenset({OTHER})),
    "office": Person(5, frozenset({Role.COUNCIL_OFFICE})),
    "secretary": Person(6, frozenset({Role.COUNCIL_SECRETARY})),
    "admin": Person(7, frozenset({Role.ADMIN}), frozenset({OUR})),
    "nobody": Person(8, frozenset(), frozenset({OUR})),
}
TRANSITIONS = ("submit", "submit_for_review", "sign_off", "send_back", "return_for_changes",
               "approve", "reopen_review", "confirm_recommendation", "record_decision")

# Who may take what, from which state, on the default Item (sign-off required, route not yet
# decided, answers complete). Every (state, transition) not listed is allowed for no one.
ALLOWED: dict[tuple[S, str], set[str]] = {
    (S.DRAFT, "submit"): {"contact"},
    (S.RETURNED, "submit"): {"contact"},
    (S.SUBMITTED, "sign_off"): {"commissioner"},
    (S.SUBMITTED, "send_back"): {"commissioner"},
    (S.IN_REVIEW, "return_for_changes"): {"office"},
    (S.IN_REVIEW, "approve"): {"office"},
    (S.APPROVED, "reopen_review"): {"office"},
    (S.APPROVED, "confirm_recommendation"): {"office"},
    # submit_for_review: the cycle requires sign-off; record_decision: not routed to council.
}
# The source states and the people the table names, whatever the conditions say.
SOURCES = {
    "submit": {S.DRAFT, S.RETURNED}, "submit_for_review": {S.DRAFT, S.RETURNED},
    "sign_off": {S.SUBMITTED}, "send_back": {S.SUBMITTED}, "return_for_changes": {S.IN_REVIEW},
    "approve": {S.IN_REVIEW}, "reopen_review": {S.APPROVED},
    "confirm_recommendation": {S.APPROVED}, "record_decision": {S.APPROVED},
}
WHO = {
    "submit": {"contact"}, "submit_for_review": {"contact"}, "sign_off": {"commissioner"},
    "send_back": {"commissioner"}, "return_for_changes": {"office"}, "approve": {"office"},
    "reopen_review": {"office"}, "confirm_recommendation": {"office"},
    "record_decision": {"secretary"},
}
TARGETS = {
    "submit": S.SUBMITTED, "submit_for_review": S.IN_REVIEW, "sign_off": S.IN_REVIEW,
    "send_back": S.RETURNED, "return_for_changes": S.RETURNED, "approve": S.APPROVED,
    "reopen_review": S.IN_REVIEW, "confirm_recommendation": S.DECIDED,
    "record_decision": S.DECIDED,
}
VIEWERS = {"contact", "commissioner", "office", "secretary"}


def test_tables_cover_the_whole_workflow():
    assert set(ASSESSMENT_WORKFLOW.transitions) == set(TRANSITIONS)
    for name, transition in ASSESSMENT_WORKFLOW.transitions.items():
        assert set(transition.sources) == SOURCES[name]
        assert transition.target == TARGETS[name]


@pytest.mark.parametrize("role", ACTORS)
@pytest.mark.parametrize("name", TRANSITIONS)
@pytest.mark.parametrize("state", list(S))
def test_matrix(state, name, role):
    item, actor = Item(state=state), ACTORS[role]
    allowed = role in ALLOWED.get((state, name), set())
    assert (ASSESSMENT_WORKFLOW.blockers(name, item, actor) == []) is allowed
    assert (name in {t.name for t in ASSESSMENT_WORKFLOW.available(item, actor)}) is allowed
    if allowed:
        assert ASSESSMENT_WORKFLOW.apply(name, item, actor) == (state, TARGETS[name])
        assert item.state == TARGETS[name]
        return
    with pytest.raises(TransitionNotAllowed) as raised:
        ASSESSMENT_WORKFLOW.apply(name, item, actor)
    assert type(raised.value) is TransitionNotAllowed
    assert raised.value.transition == name and raised.value.reasons
    # 403 when the table never lets this person take it, 409 when only the state or a
    # condition stands in the way
    assert raised.value.forbidden is (role not in WHO[name])
    assert item.state == state


@pytest.mark.parametrize("role", ACTORS)
@pytest.mark.parametrize("state", list(S))
def test_can_edit_answers(state, role):
    editable = role == "contact" and state in (S.DRAFT, S.RETURNED)
    assert can_edit_answers(Item(state=state), ACTORS[role]) is editable
    assert can_edit_answers(Item(state=state, cycle_is_open=False), ACTORS[role]) is False


@pytest.mark.parametrize("role", ACTORS)
@pytest.mark.parametrize("state", list(S))
def test_can_view(state, role):
    assert can_view(Item(state=state), ACTORS[role]) is (role in VIEWERS)


def names(item, actor) -> set[str]:
    return {t.name for t in ASSESSMENT_WORKFLOW.available(item, actor)}


@pytest.mark.parametrize("state", [S.DRAFT, S.RETURNED])
def test_sign_off_setting_switches_the_submit_transition(state):
    contact = ACTORS["contact"]
    with_sign_off, without = Item(state=state), Item(state=state, sign_off_required=False)
    assert names(with_sign_off, contact) == {"submit"}
    assert names(without, contact) == {"submit_for_review"}
    assert ASSESSMENT_WORKFLOW.blockers("submit", without, contact) == [
        "this cycle has no sign-off step"]
    assert ASSESSMENT_WORKFLOW.blockers("submit_for_review", with_sign_off, contact) == [
        "this cycle requires sign-off"]
    assert ASSESSMENT_WORKFLOW.apply("submit_for_review", without, contact) == (
        state, S.IN_REVIEW)
    with pytest.raises(TransitionNotAllowed) as raised:
        ASSESSMENT_WORKFLOW.apply("submit", Item(state=state, sign_off_required=False), contact)
    assert raised.value.forbidden is False


def test_closed_cycle_refuses_submission():
    item, contact = Item(cycle_is_open=False), ACTORS["contact"]
    assert ASSESSMENT_WORKFLOW.blockers("submit", item, contact) == ["the cycle is not open"]
    assert names(item, contact) == set()
    with pytest.raises(TransitionNotAllowed):
        ASSESSMENT_WORKFLOW.apply("submit", item, contact)
    assert item.state == S.DRAFT


@pytest.mark.parametrize("sign_off", [True, False])
def test_incomplete_answers_raise_on_apply_but_submit_stays_available(sign_off):
    item = Item(sign_off_required=sign_off, missing_fields=["influence_text", "recommendation"])
    contact = ACTORS["contact"]
    name = "submit" if sign_off else "submit_for_review"
    assert names(item, contact) == {name}
    assert ASSESSMENT_WORKFLOW.blockers(name, item, contact) == []
    assert ASSESSMENT_WORKFLOW.missing(name, item, contact) == [
        "missing answers: influence_text, recommendation"]
    with pytest.raises(IncompleteError) as raised:
        ASSESSMENT_WORKFLOW.apply(name, item, contact)
    assert raised.value.forbidden is False
    assert "influence_text" in str(raised.value)
    assert item.state == S.DRAFT


def test_assigned_contact_overrides_portfolio_membership():
    assigned = ACTORS["other_contact"]  # not in the arena's portfolio, but assigned
    item = Item(contact_id=assigned.id)
    assert names(item, assigned) == {"submit"}
    assert can_edit_answers(item, assigned) and can_view(item, assigned)
    portfolio_contact = ACTORS["contact"]
    assert names(item, portfolio_contact) == set()
    assert can_edit_answers(item, portfolio_contact) is False
    with pytest.raises(TransitionNotAllowed) as raised:
        ASSESSMENT_WORKFLOW.apply("submit", item, portfolio_contact)
    assert raised.value.forbidden is True
    assert item.state == S.DRAFT
    assert ASSESSMENT_WORKFLOW.apply("submit", item, assigned) == (S.DRAFT, S.SUBMITTED)


def test_an_assigned_contact_still_needs_the_contact_role():
    nobody = ACTORS["nobody"]
    item = Item(contact_id=nobody.id)
    assert names(item, nobody) == set()
    assert not can_edit_answers(item, nobody) and not can_view(item, nobody)


def test_route_to_council_decides_who_settles_an_approved_assessment():
    office, secretary = ACTORS["office"], ACTORS["secretary"]
    routed = Item(state=S.APPROVED, routed_to_council=True)
    assert names(routed, office) == set()
    assert names(routed, secretary) == {"record_decision"}
    assert ASSESSMENT_WORKFLOW.blockers("confirm_recommendation", routed, office) == [
        "the arena is sent to the council"]
    kept = Item(state=S.APPROVED, routed_to_council=False)
    assert names(kept, office) == {"reopen_review", "confirm_recommendation"}
    assert ASSESSMENT_WORKFLOW.blockers("record_decision", kept, secretary) == [
        "the arena is not sent to the council"]


def test_confirm_recommendation_needs_a_recommendation():
    item = Item(state=S.APPROVED, recommendation=None)
    office = ACTORS["office"]
    assert ASSESSMENT_WORKFLOW.blockers("confirm_recommendation", item, office) == [
        "there is no recommendation"]
    with pytest.raises(TransitionNotAllowed) as raised:
        ASSESSMENT_WORKFLOW.apply("confirm_recommendation", item, office)
    assert raised.value.forbidden is False and item.state == S.APPROVED


def test_unknown_transition_is_refused():
    item = Item()
    with pytest.raises(TransitionNotAllowed) as raised:
        ASSESSMENT_WORKFLOW.apply("publish", item, ACTORS["admin"])
    assert raised.value.reasons == ["unknown transition"] and item.state == S.DRAFT
    with pytest.raises(TransitionNotAllowed):
        ASSESSMENT_WORKFLOW.blockers("publish", item, ACTORS["admin"])


def test_checks_have_no_side_effects():
    item = Item(state=S.SUBMITTED, missing_fields=["x_text"])
    before = replace(item, missing_fields=list(item.missing_fields))
    for actor in ACTORS.values():
        ASSESSMENT_WORKFLOW.available(item, actor)
        for name in TRANSITIONS:
            ASSESSMENT_WORKFLOW.blockers(name, item, actor)
            ASSESSMENT_WORKFLOW.missing(name, item, actor)
        can_view(item, actor)
        can_edit_answers(item, actor)
    assert item == before


def test_workflow_modules_import_neither_flask_nor_the_app():
    code = (
        "import workflows.assessment, workflows.engine, workflows.roles, sys; "
        "bad = [m for m in sys.modules if m == 'flask' or m.startswith('flask.') "
        "or m == 'app' or m.startswith('app.') or m == 'sqlalchemy']; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
