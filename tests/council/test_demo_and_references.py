"""The demo's 2021 council case, and the references the review document reads."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.council.queries import DecisionRef, decision_references
from app.extensions import db
from app.models import Arena, Assessment, Cycle
from app.models.council import CaseItem, CouncilCase
from tests.conftest import OFFICE, login
from workflows.assessment import AssessmentState

FIVE = {
    "Global Climate Forum (GCF)": "terminate",
    "Union of the Baltic Cities (UBC)": "terminate",
    "Solidarity Cities": "join",
    "The Human Rights Cities Network": "join",
    "UCLG Committee on Social Inclusion, Participatory Democracy and Human Rights":
        "consider_joining",
}


def cycle_2021() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_2021_case_has_the_five_decisions_each_with_a_vote(app):
    case = db.session.scalar(sa.select(CouncilCase).where(
        CouncilCase.cycle_id == cycle_2021().id))
    assert (case.case_number, case.meeting_date, case.archive_reference) == (
        "95/21", date(2021, 5, 4), "2018/51186-20")
    assert "illustrerende" in case.description
    assert case.term.seats == 67 and len(case.term.members) == 67
    decided = {i.assessment.arena.name: i for i in case.items}
    assert {name: i.decision.outcome.value for name, i in decided.items()} == FIVE
    for item in case.items:
        assert item.assessment.state == AssessmentState.DECIDED
        assert item.assessment.decided_by.email == "sekretar@bergen.example"
        for proposal in item.proposals:
            assert proposal.vote is not None and not proposal.vote.mismatch
        assert item.decision.proposal.vote.computed_result.value == "adopted"
    solidarity = decided["Solidarity Cities"]
    assert [p.kind.value for p in solidarity.proposals] == ["recommendation", "alternative"]
    assert solidarity.proposals[1].vote.computed_result.value == "rejected"
    assert len(decided[next(n for n in FIVE if n.startswith("UCLG"))]
               .proposals[0].vote.member_votes) == 67
    assert decided["Global Climate Forum (GCF)"].proposals[0].vote.party_votes


def test_the_rest_of_2021_stood_by_the_recommendation(app):
    rows = db.session.scalars(sa.select(Assessment).where(
        Assessment.cycle_id == cycle_2021().id,
        Assessment.id.not_in(sa.select(CaseItem.assessment_id)))).all()
    assert len(rows) == 34
    assert all(a.state == AssessmentState.DECIDED and not a.routed_to_council
               and a.decision_outcome == a.recommendation for a in rows)


def test_decision_references_for_the_review_document_in_two_queries(app):
    cycle_id = cycle_2021().id
    db.session.rollback()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        refs = decision_references(cycle_id)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    # the decided items, then every proposal voted on with its vote: whatever their number
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    names = dict(db.session.execute(sa.select(Assessment.id, Arena.name).join(Assessment.arena)
                                    .where(Assessment.id.in_(list(refs)))).all())
    by_name = {names[k]: v for k, v in refs.items()}
    assert set(by_name) == set(FIVE)
    gcf = by_name["Global Climate Forum (GCF)"]
    assert isinstance(gcf, DecisionRef)
    assert (gcf.case_number, gcf.meeting_date, gcf.archive_reference, gcf.vote_text_nb,
            gcf.vote_text_en) == ("95/21", date(2021, 5, 4), "2018/51186-20",
                                  "Vedtatt med 52 mot 15 stemmer, 0 avsto.",
                                  "Adopted by 52 votes to 15, 0 abstentions.")
    assert gcf.arena_name == "Global Climate Forum (GCF)" and gcf.outcome
    assert [(p.tally.votes_for, p.tally.against) for p in gcf.proposals] == [(52, 15)]
    assert by_name["The Human Rights Cities Network"].vote_text_nb == "Enstemmig vedtatt."
    assert decision_references(cycle_2021().id + 1000) == {}


def test_arena_history_shows_decision_vote_and_case(client):
    login(client, OFFICE)
    arena = db.session.scalar(sa.select(Arena).where(Arena.key == "ubc"))
    page = html(client.get(f"/arenas/{arena.id}"))
    assert "Vedtatt med 45 mot 22 stemmer, 0 avsto." in page
    assert "Sak 95/21" in page and "2018/51186-20" in page
    other = db.session.scalar(sa.select(Arena).where(Arena.key == "eurocities"))
    assert "Anbefalingen ble stående" in html(client.get(f"/arenas/{other.id}"))


def test_the_2021_assessment_page_summarises_the_council(client):
    login(client, OFFICE)
    aid = db.session.scalar(sa.select(Assessment.id).join(Assessment.arena).where(
        Arena.key == "solidarity-cities", Assessment.cycle_id == cycle_2021().id))
    page = html(client.get(f"/assessments/{aid}"))
    assert "Politisk behandling" in page and "Sak 95/21" in page
    assert "Innstillingen (Melde inn): Vedtatt med 40 mot 27 stemmer, 0 avsto." in page
    assert "Forslag fra Parti B (Vurdere innmelding): Forkastet: 27 stemmer for, 40 mot" in page
