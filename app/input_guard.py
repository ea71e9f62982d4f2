"""Input no form can hold, refused before any view sees it: the NUL character.

PostgreSQL text can not store NUL (0x00): psycopg refuses the whole statement, which became a
500. Nobody types one, so a request to a page whose form, query string or file name has one
gets a 400 with a clear message instead, and nothing is done (the same on SQLite). The JSON
API checks its own input and answers with its own problem details (app/api/validation.py).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

from app.errorpages import render_error


def has_nul() -> bool:
    """True when a name or value of the query string or form, or a file name, has a NUL."""
    fields = request.values.items(multi=True)  # a multipart part may come without a name
    return (any("\x00" in f"{name}{value}" for name, value in fields)
            or any("\x00" in (sent.filename or "") for sent in request.files.values()))


def register_input_guard(app: Flask) -> None:
    """Refuse every request to a page with a NUL in its input (400, nothing done)."""

    @app.before_request
    def refuse_nul():
        if not request.path.startswith("/api/") and has_nul():
            return render_error(400, _("Skjemaet inneholder et tegn som ikke er tillatt (NUL). "
                                       "Fjern det og prøv igjen."))
        return None


LINE_BREAKS = ("\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def single_line(_form, field) -> None:
    """WTForms validator: a one-line field (a name, a title) refuses line breaks.

    A text input can not hold one, but a hand-made request can, and the name then breaks the
    lines of exports, e-mail subjects and document headings.
    """
    from wtforms.validators import ValidationError

    if isinstance(field.data, str) and any(mark in field.data for mark in LINE_BREAKS):
        raise ValidationError(_("Feltet kan bare inneholde én linje. Fjern linjeskiftet."))
