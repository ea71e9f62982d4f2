"""Placeholders in mail templates: checking what the office wrote, and filling in values.

Pure functions (no Flask, no database). Templates use `{name}`; `{{` and `}}` are literal
braces. Values are plain text: they are HTML-escaped in the HTML part and flattened to one
line in the subject, so a value can never add markup or a header.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from string import Formatter

from babel.dates import format_date
from markupsafe import Markup, escape

LINK_PLACEHOLDERS = frozenset({"link"})


class TemplateError(ValueError):
    """A template that can not be used. `code`: malformed, unknown, complex or line_break."""

    def __init__(self, code: str, names: Iterable[str] = ()):
        self.code = code
        self.names = list(names)
        super().__init__(f"{code}: {', '.join(self.names)}" if self.names else code)


def _parts(text: str) -> list[tuple[str, str | None]]:
    """(literal, placeholder or None) pairs; raises TemplateError for anything but `{name}`."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        raise TemplateError("malformed") from None
    parts = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (not name.isidentifier() or spec or conversion):
            raise TemplateError("complex", [f"{{{name}}}"])
        parts.append((literal, name))
    return parts


def placeholders(text: str) -> list[str]:
    """The placeholder names used in `text`, in order of first use."""
    return list(dict.fromkeys(name for _literal, name in _parts(text) if name is not None))


def check_template(text: str, allowed: Iterable[str], *, single_line: bool = False) -> None:
    """Raise TemplateError unless `text` only uses placeholders from `allowed`."""
    if single_line and ("\r" in text or "\n" in text):
        raise TemplateError("line_break")
    unknown = [name for name in placeholders(text) if name not in set(allowed)]
    if unknown:
        raise TemplateError("unknown", unknown)


def plain_values(context: Mapping[str, object]) -> dict[str, str]:
    """Every value as text; lists become one line each."""
    values = {}
    for name, value in context.items():
        if isinstance(value, list | tuple):
            value = "\n".join(str(line) for line in value)
        values[name] = "" if value is None else str(value)
    return values


def _fill(text: str, values: Mapping[str, str], convert) -> str:
    parts = _parts(text)
    missing = [name for _lit, name in parts if name is not None and name not in values]
    if missing:
        raise TemplateError("missing", missing)
    return "".join(convert(literal, None) + (convert(values[name], name) if name else "")
                   for literal, name in parts)


def render_text(text: str, values: Mapping[str, str]) -> str:
    """The plain-text body with the values filled in."""
    return _fill(text, values, lambda piece, _name: piece)


def render_subject(text: str, values: Mapping[str, str]) -> str:
    """The subject: values flattened to one line, so no value can start a new header."""
    flat = {name: " ".join(value.split()) for name, value in values.items()}
    return " ".join(_fill(text, flat, lambda piece, _name: piece).split())


def _html_piece(piece: str, name: str | None) -> str:
    if name in LINK_PLACEHOLDERS and piece.startswith(("https://", "http://")):
        return str(Markup('<a href="{0}">{0}</a>').format(piece))
    return str(escape(piece))


def render_html(text: str, values: Mapping[str, str]) -> Markup:
    """The HTML body (paragraphs, line breaks, links); every value and literal escaped."""
    filled = _fill(text.replace("\r\n", "\n"), values, _html_piece).replace("\r\n", "\n")
    paragraphs = [p.strip("\n") for p in filled.split("\n\n") if p.strip()]
    return Markup("\n".join(f"<p>{p.replace(chr(10), '<br>' + chr(10))}</p>"
                            for p in paragraphs))


def html_document(fragment: Markup, subject: str, locale: str) -> str:
    """A complete HTML mail around `fragment`."""
    return str(Markup(
        '<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
        '</head>\n<body>\n{body}\n</body></html>\n'
    ).format(lang=locale, title=subject, body=fragment))


def format_day(day: date | None, locale: str) -> str:
    """A date as words in the recipient's language, e.g. "9. mars 2026"."""
    return format_date(day, "long", locale="en" if locale == "en" else "nb") if day else ""
