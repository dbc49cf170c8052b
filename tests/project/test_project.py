"""The project file: init writes it, maak makes everything it asks for, errors name key and file."""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.project import read_project, run_settings, set_toml_keys, template, update_project_sources


def run(args, cwd, check=True):
    done = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args], cwd=cwd, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_init_then_maak_makes_every_product(buurten_2016, kwb_2024, tmp_path):
    run(["init", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis"], tmp_path)
    project = tomllib.loads((tmp_path / "sociale-kaart.toml").read_text(encoding="utf-8"))
    assert project["gebied"]["gemeenten"] == ["Maassluis"]
    done = run(["maak"], tmp_path)
    out = tmp_path / "maps"
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    expected = {"index.html", "maassluis_kaart.html", "maassluis_kaart.png", "maassluis_kaart_insluiten.html",
                "maassluis_briefing.pdf", "maassluis_aandachtsbuurten.csv", "maassluis_aandachtsbuurten.gpkg",
                "maassluis_buurten.csv", "maassluis_wijken.csv", "maassluis_gemeente.csv", "maassluis_sociale_kaart.gpkg",
                "maassluis_koppelrapport.txt", "maassluis_koppelrapport.json", "maassluis_wmo_per_1000.png",
                "maassluis_wmo_per_1000.pdf", "maassluis_wmo_per_1000.svg"}
    assert expected <= names, expected - names
    with open(kwb_2024, encoding="utf-8") as handle:  # one profile per wijk of Maassluis in the figures
        wijken = {row["Codering_3"].strip()[2:8] for row in csv.DictReader(handle, delimiter=";")
                  if row["Codering_3"].startswith("BU0556")}
    profiles = [n for n in names if n.startswith("maassluis_wijkprofielen/")]
    assert len(profiles) == len(wijken)
    assert "[" in done.stderr and " s] " in done.stderr, "progress lines on stderr"
    assert "Aandachtsbuurten:" in done.stdout


def test_options_override_the_project_file(buurten_2016, kwb_2024, tmp_path):
    run(["init", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis"], tmp_path)
    run(["maak", "--product", "aandachtsbuurten", "--regel", "kwintiel", "--uitvoer", "k", "--stil"], tmp_path)
    run(["maak", "--product", "aandachtsbuurten", "--uitvoer", "m", "--stil"], tmp_path)

    def flagged(folder):
        with open(tmp_path / folder / "maassluis_aandachtsbuurten.csv", encoding="utf-8-sig") as handle:
            return {r["buurtcode"] for r in csv.DictReader(handle, delimiter=";") if r["aandachtsbuurt"] == "ja"}

    assert flagged("k") != flagged("m")
    assert not (tmp_path / "k" / "maassluis_kaart.html").exists(), "--product limits what is made"


@pytest.mark.parametrize("text, message", [
    ('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\nkleur = "rood"\n', "onbekende sleutel 'kleur' in [bronnen]"),
    ('[kaart]\nklassen = "vijf"\n', "[kaart] klassen: verwacht geheel getal"),
    ('[aandacht]\nhotspots = "ja"\n', "[aandacht] hotspots: verwacht true of false"),
    ('[opmaak]\nx = 1\n', "onbekende sectie [opmaak]"),
    ('[bronnen]\ngrenzen = "bestaat_niet.gpkg"\n', "[bronnen] grenzen: bestand niet gevonden"),
    ('[bronnen\n', "geen geldig TOML"),
])
def test_bad_project_file_gives_one_line_naming_key_and_file(text, message, tmp_path):
    (tmp_path / "sociale-kaart.toml").write_text(text, encoding="utf-8")
    done = run(["maak", "--stil"], tmp_path, check=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: sociale-kaart.toml"), done.stderr
    assert message in lines[0]
    assert not (tmp_path / "maps").exists(), "nothing written"


def test_template_is_valid_and_complete():
    parts = read_project_text(template(grenzen="g.gpkg", kwb="k.csv", gemeenten=("GM0556",)))
    settings = run_settings(parts)
    assert settings.sources.gemeenten == ("GM0556",)
    assert settings.need.margin == pytest.approx(0.25)
    assert settings.output.name == "maps"


def read_project_text(text: str) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sociale-kaart.toml"
        path.write_text(text, encoding="utf-8")
        return read_project(path, check_files=False)


def test_missing_sources_say_how_to_start(tmp_path):
    done = run(["map", "--stil"], tmp_path, check=False)
    assert done.returncode == 1
    assert "--grenzen" in done.stderr and "sociale-kaart init" in done.stderr


def test_weights_and_breaks_from_the_project_file():
    parts = read_project_text('[bronnen]\ngrenzen = "g"\nkwb = "k"\n[aandacht]\ngewichten = { wmo_per_1000 = 2 }\n'
                              '[kaart]\nindeling = "handmatig"\ngrenswaarden = { wmo_per_1000 = [40, 60, 80] }\n')
    settings = run_settings(parts)
    assert settings.need.weights == {"wmo_per_1000": 2.0}
    assert settings.map.breaks == {"wmo_per_1000": [40.0, 60.0, 80.0]}
    with pytest.raises(InputError, match="grenswaarden.wmo_per_1000"):
        read_project_text('[kaart]\ngrenswaarden = { wmo_per_1000 = ["veertig"] }\n')


def test_domains_from_the_project_file_put_a_registration_under_safety(sample_paths, tmp_path):
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.settings import Sources

    parts = read_project_text('[bronnen]\ngrenzen = "g"\nkwb = "k"\n[domeinen]\nreg_overlast_per_1000 = "veiligheid"\n')
    settings = run_settings(parts)
    assert settings.domains == {"reg_overlast_per_1000": "veiligheid"}
    sources = Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"], registraties=(sample_paths["meldingen"],))
    data = build(sources, domains=settings.domains)
    domains = {i.key: i.domain for i in data.indicators}
    assert domains["reg_overlast_per_1000"] == "veiligheid" and domains["reg_eenzaamheid_per_1000"] == "sociaal"
    with pytest.raises(InputError, match="domein voor onbekende indicator 'overlast'"):
        build(sources, domains={"overlast": "veiligheid"})
    with pytest.raises(InputError, match=r"\[domeinen\] x: verwacht 'sociaal' of 'veiligheid' of 'leefbaarheid'"):
        read_project_text('[domeinen]\nx = "zorg"\n')


def test_years_and_targets_from_the_project_file(tmp_path):
    (tmp_path / "doelen.csv").write_text("gebied;indicator;nulmeting;doeljaar;richting;waarde\n"
                                         "Vogelbuurt;bijstand_per_1000;2015;2028;;30,5\n", encoding="utf-8")
    text = ('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\n[voortgang]\nnulmeting = 2015\nmin_inwoners = 300\n'
            f'doelen = "{tmp_path / "doelen.csv"}"\n'
            '[[jaar]]\njaar = 2015\nkwb = "kwb_2015.csv"\ngrenzen = "kaart_2016.gpkg"\n'
            '[[doel]]\ngebied = "Maassluis"\nindicator = "bijstand_per_1000"\nnulmeting = 2015\ndoeljaar = 2024\n'
            'richting = "gelijk"\nmarge = 1.5\n')
    settings = run_settings(read_project_text(text))
    (year,) = settings.years
    assert (year.year, year.kwb.name, year.grenzen.name) == (2015, "kwb_2015.csv", "kaart_2016.gpkg")
    assert (settings.change.baseline_year, settings.change.min_inwoners) == (2015, 300)
    first, second = settings.targets
    assert (first.area, first.direction, first.margin) == ("Maassluis", "gelijk", 1.5)
    assert (second.area, second.value, second.target_year, second.direction) == ("Vogelbuurt", 30.5, 2028, None)


@pytest.mark.parametrize("text, message", [
    ('[[jaar]]\njaar = 2015\n', "[[jaar]] nummer 1: kwb ontbreekt"),
    ('[[jaar]]\njaar = "2015"\nkwb = "k.csv"\n', "jaar: verwacht geheel getal"),
    ('[[doel]]\ngebied = "X"\nindicator = "bijstand_per_1000"\nnulmeting = 2015\ndoeljaar = 2024\nrichting = "omlaag"\n',
     "richting is daling, stijging, gelijk"),
    ('[[doel]]\ngebied = "X"\nindicator = "bijstand_per_1000"\nnulmeting = 2015\n', "doeljaar ontbreekt"),
    ('[voortgang]\nnulmeting = "2015"\n', "[voortgang] nulmeting: verwacht geheel getal"),
])
def test_bad_years_and_targets_name_the_table(text, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_project_text(text)


def test_a_targets_csv_names_file_row_and_column(tmp_path):
    from sociale_kaart.sources.doelen import read_targets

    path = tmp_path / "doelen.csv"
    path.write_text("gebied;indicator;nulmeting;doeljaar;richting\nA;bijstand_per_1000;2015;2024;daling\n"
                    "B;bijstand_per_1000;vijftien;2024;daling\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"doelen.csv rij 3: nulmeting 'vijftien' is geen jaartal"):
        read_targets(path)


# --- each setting declared once -----------------------------------------------------------------

def test_every_declared_setting_is_in_the_template_with_its_help():
    from sociale_kaart.settings import declared_settings

    text = template(grenzen="g.gpkg", kwb="k.csv")
    parsed = tomllib.loads(text)
    lines = text.splitlines()
    for declared in declared_settings():
        setting = declared.setting
        if setting.key is None:
            continue
        start = lines.index(f"[{setting.section}]")
        end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("[")), len(lines))
        written = [n for n in range(start, end) if lines[n].startswith((f"{setting.key} = ", f"# {setting.key} = "))]
        assert written, f"{setting.key} in [{setting.section}]"
        assert lines[written[0] - 1].startswith("# "), f"{setting.key}: its help above it"
        if lines[written[0]].startswith(setting.key) and setting.key not in ("grenzen", "kwb", "gemeenten"):
            value = setting.to_field(parsed[setting.section][setting.key])  # the default, as written: 25 for 0.25
            value = tuple(value) if isinstance(value, list) else value
            expected = str(declared.default) if isinstance(declared.default, Path) else declared.default
            assert value == (pytest.approx(expected) if isinstance(expected, float) else expected), setting.key
    assert parsed["huisstijl"]["kleur"] == "#1f3a5f" and "# logo = " in text and "# sjabloon = " in text


def test_the_margin_is_a_percentage_in_the_file_and_on_the_command_line_converted_once():
    from sociale_kaart.project import with_options

    parts = read_project_text('[aandacht]\nmarge = 40\n[kaart]\nklassen = 4\n')
    assert parts["need"]["margin"] == pytest.approx(40 / 100)
    merged = with_options(parts, {"marge": 30.0, "klassen": None, "stil": False, "gemeenten": ()})
    assert merged["need"]["margin"] == pytest.approx(30 / 100)  # the option overrides the file
    assert merged["map"]["k"] == 4  # an option not given leaves the file's value
    assert "quiet" not in merged["run"] and "gemeenten" not in merged["sources"]


def test_the_period_of_a_registration_is_declared_in_one_place():
    import datetime

    import sociale_kaart.cli
    import sociale_kaart.project

    settings = run_settings(read_project_text('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\nperiode = "2024-02"\n'))
    assert settings.sources.period == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    settings = run_settings(read_project_text('[bronnen]\ngrenzen = "g"\nkwb = "k"\nperiode = "2024-01-01/2024-06-30"\n'))
    assert settings.sources.period == (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
    with pytest.raises(InputError, match=r"sociale-kaart\.toml: \[bronnen\] periode: 'maart' is geen periode"):
        read_project_text('[bronnen]\nperiode = "maart"\n')
    settings = run_settings(read_project_text('[bronnen]\ngrenzen = "g"\nkwb = "k"\nperiode = 2024\n'))  # a number
    assert settings.sources.period == (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    with pytest.raises(InputError, match=r"\[bronnen\] periode: .*geen periode"):
        read_project_text('[bronnen]\nperiode = 20245\n')
    assert '# periode = "2024"' in template()
    for module in (sociale_kaart.cli, sociale_kaart.project):  # generated there, written in the declaration only
        assert "periode" not in Path(module.__file__).read_text(encoding="utf-8"), module.__name__


# --- the project file edited by fetch ------------------------------------------------------------------------------

def test_set_toml_keys_changes_as_little_as_possible():
    text = ("# kop\n[bronnen]\n# Wijk- en Buurtkaart\ngrenzen = \"oud.gpkg\"   # uit 2016\nkwb = 'oud.csv'\n"
            "# grenzen_cijferjaar = \"geodata/wijkenbuurten_2024.gpkg\"\n\n[gebied]\ngemeenten = [\"GM0556\"]\n")
    new = set_toml_keys(text, "bronnen", {"grenzen": '"n.gpkg"', "kwb": '"n.csv"', "grenzen_cijferjaar": '"c.gpkg"'})
    assert new == ("# kop\n[bronnen]\n# Wijk- en Buurtkaart\ngrenzen = \"n.gpkg\"   # uit 2016\nkwb = \"n.csv\"\n"
                   "# grenzen_cijferjaar = \"geodata/wijkenbuurten_2024.gpkg\"\ngrenzen_cijferjaar = \"c.gpkg\"\n\n"
                   "[gebied]\ngemeenten = [\"GM0556\"]\n")
    crlf = "[bronnen]\r\nkwb = \"a.csv\"\r\n\r\n[kaart]\r\nklassen = 5\r\n"
    assert set_toml_keys(crlf, "bronnen", {"grenzen": '"g.gpkg"'}) == (
        "[bronnen]\r\nkwb = \"a.csv\"\r\ngrenzen = \"g.gpkg\"\r\n\r\n[kaart]\r\nklassen = 5\r\n")
    assert set_toml_keys("[kaart]\nklassen = 5", "bronnen", {"kwb": '"k.csv"'}) == (
        "[kaart]\nklassen = 5\n\n[bronnen]\nkwb = \"k.csv\"\n")


def test_update_project_sources_checks_before_writing(tmp_path, monkeypatch):
    from sociale_kaart import project as project_module


    project = tmp_path / "sociale-kaart.toml"
    project.write_text(template(gemeenten=("GM0556",)), encoding="utf-8")
    before = project.read_text(encoding="utf-8")
    data = tmp_path / "geodata" / "kwb_2024_GM0556.csv"
    elsewhere = tmp_path.parent / "cache" / "wijkenbuurten_2024_GM0556.gpkg"
    changed = update_project_sources(project, {"grenzen": elsewhere, "kwb": data})
    assert changed == ("grenzen", "kwb")
    parts = read_project(project, check_files=False)
    assert parts["sources"]["grenzen"] == elsewhere.resolve() and parts["sources"]["kwb"] == data.resolve()
    after = project.read_text(encoding="utf-8")
    assert 'kwb = "geodata/kwb_2024_GM0556.csv"' in after  # relative inside the project's folder
    diff = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(diff) == 2 and len(before.splitlines()) == len(after.splitlines())  # two lines changed, comments kept
    assert update_project_sources(project, {"kwb": data}) == ()

    def refuse(path, **_):
        raise InputError("kapot")

    monkeypatch.setattr(project_module, "read_project", refuse)  # the edited text would no longer read
    with pytest.raises(InputError, match="niet bijgewerkt, want het zou onleesbaar worden"):
        update_project_sources(project, {"kwb": tmp_path / "x.csv"})
    assert project.read_text(encoding="utf-8") == after
