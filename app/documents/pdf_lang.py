"""The language of each part of a tagged PDF, as the HTML's `lang` attributes say.

WeasyPrint 70 writes the document's language into the PDF catalogue but not the `lang` of an
element inside the document, so a screen reader reads an English arena name with Norwegian
pronunciation. Every structure element WeasyPrint builds goes through `_build_box_tree`; this
module wraps that one function so that an element whose HTML element carries `lang` gets the
matching `/Lang` entry (PDF 1.7, 14.9.2). WeasyPrint is pinned in pyproject.toml, and
`tests/documents/test_pdf_lang.py` fails if an upgrade moves the function.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import tags as _tags

_ORIGINAL = _tags._build_box_tree


def _box_lang(box: Any) -> str | None:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) in ("html", "body"):
        return None  # the root's language is the catalogue's /Lang already
    return element.get("lang") or None


def _build_box_tree_with_lang(box: Any, *args: Any) -> Iterator[Any]:
    lang = _box_lang(box)
    for item in _ORIGINAL(box, *args):
        if lang and isinstance(item, pydyf.Dictionary) and "Lang" not in item:
            item["Lang"] = pydyf.String(lang)
        yield item


def install() -> None:
    """Make WeasyPrint's tagging carry element languages (idempotent)."""
    _tags._build_box_tree = _build_box_tree_with_lang
