"""The figures behind the statistics page: a fixed number of grouped queries per cycle."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Arena,
    Assessment,
    Cycle,
    CycleStatus,
    DecisionOutcome,
    Portfolio,
    Recommendation,
)
from app.models.arenas import ArenaKind, arena_portfolios


def cost_column() -> sa.ColumnElement:
    """The year's cost of an arena: as given in the assessment, else the register's figure."""
    return sa.func.coalesce(Assessment.yearly_cost, Arena.yearly_cost)


@dataclass(frozen=True)
class CostTotal:
    """The cycle's cost in total, the arenas counted and how many of them name no cost."""

    total: int
    arenas: int
    without_cost: int


@dataclass(frozen=True)
class PortfolioCost:
    """One portfolio's (or, with no names, no portfolio's) share of the year's cost."""

    name_nb: str | None
    name_en: str | None
    total: int
    arenas: int


def _in_cycle(cycle_id: int):
    return (sa.select().select_from(Assessment).join(Arena, Arena.id == Assessment.arena_id)
            .where(Assessment.cycle_id == cycle_id))


def cost_total(cycle_id: int) -> CostTotal:
    """The total cost of the cycle's arenas (one statement)."""
    cost = cost_column()
    row = db.session.execute(_in_cycle(cycle_id).add_columns(
        sa.func.coalesce(sa.func.sum(cost), 0), sa.func.count(Assessment.id),
        sa.func.count(cost))).one()
    return CostTotal(total=int(row[0]), arenas=int(row[1]), without_cost=int(row[1] - row[2]))


def cost_by_kind(cycle_id: int) -> dict[ArenaKind, tuple[int, int]]:
    """(cost, arenas) per kind of arena, in the order of ArenaKind."""
    rows = db.session.execute(_in_cycle(cycle_id).add_columns(
        Arena.kind, sa.func.coalesce(sa.func.sum(cost_column()), 0),
        sa.func.count(Assessment.id)).group_by(Arena.kind)).all()
    found = {kind: (int(total), int(count)) for kind, total, count in rows}
    return {kind: found[kind] for kind in ArenaKind if kind in found}


def cost_by_portfolio(cycle_id: int) -> list[PortfolioCost]:
    """Cost and arenas per responsible portfolio; an arena with several counts in each.
    Arenas with no portfolio come last with no name."""
    query = (_in_cycle(cycle_id)
             .outerjoin(arena_portfolios, arena_portfolios.c.arena_id == Arena.id)
             .outerjoin(Portfolio, Portfolio.id == arena_portfolios.c.portfolio_id)
             .add_columns(Portfolio.name_nb, Portfolio.name_en,
                          sa.func.coalesce(sa.func.sum(cost_column()), 0),
                          sa.func.count(Assessment.id))
             .group_by(Portfolio.id, Portfolio.name_nb, Portfolio.name_en))
    rows = [PortfolioCost(nb, en, int(total), int(count))
            for nb, en, total, count in db.session.execute(query)]
    return sorted(rows, key=lambda r: (r.name_nb is None, -r.total, r.name_nb or ""))


def answer_values(cycle_id: int) -> list[dict]:
    """Every assessment's answers in the cycle (the spread of ratings is counted from them)."""
    return [answers or {} for answers in db.session.scalars(
        sa.select(Assessment.answers).where(Assessment.cycle_id == cycle_id))]


def spread(answers: list[dict], key: str, values: tuple[str, ...]) -> Counter:
    """How often each of `values` was given for criterion `key`; None counts the rest."""
    counts: Counter = Counter()
    for answer in answers:
        value = (answer.get(key) or {}).get("value")
        counts[value if value in values else None] += 1
    return counts


def recommendations_and_decisions(cycle_id: int) -> Counter:
    """(recommendation, decision) pairs of the cycle with their count; None where missing."""
    rows = db.session.execute(
        sa.select(Assessment.recommendation, Assessment.decision_outcome,
                  sa.func.count(Assessment.id))
        .where(Assessment.cycle_id == cycle_id)
        .group_by(Assessment.recommendation, Assessment.decision_outcome)).all()
    return Counter({(rec, outcome): int(count) for rec, outcome, count in rows})


def pair_order() -> tuple[tuple, tuple]:
    """The rows (recommendations) and columns (decisions) of the cross table, None last."""
    return (*Recommendation, None), (*DecisionOutcome, None)


@dataclass(frozen=True)
class YearFigures:
    """One cycle of the trend: its year, arenas and total cost."""

    year: int
    arenas: int
    total: int


def trend(published_only: bool, up_to: int | None = None) -> list[YearFigures]:
    """Arenas and cost per cycle, oldest first; the public sees published cycles only, and
    `up_to` leaves out the cycles after that year."""
    query = (sa.select(Cycle.year, sa.func.count(Assessment.id),
                       sa.func.coalesce(sa.func.sum(cost_column()), 0))
             .select_from(Cycle)
             .outerjoin(Assessment, Assessment.cycle_id == Cycle.id)
             .outerjoin(Arena, Arena.id == Assessment.arena_id)
             .group_by(Cycle.year).order_by(Cycle.year))
    if published_only:
        query = query.where(Cycle.status == CycleStatus.PUBLISHED)
    if up_to is not None:
        query = query.where(Cycle.year <= up_to)
    return [YearFigures(int(year), int(count), int(total))
            for year, count, total in db.session.execute(query)]
