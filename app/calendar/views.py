"""The feed itself: GET /calendar/<token>.ics, no login (calendar programs cannot log in)."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_babel import force_locale
from flask_babel import gettext as _

from app.calendar.events import events_for
from app.calendar.ics import render_calendar
from app.calendar.tokens import find_active
from app.clock import now
from app.templating import organisation

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/<token>.ics")
def feed(token: str):
    """The token owner's deadlines and council meetings; 404 for unknown or revoked tokens."""
    record = find_active(token)
    if record is None or not record.user.is_active:
        abort(404)
    user = record.user
    with force_locale(user.locale):
        name = _("Samarbeidsarenaer – %(name)s", name=organisation().name)
        body = render_calendar(events_for(user), name, now())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="samarbeidsarenaer.ics"',
        "Cache-Control": "private, no-store",
    })
