"""RFC 9457 problem details: every refusal of the API is JSON of one stable shape.

`type` (a stable URN), `title` and `detail` (in the request's language), `status`, and for
field errors `errors` (field → message). Never HTML, never a trace.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request
from flask_babel import gettext as _

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:samarbeidsarenaer:problem:"

# status → (type slug, title); titles are looked up when answering, in the request's language.
KINDS = {
    400: ("bad-request", lambda: _("Ugyldig forespørsel")),
    401: ("unauthorized", lambda: _("Mangler gyldig API-nøkkel")),
    403: ("forbidden", lambda: _("Ingen tilgang")),
    404: ("not-found", lambda: _("Finnes ikke")),
    405: ("method-not-allowed", lambda: _("Metoden er ikke tillatt")),
    406: ("not-acceptable", lambda: _("Formatet kan ikke leveres")),
    409: ("conflict", lambda: _("Ikke mulig nå")),
    413: ("too-large", lambda: _("For stor forespørsel")),
    415: ("unsupported-media-type", lambda: _("Innholdet må være JSON")),
    422: ("validation-error", lambda: _("Ugyldige data")),
    429: ("too-many-requests", lambda: _("For mange forespørsler")),
    500: ("internal-error", lambda: _("Noe gikk galt hos oss")),
}


def problem(status: int, detail: str = "", *, kind: str | None = None,
            errors: dict[str, str] | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> Response:
    """A problem+json response; `kind` overrides the type slug of the status."""
    slug, title = KINDS.get(status, KINDS[500 if status >= 500 else 400])
    body: dict[str, Any] = {"type": TYPE_PREFIX + (kind or slug), "title": title(),
                            "status": status, "detail": detail or title()}
    if errors is not None:
        body["errors"] = {name: str(message) for name, message in errors.items()}
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers["Content-Language"] = _language()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _language() -> str:
    from app.templating import locale_code

    return locale_code()


def unauthorized(detail: str) -> Response:
    """401 with the challenge RFC 6750 asks for."""
    return problem(401, detail, headers={
        "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})


def http_problem(status: int, detail: str = "") -> Response:
    """A problem for a status the app's error pages produced (routing 404/405, 500 ...)."""
    headers = {}
    if status == 405:
        headers["Allow"] = ", ".join(sorted(_allowed_methods()))
    if status == 401:
        return unauthorized(detail)
    return problem(status, detail, headers=headers)


def _allowed_methods() -> list[str]:
    return current_app.url_map.bind_to_environ(request.environ).allowed_methods()
