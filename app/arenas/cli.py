"""`flask arenas import FILE` and `flask arenas export FILE`: the register as CSV, XLSX or YAML.

The format comes from the file's extension (.csv, .xlsx, .yaml/.yml). Import is all or nothing:
exit code 0 when the file was imported (or changed nothing), 1 when it was refused (every bad
row is listed on stderr), 2 for a usage error (missing file, unknown export format).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from app.arenas.exporting import export_register, format_of
from app.arenas.importing import ImportRefused, ImportReport, import_arenas
from app.arenas.reading import MAX_BYTES
from app.extensions import db

arenas_cli = AppGroup("arenas", help="The arena register.")
LOCALE_OPTION = click.option("--locale", type=click.Choice(["nb", "en"]), default="nb",
                             show_default=True, help="Language of the report.")
# update_arena names the portfolios "portfolio_ids"; the file calls that column "responsible".
COLUMN_OF_FIELD = {"portfolio_ids": "responsible"}


def report_lines(report: ImportReport) -> list[str]:
    """The import report for a terminal: the summary, then one line per changed arena."""
    lines = [report.summary()]
    lines += [_("  ny: %(name)s", name=name) for name in report.created]
    lines += [_("  endret: %(name)s (%(fields)s)", name=name,
                fields=", ".join(COLUMN_OF_FIELD.get(f, f) for f in changes))
              for name, changes in report.updated]
    return lines


def run_import(path: Path) -> int:
    """Import the file at `path`, commit when it was good; the command's exit code."""
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse
    try:
        report = import_arenas(None, path.name, data)
    except ImportRefused as refused:
        db.session.rollback()
        click.echo(_("Ingenting er importert. Filen har %(count)s feil:",
                     count=len(refused.problems)), err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        return 1
    db.session.commit()
    for line in report_lines(report):
        click.echo(line)
    return 0


@arenas_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@LOCALE_OPTION
def import_command(path: Path, locale: str) -> None:
    """Import the register from FILE (.csv, .xlsx or .yaml), all or nothing."""
    with force_locale(locale):
        code = run_import(path)
    raise SystemExit(code)


@arenas_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@LOCALE_OPTION
def export_command(path: Path, locale: str) -> None:
    """Export the whole register to FILE (.csv, .xlsx or .yaml)."""
    fmt = format_of(path.name)
    if fmt is None:
        raise click.UsageError("Unknown format: the file name must end in .csv, .xlsx or .yaml.")
    path.write_bytes(export_register(fmt))
    with force_locale(locale):
        click.echo(_("Registeret er eksportert til %(path)s.", path=path))
