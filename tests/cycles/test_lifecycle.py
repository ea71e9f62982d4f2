"""Clone and open a cycle (CLI and operations), and the lifecycle table."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.cycles.lifecycle import clone_cycle, cycle_problems, open_cycle, transition_cycle
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, AuditEvent, Cycle, User
from tests.conftest import fingerprint
from workflows.cycle import CycleStatus
from workflows.engine import TransitionNotAllowed
from workflows.workdays import is_working_day


def cycle(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def test_clone_includes_members_and_proposed_not_left(runner):
    result = runner.invoke(args=["cycles", "clone", "--from", "2021", "--to", "2022"])
    assert result.exit_code == 0, result.output
    new = cycle(2022)
    names = {a.name for a in new.arenas}
    assert "Global Climate Forum (GCF)" not in names  # left after the 2021 decision
    assert "Union of the Baltic Cities (UBC)" not in names
    assert {"Solidarity Cities", "Eurocities",
            "UCLG Committee on Social Inclusion, Participatory Democracy and Human Rights"} <= names
    assert len(names) == 37
    assert new.status == CycleStatus.PLANNED and new.title == "Gjennomgang 2022"
    assert new.criteria_set_id == cycle(2021).criteria_set_id
    assert new.introduction_nb == cycle(2021).introduction_nb


def test_clone_moves_deadlines_to_working_days_of_the_new_year(app):
    source = cycle(2021)
    new = clone_cycle(None, source, 2022)
    for name in ("submission_deadline", "review_deadline", "council_meeting_date"):
        old, moved = getattr(source, name), getattr(new, name)
        assert moved.year == 2022 and is_working_day(moved)
        assert 0 <= (old.replace(year=2022) - moved).days <= 4


def test_clone_across_a_leap_day(app):
    source = cycle(2021)
    source.submission_deadline = date(2020, 2, 29)
    source.year = 2020
    db.session.flush()
    new = clone_cycle(None, source, 2021)
    assert new.submission_deadline == date(2021, 2, 26)  # 28 Feb 2021 is a Sunday


def test_clone_leaves_last_year_untouched_and_refuses_an_existing_year(runner):
    before = fingerprint()
    assert runner.invoke(args=["cycles", "clone", "--from", "2021", "--to", "2026"]).exit_code != 0
    assert fingerprint() == before
    runner.invoke(args=["cycles", "clone", "--from", "2021", "--to", "2022"])
    old = cycle(2021)
    assert old.status == CycleStatus.PUBLISHED and len(old.arenas) == 39
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)
                             .where(Assessment.cycle_id == old.id)) == 39


def test_open_creates_one_assessment_per_arena_carried_forward(runner):
    runner.invoke(args=["cycles", "clone", "--from", "2021", "--to", "2022"])
    result = runner.invoke(args=["cycles", "open", "2022"])
    assert result.exit_code == 0, result.output
    new = cycle(2022)
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == new.id)).all()
    assert len(rows) == len(new.arenas) == 37
    assert len({r.arena_id for r in rows}) == 37
    assert new.status == CycleStatus.OPEN and new.opened_at is not None
    eurocities = next(r for r in rows if r.arena.name == "Eurocities")
    assert eurocities.is_carried_forward and eurocities.state.value == "draft"
    assert eurocities.answer("participation")["value"] == "active"
    assert eurocities.recommendation is not None


def test_open_is_idempotent(runner):
    runner.invoke(args=["cycles", "clone", "--from", "2021", "--to", "2022"])
    runner.invoke(args=["cycles", "open", "2022"])
    before = fingerprint()
    result = runner.invoke(args=["cycles", "open", "2022"])
    assert result.exit_code == 0 and "allerede" in result.output
    assert fingerprint() == before
    with pytest.raises(TransitionNotAllowed):
        open_cycle(None, cycle(2022))


def test_open_refuses_with_the_list_of_problems(runner):
    runner.invoke(args=["cycles", "clone", "--from", "2021", "--to", "2022"])
    new = cycle(2022)
    orphan = Arena(key="orphan", name="Foreldreløs arena", kind="network",
                   status=ArenaStatus.MEMBER)
    db.session.add(orphan)
    new.arenas.append(orphan)
    for user in db.session.scalars(sa.select(User).where(User.email.like("kontakt.bsi%"))):
        user.is_active_user = False
    db.session.commit()
    before = fingerprint()
    result = runner.invoke(args=["cycles", "open", "2022"])
    assert result.exit_code != 0
    assert "Foreldreløs arena" in result.output and "barnehage, skole og idrett" in result.output
    assert fingerprint() == before
    assert len(cycle_problems(cycle(2022))) == 2


def test_only_unchanged_criteria_carry_forward(app):
    """A removed criterion, or one whose kind changed, starts empty; an unchanged one carries."""
    from app.cycles.criteria import DEFAULT_CRITERIA, build_criteria_set
    from app.models import CriterionKind

    participation, learning, _influence, other = DEFAULT_CRITERIA
    new = clone_cycle(None, cycle(2021), 2022)
    new.criteria_set = build_criteria_set("Kriterier 2022", version=2, definition=(
        participation, {**learning, "kind": CriterionKind.TEXT}, other))
    db.session.flush()
    open_cycle(None, new)
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == new.id)).all()
    assert rows and all(set(r.answers) <= {"participation", "other_value"} for r in rows)
    old = {a.arena_id: a for a in db.session.scalars(
        sa.select(Assessment).where(Assessment.cycle_id == cycle(2021).id))}
    eurocities = next(r for r in rows if r.arena.name == "Eurocities")
    assert eurocities.is_carried_forward
    assert eurocities.answers["participation"] == old[eurocities.arena_id].answer("participation")
    assert "learning_outcome" in old[eurocities.arena_id].answers  # there, but kind changed
    last_year = cycle(2021).criteria_set  # last year's set is its own
    assert [(c.key, c.kind) for c in last_year.criteria] == [
        (spec["key"], spec["kind"]) for spec in DEFAULT_CRITERIA]


def test_publishing_needs_everything_decided_and_reopening_needs_a_reason(app):
    office = db.session.scalar(sa.select(User).where(User.email == "kontoret@bergen.example"))
    open_one = cycle(2026)
    transition_cycle(office, open_one, "close_submissions")
    transition_cycle(office, open_one, "await_decision")
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_cycle(office, open_one, "mark_assembled")
    assert any("not decided" in r for r in refused.value.reasons)
    published = cycle(2021)
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        transition_cycle(office, published, "reopen_cycle")
    transition_cycle(office, published, "reopen_cycle", "Feil i stemmetallene")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reopen_cycle"))
    assert event.details["comment"] == "Feil i stemmetallene" and event.from_state == "published"
