"""A case's extract for the meeting minutes (møteprotokoll) as DOCX: every item with its
proposals, votes and decision, in the review document's typography (A4, the same margins,
11 pt body text, Word's Title and Heading styles, Norwegian proofing language)."""

from __future__ import annotations

from typing import BinaryIO

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import format_date
from flask_babel import gettext as _

from app.council.labels import RULE_LABELS
from app.council.operations import proposal_title
from app.labels import DECISION_LABELS
from app.models.council import CaseItem, CouncilCase, Proposal
from workflows import votes

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _set_up(word, case: CouncilCase) -> None:
    """The review's page and text settings (app/documents/docx_renderer.py)."""
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    word.styles["Normal"].font.size = Pt(11)
    rpr = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "nb-NO")
    word.core_properties.title = _("Utdrag av møteprotokoll, sak %(number)s",
                                   number=case.case_number)


def _vote_line(proposal: Proposal) -> str:
    vote = proposal.vote
    if vote is None:
        return _("Ikke votert over.")
    tally = votes.Tally(vote.present, vote.votes_for, vote.votes_against, vote.votes_abstain,
                        vote.chair_vote)
    seats = proposal.item.case.term.seats
    verdict = votes.decide(tally, votes.RULES[proposal.majority_rule], seats)
    return votes.vote_sentences(vote.kind, tally, verdict)[0]


def _blocks(case: CouncilCase) -> dict[int, list[str]]:
    """The arenas of each block vote on the case (by block id), from the loaded current votes."""
    blocks: dict[int, list[str]] = {}
    for item in case.items:
        for proposal in item.proposals:
            if proposal.vote is not None and proposal.vote.block_id is not None:
                blocks.setdefault(proposal.vote.block_id, []).append(item.assessment.arena.name)
    return blocks


def _proposal(word, proposal: Proposal, blocks: dict[int, list[str]]) -> None:
    paragraph = word.add_paragraph()
    paragraph.add_run(f"{proposal_title(proposal)}: ").bold = True
    paragraph.add_run(proposal.text)
    if proposal.majority_rule != votes.RuleName.SIMPLE:
        word.add_paragraph(_("Flertallskrav: %(rule)s.",
                             rule=str(RULE_LABELS[proposal.majority_rule]).lower()))
    word.add_paragraph(_("Votering: %(vote)s", vote=_vote_line(proposal)))
    if proposal.vote is not None and proposal.vote.block_id is not None:
        own = proposal.item.assessment.arena.name
        others = [n for n in blocks.get(proposal.vote.block_id, []) if n != own]
        word.add_paragraph(_("Votert over samlet med %(names)s.", names=", ".join(others)))


def _decision(word, item: CaseItem) -> None:
    decision = item.decision
    paragraph = word.add_paragraph()
    paragraph.add_run(_("Vedtak: ")).bold = True
    if decision is None:
        paragraph.add_run(_("Ikke vedtatt ennå."))
        return
    paragraph.add_run(f"{DECISION_LABELS[decision.outcome]}. {decision.text}".strip())
    if decision.outcome.value in ("terminate", "join"):
        word.add_paragraph(_("Gjelder fra %(date)s.",
                             date=format_date(decision.effective_date, "long")))


def write_minutes(case: CouncilCase, stream: BinaryIO) -> None:
    """Write the case's minutes extract as DOCX to a binary stream."""
    word = Document()
    _set_up(word, case)
    word.add_paragraph(_("Utdrag av møteprotokoll"), "Title")
    word.add_paragraph(_("Sak %(number)s: %(title)s", number=case.case_number,
                         title=case.title))
    word.add_paragraph(_("Møtedato: %(date)s", date=format_date(case.meeting_date, "long")))
    if case.archive_reference:
        word.add_paragraph(_("Arkivreferanse: %(reference)s", reference=case.archive_reference))
    blocks = _blocks(case)
    for item in case.items:
        word.add_heading(item.assessment.arena.name, level=1)
        for proposal in item.proposals:
            _proposal(word, proposal, blocks)
        _decision(word, item)
    word.save(stream)
