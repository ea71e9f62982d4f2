"""Migrations build the schema the models describe; the demo loads into a fresh database."""

from __future__ import annotations

from datetime import date

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app import create_app
from app.extensions import db
from app.models import Arena, Assessment, AuditEvent, Cycle, CycleStatus, Recommendation
from config import TestConfig
from tests.conftest import fingerprint
from workflows.assessment import AssessmentState

DEMO_DAY = "2030-03-01"


@pytest.fixture()
def blank(empty_database_url):
    """The app on an empty database (no tables), with an app context pushed."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def migrated(blank):
    flask_migrate.upgrade(revision="heads")
    return blank


@pytest.fixture()
def demo(migrated):
    result = cli(migrated, "demo", "load", "--today", DEMO_DAY)
    assert result.exit_code == 0, result.output
    return migrated


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def table_names() -> set[str]:
    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names())


def drift() -> list:
    """What autogenerate would put in a new migration (empty when models and schema agree)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def count(statement) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))


def test_upgrade_builds_every_table(blank):
    assert table_names() == set()
    flask_migrate.upgrade(revision="heads")
    assert table_names() == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
    version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert version == ScriptDirectory.from_config(
        current_app.extensions["migrate"].migrate.get_config()).get_current_head()


def test_models_and_migrations_agree(migrated):
    assert drift() == []
    result = cli(migrated, "db", "check")
    assert result.exit_code == 0, result.output


def test_check_notices_drift(migrated):
    """The drift check can fail: a column the models do not know about is reported."""
    db.session.execute(sa.text("ALTER TABLE arenas ADD COLUMN is_probe BOOLEAN"))
    db.session.commit()
    assert [(d[0], d[2], d[3].name) for d in drift()] == [
        ("remove_column", "arenas", "is_probe")]
    assert cli(migrated, "db", "check").exit_code != 0


def test_downgrade_to_base_and_upgrade_again(migrated):
    flask_migrate.downgrade(revision="base")
    assert table_names() <= {"alembic_version"}
    flask_migrate.upgrade(revision="heads")
    assert table_names() == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
    assert drift() == []


def test_demo_loads_into_a_fresh_database(migrated):
    result = cli(migrated, "demo", "load", "--today", DEMO_DAY)
    assert result.exit_code == 0, result.output
    assert "Demo loaded: 39 arenas, cycles [2021, 2030]" in result.output
    assert count(sa.select(Arena)) == 39
    assert count(sa.select(Cycle)) == 2


def outcome_2021(name: str) -> Recommendation:
    return db.session.scalar(
        sa.select(Assessment.decision_outcome).join(Assessment.cycle).join(Assessment.arena)
        .where(Cycle.year == 2021, Arena.name == name))


def test_demo_2021_review_is_decided(demo):
    decided = sa.select(Assessment).join(Assessment.cycle).where(Cycle.year == 2021)
    assert count(decided) == 39
    assert count(decided.where(Assessment.state == AssessmentState.DECIDED)) == 39
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    assert cycle.status == CycleStatus.PUBLISHED
    expected = {
        "Global Climate Forum (GCF)": Recommendation.TERMINATE,
        "Union of the Baltic Cities (UBC)": Recommendation.TERMINATE,
        "Solidarity Cities": Recommendation.JOIN,
        "The Human Rights Cities Network": Recommendation.JOIN,
        "UCLG Committee on Social Inclusion, Participatory Democracy and Human Rights":
            Recommendation.CONSIDER_JOINING,
    }
    for name, outcome in expected.items():
        assert outcome_2021(name) == outcome, name
    assert outcome_2021("Eurocities") == Recommendation.CONTINUE


def test_demo_open_cycle_dates_from_today(demo):
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.OPEN))
    assert cycle.year == 2030 and cycle.requires_sign_off is True
    assert cycle.opened_at.date() == date(2030, 2, 8)  # 21 days before the demo's today
    assert cycle.submission_deadline == date(2030, 3, 8)
    states = db.session.scalars(
        sa.select(Assessment.state).where(Assessment.cycle_id == cycle.id)).all()
    assert set(states) == set(AssessmentState)
    assert len(states) == 37  # the two arenas left in 2021 are not reviewed again


def test_loading_the_demo_twice_fails_with_a_message(demo):
    before = fingerprint()
    result = cli(demo, "demo", "load", "--today", DEMO_DAY)
    assert result.exit_code != 0
    assert "The database is not empty" in result.output
    assert fingerprint() == before


def test_loading_the_demo_if_empty_leaves_data_alone(demo):
    before = fingerprint()
    result = cli(demo, "demo", "load", "--if-empty", "--today", "2031-01-01")
    assert result.exit_code == 0, result.output
    assert "demo not loaded" in result.output
    assert fingerprint() == before


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'rewritten' WHERE id = :id",
    "UPDATE audit_events SET actor_name = 'someone else' WHERE id = :id",
    "DELETE FROM audit_events WHERE id = :id",
])
def test_audit_rows_cannot_be_changed(demo, statement):
    row_id = db.session.scalar(sa.select(sa.func.min(AuditEvent.id)))
    before = fingerprint()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text(statement), {"id": row_id})
    db.session.rollback()
    assert fingerprint() == before
    event = db.session.get(AuditEvent, row_id)
    assert event.actor_name == "system" and event.action  # the first row, unchanged


def test_follow_ups_find_their_assessment_when_upgraded(demo):
    """0011 gives every existing follow-up the assessment of its council case item."""
    def pairs():
        found = [tuple(r) for r in db.session.execute(sa.text(
            "SELECT f.id, i.assessment_id FROM council_follow_ups f "
            "JOIN council_case_items i ON i.id = f.item_id ORDER BY f.id"))]
        db.session.remove()  # let go of the connection before the migration takes its own
        return found

    before = pairs()
    assert before
    flask_migrate.downgrade(revision="0010_decision_outcome_index")
    flask_migrate.upgrade(revision="heads")
    upgraded = [tuple(r) for r in db.session.execute(sa.text(
        "SELECT id, assessment_id FROM council_follow_ups ORDER BY id"))]
    db.session.remove()
    assert upgraded == before
    assert drift() == []
