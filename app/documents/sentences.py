"""The document's sentence templates per outcome, in Norwegian and English.

Defaults live here; the council office can override any of them per cycle (SentenceTemplate
rows). Pure Python: no Flask, no database. A template may only use the placeholders listed for
its key, which also keeps `str.format` from reaching attributes of the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Formatter

LOCALES = ("nb", "en")
OUTCOMES = ("continue", "continue_and_strengthen", "terminate", "join", "consider_joining")

# key -> the placeholders its template may use
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "title": frozenset({"year", "municipality"}),
    "part1_intro": frozenset({"criteria", "head"}),
    "part2_intro": frozenset({"municipality", "count", "names"}),
    "part2_intro_one": frozenset({"municipality", "names"}),  # one city: singular words
    "responsible": frozenset({"heads"}),
    **{f"recommendation.{o}": frozenset() for o in OUTCOMES},
    **{f"decision.{o}": frozenset({"council"}) for o in OUTCOMES},
    "case": frozenset({"meeting_date", "case"}),
    "vote": frozenset({"vote"}),
}
SENTENCE_KEYS = tuple(PLACEHOLDERS)

DEFAULTS: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Internasjonale samarbeidsarenaer – gjennomgang {year}",
        "part1_intro": "Arenaene i denne delen er vurdert etter {criteria}.",
        "part2_intro": "{municipality} har {count} vennskapsbyer: {names}.",
        "part2_intro_one": "{municipality} har én vennskapsby: {names}.",
        "responsible": "{heads} har ansvar for å følge opp samarbeidet.",
        "recommendation.continue": "Det anbefales å videreføre samarbeidet.",
        "recommendation.continue_and_strengthen":
            "Det anbefales å videreføre og styrke samarbeidet.",
        "recommendation.terminate": "Det anbefales å avslutte samarbeidet.",
        "recommendation.join": "Det anbefales å melde kommunen inn i samarbeidet.",
        "recommendation.consider_joining":
            "Det anbefales å utrede om kommunen bør bli med i samarbeidet.",
        "decision.continue": "{council} har vedtatt å videreføre samarbeidet.",
        "decision.continue_and_strengthen":
            "{council} har vedtatt å videreføre og styrke samarbeidet.",
        "decision.terminate": "{council} har vedtatt å melde kommunen ut av samarbeidet.",
        "decision.join": "{council} har vedtatt å melde kommunen inn i samarbeidet.",
        "decision.consider_joining":
            "{council} har bedt om en utredning av om kommunen bør bli med i samarbeidet.",
        "case": "Saken ble behandlet {meeting_date} ({case}).",
        "vote": "Avstemning: {vote}",
    },
    "en": {
        "title": "International cooperation arenas – review {year}",
        "part1_intro": "The arenas in this part are assessed on {criteria}.",
        "part2_intro": "{municipality} has {count} friendship cities: {names}.",
        "part2_intro_one": "{municipality} has one friendship city: {names}.",
        "responsible": "Following up the cooperation is the responsibility of {heads}.",
        "recommendation.continue": "The recommendation is to continue the cooperation.",
        "recommendation.continue_and_strengthen":
            "The recommendation is to continue and strengthen the cooperation.",
        "recommendation.terminate": "The recommendation is to end the cooperation.",
        "recommendation.join": "The recommendation is for the municipality to join.",
        "recommendation.consider_joining":
            "The recommendation is to look into whether the municipality should join.",
        "decision.continue": "{council} has decided to continue the cooperation.",
        "decision.continue_and_strengthen":
            "{council} has decided to continue and strengthen the cooperation.",
        "decision.terminate": "{council} has decided that the municipality shall withdraw.",
        "decision.join": "{council} has decided that the municipality shall join.",
        "decision.consider_joining":
            "{council} has asked for a study of whether the municipality should join.",
        "case": "The case was dealt with on {meeting_date} ({case}).",
        "vote": "Vote: {vote}",
    },
}

# Fixed words of the document (not editable; they follow the document's language).
TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        "reference": "Arkivreferanse", "date": "Dato", "introduction": "Innledning",
        "part1": "Del 1 Organisasjoner og nettverk",
        "part2": "Del 2 Samarbeid med vennskapsbyene",
        "appendix": "Vedlegg: oversikt over arenaene", "totals": "Sum",
        "col_arena": "Arena", "col_portfolio": "Ansvarlig", "col_participation": "Deltakelse",
        "col_recommendation": "Anbefaling", "col_decision": "Vedtak",
        "page": "Side {page} av {pages}", "total": "Totalt", "and": "og",
        "undecided": "Ikke avgjort", "case_prefix": "sak", "archive": "arkivsak",
        "col_outcome": "Utfall", "col_count": "Antall",
        "assessed_by_head": "Vurderingene er gjort av ansvarlig {head} for hvert samarbeid.",
        "assessed_by_unit": "Vurderingene er gjort av ansvarlig {unit} for hvert samarbeid.",
        "council_treatment": "Medlemskap som forutsetter politiske avveininger, "
                             "blir behandlet i {council}.",
        "council_basis": "Medlemskap som forutsetter politiske avveininger, blir i tråd med "
                         "{basis} behandlet i {council}.",
    },
    "en": {
        "reference": "Archive reference", "date": "Date", "introduction": "Introduction",
        "part1": "Part 1 Organisations and networks",
        "part2": "Part 2 Cooperation with the friendship cities",
        "appendix": "Appendix: overview of the arenas", "totals": "Totals",
        "col_arena": "Arena", "col_portfolio": "Responsible", "col_participation": "Participation",
        "col_recommendation": "Recommendation", "col_decision": "Decision",
        "page": "Page {page} of {pages}", "total": "Total", "and": "and",
        "undecided": "Not decided", "case_prefix": "case", "archive": "archive ref.",
        "col_outcome": "Outcome", "col_count": "Number",
        "assessed_by_head": "Each assessment was made by the {head} responsible for it.",
        "assessed_by_unit": "Each assessment was made by the {unit} responsible for it.",
        "council_treatment": "Memberships that call for political judgement are put before "
                             "the {council}.",
        "council_basis": "In line with {basis}, memberships that call for political judgement "
                         "are put before the {council}.",
    },
}
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "nb": {"continue": "Videreføre", "continue_and_strengthen": "Videreføre og styrke",
           "terminate": "Avslutte", "join": "Melde inn", "consider_joining": "Vurdere innmelding"},
    "en": {"continue": "Continue", "continue_and_strengthen": "Continue and strengthen",
           "terminate": "End", "join": "Join", "consider_joining": "Consider joining"},
}
# Totals count the final outcome of each arena, worded as what happened.
TOTAL_LABELS: dict[str, dict[str, str]] = {
    "nb": {"continue": "Videreført", "continue_and_strengthen": "Videreført og styrket",
           "terminate": "Avsluttet", "join": "Meldt inn", "consider_joining": "Innmelding utredes"},
    "en": {"continue": "Continued", "continue_and_strengthen": "Continued and strengthened",
           "terminate": "Ended", "join": "Joined", "consider_joining": "Joining under study"},
}
RATING_WORDS: dict[str, dict[str, str]] = {
    "nb": {"active": "aktiv", "passive": "passiv", "high": "stort", "medium": "middels",
           "low": "lite", "none": "ingen"},
    "en": {"active": "active", "passive": "passive", "high": "high", "medium": "medium",
           "low": "low", "none": "none"},
}
PARTICIPATION_LABELS: dict[str, dict[str, str]] = {
    "nb": {"active": "Aktiv", "passive": "Passiv"},
    "en": {"active": "Active", "passive": "Passive"},
}


def placeholders_in(text: str) -> set[str]:
    """The placeholder names `text` uses; ValueError when its braces are malformed."""
    return {name for _lit, name, _spec, _conv in Formatter().parse(text) if name is not None}


def formatted_placeholders(text: str) -> list[str]:
    """Placeholders in `text` that carry a conversion or format spec, as written ('{year:>9}').

    Only bare names are allowed: a spec such as `{year:>100000000}` would make every preview
    build a page of hundreds of megabytes. Malformed braces are left to `template_errors`.
    """
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return []
    found = []
    for _lit, name, spec, conv in parts:
        if name is not None and (spec or conv):
            found.append("{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "")
                         + "}")
    return found


def template_errors(key: str, text: str) -> list[str]:
    """Why `text` can not be the template for `key` (empty when it can)."""
    if key not in PLACEHOLDERS:
        return [f"unknown sentence {key}"]
    try:
        used = placeholders_in(text)
    except ValueError:
        return ["unbalanced braces: write {name} for a value and {{ or }} for a brace"]
    unknown = sorted(used - PLACEHOLDERS[key])
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS[key])) or "none"
        return [f"unknown placeholder {{{u}}} (allowed: {allowed})" for u in unknown]
    return []


class Sentences:
    """The templates of one cycle and language: the office's overrides over the defaults."""

    def __init__(self, locale: str, overrides: Mapping[str, str] | None = None):
        self.locale = locale if locale in LOCALES else "nb"
        self.templates = {**DEFAULTS[self.locale], **dict(overrides or {})}

    def text(self, name: str) -> str:
        """A fixed word of the document."""
        return TEXTS[self.locale][name]

    def render(self, key: str, **values: object) -> str:
        """The sentence `key` with `values` filled in."""
        return self.templates[key].format_map(values)

    def join(self, items: Sequence[str]) -> str:
        """'a, b og c' (or 'and')."""
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.text('and')} {items[-1]}"

    def responsible(self, head_titles: Sequence[str]) -> str:
        """"<head> har ansvar ...", two or more heads joined (later ones lower-cased in nb)."""
        titles = [t for t in head_titles if t]
        if not titles:
            return ""
        if self.locale == "nb":
            titles = titles[:1] + [t[:1].lower() + t[1:] for t in titles[1:]]
        sentence = self.render("responsible", heads=self.join(titles))
        return sentence[:1].upper() + sentence[1:]  # a title typed in lower case may open it

    def recommendation(self, outcome: str | None) -> str:
        """The recommendation sentence for `outcome` ('' when there is none)."""
        return self.render(f"recommendation.{outcome}") if outcome else ""

    def decision(self, outcome: str | None, council: str) -> str:
        """The council's decision sentence for `outcome` ('' when there is none)."""
        return self.render(f"decision.{outcome}", council=council) if outcome else ""

    def outcome_label(self, outcome: str | None) -> str:
        """A short word for an outcome, for the appendix table."""
        return OUTCOME_LABELS[self.locale].get(outcome or "", "")

    def participation_label(self, value: str | None) -> str:
        """'Aktiv' / 'Passiv' ('' when unanswered)."""
        return PARTICIPATION_LABELS[self.locale].get(value or "", "")

    def rating_word(self, value: str | None) -> str:
        """A rating or participation value as a word in running text ('' when unanswered)."""
        return RATING_WORDS[self.locale].get(value or "", "")

    def total_label(self, outcome: str | None) -> str:
        """How an outcome is counted in the totals."""
        return TOTAL_LABELS[self.locale].get(outcome or "", self.text("undecided"))
