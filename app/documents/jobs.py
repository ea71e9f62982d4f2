"""Assembly outside the web request: the job runner and the automatic assembly of decided cycles.

These functions are jobs, so they commit (after each step, so the page can show progress).
Documents are rendered in memory and stored with their version rows in one commit, so a crash
leaves no half document and no published change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app import clock
from app.documents.builder import build_review
from app.documents.operations import (
    ALL_FORMATS,
    fail_assembly_job,
    finish_assembly_job,
    queue_assembly,
    record_assembly,
    render_files,
    report_job_progress,
    start_assembly_job,
)
from app.extensions import db
from app.models import (
    AssemblyJob,
    Assessment,
    Cycle,
    CycleStatus,
    DocumentVersion,
    JobStatus,
    SchedulerLease,
    User,
)
from app.notifications.outbox import absolute_link, queue_mail
from workflows.assessment import AssessmentState
from workflows.roles import Role

ABANDONED_AFTER = timedelta(minutes=30)  # a running job older than this lost its runner
PROGRESS_BUILT = 10
PENDING = (JobStatus.QUEUED, JobStatus.RUNNING)


def run_pending_assembly_jobs(now: datetime) -> dict[str, int]:
    """Run every queued assembly job, oldest first. Returns the non-zero counts of
    documents_assembled, documents_failed and documents_abandoned (the scheduler sums them)."""
    result = {"documents_assembled": 0, "documents_failed": 0,
              "documents_abandoned": fail_abandoned_jobs(now)}
    job_ids = list(db.session.scalars(
        sa.select(AssemblyJob.id).where(AssemblyJob.status == JobStatus.QUEUED)
        .order_by(AssemblyJob.id)))
    db.session.rollback()
    for job_id in job_ids:
        outcome = run_assembly_job(job_id, now)
        if outcome:
            result[f"documents_{outcome}"] += 1
    return {name: count for name, count in result.items() if count}


def fail_abandoned_jobs(now: datetime) -> int:
    """Mark jobs failed whose runner stopped mid-way (so the cycle can be assembled again)."""
    stale = list(db.session.scalars(sa.select(AssemblyJob).where(
        AssemblyJob.status == JobStatus.RUNNING, AssemblyJob.started_at < now - ABANDONED_AFTER)))
    for job in stale:
        fail_assembly_job(job, "abandoned: the runner stopped before it finished", now)
    db.session.commit()
    return len(stale)


def run_assembly_job(job_id: int, now: datetime) -> str | None:
    """Claim and run one job: 'assembled', 'failed', or None when another runner has it."""
    if not start_assembly_job(job_id, now):
        db.session.rollback()
        return None
    db.session.commit()
    job = db.session.get(AssemblyJob, job_id)
    try:
        doc = build_review(job.cycle_id, job.locale)
        _progress(job, PROGRESS_BUILT)
        files = render_files(doc, ALL_FORMATS, on_progress=lambda n: _progress(
            job, PROGRESS_BUILT + n * (95 - PROGRESS_BUILT) // len(ALL_FORMATS)))
        versions = record_assembly(job.cycle, job.requested_by, doc, files)
        finish_assembly_job(job, versions[0].number, clock.now())
        if job.is_automatic:
            notify_document_ready(job.cycle, versions[0].number)
        db.session.commit()
    except Exception as error:  # any failure: nothing it wrote is kept, the job says why
        db.session.rollback()
        fail_assembly_job(db.session.get(AssemblyJob, job_id),
                          f"{type(error).__name__}: {error}", clock.now())
        db.session.commit()
        return "failed"
    return "assembled"


def _progress(job: AssemblyJob, progress: int) -> None:
    report_job_progress(job, progress)
    db.session.commit()


# --------------------------------------------------------------------------- automatic


def cycles_ready_for_document() -> list[Cycle]:
    """Cycles whose every assessment is decided, not yet published, with no job waiting."""
    def exists(*where):
        return sa.select(Assessment.id).where(Assessment.cycle_id == Cycle.id, *where).exists()

    pending = sa.select(AssemblyJob.id).where(
        AssemblyJob.cycle_id == Cycle.id, AssemblyJob.status.in_(PENDING)).exists()
    return list(db.session.scalars(
        sa.select(Cycle).where(
            Cycle.status.not_in((CycleStatus.PLANNED, CycleStatus.PUBLISHED)),
            exists(), ~exists(Assessment.state != AssessmentState.DECIDED), ~pending)
        .order_by(Cycle.year)))


def latest_fingerprint(cycle_id: int) -> str | None:
    """The data fingerprint of the cycle's newest version (None when there is none)."""
    return db.session.scalar(
        sa.select(DocumentVersion.data_fingerprint).where(DocumentVersion.cycle_id == cycle_id)
        .order_by(DocumentVersion.number.desc()).limit(1))


def auto_assemble_decided_cycles(now: datetime) -> dict[str, int]:
    """Queue an assembly for each fully decided cycle whose data has no version yet."""
    queued = 0
    for cycle in cycles_ready_for_document():
        if latest_fingerprint(cycle.id) == build_review(cycle.id).fingerprint():
            continue
        queue_assembly(cycle, None, automatic=True)
        queued += 1
    db.session.commit()
    return {"documents_queued": queued} if queued else {}


def notify_document_ready(cycle: Cycle, number: int) -> int:
    """Queue a `document_ready` mail to everyone in the council office (in this transaction)."""
    office = [u for u in db.session.scalars(sa.select(User).order_by(User.id))
              if u.is_active and Role.COUNCIL_OFFICE in u.roles]
    link = absolute_link("documents.cycle_page", year=cycle.year)
    for user in office:
        queue_mail(kind="document_ready", template="document_ready", to_user=user,
                   context={"cycle_title": cycle.title, "link": link}, cycle_id=cycle.id,
                   dedupe_key=f"document_ready:{cycle.id}:{number}:{user.id}")
    return len(office)


def scheduler_running() -> bool:
    """True while a scheduler process holds its lease (it picks up queued assembly jobs)."""
    until = db.session.scalar(sa.select(sa.func.max(SchedulerLease.lease_until))
                              .where(SchedulerLease.holder.is_not(None)))
    if until is None:
        return False
    until = until if until.tzinfo else until.replace(tzinfo=UTC)
    return until > clock.now().astimezone(UTC)
