"""Council case pages: cases, their items, proposals, votes and decisions (secretaries record,
the council office reads)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.council import operations as ops
from app.council import pages, queries
from app.council.blueprint import (
    bp,
    get_or_404,
    item_or_404,
    refused,
    require_secretary,
    require_viewer,
    show_errors,
)
from app.council.forms import (
    CaseForm,
    DecisionCorrectionForm,
    DecisionForm,
    ItemsForm,
    ProposalForm,
)
from app.council.messages import problem_message
from app.council.minutes import MEDIA_TYPE, write_minutes
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Cycle
from app.models.council import CouncilCase, ProposalKind
from workflows.roles import Role


@bp.get("/")
@login_required
def index():
    """Council cases, newest first, and where to go next."""
    require_viewer()
    cycles = db.session.scalars(db.select(Cycle).order_by(Cycle.year.desc())).all()
    return render_template("council/index.html", cases=queries.cases(), cycles=cycles)


def case_form(**kwargs) -> CaseForm:
    """The case form with every cycle and term to choose from."""
    cycles = db.session.scalars(db.select(Cycle).order_by(Cycle.year.desc())).all()
    return CaseForm(cycles=cycles, terms=queries.terms(), **kwargs)


@bp.get("/cases/new")
@login_required
def new_case():
    """The form for a new council case."""
    require_secretary()
    form = case_form()
    if form.cycle.choices and not form.is_submitted():
        cycle = db.session.get(Cycle, form.cycle.choices[0].value)
        form.meeting_date.data = cycle.council_meeting_date
    return render_template("council/case_form.html", form=form)


@bp.post("/cases/new")
@login_required
def create_case():
    """Register a council case."""
    require_secretary()
    form = case_form()
    if not form.validate_on_submit():
        return render_template("council/case_form.html", form=form), 400
    try:
        case = ops.create_case(current_user, form.to_input())
    except ValidationFailed as error:
        return refused("council/case_form.html", form, error.errors)
    db.session.commit()
    flash(_("Saken %(number)s er registrert.", number=case.case_number), "success")
    return redirect(url_for(".case", case_id=case.id))


def render_case(case: CouncilCase, form: ItemsForm | None = None, status: int = 200):
    """The case page; secretaries get the form to add items."""
    if form is None and current_user.has_role(Role.COUNCIL_SECRETARY):
        form = ItemsForm(candidates=queries.candidates_for(case))
    return render_template("council/case.html", case=case, form=form), status


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int):
    """One case: its items and the arenas that can still be added."""
    require_viewer()
    return render_case(queries.load_case(case_id) or abort(404))


@bp.get("/cases/<int:case_id>/minutes.docx")
@login_required
def minutes(case_id: int):
    """The case's items, proposals, votes and decisions as DOCX for the meeting minutes."""
    require_viewer()
    found = queries.load_case_minutes(case_id) or abort(404)
    stream = io.BytesIO()
    write_minutes(found, stream)
    stream.seek(0)
    return send_file(stream, mimetype=MEDIA_TYPE, as_attachment=True,
                     download_name=f"moteprotokoll-sak-{found.case_number.replace('/', '-')}.docx")


@bp.post("/cases/<int:case_id>/items")
@login_required
def add_items(case_id: int):
    """Put routed assessments on the case."""
    require_secretary()
    case = get_or_404(CouncilCase, case_id)
    form = ItemsForm(candidates=queries.candidates_for(case))
    if not form.validate_on_submit():
        return render_case(case, form, 400)
    try:
        items = ops.add_case_items(current_user, case, form.assessments.data)
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_case(db.session.get(CouncilCase, case_id), form, 400)
    db.session.commit()
    flash(ngettext("%(num)s arena er lagt til i saken.", "%(num)s arenaer er lagt til i saken.",
                   len(items)), "success")
    return redirect(url_for(".case", case_id=case_id))


def proposal_form(item, **kwargs) -> ProposalForm:
    """The proposal form, pre-filled with the recommendation when there is no innstilling."""
    form = ProposalForm(term=item.case.term, **kwargs)
    if not form.is_submitted():
        first = not item.proposals
        form.kind.data = (ProposalKind.RECOMMENDATION if first else ProposalKind.ALTERNATIVE).value
        recommendation = item.assessment.recommendation
        form.outcome.data = recommendation.value if first and recommendation else None
        form.text.data = pages.proposal_text(item.assessment) if first else ""
    return form


def decision_form(item, ready: pages.DecisionReadiness) -> DecisionForm:
    """The decision form, pre-filled from the adopted proposal and the meeting date."""
    form = DecisionForm()
    if ready.options:  # only what the votes allow; "no change" alone when every proposal fell
        form.outcome.choices = [c for c in form.outcome.choices if c.value in ready.options]
    if not form.is_submitted():
        form.outcome.data, form.text.data = ready.outcome, ready.text
        form.effective_date.data = item.case.meeting_date
    return form


def correction_form(item) -> DecisionCorrectionForm:
    """The correction form, pre-filled with the current decision."""
    form = DecisionCorrectionForm()
    if not form.is_submitted() and item.decision:
        decision = item.decision
        form.outcome.data, form.text.data = decision.outcome.value, decision.text
        form.effective_date.data = decision.effective_date
    return form


def render_item(item, status: int = 200, **forms):
    """The item page; forms passed in (with errors) replace the fresh ones."""
    ready = pages.readiness(item)
    names = ops.name_map(item)
    context = {
        "proposal_form": forms.get("proposal_form") or proposal_form(item),
        "decision_form": forms.get("decision_form") or decision_form(item, ready),
        "correction_form": forms.get("correction_form") or correction_form(item),
    }
    return render_template(
        "council/item.html", item=item, case=item.case, a=item.assessment,
        proposals=pages.proposal_views(item), ready=ready,
        blockers=[problem_message(p, names) for p in ready.problems],
        follows_votes=pages.decision_follows_votes(item), **context), status


@bp.get("/items/<int:item_id>")
@login_required
def item(item_id: int):
    """One arena in a case: proposals, votes, decision and corrections."""
    return render_item(item_or_404(item_id))
