"""The command line as a user types it: ``sociale-kaart`` in a fresh process (or click's CliRunner)."""

import csv
import json
import re
import subprocess
import sys
import tomllib

import pytest
from click.testing import CliRunner

from sociale_kaart.cli import cli

#: The product commands; each takes the same run options.
PRODUCT_COMMANDS = ("maak", "koppel", "aandacht", "kaart", "kaarten", "profiel", "briefing")
#: What a finished run leaves besides its products: the manifest and the lock of the output folder.
RUN_FILES = {".sociale-kaart.json", ".sociale-kaart.lock"}


def run(*args, cwd):
    """``sociale-kaart <args>`` in a fresh process, in `cwd` (a folder without a project file)."""
    return subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args], capture_output=True, text=True, cwd=cwd)


def read_csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as handle:  # written with a BOM, as Excel wants it
        return list(csv.DictReader(handle, delimiter=";"))


def error_line(result) -> str:
    """The one ``fout:`` line of a failed command (and nothing that looks like a traceback)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("fout:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_join_maassluis_through_the_cli(buurten_2016, kwb_2024, kwb_rows, tmp_path):
    out = tmp_path / "uit"
    result = run("join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
                 "--uitvoer", str(out), "--stil", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --stil: no progress
    assert "gekoppeld:                   19 buurten" in result.stdout
    rows = read_csv(out / "maassluis_buurten.csv")
    assert sorted(r["buurtcode"] for r in rows) == sorted(c for c in kwb_rows if c.startswith("BU0556"))
    dijk = next(r for r in rows if r["buurtnaam"] == "De Dijk")
    assert dijk["wmo_per_1000"] == "" and dijk["wmo_per_1000_status"] == "onderdrukt"
    assert (out / "maassluis_koppelrapport.txt").read_text(encoding="utf-8").startswith("Koppeling")
    # No temporary files left behind: besides the products only the manifest (listing every product) and the lock.
    hidden = {p.name for p in out.iterdir() if p.name.startswith(".")}
    assert hidden == RUN_FILES
    manifest = json.loads((out / ".sociale-kaart.json").read_text(encoding="utf-8"))
    assert sorted(manifest["bestanden"]) == sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert f"  {out / 'maassluis_buurten.csv'}" in result.stdout.splitlines()  # "Geschreven:" lists it


def test_schiedam_report_in_cli_output(buurten_2016, kwb_2024, tmp_path):
    result = run("join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "GM0606",
                 "--uitvoer", str(tmp_path / "uit"), "--stil", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "42 buurten" in result.stdout and "alleen in de grenzen:        10" in result.stdout
    assert "alleen in de cijfers:        28" in result.stdout


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing_file", "bestand niet gevonden"),
        ("unknown_gemeente", "gemeente 'Atlantis' komt niet voor"),
        ("not_kwb", "adressen.csv: geen kolom met de buurtcode"),
        ("no_crs", "zonder_crs.shp: het bestand heeft geen coördinatenstelsel"),
        ("missing_project", "projectbestand niet gevonden"),
    ],
)
def test_bad_input_one_line_nonzero_exit_nothing_written(case, expected, sample_paths, tmp_path):
    out = tmp_path / "uit"
    grenzen, kwb, extra = str(sample_paths["grenzen"]), str(sample_paths["kwb"]), ["--gemeente", "GM9999"]
    if case == "missing_file":
        grenzen = str(tmp_path / "bestaat_niet.gpkg")
    elif case == "unknown_gemeente":
        extra = ["--gemeente", "Atlantis"]
    elif case == "not_kwb":
        kwb = str(tmp_path / "adressen.csv")
        (tmp_path / "adressen.csv").write_text("straat;huisnummer\nMarkt;1\n")
    elif case == "no_crs":
        import geopandas as gpd

        shp = tmp_path / "zonder_crs.shp"
        gpd.read_file(sample_paths["grenzen"], layer="buurten").to_file(shp)
        (tmp_path / "zonder_crs.prj").unlink()
        grenzen = str(shp)
    elif case == "missing_project":
        extra = ["--project", str(tmp_path / "weg.toml")]
    result = run("join", "--grenzen", grenzen, "--kwb", kwb, *extra, "--uitvoer", str(out), "--stil", cwd=tmp_path)
    assert result.returncode == 1
    assert expected in error_line(result)
    assert not out.exists() or not any(out.iterdir())


def test_demo_runs_on_the_bundled_sample(sample_paths, demo_made):
    output, folder = demo_made
    assert "FICTIEF" in output and (folder / "index.html").exists()
    rows = read_csv(folder / "voorbeeldstad_fictief_buurten.csv")
    raw = {r["buurtcode"]: r for r in read_csv(sample_paths["registraties"])}
    assert len(rows) == len(raw) == 16
    # Registration counts of 1-4 never reach an output file; other counts are shown rounded to a multiple
    # of 5 (half up), or suppressed as well where a small one could otherwise be worked out.
    small = hidden_more = 0
    for row in rows:
        for column in ("schuldhulp", "huurachterstand"):
            count = int(raw[row["buurtcode"][2:]][column])
            small += 0 < count < 5
            shown = row[f"reg_{column}"]
            if 0 < count < 5:
                assert shown == "", (row["buurtcode"], column)
            elif shown == "":
                hidden_more += 1
            else:
                assert int(shown) == 5 * int(count / 5 + 0.5), (row["buurtcode"], column, count, shown)
        for column in ("reg_overlast", "reg_eenzaamheid"):
            assert row[column] == "" or int(row[column]) == 0 or int(row[column]) >= 5
    assert small > 0  # the sample does have small counts to protect
    assert hidden_more > 0  # and a secondary suppression keeps them from being worked out from the total


def test_init_then_maak_reads_the_project_file(sample_paths, tmp_path):
    result = run("init", "--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]),
                 "--gemeente", "GM9999", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "sociale-kaart.toml"
    settings = tomllib.loads(project.read_text(encoding="utf-8"))
    assert settings["bronnen"]["grenzen"] == str(sample_paths["grenzen"])
    assert settings["gebied"]["gemeenten"] == ["GM9999"]
    again = run("init", cwd=tmp_path)
    assert again.returncode == 1 and "--overschrijf" in error_line(again)
    # No --grenzen or --kwb: they come from the project file; the output folder too ([uitvoer] map).
    made = run("maak", "--product", "tabellen", "--stil", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    folder = tmp_path / settings["uitvoer"]["map"]
    assert len(read_csv(folder / "voorbeeldstad_fictief_buurten.csv")) == 16
    assert not list(folder.glob("*_kaart.html"))  # only the product asked for (and the index)


def test_help_starts_without_heavy_imports():
    code = (
        "import sys\n"
        "from sociale_kaart.cli import main\n"
        "sys.argv = ['sociale-kaart', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('geopandas', 'pandas', 'folium', 'matplotlib') if m in sys.modules)\n"
        "print('geladen:', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Gebruik: sociale-kaart" in result.stdout and "maak" in result.stdout  # the help was printed
    assert result.stderr.strip() == "geladen: []"


def test_every_product_command_takes_the_same_options():
    options = {name: {p.name for p in cli.commands[name].params} for name in PRODUCT_COMMANDS}
    common = set.intersection(*options.values())
    assert {"grenzen", "kwb", "gemeenten", "registraties", "hotspots", "uitvoer", "stil", "project"} <= common
    for name, names in options.items():
        assert names - common <= {"chosen", "insluiten", "met_profielen"}, name
    assert all("aandacht" not in names for names in options.values())


def test_indicatoren_lists_definitions():
    from sociale_kaart.combine.indicators import CORE_INDICATORS

    result = CliRunner().invoke(cli, ["indicatoren"])
    assert result.exit_code == 0
    for ind in CORE_INDICATORS:
        assert ind.key in result.output and f"({ind.unit})" in result.output
    assert "misdrijven_totaal_per_1000" in result.output and "Politie, tabel 47018NED" in result.output
    assert "lbm_klasse" in result.output and "Leefbaarometer" in result.output


def test_help_reads_in_full_with_dutch_names_groups_and_examples(tmp_path):
    main_help = run("--help", cwd=tmp_path)
    assert main_help.returncode == 0
    lines = main_help.stdout.splitlines()
    assert not [line for line in lines if line.rstrip().endswith("...")]
    for dutch, english in (("kaart", "map"), ("aandacht", "flag"), ("koppel", "join"), ("ophalen", "fetch"),
                           ("kaarten", "plot")):
        assert any(line.strip().startswith(f"{dutch} ({english})") for line in lines), dutch
        assert cli.get_command(None, english) is cli.get_command(None, dutch)  # the old name keeps working
    for name in ("maak", "profiel", "briefing", "init", "demo"):
        assert any(line.strip().startswith(name + " ") for line in lines), name
    kaart = run("kaart", "--help", cwd=tmp_path)
    assert kaart.returncode == 0 and "Gebruik: sociale-kaart kaart [OPTIES]" in kaart.stdout
    headings = [line for line in kaart.stdout.splitlines() if line and not line.startswith(" ")]
    assert [h for h in headings if h in ("Bronnen:", "Regels:", "Kaart:", "Uitvoer:")] == \
        ["Bronnen:", "Regels:", "Kaart:", "Uitvoer:"]
    assert "sociale-kaart kaart --grenzen" in kaart.stdout.split("Voorbeeld:", 1)[1]
    for name in cli.commands:
        text = CliRunner().invoke(cli, [name, "--help"]).output
        assert re.search(r"^Voorbeeld(en)?:\n  sociale-kaart " + name, text, re.M), name


def test_init_asks_for_sources_only_when_they_are_missing(tmp_path):
    (tmp_path / "g.gpkg").touch()
    (tmp_path / "k.csv").touch()
    done = run("init", "--grenzen", "g.gpkg", "--kwb", "k.csv", cwd=tmp_path)
    assert done.returncode == 0 and "Vul" not in done.stdout and "sociale-kaart maak" in done.stdout
    (tmp_path / "sociale-kaart.toml").unlink()
    done = run("init", "--grenzen", "g.gpkg", "--kwb", "elders.csv", cwd=tmp_path)
    assert "Vul in [bronnen]" in done.stdout and "elders.csv" in done.stdout and "g.gpkg" not in done.stdout


def test_usage_errors_are_dutch(tmp_path):
    missing = run("join", "--kwb", "x.csv", cwd=tmp_path)  # no --grenzen and no project file
    assert missing.returncode == 1
    line = error_line(missing)
    assert "geen --grenzen" in line and "sociale-kaart init" in line
    typo = run("mapp", cwd=tmp_path)
    assert typo.returncode == 2 and "onbekende opdracht 'mapp'. Bedoelde u 'map'?" in error_line(typo)
    number = run("plot", "--klassen", "drie", cwd=tmp_path)
    assert number.returncode == 2
    assert "ongeldige waarde voor '--klassen': 'drie' is geen geldig geheel getal" in error_line(number)


def test_unknown_option_is_dutch(tmp_path):
    result = run("plot", "--aandacht", cwd=tmp_path)  # an option of an earlier version
    assert result.returncode == 2 and "fout: onbekende optie '--aandacht'" in error_line(result)


def test_clicks_own_words_are_dutch(tmp_path):
    help_text = run("map", "--help", cwd=tmp_path).stdout
    for english in ("Usage:", "Options:", "Show this message", "[default", "[required]", "PATH", "TEXT", "INTEGER"):
        assert english not in help_text, english
    assert "Gebruik: sociale-kaart map [OPTIES]" in help_text and "Bronnen:" in help_text
    assert "Opties:" in run("init", "--help", cwd=tmp_path).stdout
    assert "Toon deze hulp en stop." in help_text
    assert "[verplicht]" in run("fetch", "--help", cwd=tmp_path).stdout
    assert run("--version", cwd=tmp_path).stdout.startswith("sociale-kaart, versie ")
    missing = run("gemeenten", cwd=tmp_path)
    assert missing.returncode == 2 and "fout: ontbrekende optie '--grenzen'" in error_line(missing)


# --- change over time: [[jaar]] and [[doel]] in the project file ---------------------------------

VOORTGANG_PROJECT = """
[bronnen]
grenzen = "{grenzen}"
kwb = "{kwb_2024}"
[gebied]
gemeenten = ["Maassluis"]
[voortgang]
nulmeting = 2015
[[jaar]]
jaar = 2015
kwb = "{kwb_2015}"
grenzen = "{grenzen}"
{doelen}
"""


def test_voortgang_of_maassluis_from_the_project_file(buurten_2016, kwb_2015, kwb_2024, kwb_2015_rows, kwb_rows,
                                                    tmp_path):
    from tests.helpers import NAMED, expected_status, raw_counts

    doelen = "".join(f'[[doel]]\ngebied = "{name}"\nniveau = "buurt"\nindicator = "bijstand_per_1000"\n'
                     f'nulmeting = 2015\ndoeljaar = 2024\nrichting = "daling"\n' for name in NAMED)
    doelen += '[[doel]]\ngebied = "Maassluis"\nindicator = "bijstand_per_1000"\nnulmeting = 2015\ndoeljaar = 2024\n' \
              'richting = "gelijk"\n'
    (tmp_path / "sociale-kaart.toml").write_text(VOORTGANG_PROJECT.format(
        grenzen=buurten_2016, kwb_2024=kwb_2024, kwb_2015=kwb_2015, doelen=doelen), encoding="utf-8")
    result = run("maak", "--product", "voortgang", "--uitvoer", "uit", "--stil", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "uit" / "maassluis_voortgang.csv")
    assert [r["gebied"] for r in rows] == [*NAMED, "Maassluis"]
    by_name = {r["BU_NAAM"]: code for code, r in kwb_2015_rows.items() if r["GM_CODE"] == "GM0556"}
    for row in rows:
        codes = list(by_name.values()) if row["gebied"] == "Maassluis" else [by_name[row["gebied"]]]
        base, last = raw_counts(kwb_2015_rows, kwb_rows, codes)
        assert row["status"] == expected_status(base, last, row["doel"]), row["zin"]
        assert float(row["nulmeting"].replace(",", ".")) == round(base[0] / base[1] * 1000, 1)
        assert float(row["waarde"].replace(",", ".")) == round(last[0] / last[1] * 1000, 1)
    change = read_csv(tmp_path / "uit" / "maassluis_verandering.csv")
    wilgenrijk = [r for r in change if r["code"] == "BU05560801" and r["indicator"] == "bijstand_per_1000"]
    assert wilgenrijk[0]["verandering"] == "niet te beoordelen" and "90" in wilgenrijk[0]["reden"]
    assert (tmp_path / "uit" / "maassluis_voortgang.xlsx").exists()
    report = (tmp_path / "uit" / "maassluis_koppelrapport.txt").read_text(encoding="utf-8")
    assert "Jaar 2015: kwb_2015_buurten_wbkaart.csv" in report and "P_65_EO_JR" in report
    assert "identiek (dezelfde buurtcodes en gebieden)" in report


def test_voortgang_without_a_second_year_is_refused(buurten_2016, kwb_2024, tmp_path):
    result = run("maak", "--product", "voortgang", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024),
                 "--gemeente", "Maassluis", "--uitvoer", "uit", "--stil", cwd=tmp_path)
    assert result.returncode == 1
    assert "minstens twee jaren" in error_line(result)
    assert not (tmp_path / "uit" / "maassluis_verandering.csv").exists()


def test_nulmeting_on_the_command_line(buurten_2016, kwb_2015, kwb_2024, tmp_path):
    result = run("maak", "--product", "voortgang", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024),
                 "--gemeente", "Maassluis", "--nulmeting", str(kwb_2015), "--uitvoer", "uit", "--stil", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    change = read_csv(tmp_path / "uit" / "maassluis_verandering.csv")
    assert {r["jaar_nulmeting"] for r in change} == {"2015"} and {r["jaar_laatste"] for r in change} == {"2024"}


def test_a_run_on_the_2024_map_prints_no_python_warning(buurten_2024, tmp_path):
    import os

    env = {**os.environ, "PYTHONWARNINGS": "default"}  # every warning that would reach a user
    done = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "koppel", "--grenzen", str(buurten_2024),
                           "--kwb", str(buurten_2024), "--gemeente", "Maassluis", "--uitvoer", str(tmp_path / "uit")],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "warnings.warn" not in done.stderr, done.stderr


def test_operator_advice_stays_out_of_the_maps(buurten_2016, kwb_2024, tmp_path):
    """Grenzen 2016, cijfers 2024: the advice to fetch the 2024 map is for the operator, not the reader."""
    out = tmp_path / "uit"
    done = run("maak", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
               "--product", "kaart", "--product", "statisch", "--formaat", "svg", "--uitvoer", str(out), "--stil",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    advice = "--grenzen-cijferjaar"
    assert advice in done.stdout  # the terminal
    assert advice in (out / "maassluis_koppelrapport.txt").read_text(encoding="utf-8")
    assert advice in (out / "index.html").read_text(encoding="utf-8")
    page = (out / "maassluis_kaart.html").read_text(encoding="utf-8")
    assert "verschillende jaren" in page and advice not in page  # the warning stays, the advice goes
    svgs = list(out.glob("maassluis_*.svg"))
    assert svgs and all(advice not in svg.read_text(encoding="utf-8") for svg in svgs)


def test_importing_the_cli_leaves_click_as_it_is():
    import gettext

    import click.core
    import click.exceptions
    import click.types

    import sociale_kaart.cli  # noqa: F401  (imported above too: its import must have changed nothing)

    for module in (click.core, click.exceptions, click.types, click.parser, click.formatting, click.decorators):
        assert getattr(module, "_", gettext.gettext) is gettext.gettext, module.__name__
        assert getattr(module, "ngettext", gettext.ngettext) is gettext.ngettext, module.__name__
    assert (click.types.StringParamType.name, click.types.IntParamType.name, click.types.FloatParamType.name) == \
        ("text", "integer", "float")
    english = CliRunner().invoke(click.Command("x", params=[click.Option(["--n"], type=int)]), ["--help"]).output
    assert "Usage: x [OPTIONS]" in english and "--n INTEGER" in english  # another click program stays English


def test_every_declared_option_is_in_the_help_of_every_product_command():
    from sociale_kaart.settings import declared_settings

    flags = [d.setting.flag for d in declared_settings() if d.setting.flag is not None]
    assert "--periode" in flags and "--klassen" in flags
    for name in PRODUCT_COMMANDS:
        text = CliRunner().invoke(cli, [name, "--help"]).output
        for flag in flags:
            assert flag.split("/")[0] in text, (name, flag)
    assert "Tel alleen registratieregels met een datum in deze periode" in " ".join(text.split())


def test_klassen_from_the_project_file_and_the_option_class_the_map(sample_paths, tmp_path):
    (tmp_path / "sociale-kaart.toml").write_text(
        f'[bronnen]\ngrenzen = "{sample_paths["grenzen"].as_posix()}"\nkwb = "{sample_paths["kwb"].as_posix()}"\n'
        '[kaart]\nklassen = 4\n', encoding="utf-8")

    def legends(*options):
        done = run("kaart", "--stil", "--uitvoer", "uit", *options, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        page = next((tmp_path / "uit").glob("*_kaart.html")).read_text(encoding="utf-8")
        return [json.loads(found) for found in re.findall(r'"kleuren":(\[[^\]]*\])', page)]

    assert legends() and all(len(colours) == 4 for colours in legends())
    assert all(len(colours) == 3 for colours in legends("--klassen", "3"))


def test_every_declared_source_is_an_option_without_touching_the_command_line(monkeypatch, sample_paths, tmp_path):
    """A source declared in EXTRA_SOURCES (and not a setting of its own) is a --<key> option of every run command."""
    from sociale_kaart import cli
    from sociale_kaart.sources import declarations

    monkeypatch.setitem(declarations.EXTRA_SOURCES, "wmo_wijk", "tests.sources.test_declarations:WMO_PER_WIJK:read_wmo_per_wijk")
    flags = {opt for o in cli._extra_source_options() for opt in o(lambda: None).__click_params__[0].opts}
    assert {"--overlast", "--cbs-stapeling", "--wmo-wijk"} <= flags
    assert not {"--misdrijven", "--leefbaarometer"} & flags  # these are settings with an option of their own
    (tmp_path / "sociale-kaart.toml").write_text(
        f'[bronnen]\ngrenzen = "{sample_paths["grenzen"]}"\nkwb = "{sample_paths["kwb"]}"\n'
        'wmo_wijk = "oud.csv"\noverlast = "o.csv"\n', encoding="utf-8")
    for name in ("oud.csv", "o.csv", "nieuw.csv"):
        (tmp_path / name).write_text("buurtcode;x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings, _ = cli._settings({"wmo_wijk": tmp_path / "nieuw.csv"})  # the option replaces the project's file
    assert dict(settings.sources.extra) == {"overlast": tmp_path / "o.csv", "wmo_wijk": tmp_path / "nieuw.csv"}
