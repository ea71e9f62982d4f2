"""Home page routing by role, and the language switch."""

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from workflows.roles import Role

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """A local path to go to after a form, never another site (no open redirect)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable()):  # a newline can not go in the Location header
        return target
    return fallback


@bp.get("/")
def index():
    """Send each person to the page they most likely came for."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    from app.cycles.progress import running_cycle_year  # app.cycles imports this module

    if current_user.has_role(Role.COUNCIL_OFFICE) and (year := running_cycle_year()):
        return redirect(url_for("cycles.dashboard", year=year))  # the office's work of the day
    if current_user.has_role(Role.COUNCIL_SECRETARY) and not current_user.has_role(
            Role.COUNCIL_OFFICE):  # the secretary's day is the current case
        return redirect(url_for("council.current_case"))
    if current_user.has_role(Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY):
        return redirect(url_for("cycles.index"))
    if current_user.has_role(Role.COMMISSIONER):
        return redirect(url_for("assessments.sign_off_list"))
    if current_user.has_role(Role.CONTACT):
        return redirect(url_for("assessments.mine"))
    if current_user.has_role(Role.ADMIN):
        return redirect(url_for("admin.users"))
    return redirect(url_for("assessments.mine"))


@bp.post("/language")
def set_language():
    """Switch between Norwegian and English for this session."""
    locale = request.form.get("locale")
    if locale in ("nb", "en"):
        session["locale"] = locale
    return redirect(safe_next(request.form.get("next"), url_for("main.index")))
