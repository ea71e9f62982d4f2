"""Charts as SVG (pygal) and the data table and CSV of each, from the figures in queries.py.

Pygal writes a <style> element, style attributes and a <script> into its SVG. The page's
Content-Security-Policy allows neither inline styles nor inline scripts, so the SVG shown in a
page has all three taken out and is styled by static/statistics.css (`inline_svg`). An SVG used
as an image (the review's appendix) is a document of its own: it keeps pygal's stylesheet and
loses only the script (`image_svg`).
"""

from __future__ import annotations

import base64
import csv
import io
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pygal
from pygal.style import Style

from app.formula_guard import csv_row
from app.templating import nok

# Pygal puts an import hook for its map plugins (pygal.maps.*, unused here) on sys.meta_path;
# it has no find_spec, so every later failed import warns (ImportWarning, an error in tests).
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Distinct on white and for the common colour-vision deficiencies (Okabe–Ito, darkened).
COLOURS = ("#0062BA", "#C05600", "#00785A", "#8E3D8A", "#A3291E", "#4D5B66", "#806C00")
CHART_TYPES = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "stacked": pygal.StackedBar,
               "line": pygal.Line}
FONT = "Inter, 'DejaVu Sans', Arial, sans-serif"
STYLE = Style(background="transparent", plot_background="#ffffff", foreground="#1e2b3c",
              foreground_strong="#1e2b3c", foreground_subtle="#4d5b66", colors=COLOURS,
              font_family=FONT, title_font_size=18, label_font_size=13,
              major_label_font_size=13, legend_font_size=13, value_font_size=13,
              opacity=".9", opacity_hover=".9", transition="0ms",
              guide_stroke_color="#c7ced6", major_guide_stroke_color="#8c98a4")
_UUID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class ChartData:
    """One chart: categories along one axis, one or more series of whole numbers."""

    key: str
    title: str
    kind: str  # a key of CHART_TYPES
    category: str  # the heading of the categories' column in the table
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]
    money: bool = False
    no_data: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's headings: the categories' column, then one per series."""
        return (self.category, *(name for name, _values in self.series))

    @property
    def rows(self) -> tuple[tuple, ...]:
        """The table's rows as numbers: one per category."""
        return tuple((label, *(values[i] for _name, values in self.series))
                     for i, label in enumerate(self.labels))

    @property
    def display_rows(self) -> tuple[tuple[str, ...], ...]:
        """The table's rows as the page shows them (kroner and counts the Norwegian way)."""
        return tuple((row[0], *(self.number(v) for v in row[1:])) for row in self.rows)

    def number(self, value: float) -> str:
        """A whole number or amount the Norwegian way ("12 500 kr"; no-break spaces)."""
        whole = int(round(value))
        return nok(whole) if self.money else f"{whole:,}".replace(",", "\u00a0")

    @property
    def empty(self) -> bool:
        """Nothing to draw: no categories, or every value is zero (no costs given, say)."""
        return self.highest == 0

    @property
    def highest(self) -> int:
        """The longest bar: the largest value, or the largest sum when the bars are stacked."""
        if self.kind == "stacked":
            return max((sum(row[1:]) for row in self.rows), default=0)
        return max((v for _name, values in self.series for v in values), default=0)


def ticks(highest: int) -> list[int]:
    """Whole-number steps of 1, 2 or 5 times a power of ten, at most eight, up past `highest`."""
    step = 1
    while highest / step > 8:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10 → 20 ...
            step = int(step * factor)
            if highest / step <= 8:
                break
    top = -(-max(highest, 1) // step) * step
    return list(range(0, top + 1, step))


def _chart(data: ChartData):
    chart = CHART_TYPES[data.kind](
        style=STYLE, width=800, height=420, disable_xml_declaration=True, js=[],
        title=data.title, show_legend=len(data.series) > 1, legend_at_bottom=True,
        truncate_label=36, truncate_legend=40, value_formatter=data.number,
        no_data_text=data.no_data, print_values=False, x_label_rotation=0,
        y_labels=ticks(data.highest), include_x_axis=True,
    )
    # A horizontal chart draws its first category at the bottom: reversed, it reads like the
    # table, top down.
    order = slice(None, None, -1) if data.kind == "hbar" else slice(None)
    chart.x_labels = list(data.labels)[order]
    for name, values in data.series:
        chart.add(name, list(values)[order])
    return chart


def _tree(data: ChartData) -> ET.Element:
    """Pygal's SVG as a tree, without its script and comments, with a stable id."""
    text = _UUID.sub(f"chart-{data.key}", _chart(data).render(is_unicode=True))
    root = ET.fromstring(text)  # comments are dropped by the parser
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}script":
                parent.remove(child)
    root.set("role", "img")
    root.set("aria-label", data.title)
    return root


def _text(root: ET.Element) -> str:
    """The tree as SVG text with the SVG namespace as default: no "ns0:" prefixes, whatever
    other code registered in ElementTree's process-wide prefix table."""
    ET.register_namespace("", SVG_NS)  # drops any other prefix registered for it
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def inline_svg(data: ChartData) -> str:
    """The chart for a page: no script, no <style>, no style attributes (CSS-safe)."""
    root = _tree(data)
    for parent in root.iter():
        parent.attrib.pop("style", None)
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}style":
                parent.remove(child)
    root.set("class", "stats-chart pygal-chart")
    root.set("focusable", "false")
    return _text(root)


def image_svg(data: ChartData) -> str:
    """The chart as a standalone SVG document (its own stylesheet kept) for an <img>."""
    return _text(_tree(data))


def image_uri(data: ChartData) -> str:
    """The standalone SVG as a data: URI."""
    payload = base64.b64encode(image_svg(data).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{payload}"


def csv_text(data: ChartData) -> str:
    """The chart's table as CSV (semicolons, byte-order mark), every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row(data.columns))
    for row in data.rows:
        writer.writerow(csv_row(row))
    return "\ufeff" + buffer.getvalue()
