"""Operations on the review document: the only code that changes its data.

Each checks, changes, writes its audit row and flushes; none commits. Rendering happens in
memory; the bytes are stored with the version rows, so an assembly that fails leaves nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app import audit
from app.clock import now
from app.documents.builder import PARAGRAPHS, ReviewDocument, build_review
from app.documents.order import checked_order, sort_arenas
from app.documents.sentences import DEFAULTS, LOCALES, SENTENCE_KEYS, template_errors
from app.documents.versions import (
    new_file_name,
    next_number,
    render_bytes,
    store_blobs,
    versions_of,
)
from app.errors import NotPermitted, ValidationFailed
from app.extensions import db
from app.models import (
    AssemblyJob,
    Cycle,
    CycleStatus,
    DocumentFormat,
    DocumentSettings,
    DocumentVersion,
    JobStatus,
    PartOrder,
    SentenceTemplate,
)
from workflows.engine import TransitionNotAllowed
from workflows.roles import Role, has_role

ALL_FORMATS = (DocumentFormat.DOCX, DocumentFormat.PDF, DocumentFormat.HTML)


def _require_office(actor: Any, *, system_allowed: bool = False) -> None:
    """Only the council office (or, where allowed, the system itself: actor None)."""
    if actor is None and system_allowed:
        return
    if actor is None or not has_role(actor, Role.COUNCIL_OFFICE):
        raise NotPermitted("only the council office may do this")


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class RenderedFile:
    """One rendered document, not yet recorded as a version."""

    format: DocumentFormat
    name: str
    sha256: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Its size in bytes."""
        return len(self.data)


def renderer_for(fmt: DocumentFormat) -> Callable:
    """The function that writes `fmt` (imported late: WeasyPrint is slow to import)."""
    if fmt == DocumentFormat.PDF:
        from app.documents.pdf_renderer import write_pdf

        return write_pdf
    if fmt == DocumentFormat.DOCX:
        from app.documents.docx_renderer import write_docx

        return write_docx
    from app.documents.html_renderer import write_html

    return write_html


def render_files(doc: ReviewDocument, formats: Sequence[DocumentFormat],
                 on_progress: Callable[[int], None] | None = None) -> list[RenderedFile]:
    """Render `doc` in each format (in memory; nothing is kept if any of them fails)."""
    rendered: list[RenderedFile] = []
    for index, fmt in enumerate(formats, start=1):
        write = renderer_for(fmt)
        data, digest = render_bytes(lambda s, w=write: w(doc, s))
        rendered.append(RenderedFile(fmt, new_file_name(doc.year, fmt), digest, data))
        if on_progress:
            on_progress(index)
    return rendered


# --------------------------------------------------------------------------- versions


def record_assembly(cycle: Cycle, actor: Any, doc: ReviewDocument,
                    files: Sequence[RenderedFile]) -> list[DocumentVersion]:
    """Keep rendered files as the cycle's next version (one row per format)."""
    _require_office(actor, system_allowed=True)
    number, fingerprint = next_number(cycle.id), doc.fingerprint()
    versions = [DocumentVersion(
        cycle_id=cycle.id, number=number, format=f.format, locale=doc.locale,
        file_path=f.name, sha256=f.sha256, size_bytes=f.size,
        data_fingerprint=fingerprint, created_by_id=getattr(actor, "id", None), created_at=now(),
    ) for f in files]
    db.session.add_all(versions)
    db.session.flush()
    store_blobs([(v, f.data) for v, f in zip(versions, files, strict=True)])
    audit.record(actor, "cycle", cycle.id, "document_assembled", number=number,
                 formats=[f.format.value for f in files], fingerprint=fingerprint)
    if cycle.status == CycleStatus.AWAITING_DECISION and all(s.outcome for s in doc.sections):
        _set_cycle_status(cycle, actor, CycleStatus.ASSEMBLED)
    db.session.flush()
    return versions


def assemble_document(cycle: Cycle, actor: Any, formats: Sequence[DocumentFormat] = ALL_FORMATS,
                      locale: str = "nb") -> list[DocumentVersion]:
    """Build, render and record the cycle's document now (the CLI; small cycles)."""
    _require_office(actor, system_allowed=True)
    doc = build_review(cycle.id, locale)
    return record_assembly(cycle, actor, doc, render_files(doc, formats))


def _set_cycle_status(cycle: Cycle, actor: Any, status: CycleStatus) -> None:
    if cycle.status != status:
        audit.record(actor, "cycle", cycle.id, "cycle_status_changed",
                     from_state=cycle.status, to_state=status)
        cycle.status = status


class ConfirmationRequired(TransitionNotAllowed):
    """Publishing would end the year for assessments that are not decided: ask first."""


def publish_version(cycle: Cycle, number: int, actor: Any, *,
                    confirmed: bool = False) -> list[DocumentVersion]:
    """Publish version `number` of the cycle (all its formats); the previous one is withdrawn.

    The first publication moves the cycle to published through its workflow table: at once
    when every assessment is decided, else only `confirmed` (the office was shown what is not
    decided). A cycle already published only changes which version is public.
    """
    from app.cycles import lifecycle  # it imports this module (carried-forward settings)

    _require_office(actor)
    versions = versions_of(cycle)
    chosen = [v for v in versions if v.number == number]
    if not chosen:
        raise LookupError(f"no version {number} of cycle {cycle.year}")
    if all(v.is_published for v in chosen):
        raise TransitionNotAllowed("publish_version", ["this version is already published"])
    step = None
    if cycle.status != CycleStatus.PUBLISHED:
        undecided = lifecycle.subject_for(cycle).undecided_count
        step = "publish_undecided" if undecided else "publish_cycle"
        if undecided and not confirmed:
            raise ConfirmationRequired(step, [f"{undecided} assessments are not decided"])
    withdrawn = sorted({v.number for v in versions if v.is_published and v.number != number})
    for version in versions:
        version.is_published = version.number == number
    for version in chosen:
        version.published_at, version.published_by_id = now(), actor.id
    audit.record(actor, "cycle", cycle.id, "document_published", number=number,
                 withdrawn=withdrawn)
    if step is not None:
        lifecycle.transition_cycle(actor, cycle, step)
    db.session.flush()
    return chosen


# --------------------------------------------------------------------------- jobs


def queue_assembly(cycle: Cycle, actor: Any, locale: str = "nb",
                   automatic: bool = False) -> AssemblyJob:
    """Ask for the cycle's document to be assembled outside the request."""
    _require_office(actor, system_allowed=automatic)
    if locale not in LOCALES:
        raise ValidationFailed({"locale": "unknown language"})
    pending = db.session.scalar(sa.select(AssemblyJob.id).where(
        AssemblyJob.cycle_id == cycle.id,
        AssemblyJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))).limit(1))
    if pending is not None:
        raise TransitionNotAllowed("queue_assembly", ["an assembly is already waiting"])
    job = AssemblyJob(cycle_id=cycle.id, locale=locale, requested_by_id=getattr(actor, "id", None),
                      is_automatic=automatic, status=JobStatus.QUEUED, progress=0,
                      created_at=now())
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "assembly_job", job.id, "assembly_queued", to_state=JobStatus.QUEUED,
                 cycle_id=cycle.id, automatic=automatic)
    db.session.flush()
    return job


def start_assembly_job(job_id: int, at: datetime) -> bool:
    """Claim a queued job for this runner; False when another runner took it first."""
    claimed = db.session.execute(
        sa.update(AssemblyJob)
        .where(AssemblyJob.id == job_id, AssemblyJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=at, progress=0)
    ).rowcount == 1
    if claimed:
        audit.record(None, "assembly_job", job_id, "assembly_started",
                     from_state=JobStatus.QUEUED, to_state=JobStatus.RUNNING)
    db.session.flush()
    return claimed


def report_job_progress(job: AssemblyJob, progress: int) -> None:
    """Record how far a running job is (0-100). Progress is not audited: it is not a decision."""
    job.progress = max(0, min(100, int(progress)))
    db.session.flush()


def finish_assembly_job(job: AssemblyJob, number: int, at: datetime) -> None:
    """Mark a running job done, with the version number it produced."""
    job.status, job.progress, job.version_number, job.finished_at = (
        JobStatus.DONE, 100, number, at)
    audit.record(None, "assembly_job", job.id, "assembly_finished",
                 from_state=JobStatus.RUNNING, to_state=JobStatus.DONE, number=number)
    db.session.flush()


def fail_assembly_job(job: AssemblyJob, error: str, at: datetime) -> None:
    """Mark a job failed with a short reason (nothing it wrote is kept)."""
    source = job.status
    job.status, job.error, job.finished_at = JobStatus.FAILED, error[:2000], at
    audit.record(None, "assembly_job", job.id, "assembly_failed", from_state=source,
                 to_state=JobStatus.FAILED, error=error[:500])
    db.session.flush()


# --------------------------------------------------------------------------- settings


def _settings_row(cycle: Cycle) -> DocumentSettings:
    row = db.session.get(DocumentSettings, cycle.id)
    if row is None:
        row = DocumentSettings(cycle_id=cycle.id, part_order=PartOrder.ALPHABETICAL,
                               updated_at=now())
        db.session.add(row)
    return row


CARRIED_SETTINGS = ("part_order", "title", "reference_label", "council_basis",
                    "show_council_details", "show_statistics")


def carry_forward_settings(source: Cycle, target: Cycle) -> DocumentSettings | None:
    """Next year's document starts from this year's front matter and order (not its date
    or the paragraphs the office rewrote for this year's answers)."""
    old = db.session.get(DocumentSettings, source.id)
    if old is None:
        return None
    row = _settings_row(target)
    for name in CARRIED_SETTINGS:
        setattr(row, name, getattr(old, name))
    row.arena_order = list(old.arena_order or [])
    db.session.flush()
    return row


def current_order(cycle: Cycle) -> list:
    """The cycle's arenas in the document's present order (part 1, then part 2)."""
    row = db.session.get(DocumentSettings, cycle.id)
    custom = bool(row and row.part_order == PartOrder.CUSTOM)
    return sort_arenas(cycle.arenas, custom, row.arena_order if row else None)


def set_arena_order(cycle: Cycle, actor: Any, order: Sequence[int] | None) -> bool:
    """The office's own order of the arenas (ids, both parts), or alphabetical with None.
    Refuses an order that is not exactly the cycle's arenas; True when something changed."""
    _require_office(actor)
    row = _settings_row(cycle)
    if order is None:
        changed = row.part_order != PartOrder.ALPHABETICAL
        row.part_order = PartOrder.ALPHABETICAL
    else:
        checked = checked_order(order, [a.id for a in cycle.arenas])
        if checked is None:
            raise ValidationFailed({"order": "not the cycle's arenas"})
        changed = row.part_order != PartOrder.CUSTOM or list(row.arena_order or []) != checked
        row.part_order, row.arena_order = PartOrder.CUSTOM, checked
    if changed:
        row.updated_at, row.updated_by_id = now(), actor.id
        audit.record(actor, "cycle", cycle.id, "document_order_changed",
                     order=row.part_order.value)
    db.session.flush()
    return changed


def save_paragraph(cycle: Cycle, actor: Any, arena_id: int, paragraph: str, locale: str,
                   text: str) -> bool:
    """The office's own wording of one generated paragraph (empty text: back to generated)."""
    _require_office(actor)
    if paragraph not in PARAGRAPHS or locale not in LOCALES or arena_id not in {
            a.id for a in cycle.arenas}:
        raise ValidationFailed({"paragraph": "unknown"})
    row = _settings_row(cycle)
    edits = dict(row.paragraph_edits or {})
    key, text = f"{arena_id}:{paragraph}:{locale}", text.strip()
    if edits.get(key, "") == text:
        return False
    if text:
        edits[key] = text
    else:
        edits.pop(key, None)
    row.paragraph_edits, row.updated_at, row.updated_by_id = edits, now(), actor.id
    audit.record(actor, "cycle", cycle.id, "document_paragraph_edited", arena_id=arena_id,
                 paragraph=paragraph, locale=locale, cleared=not text)
    db.session.flush()
    return True


def update_document_settings(cycle: Cycle, actor: Any, values: dict[str, Any]) -> list[str]:
    """The introduction (nb, en), the order of the arenas and the document's date."""
    _require_office(actor)
    row = _settings_row(cycle)
    targets = {"introduction_nb": cycle, "introduction_en": cycle, "part_order": row,
               "document_date": row, "title": row, "reference_label": row,
               "council_basis": row, "show_council_details": row, "show_statistics": row}
    changed = []
    for name, target in targets.items():
        if name in values and getattr(target, name) != values[name]:
            setattr(target, name, values[name])
            changed.append(name)
    if changed:
        row.updated_at, row.updated_by_id = now(), actor.id
        audit.record(actor, "cycle", cycle.id, "document_settings_changed", fields=changed)
    db.session.flush()
    return changed


def sentence_errors(texts: dict[tuple[str, str], str]) -> dict[str, str]:
    """Problems with the office's wording, keyed 'locale:key' (empty when all is well)."""
    errors = {}
    for (key, locale), text in texts.items():
        if key not in SENTENCE_KEYS or locale not in LOCALES:
            errors[f"{locale}:{key}"] = "unknown sentence or language"
        elif text.strip() and (problems := template_errors(key, text.strip())):
            errors[f"{locale}:{key}"] = "; ".join(problems)
    return errors


def save_sentences(cycle: Cycle, actor: Any, texts: dict[tuple[str, str], str]) -> list[str]:
    """Store the office's wording per (key, locale); empty or default text means the default."""
    _require_office(actor)
    errors = sentence_errors(texts)
    if errors:
        raise ValidationFailed(errors)
    rows = {(r.key, r.locale): r for r in db.session.scalars(
        sa.select(SentenceTemplate).where(SentenceTemplate.cycle_id == cycle.id))}
    changed = []
    for (key, locale), text in texts.items():
        if _store_sentence(cycle, actor, rows.get((key, locale)), key, locale, text.strip()):
            changed.append(f"{locale}:{key}")
    if changed:
        audit.record(actor, "cycle", cycle.id, "document_sentences_changed", fields=changed)
    db.session.flush()
    return changed


def _store_sentence(cycle, actor, row, key: str, locale: str, text: str) -> bool:
    """Insert, update or delete one override; True when something changed."""
    if not text or text == DEFAULTS[locale][key]:
        if row is None:
            return False
        db.session.delete(row)
        return True
    if row is not None and row.text == text:
        return False
    if row is None:
        row = SentenceTemplate(cycle_id=cycle.id, key=key, locale=locale)
        db.session.add(row)
    row.text, row.updated_at, row.updated_by_id = text, now(), actor.id
    return True
