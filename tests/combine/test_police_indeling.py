"""Police tables on their own buurtindeling (translated through the crosswalk) and overlast (47024NED).

Politie publishes every year of 47018NED and 47024NED on the buurtindeling of 1 January of the
table's latest year. Here the real 2023 crime rows of Rijnmond stand for a table on the "2024
indeling": the JSON beside the copy says ``indeling: 2024`` (as fetch writes it), and the real 2024
Rijnmond map stands for the map of that indeling. The run is on the 2016 map: Schiedam's codes and
areas differ between 2016 and 2024 (BU06060705 is Kethel-dorp in 2016 and Groenoord-Noord in
2024), Maassluis's do not.

The overlast tables are CONSTRUCTED in the tests (no real 47024NED rows are at hand): invented
counts for the real Maassluis buurtcodes, in fetch's wide shape and in the verbatim OData shape.
"""

from __future__ import annotations

import csv
import json
import shutil

import geopandas as gpd
import pytest
import shapely

from sociale_kaart.combine.dataset import build
from sociale_kaart.errors import InputError
from sociale_kaart.settings import Sources
from sociale_kaart.sources.overlast import read_overlast

CRIME = "politie_47018NED_2023_totaal_rijnmond.csv"


def raw_crime(shared, prefix: str) -> dict[str, float]:
    """Total crime 2023 per buurtcode of one gemeente, read with the csv module."""
    with open(shared / "veiligheid" / CRIME, encoding="utf-8") as handle:
        return {r["WijkenEnBuurten"].strip(): float(r["GeregistreerdeMisdrijven_1"]) for r in csv.DictReader(handle)
                if r["SoortMisdrijf"].strip() == "0.0.0" and r["Perioden"] == "2023JJ00"
                and r["WijkenEnBuurten"].startswith("BU" + prefix)}


def inhabitants(kwb_2024) -> dict[str, float]:
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return {r["Codering_3"].strip(): float(r["AantalInwoners_5"]) for r in rows
            if r["Codering_3"].startswith("BU") and r["AantalInwoners_5"].strip() not in ("", ".")}


@pytest.fixture()
def crime_on_2024(tmp_path, shared):
    """The real crime rows, with the JSON fetch writes beside a Politie table: on the indeling of 2024."""
    table = tmp_path / "misdrijven_2023.csv"
    shutil.copy(shared / "veiligheid" / CRIME, table)
    (tmp_path / "misdrijven_2023.csv.json").write_text(json.dumps({"indeling": 2024}), encoding="utf-8")
    return table


def police_report(data, name):
    return next(r for r in data.reports if r.bron_cijfers == name)


def test_schiedam_crime_goes_through_the_crosswalk_and_keeps_its_total(crime_on_2024, shared, buurten_2016,
                                                                       buurten_2024, kwb_2024):
    crime = raw_crime(shared, "0606")
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",), misdrijven=crime_on_2024,
                         grenzen_politie=buurten_2024))
    table = data.buurten.set_index("buurtcode")
    # Translation keeps totals: the 2016 buurten of Schiedam hold all crime of its 2024 buurten.
    assert table["misdrijven_totaal"].sum() == pytest.approx(sum(crime.values()), abs=1e-6)
    # BU06060705 is another area in 2016: its figure is the overlap-weighted sum of the 2024 buurten, not the
    # 2024 figure of the same code (computed here from the polygons, shares by area).
    old = gpd.read_file(buurten_2016, layer="buurten", where="buurtcode = 'BU06060705'").to_crs(28992).geometry.iloc[0]
    new = gpd.read_file(buurten_2024, layer="buurten", where="gemeentecode = 'GM0606'").to_crs(28992)
    by_area = sum(crime[code] * shapely.area(shapely.intersection(poly, old)) / poly.area
                  for code, poly in zip(new["buurtcode"], new.geometry) if code in crime)
    assert table.loc["BU06060705", "misdrijven_totaal"] == pytest.approx(by_area, rel=0.05)
    assert abs(table.loc["BU06060705", "misdrijven_totaal"] - crime["BU06060705"]) > 5
    # Rates are recomputed from the translated counts over the buurt's inhabitants, never translated.
    rated = table[table["misdrijven_totaal_per_1000_status"] == "ok"]
    assert len(rated) >= 30
    assert rated["misdrijven_totaal_per_1000"].tolist() == pytest.approx(
        (rated["misdrijven_totaal"] / rated["inwoners"] * 1000).tolist(), abs=1e-9)
    # The gemeente: the KWB 2024 is on the table's own indeling, so its buurten take the raw counts by code.
    people = inhabitants(kwb_2024)
    both = [c for c in crime if c in people]
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0606", "misdrijven_totaal_per_1000"]
    assert gemeente == pytest.approx(sum(crime[c] for c in both) / sum(people[c] for c in both) * 1000, abs=0.05)
    report = police_report(data, crime_on_2024.name)
    text = report.to_text()
    assert report.indeling == 2024 and report.bron_grenzen == buurten_2024.name and len(report.gekoppeld) == len(crime)
    assert "cijfers 2023 op de buurtindeling van 2024" in text
    assert f"de aantallen zijn omgezet naar de buurten van {buurten_2016.name} (2016)" in text
    assert "op aanname" in text and "BU06060705" in text
    assert not report.years_differ, "the table is checked on its own map; the crosswalk does the rest"


def test_maassluis_gives_the_identity(crime_on_2024, shared, buurten_2016, buurten_2024, kwb_2024):
    crime = raw_crime(shared, "0556")
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=crime_on_2024,
                         grenzen_politie=buurten_2024))
    table = data.buurten.set_index("buurtcode")
    assert {code: table.loc[code, "misdrijven_totaal"] for code in crime} == crime
    assert "identiek (dezelfde buurtcodes en gebieden)" in police_report(data, crime_on_2024.name).to_text()


def test_without_the_map_of_the_indeling_the_run_refuses(crime_on_2024, buurten_2016, kwb_2024):
    with pytest.raises(InputError, match=r"misdrijven_2023.csv: de tabel staat op de buurtindeling van 2024, de kaart "
                                         r"wijkenbuurten_2016_land.gpkg is van 2016; geef de Wijk- en Buurtkaart 2024 "
                                         r"met --grenzen-politie"):
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",), misdrijven=crime_on_2024))


def test_the_indeling_as_a_setting_and_a_conflict_with_the_file_beside(tmp_path, shared, buurten_2016, buurten_2024,
                                                                       kwb_2024):
    table = tmp_path / "politie.csv"  # no JSON beside it: the setting says the indeling
    shutil.copy(shared / "veiligheid" / CRIME, table)
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",), misdrijven=table,
                         grenzen_politie=buurten_2024, indelingen=(("misdrijven", 2024),)))
    assert police_report(data, "politie.csv").indeling == 2024
    assert data.buurten["misdrijven_totaal"].sum() == pytest.approx(sum(raw_crime(shared, "0606").values()), abs=1e-6)
    (tmp_path / "politie.csv.json").write_text(json.dumps({"indeling": 2025}), encoding="utf-8")
    with pytest.raises(InputError, match=r"politie.csv: het bestand ernaast zegt buurtindeling 2025, de instelling "
                                         r"misdrijven_indeling zegt 2024"):
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",), misdrijven=table,
                      grenzen_politie=buurten_2024, indelingen=(("misdrijven", 2024),)))


def test_a_published_rate_on_another_indeling_is_refused(tmp_path, buurten_2016, buurten_2024, kwb_2024):
    table = tmp_path / "misdrijven_2023.csv"
    table.write_text("buurtcode;misdrijven_per1000\nBU06060705;80.5\n", encoding="utf-8")
    (tmp_path / "misdrijven_2023.csv.json").write_text(json.dumps({"indeling": 2024}), encoding="utf-8")
    with pytest.raises(InputError, match=r"misdrijven_2023.csv: kolom 'misdrijven_totaal_per_1000' is een cijfer per "
                                         r"1.000 inwoners; dat kan niet naar de buurten van 2016"):
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",), misdrijven=table,
                      grenzen_politie=buurten_2024))


# --- overlast (47024NED); the tables below are CONSTRUCTED: invented counts for real Maassluis buurtcodes ---

def maassluis_codes(kwb_2024) -> list[str]:
    return sorted(c for c in inhabitants(kwb_2024) if c.startswith("BU0556"))


def invented(codes) -> dict[str, float]:
    return {code: float(7 * n + 3) for n, code in enumerate(codes)}


def test_overlast_in_fetchs_wide_shape_is_joined_and_shown_in_veiligheid(tmp_path, buurten_2016, kwb_2024):
    counts = invented(maassluis_codes(kwb_2024))
    table = tmp_path / "overlast_2023_GM0556.csv"
    table.write_text("buurtcode;overlast_totaal\n" + "".join(f"{c};{v:g}\n" for c, v in counts.items()),
                     encoding="utf-8")
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), extra=(("overlast", table),)))
    rows = data.buurten.set_index("buurtcode")
    people = inhabitants(kwb_2024)
    checked = 0
    for code, value in counts.items():
        if code not in rows.index:
            continue
        assert rows.loc[code, "overlast_totaal"] == value
        if rows.loc[code, "overlast_totaal_per_1000_status"] == "ok":
            assert rows.loc[code, "overlast_totaal_per_1000"] == pytest.approx(value / people[code] * 1000, abs=1e-9)
            checked += 1
    assert checked >= 10
    indicator = next(i for i in data.indicators if i.key == "overlast_totaal_per_1000")
    assert indicator.domain == "veiligheid" and indicator.role == "context" and indicator.unit == "per 1.000 inwoners"
    assert "Politie, geregistreerde overlast 2023 (CC BY 4.0)" in data.credits([indicator.key])
    assert "Politie" not in data.credits(["wmo_per_1000"])


def test_overlast_odata_months_are_summed_only_when_all_twelve_are_there(tmp_path, kwb_2024):
    codes = maassluis_codes(kwb_2024)[:3]
    header = '"ID","Overlast","WijkenEnBuurten","Perioden","GeregistreerdeOverlast_1"\n'
    rows, expected = [], {}
    for n, code in enumerate(codes):
        total = 0.0
        for month in range(1, 13):
            value = "" if (n == 2 and month == 6) else str(n + month)  # one month not published for the third buurt
            rows.append(f'{len(rows)},"Overlast, totaal","{code}","2024MM{month:02d}",{value}\n')
            rows.append(f'{len(rows)},"Overlast jeugd","{code}","2024MM{month:02d}",1\n')
            total += n + month
        expected[code] = None if n == 2 else total
    rows.append(f'{len(rows)},"Overlast, totaal","WK055601  ","2024MM01",99\n')
    table = tmp_path / "47024NED.csv"
    table.write_text(header + "".join(rows), encoding="utf-8")
    read = read_overlast(table)
    got = {c: (None if v != v else v) for c, v in zip(read.table["buurtcode"], read.table["overlast_totaal"])}
    assert got == expected and read.year == 2024 and read.indeling is None
    # Eleven months in the table: no yearly figure, a fout.
    table.write_text(header + "".join(r for r in rows if "2024MM12" not in r), encoding="utf-8")
    with pytest.raises(InputError, match=r"47024NED.csv: 2024 heeft maar 11 van de 12 maanden \(ontbreekt: 2024MM12\)"):
        read_overlast(table)
    # Kinds by key only: the total cannot be told from its parts.
    table.write_text(header + "".join(r.replace('"Overlast, totaal"', '"A00   "').replace('"Overlast jeugd"', '"A10   "')
                                      for r in rows), encoding="utf-8")
    with pytest.raises(InputError, match=r"kolom Overlast heeft meerdere soorten \(A00, A10\)"):
        read_overlast(table)


def test_overlast_on_the_cli_csv_column_and_map_layer(tmp_path, buurten_2016, kwb_2024):
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    counts = invented(maassluis_codes(kwb_2024))
    table = tmp_path / "overlast_2023_GM0556.csv"
    table.write_text("buurtcode;overlast_totaal\n" + "".join(f"{c};{v:g}\n" for c, v in counts.items()),
                     encoding="utf-8")
    (tmp_path / "overlast_2023_GM0556.csv.json").write_text(json.dumps({"indeling": 2016}), encoding="utf-8")
    out = tmp_path / "uit"
    result = CliRunner().invoke(cli, ["map", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente",
                                       "Maassluis", "--overlast", str(table), "--uitvoer", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "maassluis_kaart.html").read_text(encoding="utf-8")
    assert "overlast_totaal_per_1000" in page and "Politie, geregistreerde overlast 2023 (CC BY 4.0)" in page
    result = CliRunner().invoke(cli, ["join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente",
                                       "Maassluis", "--overlast", str(table), "--uitvoer", str(out / "join")])
    assert result.exit_code == 0, result.output
    with open(out / "join" / "maassluis_buurten.csv", encoding="utf-8-sig") as handle:
        rows = {r["buurtcode"]: r for r in csv.DictReader(handle, delimiter=";")}
    shown = {c: float(rows[c]["overlast_totaal"].replace(",", ".")) for c in counts if c in rows}
    assert shown and all(shown[c] == counts[c] for c in shown)
    koppel = (out / "join" / "maassluis_koppelrapport.txt").read_text(encoding="utf-8")
    assert "cijfers 2023 op de buurtindeling van 2016" in koppel


def test_the_project_file_names_the_overlast_file_the_indeling_and_its_map(tmp_path):
    from sociale_kaart.project import read_project, run_settings

    project = tmp_path / "sociale-kaart.toml"
    project.write_text('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\noverlast = "o.csv"\n'
                       'grenzen_politie = "w2025.gpkg"\nmisdrijven_indeling = 2025\n', encoding="utf-8")
    sources = run_settings(read_project(project, check_files=False)).sources
    assert sources.extra == (("overlast", tmp_path / "o.csv"),)
    assert sources.grenzen_politie == tmp_path / "w2025.gpkg" and sources.indelingen == (("misdrijven", 2025),)
    project.write_text('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\noverlast_indeling = "2025"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"sociale-kaart.toml: \[bronnen\] overlast_indeling: verwacht"):
        read_project(project, check_files=False)
