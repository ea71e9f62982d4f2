"""Proof: the demo's 2021 review, assembled, reads like the seed (shared seed facts file).

Checks the order of all 39 arenas against the seed, one part-2 section with one
recommendation, no repeated answer sentence, no filler, the title, and the files' metadata.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
import yaml

from app import clock
from app.documents.builder import build_review
from app.documents.docx_renderer import write_docx
from app.documents.html_renderer import render_html
from app.documents.pdf_renderer import write_pdf
from app.documents.prose import NBSP, sentences
from tests.documents.conftest import cycle_of

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "bergen-2021-arenas.yaml"
LOCAL_SEED = Path("/work/shared/seed/bergen-2021-arenas.yaml")
TITLE = "Gjennomgang av kommunens internasjonale samarbeidsarenaer"


def seed_facts() -> dict:
    """The seed facts file (beside the repository in shared/), or skip when it is absent."""
    for path in (SEED, LOCAL_SEED):
        if path.exists():
            return yaml.safe_load(path.read_text(encoding="utf-8"))
    pytest.skip("the seed facts file is not beside the repository")


@pytest.fixture()
def review(app, monkeypatch):
    """The 2021 review as assembled at a fixed moment."""
    at = datetime(2021, 5, 4, 12, 30, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: at)
    return build_review(cycle_of(2021).id), at


def all_text(doc) -> str:
    texts = [*doc.introduction]
    for part in doc.parts:
        texts += [*part.intro, *part.joint, *part.joint_closing]
        if not part.joint:
            for s in part.sections:
                texts += [*s.body, s.ratings, s.recommendation, s.council_lines]
    return "\n".join(t for t in texts if t)


def test_the_order_of_all_39_arenas_is_the_seeds(review):
    doc, _ = review
    seed = seed_facts()
    expected = [a["name"] for a in seed["arenas"]]
    assert len(expected) == 39
    # the demo spells the long Barents programme name a little shorter than the seed's OCR
    got = [s.name for s in doc.sections]
    assert len(got) == 39
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs or mine.split(" (")[0] in theirs or theirs.split(" (")[0] in mine, \
            (mine, theirs)
    assert [s.name for s in doc.parts[1].sections] == expected[-5:]


def test_part_two_is_one_section_with_one_recommendation(review):
    doc, _ = review
    part2 = doc.parts[1]
    assert part2.joint and part2.intro == ()
    text = "\n".join(part2.joint + part2.joint_closing)
    assert text.count("Det anbefales") == 1
    assert part2.joint_closing == ("Det anbefales å videreføre og styrke samarbeidet.",)
    assert "har fem vennskapsbyer: Göteborg, Århus, Åbo/Turku, Newcastle og Seattle." in text
    assert "Ordfører har ansvar for å følge opp samarbeidet." in text


def test_no_filler_and_no_answer_sentence_twice(review):
    doc, _ = review
    text = all_text(doc)
    assert "Ikke vurdert" not in text and "ikke vurdert" not in text
    said = [s for paragraph in text.split("\n") if " · " not in paragraph
            for s in sentences(paragraph)]
    repeated = Counter(s for s in said if not s.startswith(("Det anbefales", "Bystyret har"))
                       and not s.endswith("følge opp samarbeidet."))
    assert [s for s, n in repeated.items() if n > 1] == []
    # every written sentence ends as a sentence
    for paragraph in text.split("\n"):
        if " · " not in paragraph:  # the ratings line is a list, not a sentence
            assert paragraph.rstrip()[-1] in ".!?)", paragraph


def test_front_matter_from_the_document_settings(review):
    doc, _ = review
    assert doc.title == TITLE
    assert doc.reference_label == "Vår referanse"
    intro = " ".join(doc.introduction)
    assert "i tråd med Oppgaver for Bergen bystyre 2019–2023 punkt 4.4 b behandlet i bystyret" \
        in intro
    said = all_text(doc)
    assert said.count("Vurderingene er gjort av") == 1
    assert "Vurderingene er gjort av ansvarlig byråd" in said


def test_ratings_for_every_criterion(review):
    doc, _ = review
    eurocities = next(s for s in doc.sections if s.name == "Eurocities")
    labels = [c.label_nb for c in cycle_of(2021).criteria_set.criteria if c.kind.value != "text"]
    for label in labels:
        assert f"{label}: " in eurocities.ratings
    assert "Deltakelse: aktiv" in eurocities.ratings


def test_numbers_keep_their_thousands_together(review):
    doc, _ = review
    text = all_text(doc) + " ".join(s.description for s in doc.sections)
    assert not re.search(r"\d \d{3}\b", text)
    assert re.search(rf"\d{NBSP}\d{{3}}", text)


def test_docx_metadata_and_running_header(review, tmp_path):
    doc, at = review
    path = tmp_path / "review.docx"
    with path.open("wb") as stream:
        write_docx(doc, stream)
    word = docx.Document(str(path))
    props = word.core_properties
    assert props.title == TITLE and props.author == "Bergen kommune"
    assert props.created == at and props.modified == props.created
    assert props.last_modified_by == "Bergen kommune"
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert "python-docx" not in core and "2013" not in core
    header = word.sections[0].header.paragraphs[0].text
    assert header == "Bergen kommune · 2018/51186-20"


def test_pdf_creation_date_in_info_and_xmp(review, tmp_path):
    doc, _ = review
    path = tmp_path / "review.pdf"
    with path.open("wb") as stream:
        write_pdf(doc, stream)
    info = subprocess.run(["pdfinfo", "-isodates", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert re.search(r"CreationDate:\s+2021-05-04T12:30:00", info), info
    assert f"Title:           {TITLE}" in info
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert "2021-05-04T12:30:00" in meta and "CreateDate" in meta


def test_html_marks_english_names_and_has_no_doubled_headings(review):
    doc, _ = review
    html = render_html(doc)
    assert '<h3 class="ds-heading" data-size="sm" id="review-arena-' in html
    assert re.search(r'<h3[^>]*lang="en"[^>]*>Music Cities Network</h3>', html)
    assert not re.search(r'<h3[^>]*lang="en"[^>]*>Nordisk Vegforum</h3>', html)
    assert "<caption>" not in html and html.count(">Sum<") == 1

