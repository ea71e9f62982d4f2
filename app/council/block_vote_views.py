"""The block vote page: one vote on the innstilling of several items of a case, and where a
secretary lands after signing in (the current case)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from app.council import block_votes, queries
from app.council.blueprint import bp, require_secretary, show_errors
from app.council.vote_forms import block_vote_form_class, vote_input_from
from app.errors import ConflictError, ValidationFailed
from app.extensions import db
from app.models.council import CouncilCase
from workflows.engine import TransitionNotAllowed
from workflows.votes import Result


def block_form(case: CouncilCase):
    """The form, offering the items whose innstilling has no vote yet."""
    form = block_vote_form_class(case.term)()
    form.items.choices = [SelectChoice(i.id, i.assessment.arena.name) for i in case.items
                          if block_votes.can_join_block(i)]
    return form


def render_block(case: CouncilCase, form, status: int = 200):
    """The page, with the items that can not join and why."""
    waiting = [i for i in case.items if not block_votes.can_join_block(i)]
    return render_template("council/block_vote.html", case=case, term=case.term, form=form,
                           waiting=waiting, innstilling=block_votes.innstilling), status


def refused(case_id: int, form, errors: dict[str, str], status: int):
    """Nothing saved: the page again at its own address, the reasons next to the fields."""
    show_errors(form, errors)
    return render_block(load_case(case_id), form, status)


def load_case(case_id: int) -> CouncilCase:
    """The case for a secretary (403 before 404)."""
    require_secretary()
    return queries.load_case_votes(case_id) or abort(404)


@bp.get("/cases/<int:case_id>/block-vote")
@login_required
def block_vote(case_id: int):
    """The form for one vote on several items together."""
    return render_block(case := load_case(case_id), block_form(case))


@bp.post("/cases/<int:case_id>/block-vote")
@login_required
def record_block_vote(case_id: int):
    """Record the vote on each chosen item's innstilling; nothing saved when any is refused."""
    case = load_case(case_id)
    form = block_form(case)
    if not form.validate_on_submit():
        return render_block(case, form, 400)
    try:
        block = block_votes.record_block_vote(
            current_user, case, form.items.data, vote_input_from(form, case.term),
            Result(form.entered_result.data))
        db.session.commit()
    except ValidationFailed as error:
        return refused(case_id, form, error.errors, 400)
    except TransitionNotAllowed as error:  # an item already voted on, named in the reason
        return refused(case_id, form, {"items": " ".join(error.reasons)}, 409)
    except IntegrityError:  # someone recorded a vote on one of them at the same time
        db.session.rollback()
        raise ConflictError(0, 0) from None
    count = len(block.votes)
    flash(ngettext("Stemmegivningen er registrert for %(num)s arena.",
                   "Stemmegivningen er registrert for %(num)s arenaer.", count), "success")
    if any(v.mismatch for v in block.votes):
        flash(_("Resultatet du registrerte stemmer ikke med flertallsregelen for alle arenaene. "
                "Rett det på arenaen før vedtaket registreres."), "warning")
    return redirect(url_for(".case", case_id=case_id))


@bp.get("/current")
@login_required
def current_case():
    """The case of the open cycle's coming meeting (or the one just held), else the list."""
    require_secretary()
    case = queries.current_case()
    if case is None:
        return redirect(url_for(".index"))
    return redirect(url_for(".case", case_id=case.id))
