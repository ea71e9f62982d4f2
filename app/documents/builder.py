"""Gathers a cycle's data (a constant number of queries) into plain frozen dataclasses.

The renderers (DOCX, PDF, HTML) take a `ReviewDocument` and never touch the database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy.orm import selectinload

from app import clock
from app.clock import today
from app.documents import council_text
from app.documents.order import norwegian_key as norwegian_key  # re-exported
from app.documents.order import sort_arenas
from app.documents.prose import SentenceLedger, count_words, looks_english, no_break_numbers
from app.documents.sentences import OUTCOMES, Sentences
from app.extensions import db
from app.models import (
    Arena,
    Assessment,
    CriterionKind,
    Cycle,
    DocumentSettings,
    Organisation,
    PartOrder,
    SentenceTemplate,
)
from app.statistics.appendix import AppendixStatistics, appendix_statistics
from workflows.assessment import AssessmentState

BABEL_LOCALES = {"nb": "nb_NO", "en": "en_GB"}


@dataclass(frozen=True)
class Section:
    """One arena as the document shows it."""

    arena_id: int
    assessment_id: int
    name: str
    part: int
    description: str
    responsible: str
    participation: str
    gain: str
    recommendation: str
    decision: str
    case: str
    vote: str
    portfolios: tuple[str, ...]
    participation_label: str
    recommendation_label: str
    decision_label: str
    outcome: str | None
    ratings: str = ""
    # The office's own wording per paragraph ("opening", "participation", "gain").
    edits: tuple[tuple[str, str], ...] = ()
    name_lang: str = ""  # "en" when the arena's name is English in a Norwegian document

    @property
    def opening(self) -> str:
        """The first paragraph: what the arena is and who follows it up."""
        edited = dict(self.edits).get("opening")
        return edited or " ".join(t for t in (self.description, self.responsible) if t)

    def text_of(self, paragraph: str) -> str:
        """The paragraph as printed: the office's wording when it rewrote it."""
        if paragraph == "opening":
            return self.opening
        return dict(self.edits).get(paragraph) or getattr(self, paragraph)

    @property
    def edited(self) -> frozenset[str]:
        """The paragraphs the office rewrote."""
        return frozenset(key for key, _ in self.edits)

    @property
    def body(self) -> tuple[str, ...]:
        """The prose paragraphs in print order, empty ones left out."""
        return tuple(t for t in (self.text_of(k) for k in PARAGRAPHS) if t)

    @property
    def council_lines(self) -> str:
        """The council's decision with its case and vote, as one paragraph."""
        return " ".join(t for t in (self.decision, self.case, self.vote) if t)


PARAGRAPHS = ("opening", "participation", "gain")


@dataclass(frozen=True)
class Part:
    """Part 1 (organisations and networks) or part 2 (friendship cities)."""

    number: int
    title: str
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    # Part 2 as one text with one recommendation (as the seed writes it), when they agree.
    joint: tuple[str, ...] = ()
    joint_closing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of plain strings with a title and column headings."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ReviewDocument:
    """Everything the renderers need, in the document's language."""

    locale: str
    cycle_id: int
    year: int
    municipality: str
    title: str
    reference_label: str
    archive_reference: str
    date_label: str
    date_text: str
    introduction_title: str
    introduction: tuple[str, ...]
    parts: tuple[Part, ...]
    appendix: Table
    totals: Table
    page_label: str
    statistics: AppendixStatistics | None = None  # the charts, when the settings include them
    # When the files were made (their created/modified metadata); not part of the fingerprint.
    assembled_at: datetime | None = None

    @property
    def sections(self) -> tuple[Section, ...]:
        """Every arena section, part 1 first."""
        return tuple(s for p in self.parts for s in p.sections)

    @property
    def english_names(self) -> frozenset[str]:
        """Arena names to mark as English (lang="en") in a Norwegian document."""
        return frozenset(s.name for s in self.sections if s.name_lang == "en")

    def fingerprint(self) -> str:
        """A SHA-256 of the whole structure: equal fingerprints mean equal documents."""
        data = dataclasses.asdict(self)
        data.pop("assembled_at", None)
        payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Inputs:
    """What the queries return, before any wording."""

    cycle: Cycle
    organisation: Organisation | None
    settings: DocumentSettings | None
    overrides: dict[str, str]
    assessments: list[Assessment]
    decisions: dict[int, Any]


def running_head(doc: ReviewDocument) -> str:
    """The line at the top of every page: the municipality and the reference."""
    return doc.municipality + (f" · {doc.archive_reference}" if doc.archive_reference else "")


def decision_references(cycle_id: int) -> dict[int, Any]:
    """The council's case and vote per assessment, when the council module is installed."""
    if importlib.util.find_spec("app.council") is None or (
        importlib.util.find_spec("app.council.queries") is None
    ):
        return {}
    from app.council.queries import decision_references as council_references

    return dict(council_references(cycle_id))


def _gather(cycle_id: int, locale: str) -> _Inputs:
    """All the database reads of one document: a fixed number of statements."""
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise LookupError(f"no cycle {cycle_id}")
    overrides = db.session.execute(
        sa.select(SentenceTemplate.key, SentenceTemplate.text)
        .where(SentenceTemplate.cycle_id == cycle_id, SentenceTemplate.locale == locale)
    ).all()
    assessments = db.session.scalars(
        sa.select(Assessment).where(Assessment.cycle_id == cycle_id)
        .options(selectinload(Assessment.arena).selectinload(Arena.portfolios))
    ).all()
    return _Inputs(
        cycle=cycle,
        organisation=db.session.scalar(sa.select(Organisation).limit(1)),
        settings=db.session.get(DocumentSettings, cycle_id),
        overrides={key: text for key, text in overrides},
        assessments=list(assessments),
        decisions=decision_references(cycle_id),
    )


def build_review(cycle_id: int, locale: str = "nb") -> ReviewDocument:
    """The review document of one cycle in `locale` ('nb' or 'en')."""
    inputs = _gather(cycle_id, locale)
    return _compose(inputs, Sentences(locale, inputs.overrides))


# --------------------------------------------------------------------------- composing


def _ordered(inputs: _Inputs) -> list[Assessment]:
    """The assessments in the document's order (see app.documents.order)."""
    settings = inputs.settings
    custom = bool(settings and settings.part_order == PartOrder.CUSTOM)
    by_arena = {a.arena.id: a for a in inputs.assessments}
    arenas = sort_arenas([a.arena for a in inputs.assessments], custom,
                         settings.arena_order if settings else None)
    return [by_arena[a.id] for a in arenas]


def _label(org: Organisation | None, key: str, locale: str) -> str:
    if org is None:
        return Organisation(name="", labels={}).label(key, locale)
    return org.label(key, locale)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split("\n\n") if p.strip())


def _document_date(inputs: _Inputs) -> date:
    settings = inputs.settings
    return (settings and settings.document_date) or inputs.cycle.council_meeting_date or today()


def _compose(inputs: _Inputs, words: Sentences) -> ReviewDocument:
    cycle, locale = inputs.cycle, words.locale
    municipality = inputs.organisation.name if inputs.organisation else ""
    ledger = SentenceLedger()
    built = [_section(a, inputs, words, ledger) for a in _ordered(inputs)]
    sections = [s for s in built if s.part == 1] + [s for s in built if s.part == 2]
    settings = inputs.settings
    return ReviewDocument(
        locale=locale, cycle_id=cycle.id, year=cycle.year, municipality=municipality,
        title=(settings and settings.title.strip()) or words.render(
            "title", year=cycle.year, municipality=municipality),
        reference_label=(settings and settings.reference_label.strip()) or words.text(
            "reference"),
        archive_reference=cycle.archive_reference,
        date_label=words.text("date"),
        date_text=format_date(_document_date(inputs), "long", locale=BABEL_LOCALES[locale]),
        introduction_title=words.text("introduction"),
        introduction=_introduction(inputs, words),
        parts=(_part_one(inputs, words, sections), _part_two(municipality, words, sections)),
        appendix=_appendix(words, sections), totals=_totals(words, sections),
        page_label=words.text("page"), assembled_at=clock.now(),
        statistics=appendix_statistics(cycle, settings, locale),
    )


def _mid_sentence(label: str, _locale: str) -> str:
    """A label as it stands inside a sentence: its first letter in lower case."""
    return label[:1].lower() + label[1:]


def _introduction(inputs: _Inputs, words: Sentences) -> tuple[str, ...]:
    """The office's introduction, then the basis for the council's treatment (one sentence)."""
    cycle, locale = inputs.cycle, words.locale
    text = (cycle.introduction_en if locale == "en" else "") or cycle.introduction_nb
    paragraphs = list(_paragraphs(text))
    basis = (inputs.settings.council_basis.strip() if inputs.settings else "")
    council = _mid_sentence(_label(inputs.organisation, "council_label", locale), locale)
    sentence = words.text("council_basis" if basis else "council_treatment").format(
        basis=basis, council=council)
    if paragraphs:
        paragraphs[-1] = f"{paragraphs[-1]} {sentence}"
    else:
        paragraphs.append(sentence)
    return tuple(paragraphs)


def _assessed_by(inputs: _Inputs, words: Sentences) -> str:
    """Who made the assessments, true to the cycle's sign-off setting (said once)."""
    locale = words.locale
    if inputs.cycle.requires_sign_off:
        head = _mid_sentence(_label(inputs.organisation, "head_label", locale), locale)
        return words.text("assessed_by_head").format(head=head)
    unit = _mid_sentence(_label(inputs.organisation, "portfolio_label", locale), locale)
    return words.text("assessed_by_unit").format(unit=unit)


def _part_one(inputs: _Inputs, words: Sentences, sections: list[Section]) -> Part:
    locale = words.locale
    criteria = [c.label(locale).lower() for c in inputs.cycle.criteria_set.criteria]
    head = _label(inputs.organisation, "head_label", locale)
    intro = words.render("part1_intro", criteria=words.join(criteria),
                         head=_mid_sentence(head, locale))
    if "{head}" not in words.templates["part1_intro"]:
        intro = f"{intro} {_assessed_by(inputs, words)}"
    return Part(1, words.text("part1"), (intro,), tuple(s for s in sections if s.part == 1))


def _part_two(municipality: str, words: Sentences, sections: list[Section]) -> Part:
    cities = tuple(s for s in sections if s.part == 2)
    if not cities:
        return Part(2, words.text("part2"), (), ())
    names = words.join([s.name for s in cities])
    intro = (words.render("part2_intro_one", municipality=municipality, names=names)
             if len(cities) == 1 else
             words.render("part2_intro", municipality=municipality,
                          count=count_words(len(cities), words.locale), names=names))
    if not _agree(cities):
        return Part(2, words.text("part2"), (intro,), cities)
    first = cities[0]
    opening = " ".join(t for t in (intro, first.responsible) if t)
    texts = tuple(_city_paragraph(c) for c in cities)
    closing = tuple(t for t in (first.recommendation, first.council_lines) if t)
    return Part(2, words.text("part2"), (), cities, joint=(opening, *[t for t in texts if t]),
                joint_closing=closing)


def _agree(cities: tuple[Section, ...]) -> bool:
    """One text for all friendship cities when they share responsibility, recommendation and
    decision; otherwise each city keeps its own entry."""
    keys = {(c.responsible, c.recommendation, c.council_lines) for c in cities}
    return len(cities) > 1 and len(keys) == 1 and not any(
        "opening" in c.edited for c in cities)


def _city_paragraph(city: Section) -> str:
    """What one friendship city's entry says, without the shared sentences."""
    return " ".join(t for t in (city.description, city.text_of("participation"),
                                city.text_of("gain")) if t)


def _answer_texts(assessment: Assessment, kinds: set[CriterionKind],
                  ledger: SentenceLedger) -> str:
    texts = [assessment.answer(c.key).get("text") or ""
             for c in assessment.cycle.criteria_set.criteria if c.kind in kinds]
    return ledger.fresh(texts)


def _participation_value(assessment: Assessment) -> str | None:
    for criterion in assessment.cycle.criteria_set.criteria:
        if criterion.kind == CriterionKind.PARTICIPATION:
            return assessment.answer(criterion.key).get("value")
    return None


def _ratings(assessment: Assessment, words: Sentences) -> str:
    """'Deltakelse: aktiv · Læringsutbytte: middels · …' for every rated criterion."""
    pairs = []
    for criterion in assessment.cycle.criteria_set.criteria:
        if criterion.kind == CriterionKind.TEXT:
            continue
        value = words.rating_word(assessment.answer(criterion.key).get("value"))
        if value:
            pairs.append(f"{criterion.label(words.locale)}: {value}")
    return " · ".join(pairs)


def _edits(inputs: _Inputs, arena_id: int, locale: str) -> tuple[tuple[str, str], ...]:
    stored = (inputs.settings.paragraph_edits if inputs.settings else None) or {}
    return tuple((key, no_break_numbers(text)) for key in PARAGRAPHS
                 if (text := (stored.get(f"{arena_id}:{key}:{locale}") or "").strip()))


def _section(assessment: Assessment, inputs: _Inputs, words: Sentences,
             ledger: SentenceLedger) -> Section:
    arena, locale = assessment.arena, words.locale
    decided = assessment.state == AssessmentState.DECIDED
    outcome = assessment.decision_outcome.value if decided and assessment.decision_outcome else None
    by_council = bool(decided and assessment.routed_to_council and outcome)
    council = _label(inputs.organisation, "council_label", locale)
    # The case number and the vote as recorded; a municipality whose council data are only
    # illustrative (the demo) leaves them out with a document setting.
    details = inputs.settings is None or inputs.settings.show_council_details
    ref = inputs.decisions.get(assessment.id) if by_council else None
    case, vote = _case_lines(ref if details else None, words)
    marks = ""
    if details:
        vote = council_text.vote_lines(ref, locale, council) or vote
    elif ref is not None:  # a decision against the recommendation is marked all the same
        marks = council_text.differs_sentence(ref.outcome, ref.recommendation, locale)
    recommendation = assessment.recommendation.value if assessment.recommendation else None
    decision_label = (council_text.outcome_label(outcome, locale) or words.outcome_label(outcome)
                      or words.text("undecided"))
    return Section(
        arena_id=arena.id, assessment_id=assessment.id, name=arena.name, part=arena.part,
        description=no_break_numbers(arena.description(locale)),
        responsible=words.responsible([p.head_title(locale) for p in arena.portfolios]),
        participation=_answer_texts(assessment, {CriterionKind.PARTICIPATION}, ledger),
        gain=_answer_texts(assessment, {CriterionKind.RATING, CriterionKind.TEXT}, ledger),
        recommendation=words.recommendation(recommendation),
        decision=" ".join(s for s in (
            council_text.decision_sentence(outcome, ref, locale, council)
            or words.decision(outcome, council), marks) if s) if by_council else "",
        case=case, vote=vote,
        portfolios=tuple(p.name(locale) for p in arena.portfolios),
        participation_label=words.participation_label(_participation_value(assessment)),
        recommendation_label=words.outcome_label(recommendation),
        decision_label=f"{decision_label} ({council})" if by_council else decision_label,
        outcome=outcome, ratings=_ratings(assessment, words),
        edits=_edits(inputs, arena.id, locale),
        name_lang="en" if locale == "nb" and looks_english(arena.name) else "",
    )


def _case_lines(ref: Any, words: Sentences) -> tuple[str, str]:
    """The case and vote sentences from the council's DecisionRef (or two empty strings)."""
    if ref is None:
        return "", ""
    number = (getattr(ref, "case_number", "") or "").strip()
    if number and not number.lower().startswith(words.text("case_prefix")):
        number = f"{words.text('case_prefix')} {number}"
    archive = (getattr(ref, "archive_reference", "") or "").strip()
    case = ", ".join(t for t in (number, archive and f"{words.text('archive')} {archive}") if t)
    meeting = getattr(ref, "meeting_date", None)
    when = format_date(meeting, "long", locale=BABEL_LOCALES[words.locale]) if meeting else ""
    case_line = words.render("case", meeting_date=when, case=case) if when and case else ""
    vote = (getattr(ref, f"vote_text_{words.locale}", "") or "").strip() or (
        getattr(ref, "vote_text_nb", "") or "").strip()
    if vote and vote[-1] not in ".!?":
        vote += "."
    return case_line, words.render("vote", vote=vote) if vote else ""


def _appendix(words: Sentences, sections: list[Section]) -> Table:
    columns = tuple(words.text(c) for c in (
        "col_arena", "col_portfolio", "col_participation", "col_recommendation", "col_decision"))
    rows = tuple((s.name, "; ".join(s.portfolios), s.participation_label,
                  s.recommendation_label, s.decision_label) for s in sections)
    return Table(words.text("appendix"), columns, rows)


def _totals(words: Sentences, sections: list[Section]) -> Table:
    counts = Counter(s.outcome for s in sections)
    rows = tuple((council_text.total_label(o, words.locale) or words.total_label(o), str(counts[o]))
                 for o in (*OUTCOMES, council_text.NO_CHANGE, None) if counts[o])
    total = (words.text("total"), str(len(sections)))
    return Table(words.text("totals"), (words.text("col_outcome"), words.text("col_count")),
                 rows + (total,))
