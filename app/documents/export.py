"""The cycle as a spreadsheet (XLSX, or CSV): one row per assessment with every answer."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.orm import selectinload

from app import labels
from app.clock import OSLO
from app.cycles.progress import previous_year
from app.documents.builder import norwegian_key
from app.extensions import db
from app.formula_guard import csv_row, xlsx_row
from app.models import Arena, Assessment, Criterion, CriterionKind, Cycle
from app.templating import locale_code, org_label

Value = str | int | date | datetime | None


def _label(mapping, value) -> str:
    return str(mapping.get(value, value)) if value is not None else ""


def _local(moment: datetime | None) -> datetime | None:
    """Excel knows no time zones: Norwegian wall-clock time, without the zone."""
    return moment.astimezone(OSLO).replace(tzinfo=None) if moment else None


def _criterion_headers(criterion: Criterion) -> list[str]:
    name = criterion.label(locale_code())
    reason = _("%(name)s – begrunnelse", name=name)
    if criterion.kind == CriterionKind.PARTICIPATION:
        return [name, _("%(name)s – hvem deltar", name=name), reason]
    if criterion.kind == CriterionKind.RATING:
        return [name, reason]
    return [name]


def _criterion_values(assessment: Assessment, criterion: Criterion) -> list[Value]:
    answer = assessment.answer(criterion.key)
    text = answer.get("text") or ""
    if criterion.kind == CriterionKind.PARTICIPATION:
        groups = answer.get("participants") or []
        who = ", ".join(_label(labels.PARTICIPANT_LABELS, p) for p in groups)
        return [_label(labels.PARTICIPATION_LABELS, answer.get("value")), who, text]
    if criterion.kind == CriterionKind.RATING:
        return [_label(labels.RATING_LABELS, answer.get("value")), text]
    return [text]


def headers(cycle: Cycle) -> list[str]:
    """The column headings, in the user's language."""
    criteria = [h for c in cycle.criteria_set.criteria for h in _criterion_headers(c)]
    return [_("Arena"), _("Type"), org_label("portfolio_label"), _("Status"), *criteria,
            _("Årlig kostnad (kr)"), _("Anbefaling"), _("Begrunnelse for anbefalingen"),
            *_carried_headers(cycle),
            _("Til %(council)s", council=org_label("council_label")), _("Vedtak"),
            _("Vedtakstekst"), _("Vedtaket gjelder fra"), _("Opprettet"), _("Sendt inn"),
            *_sign_off(cycle, _("Godkjent av %(head)s", head=org_label("head_label").lower())),
            _("Godkjent"), _("Vedtatt"), _("Sist endret")]


def _carried_headers(cycle: Cycle) -> list[str]:
    """The two columns about last year's answers, naming the cycle they came from."""
    earlier = previous_year(cycle)
    if earlier == cycle.year - 1:
        return [_("Videreført fra i fjor"), _("Uendret fra i fjor – kommentar")]
    if earlier is not None:
        return [_("Videreført fra %(year)s", year=earlier),
                _("Uendret fra %(year)s – kommentar", year=earlier)]
    return [_("Videreført fra forrige gjennomgang"), _("Uendret – kommentar")]


def _sign_off(cycle: Cycle, value: Value) -> list[Value]:
    """The sign-off column, only for a cycle with a sign-off step (else no one signed off)."""
    return [value] if cycle.requires_sign_off else []


def _row(cycle: Cycle, a: Assessment, criteria: list[Criterion]) -> list[Value]:
    routed = {True: _("Ja"), False: _("Nei")}.get(a.routed_to_council, "")
    return [a.arena.name, _label(labels.ARENA_KIND_LABELS, a.arena.kind),
            ", ".join(p.name(locale_code()) for p in a.arena.portfolios),
            _label(labels.STATE_LABELS, a.state),
            *[v for c in criteria for v in _criterion_values(a, c)],
            a.yearly_cost, _label(labels.RECOMMENDATION_LABELS, a.recommendation),
            a.recommendation_reason, _("Ja") if a.is_carried_forward else _("Nei"),
            a.unchanged_comment or "", routed,
            _label(labels.DECISION_LABELS, a.decision_outcome), a.decision_text,
            a.decision_effective_date, _local(a.created_at), _local(a.submitted_at),
            *_sign_off(cycle, _local(a.signed_off_at)), _local(a.approved_at),
            _local(a.decided_at), _local(a.updated_at)]


def rows(cycle: Cycle) -> list[list[Value]]:
    """One row per assessment of the cycle, arenas in Norwegian alphabetical order."""
    assessments = db.session.scalars(
        sa.select(Assessment).where(Assessment.cycle_id == cycle.id)
        .options(selectinload(Assessment.arena).selectinload(Arena.portfolios))).all()
    criteria = list(cycle.criteria_set.criteria)
    ordered = sorted(assessments, key=lambda a: norwegian_key(a.arena.name))
    return [_row(cycle, a, criteria) for a in ordered]


def xlsx_bytes(cycle: Cycle) -> bytes:
    """The export as an Excel workbook (bold, frozen header row)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(cycle.year))
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)
    header_cells = []
    for text in headers(cycle):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows(cycle):
        sheet.append(xlsx_row(sheet, row))  # an answer like "=HYPERLINK(...)" stays text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(cycle: Cycle) -> str:
    """The export as CSV with semicolons and a byte-order mark (what Norwegian Excel expects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row(headers(cycle)))
    for row in rows(cycle):
        writer.writerow(csv_row(row))  # formula-like text gets an apostrophe, dates ISO
    return "\ufeff" + buffer.getvalue()
