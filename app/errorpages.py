"""Error pages: every refusal gets a clear message in the user's language, never a trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from app.database import read_only_transactions
from app.errors import ConflictError, NotPermitted
from app.extensions import db
from app.storage_faults import DISK_FULL, storage_fault, submitted_texts
from workflows.engine import TransitionNotAllowed

MESSAGES = {
    400: lambda: _("Forespørselen kunne ikke behandles."),
    403: lambda: _("Du har ikke tilgang til denne siden eller handlingen."),
    404: lambda: _("Siden finnes ikke."),
    405: lambda: _("Denne handlingen er ikke tillatt her."),
    409: lambda: _("Handlingen er ikke mulig i den tilstanden saken er i nå."),
    413: lambda: _("Filen eller skjemaet er for stort."),
    429: lambda: _("For mange forsøk. Vent litt og prøv igjen."),
    500: lambda: _("Noe gikk galt hos oss. Prøv igjen senere."),
}
TITLES = {
    400: lambda: _("Ugyldig forespørsel"),
    403: lambda: _("Ingen tilgang"),
    404: lambda: _("Fant ikke siden"),
    405: lambda: _("Ikke tillatt"),
    409: lambda: _("Ikke mulig nå"),
    413: lambda: _("For stort"),
    429: lambda: _("For mange forsøk"),
    500: lambda: _("Feil"),
}


def render_error(status: int, message: str | None = None):
    """An HTML error page (or JSON for the API) with the given status."""
    db.session.rollback()  # a refused request leaves the database as it was
    text = message or MESSAGES.get(status, MESSAGES[400])()
    title = TITLES.get(status, TITLES[400])()
    if request.path.startswith("/api/"):  # routing 404/405 and the like: problem+json
        from app.api.problems import http_problem

        return http_problem(status, message or "")
    return render_template("errors/error.html", status=status, title=title, message=text), status


def not_saved_reason(kind: str) -> str:
    """Why nothing could be saved, in plain words."""
    if kind == DISK_FULL:
        return _("Lagringsplassen til tjenesten er full, så databasen kan ikke ta imot noe nytt.")
    return _("Databasen til tjenesten kan bare leses akkurat nå, så ingen endringer kan lagres.")


def render_not_saved(kind: str):
    """503: the change was not saved, why, and what the user typed."""
    db.session.rollback()
    with read_only_transactions():  # the answer only reads: on SQLite, take no write lock
        reason = not_saved_reason(kind)
        if request.path.startswith("/api/"):
            from app.api.problems import http_problem

            return http_problem(503, reason)
        page = render_template("errors/not_saved.html", reason=reason,
                               texts=submitted_texts(request.form))
    return page, 503, {"Retry-After": "300"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        kind = storage_fault(error)
        app.logger.exception("database error (%s)", kind or "unexpected", exc_info=error)
        return render_not_saved(kind) if kind else render_error(500)

    @app.errorhandler(TransitionNotAllowed)
    def transition_not_allowed(error: TransitionNotAllowed):
        return render_error(403 if error.forbidden else 409)

    @app.errorhandler(NotPermitted)
    def not_permitted(_error):
        return render_error(403)

    @app.errorhandler(ConflictError)
    def conflict(_error):
        return render_error(409, _("Noen andre har lagret endringer i mellomtiden."))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400, _("Skjemaet var utløpt eller mangler sikkerhetsnøkkel. Last siden på nytt.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(500)
