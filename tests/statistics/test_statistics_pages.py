"""The statistics page: who may open it, its numbers against the demo's rows, CSV and SVG."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Cycle,
    Portfolio,
)
from tests.conftest import ADMIN, COMMISSIONER, CONTACT, OFFICE, SECRETARY, login, post

OPEN_YEAR = 2026
SVG = "{http://www.w3.org/2000/svg}"


def cycle_of(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def assessments_of(year: int) -> list[Assessment]:
    return list(db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle).where(Cycle.year == year)))


def cost(a: Assessment) -> int:
    """The rule the page states: the assessment's cost, else the register's."""
    value = a.yearly_cost if a.yearly_cost is not None else a.arena.yearly_cost
    return value or 0


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture()
def costed(app):
    """Costs on the 2021 assessments (every third) and in the register (every fifth arena):
    the demo itself gives none."""
    rows = sorted(assessments_of(2021), key=lambda a: a.id)
    for i, a in enumerate(rows):
        if i % 3 == 0:
            a.yearly_cost = 1000 * (i + 1)
        if i % 5 == 0:
            a.arena.yearly_cost = 250 * (i + 2)
    db.session.commit()
    return rows


# --------------------------------------------------------------------------- who may see it


@pytest.mark.parametrize("email, status", [
    (CONTACT, 403), (COMMISSIONER, 403), (SECRETARY, 403), (OFFICE, 200), (ADMIN, 200)])
def test_office_page_is_for_the_office_and_the_administrator(client, email, status):
    login(client, email)
    for year in (2021, OPEN_YEAR):
        assert client.get(f"/statistics/{year}").status_code == status
        assert client.get(f"/statistics/{year}/decisions.csv").status_code == status


def test_office_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/statistics/2021")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/statistics/2021/decisions.csv").status_code == 302


def test_unknown_year_and_chart_are_404(client):
    login(client, OFFICE)
    assert client.get("/statistics/1999").status_code == 404
    assert client.get("/statistics/2021/nothing.csv").status_code == 404
    assert client.get("/publications/2021/statistics/nothing.csv").status_code == 404


def test_public_page_only_for_published_cycles(client):
    assert client.get("/publications/2021/statistics").status_code == 200
    assert client.get("/publications/2021/statistics/decisions.csv").status_code == 200
    assert client.get(f"/publications/{OPEN_YEAR}/statistics").status_code == 404
    assert client.get(f"/publications/{OPEN_YEAR}/statistics/decisions.csv").status_code == 404
    assert client.get("/publications/1999/statistics").status_code == 404
    login(client, OFFICE)  # not even the office sees an unpublished cycle on the public side
    assert client.get(f"/publications/{OPEN_YEAR}/statistics").status_code == 404


def test_links_from_the_dashboard_and_the_public_archive(client, app):
    from app.documents.operations import assemble_document, publish_version
    from app.models import DocumentFormat, User

    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    assemble_document(cycle_of(2021), office, formats=(DocumentFormat.HTML,))
    publish_version(cycle_of(2021), 1, office)
    db.session.commit()
    page = client.get("/publications/2021").get_data(as_text=True)
    assert 'href="/publications/2021/statistics"' in page
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    assert f'href="/statistics/{OPEN_YEAR}"' in page


# --------------------------------------------------------------------------- the numbers


def test_cost_per_kind_and_portfolio_and_total(client, costed):
    rows = costed
    by_kind, by_portfolio = Counter(), Counter()
    for a in rows:
        by_kind[a.arena.kind] += cost(a)
        for p in a.arena.portfolios:
            by_portfolio[p.name_nb] += cost(a)
    total = sum(cost(a) for a in rows)
    assert total > 0
    login(client, OFFICE)
    kinds = read_csv(client.get("/statistics/2021/cost-kind.csv"))
    assert kinds[0] == ["Type arena", "Kostnad"]
    from app.labels import ARENA_KIND_LABELS

    expected = {str(ARENA_KIND_LABELS[k]): str(v) for k, v in by_kind.items()}
    assert {r[0]: r[1] for r in kinds[1:]} == expected
    portfolios = read_csv(client.get("/statistics/2021/cost-portfolio.csv"))
    assert {r[0]: int(r[1]) for r in portfolios[1:]} == dict(by_portfolio)
    page = client.get("/statistics/2021").get_data(as_text=True)
    shown = f"{total:,}".replace(",", "\u00a0") + " kr"
    assert f"Samlet årlig kostnad: {shown} for {len(rows)} arenaer." in page
    without = sum(1 for a in rows if a.yearly_cost is None and a.arena.yearly_cost is None)
    assert f"{without} av dem har ingen oppgitt kostnad." in page


def test_ratings_spread_per_criterion_with_the_municipalitys_own(client):
    cycle = cycle_of(2021)
    own = CriteriaSet(name="Egne kriterier", version=2, criteria=[
        Criterion(key=c.key, position=c.position, kind=c.kind, label_nb=c.label_nb,
                  label_en=c.label_en) for c in cycle.criteria_set.criteria] + [
        Criterion(key="naerhet", position=9, kind=CriterionKind.RATING,
                  label_nb="Nærhet til innbyggerne", label_en="Closeness to residents")])
    cycle.criteria_set = own
    rows = sorted(assessments_of(2021), key=lambda a: a.id)
    for i, a in enumerate(rows[:7]):
        a.answers = {**a.answers, "naerhet": {"value": ("high", "low")[i % 2], "text": "x"}}
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/statistics/2021").get_data(as_text=True)
    assert "Nærhet til innbyggerne: fordeling av svarene" in page
    table = read_csv(client.get("/statistics/2021/ratings-naerhet.csv"))
    assert table == [["Svar", "Antall vurderinger"], ["Stort", "4"], ["Middels", "0"],
                     ["Lite", "3"], ["Ingen", "0"], ["Ikke besvart", str(len(rows) - 7)]]
    for key, words in (("influence", {"high": "Stort", "medium": "Middels", "low": "Lite",
                                      "none": "Ingen"}),
                       ("participation", {"active": "Aktiv deltakelse",
                                          "passive": "Passiv deltakelse"})):
        counts = Counter(words.get((a.answers.get(key) or {}).get("value"), "Ikke besvart")
                         for a in rows)
        table = read_csv(client.get(f"/statistics/2021/ratings-{key}.csv"))
        assert {r[0]: int(r[1]) for r in table[1:]} == {w: counts[w] for w in (
            *words.values(), "Ikke besvart")}
    # the text-only criterion has no spread
    assert client.get("/statistics/2021/ratings-other_value.csv").status_code == 404


def test_recommendations_against_decisions_cross_table(client):
    rows = assessments_of(2021)
    rows[0].decision_outcome = "terminate"  # the council decided otherwise once
    rows[0].recommendation = "continue"
    db.session.commit()
    pairs = Counter((a.recommendation.value if a.recommendation else None,
                     a.decision_outcome.value if a.decision_outcome else None) for a in rows)
    login(client, OFFICE)
    table = read_csv(client.get("/statistics/2021/decisions.csv"))
    from app.labels import DECISION_LABELS, RECOMMENDATION_LABELS

    rec_names = {str(v): k.value for k, v in RECOMMENDATION_LABELS.items()}
    rec_names["Ingen anbefaling"] = None
    dec_names = {f"Vedtak: {v}": k.value for k, v in DECISION_LABELS.items()}
    dec_names["Ikke vedtatt ennå"] = None
    header, body = table[0], table[1:]
    assert header[0] == "Anbefaling"
    found = Counter()
    for row in body:
        for column, cell in zip(header[1:], row[1:], strict=True):
            if int(cell):
                found[(rec_names[row[0]], dec_names[column])] = int(cell)
    assert found == pairs
    assert found[("continue", "terminate")] == 1
    # the open cycle: drafts with no recommendation yet, nothing decided
    table = read_csv(client.get(f"/statistics/{OPEN_YEAR}/decisions.csv"))
    open_pairs = Counter((a.recommendation.value if a.recommendation else None,
                          a.decision_outcome.value if a.decision_outcome else None)
                         for a in assessments_of(OPEN_YEAR))
    found = Counter({(rec_names[row[0]], dec_names[column]): int(cell) for row in table[1:]
                     for column, cell in zip(table[0][1:], row[1:], strict=True) if int(cell)})
    assert found == open_pairs and open_pairs[(None, None)] > 0


def test_trend_over_cycles_public_sees_published_only(client, costed):
    by_year = {}
    for year in (2021, OPEN_YEAR):
        rows = assessments_of(year)
        by_year[year] = (len(rows), sum(cost(a) for a in rows))
    login(client, OFFICE)
    arenas = read_csv(client.get("/statistics/2021/trend-arenas.csv"))
    assert arenas == [["År", "Antall arenaer"]] + [[str(y), str(n)] for y, (n, _c) in
                                                     sorted(by_year.items())]
    costs = read_csv(client.get(f"/statistics/{OPEN_YEAR}/trend-cost.csv"))
    assert costs[1:] == [[str(y), str(c)] for y, (_n, c) in sorted(by_year.items())]
    client.post("/auth/logout")
    public = read_csv(client.get("/publications/2021/statistics/trend-arenas.csv"))
    assert public[1:] == [["2021", str(by_year[2021][0])]]


def test_numbers_are_written_the_norwegian_way(client, costed):
    costed[0].yearly_cost = 1234567
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/statistics/2021").get_data(as_text=True)
    assert "1\u00a0234\u00a0567" in page


def test_english_labels(client):
    login(client, OFFICE)
    post(client, "/language", {"locale": "en"})
    page = client.get("/statistics/2021").get_data(as_text=True)
    assert "Learning outcome: spread of the answers" in page
    assert "Recommendations and decisions" in page
    assert "Statistikk" not in page.split("<main", 1)[-1]


# --------------------------------------------------------------------------- CSV and SVG


def test_csv_neutralises_formulas(client):
    portfolio = db.session.scalar(sa.select(Portfolio).order_by(Portfolio.id).limit(1))
    portfolio.name_nb = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    login(client, OFFICE)
    table = read_csv(client.get("/statistics/2021/cost-portfolio.csv"))
    names = [r[0] for r in table[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


def test_names_are_escaped_in_the_svg_and_the_table(client):
    portfolio = db.session.scalar(sa.select(Portfolio).order_by(Portfolio.id).limit(1))
    portfolio.name_nb = "<script>alert(1)</script> & co"
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/statistics/2021").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_svg_is_well_formed_labelled_and_inline_safe(client, costed):
    login(client, OFFICE)
    response = client.get("/statistics/2021")
    page = response.get_data(as_text=True)
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    keys = re.findall(r'data-chart="([^"]+)"', page)
    assert len(svgs) == len(keys) >= 7
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        assert title is not None and title.text and root.get("aria-label") == title.text
        assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}style"))
        assert all("style" not in el.attrib for el in root.iter())
        assert root.get("viewBox")
        assert root.iter(f"{SVG}rect")  # bars drawn
    # no inline script or style anywhere in the page, and the policy is the site's own
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "script-src 'self';" in policy
    for key in keys:  # every chart has its table and a CSV link
        assert f'id="table-{key}"' in page
        assert f'href="/statistics/2021/{key}.csv"' in page


def test_same_chart_twice_gives_the_same_svg(app):
    from app.statistics.charts import ChartData, image_svg, inline_svg

    data = ChartData("x", "Tittel", "bar", "Kategori", ("a", "b"), (("n", (1, 2)),))
    assert inline_svg(data) == inline_svg(data)
    assert image_svg(data) == image_svg(data)
    assert "<style" in image_svg(data) and "<script" not in image_svg(data)


def test_a_chart_with_nothing_to_show_says_so_in_a_sentence(client, app):
    """The demo gives no costs: the cost charts say so instead of drawing an empty axis."""
    login(client, OFFICE)
    page = client.get("/statistics/2021").get_data(as_text=True)
    section = page[page.index('data-chart="cost-kind"'):page.index('data-chart="cost-portfolio"')]
    assert "Ingen av arenaene har oppgitt kostnad, verken i vurderingen eller i registeret." \
        in section
    assert "<svg" not in section
    assert "<table" in section  # the table still tells the zeros
    decisions = page[page.index('data-chart="decisions"'):]
    assert "<svg" in decisions


def test_a_chart_with_costs_is_drawn(client, costed):
    login(client, OFFICE)
    page = client.get("/statistics/2021").get_data(as_text=True)
    section = page[page.index('data-chart="cost-kind"'):page.index('data-chart="cost-portfolio"')]
    assert "<svg" in section and "Ingen av arenaene har oppgitt kostnad" not in section


@pytest.mark.parametrize("email, shown", [(OFFICE, True), (SECRETARY, False)])
def test_the_cycle_list_links_each_cycles_statistics(client, email, shown):
    """Every cycle's statistics, the closed ones' too, one click from the list of cycles."""
    login(client, email)
    page = client.get("/cycles/").get_data(as_text=True)
    assert ('href="/statistics/2021"' in page) is shown
    assert (f'href="/statistics/{OPEN_YEAR}"' in page) is shown


def test_a_cycle_without_assessments_yet_says_so_in_every_chart(client):
    """A planned cycle has no assessments until it opens: no chart to draw, a sentence each
    (pygal cannot draw a stacked chart with no series at all)."""
    from app.cycles.operations import create_cycle
    from app.models import User

    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    create_cycle(office, 2031)
    db.session.commit()
    login(client, OFFICE)
    response = client.get("/statistics/2031")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sections = dict(re.findall(r'data-chart="([^"]+)">(.*?)</section>', page, flags=re.S))
    own = {key: body for key, body in sections.items() if not key.startswith("trend-")}
    assert len(own) >= 4, sections.keys()  # cost per kind and portfolio, ratings, decisions
    for key, body in own.items():
        assert "stats-empty" in body and "<svg" not in body, key
    # the trend covers the register's other cycles: it still has arenas to draw
    assert "<svg" in sections["trend-arenas"]
    assert "Gjennomgangen har ingen vurderinger ennå." in page
    assert read_csv(client.get("/statistics/2031/decisions.csv"))[0][0] == "Anbefaling"
