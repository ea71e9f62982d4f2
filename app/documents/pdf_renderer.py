"""PDF/A-2b from the document structure, through WeasyPrint and the HTML template.

Fonts are embedded and named explicitly (also in the page-margin boxes, which do not inherit
the body's font); headings become bookmarks; the PDF is tagged, and English names carry their
language on their structure elements (see pdf_lang).
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from markupsafe import Markup
from weasyprint import HTML

from app import ROOT
from app.documents import pdf_lang
from app.documents.builder import ReviewDocument, running_head
from app.documents.html_renderer import ENV

pdf_lang.install()

PDF_VARIANT = "pdf/a-2b"
# DejaVu (Debian's fonts-dejavu-core) first; Inter from the vendored web fonts otherwise.
FONT_CANDIDATES = (
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
     Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
    (ROOT / "static/vendor/inter/files/inter-latin-400-normal.woff",
     ROOT / "static/vendor/inter/files/inter-latin-700-normal.woff"),
)


def font_files() -> tuple[Path, Path]:
    """(regular, bold) font files to embed; the first pair that exists."""
    for regular, bold in FONT_CANDIDATES:
        if regular.exists() and bold.exists():
            return regular, bold
    raise RuntimeError("no font for the PDF: install fonts-dejavu-core")


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string that is safe inside a <style> element."""
    escaped = re.sub(r'[\\"<>\n]', lambda m: f"\\{ord(m.group()):X} ", text)
    return Markup(f'"{escaped}"')


def _page_parts(label: str) -> tuple[Markup, Markup, Markup]:
    """'Side {page} av {pages}' split around its two numbers, as CSS strings."""
    before, rest = label.split("{page}", 1)
    middle, after = rest.split("{pages}", 1)
    return css_string(before), css_string(middle), css_string(after)


def pdf_html(doc: ReviewDocument) -> str:
    """The HTML WeasyPrint lays out."""
    regular, bold = font_files()
    before, middle, after = _page_parts(doc.page_label)
    running = running_head(doc)
    at = (doc.assembled_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return ENV.get_template("documents/pdf.html").render(
        doc=doc, fonts=[{"url": css_string(regular.as_uri()), "weight": 400},
                        {"url": css_string(bold.as_uri()), "weight": 700}],
        page_before=before, page_middle=middle, page_after=after,
        running_head=css_string(running), created=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def write_pdf(doc: ReviewDocument, stream: BinaryIO) -> None:
    """Write the document as PDF/A-2b to a binary stream."""
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile (the PDF/A output intent) and never closes it;
        # the file is read in full, so only the ResourceWarning is lost here.
        warnings.simplefilter("ignore", ResourceWarning)
        HTML(string=pdf_html(doc), base_url=str(ROOT)).write_pdf(
            stream, pdf_variant=PDF_VARIANT, pdf_tags=True)
