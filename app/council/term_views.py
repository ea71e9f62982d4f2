"""Council terms, party groups and members (council secretaries), with the CSV import."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.council import queries
from app.council import term_operations as ops
from app.council.blueprint import bp, get_or_404, refused, require_secretary, show_errors
from app.council.forms import MemberForm, MemberImportForm, PartyGroupForm, TermForm
from app.council.member_import import decode
from app.errors import ValidationFailed
from app.extensions import db
from app.models.council import CouncilTerm


@bp.get("/terms")
@login_required
def terms():
    """Every council term, and the form for a new one."""
    require_secretary()
    terms = queries.terms()
    return render_template("council/terms.html", terms=terms, form=TermForm(terms=terms))


@bp.post("/terms")
@login_required
def create_term():
    """Register a council term."""
    require_secretary()
    form = TermForm(terms=queries.terms())
    if not form.validate_on_submit():
        return render_template("council/terms.html", terms=queries.terms(), form=form), 400
    try:
        term = ops.create_term(current_user, form.name.data, form.starts_on.data,
                               form.ends_on.data, form.seats.data)
        previous = db.session.get(CouncilTerm, int(form.copy_from.data or 0))
        copied = ops.copy_term_members(current_user, term, previous) if previous else None
    except ValidationFailed as error:
        return refused("council/terms.html", form, error.errors, terms=queries.terms())
    db.session.commit()
    flash(_("Perioden er registrert.") if copied is None else ngettext(
        "Perioden er registrert med %(num)s medlem fra forrige periode. Rett det som er endret.",
        "Perioden er registrert med %(num)s medlemmer fra forrige periode. Rett det som er "
        "endret.", copied), "success")
    return redirect(url_for(".term", term_id=term.id))


def render_term(term: CouncilTerm, status: int = 200, **forms):
    """The term page with its three forms (those passed in carry errors)."""
    context = {"party_form": forms.get("party_form") or PartyGroupForm(),
               "member_form": forms.get("member_form") or MemberForm(term=term),
               "import_form": forms.get("import_form") or MemberImportForm(),
               "import_errors": forms.get("import_errors") or []}
    return render_template("council/term.html", term=term, **context), status


def load_term(term_id: int) -> CouncilTerm:
    """The term for a secretary (403 before 404)."""
    require_secretary()
    return get_or_404(CouncilTerm, term_id)


@bp.get("/terms/<int:term_id>")
@login_required
def term(term_id: int):
    """One term: party groups and members in seat order."""
    return render_term(load_term(term_id))


@bp.post("/terms/<int:term_id>/parties")
@login_required
def add_party(term_id: int):
    """Add a party group to the term."""
    term = load_term(term_id)
    form = PartyGroupForm()
    if not form.validate_on_submit():
        return render_term(term, 400, party_form=form)
    try:
        ops.add_party_group(current_user, term, form.name.data)
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_term(load_term(term_id), 400, party_form=form)
    db.session.commit()
    flash(_("Partigruppen er registrert."), "success")
    return redirect(url_for(".term", term_id=term_id))


@bp.post("/terms/<int:term_id>/members")
@login_required
def add_member(term_id: int):
    """Add one member to the term."""
    term = load_term(term_id)
    form = MemberForm(term=term)
    if not form.validate_on_submit():
        return render_term(term, 400, member_form=form)
    try:
        ops.add_member(current_user, term, form.name.data, form.party_group.data,
                       form.seat.data)
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_term(load_term(term_id), 400, member_form=form)
    db.session.commit()
    flash(_("Medlemmet er registrert."), "success")
    return redirect(url_for(".term", term_id=term_id))


@bp.post("/terms/<int:term_id>/import")
@login_required
def import_members(term_id: int):
    """Import members from CSV: all or nothing, bad lines reported with their numbers."""
    term = load_term(term_id)
    form = MemberImportForm()
    if not form.validate_on_submit():
        return render_term(term, 400, import_form=form)
    try:
        result = ops.import_members(current_user, term, decode(form.file.data.read()))
    except ValidationFailed as error:
        db.session.rollback()
        return render_term(load_term(term_id), 400, import_form=form,
                           import_errors=list(error.errors.values()))
    db.session.commit()
    flash(ngettext("%(num)s medlem er importert.", "%(num)s medlemmer er importert.",
                   result.members), "success")
    return redirect(url_for(".term", term_id=term_id))
