"""The demo's 2021 review in all three formats, read back the way a reader's tools read it.

DOCX through python-docx, PDF through poppler (pdftotext, pdfinfo, pdffonts, pdftohtml), HTML
through the standard library's parser. Rendered once for the module: the PDF takes a second.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn

from app import create_app
from app.database import read_only_transactions
from app.documents.builder import build_review
from app.documents.docx_renderer import write_docx
from app.documents.html_renderer import extract_fragment, render_html, write_html
from app.documents.pdf_renderer import write_pdf
from app.extensions import db
from app.models import Cycle
from config import TestConfig
from tests.conftest import IS_POSTGRES, _pg_database
from tests.documents.conftest import TWO_HEADS, demo_arenas

ARENAS = demo_arenas()
NORWEGIAN = ("Århus", "Åbo/Turku", "Göteborg", "Byråd for klima, miljø og byutvikling",
             "Kommunenes internasjonale miljøorganisasjon (KIMO)", "Læringsutbytte".lower())


@pytest.fixture(scope="module")
def rendered(template_db, tmp_path_factory):
    """The 2021 document structure and its three files."""
    folder = tmp_path_factory.mktemp("rendered")
    if IS_POSTGRES:
        with _pg_database("r", template=template_db) as url:
            doc = _build(url)
    else:
        shutil.copyfile(template_db, folder / "db.sqlite3")
        doc = _build(f"sqlite:///{folder / 'db.sqlite3'}")
    files = {}
    for name, write in (("docx", write_docx), ("pdf", write_pdf), ("html", write_html)):
        files[name] = folder / f"review.{name}"
        with files[name].open("wb") as stream:
            write(doc, stream)
    return {"doc": doc, **files}


def _build(url: str):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), read_only_transactions():
        try:
            cycle_id = db.session.scalar(sa.select(Cycle.id).where(Cycle.year == 2021))
            return build_review(cycle_id)
        finally:
            db.session.remove()
            db.engine.dispose()


def order(rendered) -> list[str]:
    """Arena names in the order the document shows them."""
    return [s.name for s in rendered["doc"].sections]


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces folded into single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"-\n\s*", "-", text)).strip()


PART2_TITLE = "Del 2 Samarbeid med vennskapsbyene"
PART2_INTRO = ("Bergen kommune har fem vennskapsbyer: Göteborg, Århus, Åbo/Turku, Newcastle og "
               "Seattle.")
CITIES = [a for a in ARENAS if a["part"] == 2]


def segments(text: str, names: list[str]) -> dict[str, str]:
    """The text of each arena: from its heading to the next arena's heading (in document order)."""
    starts, cursor = [], 0
    for name in names:
        cursor = text.index(name, cursor)
        starts.append(cursor)
        cursor += len(name)
    ends = starts[1:] + [len(text)]
    return {name: text[a:b] for name, a, b in zip(names, starts, ends, strict=True)}


def assert_says_everything(text: str, order: list[str]) -> None:
    """Every arena, its recommendation and (where there is one) the council's decision; part 2
    as one text with one recommendation."""
    assert sorted(order) == sorted(a["name"] for a in ARENAS)
    split = text.index(PART2_TITLE)
    end = text.index("Vedlegg: oversikt over arenaene", split)
    parts = segments(text[:split], order[:-len(CITIES)])
    part2 = text[split:end]
    assert part2.count(PART2_INTRO) == 1
    assert part2.count(CITIES[0]["recommendation"]) == 1
    assert part2.count("har ansvar for å følge opp samarbeidet.") == 1
    for arena in ARENAS:
        if arena["part"] == 2:
            continue
        name, segment = arena["name"], parts[arena["name"]]
        assert segment.count(arena["recommendation"]) == 1, name
        if arena["decision"]:
            assert segment.count(arena["decision"]) == 1, name
        else:
            assert "har vedtatt" not in segment and "har bedt om" not in segment, name
        assert segment.count("har ansvar for å følge opp samarbeidet.") == 1, name
        for head in arena["heads"]:
            assert head.lower() in segment.lower(), (name, head)
    for name, sentence in TWO_HEADS.items():
        assert sentence in parts[name]
    for word in NORWEGIAN:
        assert word in text.lower() if word.islower() else word in text, word


# --------------------------------------------------------------------------- DOCX


def test_docx_has_the_whole_review(rendered):
    document = docx.Document(str(rendered["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert_says_everything(flat(text), order(rendered))


def test_docx_uses_heading_styles(rendered):
    document = docx.Document(str(rendered["docx"]))
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Title"] == [rendered["doc"].title]
    assert by_style["Heading 1"] == ["Innledning", "Del 1 Organisasjoner og nettverk",
                                     "Del 2 Samarbeid med vennskapsbyene",
                                     "Vedlegg: oversikt over arenaene"]
    # part 2 is one text without a heading per city
    assert by_style["Heading 2"] == [*order(rendered)[:34], "Sum"]


def test_docx_footer_counts_pages_with_fields(rendered):
    document = docx.Document(str(rendered["docx"]))
    footer = document.sections[0].footer.paragraphs[0]
    fields = [f.get(qn("w:instr")).strip() for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert [r.text for r in footer.runs] == ["Side ", " av "]


def test_docx_appendix_is_a_real_table(rendered):
    document = docx.Document(str(rendered["docx"]))
    appendix, totals = document.tables
    assert len(appendix.rows) == 40 and len(appendix.columns) == 5
    header = [c.text for c in appendix.rows[0].cells]
    assert header == ["Arena", "Ansvarlig", "Deltakelse", "Anbefaling", "Vedtak"]
    assert appendix.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in appendix.rows[1:]}
    assert rows["Global Climate Forum (GCF)"][3:] == ["Avslutte", "Avslutte (Bystyret)"]
    assert rows["Solidarity Cities"][3:] == ["Melde inn", "Melde inn (Bystyret)"]
    sums = {r.cells[0].text: r.cells[1].text for r in totals.rows[1:]}
    assert sums["Avsluttet"] == "2" and sums["Meldt inn"] == "2" and sums["Totalt"] == "39"


# --------------------------------------------------------------------------- PDF


def poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path) -> str:
    """The PDF's text without the page furniture (page numbers, running head)."""
    raw = poppler("pdftotext", "-enc", "UTF-8", str(path), "-")
    lines = [line for line in raw.splitlines()
             if not re.fullmatch(r"\s*(Side \d+ av \d+|Bergen kommune · 2018/51186-20)\s*", line)]
    return flat("\n".join(lines))


def test_pdf_has_the_whole_review(rendered):
    assert_says_everything(pdf_text(rendered["pdf"]), order(rendered))


def test_pdf_numbers_pages_side_x_av_y(rendered):
    pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(rendered["pdf"]))).group(1))
    raw = poppler("pdftotext", "-enc", "UTF-8", str(rendered["pdf"]), "-")
    assert pages > 5
    for page in (1, pages):
        assert f"Side {page} av {pages}" in raw


def test_pdf_is_pdf_a_2b_with_embedded_fonts(rendered):
    meta = poppler("pdfinfo", "-meta", str(rendered["pdf"]))
    assert 'pdfaid:part="2"' in meta and 'pdfaid:conformance="B"' in meta
    info = poppler("pdfinfo", str(rendered["pdf"]))
    assert re.search(r"Tagged:\s+yes", info)
    assert "Gjennomgang av kommunens internasjonale samarbeidsarenaer" in info
    fonts = poppler("pdffonts", str(rendered["pdf"])).splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"


def test_pdf_has_a_bookmark_per_heading(rendered):
    xml = poppler("pdftohtml", "-xml", "-i", "-stdout", "-q", str(rendered["pdf"]))
    outline = xml[xml.index("<outline>"):]
    items = re.findall(r"<item page=\"\d+\">([^<]+)</item>", outline)
    import html

    items = [html.unescape(i) for i in items]
    for heading in ("Del 1 Organisasjoner og nettverk", "Del 2 Samarbeid med vennskapsbyene",
                    *(a["name"] for a in ARENAS if a["part"] == 1)):
        assert heading in items, heading


# --------------------------------------------------------------------------- HTML


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def test_html_has_the_whole_review(rendered):
    source = rendered["html"].read_text(encoding="utf-8")
    parser = _Text()
    parser.feed(source)
    assert_says_everything(flat(" ".join(parser.parts)), order(rendered))
    assert parser.tags.count("h1") == 1 and parser.tags.count("h3") == 35  # 34 arenas + totals
    assert source.startswith("<!doctype html>") and '<html lang="nb">' in source


def test_html_fragment_round_trip(rendered):
    source = render_html(rendered["doc"])
    fragment = extract_fragment(source)
    assert fragment.startswith("\n<article") or fragment.lstrip().startswith("<article")
    assert "<style>" not in fragment and "Del 1 Organisasjoner og nettverk" in fragment
    with pytest.raises(ValueError):
        extract_fragment("<html>no markers</html>")


def test_pdf_marks_english_names_as_english(rendered):
    from tests.documents.test_pdf_lang import lang_entries

    names = rendered["doc"].english_names
    assert names, "the 2021 demo has English arena names"
    entries = lang_entries(rendered["pdf"].read_bytes())
    # each English name is a heading in its entry and a row of the appendix
    assert entries.count("en") >= 2 * len(names), (len(names), entries.count("en"))
