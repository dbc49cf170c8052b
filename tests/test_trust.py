"""Numbers you can trust, end to end: every real form of CBS data read right, or refused loudly."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sociale_kaart.combine.dataset import build
from sociale_kaart.errors import InputError
from sociale_kaart.settings import Sources
from tests.helpers import statline_export

SENTINEL = -99990


def cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args, "--stil"], cwd=cwd, capture_output=True,
                          text=True)


def outputs(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def fails_cleanly(done, folder: Path, *expected: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1 and lines[0].startswith("fout: "), done.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert outputs(folder) == [], "nothing written"


@pytest.mark.parametrize("gemeente", ["GM0556", "GM0622", "GM0606"])
def test_the_2024_map_alone_gives_figures_equal_to_its_own_attributes(shared, gemeente):
    gpkg = shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg"
    with sqlite3.connect(gpkg) as db:  # read independently of the package
        db.row_factory = sqlite3.Row
        rows = {r["buurtcode"]: r for r in db.execute("select * from buurten where gemeentecode = ?", (gemeente,))}
    data = build(Sources(grenzen=gpkg, kwb=gpkg, gemeenten=(gemeente,)))
    table = data.buurten.set_index("buurtcode")
    assert {i.key for i in data.indicators} >= {"bijstand_per_1000", "pct_huur", "pct_65plus"}
    assert set(table.index) == {c for c, r in rows.items() if r["water"] != "JA"}
    for code in table.index:
        raw = rows[code]

        def v(name):
            x = raw[name]
            return None if x is None or x <= SENTINEL else float(x)

        inw = v("aantal_inwoners")
        assert (inw is None and table.at[code, "inwoners"] != table.at[code, "inwoners"]) or table.at[code, "inwoners"] == inw
        if inw is None or inw < 50:
            assert table.at[code, "bijstand_per_1000_status"] in ("onderdrukt", "ontbreekt")
            continue
        for key, expected in (("pct_65plus", v("percentage_personen_65_jaar_en_ouder")),
                              ("pct_huur", v("percentage_huurwoningen")),
                              ("bijstand_per_1000", None if v("aantal_personen_met_een_alg_bijstandsuitkering_tot") is None
                               else v("aantal_personen_met_een_alg_bijstandsuitkering_tot") / inw * 1000)):
            if expected is None:
                assert table.at[code, f"{key}_status"] == "ontbreekt", (code, key)
            elif key == "pct_huur" and (v("woningvoorraad") or 0) < 50:
                assert table.at[code, f"{key}_status"] == "onderdrukt", (code, key)
            else:
                assert table.at[code, key] == pytest.approx(expected, abs=1e-9), (code, key)
    assert any("Wmo-cliënten ontbreekt" in w for w in data.warnings), "a missing core indicator is said"


def test_the_2015_map_attributes_give_maassluis_its_2015_figures(shared, buurten_2016):
    kwb = shared / "kwb" / "kwb_2015_buurten_wbkaart.csv"
    with open(kwb, encoding="utf-8") as handle:
        rows = {r["BU_CODE"].strip(): r for r in csv.DictReader(handle, delimiter=";") if r["GM_CODE"].strip() == "GM0556"}
    data = build(Sources(grenzen=buurten_2016, kwb=kwb, gemeenten=("GM0556",)))
    assert data.jaar_cijfers == 2015
    table = data.buurten.set_index("buurtcode")
    checked = 0
    for code, raw in rows.items():
        inw, pct, wwb = (float(raw[c]) for c in ("AANT_INW", "P_65_EO_JR", "WWB_UITTOT"))
        if code not in table.index or inw < 50 or min(pct, wwb) <= SENTINEL:
            continue
        assert table.at[code, "pct_65plus"] == pytest.approx(pct, abs=1e-9)
        assert table.at[code, "bijstand_per_1000"] == pytest.approx(wwb / inw * 1000, abs=1e-9)
        checked += 1
    assert checked >= 15
    derived = {c.stable: c.derived for c in data.columns}
    assert derived["inwoners_65plus"] is True and derived["inwoners"] is False
    assert "afgeleid" in data.provenance_text()


def test_a_statline_export_gives_the_same_indicators_as_the_odata_file(buurten_2016, kwb_2024, tmp_path):
    export = tmp_path / "statline_2024.csv"
    statline_export(kwb_2024, export)
    odata = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",)))
    statline = build(Sources(grenzen=buurten_2016, kwb=export, gemeenten=("GM0556",)))
    assert [i.key for i in statline.indicators] == [i.key for i in odata.indicators]
    for ind in odata.indicators:
        a, b = odata.buurten[ind.key], statline.buurten[ind.key]
        assert ((a - b).abs().fillna(0) < 1e-9).all() and (a.isna() == b.isna()).all(), ind.key


def test_schiedam_reference_is_the_whole_gemeente_never_the_matched_part(shared, buurten_2016, kwb_2024):
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Codering_3"].startswith("BU0606")]
    all_buurten = sum(float(r["AantalInwoners_5"]) for r in rows if r["AantalInwoners_5"].strip())
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",)))
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0606"]
    matched = data.buurten.loc[data.buurten["koppeling"] == "gekoppeld", "inwoners"].sum()
    assert len(rows) == 70 and gemeente["inwoners"] == all_buurten == 81_835
    assert matched < all_buurten
    assert gemeente["dekking"] == pytest.approx(matched / all_buurten, abs=1e-4) and gemeente["dekking"] < 0.99
    assert any("Schiedam: maar" in w for w in data.warnings)
    assert any("verschillende jaren" in w for w in data.warnings)
    with open(shared / "kwb" / "kwb_2024_gemeenten.csv", encoding="utf-8") as handle:
        published = next(float(r["AantalInwoners_5"]) for r in csv.DictReader(handle, delimiter=";")
                         if r["gemeentecode"].strip() == "GM0606")
    with_rows = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",),
                              kwb_gemeenten=shared / "kwb" / "kwb_2024_gemeenten.csv"))
    assert with_rows.gemeenten.set_index("gemeentecode").at["GM0606", "inwoners"] == published == 81_838


def test_reused_codes_are_found_by_overlap_and_not_joined(shared, buurten_2016, kwb_2024):
    import geopandas as gpd

    map_2024 = shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg"
    old = gpd.read_file(buurten_2016, layer="buurten", where="gemeentecode = 'GM0606'")
    new = gpd.read_file(map_2024, layer="buurten", where="gemeentecode = 'GM0606'")
    pairs = old.merge(new[["buurtcode", "buurtnaam", "geometry"]], on="buurtcode", suffixes=("", "_2024"))
    inter = gpd.GeoSeries(pairs.geometry).intersection(gpd.GeoSeries(pairs["geometry_2024"], crs=old.crs)).area
    larger = gpd.GeoSeries(pairs.geometry).area.combine(gpd.GeoSeries(pairs["geometry_2024"]).area, max)
    other = pairs[(inter / larger) < 0.5]
    reused = set(other.loc[other["buurtnaam"].str.casefold() != other["buurtnaam_2024"].str.casefold(), "buurtcode"])
    changed = set(other["buurtcode"]) - reused
    assert {"BU06060705", "BU06060706", "BU06060107", "BU06060201"} <= reused and len(changed) >= 3

    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0606",), grenzen_cijferjaar=map_2024))
    report = data.reports[0]
    assert set(report.hergebruikt) == reused and set(report.gewijzigd) == changed
    refused = data.buurten[data.buurten["buurtcode"].isin(reused | changed)]
    assert refused["koppeling"].isin(["code hergebruikt", "grens gewijzigd"]).all()
    assert refused["inwoners"].isna().all(), "another area's figures are not drawn on the 2016 polygon"
    assert len(report.gekoppeld) == len(set(pairs["buurtcode"])) - len(reused) - len(changed)

    same_year = build(Sources(grenzen=map_2024, kwb=kwb_2024, gemeenten=("GM0606",)))
    assert len(same_year.reports[0].gekoppeld) == 70 and not same_year.reports[0].alleen_grenzen


KWB_HEADER = "Codering_3;SoortRegio_2;AantalInwoners_5;WmoClienten_93;PersonenPerSoortUitkeringBijstand_87;" \
             "HuurwoningenTotaal_48;Woningvoorraad_35"


def kwb_file(tmp_path, rows: list[str], name="kwb_2024.csv") -> Path:
    path = tmp_path / name
    path.write_text(KWB_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def maassluis_rows(kwb_2024, code=lambda c: c, number=lambda v: v) -> list[str]:
    with open(kwb_2024, encoding="utf-8") as handle:
        raw = [r for r in csv.DictReader(handle, delimiter=";") if r["Codering_3"].startswith("BU0556")]
    cols = KWB_HEADER.split(";")[2:]
    return [";".join([code(r["Codering_3"].strip()), "Buurt"] + [number(r[c].strip()) for c in cols]) for r in raw]


@pytest.mark.parametrize("form", [lambda c: c[2:], lambda c: str(int(c[2:])), lambda c: f"{int(c[2:])}.0",
                                  lambda c: c.lower(), lambda c: f"  {c}  "],
                         ids=["zonder BU", "zonder voorloopnul", "als getal", "kleine letters", "opgevuld"])
def test_codes_in_every_form_join_all_19_maassluis_buurten(form, buurten_2016, kwb_2024, tmp_path):
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_file(tmp_path, maassluis_rows(kwb_2024, code=form)),
                         gemeenten=("GM0556",)))
    assert len(data.reports[0].gekoppeld) == 19


def test_dutch_thousands_and_decimal_commas_are_read_right(buurten_2016, kwb_2024, tmp_path):
    def dutch(value: str) -> str:
        if not value or value == ".":
            return value
        number = float(value)
        text = f"{number:,.1f}" if "." in value else f"{int(number):,}"
        return text.replace(",", "_").replace(".", ",").replace("_", ".")

    data = build(Sources(grenzen=buurten_2016, kwb=kwb_file(tmp_path, maassluis_rows(kwb_2024, number=dutch)),
                         gemeenten=("GM0556",)))
    with open(kwb_2024, encoding="utf-8") as handle:
        total = sum(float(r["AantalInwoners_5"]) for r in csv.DictReader(handle, delimiter=";")
                    if r["Codering_3"].startswith("BU0556") and r["AantalInwoners_5"].strip())
    assert data.gemeenten.at[0, "inwoners"] == total == 35_825
    assert data.buurten["pct_huur"].max() <= 100


@pytest.mark.parametrize("value, column, message", [
    ("inf", "AantalInwoners_5", "AantalInwoners_5"),
    ("-40", "WmoClienten_93", "WmoClienten_93"),
    ("140", "HuurwoningenTotaal_48", "HuurwoningenTotaal_48"),
    ("veel", "PersonenPerSoortUitkeringBijstand_87", "'veel'"),
])
def test_impossible_values_are_refused_naming_file_column_and_buurt(value, column, message, buurten_2016, kwb_2024,
                                                                   tmp_path):
    rows = maassluis_rows(kwb_2024)
    cols = KWB_HEADER.split(";")
    cells = rows[3].split(";")
    cells[cols.index(column)] = value
    rows[3] = ";".join(cells)
    path = kwb_file(tmp_path, rows)
    done = cli(["join", "--grenzen", str(buurten_2016), "--kwb", str(path), "--gemeente", "Maassluis",
                "--uitvoer", str(tmp_path / "uit")], tmp_path)
    fails_cleanly(done, tmp_path / "uit", "kwb_2024.csv", message)
    assert cells[0] in done.stderr or "rij 5" in done.stderr


def test_a_registration_of_another_gemeente_is_an_error(buurten_2016, kwb_2024, tmp_path):
    reg = tmp_path / "vlaardingen.csv"
    reg.write_text("buurtcode;schuldhulp\nBU06220101;12\nBU06220102;20\n", encoding="utf-8")
    done = cli(["join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
                "--registraties", str(reg), "--uitvoer", str(tmp_path / "uit")], tmp_path)
    fails_cleanly(done, tmp_path / "uit", "vlaardingen.csv", "GM0556", "GM0622")


def test_a_score_column_with_dots_is_never_counted_as_records(buurten_2016, kwb_2024, tmp_path):
    reg = tmp_path / "scores.csv"
    reg.write_text("buurtcode;score\nBU05560101;6,5\nBU05560201;.\n", encoding="utf-8")
    done = cli(["join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
                "--registraties", str(reg), "--uitvoer", str(tmp_path / "uit")], tmp_path)
    fails_cleanly(done, tmp_path / "uit", "scores.csv", "'score'")


def test_point_geometries_are_refused(kwb_2024, tmp_path):
    import geopandas as gpd
    import shapely

    points = gpd.GeoDataFrame({"buurtcode": ["BU05560101", "BU05560201"], "gemeentecode": ["GM0556"] * 2},
                              geometry=[shapely.Point(80000, 435000), shapely.Point(80100, 435100)], crs="EPSG:28992")
    path = tmp_path / "punten_2024.gpkg"
    points.to_file(path, layer="buurten")
    done = cli(["map", "--grenzen", str(path), "--kwb", str(kwb_2024), "--uitvoer", str(tmp_path / "uit")], tmp_path)
    fails_cleanly(done, tmp_path / "uit", "punten_2024.gpkg", "BU05560101", "Point")


def test_no_need_indicator_stops_flag_and_map(buurten_2016, tmp_path):
    path = tmp_path / "kwb_2024.csv"
    path.write_text("Codering_3;AantalInwoners_5\nBU05560101;2915\nBU05560201;1000\nBU05560202;1200\n", encoding="utf-8")
    for command in ("flag", "map"):
        done = cli([command, "--grenzen", str(buurten_2016), "--kwb", str(path), "--gemeente", "Maassluis",
                    "--uitvoer", str(tmp_path / "uit")], tmp_path)
        fails_cleanly(done, tmp_path / "uit", "geen behoefte-indicatoren")


def test_a_collapsed_polygon_is_reported_and_kept_off_the_map(kwb_2024, tmp_path):
    import geopandas as gpd
    import shapely

    boxes = {f"BU05560{i}": shapely.box(80000 + 500 * k, 435000, 80500 + 500 * k, 435500)
             for k, i in enumerate(["101", "201", "202", "203"])}
    boxes["BU05560301"] = shapely.Polygon([(0 + 90000, 435000), (90100, 435000), (90200, 435000)])  # a line
    frame = gpd.GeoDataFrame({"buurtcode": list(boxes), "gemeentecode": ["GM0556"] * len(boxes)},
                             geometry=list(boxes.values()), crs="EPSG:28992")
    path = tmp_path / "grenzen_2024.gpkg"
    frame.to_file(path, layer="buurten")
    data = build(Sources(grenzen=path, kwb=kwb_2024, gemeenten=("GM0556",)))
    assert "BU05560301" not in set(data.buurten["buurtcode"])
    assert any("BU05560301" in note for note in data.geometry_notes)
    assert "BU05560301" in data.report_text()


def test_no_raw_figure_beside_a_suppressed_one_and_no_long_floats(buurten_2016, kwb_2024, tmp_path):
    import geopandas as gpd

    from sociale_kaart.products import make
    from sociale_kaart.settings import RunSettings

    with open(kwb_2024, encoding="utf-8") as handle:
        small = {r["Codering_3"].strip() for r in csv.DictReader(handle, delimiter=";")
                 if r["Codering_3"].startswith("BU0556") and r["Woningvoorraad_35"].strip()
                 and float(r["Woningvoorraad_35"]) < 50 and r["HuurwoningenTotaal_48"].strip()}
    assert small, "Maassluis has buurten with a rental share on fewer than 50 dwellings (Nieuwe waterweg, Zuidbuurt)"
    make(RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",)), output=tmp_path,
                     quiet=True), products=("tabellen", "aandachtsbuurten"))
    for path in tmp_path.glob("*.csv"):
        with open(path, encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        for row in rows:
            for key, value in row.items():
                decimals = value.split(",")[1] if value.count(",") == 1 and value.replace(",", "").lstrip("-").isdigit() else ""
                assert len(decimals) <= 4, (path.name, key, value)
            if row.get("buurtcode") in small and "pct_huur_status" in row:
                assert row["pct_huur_status"] == "onderdrukt"
                shown = [c for c in ("pct_huurwoningen", "huurwoningen", "pct_huur") if c in row]
                assert "pct_huur" in shown and all(row[c] == "" for c in shown), (path.name, row["buurtcode"])
    layer = gpd.read_file(tmp_path / "maassluis_sociale_kaart.gpkg", layer="buurten").set_index("buurtcode")
    assert layer.loc[sorted(small & set(layer.index)), ["pct_huurwoningen", "huurwoningen", "pct_huur"]].isna().all().all()


def test_a_gemeente_the_figures_do_not_hold_is_named_with_those_they_do(buurten_2016, kwb_2024, kwb_rows):
    held = sorted({row["Gemeentenaam_1"].strip() for row in kwb_rows.values()})
    with pytest.raises(InputError) as error:
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0546",)))
    message = str(error.value)
    assert message.startswith(f"{kwb_2024.name}: geen buurten van Leiden (GM0546); het bestand heeft buurten van ")
    assert all(name in message for name in held) and len(held) == 12


def test_wijken_without_a_name_on_the_map_take_the_kwb_wijk_rows_name(shared, kwb_rows, tmp_path):
    """The 2024 map names its Maassluis wijken "Wijk 01".."Wijk 08"; a KWB of the same year with wijk rows
    (StatLine with every level) gives the real names, and the report says where they came from."""
    import pyogrio

    wijken = pyogrio.read_dataframe(shared / "cbs" / "wijken_2024_simplified.gpkg", layer="wijken", read_geometry=False,
                                    columns=["wijkcode", "wijknaam", "aantal_inwoners"])
    wijken = wijken[wijken["wijkcode"].str.startswith("WK0556")]
    names = dict(zip(wijken["wijkcode"], wijken["wijknaam"]))
    assert names["WK055604"] == "Wijk 04 Kapelpolder" and len(names) == 8
    lines = ["Wijken en buurten;Regioaanduiding/Codering (code);Regioaanduiding/Soort regio (omschrijving);"
             "Bevolking/Aantal inwoners (aantal)"]
    lines += [f"{r.wijknaam};{r.wijkcode};Wijk;{int(r.aantal_inwoners)}" for r in wijken.itertuples()]
    lines += [f"Buurt {code[-2:]};{code};Buurt;{row['AantalInwoners_5'].strip()}" for code, row in kwb_rows.items()
              if code.startswith("BU0556")]
    kwb = tmp_path / "kwb_2024_alle_niveaus.csv"
    kwb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = build(Sources(grenzen=shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg", kwb=kwb, gemeenten=("GM0556",)))
    assert dict(zip(data.wijken["wijkcode"], data.wijken["wijknaam"])) == names
    assert data.buurten.set_index("buurtcode").loc["BU05560401", "wijknaam"] == "Wijk 04 Kapelpolder"
    assert "8 wijknamen uit de wijkrijen van kwb_2024_alle_niveaus.csv" in data.report_text()
