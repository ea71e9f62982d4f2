"""What the council secretary records on an item: proposals, votes, the decision and its
corrections. Every view: load or 404, 403, validate, one operation, commit, redirect."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.council import operations as ops
from app.council.blueprint import bp, get_or_404, item_or_404, require_secretary, show_errors
from app.council.forms import DecisionCorrectionForm, DecisionForm
from app.council.pages import vote_view
from app.council.views import proposal_form, render_item
from app.council.vote_forms import vote_form_class, vote_form_data, vote_input_from
from app.errors import ConflictError, ValidationFailed
from app.extensions import db
from app.models.council import Proposal
from workflows.votes import Result


@bp.post("/items/<int:item_id>/proposals")
@login_required
def add_proposal(item_id: int):
    """Add the innstilling or an alternative proposal."""
    item = item_or_404(item_id)
    require_secretary()
    form = proposal_form(item)
    if not form.validate_on_submit():
        return render_item(item, 400, proposal_form=form)
    try:
        ops.add_proposal(current_user, item, form.to_input())
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_item(item_or_404(item_id), 400, proposal_form=form)
    db.session.commit()
    flash(_("Forslaget er registrert."), "success")
    return redirect(url_for(".item", item_id=item_id))


@bp.post("/items/<int:item_id>/decision")
@login_required
def record_decision(item_id: int):
    """Record the council's decision: the assessment is decided and the arena follows."""
    item = item_or_404(item_id)
    require_secretary()
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_item(item, 400, decision_form=form)
    try:
        ops.record_council_decision(current_user, item, form.to_input())
        db.session.commit()
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_item(item_or_404(item_id), 400, decision_form=form)
    except (IntegrityError, StaleDataError):  # recorded by someone else at the same time
        db.session.rollback()
        raise ConflictError(0, 0) from None
    flash(_("Vedtaket er registrert."), "success")
    return redirect(url_for(".item", item_id=item_id))


@bp.post("/items/<int:item_id>/decision/correction")
@login_required
def correct_decision(item_id: int):
    """Correct a recorded decision; the original is kept and shown."""
    item = item_or_404(item_id)
    require_secretary()
    form = DecisionCorrectionForm()
    if not form.validate_on_submit():
        return render_item(item, 400, correction_form=form)
    try:
        ops.correct_council_decision(current_user, item, form.to_input(), form.reason.data)
        db.session.commit()
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_item(item_or_404(item_id), 400, correction_form=form)
    except (IntegrityError, StaleDataError):  # corrected by someone else at the same time
        db.session.rollback()
        raise ConflictError(0, 0) from None
    flash(_("Vedtaket er rettet. Det opprinnelige vedtaket er tatt vare på."), "success")
    return redirect(url_for(".item", item_id=item_id))


def render_vote(proposal: Proposal, form, status: int = 200):
    """The vote page, with the current vote when there is one."""
    item = proposal.item
    current = vote_view(proposal.vote, item.case.term.seats) if proposal.vote else None
    return render_template("council/vote.html", proposal=proposal, item=item, case=item.case,
                           term=item.case.term, form=form, current=current,
                           title=ops.proposal_title(proposal)), status


def load_proposal(proposal_id: int) -> Proposal:
    """The proposal for a secretary (403 before 404)."""
    require_secretary()
    return get_or_404(Proposal, proposal_id)


@bp.get("/proposals/<int:proposal_id>/vote")
@login_required
def vote(proposal_id: int):
    """The vote form: totals, per party group and per member (pre-filled when correcting)."""
    proposal = load_proposal(proposal_id)
    form_class = vote_form_class(proposal.item.case.term)
    return render_vote(proposal, form_class(data=vote_form_data(proposal.vote)))


@bp.post("/proposals/<int:proposal_id>/vote")
@login_required
def record_vote(proposal_id: int):
    """Record the vote (or a correction); inconsistent counts are refused, nothing saved."""
    proposal = load_proposal(proposal_id)
    term = proposal.item.case.term
    form = vote_form_class(term)()
    if not form.validate_on_submit():
        return render_vote(proposal, form, 400)
    try:
        vote = ops.record_vote(current_user, proposal, vote_input_from(form, term),
                               Result(form.entered_result.data), form.reason.data or "")
        db.session.commit()
    except ValidationFailed as error:
        show_errors(form, error.errors)
        return render_vote(get_or_404(Proposal, proposal_id), form, 400)
    except IntegrityError:  # someone recorded a vote on this proposal at the same time
        db.session.rollback()
        raise ConflictError(0, 0) from None
    if vote.mismatch:
        flash(_("Stemmegivningen er lagret, men resultatet du registrerte stemmer ikke med "
                "flertallsregelen. Rett det før vedtaket registreres."), "warning")
    else:
        flash(_("Stemmegivningen er registrert."), "success")
    return redirect(url_for(".item", item_id=proposal.item_id))
