"""The criteria the 2021 review used, as the starting set for a new installation."""

from __future__ import annotations

from app.models import CriteriaSet, Criterion, CriterionKind

DEFAULT_CRITERIA = (
    {
        "key": "participation", "kind": CriterionKind.PARTICIPATION,
        "label_nb": "Deltakelse", "label_en": "Participation",
        "hint_nb": "Deltar kommunen aktivt eller passivt, og hvem deltar?",
        "hint_en": "Does the municipality take part actively or passively, and who takes part?",
    },
    {
        "key": "learning_outcome", "kind": CriterionKind.RATING,
        "label_nb": "Læringsutbytte", "label_en": "Learning outcome",
        "hint_nb": "Hva lærer kommunen av samarbeidet, og hvordan brukes kunnskapen?",
        "hint_en": "What does the municipality learn, and how is the knowledge used?",
    },
    {
        "key": "influence", "kind": CriterionKind.RATING,
        "label_nb": "Gjennomslagskraft", "label_en": "Influence",
        "hint_nb": "Kan kommunen påvirke beslutninger eller politikk gjennom arenaen?",
        "hint_en": "Can the municipality influence decisions or policy through the arena?",
    },
    {
        "key": "other_value", "kind": CriterionKind.TEXT, "is_required": False,
        "label_nb": "Annen verdi", "label_en": "Other value",
        "hint_nb": "For eksempel symbolverdi eller synlighet for kommunen.",
        "hint_en": "For example symbolic value or visibility for the municipality.",
    },
)


def build_criteria_set(name: str, version: int = 1, definition=DEFAULT_CRITERIA) -> CriteriaSet:
    """A new criteria set with the given criteria, in order."""
    criteria = [Criterion(position=i, **{"is_required": True, **spec})
                for i, spec in enumerate(definition)]
    return CriteriaSet(name=name, version=version, criteria=criteria)
