"""The accessibility statement (tilgjengelighetserklæring) and the health check; no login."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from app.observability import health_report

bp = Blueprint("about", __name__)


@bp.get("/tilgjengelighet")
def accessibility():
    """The accessibility statement: how the service meets WCAG 2.1 AA and whom to tell."""
    return render_template("about/accessibility.html",
                           contact=current_app.config["ACCESSIBILITY_CONTACT"])


@bp.get("/healthz")
def healthz():
    """For monitoring: JSON, 200 when the database answers (with the scheduler's last tick),
    503 when it does not."""
    report, status = health_report()
    response = jsonify(report)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
