"""The review document says what the council did: the proposal voted on, the vote as recorded,
the majority rule when it is not a simple majority, the result, a decision that differs from
the recommendation, the effective date, and the totals by real outcome. Read back from the
HTML, the DOCX (python-docx) and the PDF (pdftotext), in both languages."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import docx
import pytest

from app.documents import council_text
from app.documents.builder import build_review
from app.documents.docx_renderer import write_docx
from app.documents.html_renderer import render_html
from app.documents.pdf_renderer import write_pdf
from app.extensions import db
from app.models import Arena, ArenaStatus, DocumentSettings
from tests.conftest import SECRETARY, login, post
from tests.council.conftest import open_cycle, vote_form
from workflows import votes


def _proposal(outcome, rule, tally, kind="counts", recommendation=True, who=""):
    from app.council.queries import ProposalRef
    verdict = votes.decide(tally, votes.RULES[votes.RuleName(rule)], 33)
    return ProposalRef(recommendation, who, outcome, rule, votes.VoteKind(kind), tally, verdict)


def test_the_issue_sentence_for_a_fallen_join_under_two_thirds():
    fallen = _proposal("join", "two_thirds_cast", votes.Tally(33, 21, 12, 0))
    assert council_text.proposal_sentence(fallen, "Eurocities") == (
        "Forslaget om å melde kommunen inn i Eurocities fikk 21 stemmer mot 12 og falt, "
        "siden to tredjedels flertall krevdes.")
    assert council_text.proposal_sentence(fallen, "Eurocities", "en") == (
        "The proposal to have the municipality join Eurocities received 21 votes to 12 and "
        "fell, since a two-thirds majority was required.")


def test_simple_majority_unanimity_abstentions_and_alternatives():
    adopted = _proposal("terminate", "simple", votes.Tally(33, 20, 12, 1))
    assert council_text.proposal_sentence(adopted, "X") == (
        "Forslaget om å melde kommunen ut av X fikk 20 stemmer mot 12, 1 avsto og ble vedtatt.")
    assert council_text.proposal_sentence(adopted, "X", "en") == (
        "The proposal to withdraw the municipality from X received 20 votes to 12, "
        "1 abstention and was adopted.")
    unanimous = _proposal("continue", "simple", votes.unanimous(30), kind="unanimous")
    assert council_text.proposal_sentence(unanimous, "X") == (
        "Forslaget om å videreføre deltakelsen i X ble enstemmig vedtatt.")
    alternative = _proposal("continue", "simple", votes.Tally(33, 1, 30, 0),
                            recommendation=False, who="Partiet")
    assert council_text.proposal_sentence(alternative, "X") == (
        "Forslaget fra Partiet om å videreføre deltakelsen i X fikk 1 stemme mot 30 og falt.")


def test_marks_and_dates():
    assert council_text.differs_sentence("no_change", "join") == (
        "Vedtaket avviker fra anbefalingen.")
    assert council_text.differs_sentence("join", "join") == ""
    assert council_text.effective_sentence("terminate", date(2026, 12, 31)) == (
        "Utmeldingen gjelder fra 31. desember 2026.")
    assert council_text.effective_sentence("join", date(2027, 1, 1), "en") == (
        "The membership takes effect on 1 January 2027.")
    assert council_text.effective_sentence("continue", date(2027, 1, 1)) == ""


def docx_text(review) -> str:
    stream = io.BytesIO()
    write_docx(review, stream)
    stream.seek(0)
    word = docx.Document(stream)
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def pdf_text(review, tmp_path) -> str:
    path = tmp_path / f"review-{review.locale}.pdf"
    with path.open("wb") as stream:
        write_pdf(review, stream)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.split())  # lines wrap anywhere in a PDF


def html_text(review) -> str:
    import re
    return " ".join(re.sub(r"<[^>]+>", " ", render_html(review)).split())


def every_format(review, tmp_path) -> dict[str, str]:
    return {"html": html_text(review), "docx": " ".join(docx_text(review).split()),
            "pdf": pdf_text(review, tmp_path)}


def record(client, council, outcome, rule, votes_for, against, result, decision,
           effective="2026-12-31", status=ArenaStatus.MEMBER):
    arena = db.session.get(Arena, council.arena_id)
    arena.status = status
    # The demo keeps its illustrative votes out of its document; these votes are the test's own.
    settings = db.session.get(DocumentSettings, open_cycle().id)
    if settings is not None:
        settings.show_council_details = True
    db.session.commit()
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": outcome, "majority_rule": rule,
        "text": "Innstillingen."})
    [proposal] = council.proposals()
    response = post(client, f"/council/proposals/{proposal.id}/vote",
                    vote_form(votes_for=votes_for, against=against, result=result))
    assert response.status_code == 302
    response = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": decision, "text": "Vedtatt som innstilt.", "effective_date": effective})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    return db.session.get(Arena, council.arena_id).name


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_a_fallen_join_reads_as_it_happened_in_every_format(client, council, tmp_path, locale):
    name = record(client, council, "join", "two_thirds_cast", 5, 4, "rejected", "no_change",
                  status=ArenaStatus.PROPOSED)
    review = build_review(open_cycle().id, locale)
    expected = {
        "nb": [f"Forslaget om å melde kommunen inn i {name} fikk 5 stemmer mot 4 og falt, "
               "siden to tredjedels flertall krevdes.",
               "har dermed ikke gjort noen endring, og kommunen står fortsatt utenfor "
               "samarbeidet.", "Vedtaket avviker fra anbefalingen.",
               "Ingen endring (forslaget falt)"],
        "en": [f"The proposal to have the municipality join {name} received 5 votes to 4 and "
               "fell, since a two-thirds majority was required.",
               "therefore made no change, and the municipality remains outside the "
               "cooperation.", "The decision differs from the recommendation.",
               "No change (the proposal fell)"],
    }[locale]
    for fmt, text in every_format(review, tmp_path).items():
        for sentence in expected:
            assert sentence in text, (fmt, sentence)
        assert "vedtatt å videreføre" not in text and "decided to continue" not in text
    [section] = [s for s in review.sections if s.name == name]
    assert section.outcome == "no_change"
    totals = dict(review.totals.rows)
    assert totals[expected[-1]] == "1"


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_a_termination_states_its_vote_and_effective_date(client, council, tmp_path, locale):
    name = record(client, council, "terminate", "simple", 6, 3, "adopted", "terminate")
    review = build_review(open_cycle().id, locale)
    expected = {
        "nb": [f"Forslaget om å melde kommunen ut av {name} fikk 6 stemmer mot 3 og ble "
               "vedtatt.", f"Utmeldingen av {name} gjelder fra 31. desember 2026.",
               "Vedtaket avviker fra anbefalingen."],
        "en": [f"The proposal to withdraw the municipality from {name} received 6 votes to 3 "
               "and was adopted.", f"The withdrawal from {name} takes effect on 31 December 2026.",
               "The decision differs from the recommendation."],
    }[locale]
    for fmt, text in every_format(review, tmp_path).items():
        for sentence in expected:
            assert sentence in text, (fmt, sentence)
