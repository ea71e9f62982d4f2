"""The charts of one cycle, in the reader's language, from the queries' figures."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app import labels
from app.models import CriterionKind, Cycle, Participation, Rating
from app.statistics import queries
from app.statistics.charts import ChartData
from app.templating import locale_code, org_label


@dataclass(frozen=True)
class CycleStatistics:
    """Everything the statistics page shows for one cycle."""

    cycle: Cycle
    total: queries.CostTotal
    charts: tuple[ChartData, ...]
    published_only: bool

    def chart(self, key: str) -> ChartData | None:
        """The chart named `key` (as in its CSV address), or None."""
        return next((c for c in self.charts if c.key == key), None)


def _no_cost() -> str:
    return _("Ingen av arenaene har oppgitt kostnad, verken i vurderingen eller i registeret.")


def _cost_by_kind(cycle: Cycle) -> ChartData:
    figures = queries.cost_by_kind(cycle.id)
    return ChartData(
        "cost-kind", _("Årlig kostnad etter type arena"), "bar", _("Type arena"),
        tuple(str(labels.ARENA_KIND_LABELS[k]) for k in figures),
        ((_("Kostnad"), tuple(t for t, _n in figures.values())),), money=True,
        no_data=_no_cost())


def _cost_by_portfolio(cycle: Cycle) -> ChartData:
    en = locale_code() == "en"
    none = _("Uten %(word)s", word=org_label("portfolio_label").lower())
    rows = queries.cost_by_portfolio(cycle.id)
    names = tuple(((r.name_en if en else "") or r.name_nb or none) for r in rows)
    return ChartData(
        "cost-portfolio", _("Årlig kostnad etter %(word)s", word=org_label(
            "portfolio_label").lower()), "hbar", org_label("portfolio_label"), names,
        ((_("Kostnad"), tuple(r.total for r in rows)),), money=True,
        no_data=_no_cost())


def _spreads(cycle: Cycle) -> list[ChartData]:
    answers = queries.answer_values(cycle.id)
    charts = []
    for criterion in cycle.criteria_set.criteria:
        if criterion.kind == CriterionKind.TEXT:
            continue
        members = tuple(Participation if criterion.kind == CriterionKind.PARTICIPATION
                        else Rating)
        words = {**labels.PARTICIPATION_LABELS, **labels.RATING_LABELS}
        counts = queries.spread(answers, criterion.key, tuple(m.value for m in members))
        name = criterion.label(locale_code())
        charts.append(ChartData(
            f"ratings-{criterion.key}", _("%(criterion)s: fordeling av svarene", criterion=name),
            "bar", _("Svar"), (*(str(words[m]) for m in members), _("Ikke besvart")),
            ((_("Antall vurderinger"), (*(counts[m.value] for m in members), counts[None])),),
            no_data=_("Gjennomgangen har ingen vurderinger ennå.")))
    return charts


def _decisions(cycle: Cycle) -> ChartData:
    pairs = queries.recommendations_and_decisions(cycle.id)
    recs, outcomes = queries.pair_order()
    recs = [r for r in recs if any(pairs[(r, o)] for o in outcomes)]
    outcomes = [o for o in outcomes if any(pairs[(r, o)] for r in recs)]
    return ChartData(
        "decisions", _("Anbefalinger og vedtak"), "stacked", _("Anbefaling"),
        tuple(str(labels.RECOMMENDATION_LABELS[r]) if r else _("Ingen anbefaling")
              for r in recs),
        tuple((_("Vedtak: %(outcome)s", outcome=labels.DECISION_LABELS[o]) if o
               else _("Ikke vedtatt ennå"),
               tuple(pairs[(r, o)] for r in recs)) for o in outcomes),
        no_data=_("Gjennomgangen har ingen vurderinger ennå."))


def _trend(published_only: bool, up_to: int | None) -> list[ChartData]:
    years = queries.trend(published_only, up_to)
    labels_ = tuple(str(y.year) for y in years)
    return [
        ChartData("trend-cost", _("Samlet årlig kostnad per gjennomgang"), "line", _("År"),
                  labels_, ((_("Kostnad"), tuple(y.total for y in years)),), money=True,
                  no_data=_("Ingen av gjennomgangene har oppgitte kostnader.")),
        ChartData("trend-arenas", _("Antall arenaer per gjennomgang"), "bar", _("År"),
                  labels_, ((_("Antall arenaer"), tuple(y.arenas for y in years)),),
                  no_data=_("Ingen av gjennomgangene har arenaer ennå.")),
    ]


def cycle_statistics(cycle: Cycle, published_only: bool,
                     up_to: int | None = None) -> CycleStatistics:
    """The figures and charts of `cycle`; `published_only` limits the trend to what is public,
    `up_to` to the cycles until that year."""
    charts = (_cost_by_kind(cycle), _cost_by_portfolio(cycle), *_spreads(cycle),
              _decisions(cycle), *_trend(published_only, up_to))
    return CycleStatistics(cycle, queries.cost_total(cycle.id), charts, published_only)
