"""DOCX from the document structure (python-docx), for the council office to edit in Word.

Real Heading 1/2 styles (the navigation pane and a table of contents work), "Side X av Y" from
PAGE/NUMPAGES fields in the footer, and the appendix as a real table with a repeating header.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from app.documents.builder import Part, ReviewDocument, Table, running_head

LANGUAGE_TAGS = {"nb": "nb-NO", "en": "en-GB"}
FIELD_RE = re.compile(r"\{(page|pages)\}")
FIELD_CODES = {"page": "PAGE", "pages": "NUMPAGES"}


def write_docx(doc: ReviewDocument, stream: BinaryIO) -> None:
    """Write the document as DOCX to a binary stream."""
    word = Document()
    _set_up(word, doc)
    body = _Body(word)
    _header_block(body, doc)
    if doc.introduction:
        body.paragraph(doc.introduction_title, "Heading 1")
        for paragraph in doc.introduction:
            body.paragraph(paragraph)
    for part in doc.parts:
        if part.sections:
            _part(body, part)
    _appendix(word, body, doc)
    word.save(stream)


def _set_up(word, doc: ReviewDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    word.styles["Normal"].font.size = Pt(11)
    _set_language(word, LANGUAGE_TAGS.get(doc.locale, "nb-NO"))
    _core_properties(word, doc)
    _running_header(section, doc)
    _footer(section, doc.page_label)


def _core_properties(word, doc: ReviewDocument) -> None:
    """Title, author (the municipality) and the assembly time; nothing left from the template
    the library ships (its 2013 dates, its name in the comments and last-modified-by)."""
    props = word.core_properties
    at = (doc.assembled_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    props.title, props.author, props.language = doc.title, doc.municipality, doc.locale
    props.last_modified_by = doc.municipality
    props.created = props.modified = at
    props.revision = 1
    for name in ("comments", "keywords", "subject", "category", "content_status",
                 "identifier", "version"):
        setattr(props, name, "")
    props.subject = doc.archive_reference


def _running_header(section, doc: ReviewDocument) -> None:
    """The municipality and the reference at the top right of every page, as in the PDF."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(running_head(doc))
    run.font.size = Pt(8)


def _set_language(word, tag: str) -> None:
    """The proofing language of every style (Word's spelling checker follows it)."""
    rpr = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def _field(paragraph, code: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {code} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(section, label: str) -> None:
    """'Side {page} av {pages}' with the numbers as fields, centred."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, piece in enumerate(FIELD_RE.split(label)):
        if index % 2:
            _field(paragraph, FIELD_CODES[piece])
        elif piece:
            paragraph.add_run(piece)


class _Body:
    """Appends paragraphs straight before the body's section properties.

    python-docx's add_paragraph/add_heading look styles up by name and search the body for
    its end on every call, which makes a 1,000-arena document quadratic; this stays linear.
    """

    def __init__(self, word):
        self.end = word.element.body.sectPr
        self.styles = {name: word.styles[name].style_id
                       for name in ("Title", "Heading 1", "Heading 2")}

    def paragraph(self, text: str, style: str | None = None, bold: bool = False,
                  keep_next: bool = False, lang: str | None = None):
        """A paragraph with one run of `text` (in a named paragraph style, or Normal); with
        `keep_next` Word keeps it on the page of the next one (an entry stays together)."""
        p = OxmlElement("w:p")
        if style or keep_next:
            properties = OxmlElement("w:pPr")
            if style:
                style_ref = OxmlElement("w:pStyle")
                style_ref.set(qn("w:val"), self.styles[style])
                properties.append(style_ref)
            if keep_next:
                properties.append(OxmlElement("w:keepNext"))
            p.append(properties)
        p.append(_run(text, bold, lang))
        self.end.addprevious(p)
        return p


def _run(text: str, bold: bool = False, lang: str | None = None):
    """A w:r element holding `text` (spaces kept), bold and in another language if asked."""
    run = OxmlElement("w:r")
    if bold or lang:
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        if lang:
            language = OxmlElement("w:lang")
            language.set(qn("w:val"), lang)
            properties.append(language)
        run.append(properties)
    element = OxmlElement("w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run.append(element)
    return run


def _header_block(body: _Body, doc: ReviewDocument) -> None:
    body.paragraph(doc.municipality.upper(), bold=True)
    body.paragraph(doc.title, "Title")
    if doc.archive_reference:
        body.paragraph(f"{doc.reference_label}: {doc.archive_reference}")
    body.paragraph(f"{doc.date_label}: {doc.date_text}")


def _part(body: _Body, part: Part) -> None:
    body.paragraph(part.title, "Heading 1")
    for paragraph in part.intro:
        body.paragraph(paragraph)
    if part.joint:
        for text in part.joint:
            body.paragraph(text, keep_next=True)
        for text in part.joint_closing:
            body.paragraph(text, bold=True)
        return
    for s in part.sections:
        body.paragraph(s.name, "Heading 2", lang="en-GB" if s.name_lang == "en" else None)
        for text in (*s.body, s.ratings):
            if text:
                body.paragraph(text, keep_next=True)
        closing = [t for t in (s.recommendation, s.council_lines) if t]
        for index, text in enumerate(closing):
            body.paragraph(text, bold=True, keep_next=index < len(closing) - 1)


def _appendix(word, body: _Body, doc: ReviewDocument) -> None:
    heading = body.paragraph(doc.appendix.title, "Heading 1")
    heading.pPr.append(OxmlElement("w:pageBreakBefore"))
    _table(word, doc.appendix)
    body.paragraph(doc.totals.title, "Heading 2")
    _table(word, doc.totals)
    for chart in doc.statistics.charts if doc.statistics else ():  # tables, not images
        body.paragraph(chart.title, "Heading 2")
        _table(word, chart)


def _table(word, table: Table) -> None:
    """A real Word table: bold header row that repeats on every page."""
    grid = word.add_table(rows=len(table.rows) + 1, cols=len(table.columns))
    grid.style = "Table Grid"
    rows = grid._tbl.tr_lst
    rows[0].get_or_add_trPr().append(_repeat_header())
    for tr, values in zip(rows, (table.columns, *table.rows), strict=True):
        bold = tr is rows[0]
        for tc, text in zip(tr.tc_lst, values, strict=True):
            tc.p_lst[0].append(_run(text, bold))


def _repeat_header():
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    return element
