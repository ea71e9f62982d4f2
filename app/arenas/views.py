"""Arena register pages (council office): the list, the form, archiving and each arena's page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from app import audit
from app.arenas import importing
from app.arenas import operations as ops
from app.arenas.exporting import FORMATS, MIMETYPES, export_register
from app.arenas.forms import (
    FIELD_LABELS,
    ArenaCreateForm,
    ArenaFilterForm,
    ArenaForm,
    arena_form_data,
)
from app.arenas.register import register_cells, register_rows
from app.clock import today
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, Cycle, Portfolio
from workflows.roles import Role

bp = Blueprint("arenas", __name__, url_prefix="/arenas")

ACTION_LABELS = {
    "arena_created": _l("Registrert"),
    "arena_updated": _l("Endret"),
    "arena_archived": _l("Arkivert"),
    "arena_unarchived": _l("Hentet fram fra arkivet"),
}


def require_office() -> None:
    """403 unless the current user works in the council office."""
    if not current_user.has_role(Role.COUNCIL_OFFICE):
        abort(403)


def load_arena(arena_id: int) -> Arena:
    """The arena for the council office; 403 for others (before any existence check), 404."""
    require_office()
    return db.session.get(Arena, arena_id) or abort(404)


def all_portfolios() -> list[Portfolio]:
    return list(db.session.scalars(db.select(Portfolio).order_by(Portfolio.code)))


def portfolio_choices(arena: Arena | None = None) -> list[Portfolio]:
    """Active portfolios, plus any archived one the arena still belongs to."""
    keep = arena.portfolio_ids if arena else frozenset()
    return [p for p in all_portfolios() if not p.is_archived or p.id in keep]


@bp.get("/")
@login_required
def index():
    """The register, filtered by GET parameters."""
    require_office()
    portfolios = all_portfolios()
    form = ArenaFilterForm(request.args, portfolios=portfolios)
    if not form.validate():
        abort(400)
    rows = register_rows(form.show.data, form.portfolio.data, portfolios)
    return render_template("arenas/index.html", rows=register_cells(rows, portfolios),
                           form=form)


@bp.get("/<int:arena_id>")
@login_required
def detail(arena_id: int):
    """One arena's facts, its assessments year by year, and its change log."""
    arena = load_arena(arena_id)
    assessments = db.session.scalars(
        db.select(Assessment).join(Assessment.cycle).where(Assessment.arena_id == arena.id)
        .order_by(Cycle.year.desc())
    ).all()
    return render_template("arenas/detail.html", arena=arena, assessments=assessments,
                           trail=audit.trail("arena", arena.id), field_labels=FIELD_LABELS,
                           action_labels=ACTION_LABELS)


def render_form(form: ArenaForm, arena: Arena | None = None, status: int = 200):
    return render_template("arenas/form.html", form=form, arena=arena), status


def refused(form: ArenaForm, error: ValidationFailed, arena: Arena | None = None):
    """Nothing saved: the form again, with the operation's reasons next to the fields."""
    db.session.rollback()
    form.add_errors(error.errors)
    return render_form(form, arena, status=400)


@bp.get("/new")
@login_required
def new():
    """The empty form for a new arena."""
    require_office()
    return render_form(ArenaCreateForm(portfolios=portfolio_choices()))


@bp.post("/new")
@login_required
def create():
    """Register a new arena."""
    require_office()
    form = ArenaCreateForm(portfolios=portfolio_choices())
    if not form.validate_on_submit():
        return render_form(form, status=400)
    try:
        arena = ops.create_arena(current_user, form.to_input(), ArenaStatus(form.status.data))
    except ValidationFailed as error:
        return refused(form, error)
    db.session.commit()
    flash(_("Arenaen «%(name)s» er registrert.", name=arena.name), "success")
    return redirect(url_for(".detail", arena_id=arena.id))


@bp.get("/<int:arena_id>/edit")
@login_required
def edit(arena_id: int):
    """The form with the arena's current facts."""
    arena = load_arena(arena_id)
    form = ArenaForm(portfolios=portfolio_choices(arena), data=arena_form_data(arena))
    return render_form(form, arena)


@bp.post("/<int:arena_id>/edit")
@login_required
def update(arena_id: int):
    """Save changes to an arena's facts (its status changes only through decisions)."""
    arena = load_arena(arena_id)
    form = ArenaForm(portfolios=portfolio_choices(arena))
    if not form.validate_on_submit():
        return render_form(form, arena, status=400)
    try:
        changes = ops.update_arena(current_user, arena, form.to_input())
    except ValidationFailed as error:
        return refused(form, error, arena)
    db.session.commit()
    flash(_("Endringene er lagret.") if changes else _("Ingen endringer å lagre."),
          "success" if changes else "info")
    return redirect(url_for(".detail", arena_id=arena.id))


@bp.post("/<int:arena_id>/archive")
@login_required
def archive(arena_id: int):
    """Take the arena out of the active register."""
    arena = load_arena(arena_id)
    ops.archive_arena(current_user, arena)
    db.session.commit()
    flash(_("Arenaen er arkivert."), "success")
    return redirect(url_for(".detail", arena_id=arena.id))


@bp.post("/<int:arena_id>/unarchive")
@login_required
def unarchive(arena_id: int):
    """Bring the arena back into the active register."""
    arena = load_arena(arena_id)
    ops.unarchive_arena(current_user, arena)
    db.session.commit()
    flash(_("Arenaen er hentet fram fra arkivet."), "success")
    return redirect(url_for(".detail", arena_id=arena.id))


# --------------------------------------------------------------------------- import and export

# The file plus the form around it; a larger body is refused (413) before it is read.
UPLOAD_MAX_BYTES = importing.MAX_BYTES + 64 * 1024


class ArenaImportForm(FlaskForm):
    """The register file to import (.csv, .xlsx or .yaml)."""

    file = FileField(_l("Fil med arenaer"), validators=[FileRequired(_l("Velg en fil."))])


@bp.url_value_preprocessor
def limit_upload(endpoint: str | None, _values) -> None:
    """Cap the upload's size; this runs before the CSRF check reads the request body."""
    if endpoint == "arenas.upload":
        request.max_content_length = UPLOAD_MAX_BYTES


def render_import(form: ArenaImportForm, problems=(), status: int = 200):
    """The import page: the form, any problems of a refused file, and the last import."""
    return render_template("arenas/import.html", form=form, problems=problems,
                           last=importing.last_import(), field_labels=FIELD_LABELS,
                           max_mb=importing.MAX_BYTES // 2**20), status


@bp.get("/import")
@login_required
def import_page():
    """Upload a register file, or download the register."""
    require_office()
    return render_import(ArenaImportForm())


@bp.post("/import")
@login_required
def upload():
    """Import an uploaded register file, all or nothing: any bad row and nothing is saved."""
    require_office()
    form = ArenaImportForm()
    if not form.validate_on_submit():
        return render_import(form, status=400)
    sent = form.file.data
    try:
        report = importing.import_arenas(current_user, sent.filename or "",
                                         sent.read(importing.MAX_BYTES + 1))
    except importing.ImportRefused as refused:
        db.session.rollback()
        return render_import(form, refused.problems, status=400)
    db.session.commit()
    flash(report.summary(), "success" if report.changed else "info")
    return redirect(url_for(".import_page"))


@bp.get("/export")
@login_required
def download():
    """The whole register as a file: ?format=csv (default), xlsx or yaml."""
    require_office()
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        abort(400)
    name = f"arenaregister-{today().isoformat()}.{fmt}"
    return Response(export_register(fmt), content_type=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
