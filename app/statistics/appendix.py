"""The statistics for the review's appendix, when the document settings ask for them.

Plain frozen dataclasses like the rest of the document (its fingerprint covers them). The
charts are standalone SVG images (data: URIs) for the HTML and the PDF; the Word file gets the
same tables without the images.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from app.models import Cycle, DocumentSettings
from app.statistics.charts import image_uri
from app.statistics.figures import cycle_statistics


@dataclass(frozen=True)
class AppendixChart:
    """One chart: its title, its table (columns, rows of text) and the SVG image."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    image: str
    alt: str


@dataclass(frozen=True)
class AppendixStatistics:
    """The statistics part of the appendix."""

    title: str
    note: str
    charts: tuple[AppendixChart, ...]


def appendix_statistics(cycle: Cycle, settings: DocumentSettings | None,
                        locale: str) -> AppendixStatistics | None:
    """The cycle's charts for the appendix in `locale`, those with something to show; None unless
    the settings include them and one has.
    The trend stops at the cycle's own year, as the document speaks of that year."""
    if settings is None or not settings.show_statistics:
        return None
    with force_locale(locale):
        stats = cycle_statistics(cycle, published_only=False, up_to=cycle.year)
        charts = tuple(AppendixChart(
            c.title, c.columns, c.display_rows, image_uri(c),
            _("Diagram: %(title)s. Tallene står i tabellen under.", title=c.title))
            for c in stats.charts if not c.empty)  # no empty chart in an archived document
        if not charts:
            return None
        return AppendixStatistics(_("Statistikk"), _(
            "Kostnaden er den som er oppgitt i vurderingen, ellers den som står i registeret."),
            charts)
