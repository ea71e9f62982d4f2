"""A block vote: one vote on the innstilling of several items, recorded on each item as its
own vote (same as recording it item by item), all or nothing, audited per item, and shown on
each item with the others it was voted on with."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import docx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.council.block_votes import record_block_vote
from app.council.operations import ProposalInput, add_case_items, add_proposal, record_vote
from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEvent, Recommendation
from app.models.council import CaseItem, CouncilCase, Proposal, ProposalKind, Vote, VoteBlock
from tests.conftest import OFFICE, SECRETARY, fingerprint, login, post
from tests.council.conftest import user, vote_form
from workflows.engine import TransitionNotAllowed
from workflows.votes import Choice, Result, RuleName, VoteInput, VoteKind


@dataclass
class Items:
    case_id: int
    ids: list[int]  # item ids in agenda order

    def innstilling(self, item_id: int) -> Proposal:
        return db.session.scalar(sa.select(Proposal).where(
            Proposal.item_id == item_id, Proposal.kind == ProposalKind.RECOMMENDATION))


def innstilling(item: CaseItem, rule: RuleName = RuleName.SIMPLE) -> Proposal:
    return add_proposal(user(SECRETARY), item, ProposalInput(
        ProposalKind.RECOMMENDATION, Recommendation.CONTINUE, "Videreføre.", rule))


@pytest.fixture()
def items(council, routed) -> Items:
    """The council's case with four items (KML, KMB, BL, ORD), each with an innstilling."""
    case = db.session.get(CouncilCase, council.case_id)
    more = add_case_items(user(SECRETARY), case,
                          [routed(portfolio=p).id for p in ("KMB", "BL", "ORD")])
    ids = [council.item_id, *(i.id for i in more)]
    for item_id in ids:
        innstilling(db.session.get(CaseItem, item_id))
    db.session.commit()
    return Items(council.case_id, ids)


def case_of(items: Items) -> CouncilCase:
    return db.session.get(CouncilCase, items.case_id)


def counts(votes_for=6, against=3, abstain=0, present=9) -> VoteInput:
    return VoteInput(kind=VoteKind.COUNTS, present=present, votes_for=votes_for,
                     against=against, abstain=abstain)


def arena_name(item_id: int) -> str:
    return db.session.get(CaseItem, item_id).assessment.arena.name


def vote_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Vote))


# --- the operation ---------------------------------------------------------------------------
def test_one_vote_is_recorded_on_each_chosen_innstilling(items):
    first, second, third, fourth = items.ids
    block = record_block_vote(user(SECRETARY), case_of(items), [first, third],
                              counts(), Result.ADOPTED)
    db.session.commit()
    voted = {v.proposal.item_id: v for v in block.votes}
    assert set(voted) == {first, third}
    for vote in voted.values():
        assert (vote.present, vote.votes_for, vote.votes_against, vote.revision) == (9, 6, 3, 1)
        assert vote.computed_result == Result.ADOPTED and vote.block_id == block.id
    assert items.innstilling(second).votes == [] and items.innstilling(fourth).votes == []


def test_each_recorded_vote_is_audited_naming_the_others(items):
    first, second, third, _fourth = items.ids
    record_block_vote(user(SECRETARY), case_of(items), [first, second, third], counts(),
                      Result.ADOPTED)
    db.session.commit()
    for item_id in (first, second, third):
        assessment_id = db.session.get(CaseItem, item_id).assessment_id
        event = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "assessment", AuditEvent.entity_id == assessment_id,
            AuditEvent.action == "council_vote_recorded")).one()
        others = [arena_name(i) for i in (first, second, third) if i != item_id]
        assert event.details["block_id"] is not None
        assert all(name in event.details["comment"] for name in others)
        assert arena_name(item_id) not in event.details["comment"].split("med", 1)[1]


def test_items_already_voted_on_are_refused_by_name_and_nothing_is_written(items):
    first, second, third, _fourth = items.ids
    record_vote(user(SECRETARY), items.innstilling(second), counts(), Result.ADOPTED)
    db.session.commit()
    before = fingerprint()
    with pytest.raises(TransitionNotAllowed) as refused:
        record_block_vote(user(SECRETARY), case_of(items), [first, second, third], counts(),
                          Result.ADOPTED)
    db.session.rollback()
    assert arena_name(second) in refused.value.reasons[0]
    assert arena_name(first) not in refused.value.reasons[0]
    assert fingerprint() == before


@pytest.mark.parametrize("choose", [
    lambda ids: ids[:1],  # a single item is voted on at the item
    lambda ids: [ids[0], 999999],  # not on this case
])
def test_too_few_or_foreign_items_are_refused(items, choose):
    before = vote_count()
    with pytest.raises(ValidationFailed) as refused:
        record_block_vote(user(SECRETARY), case_of(items), choose(items.ids), counts(),
                          Result.ADOPTED)
    db.session.rollback()
    assert "items" in refused.value.errors and vote_count() == before


def test_an_item_without_innstilling_is_named(items, routed):
    case = case_of(items)
    [bare] = add_case_items(user(SECRETARY), case, [routed(portfolio="BSI").id])
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        record_block_vote(user(SECRETARY), case_of(items), [items.ids[0], bare.id], counts(),
                          Result.ADOPTED)
    db.session.rollback()
    assert arena_name(bare.id) in refused.value.errors["items"]


def test_counts_that_do_not_add_up_are_refused_for_all(items):
    before = vote_count()
    with pytest.raises(ValidationFailed):
        record_block_vote(user(SECRETARY), case_of(items), items.ids[:2],
                          counts(votes_for=8, against=3), Result.ADOPTED)
    db.session.rollback()
    assert vote_count() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteBlock)) == 0


def test_each_item_keeps_its_own_majority_rule(items):
    first, second, *_rest = items.ids
    proposal = items.innstilling(second)
    proposal.majority_rule = RuleName.TWO_THIRDS_PRESENT  # 6 of 9 present would be needed
    db.session.commit()
    block = record_block_vote(user(SECRETARY), case_of(items), [first, second],
                              counts(votes_for=5, against=4), Result.ADOPTED)
    db.session.commit()
    result = {v.proposal.item_id: (v.computed_result, v.mismatch) for v in block.votes}
    assert result == {first: (Result.ADOPTED, False), second: (Result.REJECTED, True)}


# --- the property: a block vote is the same vote recorded item by item -----------------------
TALLIES = st.builds(
    VoteInput, kind=st.sampled_from(VoteKind), present=st.integers(0, 10),
    votes_for=st.integers(0, 10), against=st.integers(0, 10), abstain=st.integers(0, 3),
    chair_vote=st.sampled_from([None, Choice.FOR, Choice.AGAINST]))
RULES = st.sampled_from(RuleName)


def _fields(vote: Vote) -> tuple:
    return (vote.kind, vote.present, vote.votes_for, vote.votes_against, vote.votes_abstain,
            vote.chair_vote, vote.entered_result, vote.computed_result, vote.revision)


def _attempt(record) -> tuple:
    try:
        return ("ok", record())
    except ValidationFailed as refused:
        return ("refused", refused.errors)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=TALLIES, entered=st.sampled_from(Result), rules=st.tuples(RULES, RULES))
def test_a_block_vote_equals_the_same_vote_recorded_per_item(items, data, entered, rules):
    """Items 1, 2 vote as a block; items 3, 4 (same rules) one by one: the same rows or the
    same refusal. Nothing is committed; each example is rolled back."""
    try:
        proposals = [items.innstilling(i) for i in items.ids]
        for proposal, rule in zip(proposals, rules * 2, strict=True):
            proposal.majority_rule = rule
        secretary = user(SECRETARY)
        block = _attempt(lambda: [_fields(v) for v in record_block_vote(
            secretary, case_of(items), items.ids[:2], data, entered).votes])
        one_by_one = _attempt(lambda: [_fields(record_vote(secretary, p, data, entered))
                                       for p in proposals[2:]])
        assert block == one_by_one
    finally:
        db.session.rollback()


# --- the pages -------------------------------------------------------------------------------
def html(response) -> str:
    return response.get_data(as_text=True)


def block_form(item_ids, **vote) -> dict:
    return {"items": [str(i) for i in item_ids], **vote_form(**vote)}


def test_the_case_page_links_to_the_block_vote_for_secretaries(client, items):
    login(client, SECRETARY)
    assert f"/council/cases/{items.case_id}/block-vote" in html(
        client.get(f"/council/cases/{items.case_id}"))
    page = html(client.get(f"/council/cases/{items.case_id}/block-vote"))
    for item_id in items.ids:
        assert f'value="{item_id}"' in page


def test_the_office_can_not_record_a_block_vote(client, items):
    login(client, OFFICE)
    assert client.get(f"/council/cases/{items.case_id}/block-vote").status_code == 403
    before = fingerprint()
    assert post(client, f"/council/cases/{items.case_id}/block-vote",
                block_form(items.ids[:2])).status_code == 403
    assert fingerprint() == before


def test_a_block_vote_from_the_page_shows_on_each_item(client, items):
    first, second, third, _fourth = items.ids
    login(client, SECRETARY)
    response = post(client, f"/council/cases/{items.case_id}/block-vote",
                    block_form([first, third], votes_for=7, against=2))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/council/cases/{items.case_id}")
    assert "registrert for 2 arenaer" in html(client.get(response.headers["Location"]))
    page = html(client.get(f"/council/items/{first}"))
    assert "Felles stemmegivning" in page and arena_name(third) in page
    assert f"/council/items/{third}" in page and arena_name(second) not in page
    assert "7 stemmer mot 2" in page or "7 mot 2" in page
    assert "Felles stemmegivning" not in html(client.get(f"/council/items/{second}"))


def test_a_block_vote_with_a_voted_item_names_it_at_the_page_address(client, items):
    first, second, *_rest = items.ids
    record_vote(user(SECRETARY), items.innstilling(second), counts(), Result.ADOPTED)
    db.session.commit()
    login(client, SECRETARY)
    before = fingerprint()
    url = f"/council/cases/{items.case_id}/block-vote"
    response = post(client, url, block_form([first, second]))
    assert response.status_code == 409
    page = html(response)
    assert "allerede en registrert stemmegivning" in page and arena_name(second) in page
    assert f'action="{url}"' in page
    assert re.search(rf'<input[^>]* checked [^>]*value="{first}"', page)  # the choice is kept
    assert fingerprint() == before


@pytest.mark.parametrize(("form", "message"), [
    ({"items": []}, "Velg minst to arenaer."),
    ({"votes_for": 8, "against": 3}, ""),
    ({"present": ""}, "Feltet må fylles ut."),
])
def test_bad_block_votes_are_re_rendered_in_norwegian(client, items, form, message):
    login(client, SECRETARY)
    form = dict(form)
    data = block_form(form.pop("items", items.ids[:2]), **form)
    before = fingerprint()
    response = post(client, f"/council/cases/{items.case_id}/block-vote", data)
    assert response.status_code == 400
    page = html(response)
    assert 'class="ds-error-summary' in page or "error-summary" in page
    assert message in page
    assert "Not a valid" not in page and "This field" not in page
    assert fingerprint() == before


def test_the_minutes_say_which_arenas_were_voted_on_together(client, items):
    first, second, third, _fourth = items.ids
    record_block_vote(user(SECRETARY), case_of(items), [first, third], counts(), Result.ADOPTED)
    db.session.commit()
    login(client, SECRETARY)
    response = client.get(f"/council/cases/{items.case_id}/minutes.docx")
    assert response.status_code == 200
    text = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
    assert f"Votert over samlet med {arena_name(third)}." in text
    assert f"Votert over samlet med {arena_name(first)}." in text
    assert not any(arena_name(second) in line for line in text if "samlet" in line)
