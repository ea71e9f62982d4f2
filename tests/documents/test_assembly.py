"""Assembling, versions, publishing, jobs, and what a crash mid-assembly leaves behind."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.documents import jobs, operations
from app.documents.operations import assemble_document, publish_version, queue_assembly
from app.documents.versions import read_version
from app.errors import NotPermitted
from app.extensions import db
from app.models import (
    AssemblyJob,
    Assessment,
    AuditEvent,
    CycleStatus,
    DocumentBlob,
    DocumentFormat,
    DocumentVersion,
    JobStatus,
    OutboxMessage,
    Recommendation,
    User,
)
from tests.conftest import CONTACT, OFFICE, fingerprint
from tests.documents.conftest import cycle_of, stored_files
from workflows.assessment import AssessmentState
from workflows.engine import TransitionNotAllowed


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def versions() -> list[DocumentVersion]:
    return list(db.session.scalars(sa.select(DocumentVersion).order_by(DocumentVersion.id)))


def stored_bytes(version: DocumentVersion) -> bytes:
    """The bytes kept in the database for `version`, read past the app's checks."""
    return db.session.get(DocumentBlob, version.id).data


def stored(folder) -> list:
    """What an assembly left: the stored documents (nothing may appear on the disk)."""
    assert stored_files(folder) == []
    return list(db.session.scalars(sa.select(DocumentBlob.version_id)))


def crashing_renderer(monkeypatch, failing: DocumentFormat):
    """Make `failing` write half a file and then crash; the other formats work."""
    real = operations.renderer_for

    def renderer_for(fmt):
        if fmt != failing:
            return real(fmt)

        def write(doc, stream):
            stream.write(b"%PDF-1.7 half a document")
            raise RuntimeError("disk on fire")

        return write

    monkeypatch.setattr(operations, "renderer_for", renderer_for)


def test_an_assembly_is_one_version_in_three_formats(app, document_storage):
    office = user(OFFICE)
    made = assemble_document(cycle_of(2021), office)
    db.session.commit()
    assert [v.format for v in made] == [DocumentFormat.DOCX, DocumentFormat.PDF,
                                        DocumentFormat.HTML]
    assert {v.number for v in made} == {1} and all(v.created_by_id == office.id for v in made)
    assert len({v.data_fingerprint for v in made}) == 1
    for version in made:
        data = stored_bytes(version)
        assert hashlib.sha256(data).hexdigest() == version.sha256 == hashlib.sha256(
            read_version(version)).hexdigest()
        assert version.size_bytes == len(data)
    assert len(stored(document_storage)) == 3
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action ==
                                                           "document_assembled"))
    assert event.actor_id == office.id and event.details["number"] == 1


def test_reassembling_never_touches_the_published_version(app, document_storage):
    office, cycle = user(OFFICE), cycle_of(2021)
    first = assemble_document(cycle, office)
    publish_version(cycle, 1, office)
    db.session.commit()
    kept = {v.id: stored_bytes(v) for v in first}
    second = assemble_document(cycle, office)
    db.session.commit()
    assert {v.number for v in second} == {2}
    assert {v.id for v in second}.isdisjoint(kept)
    assert all(v.is_published for v in first) and not any(v.is_published for v in second)
    for version_id, data in kept.items():
        assert db.session.get(DocumentBlob, version_id).data == data
    publish_version(cycle, 2, office)
    db.session.commit()
    assert [v.number for v in versions() if v.is_published] == [2, 2, 2]
    with pytest.raises(TransitionNotAllowed):
        publish_version(cycle, 2, office)
    with pytest.raises(LookupError):
        publish_version(cycle, 9, office)
    assert cycle.status == CycleStatus.PUBLISHED


def test_only_the_council_office_publishes(app):
    cycle = cycle_of(2021)
    assemble_document(cycle, None)  # the system (CLI, scheduler) may assemble
    db.session.commit()
    with pytest.raises(NotPermitted):
        publish_version(cycle, 1, user(CONTACT))
    with pytest.raises(NotPermitted):
        publish_version(cycle, 1, None)
    with pytest.raises(NotPermitted):
        assemble_document(cycle, user(CONTACT))


def test_a_crash_mid_assembly_leaves_no_file_and_no_version(app, document_storage, monkeypatch):
    office, cycle = user(OFFICE), cycle_of(2021)
    publish_version(cycle, assemble_document(cycle, office)[0].number, office)
    db.session.commit()
    files_before, rows_before = stored(document_storage), fingerprint()
    crashing_renderer(monkeypatch, DocumentFormat.PDF)  # after the DOCX was written whole
    with pytest.raises(RuntimeError, match="disk on fire"):
        assemble_document(cycle, office)
    db.session.rollback()
    assert stored(document_storage) == files_before  # no .part file, no DOCX either
    assert fingerprint() == rows_before
    assert [v.number for v in versions() if v.is_published] == [1, 1, 1]


def test_a_crash_in_a_job_fails_the_job_and_keeps_nothing(app, document_storage, monkeypatch):
    cycle = cycle_of(2021)
    job = queue_assembly(cycle, user(OFFICE))
    db.session.commit()
    crashing_renderer(monkeypatch, DocumentFormat.HTML)  # the last of the three
    result = jobs.run_pending_assembly_jobs(clock.now())
    assert result == {"documents_failed": 1}
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and "disk on fire" in job.error
    assert versions() == [] and stored(document_storage) == []


def test_a_crash_while_recording_removes_the_files(app, document_storage, monkeypatch):
    cycle = cycle_of(2021)
    queue_assembly(cycle, user(OFFICE))
    db.session.commit()

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(jobs, "record_assembly", broken)
    assert jobs.run_pending_assembly_jobs(clock.now())["documents_failed"] == 1
    assert versions() == [] and stored(document_storage) == []


def test_an_assembly_the_office_asked_for_sends_no_mail(app):
    queue_assembly(cycle_of(2021), user(OFFICE))
    db.session.commit()
    assert jobs.run_pending_assembly_jobs(clock.now())["documents_assembled"] == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "document_ready")) == 0


def test_a_job_assembles_with_progress_and_records_who_asked(app, document_storage,
                                                            monkeypatch):
    cycle, office = cycle_of(2021), user(OFFICE)
    job = queue_assembly(cycle, office, "en")
    db.session.commit()
    seen = []
    original = operations.report_job_progress

    def spy(job_row, progress):
        seen.append(progress)
        original(job_row, progress)

    monkeypatch.setattr(jobs, "report_job_progress", spy)
    assert jobs.run_pending_assembly_jobs(clock.now())["documents_assembled"] == 1
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.progress == 100 and job.version_number == 1
    assert seen == sorted(seen) and len(seen) == 4 and seen[-1] < 100
    made = versions()
    assert len(made) == 3 and all(v.locale == "en" and v.created_by_id == office.id
                                  for v in made)
    assert "Part 1 Organisations and networks" in stored_bytes(made[2]).decode("utf-8")
    assert jobs.run_pending_assembly_jobs(clock.now()) == {}  # nothing left


def test_one_waiting_job_per_cycle(app):
    cycle = cycle_of(2021)
    queue_assembly(cycle, user(OFFICE))
    db.session.commit()
    with pytest.raises(TransitionNotAllowed):
        queue_assembly(cycle, user(OFFICE))
    queue_assembly(cycle_of(2026), user(OFFICE))  # another cycle may queue


def test_a_job_claimed_by_another_runner_is_skipped(app):
    job = queue_assembly(cycle_of(2021), user(OFFICE))
    db.session.commit()
    assert operations.start_assembly_job(job.id, clock.now()) is True
    db.session.commit()
    assert jobs.run_assembly_job(job.id, clock.now()) is None


def test_an_abandoned_job_is_failed_so_the_cycle_can_be_assembled_again(app):
    cycle = cycle_of(2021)
    job = queue_assembly(cycle, user(OFFICE))
    db.session.commit()
    operations.start_assembly_job(job.id, clock.now() - timedelta(hours=2))
    db.session.commit()
    assert jobs.fail_abandoned_jobs(clock.now()) == 1
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED and "abandoned" in job.error
    queue_assembly(cycle, user(OFFICE))


# --------------------------------------------------------------------------- automatic


def decide_everything(year: int) -> None:
    cycle = cycle_of(year)
    for assessment in db.session.scalars(sa.select(Assessment).where(
            Assessment.cycle_id == cycle.id)):
        assessment.state = AssessmentState.DECIDED
        assessment.recommendation = assessment.recommendation or Recommendation.CONTINUE
        assessment.decision_outcome = assessment.decision_outcome or assessment.recommendation
    cycle.status = CycleStatus.AWAITING_DECISION
    db.session.commit()


def test_nothing_is_assembled_while_assessments_are_open(app):
    assert jobs.auto_assemble_decided_cycles(clock.now()) == {}
    assert db.session.scalar(sa.select(sa.func.count(AssemblyJob.id))) == 0


def test_a_fully_decided_cycle_is_assembled_once_automatically(app, document_storage):
    decide_everything(2026)
    assert jobs.auto_assemble_decided_cycles(clock.now()) == {"documents_queued": 1}
    assert jobs.auto_assemble_decided_cycles(clock.now()) == {}  # one job waits already
    assert jobs.run_pending_assembly_jobs(clock.now())["documents_assembled"] == 1
    job = db.session.scalar(sa.select(AssemblyJob))
    assert job.is_automatic and job.requested_by_id is None
    assert cycle_of(2026).status == CycleStatus.ASSEMBLED
    mail = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "document_ready")).all()
    assert [m.to_email for m in mail] == [OFFICE]
    assert "/documents/2026" in mail[0].body_text and "Gjennomgang 2026" in mail[0].subject
    assert jobs.auto_assemble_decided_cycles(clock.now()) == {}  # same data, no new version
    cycle_of(2026).introduction_nb = "Ny innledning."
    db.session.commit()
    assert jobs.auto_assemble_decided_cycles(clock.now()) == {"documents_queued": 1}


def test_cli_assembles_to_a_file(app, runner, tmp_path, document_storage):
    output = tmp_path / "ut" / "r.pdf"
    result = runner.invoke(args=["review", "assemble", "--cycle", "2021", "--format", "pdf",
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    made = versions()
    assert len(made) == 1 and made[0].format == DocumentFormat.PDF and made[0].created_by_id is None
    assert hashlib.sha256(output.read_bytes()).hexdigest() == made[0].sha256
    assert output.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(args=["review", "assemble", "--cycle", "1999", "--format", "pdf",
                              "--output", str(output)])
    assert bad.exit_code != 0 and "no cycle 1999" in bad.output


def test_cli_runs_jobs(app, runner):
    queue_assembly(cycle_of(2021), user(OFFICE))
    db.session.commit()
    result = runner.invoke(args=["review", "run-jobs"])
    assert result.exit_code == 0 and "documents_assembled=1" in result.output, result.output


def test_the_scheduler_tick_assembles_decided_cycles(app, document_storage):
    from app.scheduler.jobs import tick

    decide_everything(2026)
    summary = tick(clock.now())
    assert summary["documents_queued"] == 1 and summary["documents_assembled"] == 1
    assert {v.number for v in versions()} == {1} and len(stored(document_storage)) == 3
