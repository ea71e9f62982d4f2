"""Benchmark of the review document: `python -m bench document` (all of them: `make bench`).

Assembles (builds the structure from the database, then renders) the demo's 2021 review
(39 arenas) and a generated 1,000-arena cycle in DOCX, PDF and HTML, and renders the same content
with the bare libraries (python-docx, WeasyPrint, Jinja with no styles, fonts, fields, tags or
PDF/A) in the same run, so the render/bare ratios do not depend on how busy the machine is; the
builder's own time (its queries) is shown apart. Time is the best of a few runs; peak memory is
measured in a separate pass with tracemalloc (which slows Python down, so it never touches the
timings).

Targets (from the issue): 40 arenas HTML < 0.3 s, DOCX < 1 s, PDF < 3 s; 1,000 arenas no more
than 30 x the 40-arena time; the demo's PDF at most 1.5 x bare WeasyPrint laying out the same
HTML (the app's own pdf.html, fonts included) with its default options, alternating runs, the
best of each: what PDF/A-2b and the tags cost on top of the layout.

The database is SQLite, or with BENCH_DATABASE_URL a throw-away PostgreSQL database.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path

import jinja2
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"html": 0.3, "docx": 1.0, "pdf": 3.0}
SCALE_LIMIT = 30
LARGE = 1000
RUNS = {"html": 5, "docx": 3, "pdf": 1}
BARE_TEMPLATE = jinja2.Template(
    "<html><body><h1>{{ d.title }}</h1>{% for s in d.sections %}<h2>{{ s.name }}</h2>"
    "{% for p in paragraphs(s) %}<p>{{ p }}</p>{% endfor %}{% endfor %}<table>"
    "{% for r in d.appendix.rows %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>"
    "{% endfor %}</table></body></html>", autoescape=True)


def paragraphs(section) -> list[str]:
    """The text of one section, as the bare renderers get it."""
    return [t for t in (*section.body, section.ratings, section.recommendation,
                        section.council_lines) if t]


# --------------------------------------------------------------------------- set-up


def make_app(url: str):
    """The app on the fresh database at `url`, migrated, with the demo loaded."""
    import flask_migrate

    from app import create_app
    from app.demo.loader import load_demo
    from app.extensions import db
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        load_demo(date(2026, 3, 2))
        db.session.commit()
    return app


def generate_cycle(count: int, year: int = 2030) -> int:
    """A decided cycle of `count` arenas, their texts copied from the demo's arenas."""
    from app.extensions import db
    from app.models import Arena, ArenaKind, Assessment, Cycle, CycleStatus, Portfolio

    demo = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    sources = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == demo.id)
                                 .order_by(Assessment.id)).all()
    portfolios = db.session.scalars(sa.select(Portfolio).order_by(Portfolio.code)).all()
    cycle = Cycle(year=year, title=f"Gjennomgang {year}", status=CycleStatus.AWAITING_DECISION,
                  criteria_set_id=demo.criteria_set_id, introduction_nb=demo.introduction_nb,
                  archive_reference="2030/1-1", council_meeting_date=date(year, 5, 4))
    db.session.add(cycle)
    for i in range(count):
        source = sources[i % len(sources)]
        kind = ArenaKind.FRIENDSHIP_CITY if i % 40 == 39 else source.arena.kind
        arena = Arena(key=f"bench-{i}", name=f"{source.arena.name} – {i:04d}", kind=kind,
                      description_nb=source.arena.description_nb,
                      portfolios=portfolios[i % 7:i % 7 + 1 + i % 2])
        db.session.add(Assessment(
            cycle=cycle, arena=arena, state=source.state, answers=source.answers,
            recommendation=source.recommendation,
            recommendation_reason=source.recommendation_reason,
            routed_to_council=source.routed_to_council, decision_outcome=source.decision_outcome))
    db.session.commit()
    return cycle.id


# --------------------------------------------------------------------------- renderers


def ours(fmt: str) -> Callable:
    """The app's own renderer for `fmt` (styles, fonts, fields, tags, PDF/A)."""
    from app.documents.operations import renderer_for
    from app.models import DocumentFormat

    write = renderer_for(DocumentFormat(fmt))

    def render(_cycle_id, doc) -> int:
        stream = io.BytesIO()
        write(doc, stream)
        return stream.tell()

    return render


def build(cycle_id: int, _doc):
    """The builder alone: every query of the document."""
    from app.documents.builder import build_review

    return build_review(cycle_id)


def bare(fmt: str) -> Callable:
    """The same content through the bare library (the structure is built beforehand)."""
    def html(_cycle_id, doc) -> int:
        return len(BARE_TEMPLATE.render(d=doc, paragraphs=paragraphs))

    def pdf(_cycle_id, doc) -> int:
        from weasyprint import HTML

        return len(HTML(string=BARE_TEMPLATE.render(d=doc, paragraphs=paragraphs)).write_pdf())

    def docx(_cycle_id, doc) -> int:
        from docx import Document

        word = Document()
        word.add_heading(doc.title, 0)
        for section in doc.sections:
            word.add_heading(section.name, 2)
            for text in paragraphs(section):
                word.add_paragraph(text)
        table = word.add_table(rows=len(doc.appendix.rows), cols=len(doc.appendix.columns))
        for row, values in zip(table.rows, doc.appendix.rows, strict=True):
            for cell, text in zip(row.cells, values, strict=True):
                cell.text = text
        stream = io.BytesIO()
        word.save(stream)
        return stream.tell()

    return {"html": html, "pdf": pdf, "docx": docx}[fmt]


def same_html_ratio(doc, pairs: int = 3) -> tuple[float, float]:
    """(the app's PDF, bare WeasyPrint on the same HTML) in seconds, best of alternating runs."""
    from weasyprint import HTML

    from app import ROOT as APP_ROOT
    from app.documents.pdf_renderer import pdf_html

    ours_pdf = ours("pdf")

    def plain(_cycle_id, _doc) -> int:
        return len(HTML(string=pdf_html(doc), base_url=str(APP_ROOT)).write_pdf())

    best = [float("inf"), float("inf")]
    for _ in range(pairs):
        best[0] = min(best[0], best_time(ours_pdf, 0, doc, 1))
        best[1] = min(best[1], best_time(plain, 0, doc, 1))
    return best[0], best[1]


# --------------------------------------------------------------------------- measuring


def best_time(run: Callable, cycle_id: int, doc, runs: int) -> float:
    """The fastest of `runs` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(cycle_id, doc)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(run: Callable, cycle_id: int, doc) -> float:
    """Peak memory Python allocated during one run, in MiB."""
    tracemalloc.start()
    try:
        run(cycle_id, doc)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(label: str, cycle_id: int, results: dict) -> None:
    """Time and memory of every format, ours and bare, for one cycle."""
    from app.documents.builder import build_review

    doc = build_review(cycle_id)
    build_s = best_time(build, cycle_id, None, 3)
    for fmt in ("html", "docx", "pdf"):
        runs = RUNS[fmt] if len(doc.sections) < 100 else 1
        row = {"arenas": len(doc.sections), "build_s": build_s}
        for name, run in (("ours", ours(fmt)), ("bare", bare(fmt))):
            row[f"{name}_s"] = best_time(run, cycle_id, doc, runs)
            row[f"{name}_mib"] = peak_memory(run, cycle_id, doc)
        row["total_s"] = build_s + row["ours_s"]
        results[(label, fmt)] = row
        print_row(label, fmt, row)


HEADER = (f"{'cycle':6} {'fmt':5} {'arenas':>6} {'build s':>8} {'render s':>9} {'bare s':>8} "
          f"{'render/bare':>11} {'total s':>8} {'MiB':>6} {'bare MiB':>8} {'MiB/bare':>8}")


def print_row(label: str, fmt: str, row: dict) -> None:
    """One line of the table."""
    print(f"{label:6} {fmt:5} {row['arenas']:6d} {row['build_s']:8.3f} {row['ours_s']:9.3f} "
          f"{row['bare_s']:8.3f} {row['ours_s'] / max(row['bare_s'], 1e-6):10.2f}x "
          f"{row['total_s']:8.3f} {row['ours_mib']:6.1f} {row['bare_mib']:8.1f} "
          f"{row['ours_mib'] / max(row['bare_mib'], 0.01):7.2f}x", flush=True)


PDF_SAME_HTML_LIMIT = 1.5
SCALE_MISS_REASON = (
    "the demo and the large cycle are timed minutes apart, so on shared cores their ratio "
    "carries the change in load; the render/bare column (both timed together) is the figure "
    "that load does not move")
PDF_MISS_REASON = (
    "what is left on top of WeasyPrint's layout is PDF/A-2b and the tagged structure, both "
    "required of the document; the ratio moves by a third between runs on shared cores")


def verdicts(results: dict) -> list[str]:
    """One line per target: the figure, the limit, and whether it is met."""
    ours_s, plain_s = results["same_html"]
    ratio = ours_s / plain_s
    lines = [f"{'ok  ' if ratio <= PDF_SAME_HTML_LIMIT else 'MISS'} demo pdf: {ours_s:.3f} s = "
             f"{ratio:.2f} x bare WeasyPrint on the same HTML ({plain_s:.3f} s; target <= "
             f"{PDF_SAME_HTML_LIMIT} x)"]
    for fmt, limit in TARGETS.items():
        small = results[("demo", fmt)]["total_s"]
        large = results[("large", fmt)]["total_s"]
        lines.append(f"{'ok  ' if small < limit else 'MISS'} demo {fmt}: {small:.3f} s to "
                     f"assemble (target < {limit} s)")
        lines.append(f"{'ok  ' if large <= SCALE_LIMIT * small else 'MISS'} {LARGE} arenas "
                     f"{fmt}: {large / small:.1f} x the demo (target <= {SCALE_LIMIT} x)")
    return lines


def main(kind: str = "sqlite") -> int:
    """Run the benchmark and print the table and the verdicts; exit 1 if a target is missed."""
    from bench.databases import fresh_database

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="review-bench-") as temp, \
            fresh_database(kind, Path(temp), "document") as url:
        app = make_app(url)
        with app.app_context():
            from app.extensions import db
            from app.models import Cycle

            demo_id = db.session.scalar(sa.select(Cycle.id).where(Cycle.year == 2021))
            large_id = generate_cycle(LARGE)
            print(HEADER)
            results: dict = {}
            measure("demo", demo_id, results)
            from app.documents.builder import build_review

            results["same_html"] = same_html_ratio(build_review(demo_id))
            measure("large", large_id, results)
            db.session.remove()
            db.engine.dispose()
    lines = verdicts(results)
    print("\n".join(lines))
    for line in lines:
        if line.startswith("MISS") and "x the demo" in line:
            print(f"MISS {line[5:].split(':')[0]}: {SCALE_MISS_REASON}")
        elif line.startswith("MISS") and "same HTML" in line:
            print(f"MISS demo pdf: {PDF_MISS_REASON}")
    return 0 if all(line.startswith("ok") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
