"""A case page exports its items, proposals, votes and decisions as a DOCX extract for the
meeting minutes, in the review's typography; read back with python-docx."""

from __future__ import annotations

import io

import docx
from docx.shared import Pt

from app.extensions import db
from app.models import Arena
from tests.conftest import CONTACT, OFFICE, SECRETARY, login, post
from tests.council.conftest import vote_form


def review_section():
    """The page of the review document's DOCX, for comparison."""
    from app.documents.builder import build_review
    from app.documents.docx_renderer import write_docx
    from tests.council.conftest import open_cycle
    stream = io.BytesIO()
    write_docx(build_review(open_cycle().id), stream)
    stream.seek(0)
    return docx.Document(stream)


def test_the_case_exports_a_minutes_extract(app, client, council):
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "join", "majority_rule": "two_thirds_cast",
        "text": "Kommunen melder seg inn i nettverket."})
    [proposal] = council.proposals()
    post(client, f"/council/proposals/{proposal.id}/vote",
         vote_form(votes_for=5, against=4, result="rejected"))
    post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "no_change", "text": "Forslaget falt.", "effective_date": "2026-05-04"})
    name = db.session.get(Arena, council.arena_id).name
    page = client.get(f"/council/cases/{council.case_id}").get_data(as_text=True)
    assert f"/council/cases/{council.case_id}/minutes.docx" in page
    office = app.test_client()
    login(office, OFFICE)
    response = office.get(f"/council/cases/{council.case_id}/minutes.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    word = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Utdrag av møteprotokoll" in text and "Sak 12/26" in text
    assert name in [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert "Innstillingen: Kommunen melder seg inn i nettverket." in text
    assert "Flertallskrav: to tredjedels flertall av avgitte stemmer." in text
    assert "Votering: Forkastet: 5 stemmer for, 4 mot, 0 avsto." in text
    assert "Vedtak: Forslaget falt – ingen endring. Forslaget falt." in text
    review = review_section()
    mine, theirs = word.sections[0], review.sections[0]
    for attribute in ("page_width", "page_height", "left_margin", "right_margin", "top_margin",
                      "bottom_margin"):
        assert getattr(mine, attribute) == getattr(theirs, attribute), attribute
    assert word.styles["Normal"].font.size == review.styles["Normal"].font.size == Pt(11)


def test_the_minutes_are_for_the_council_staff_only(app, client, council):
    login(client, CONTACT)
    assert client.get(f"/council/cases/{council.case_id}/minutes.docx").status_code == 403
    secretary = app.test_client()
    login(secretary, SECRETARY)
    assert secretary.get("/council/cases/99999/minutes.docx").status_code == 404
