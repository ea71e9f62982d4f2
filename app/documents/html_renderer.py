"""HTML from the document structure (Jinja): the in-app read-only view and a standalone file.

The standalone file carries its own stylesheet; the in-app view shows the same article inside the
site's layout. Markers around the article let the view take it out of a stored file.
"""

from __future__ import annotations

from typing import BinaryIO

import jinja2
from markupsafe import Markup

from app import ROOT
from app.documents.builder import ReviewDocument

FRAGMENT_START = "<!-- review-document:start -->"
FRAGMENT_END = "<!-- review-document:end -->"

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(ROOT / "templates")),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render_fragment(doc: ReviewDocument, edited_label: str = "") -> Markup:
    """The document as one <article> (site classes, no page furniture), already escaped; with
    `edited_label` the paragraphs the office rewrote carry that tag (the office's preview)."""
    return Markup(ENV.get_template("documents/_document.html").render(
        doc=doc, show_edits=bool(edited_label), edited_label=edited_label))


def render_html(doc: ReviewDocument) -> str:
    """A standalone HTML page of the document, with its own stylesheet."""
    return ENV.get_template("documents/standalone.html").render(
        doc=doc, article=render_fragment(doc), start=Markup(FRAGMENT_START),
        end=Markup(FRAGMENT_END))


def write_html(doc: ReviewDocument, stream: BinaryIO) -> None:
    """Write the standalone HTML (UTF-8) to a binary stream."""
    stream.write(render_html(doc).encode("utf-8"))


def extract_fragment(html: str) -> Markup:
    """The article of a standalone file written by `render_html` (ValueError if none)."""
    start = html.index(FRAGMENT_START) + len(FRAGMENT_START)
    end = html.index(FRAGMENT_END, start)
    return Markup(html[start:end])  # our own escaped output, checked against its SHA-256
