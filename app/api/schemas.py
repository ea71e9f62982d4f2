"""The JSON Schemas of the API (OpenAPI 3.1 `components.schemas`).

The OpenAPI document publishes these, and app/api/validation.py checks request bodies and
parameters against the same dicts. Responses are built by app/api/serializers.py; the tests
and schemathesis check them against these schemas.
"""

from __future__ import annotations

from app.models import (
    PARTICIPANT_GROUPS,
    ArenaKind,
    ArenaStatus,
    CriterionKind,
    CycleStatus,
    DecisionOutcome,
    DocumentFormat,
    Recommendation,
)
from app.models.council import ProposalKind
from workflows.assessment import ASSESSMENT_WORKFLOW, AssessmentState
from workflows.roles import Role
from workflows.votes import Choice, Result, RuleName, VoteKind

INT32_MAX = 2**31 - 1
TEXT_MAX = 5000


def ref(name: str) -> dict:
    """A $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def values(enum) -> list[str]:
    """The stored values of an enum (or of an iterable of strings)."""
    return [getattr(m, "value", m) for m in enum]


def nullable(schema: dict) -> dict:
    """`schema` or null (OpenAPI 3.1: a list of types)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    if "enum" in schema:
        return {**schema, "type": [schema.get("type", "string"), "null"],
                "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    """A closed object; every property is required unless `required` says otherwise."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **extra}


STRING = {"type": "string"}
BOOL = {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1, "maximum": INT32_MAX}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2200}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}


def text(max_length: int = TEXT_MAX, min_length: int = 0) -> dict:
    """A string of bounded length."""
    return {"type": "string", "maxLength": max_length, **(
        {"minLength": min_length} if min_length else {})}


def enum(members) -> dict:
    """A string that is one of `members`' values."""
    return {"type": "string", "enum": values(members)}


STATE_COUNTS = obj({s.value: COUNT for s in AssessmentState})

# --------------------------------------------------------------------------- shared pieces
COMMON = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details, in the request's language.",
        "properties": {"type": STRING, "title": STRING, "status": {"type": "integer"},
                       "detail": STRING,
                       "errors": {"type": "object", "additionalProperties": STRING},
                       "reasons": {"type": "array", "items": STRING},
                       "current_version": {"type": "integer"}},
        "required": ["type", "title", "status", "detail"],
    },
    "OpenApiDocument": {"type": "object", "description": "This document."},
    "PortfolioRef": obj({"id": ID, "code": STRING, "name": STRING}),
    "ArenaRef": obj({"id": ID, "key": STRING, "name": STRING}),
    "Me": obj({"id": ID, "name": STRING, "email": STRING, "locale": STRING,
               "roles": {"type": "array", "items": enum(Role)},
               "portfolios": {"type": "array", "items": ref("PortfolioRef")}}),
    "AuditEvent": obj({"id": ID, "created_at": DATETIME, "actor": nullable(
        obj({"id": ID, "name": STRING})), "action": STRING, "from_state": nullable(STRING),
        "to_state": nullable(STRING), "details": {"type": "object"}}),
}


def page_of(item: str) -> dict:
    """A page of a list: items, the total count and links to the neighbouring pages."""
    return obj({"items": {"type": "array", "items": ref(item)}, "total": COUNT,
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                "next": nullable(STRING), "previous": nullable(STRING)})


# --------------------------------------------------------------------------- arenas
ARENA_FIELDS = {
    "key": {"type": "string", "maxLength": 80, "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$"},
    "name": {**text(300, 1), "pattern": r"\A[^\r\n\u2028\u2029]*\Z"},  # one line
    "kind": enum(ArenaKind),
    "portfolio_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": 50,
                      "uniqueItems": True},
    "description_nb": text(10_000),
    "description_en": text(10_000),
    "executing_unit": text(300),
    "via": text(300),
    "membership_type": text(200),
    "member_since": nullable({"type": "integer", "minimum": 1800, "maximum": 2200}),
    "yearly_cost": nullable({"type": "integer", "minimum": 0, "maximum": 10**9}),
    "contact_persons": text(2000),
    "sort_order": nullable({"type": "integer", "minimum": 0, "maximum": 100_000}),
}
ARENA_REQUIRED = ["key", "name", "kind", "portfolio_ids"]
ARENA_OUT = {
    "id": ID, "key": STRING, "name": STRING, "kind": enum(ArenaKind),
    "status": enum(ArenaStatus), "description_nb": STRING, "description_en": STRING,
    "executing_unit": STRING, "via": STRING, "membership_type": STRING,
    "member_since": nullable({"type": "integer"}), "yearly_cost": nullable({"type": "integer"}),
    "contact_persons": STRING, "sort_order": nullable({"type": "integer"}), "is_archived": BOOL,
    "portfolios": {"type": "array", "items": ref("PortfolioRef")},
    "created_at": DATETIME, "updated_at": DATETIME,
}
COUNCIL_REF = obj({"case_number": STRING, "meeting_date": DATE, "archive_reference": STRING,
                   "vote_text": STRING})
ARENAS = {
    "Arena": obj(ARENA_OUT),
    "ArenaYear": obj({
        "cycle_year": {"type": "integer"}, "cycle_status": enum(CycleStatus),
        "assessment_id": ID, "state": enum(AssessmentState),
        "recommendation": nullable(enum(Recommendation)),
        "decision_outcome": nullable(enum(DecisionOutcome)), "decision_text": STRING,
        "decided_at": nullable(DATETIME), "council": nullable(COUNCIL_REF)}),
    "ArenaDetail": obj({**ARENA_OUT, "history": {"type": "array", "items": ref("ArenaYear")}}),
    "ArenaPage": page_of("Arena"),
    "ArenaInput": obj(ARENA_FIELDS, ARENA_REQUIRED),
    "ArenaCreate": obj({**ARENA_FIELDS, "status": enum((ArenaStatus.PROPOSED,
                                                        ArenaStatus.MEMBER))},
                       ARENA_REQUIRED),
}

# --------------------------------------------------------------------------- cycles
CYCLE_OUT = {
    "id": ID, "year": {"type": "integer"}, "title": STRING, "status": enum(CycleStatus),
    "requires_sign_off": BOOL, "opened_at": nullable(DATETIME),
    "submission_deadline": nullable(DATE), "review_deadline": nullable(DATE),
    "council_meeting_date": nullable(DATE), "archive_reference": STRING,
    "progress": ref("Progress"),
}
CYCLES = {
    "Progress": obj({"total": COUNT, "done": COUNT, "by_state": STATE_COUNTS}),
    "Criterion": obj({"key": STRING, "kind": enum(CriterionKind), "label": STRING,
                      "hint": STRING, "is_required": BOOL}),
    "PortfolioProgress": obj({"portfolio": ref("PortfolioRef"), "by_state": STATE_COUNTS}),
    "Cycle": obj(CYCLE_OUT),
    "CycleDetail": obj({**CYCLE_OUT, "overdue": COUNT,
                        "criteria": {"type": "array", "items": ref("Criterion")},
                        "by_portfolio": {"type": "array", "items": ref("PortfolioProgress")}}),
    "CyclePage": page_of("Cycle"),
    "CycleCreate": obj({
        "year": YEAR, "title": text(300, 1),
        "submission_deadline": nullable(DATE), "review_deadline": nullable(DATE),
        "council_meeting_date": nullable(DATE), "requires_sign_off": BOOL,
    }, ["year", "title"]),
}

# --------------------------------------------------------------------------- assessments
TRANSITION_NAMES = list(ASSESSMENT_WORKFLOW.transitions)
SUMMARY_OUT = {
    "id": ID, "cycle_year": {"type": "integer"}, "arena": ref("ArenaRef"),
    "portfolios": {"type": "array", "items": STRING}, "state": enum(AssessmentState),
    "version": {"type": "integer"}, "recommendation": nullable(enum(Recommendation)),
    "contact_id": nullable(ID), "is_overdue": BOOL, "updated_at": DATETIME,
}
ANSWER_OUT = obj({"value": nullable(STRING), "participants": {"type": "array", "items": STRING},
                  "text": STRING})
ANSWER_IN = obj({"value": nullable(text(50)),
                 "participants": {"type": "array", "items": enum(PARTICIPANT_GROUPS),
                                  "uniqueItems": True, "maxItems": len(PARTICIPANT_GROUPS)},
                 "text": text()}, [])
ASSESSMENTS = {
    "AssessmentSummary": obj(SUMMARY_OUT),
    "Answer": ANSWER_OUT,
    "Assessment": obj({
        **SUMMARY_OUT,
        "answers": {"type": "object", "additionalProperties": ref("Answer")},
        "yearly_cost": nullable({"type": "integer"}), "recommendation_reason": STRING,
        "review_comment": STRING, "unchanged_comment": nullable(STRING),
        "routed_to_council": nullable(BOOL),
        "decision": obj({"outcome": nullable(enum(DecisionOutcome)), "text": STRING,
                         "effective_date": nullable(DATE), "decided_at": nullable(DATETIME)}),
        "submitted_at": nullable(DATETIME), "signed_off_at": nullable(DATETIME),
        "approved_at": nullable(DATETIME), "returned_at": nullable(DATETIME),
        "can_edit_answers": BOOL, "transitions": {"type": "array", "items": STRING},
        "missing_fields": {"type": "array", "items": STRING},
        "audit_trail": {"type": "array", "items": ref("AuditEvent")}}),
    "AssessmentPage": page_of("AssessmentSummary"),
    "AnswerInput": ANSWER_IN,
    "AnswersInput": obj({
        "version": ID,
        "answers": {"type": "object", "additionalProperties": ref("AnswerInput"),
                    "maxProperties": 50},
        "yearly_cost": nullable({"type": "integer", "minimum": 0, "maximum": 10**9}),
        "recommendation": nullable(enum(Recommendation)),
        "recommendation_reason": text()}, ["version", "answers"]),
    "TransitionInput": obj({"name": {"type": "string", "enum": TRANSITION_NAMES},
                            "comment": text(), "version": ID}, ["name"]),
    "RouteInput": obj({"route": {"type": "string", "enum": ["open", "council", "settle"]}}),
}

# --------------------------------------------------------------------------- council
PARTY_REF = obj({"id": ID, "name": STRING})
VOTE_OUT = obj({
    "id": ID, "revision": {"type": "integer"}, "kind": enum(VoteKind), "present": COUNT,
    "votes_for": COUNT, "votes_against": COUNT, "votes_abstain": COUNT,
    "chair_vote": nullable(enum(Choice)), "entered_result": enum(Result),
    "computed_result": enum(Result), "mismatch": BOOL, "correction_reason": STRING,
    "recorded_at": DATETIME, "block_vote_id": nullable(ID),
    "voted_with_item_ids": {"type": "array", "items": ID},
    "party_votes": {"type": "array", "items": obj({
        "party_group": PARTY_REF, "votes_for": COUNT, "votes_against": COUNT,
        "votes_abstain": COUNT})},
    "member_votes": {"type": "array", "items": obj({
        "member_id": ID, "name": STRING, "choice": enum(Choice)})}})
CASE_OUT = {
    "id": ID, "case_number": STRING, "title": STRING, "meeting_date": DATE,
    "archive_reference": STRING, "cycle_year": {"type": "integer"}, "term": PARTY_REF,
    "item_count": COUNT,
}
COUNT_IN = {"type": "integer", "minimum": 0, "maximum": 1000}
DATE_IN = {**DATE, "minLength": 1}  # left empty, a date is required (not "wrong format")
COUNCIL = {
    "Vote": VOTE_OUT,
    "Decision": obj({"id": ID, "revision": {"type": "integer"}, "proposal_id": nullable(ID),
                     "outcome": enum(DecisionOutcome), "text": STRING, "effective_date": DATE,
                     "correction_reason": STRING, "recorded_at": DATETIME}),
    "Proposal": obj({"id": ID, "kind": enum(ProposalKind), "outcome": enum(Recommendation),
                     "text": STRING, "proposer": STRING, "party_group": nullable(PARTY_REF),
                     "majority_rule": enum(RuleName), "position": {"type": "integer"},
                     "vote": nullable(ref("Vote"))}),
    "CaseItem": obj({"id": ID, "position": {"type": "integer"}, "assessment_id": ID,
                     "arena": ref("ArenaRef"),
                     "proposals": {"type": "array", "items": ref("Proposal")},
                     "decisions": {"type": "array", "items": ref("Decision")}}),
    "CouncilCaseSummary": obj(CASE_OUT),
    "CouncilCase": obj({**CASE_OUT, "description": STRING,
                        "items": {"type": "array", "items": ref("CaseItem")}}),
    "CouncilCasePage": page_of("CouncilCaseSummary"),
    "CouncilTerm": obj({"id": ID, "name": STRING, "starts_on": DATE,
                        "ends_on": nullable(DATE), "seats": {"type": "integer"},
                        "party_groups": {"type": "array", "items": PARTY_REF},
                        "members": {"type": "array", "items": obj({
                            "id": ID, "name": STRING, "seat": {"type": "integer"},
                            "party_group_id": ID})}}),
    "CouncilTermList": obj({"items": {"type": "array", "items": ref("CouncilTerm")}}),
    "CaseInput": obj({"cycle_year": YEAR, "term_id": ID, "case_number": text(30, 1),
                      "meeting_date": DATE_IN, "archive_reference": text(100),
                      "title": text(300, 1), "description": text()},
                     ["cycle_year", "term_id", "case_number", "meeting_date", "title"]),
    "ItemsInput": obj({"assessment_ids": {"type": "array", "items": ID, "minItems": 1,
                                          "maxItems": 500, "uniqueItems": True}}),
    "ProposalInput": obj({"kind": enum(ProposalKind), "outcome": enum(Recommendation),
                          "text": text(TEXT_MAX, 1), "majority_rule": enum(RuleName),
                          "proposer": text(200), "party_group_id": nullable(ID)},
                         ["kind", "outcome", "text"]),
    "VoteInput": obj({
        "kind": enum(VoteKind), "present": COUNT_IN, "votes_for": COUNT_IN,
        "votes_against": COUNT_IN, "votes_abstain": COUNT_IN,
        "chair_vote": nullable(enum((Choice.FOR, Choice.AGAINST))),
        "entered_result": enum(Result), "reason": text(),
        "parties": {"type": "array", "maxItems": 100, "items": obj({
            "party_group_id": ID, "votes_for": COUNT_IN, "votes_against": COUNT_IN,
            "votes_abstain": COUNT_IN})},
        "members": {"type": "array", "maxItems": 1000, "items": obj({
            "member_id": ID, "choice": enum(Choice)})}},
        ["kind", "present", "entered_result"]),
    "DecisionInput": obj({"outcome": enum(DecisionOutcome), "text": text(TEXT_MAX, 1),
                          "effective_date": DATE_IN}),
}
COUNCIL["BlockVoteInput"] = {
    **COUNCIL["VoteInput"],
    "description": "One vote the council took on the innstilling of several items together; "
                   "recorded on each item's innstilling, which must not have a vote yet.",
    "properties": {"item_ids": {"type": "array", "items": ID, "minItems": 2, "maxItems": 500,
                                "uniqueItems": True},
                   **{k: v for k, v in COUNCIL["VoteInput"]["properties"].items()
                      if k != "reason"}},
    "required": ["item_ids", *COUNCIL["VoteInput"]["required"]],
}

# --------------------------------------------------------------------------- documents
DOCUMENTS = {
    "Document": obj({"id": ID, "cycle_year": {"type": "integer"}, "number": {"type": "integer"},
                     "format": enum(DocumentFormat), "locale": STRING, "sha256": STRING,
                     "size_bytes": COUNT, "published_at": nullable(DATETIME), "url": STRING}),
    "DocumentPage": page_of("Document"),
}

COMPONENTS: dict[str, dict] = {**COMMON, **ARENAS, **CYCLES, **ASSESSMENTS, **COUNCIL,
                               **DOCUMENTS}
