"""Publishing cannot end an open year by one click: while assessments are not decided, the
office first sees what is not decided and what publishing does; opening and closing submission
ask first too; every step goes through the cycle's workflow table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.cycles.lifecycle import subject_for
from app.documents import operations as ops
from app.documents.operations import assemble_document, publish_version
from app.extensions import db
from app.models import AuditEvent, Cycle, CycleStatus, DocumentFormat, DocumentVersion, User
from tests.conftest import OFFICE, fingerprint, login, post
from workflows.cycle import CYCLE_WORKFLOW

QUICK = (DocumentFormat.HTML,)


def cycle_of(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def office() -> User:
    return db.session.scalar(sa.select(User).where(User.email == OFFICE))


def open_year() -> int:
    return db.session.scalar(sa.select(Cycle.year).where(Cycle.status == CycleStatus.OPEN))


@pytest.fixture()
def open_version(app):
    """A version of the demo's open cycle (most of its assessments are not decided)."""
    cycle = cycle_of(open_year())
    version = assemble_document(cycle, office(), formats=QUICK)[0]
    db.session.commit()
    return cycle.year, version.number


def test_publishing_an_open_cycle_is_refused_without_confirmation(app, open_version):
    year, number = open_version
    cycle = cycle_of(year)
    undecided = subject_for(cycle).undecided_count
    assert undecided > 0
    db.session.rollback()
    before = fingerprint()
    with pytest.raises(ops.ConfirmationRequired) as refused:
        publish_version(cycle_of(year), number, office())
    assert refused.value.reasons == [f"{undecided} assessments are not decided"]
    db.session.rollback()
    assert fingerprint() == before
    assert cycle_of(year).status == CycleStatus.OPEN


def test_the_page_lists_what_is_not_decided_and_publishes_only_when_confirmed(
        app, client, open_version):
    year, number = open_version
    login(client, OFFICE)
    listed = client.get(f"/documents/{year}").get_data(as_text=True)
    assert f'href="/documents/{year}/versions/{number}/publish"' in listed  # a link, not a POST
    before = fingerprint()
    response = post(client, f"/documents/{year}/versions/{number}/publish")
    assert response.status_code == 302
    assert response.location.endswith(f"/documents/{year}/versions/{number}/publish")
    assert fingerprint() == before and cycle_of(year).status == CycleStatus.OPEN

    page = client.get(response.location).get_data(as_text=True)
    undecided = subject_for(cycle_of(year)).undecided_count
    assert f"{undecided} vurderinger er ikke avgjort" in page
    assert "Ingen kan lenger lagre endringer i vurderingene under" in page
    assert page.count('<tr><td><a class="ds-link" href="/assessments/') == undecided
    assert "Publiser likevel" in page

    response = post(client, f"/documents/{year}/versions/{number}/publish", {"confirmed": "1"})
    assert response.status_code == 302
    db.session.rollback()
    cycle = cycle_of(year)
    assert cycle.status == CycleStatus.PUBLISHED
    assert db.session.scalar(sa.select(DocumentVersion.is_published).where(
        DocumentVersion.cycle_id == cycle.id, DocumentVersion.number == number)) is True
    steps = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "cycle", AuditEvent.entity_id == cycle.id)).all()
    assert "publish_undecided" in steps and "document_published" in steps


def test_a_decided_cycle_publishes_through_the_table_after_the_plain_confirmation(
        app, client, monkeypatch):
    year = open_year()
    cycle = cycle_of(year)
    version = assemble_document(cycle, office(), formats=QUICK)[0]
    db.session.commit()
    # Every assessment decided: the plain step, no "publish anyway".
    real = subject_for

    def decided(c):
        subject = real(c)
        subject.undecided_count = 0
        return subject

    monkeypatch.setattr("app.cycles.lifecycle.subject_for", decided)
    monkeypatch.setattr("app.documents.publish_views.undecided_assessments", lambda c: [])
    login(client, OFFICE)
    page = client.get(f"/documents/{year}/versions/{version.number}/publish").get_data(
        as_text=True)
    assert "Alle vurderingene er avgjort." in page and "Publiser likevel" not in page
    assert post(client, f"/documents/{year}/versions/{version.number}/publish").status_code == 302
    db.session.rollback()
    assert cycle_of(year).status == CycleStatus.PUBLISHED


def test_publishing_anyway_is_not_a_button_on_the_steering_panel(app, client):
    year = open_year()
    login(client, OFFICE)
    page = client.get(f"/cycles/{year}").get_data(as_text=True)
    assert "publish_undecided" not in page
    before = fingerprint()
    response = post(client, f"/cycles/{year}/lifecycle",
                    {"transition": "publish_undecided", "confirmed": "1"})
    assert response.status_code == 400
    assert fingerprint() == before


def test_closing_submission_says_what_it_does_first(app, client):
    year = open_year()
    login(client, OFFICE)
    page = client.get(f"/cycles/{year}").get_data(as_text=True)
    assert f'href="/cycles/{year}/lifecycle/close_submissions"' in page
    before = fingerprint()
    response = post(client, f"/cycles/{year}/lifecycle", {"transition": "close_submissions"})
    assert response.status_code == 302
    assert response.location.endswith(f"/cycles/{year}/lifecycle/close_submissions")
    assert fingerprint() == before
    confirm = client.get(response.location).get_data(as_text=True)
    assert "Gjennomgangen får status «Under behandling»" in confirm
    assert "vurderinger er ikke sendt inn ennå" in confirm and 'id="not-submitted"' in confirm
    response = post(client, f"/cycles/{year}/lifecycle",
                    {"transition": "close_submissions", "confirmed": "1"})
    assert response.status_code == 302
    db.session.rollback()
    assert cycle_of(year).status == CycleStatus.IN_REVIEW
    flashed = client.get(f"/cycles/{year}").get_data(as_text=True)
    assert "Innsendingen er avsluttet. Gjennomgangen er nå til behandling." in flashed


def test_a_step_that_cannot_be_taken_has_no_confirmation_page(app, client):
    login(client, OFFICE)
    response = client.get("/cycles/2021/lifecycle/open_cycle")
    assert response.status_code == 302
    assert "Det steget kan ikke tas nå." in client.get(response.location).get_data(as_text=True)
    assert client.get("/cycles/2021/lifecycle/nonsense").status_code == 404
    assert client.get("/cycles/2021/lifecycle/publish_undecided").status_code == 404


def test_the_table_keeps_publishing_anyway_for_undecided_cycles_only():
    class Subject:
        def __init__(self, state, undecided, document=True):
            self.state, self.undecided_count, self.has_document = state, undecided, document
            self.problems = []

    office_actor = None  # the system acts as the office
    for state in (CycleStatus.OPEN, CycleStatus.IN_REVIEW, CycleStatus.AWAITING_DECISION,
                  CycleStatus.ASSEMBLED):
        assert CYCLE_WORKFLOW.blockers("publish_cycle", Subject(state, 0), office_actor) == []
        assert CYCLE_WORKFLOW.blockers("publish_cycle", Subject(state, 3), office_actor)
        assert CYCLE_WORKFLOW.blockers("publish_undecided", Subject(state, 3), office_actor) == []
        assert CYCLE_WORKFLOW.blockers("publish_undecided", Subject(state, 0), office_actor)
        assert CYCLE_WORKFLOW.blockers("publish_undecided", Subject(state, 3, False),
                                       office_actor)
    assert CYCLE_WORKFLOW.blockers("publish_cycle", Subject(CycleStatus.PLANNED, 0), None)
    for name in ("open_cycle", "close_submissions", "publish_cycle", "publish_undecided"):
        assert CYCLE_WORKFLOW.get(name).needs_confirmation
