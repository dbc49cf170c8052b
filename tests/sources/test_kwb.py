"""The KWB reader against every real form of the table; expected values come from the raw files."""

import csv
import json
import math
import re
import sqlite3

import numpy as np
import pandas as pd
import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.sources.kwb import read_kwb
from sociale_kaart.sources.kwb_columns import KWB_COLUMNS, column_keys, normalise_column_name
from tests.helpers import STATLINE, assert_refused, raw_number, statline_export

#: The OData names of 85984NED (2024) for each stable column, as the README and the file header list them.
ODATA = {
    "inwoners": "AantalInwoners_5",
    "inwoners_0_15": "k_0Tot15Jaar_8",
    "inwoners_15_25": "k_15Tot25Jaar_9",
    "inwoners_25_45": "k_25Tot45Jaar_10",
    "inwoners_45_65": "k_45Tot65Jaar_11",
    "inwoners_65plus": "k_65JaarOfOuder_12",
    "huishoudens": "HuishoudensTotaal_29",
    "eenpersoonshuishoudens": "Eenpersoonshuishoudens_30",
    "woningvoorraad": "Woningvoorraad_35",
    "pct_koopwoningen": "Koopwoningen_47",
    "pct_huurwoningen": "HuurwoningenTotaal_48",
    "pct_huur_corporatie": "InBezitWoningcorporatie_49",
    "gem_inkomen_inwoner": "GemiddeldInkomenPerInwoner_78",
    "pct_huishoudens_laag_inkomen": "k_40HuishoudensMetLaagsteInkomen_84",
    "bijstand": "PersonenPerSoortUitkeringBijstand_87",
    "jeugdzorg": "JongerenMetJeugdzorgInNatura_91",
    "pct_jeugdzorg_cbs": "PercentageJongerenMetJeugdzorg_92",
    "wmo_clienten": "WmoClienten_93",
    "wmo_per_1000_cbs": "WmoClientenRelatief_94",
    "stedelijkheid": "MateVanStedelijkheid_120",
}
MAASSLUIS, VLAARDINGEN, SCHIEDAM = "GM0556", "GM0622", "GM0606"


def expected(raw_row: dict[str, str], column: str) -> float:
    value = raw_number(raw_row, column)
    return math.nan if value is None else value


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-9)


def write_csv(path, header, rows, sep=";", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- OData CSV (the Rijnmond file) ----------------------------------------------------------------

def test_odata_csv_every_buurt_and_column_equals_the_raw_file(kwb_2024, kwb_rows):
    kwb = read_kwb(kwb_2024)
    assert len(kwb.buurten) == len(kwb_rows) == 543
    assert kwb.year == 2024 and kwb.code_column == "Codering_3" and kwb.invalid_codes == ()
    assert kwb.form == "CSV, OData-namen"
    table = kwb.buurten.set_index("buurtcode")
    for code, raw in kwb_rows.items():
        for stable, column in ODATA.items():
            assert same(table.loc[code, stable], expected(raw, column)), (code, stable)
    sources = {c.stable: c for c in kwb.columns}
    assert {s: sources[s].column for s in ODATA} == ODATA
    assert not any(sources[s].derived for s in ODATA)


def test_odata_csv_maassluis(kwb_2024, kwb_rows):
    kwb = read_kwb(kwb_2024, [MAASSLUIS])
    codes = sorted(c for c in kwb_rows if c.startswith("BU0556"))
    assert sorted(kwb.buurten["buurtcode"]) == codes and len(codes) == 19
    row = kwb.buurten.set_index("buurtcode").loc["BU05560101"]
    raw = kwb_rows["BU05560101"]
    assert row["inwoners"] == float(raw["AantalInwoners_5"]) == 2915
    assert row["wmo_clienten"] == float(raw["WmoClienten_93"])
    assert row["bijstand"] == float(raw["PersonenPerSoortUitkeringBijstand_87"])
    assert row["pct_huurwoningen"] == float(raw["HuurwoningenTotaal_48"])
    assert row["gemeentenaam"] == raw["Gemeentenaam_1"].strip() == "Maassluis"
    assert row["wijkcode"] == "WK055601" and row["gemeentecode"] == MAASSLUIS
    # derived counts: the CBS percentage times the total, and the sum of two age groups
    assert row["huurwoningen"] == pytest.approx(float(raw["HuurwoningenTotaal_48"]) / 100 * float(raw["Woningvoorraad_35"]))
    assert row["jongeren_0_25"] == float(raw["k_0Tot15Jaar_8"]) + float(raw["k_15Tot25Jaar_9"])
    derived = {c.stable: c for c in kwb.columns if c.derived}
    assert set(derived) == {"huurwoningen", "jongeren_0_25"}
    assert derived["huurwoningen"].inputs == ("pct_huurwoningen", "woningvoorraad")


def test_empty_and_dot_cells_are_missing(kwb_2024, kwb_rows, tmp_path):
    kwb = read_kwb(kwb_2024).buurten.set_index("buurtcode")
    raw = kwb_rows["BU05560702"]  # De Dijk: 10 inhabitants, almost everything empty
    assert raw["WmoClienten_93"].strip() == ""
    assert math.isnan(kwb.loc["BU05560702", "wmo_clienten"])
    # The real file writes secrets as empty cells; CBS also writes '.', 'x', '-', '?' and sentinels.
    # Put them into cells that hold a number and check that exactly those cells become missing.
    with open(kwb_2024, encoding="utf-8") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    header = lines[0]
    markers = {("BU05560101", "WmoClienten_93"): ".", ("BU05560201", "HuurwoningenTotaal_48"): "     .",
               ("BU05560202", "AantalInwoners_5"): "x", ("BU05560203", "PersonenPerSoortUitkeringBijstand_87"): "-",
               ("BU05560301", "k_65JaarOfOuder_12"): "?", ("BU05560302", "Woningvoorraad_35"): "-99997",
               ("BU05560303", "WmoClienten_93"): "-99999999"}
    for line in lines[1:]:
        for (code, column), marker in markers.items():
            if line[header.index("Codering_3")].strip() == code:
                assert raw_number(kwb_rows[code], column) is not None  # it held a number
                line[header.index(column)] = marker
    path = write_csv(tmp_path / "kwb_2024_markers.csv", header, lines[1:])
    marked = read_kwb(path).buurten.set_index("buurtcode")
    stable = {column: s for s, column in ODATA.items()}
    for code, raw_row in kwb_rows.items():
        for column, name in stable.items():
            if (code, column) in markers:
                assert math.isnan(marked.loc[code, name]), (code, column)
            else:
                assert same(marked.loc[code, name], expected(raw_row, column))


def test_gemeente_filter(kwb_2024, kwb_rows):
    kwb = read_kwb(kwb_2024, [MAASSLUIS, VLAARDINGEN])
    expected_count = sum(code[2:6] in ("0556", "0622") for code in kwb_rows)
    assert len(kwb.buurten) == expected_count == 19 + 40


def test_statline_export_gives_the_same_figures_as_odata(kwb_2024, kwb_rows, tmp_path):
    path = statline_export(kwb_2024, tmp_path / "Kerncijfers_wijken_en_buurten_2024.csv")
    assert "Wmo-cliënten (aantal)" in path.read_bytes().decode("cp1252")
    assert '"BU05560101";"2.915"' in path.read_bytes().decode("cp1252")  # Taanschuurpolder, thousands dot
    statline = read_kwb(path)
    odata = read_kwb(kwb_2024)
    assert statline.form == "CSV, StatLine-labels"
    assert [c.stable for c in statline.columns] == [c.stable for c in odata.columns]
    sources = {c.stable: c.column for c in statline.columns}
    assert sources["bijstand"] == "Sociale zekerheid/Personen per soort uitkering/Bijstand (aantal)"
    assert sources["wmo_clienten"] == "Zorg/Wmo-cliënten (aantal)"
    assert sources["inwoners_65plus"] == "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)"
    assert sources["pct_huurwoningen"] == "Wonen/Eigendom/Huurwoningen totaal (%)"
    assert len(statline.buurten) == 543 and statline.invalid_codes == ()
    table = statline.buurten.set_index("buurtcode")
    for code, raw in kwb_rows.items():
        for stable, column in ODATA.items():
            assert same(table.loc[code, stable], expected(raw, column)), (code, stable)
    stable_cols = [c.stable for c in odata.columns]
    pd.testing.assert_frame_equal(table[stable_cols], odata.buurten.set_index("buurtcode")[stable_cols])


def test_statline_single_header_latin1_and_another_release_suffix(tmp_path):
    # bijstand is _94 in another release; StatLine exports use labels with units and latin-1.
    odata = tmp_path / "kwb_2023.csv"
    odata.write_text(
        "Codering_3;SoortRegio_2;AantalInwoners_6;PersonenPerSoortUitkeringBijstand_94\n"
        "BU05560101  ;Buurt     ;2915;60\n", encoding="utf-8")
    assert read_kwb(odata).buurten.loc[0, "bijstand"] == 60
    statline = tmp_path / "statline.csv"
    statline.write_bytes(
        "Wijken en buurten,Regioaanduiding/Codering (code),Bevolking/Aantal inwoners (aantal),"
        "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal),Zorg/Wmo-cliënten (aantal),"
        "Sociale zekerheid/Personen per soort uitkering/Bijstand (aantal)\n"
        "Taanschuurpolder,BU05560101,2915,515,.,60\n".encode("latin-1"))
    table = read_kwb(statline)
    row = table.buurten.loc[0]
    assert row["inwoners_65plus"] == 515 and row["bijstand"] == 60 and math.isnan(row["wmo_clienten"])
    assert row["buurtcode"] == "BU05560101" and row["buurtnaam"] == "Taanschuurpolder"
    assert "wmo_clienten" in {c.stable for c in table.columns}  # found, not silently dropped


# --- Wijk- en Buurtkaart attributes ---------------------------------------------------------------

def test_map_2024_geopackage_attributes(shared):
    path = shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg"
    kwb = read_kwb(path, [MAASSLUIS, VLAARDINGEN, SCHIEDAM])
    # Hand values read from the layer: Taanschuurpolder 2915 inhabitants, 18% aged 65+, 32% rented, 60 bijstand;
    # De Dijk has 10 inhabitants and the sentinel -99997 for the rest.
    table = kwb.buurten.set_index("buurtcode")
    assert table.loc["BU05560101", "inwoners"] == 2915
    assert table.loc["BU05560101", "inwoners_65plus"] == pytest.approx(0.18 * 2915)
    assert table.loc["BU05560101", "pct_huurwoningen"] == 32 and table.loc["BU05560101", "bijstand"] == 60
    assert table.loc["BU05560702", "inwoners"] == 10
    # Indische Buurt (Vlaardingen): 3785, 19%, 46% rented, 120; Binnenstad (Schiedam): 2250, 11%, 64%, 90.
    for code, inwoners, pct65, pct_huur, bijstand in (("BU06220101", 3785, 19, 46, 120), ("BU06060001", 2250, 11, 64, 90)):
        row = table.loc[code]
        assert (row["inwoners"], row["pct_huurwoningen"], row["bijstand"]) == (inwoners, pct_huur, bijstand)
        assert row["inwoners_65plus"] == pytest.approx(pct65 / 100 * inwoners)
    assert math.isnan(table.loc["BU05560702", "inwoners_65plus"]) and math.isnan(table.loc["BU05560702", "bijstand"])
    # Every buurt of the three gemeenten, against the attributes read with sqlite3 (a GeoPackage is SQLite).
    with sqlite3.connect(path) as con:
        raw = con.execute(
            "SELECT buurtcode, aantal_inwoners, percentage_personen_65_jaar_en_ouder, percentage_huurwoningen, "
            "woningvoorraad, aantal_personen_met_een_alg_bijstandsuitkering_tot FROM buurten "
            "WHERE gemeentecode IN ('GM0556', 'GM0622', 'GM0606')").fetchall()
    assert len(raw) == len(table) == 19 + 40 + 70

    def value(v):
        return math.nan if v is None or v <= -99990 else float(v)

    for code, inwoners, pct65, pct_huur, voorraad, bijstand in raw:
        row = table.loc[code]
        assert same(row["inwoners"], value(inwoners))
        assert same(row["inwoners_65plus"], value(pct65) / 100 * value(inwoners))
        assert same(row["pct_huurwoningen"], value(pct_huur))
        assert same(row["huurwoningen"], value(pct_huur) / 100 * value(voorraad))
        assert same(row["bijstand"], value(bijstand))
    sources = {c.stable: c for c in kwb.columns}
    assert sources["inwoners_65plus"].derived and sources["inwoners_65plus"].inputs == ("pct_65plus_cbs", "inwoners")
    assert sources["pct_65plus_cbs"].column == "percentage_personen_65_jaar_en_ouder"
    assert not sources["bijstand"].derived and kwb.year == 2024
    assert "wmo_clienten" not in sources  # this naming has no Wmo column: absent, for the lead to warn about


def test_map_2015_uppercase_maassluis(shared):
    path = shared / "kwb" / "kwb_2015_buurten_wbkaart.csv"
    with open(path, encoding="utf-8") as handle:
        raw = [r for r in csv.DictReader(handle, delimiter=";") if r["GM_CODE"] == MAASSLUIS]
    kwb = read_kwb(path, [MAASSLUIS])
    table = kwb.buurten.set_index("buurtcode")
    assert sorted(table.index) == sorted(r["BU_CODE"] for r in raw) and len(raw) == 19
    for r in raw:
        inwoners, pct65, wwb = (float(r[c]) for c in ("AANT_INW", "P_65_EO_JR", "WWB_UITTOT"))
        assert table.loc[r["BU_CODE"], "inwoners"] == inwoners
        assert table.loc[r["BU_CODE"], "inwoners_65plus"] == pytest.approx(pct65 / 100 * inwoners)
        assert same(table.loc[r["BU_CODE"], "bijstand"], math.nan if wwb <= -99990 else wwb)
    # By hand: Taanschuurpolder 2350 inhabitants, 15% aged 65+; Nieuwe waterweg has bijstand -99999999.
    assert table.loc["BU05560101", "inwoners_65plus"] == pytest.approx(352.5)
    assert math.isnan(table.loc["BU05560405", "bijstand"])
    assert table.loc["BU05560101", "buurtnaam"] == "Taanschuurpolder"
    source = {c.stable: c for c in kwb.columns}["inwoners_65plus"]
    assert source.derived and source.column == "P_65_EO_JR × AANT_INW / 100" and source.unit == "aantal"
    assert kwb.year == 2015 and kwb.form == "CSV, namen van de Wijk- en Buurtkaart (tot 2016)"


def test_shapefile_with_uppercase_names(shared, tmp_path):
    gpd = pytest.importorskip("geopandas")
    import shapely

    path = shared / "kwb" / "kwb_2015_buurten_wbkaart.csv"
    with open(path, encoding="utf-8") as handle:
        raw = [r for r in csv.DictReader(handle, delimiter=";") if r["GM_CODE"] == MAASSLUIS]
    frame = gpd.GeoDataFrame(
        {"BU_CODE": [r["BU_CODE"] for r in raw], "AANT_INW": [int(r["AANT_INW"]) for r in raw],
         "P_65_EO_JR": [int(r["P_65_EO_JR"]) for r in raw]},
        geometry=[shapely.Point(i, i) for i in range(len(raw))], crs="EPSG:28992")
    shp = tmp_path / "buurt_2015.shp"
    frame.to_file(shp, engine="pyogrio")
    kwb = read_kwb(shp)
    assert kwb.form.startswith("Shapefile")
    table = kwb.buurten.set_index("buurtcode")
    for r in raw:
        assert table.loc[r["BU_CODE"], "inwoners_65plus"] == pytest.approx(
            float(r["P_65_EO_JR"]) / 100 * float(r["AANT_INW"]))


def test_shapefile_cuts_snake_names_at_ten_characters(shared, tmp_path):
    gpd = pytest.importorskip("geopandas")
    import shapely

    with sqlite3.connect(shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg") as con:
        raw = con.execute("SELECT buurtcode, aantal_inwoners, woningvoorraad, percentage_huurwoningen FROM buurten "
                          "WHERE gemeentecode = 'GM0556'").fetchall()
    frame = gpd.GeoDataFrame(
        {"buurtcode": [r[0] for r in raw], "aantal_inwoners": [r[1] for r in raw],
         "woningvoorraad": [r[2] for r in raw], "percentage_huurwoningen": [r[3] for r in raw]},
        geometry=[shapely.Point(i, i) for i in range(len(raw))], crs="EPSG:28992")
    shp = tmp_path / "buurten_2024.shp"
    frame.to_file(shp, engine="pyogrio")  # GDAL cuts: aantal_inw, woningvoor, percentage
    kwb = read_kwb(shp)
    sources = {c.stable: c.column for c in kwb.columns}
    assert sources["inwoners"] == "aantal_inw" and sources["woningvoorraad"] == "woningvoor"
    assert "pct_huurwoningen" not in sources  # 'percentage' could be any percentage: not guessed
    table = kwb.buurten.set_index("buurtcode")
    for code, inwoners, voorraad, _pct in raw:
        assert table.loc[code, "inwoners"] == inwoners and table.loc[code, "woningvoorraad"] == voorraad


# --- other containers -----------------------------------------------------------------------------

def test_odata_json_typed_dataset(kwb_2024, kwb_rows, tmp_path):
    records = []
    for i, (code, raw) in enumerate(r for r in kwb_rows.items() if r[0].startswith("BU0556")):
        record = {"ID": i, "WijkenEnBuurten": code, "Gemeentenaam_1": raw["Gemeentenaam_1"]}
        record |= {column: raw_number(raw, column) for column in ODATA.values()}  # typed: numbers and null
        records.append(record)
    path = tmp_path / "TypedDataSet"  # no extension: the content decides
    path.write_text(json.dumps({"odata.metadata": "https://opendata.cbs.nl/...", "value": records}))
    kwb = read_kwb(path)
    assert kwb.form == "JSON, OData-namen" and len(kwb.buurten) == 19
    table = kwb.buurten.set_index("buurtcode")
    for code in table.index:
        for stable, column in ODATA.items():
            assert same(table.loc[code, stable], expected(kwb_rows[code], column))
    paged = tmp_path / "page1.json"
    paged.write_text(json.dumps({"value": records, "odata.nextLink": "https://opendata.cbs.nl/...$skip=10000"}))
    with pytest.raises(InputError, match="page1.json: dit is maar één pagina"):
        read_kwb(paged)
    v4 = tmp_path / "observations.json"
    v4.write_text(json.dumps({"value": [{"Id": 0, "Measure": "M000352", "Value": 2915.0, "WijkenEnBuurten": "BU05560101"}]}))
    with pytest.raises(InputError, match="OData v4"):
        read_kwb(v4)


def test_xlsx_with_kwb_xlsx_names_numbers_and_text_cells(kwb_rows, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    maassluis = {c: r for c, r in kwb_rows.items() if c.startswith("BU0556")}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["gwb_code_10", "regio", "gm_naam", "recs", "a_inw", "a_65_oo", "a_soz_wb", "a_wmo_t", "p_huurw"])
    sheet.append(["NL00", "Nederland", "Nederland", "Land", 17942942, ".", ".", ".", "."])
    sheet.append(["GM0556", "Maassluis", "Maassluis", "Gemeente", 35825, ".", ".", ".", "."])
    for code, raw in maassluis.items():
        cells = [raw_number(raw, c) for c in ("AantalInwoners_5", "k_65JaarOfOuder_12",
                                              "PersonenPerSoortUitkeringBijstand_87", "WmoClienten_93",
                                              "HuurwoningenTotaal_48")]
        sheet.append([code, "naam", "Maassluis", "Buurt"] + ["." if v is None else v for v in cells])
    path = tmp_path / "kwb-2024.xlsx"
    book.save(path)
    kwb = read_kwb(path)
    assert kwb.form == "XLSX, namen van kwb-<jaar>.xlsx"
    assert kwb.nederland["inwoners"] == 17942942 and math.isnan(kwb.nederland["wmo_clienten"])
    assert kwb.gemeenten.loc[0, "gemeentecode"] == "GM0556" and kwb.gemeenten.loc[0, "gemeentenaam"] == "Maassluis"
    table = kwb.buurten.set_index("buurtcode")
    assert len(table) == 19
    pairs = {"inwoners": "AantalInwoners_5", "inwoners_65plus": "k_65JaarOfOuder_12",
             "bijstand": "PersonenPerSoortUitkeringBijstand_87", "wmo_clienten": "WmoClienten_93",
             "pct_huurwoningen": "HuurwoningenTotaal_48"}
    for code, raw in maassluis.items():
        for stable, column in pairs.items():
            assert same(table.loc[code, stable], expected(raw, column))


def test_xlsx_statline_export_beside_an_explanation_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Toelichting"
    book.active.append(["Kerncijfers wijken en buurten 2024"])
    book.active.append(["Deze tabel bevat ..."])
    sheet = book.create_sheet("Tabel")
    sheet.append(["Kerncijfers wijken en buurten 2024"])
    sheet.append([None, "Regioaanduiding", "Bevolking", None, "Zorg"])
    sheet.append(["Wijken en buurten", "Codering (code)", "Aantal inwoners (aantal)",
                  "Leeftijdsgroepen/65 jaar of ouder (aantal)", "Wmo-cliënten (aantal)"])
    sheet.append(["Taanschuurpolder", "BU05560101", 2915, "515", "1.094,0"])  # numbers and Dutch text cells
    sheet.append(["Vertobuurt", "BU05560201", 2745, 430, "."])
    path = tmp_path / "export.xlsx"
    book.save(path)
    kwb = read_kwb(path)
    assert kwb.form == "XLSX, StatLine-labels" and kwb.source == "export.xlsx"
    assert kwb.buurten[["buurtcode", "buurtnaam"]].values.tolist() == [["BU05560101", "Taanschuurpolder"],
                                                                       ["BU05560201", "Vertobuurt"]]
    assert kwb.buurten["inwoners"].tolist() == [2915.0, 2745.0]
    assert kwb.buurten["inwoners_65plus"].tolist() == [515.0, 430.0]
    assert kwb.buurten["wmo_clienten"].iloc[0] == 1094.0 and math.isnan(kwb.buurten["wmo_clienten"].iloc[1])
    assert kwb.invalid_codes == ()


def test_geopackage_layers_give_wijken_and_gemeenten(tmp_path):
    gpd = pytest.importorskip("geopandas")
    import shapely

    path = tmp_path / "wijkenbuurten_2024.gpkg"
    layers = {
        "gemeenten": {"gemeentecode": ["GM0556"], "gemeentenaam": ["Maassluis"], "aantal_inwoners": [35825]},
        "wijken": {"wijkcode": ["WK055601"], "wijknaam": ["Wijk 01"], "gemeentecode": ["GM0556"],
                   "aantal_inwoners": [2915]},
        "buurten": {"buurtcode": ["BU05560101", "BU05560102"], "buurtnaam": ["Taanschuurpolder", "Water"],
                    "aantal_inwoners": [2915, -99997]},
    }
    for layer, columns in layers.items():
        n = len(next(iter(columns.values())))
        gpd.GeoDataFrame(columns, geometry=[shapely.Point(i, i) for i in range(n)], crs="EPSG:28992").to_file(
            path, layer=layer, engine="pyogrio")
    kwb = read_kwb(path)
    assert kwb.buurten["buurtcode"].tolist() == ["BU05560101", "BU05560102"]
    assert kwb.buurten["inwoners"].iloc[0] == 2915 and math.isnan(kwb.buurten["inwoners"].iloc[1])
    assert kwb.wijken[["wijkcode", "wijknaam", "inwoners"]].values.tolist() == [["WK055601", "Wijk 01", 2915.0]]
    assert kwb.gemeenten[["gemeentecode", "gemeentenaam", "inwoners"]].values.tolist() == [["GM0556", "Maassluis",
                                                                                             35825.0]]


def test_parquet_needs_pyarrow_or_reads(kwb_2024, tmp_path):
    import importlib.util

    path = tmp_path / "kwb.parquet"
    if importlib.util.find_spec("pyarrow") is None and importlib.util.find_spec("fastparquet") is None:
        path.write_bytes(b"PAR1" + b"\x00" * 16 + b"PAR1")
        with pytest.raises(InputError, match="kwb.parquet: Parquet lezen vraagt het pakket pyarrow"):
            read_kwb(path)
    else:
        frame = pd.read_csv(kwb_2024, sep=";", dtype=str)
        frame.to_parquet(path)
        assert len(read_kwb(path).buurten) == 543


# --- numbers --------------------------------------------------------------------------------------

HEADER = ["Codering_3", "AantalInwoners_5", "WmoClienten_93", "HuurwoningenTotaal_48", "WmoClientenRelatief_94"]


def test_dutch_number_formats_per_column(tmp_path):
    path = write_csv(tmp_path / "kwb.csv", HEADER, [
        ["BU05560101", "2.915", "1.094", "32,5", "44,6"],
        ["BU05560102", "850", "130", "7", "1.000,0"],
    ])
    table = read_kwb(path).buurten
    assert table["inwoners"].tolist() == [2915.0, 850.0]
    assert table["wmo_clienten"].tolist() == [1094.0, 130.0]  # the file uses decimal commas: dots group thousands
    assert table["pct_huurwoningen"].tolist() == [32.5, 7.0]
    assert table["wmo_per_1000_cbs"].tolist() == [44.6, 1000.0]


def test_point_decimals_elsewhere_decide_an_ambiguous_column(tmp_path):
    path = write_csv(tmp_path / "kwb.csv", HEADER, [
        ["BU05560101", "2915", "1.094", "32.5", "44.6"],
        ["BU05560102", "850", "2.125", "7.0", "3.5"],
    ])
    assert read_kwb(path).buurten["wmo_clienten"].tolist() == [1.094, 2.125]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["BU05560102", "inf", "130", "7", "3"],
         r"kolom 'AantalInwoners_5' heeft een oneindige waarde in rij 3 \(BU05560102\)"),
        (["BU05560102", "850", "-5", "7", "3"],
         r"kolom 'WmoClienten_93' is een aantal, maar heeft -5 in rij 3 \(BU05560102\)"),
        (["BU05560102", "850", "130", "100.5", "3"],
         r"kolom 'HuurwoningenTotaal_48' is een percentage, maar heeft 100\.5 in rij 3 \(BU05560102\)"),
        (["BU05560102", "850", "130", "7", "1200"],
         r"kolom 'WmoClientenRelatief_94' is een aantal per 1\.000, maar heeft 1200 in rij 3 \(BU05560102\)"),
        (["BU05560102", "850", "onbekend", "7", "3"],
         r"kolom 'WmoClienten_93', rij 3 \(BU05560102\): 'onbekend' is geen getal"),
        (["BU05560102", "850", "12,5", "7", "3"], r"kolom 'WmoClienten_93' mengt notaties"),
    ],
)
def test_bad_values_name_file_column_row_and_buurtcode(tmp_path, cells, message):
    path = write_csv(tmp_path / "kwb_fout.csv", HEADER, [["BU05560101", "2915", "130.0", "32", "44.6"], cells])
    with pytest.raises(InputError, match=r"kwb_fout\.csv: " + message):
        read_kwb(path)


# --- codes and levels -----------------------------------------------------------------------------

def test_codes_in_every_form_and_invalid_codes_are_listed(tmp_path):
    path = write_csv(tmp_path / "kwb.csv", ["SoortRegio_2", "Codering_3", "AantalInwoners_5"], [
        ["Buurt", "BU05560101", "10"],
        ["Buurt", "05560102", "20"],
        ["Buurt", "5560103", "30"],
        ["Buurt", "5560104.0", "40"],
        ["Buurt", "bu05560105", "50"],
        ["Buurt", "  BU05560106  ", "60"],
        ["Buurt", "Taanschuurpolder", "70"],
        ["Buurt", "", "80"],
        ["Wijk", "BU05560109", "90"],
    ])
    kwb = read_kwb(path)
    assert kwb.buurten["buurtcode"].tolist() == [f"BU0556010{i}" for i in range(1, 7)]
    assert kwb.buurten["inwoners"].tolist() == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    # rows 8, 9 and 10 of the spreadsheet (header = row 1): a name, an empty code, a buurtcode called a wijk
    assert kwb.invalid_codes == ((8, "Taanschuurpolder"), (9, ""), (10, "BU05560109"))


def test_wijk_gemeente_and_nederland_rows_are_kept_apart(tmp_path):
    path = write_csv(tmp_path / "kwb.csv", ["SoortRegio_2", "Gemeentenaam_1", "Codering_3", "AantalInwoners_5",
                                             "WmoClienten_93"], [
        ["Land      ", "Nederland ", "NL00      ", "17942942", "1300000"],
        ["Gemeente  ", "Maassluis ", "GM0556    ", "35825", "2100"],
        ["Wijk      ", "Maassluis ", "WK055601  ", "2915", "130"],
        ["Buurt     ", "Maassluis ", "BU05560101", "2915", "130"],
        ["Buurt     ", "Vlaardingen", "BU06220101", "1000", "40"],
    ])
    kwb = read_kwb(path, [MAASSLUIS])
    assert kwb.buurten["buurtcode"].tolist() == ["BU05560101"]
    assert kwb.wijken[["wijkcode", "gemeentecode", "inwoners"]].values.tolist() == [["WK055601", MAASSLUIS, 2915.0]]
    assert kwb.gemeenten[["gemeentecode", "gemeentenaam", "wmo_clienten"]].values.tolist() == [[MAASSLUIS, "Maassluis", 2100.0]]
    assert kwb.nederland == {"inwoners": 17942942.0, "wmo_clienten": 1300000.0}


def test_gemeente_only_table(shared):
    path = shared / "kwb" / "kwb_2024_gemeenten.csv"
    with open(path, encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle, delimiter=";"))
    kwb = read_kwb(path, require_buurten=False)
    assert kwb.buurten.empty and "buurtcode" in kwb.buurten.columns and kwb.wijken is None
    assert len(kwb.gemeenten) == len(raw) == 342
    assert kwb.gemeenten["inwoners"].sum() == sum(float(r["AantalInwoners_5"]) for r in raw) == 17_942_942
    row = kwb.gemeenten.set_index("gemeentecode").loc[MAASSLUIS]
    raw_row = next(r for r in raw if r["gemeentecode"] == MAASSLUIS)
    assert row["gemeentenaam"] == raw_row["gemeentenaam"] == "Maassluis"
    for stable, column in ODATA.items():
        assert same(row[stable], expected(raw_row, column))
    with pytest.raises(InputError, match=r"kwb_2024_gemeenten\.csv: de tabel bevat geen buurten"):
        read_kwb(path)


def test_not_a_kwb_table(tmp_path):
    assert_refused(read_kwb, tmp_path, [
        ("lijst.csv", "naam;aantal\nA;1\n", r"lijst\.csv: geen kolom met de buurtcode"),
        ("codes.csv", "Codering_3;Iets_4\nBU05560101;1\n", r"codes\.csv: dit is geen KWB-tabel"),
    ])
    with pytest.raises(InputError, match="bestand niet gevonden"):
        read_kwb(tmp_path / "weg.csv")


# --- the mapping ----------------------------------------------------------------------------------

def test_column_name_normalisation():
    assert normalise_column_name("WmoClienten_93") == normalise_column_name("Wmo-cliënten (aantal)") == "wmoclienten"
    assert normalise_column_name("k_0Tot15Jaar_8") == "0tot15jaar"
    keys = [k for k, _n in column_keys("Sociale zekerheid/Personen per soort uitkering/Bijstand (aantal)")]
    assert normalise_column_name("PersonenPerSoortUitkeringBijstand_87") in keys


def test_mapping_table_names_are_unambiguous():
    # No source name may point at two stable columns, in any naming.
    from sociale_kaart.sources.kwb_columns import POOL

    numeric = {key: {s for s, _f in owners if s in KWB_COLUMNS} for key, owners in POOL.items()}
    assert all(len(owners) <= 1 for owners in numeric.values()), {k: v for k, v in numeric.items() if len(v) > 1}
    required = {"inwoners", "inwoners_65plus", "bijstand", "wmo_clienten", "pct_huurwoningen", "woningvoorraad",
                "jeugdzorg", "huurwoningen", "jongeren_0_25", "pct_65plus_cbs", "wmo_per_1000_cbs"}
    assert required <= set(KWB_COLUMNS)
    assert KWB_COLUMNS["wmo_per_1000_cbs"].maximum == 1000 and KWB_COLUMNS["pct_huurwoningen"].maximum == 100
    assert np.isclose(KWB_COLUMNS["bijstand"].minimum, 0)


# --- StatLine in other dialects: re-saved by R and by Excel, and with every level in one table -----

def statline_levels(kwb_2024, shared):
    """The Rijnmond buurten as StatLine gives them with "alle regio's": per gemeente its published row
    (from ``kwb_2024_gemeenten.csv``), then a wijk row, then its buurten; header = label paths.

    The wijk rows are constructed (the shared data has no 2024 wijk rows): their counts are the sums of
    the wijk's buurten, other figures empty. Values are the raw OData texts; missing is empty.
    """
    with open(kwb_2024, encoding="utf-8") as handle:
        buurten = list(csv.DictReader(handle, delimiter=";"))
    with open(shared / "kwb" / "kwb_2024_gemeenten.csv", encoding="utf-8") as handle:
        gemeenten = {r["Codering_3"].strip(): r for r in csv.DictReader(handle, delimiter=";")}
    columns = list(STATLINE)
    counts = [c for c in columns if STATLINE[c][1].endswith("(aantal)") and "Gemiddelde" not in STATLINE[c][1]]
    header = ["Wijken en buurten"] + [f"{theme}/{label}" for theme, label in (STATLINE[c] for c in columns)]
    body = []
    for gm in sorted({r["Codering_3"].strip()[:6].replace("BU", "GM") for r in buurten}):
        mine = [r for r in buurten if r["Codering_3"].strip()[2:6] == gm[2:]]
        body.append([gemeenten[gm]["gemeentenaam"].strip()] + [gemeenten[gm][c].strip() for c in columns])
        for wk in sorted({r["Codering_3"].strip()[2:8] for r in mine}):
            parts = [r for r in mine if r["Codering_3"].strip()[2:8] == wk]
            row = {c: "" for c in columns} | {"Gemeentenaam_1": parts[0]["Gemeentenaam_1"].strip(),
                                              "SoortRegio_2": "Wijk", "Codering_3": "WK" + wk}
            for c in counts:
                values = [raw_number(r, c) for r in parts]
                row[c] = "" if None in values else f"{sum(values):g}"
            body.append([f"Wijk {wk[-2:]}"] + [row[c] for c in columns])
        body += [[f"Buurt {r['Codering_3'].strip()[-2:]}"] + [r[c].strip() for c in columns] for r in mine]
    return header, body


def r_name(label: str) -> str:
    """R's make.names: every character that is no letter, digit, '.' or '_' a dot; X before a digit."""
    name = re.sub(r"[^\w.]", ".", label)
    return "X" + name if name[0].isdigit() else name


def test_statline_in_r_excel_and_all_levels_gives_the_odata_figures(kwb_2024, kwb_rows, shared, tmp_path):
    import openpyxl

    header, body = statline_levels(kwb_2024, shared)
    r_csv = tmp_path / "kwb_2024_r.csv"  # write.csv: ',' and '.', a column of row numbers, NA for missing
    write_csv(r_csv, [""] + [r_name(h) for h in header],
              [[str(i + 1)] + [v if v != "" else "NA" for v in row] for i, row in enumerate(body)], sep=",")
    xlsx = tmp_path / "kwb_2024_excel.xlsx"  # Excel: numbers as numbers, the title row kept
    book = openpyxl.Workbook()
    book.active.append(["Kerncijfers wijken en buurten 2024"])
    book.active.append(header)
    for row in body:
        book.active.append([float(v) if re.fullmatch(r"-?\d+(\.\d+)?", v) else (v or None) for v in row])
    book.save(xlsx)
    excel_csv = tmp_path / "kwb_2024_excel.csv"  # Dutch Excel's CSV: ';', decimal comma, no quotes
    write_csv(excel_csv, header, [[v.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", v) else v for v in row]
                                  for row in body], encoding="cp1252")
    assert "Zorg.Wmo.cliënten..aantal." in r_csv.read_text(encoding="utf-8").splitlines()[0]
    odata = read_kwb(kwb_2024)
    reference = odata.buurten.set_index("buurtcode")
    for path in (r_csv, xlsx, excel_csv):
        table = read_kwb(path)
        assert table.form.endswith("StatLine-labels"), path.name
        assert [c.stable for c in table.columns] == [c.stable for c in odata.columns], path.name
        got = table.buurten.set_index("buurtcode")
        assert len(got) == 543 and table.invalid_codes == ()
        for code, raw in kwb_rows.items():
            for stable, column in ODATA.items():
                assert same(got.loc[code, stable], reference.loc[code, stable]), (path.name, code, stable)
                assert same(got.loc[code, stable], expected(raw, column)), (path.name, code, stable)
        # The gemeente rows are the published references, the wijk rows read as wijken.
        gemeenten = table.gemeenten.set_index("gemeentecode")
        assert len(gemeenten) == 12 and gemeenten.loc["GM0556", "inwoners"] == 35832
        assert table.wijken is not None and table.wijken["wijkcode"].str.startswith("WK").all()
        maassluis_01 = sum(raw_number(r, "AantalInwoners_5") for c, r in kwb_rows.items() if c.startswith("BU055601"))
        assert table.wijken.set_index("wijkcode").loc["WK055601", "inwoners"] == maassluis_01
