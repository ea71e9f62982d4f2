"""Decisions change arenas on their effective date: the job (scheduler tick) moves leaving →
left and proposed → member, and running it again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app.clock import today
from app.council.jobs import apply_effective_status_changes
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment
from app.models.council import FollowUp
from tests.conftest import SECRETARY, login, post
from tests.council.conftest import audit_actions, item_of, vote_form
from tests.council.test_cases import decide
from workflows.arena_status import follow_up_for


def status(arena_id: int) -> ArenaStatus:
    db.session.rollback()
    return db.session.get(Arena, arena_id).status


def noon(day) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def test_terminate_leaves_on_the_effective_date(client, council, runner):
    effective = today() + timedelta(days=30)
    login(client, SECRETARY)
    response = decide(client, council, "terminate", effective=effective.isoformat())
    assert response.status_code == 302
    assert status(council.arena_id) == ArenaStatus.LEAVING  # until the effective date
    task = db.session.scalar(sa.select(FollowUp).where(FollowUp.item_id == council.item_id))
    assert task.kind.value == "send_termination_notice" and not task.is_done

    day_before = (effective - timedelta(days=1)).isoformat()
    result = runner.invoke(args=["scheduler", "tick", "--now", f"{day_before}T09:00"])
    assert result.exit_code == 0, result.output
    assert status(council.arena_id) == ArenaStatus.LEAVING

    result = runner.invoke(args=["scheduler", "tick", "--now", f"{effective.isoformat()}T09:00"])
    assert result.exit_code == 0, result.output
    assert "arenas_left=1" in result.output
    assert status(council.arena_id) == ArenaStatus.LEFT
    assert audit_actions("arena", council.arena_id)[-2:] == ["arena_status_changed"] * 2

    again = runner.invoke(args=["scheduler", "tick", "--now", f"{effective.isoformat()}T10:00"])
    assert "arenas_left" not in again.output  # idempotent: nothing left to do
    assert audit_actions("arena", council.arena_id).count("arena_status_changed") == 2


def test_join_makes_a_proposed_arena_a_member_from_the_effective_date(client, council,
                                                                       runner):
    uclg = db.session.scalar(sa.select(Assessment).join(Assessment.arena).where(
        Arena.key == "uclg-csipdhr", Assessment.cycle_id == db.session.get(
            Assessment, council.assessment_id).cycle_id))
    assert uclg.arena.status == ArenaStatus.PROPOSED
    uclg.state, uclg.routed_to_council = uclg.state.APPROVED, True
    db.session.commit()
    login(client, SECRETARY)
    post(client, f"/council/cases/{council.case_id}/items", {"assessments": [uclg.id]})
    uclg_id, arena_id = uclg.id, uclg.arena_id
    item_id = item_of(uclg_id).id
    post(client, f"/council/items/{item_id}/proposals", {
        "kind": "recommendation", "outcome": "join", "majority_rule": "simple",
        "text": "Bergen kommune melder seg inn."})
    proposal_id = item_of(uclg_id).proposals[0].id
    post(client, f"/council/proposals/{proposal_id}/vote", vote_form(kind="unanimous",
                                                                     votes_for="", against=""))
    effective = today() + timedelta(days=10)
    response = post(client, f"/council/items/{item_id}/decision", {
        "outcome": "join", "text": "Bystyret vedtok innmelding.",
        "effective_date": effective.isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert status(arena_id) == ArenaStatus.PROPOSED

    assert apply_effective_status_changes(noon(effective - timedelta(days=1))) == {}
    db.session.commit()
    assert status(arena_id) == ArenaStatus.PROPOSED
    result = runner.invoke(args=["council", "apply-effective-dates", "--now",
                                 f"{effective.isoformat()}T08:00"])
    assert result.exit_code == 0 and "arenas_joined=1" in result.output
    assert status(arena_id) == ArenaStatus.MEMBER
    assert apply_effective_status_changes(noon(effective + timedelta(days=5))) == {}


def test_a_decision_already_in_effect_applies_at_once(client, council):
    login(client, SECRETARY)
    decide(client, council, "terminate", effective=(today() - timedelta(days=3)).isoformat())
    assert status(council.arena_id) == ArenaStatus.LEFT


def test_the_demo_decisions_are_already_in_effect(app):
    assert apply_effective_status_changes(noon(today())) == {}
    statuses = dict(db.session.execute(sa.select(Arena.key, Arena.status).where(Arena.key.in_(
        ["global-climate-forum", "ubc", "solidarity-cities", "human-rights-cities-network",
         "uclg-csipdhr"]))).all())
    assert statuses == {"global-climate-forum": ArenaStatus.LEFT, "ubc": ArenaStatus.LEFT,
                        "solidarity-cities": ArenaStatus.MEMBER,
                        "human-rights-cities-network": ArenaStatus.MEMBER,
                        "uclg-csipdhr": ArenaStatus.PROPOSED}


def _settled_by_office(client, make_assessment, recommendation: str, arena_status: ArenaStatus):
    """An approved assessment recommending `recommendation` on an arena in `arena_status`,
    confirmed by the council office (the recommendation stands); returns (assessment, arena)."""
    from app.models import Recommendation
    from tests.conftest import OFFICE

    assessment = make_assessment(state="approved", portfolio="KMB")
    assessment.recommendation = Recommendation(recommendation)
    assessment.arena.status = arena_status
    db.session.commit()
    aid, arena_id = assessment.id, assessment.arena_id
    login(client, OFFICE)
    response = post(client, "/council/routing/2026", {f"route_{aid}": "settle"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return aid, arena_id


def test_a_standing_termination_leaves_at_the_end_of_the_year(client, make_assessment, runner):
    aid, arena_id = _settled_by_office(client, make_assessment, "terminate", ArenaStatus.MEMBER)
    assert status(arena_id) == ArenaStatus.LEAVING
    settled = db.session.get(Assessment, aid)
    year_end = today().replace(month=12, day=31)
    assert settled.decision_effective_date == year_end
    changes = _arena_audit(arena_id)
    assert changes[-1].details["assessment_id"] == aid  # the audit names what decided it

    before = runner.invoke(args=["scheduler", "tick", "--now", f"{today().year}-12-30T09:00"])
    assert "arenas_left" not in before.output, before.output
    assert status(arena_id) == ArenaStatus.LEAVING
    result = runner.invoke(args=["scheduler", "tick", "--now", f"{year_end.isoformat()}T09:00"])
    assert "arenas_left=1" in result.output, result.output
    assert status(arena_id) == ArenaStatus.LEFT
    again = runner.invoke(args=["scheduler", "tick", "--now", f"{year_end.isoformat()}T10:00"])
    assert "arenas_left" not in again.output  # idempotent


def test_a_standing_join_makes_a_proposed_arena_a_member_at_once(client, make_assessment):
    aid, arena_id = _settled_by_office(client, make_assessment, "join", ArenaStatus.PROPOSED)
    assert status(arena_id) == ArenaStatus.MEMBER
    assert db.session.get(Assessment, aid).decision_effective_date == today()
    assert audit_actions("arena", arena_id)[-1] == "arena_status_changed"


def test_a_standing_continue_leaves_the_arena_as_it_is(client, make_assessment):
    before = len(audit_actions("arena", make_assessment(state="approved", portfolio="KMB")
                               .arena_id))
    aid, arena_id = _settled_by_office(client, make_assessment, "continue", ArenaStatus.MEMBER)
    assert status(arena_id) == ArenaStatus.MEMBER
    assert len(audit_actions("arena", arena_id)) == before


def _arena_audit(arena_id: int):
    from app.models import AuditEvent

    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "arena", AuditEvent.entity_id == arena_id,
        AuditEvent.action == "arena_status_changed").order_by(AuditEvent.id)).all()


def test_a_standing_termination_gives_the_office_its_notice_to_send(client, make_assessment):
    """No council case, but the notice still has to go: the follow-up list shows the task,
    linked to the assessment, and the office ticks it off like any other."""
    aid, arena_id = _settled_by_office(client, make_assessment, "terminate", ArenaStatus.MEMBER)
    task = db.session.scalar(sa.select(FollowUp).where(FollowUp.assessment_id == aid))
    assert task is not None and task.item_id is None
    assert task.kind.value == "send_termination_notice" and not task.is_done
    page = client.get("/council/follow-ups").get_data(as_text=True)
    row = next(r for r in page.split("<tr>") if f'href="/assessments/{aid}"' in r)
    arena = db.session.get(Arena, arena_id)
    assert arena.name in row and "Ingen sak: innstillingen ble stående" in row
    assert "Avslutte (melde ut)" in row and "Ikke utført" in row
    response = post(client, f"/council/follow-ups/{task.id}", {"done": "1"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(FollowUp, task.id).is_done
    assert audit_actions("council_follow_up", task.id) == ["follow_up_done"]


def test_a_standing_continue_gives_no_follow_up_and_settling_twice_adds_none(
        client, make_assessment):
    aid, _arena_id = _settled_by_office(client, make_assessment, "continue", ArenaStatus.MEMBER)
    assert db.session.scalar(sa.select(FollowUp).where(FollowUp.assessment_id == aid)) is None
    from app.arena_status import add_follow_up

    join = make_assessment(state="decided", portfolio="KML")
    add_follow_up(join, "join")
    add_follow_up(join, "join")  # the same task once, however often it is asked for
    db.session.commit()
    tasks = db.session.scalars(sa.select(FollowUp).where(FollowUp.assessment_id == join.id))
    assert [t.kind.value for t in tasks] == ["apply_for_membership"]


def test_letting_a_recommendation_stand_costs_one_version_and_one_audit_row(
        client, make_assessment):
    """The arena's status and the follow-up are flushed inside the transition; the assessment
    must still change in one UPDATE (the load test's check: one audit row per version)."""
    from app.models import AuditEvent, Recommendation
    from tests.conftest import OFFICE

    login(client, OFFICE)
    for recommendation, status_before in (("terminate", ArenaStatus.MEMBER),
                                          ("consider_joining", ArenaStatus.PROPOSED)):
        assessment = make_assessment(state="approved", portfolio="KMB")
        assessment.recommendation = Recommendation(recommendation)
        assessment.decision_outcome = None
        assessment.arena.status = status_before
        db.session.commit()
        aid, version = assessment.id, assessment.version
        last_audit = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        db.session.rollback()
        response = post(client, "/council/routing/2026", {f"route_{aid}": "settle"})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        db.session.rollback()
        settled = db.session.get(Assessment, aid)
        rows = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "assessment", AuditEvent.entity_id == aid,
            AuditEvent.id > last_audit)).all()
        assert (settled.version - version, rows) == (1, ["confirm_recommendation"]), (
            recommendation)
        kinds = db.session.scalars(sa.select(FollowUp.kind).where(
            FollowUp.assessment_id == aid)).all()
        assert follow_up_for(recommendation) in [k.value for k in kinds]
