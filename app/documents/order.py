"""The order of the arenas in the document: alphabetical (Norwegian) or the office's own.

Pure functions on arena-like objects (`id`, `name`, `part`, `sort_order`); the office's order
is a list of arena ids kept per cycle in DocumentSettings.arena_order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# Norwegian alphabetical order: æ, ø, å after z (ä and ö sort with æ and ø).
_NORWEGIAN = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"})


def norwegian_key(name: str) -> str:
    """A sort key that puts æ, ø and å after z, as Norwegian readers expect."""
    return name.casefold().translate(_NORWEGIAN)


def custom_key(order: Sequence[int]):
    """Sort key for the office's order: listed arenas first, then the register's sort order,
    then the name (an arena added after the order was set goes last in its part)."""
    position = {arena_id: index for index, arena_id in enumerate(order or ())}

    def key(arena: Any):
        listed = position.get(arena.id)
        return (listed is None, listed or 0, arena.sort_order is None, arena.sort_order or 0,
                norwegian_key(arena.name))
    return key


def sort_arenas(arenas: Iterable[Any], custom: bool, order: Sequence[int] | None) -> list[Any]:
    """`arenas` in the document's order: part 1 first, each part in its order."""
    key = custom_key(order or ()) if custom else (lambda a: norwegian_key(a.name))
    ordered = sorted(arenas, key=key)
    return [a for a in ordered if a.part == 1] + [a for a in ordered if a.part != 1]


def moved(order: Sequence[int], arena_id: int, step: int, part_of: dict[int, int]) -> list[int]:
    """`order` with `arena_id` moved `step` places (-1 up, +1 down) within its own part."""
    result = list(order)
    if arena_id not in result:
        return result
    part = part_of.get(arena_id)
    same = [i for i, a in enumerate(result) if part_of.get(a) == part]
    here = same.index(result.index(arena_id))
    there = here + step
    if 0 <= there < len(same):
        a, b = same[here], same[there]
        result[a], result[b] = result[b], result[a]
    return result


def checked_order(submitted: Sequence[int], known: Sequence[int]) -> list[int] | None:
    """The submitted order when it is exactly a permutation of `known`, else None."""
    if len(submitted) != len(known) or set(submitted) != set(known):
        return None
    return list(submitted)
