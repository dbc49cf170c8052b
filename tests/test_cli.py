"""The command line as a user types it: real subprocesses for the main paths."""

import csv
import subprocess
import sys

import pytest
from click.testing import CliRunner

from sociale_kaart.cli import cli


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_join_maassluis_through_the_cli(buurten_2016, kwb_2024, tmp_path):
    result = run("join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
                 "--uitvoer", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "gekoppeld:                   19 buurten" in result.stdout
    with open(tmp_path / "maassluis_buurten.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 19
    dijk = next(r for r in rows if r["buurtnaam"] == "De Dijk")
    assert dijk["wmo_per_1000"] == "" and dijk["wmo_per_1000_status"] == "onderdrukt"
    assert (tmp_path / "maassluis_koppelrapport.txt").read_text(encoding="utf-8").startswith("Koppeling")
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_schiedam_report_in_cli_output(buurten_2016, kwb_2024, tmp_path):
    result = run("join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "GM0606",
                 "--uitvoer", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "42 buurten" in result.stdout and "alleen in de grenzen:        10" in result.stdout
    assert "alleen in de cijfers:        28" in result.stdout


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing_file", "bestand niet gevonden"),
        ("unknown_gemeente", "gemeente 'Atlantis' komt niet voor"),
        ("not_kwb", "geen kolom met de buurtcode"),
        ("no_crs", "geen coördinatenstelsel"),
    ],
)
def test_bad_input_one_line_nonzero_exit_nothing_written(case, expected, buurten_2016, kwb_2024, tmp_path):
    out = tmp_path / "uit"
    grenzen, kwb, gemeente = str(buurten_2016), str(kwb_2024), "GM0556"
    if case == "missing_file":
        grenzen = str(tmp_path / "bestaat_niet.gpkg")
    elif case == "unknown_gemeente":
        gemeente = "Atlantis"
    elif case == "not_kwb":
        kwb = str(tmp_path / "adressen.csv")
        (tmp_path / "adressen.csv").write_text("straat;huisnummer\nMarkt;1\n")
    elif case == "no_crs":
        import geopandas as gpd

        shp = tmp_path / "zonder_crs.shp"
        gpd.read_file(buurten_2016, layer="buurten", where="gemeentecode='GM0556'").to_file(shp)
        (tmp_path / "zonder_crs.prj").unlink()
        grenzen = str(shp)
    result = run("join", "--grenzen", grenzen, "--kwb", kwb, "--gemeente", gemeente, "--uitvoer", str(out))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("fout:")]
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_demo_runs_on_the_bundled_sample(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "--uitvoer", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "FICTIEF" in result.output
    with open(tmp_path / "voorbeeldstad_fictief_buurten.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 16
    # Registration counts of 1-4 never reach an output file.
    for row in rows:
        for col in ("reg_schuldhulp", "reg_huurachterstand", "reg_overlast", "reg_eenzaamheid"):
            assert row[col] == "" or float(row[col].replace(",", ".")) == 0 or float(row[col].replace(",", ".")) >= 5


def test_help_starts_without_heavy_imports():
    code = "import sys, sociale_kaart.cli; print(sorted(m for m in ('geopandas','pandas','folium','matplotlib') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_indicatoren_lists_definitions():
    result = CliRunner().invoke(cli, ["indicatoren"])
    assert result.exit_code == 0 and "wmo_per_1000" in result.output and "per 1.000 inwoners" in result.output


def test_usage_errors_are_dutch():
    missing = run("join", "--kwb", "x.csv")
    assert missing.returncode == 2
    assert "fout: de optie --grenzen ontbreekt (zie 'sociale-kaart join --help')" in missing.stderr
    typo = run("mapp")
    assert typo.returncode == 2 and "onbekende opdracht 'mapp'; bedoelde u 'map'?" in typo.stderr
