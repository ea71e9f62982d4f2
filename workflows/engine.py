"""A tiny transition engine shared by every workflow table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

Predicate = Callable[[Any, Any], bool]
Condition = Callable[[Any, Any], str | None]  # returns a reason when it fails, else None


class TransitionNotAllowed(Exception):
    """Raised when a transition is applied that the table does not allow now."""

    def __init__(self, transition: str, reasons: Sequence[str], *, forbidden: bool = False):
        self.transition = transition
        self.reasons = list(reasons)
        self.forbidden = forbidden  # True when the actor may never take it (403, not 409)
        super().__init__(f"{transition}: {'; '.join(self.reasons)}")


class IncompleteError(TransitionNotAllowed):
    """The transition is allowed in principle but the object lacks required data (422)."""


@dataclass(frozen=True)
class Transition:
    """One row of a workflow table."""

    name: str
    sources: frozenset[Enum]
    target: Enum
    permitted: Predicate
    conditions: tuple[Condition, ...] = ()
    label: str = ""
    needs_comment: bool = False
    completeness: tuple[Condition, ...] = field(default=())
    # A step that changes things for many people at once: pages ask before taking it.
    needs_confirmation: bool = False


class Workflow:
    """A table of transitions with the questions every page and POST asks of it."""

    def __init__(self, name: str, transitions: Iterable[Transition]):
        self.name = name
        self.transitions = {t.name: t for t in transitions}

    def get(self, name: str) -> Transition:
        """The transition called `name`, or TransitionNotAllowed if there is none."""
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionNotAllowed(name, ["unknown transition"]) from None

    def blockers(self, name: str, obj: Any, actor: Any) -> list[str]:
        """Reasons why `actor` may not take `name` on `obj` now (empty when allowed)."""
        transition = self.get(name)
        if obj.state not in transition.sources:
            return [f"not allowed from state {obj.state.value}"]
        if not transition.permitted(obj, actor):
            return ["not permitted for this user"]
        return [r for c in transition.conditions if (r := c(obj, actor))]

    def available(self, obj: Any, actor: Any) -> list[Transition]:
        """Transitions `actor` may take on `obj` now; pages show these as buttons."""
        return [t for t in self.transitions.values() if not self.blockers(t.name, obj, actor)]

    def missing(self, name: str, obj: Any, actor: Any) -> list[str]:
        """Completeness problems for `name` (answers still missing), checked at apply time."""
        return [r for c in self.get(name).completeness if (r := c(obj, actor))]

    def apply(self, name: str, obj: Any, actor: Any) -> tuple[Enum, Enum]:
        """Move `obj` along `name`; raise if not allowed. Returns (from_state, to_state)."""
        transition = self.get(name)
        reasons = self.blockers(name, obj, actor)
        if reasons:
            # Not this actor's transition at all, from any state: 403, not "not now" (409).
            forbidden = not transition.permitted(obj, actor)
            raise TransitionNotAllowed(name, reasons, forbidden=forbidden)
        missing = self.missing(name, obj, actor)
        if missing:
            raise IncompleteError(name, missing)
        source = obj.state
        obj.state = transition.target
        return source, transition.target
