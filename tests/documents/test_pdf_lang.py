"""English names are marked as English in the tagged PDF, not only in the HTML."""

from __future__ import annotations

import io
import re
import warnings
import zlib

from weasyprint import HTML
from weasyprint.pdf import tags

from app.documents import pdf_lang, pdf_renderer  # importing pdf_renderer installs the hook


def lang_entries(pdf: bytes) -> list[str]:
    """Every /Lang (...) in the PDF, looking inside compressed object streams too."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return [m.decode() for chunk in chunks for m in re.findall(rb"/Lang\s*\(([^)]*)\)", chunk)]


def render(html: str) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():  # WeasyPrint 70 leaves its sRGB profile open (see pdf_renderer)
        warnings.simplefilter("ignore", ResourceWarning)
        HTML(string=html).write_pdf(out, pdf_tags=True, pdf_variant=pdf_renderer.PDF_VARIANT)
    return out.getvalue()


def test_the_hook_is_in_place():
    assert tags._build_box_tree is pdf_lang._build_box_tree_with_lang


def test_an_english_span_gets_its_own_language():
    pdf = render('<html lang="nb"><body><p>Kommunen er med i <span lang="en">Global Parliament'
                 ' of Mayors</span> i år.</p><h2 lang="en">Covenant of Mayors</h2></body></html>')
    entries = lang_entries(pdf)
    assert entries.count("nb") == 1, entries  # the catalogue only
    assert entries.count("en") >= 2, entries  # the span and the heading


def test_a_document_without_foreign_names_has_only_the_catalogue_language():
    assert lang_entries(render('<html lang="nb"><body><p>Bare norsk.</p></body></html>')) == ["nb"]

