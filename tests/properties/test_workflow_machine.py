"""The assessment workflow as a state machine: random transitions by random people, through
the real operations and database, never break the invariants."""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.assessments.operations import transition_assessment
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Assessment, AuditEvent, User
from workflows.assessment import ASSESSMENT_WORKFLOW, AssessmentState
from workflows.engine import TransitionNotAllowed

PEOPLE = ("kontakt@bergen.example", "byrad@bergen.example", "kontoret@bergen.example",
          "sekretar@bergen.example", "admin@bergen.example", "kontakt.kmb@bergen.example")
STEPS = st.lists(
    st.tuples(st.sampled_from(PEOPLE), st.sampled_from(sorted(ASSESSMENT_WORKFLOW.transitions)),
              st.sampled_from(["", "Se over svarene igjen."]), st.integers(0, 5)),
    min_size=1, max_size=25,
)


def audit_count(assessment_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "assessment", AuditEvent.entity_id == assessment_id))


def check_invariants() -> None:
    pairs = db.session.execute(sa.select(Assessment.cycle_id, Assessment.arena_id)).all()
    assert len(pairs) == len(set(pairs)), "one assessment per arena and cycle"
    undecided_with_outcome = db.session.scalar(sa.select(sa.func.count()).select_from(
        Assessment).where(Assessment.state == AssessmentState.DECIDED,
                          Assessment.decision_outcome.is_(None)))
    assert undecided_with_outcome == 0, "decided only with a decision"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_transitions_keep_the_invariants(app, steps):
    people = {u.email: u for u in db.session.scalars(sa.select(User).where(
        User.email.in_(PEOPLE)))}
    pool = db.session.scalars(sa.select(Assessment).join(Assessment.cycle)
                              .where(Assessment.cycle.has(year=2026))
                              .order_by(Assessment.id).limit(6)).all()
    ids = [a.id for a in pool]
    for email, name, comment, which in steps:
        assessment = db.session.get(Assessment, ids[which % len(ids)])
        before_state, before_audit = assessment.state, audit_count(assessment.id)
        try:
            transition_assessment(assessment, people[email], name, comment)
        except (TransitionNotAllowed, ValidationFailed):
            db.session.rollback()
            assessment = db.session.get(Assessment, assessment.id)
            assert assessment.state == before_state
            assert audit_count(assessment.id) == before_audit
        else:
            db.session.commit()
            assert audit_count(assessment.id) == before_audit + 1, "an audit row per change"
            transition = ASSESSMENT_WORKFLOW.transitions[name]
            assert assessment.state == transition.target
        check_invariants()
