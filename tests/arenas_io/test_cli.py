"""`flask arenas import|export FILE`: exit codes, the report, the list of problems."""

from __future__ import annotations

from tests.arenas_io.files import arena, arena_count, cli_import, csv_bytes, new_rows, row
from tests.conftest import fingerprint


def test_a_good_file_exits_0_and_reports_what_changed(runner, tmp_path):
    data = csv_bytes([row(key="ny-1", name="Ny arena"),
                      {"key": "eurocities", "name": "Eurocities", "kind": "network",
                       "responsible": "BL;KMB", "yearly_cost": "5"}],
                     columns=("key", "name", "kind", "responsible", "yearly_cost"))
    result = cli_import(runner, tmp_path, data)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Importen er fullført. Nye: 1, endret: 1, uendret: 0.",
        "  ny: Ny arena",
        "  endret: Eurocities (yearly_cost, responsible)",
    ]
    assert result.stderr == ""
    assert arena("ny-1").name == "Ny arena"


def test_a_bad_file_exits_1_lists_every_problem_and_changes_nothing(runner, tmp_path):
    rows = new_rows(200)
    rows[136]["responsible"] = "XYZ"
    rows[199]["kind"] = "klubb"
    before, count = fingerprint(), arena_count()
    result = cli_import(runner, tmp_path, csv_bytes(rows))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Ingenting er importert. Filen har 2 feil:",
        "  Linje 138 (responsible): Ukjent kode for byrådsavdeling: «XYZ».",
        "  Linje 201 (kind): Ukjent type «klubb». Gyldige typer: organisation, network, "
        "programme, friendship_city.",
    ]
    assert fingerprint() == before
    assert arena_count() == count


def test_a_file_level_problem_has_no_line(runner, tmp_path):
    result = cli_import(runner, tmp_path, b"x", "arenaer.xlsx")
    assert result.exit_code == 1
    assert "  Filen kan ikke leses som et Excel-regneark (.xlsx).\n" in result.stderr


def test_an_unsupported_extension_is_refused_with_exit_1(runner, tmp_path):
    result = cli_import(runner, tmp_path, b"name\nx\n", "arenaer.json")
    assert result.exit_code == 1
    assert "Filtypen støttes ikke" in result.stderr


def test_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["arenas", "import", str(tmp_path / "finnes-ikke.csv")])
    assert result.exit_code == 2


def test_the_report_can_be_in_english(runner, tmp_path):
    result = cli_import(runner, tmp_path, csv_bytes([row(name="")]), "a.csv", "--locale", "en")
    assert result.exit_code == 1
    assert "(name)" in result.stderr
    assert runner.invoke(args=["arenas", "import", "--locale", "de", "x.csv"]).exit_code == 2


def test_export_writes_the_file_and_exits_0(runner, tmp_path):
    path = tmp_path / "register.yaml"
    result = runner.invoke(args=["arenas", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Registeret er eksportert til {path}.\n"
    assert path.read_text(encoding="utf-8").startswith("- key: ")


def test_export_to_an_unknown_format_is_a_usage_error(runner, tmp_path):
    path = tmp_path / "register.json"
    result = runner.invoke(args=["arenas", "export", str(path)])
    assert result.exit_code == 2
    assert "must end in .csv, .xlsx or .yaml" in result.output
    assert not path.exists()
