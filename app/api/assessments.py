"""Assessments: read what the user may see (404 otherwise, as the pages), save answers with
the version read, take workflow transitions and route approved ones, through the same
operations and workflow table as the pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.api import schemas, serializers
from app.api.answers import answer_input
from app.api.auth import actor
from app.api.blueprint import api
from app.api.errors import ApiError
from app.api.paging import PAGING, paginate
from app.api.registry import Param
from app.assessments import operations as ops
from app.assessments.queries import audit_trail
from app.council.routing import Route, route_assessment
from app.errors import ConflictError, IncompleteError
from app.extensions import db
from app.models import Arena, Assessment, Cycle, Portfolio, User, arena_portfolios
from workflows.assessment import (
    ASSESSMENT_WORKFLOW,
    AssessmentState,
    can_edit_answers,
    can_view,
)
from workflows.roles import Role

FILTERS = (
    Param("cycle", schemas.YEAR, "Only assessments of this cycle (its year)."),
    Param("state", schemas.enum(AssessmentState), "Only assessments in this state."),
    Param("portfolio", {"type": "string", "maxLength": 20},
          "Only arenas this portfolio (its code) is responsible for."),
    Param("arena", {"type": "string", "maxLength": 80}, "Only the arena with this key."),
)


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """SQL for workflows.assessment.can_view (a test proves they agree)."""
    if user.has_role(Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY):
        return sa.true()
    in_portfolios = Assessment.arena_id.in_(
        sa.select(arena_portfolios.c.arena_id)
        .where(arena_portfolios.c.portfolio_id.in_(list(user.portfolio_ids))))
    clauses = []
    if user.has_role(Role.COMMISSIONER):
        clauses.append(in_portfolios)
    if user.has_role(Role.CONTACT):
        clauses.append(sa.or_(Assessment.contact_id == user.id,
                              sa.and_(Assessment.contact_id.is_(None), in_portfolios)))
    return sa.or_(*clauses) if clauses else sa.false()


def assessment_query(user: User, args: dict[str, Any]) -> sa.Select:
    """The user's visible assessments, filtered, newest cycle first, then by arena."""
    query = (sa.select(Assessment).join(Assessment.cycle).join(Assessment.arena)
             .where(visible_to(user)).order_by(Cycle.year.desc(), Arena.name, Assessment.id))
    if args["cycle"] is not None:
        query = query.where(Cycle.year == args["cycle"])
    if args["state"]:
        query = query.where(Assessment.state == AssessmentState(args["state"]))
    if args["portfolio"]:
        query = query.where(Arena.portfolios.any(Portfolio.code == args["portfolio"]))
    if args["arena"]:
        query = query.where(Arena.key == args["arena"])
    return query


def load_visible(assessment_id: int) -> Assessment:
    """The assessment if the token's user may see it: 404 when there is none, 403 when it is
    not theirs (as in the web pages; which arenas are assessed is public)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise ApiError(404)
    if not can_view(assessment, actor()):
        raise ApiError(403)
    return assessment


def detail(assessment: Assessment) -> dict[str, Any]:
    """The assessment as GET shows it, with what the user may do now."""
    user = actor()
    names = [t.name for t in ASSESSMENT_WORKFLOW.available(assessment, user)]
    return serializers.assessment(assessment, transitions=names,
                                  can_edit=can_edit_answers(assessment, user),
                                  trail=audit_trail(assessment))


@api.route("GET", "/assessments", summary="List the assessments the user may see",
           tag="assessments", query=(*PAGING, *FILTERS), responses={200: "AssessmentPage"})
def list_assessments(query: dict[str, Any]):
    """Assessments visible to the token's user, filtered and paged."""
    rows = assessment_query(actor(), query)
    return paginate(rows, query, lambda page: [serializers.assessment_summary(a) for a in page])


@api.route("GET", "/assessments/{assessment_id}", summary="One assessment with its answers, "
           "state, version and audit trail", tag="assessments", responses={200: "Assessment"},
           errors=(403,))
def get_assessment(assessment_id: int):
    """One assessment."""
    return detail(load_visible(assessment_id))


@api.route("PUT", "/assessments/{assessment_id}/answers", summary="Save the answers as a draft "
           "(send the version you read; 409 when it is stale)", tag="assessments",
           body="AnswersInput", responses={200: "Assessment"}, errors=(403, 409))
def put_answers(assessment_id: int, body: dict[str, Any]):
    """Replace the answers, as the form's "save draft" does."""
    assessment = load_visible(assessment_id)
    ops.save_answers(assessment, actor(), answer_input(assessment, body), body["version"])
    db.session.commit()
    return detail(assessment)


@api.route("POST", "/assessments/{assessment_id}/transitions", summary="Take a workflow "
           "transition (submit, sign_off, approve, ...)", tag="assessments",
           body="TransitionInput", responses={200: "Assessment"}, errors=(403, 409))
def post_transition(assessment_id: int, body: dict[str, Any]):
    """409 when not allowed now, 403 when never the user's, 422 listing what is missing."""
    assessment = load_visible(assessment_id)
    if body.get("version", assessment.version) != assessment.version:
        raise ConflictError(assessment.version, body["version"])
    try:
        ops.transition_assessment(assessment, actor(), body["name"], body.get("comment", ""))
    except IncompleteError as error:
        missing = assessment.missing_fields
        errors = {name: _("Mangler svar.") for name in missing} or {
            "name": "; ".join(error.reasons)}
        raise ApiError(422, _("Noe mangler før dette kan gjøres."), errors=errors) from None
    db.session.commit()
    return detail(assessment)


@api.route("POST", "/assessments/{assessment_id}/route", summary="Send an approved assessment "
           "to the council, settle it, or leave it open (council office)", tag="assessments",
           body="RouteInput", responses={200: "Assessment"}, errors=(403, 409))
def post_route(assessment_id: int, body: dict[str, Any]):
    """Route an approved assessment, as the routing page does."""
    assessment = load_visible(assessment_id)
    route_assessment(actor(), assessment, Route(body["route"]))
    db.session.commit()
    return detail(assessment)
