"""The city council: terms and members, cases, proposals, votes, decisions and follow-ups."""

from app.council import (
    block_vote_views,
    office_views,
    record_views,
    template_helpers,
    term_views,
    views,
)
from app.council.blueprint import bp

__all__ = ["block_vote_views", "bp", "office_views", "record_views", "template_helpers",
           "term_views", "views"]
