"""The builder: one structure per cycle, a constant number of queries, the seed's sentences."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.documents import builder
from app.documents.builder import build_review
from app.extensions import db
from app.models import (
    Arena,
    ArenaKind,
    Assessment,
    DocumentSettings,
    PartOrder,
    Portfolio,
    Recommendation,
)
from tests.documents.conftest import TWO_HEADS, cycle_of, demo_arenas
from workflows.assessment import AssessmentState


def test_2021_has_every_arena_in_its_part_with_the_seeds_sentences(app):
    doc = build_review(cycle_of(2021).id)
    part1, part2 = doc.parts
    assert part1.title == "Del 1 Organisasjoner og nettverk"
    assert part2.title == "Del 2 Samarbeid med vennskapsbyene"
    expected = demo_arenas()
    assert len(expected) == 39
    by_name = {s.name: s for s in doc.sections}
    assert len(by_name) == 39
    for arena in expected:
        section = by_name[arena["name"]]
        assert section.part == arena["part"], arena["name"]
        assert section.recommendation == arena["recommendation"], arena["name"]
        assert section.decision == (arena["decision"] or ""), arena["name"]
        assert all(h.lower() in section.responsible.lower() for h in arena["heads"])
    for name, sentence in TWO_HEADS.items():
        assert by_name[name].responsible == sentence
    # the demo keeps the seed's own order, not the alphabet
    assert [s.name for s in part2.sections] == ["Göteborg", "Århus", "Åbo/Turku", "Newcastle",
                                                "Seattle"]
    # one combined text with one recommendation, cities in register order, count in words
    assert part2.intro == ()
    assert part2.joint[0] == ("Bergen kommune har fem vennskapsbyer: Göteborg, Århus, Åbo/Turku, "
                              "Newcastle og Seattle. Ordfører har ansvar for å følge opp "
                              "samarbeidet.")
    assert part2.joint_closing == ("Det anbefales å videreføre og styrke samarbeidet.",)


@pytest.mark.parametrize("locale, sentence", [
    ("nb", "Bergen kommune har én vennskapsby: Göteborg."),
    ("en", "Bergen kommune has one friendship city: Göteborg.")])
def test_a_single_friendship_city_is_counted_in_the_singular(app, locale, sentence):
    for arena in db.session.scalars(sa.select(Arena).where(
            Arena.kind == ArenaKind.FRIENDSHIP_CITY, Arena.name != "Göteborg")):
        arena.kind = ArenaKind.NETWORK  # four of the five move to part 1
    db.session.flush()
    doc = build_review(cycle_of(2021).id, locale)
    part2 = doc.parts[1]
    assert [s.name for s in part2.sections] == ["Göteborg"]
    assert (part2.joint or part2.intro)[0].startswith(sentence)


def test_header_introduction_appendix_and_totals(app):
    doc = build_review(cycle_of(2021).id)
    assert (doc.municipality, doc.archive_reference, doc.date_text) == (
        "Bergen kommune", "2018/51186-20", "4. mai 2021")
    assert doc.introduction[0].startswith("Bergen kommune er med i en lang rekke")
    assert len(doc.appendix.rows) == 39 and len(doc.appendix.columns) == 5
    assert [r[0] for r in doc.appendix.rows] == [s.name for s in doc.sections]  # part 1, part 2
    ubc = next(r for r in doc.appendix.rows if r[0] == "Union of the Baltic Cities (UBC)")
    assert ubc[1:] == ("Byrådsleders avdeling", "Passiv", "Avslutte", "Avslutte (Bystyret)")
    totals = dict(doc.totals.rows)
    assert totals == {"Videreført": "29", "Videreført og styrket": "5", "Avsluttet": "2",
                      "Meldt inn": "2", "Innmelding utredes": "1", "Totalt": "39"}


def test_an_open_cycle_shows_what_is_not_decided_yet(app):
    doc = build_review(cycle_of(2026).id)
    undecided = [s for s in doc.sections if s.outcome is None]
    assert undecided and all(s.decision == "" for s in undecided)
    assert "Ikke avgjort" in dict(doc.totals.rows)
    assert doc.date_text == "4. mai 2026"  # the cycle's council meeting date


def test_english_document(app):
    doc = build_review(cycle_of(2021).id, "en")
    assert doc.parts[0].title == "Part 1 Organisations and networks"
    gcf = next(s for s in doc.sections if s.name == "Global Climate Forum (GCF)")
    assert gcf.decision == "City council has decided that the municipality shall withdraw."
    assert gcf.description.startswith("It is a forum for research institutions")
    assert doc.date_text == "4 May 2021"


def test_custom_order_follows_the_register(app):
    cycle = cycle_of(2021)
    names = {"Seattle": 1, "Eurocities": 2, "World Urban Parks": 3}
    for arena in db.session.scalars(sa.select(Arena).where(Arena.name.in_(names))):
        arena.sort_order = names[arena.name]
    settings = db.session.get(DocumentSettings, cycle.id)
    settings.part_order, settings.arena_order = PartOrder.CUSTOM, []  # no order of its own
    db.session.commit()
    doc = build_review(cycle.id)
    assert [s.name for s in doc.parts[0].sections][:2] == ["Eurocities", "World Urban Parks"]
    assert doc.parts[1].sections[0].name == "Seattle"
    third = doc.parts[0].sections[2].name  # then alphabetical
    assert third == "Covenant of Mayors: Mayors Adapt"


def test_fingerprint_follows_the_data(app):
    cycle = cycle_of(2021)
    first = build_review(cycle.id).fingerprint()
    assert build_review(cycle.id).fingerprint() == first
    cycle.introduction_nb = "Endret."
    db.session.commit()
    assert build_review(cycle.id).fingerprint() != first


# --------------------------------------------------------------------------- council


def council_ref(**overrides):
    from app.council.queries import DecisionRef

    values = {"case_number": "11/20", "meeting_date": date(2021, 5, 4),
              "archive_reference": "2018/51186-20", "vote_text_nb": "Enstemmig vedtatt.",
              "vote_text_en": "Adopted unanimously."}
    return DecisionRef(**{**values, **overrides})


def assessment_id(year: int, name: str) -> int:
    return db.session.scalar(sa.select(Assessment.id).join(Assessment.arena).where(
        Assessment.cycle_id == cycle_of(year).id, Arena.name == name))


def test_case_and_vote_come_from_the_council_module(app, monkeypatch):
    from app.council import queries

    ubc, eurocities = (assessment_id(2021, "Union of the Baltic Cities (UBC)"),
                       assessment_id(2021, "Eurocities"))
    refs = {ubc: council_ref(), eurocities: council_ref(case_number="sak 12/20")}
    monkeypatch.setattr(queries, "decision_references", lambda cycle_id: refs)
    db.session.get(DocumentSettings, cycle_of(2021).id).show_council_details = True
    doc = build_review(cycle_of(2021).id)
    sections = {s.name: s for s in doc.sections}
    section = sections["Union of the Baltic Cities (UBC)"]
    assert section.case == "Saken ble behandlet 4. mai 2021 (sak 11/20, arkivsak 2018/51186-20)."
    assert section.vote == "Avstemning: Enstemmig vedtatt."
    assert section.council_lines.startswith(
        "Bystyret har vedtatt å melde kommunen ut av samarbeidet. Saken ble behandlet")
    assert sections["Eurocities"].case == ""  # not a council decision: no case line
    english = {s.name: s for s in build_review(cycle_of(2021).id, "en").sections}
    assert english["Union of the Baltic Cities (UBC)"].vote == "Vote: Adopted unanimously."


def test_the_demos_council_cases_give_case_and_vote_lines(app):
    """The real council module: the demo records the 2021 council cases and their votes."""
    from app.council.queries import decision_references

    cycle_id = cycle_of(2021).id
    refs = decision_references(cycle_id)
    assert refs and builder.decision_references(cycle_id) == refs
    # the demo's votes are illustrative, so its document leaves them out ...
    assert all(s.case == s.vote == "" for s in build_review(cycle_id).sections)
    # ... and prints them once the office asks for case and vote lines
    db.session.get(DocumentSettings, cycle_id).show_council_details = True
    db.session.commit()
    sections = {s.assessment_id: s for s in build_review(cycle_id).sections}
    for assessment, ref in refs.items():
        section = sections[assessment]
        assert section.decision, section.name
        assert ref.case_number in section.case and "2021" in section.case, section.name
        # each proposal voted on, with its vote as recorded (council_text words it)
        assert ref.proposals and section.vote.startswith("Forslaget"), section.name
        assert all(p.vote_kind == "unanimous" or f"{p.tally.votes_for} stemme" in section.vote
                   for p in ref.proposals), section.name
    gcf = next(s for s in sections.values() if s.name == "Global Climate Forum (GCF)")
    assert gcf.assessment_id in refs


# --------------------------------------------------------------------------- queries


@contextmanager
def counted_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def add_arenas(year: int, count: int) -> None:
    """`count` more arenas in the cycle, each with two portfolios and a decided assessment."""
    cycle = cycle_of(year)
    portfolios = db.session.scalars(sa.select(Portfolio).order_by(Portfolio.code)).all()
    for i in range(count):
        arena = Arena(key=f"extra-{i}", name=f"Ekstra nettverk {i:03d}", kind=ArenaKind.NETWORK,
                      description_nb="Et ekstra nettverk.", portfolios=portfolios[i % 3:i % 3 + 2])
        db.session.add(Assessment(
            cycle=cycle, arena=arena, state=AssessmentState.DECIDED,
            answers={"participation": {"value": "active", "text": "Vi deltar."}},
            recommendation=Recommendation.CONTINUE, routed_to_council=True,
            decision_outcome=Recommendation.TERMINATE))
    db.session.commit()


@pytest.mark.parametrize("extra", [60])
def test_the_builder_uses_a_constant_number_of_queries(app, extra):
    cycle_id = cycle_of(2021).id
    db.session.expire_all()
    with counted_statements() as small:
        small_doc = build_review(cycle_id)
    add_arenas(2021, extra)
    db.session.expire_all()
    with counted_statements() as large:
        large_doc = build_review(cycle_id)
    assert len(small_doc.sections) == 39 and len(large_doc.sections) == 39 + extra
    assert len(large) == len(small), "\n".join(large)
    assert len(small) <= 12
