"""How the API refuses: ApiError for its own checks, and the handlers that turn every error
raised in an API view (the operations' too) into problem details."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.api.problems import http_problem, problem, unauthorized
from app.errors import ConflictError, IncompleteError, NotPermitted, ValidationFailed
from app.extensions import db
from workflows.engine import TransitionNotAllowed


class ApiError(Exception):
    """A refusal with a status, an optional detail and optional field errors."""

    def __init__(self, status: int, detail: str = "", errors: dict[str, str] | None = None):
        self.status = status
        self.detail = detail
        self.errors = errors
        super().__init__(f"{status}: {detail or errors}")


# Messages for the codes operations put in ValidationFailed (others are already sentences).
CODE_MESSAGES = {
    "required": lambda: _("Feltet må fylles ut."),
    "invalid": lambda: _("Ugyldig verdi."),
    "taken": lambda: _("Verdien er allerede i bruk."),
    "unknown": lambda: _("Finnes ikke."),
    "negative": lambda: _("Kan ikke være negativt."),
    "out_of_range": lambda: _("Verdien er utenfor det tillatte området."),
    "unknown criterion": lambda: _("Ukjent kriterium i denne gjennomgangen."),
    "too_long": lambda: _("Teksten er for lang."),
}


def field_message(message: str) -> str:
    """The message for an operation's error code, or the message itself."""
    lookup = CODE_MESSAGES.get(message)
    return lookup() if lookup else message


def refused(error: ApiError):
    """The problem response for an ApiError."""
    db.session.rollback()
    if error.status == 401:
        return unauthorized(error.detail or _("Send en API-nøkkel: «Authorization: Bearer …»."))
    return problem(error.status, error.detail, errors=error.errors)


def not_allowed(error: TransitionNotAllowed):
    """403 when the user may never take it, 422 when data is missing, else 409."""
    db.session.rollback()
    if isinstance(error, IncompleteError):
        return problem(422, _("Noe mangler før dette kan gjøres."), kind="incomplete",
                       errors={"transition": "; ".join(error.reasons)},
                       reasons=error.reasons)
    if error.forbidden:
        return problem(403, _("Brukeren kan ikke gjøre dette."), reasons=error.reasons)
    return problem(409, _("Dette er ikke mulig i tilstanden saken er i nå."),
                   kind="not-allowed-now", reasons=error.reasons)


def stale(error: ConflictError | StaleDataError):
    """409: someone else saved first."""
    db.session.rollback()
    extra = {"current_version": error.current_version} if isinstance(error, ConflictError) \
        else {}
    return problem(409, _("Noen andre har lagret endringer i mellomtiden. Hent den nyeste "
                          "versjonen og prøv igjen."), kind="stale-version", **extra)


def invalid(error: ValidationFailed):
    """422 with the operation's reasons per field."""
    db.session.rollback()
    return problem(422, errors={k: field_message(v) for k, v in error.errors.items()})


def forbidden(_error: NotPermitted):
    """403: the operation refused the user."""
    db.session.rollback()
    return problem(403, _("Brukeren kan ikke gjøre dette."))


def http_error(error: HTTPException):
    """An HTTP error raised in a view (abort) as a problem."""
    db.session.rollback()
    return http_problem(error.code or 500)


def unexpected(error: Exception):
    """500, logged; the answer says nothing of the cause."""
    current_app.logger.exception("unhandled API error", exc_info=error)
    db.session.rollback()
    return problem(500)


def register_error_handlers(blueprint: Blueprint) -> None:
    """Every error raised in an API view answers as problem+json."""
    blueprint.register_error_handler(ApiError, refused)
    blueprint.register_error_handler(TransitionNotAllowed, not_allowed)
    blueprint.register_error_handler(ConflictError, stale)
    blueprint.register_error_handler(StaleDataError, stale)
    blueprint.register_error_handler(ValidationFailed, invalid)
    blueprint.register_error_handler(NotPermitted, forbidden)
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(Exception, unexpected)
