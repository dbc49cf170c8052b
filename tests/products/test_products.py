"""The orchestrator: every product of a run agrees, whichever command made it."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sociale_kaart.products import make
from sociale_kaart.settings import NeedSettings, RunSettings, Sources


def flagged_in_csv(path: Path) -> set[str]:
    with open(path, encoding="utf-8-sig") as handle:
        return {row["buurtcode"] for row in csv.DictReader(handle, delimiter=";") if row["aandachtsbuurt"] == "ja"}


def flagged_in_html(path: Path) -> set[str]:
    page = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="sk-data">(.*?)</script>', page, re.S)
    payload = json.loads(found.group(1))
    features = payload["buurten"]
    return {code for code, flag in zip(features["code"], features["aandacht"]) if flag}


def flagged_in_pdf(path: Path) -> set[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"\((BU\d{8}), stapeling", text))


@pytest.fixture(scope="session")
def pdftotext():
    import shutil

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")


@pytest.mark.parametrize("rule", ["marge", "kwintiel"])
def test_flag_csv_map_and_briefing_name_the_same_buurten(rule, buurten_2016, kwb_2024, tmp_path, pdftotext):
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)),
                           need=NeedSettings(rule=rule), output=tmp_path, quiet=True)
    result = make(settings, products=("aandachtsbuurten", "kaart", "briefing"))
    in_csv = flagged_in_csv(tmp_path / "maassluis_aandachtsbuurten.csv")
    assert in_csv, "Maassluis has aandachtsbuurten under both rules"
    assert flagged_in_html(tmp_path / "maassluis_kaart.html") == in_csv
    assert flagged_in_pdf(tmp_path / "maassluis_briefing.pdf") == in_csv
    assert set(result.analysis.flagged["buurtcode"]) == in_csv


def test_separate_commands_agree_when_given_the_same_settings(buurten_2016, kwb_2024, tmp_path):
    """The bug of the issue: flag --regel kwintiel found 3, map --aandacht outlined 5."""
    common = ["--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis", "--regel", "kwintiel",
              "--uitvoer", str(tmp_path), "--stil"]
    for command in ("flag", "map"):
        done = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", command, *common], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    in_csv = flagged_in_csv(tmp_path / "maassluis_aandachtsbuurten.csv")
    assert flagged_in_html(tmp_path / "maassluis_kaart.html") == in_csv
    marge = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)),
                        output=tmp_path / "marge", quiet=True)
    assert set(make(marge, products=("aandachtsbuurten",)).analysis.flagged["buurtcode"]) != in_csv


def test_index_page_lists_every_product_and_requests_nothing(demo_made):
    _, folder = demo_made
    page = (folder / "index.html").read_text(encoding="utf-8")
    made = [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and p.name != "index.html" and not p.name.startswith(".")]
    assert made and all(f"href='{name}'" in page for name in made)
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page), "the index page must request nothing"
    assert "Voorbeeldstad" in page and "Kleine aantallen" in page
    for part in ("_kaart.html", "_briefing.pdf", "/wijkprofiel_", "_wmo_per_1000.svg", "_aandachtsbuurten.csv"):
        assert any(part in name for name in made), part  # every product of the run is there
    # "Begin hier" first: the briefing, the map and every wijkprofiel; then all files grouped by kind.
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert headings[:2] == ["Begin hier", "Alle bestanden"]
    begin = page.split("Begin hier", 1)[1].split("</section>", 1)[0]
    profiles = [n for n in made if "/wijkprofiel_" in n]
    assert profiles and all(f"href='{n}'" in begin for n in profiles)
    assert "_briefing.pdf'" in begin and "_kaart.html'" in begin
    captions = re.findall(r"<caption>(.*?)</caption>", page)
    assert captions == [c for c in ("Kaarten", "Documenten", "Tabellen", "Grafieken", "Voor QGIS", "Verantwoording")
                        if c in captions] and len(captions) >= 5
    described = dict(re.findall(r"<tr><td><a href='([^']+)'>[^<]*</a></td><td>([^<]*)</td></tr>", page))
    assert set(described) == set(made)
    for name, text in described.items():
        if name.endswith((".qml", ".xlsx", ".csv", ".gpkg", ".txt", ".json")) or "/" in name:
            assert "Statische kaart" not in text, name
    assert described["voorbeeldstad_fictief_sociale_kaart.qml"].startswith("QGIS-stijl")
    assert "Excel" in described["voorbeeldstad_fictief_sociale_kaart.xlsx"]
    assert described["voorbeeldstad_fictief_wmo_per_1000.png"] == "Statische kaart Wmo-cliënten (PNG, 300 dpi)"
    assert "Registratie Registratie" not in page and "<main>" in page and "lang='nl'" in page


def test_unknown_product_is_refused(sample_paths, tmp_path):
    from sociale_kaart.errors import InputError

    settings = RunSettings(sources=Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"]), output=tmp_path,
                           quiet=True)
    with pytest.raises(InputError, match="onbekend product"):
        make(settings, products=("kaart", "poster"))


LEAN = """
import sys, tempfile
from pathlib import Path
from sociale_kaart.products import make
from sociale_kaart.settings import RunSettings, Sources, NeedSettings
from sociale_kaart.sources.sample import sample_path
out = Path(tempfile.mkdtemp())
s = RunSettings(sources=Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb")), output=out, quiet=True,
                need=NeedSettings(hotspots={hotspots}))
make(s, products={products!r})
print(",".join(sorted(m for m in ("mapclassify", "esda", "libpysal", "folium", "sklearn", "scipy.stats")
                      if m in sys.modules)))
"""


@pytest.mark.parametrize("products, hotspots, expected", [
    (("tabellen",), False, ""),
    (("kaart", "aandachtsbuurten"), False, ""),
    (("aandachtsbuurten",), True, "esda,libpysal"),
])
def test_heavy_libraries_are_imported_only_where_their_work_is_needed(products, hotspots, expected):
    code = LEAN.format(hotspots=hotspots, products=products)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(filter(None, done.stdout.strip().split(",")))
    wanted = set(filter(None, expected.split(",")))
    assert wanted <= loaded, loaded
    assert not loaded & {"mapclassify", "folium"}, loaded  # natural breaks and folium are never on these paths
    if not wanted:
        assert loaded == set(), loaded


def test_xlsx_and_qgis_style_carry_the_maps_classes(buurten_2016, kwb_2024, tmp_path):
    import sqlite3
    import xml.etree.ElementTree as ET

    import pandas as pd

    from sociale_kaart.render.classes import classify

    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)),
                           output=tmp_path, quiet=True)
    result = make(settings, products=("tabellen",))
    sheets = pd.read_excel(tmp_path / "maassluis_sociale_kaart.xlsx", sheet_name=None)
    assert list(sheets) == ["buurten", "wijken", "gemeente", "aandachtsbuurten", "definities"]
    buurten = sheets["buurten"].set_index("Buurtcode")
    suppressed = result.data.buurten.set_index("buurtcode")["pct_huur_status"].eq("onderdrukt")
    assert suppressed.any()
    assert (buurten.loc[suppressed[suppressed].index, "Huurwoningen (% van de woningen)"] == "onderdrukt").all()
    with sqlite3.connect(tmp_path / "maassluis_sociale_kaart.gpkg") as db:
        (table, default, text), = db.execute("select f_table_name, useAsDefault, styleQML from layer_styles")
    assert table == "buurten" and default == 1
    root = ET.fromstring(text.split(">", 1)[1])
    rules = list(root.iter("rule"))
    first = result.data.indicators[0]
    expected = classify(result.data.buurten[first.key], "kwantielen", 5)  # the map's default scheme
    assert [r.get("label") for r in rules[:len(expected.bins)]] == expected.labels(1)
    assert len(rules) == len(expected.bins) + 2  # plus onderdrukt and geen gegevens
    colours = [s.find("layer/Option/Option[@name='color']").get("value") for s in root.iter("symbol")]
    assert colours[0] == ",".join(str(int(expected.colours[0][i:i + 2], 16)) for i in (1, 3, 5)) + ",255"


def test_workbook_is_an_analysts_file(buurten_2016, kwb_2024, kwb_rows, tmp_path):
    """Dutch headers, the aandachtsbuurten with reasons, frozen header, filter, widths and number formats."""
    import openpyxl

    from tests.helpers import maassluis_expected_flags

    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)),
                           output=tmp_path, quiet=True)
    make(settings, products=("tabellen", "aandachtsbuurten"))
    book = openpyxl.load_workbook(tmp_path / "maassluis_sociale_kaart.xlsx")
    assert book.sheetnames == ["buurten", "wijken", "gemeente", "aandachtsbuurten", "definities"]
    for sheet in book:
        header = [c.value for c in sheet[1]]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions, sheet.title
        assert not any("_" in str(h) for h in header if sheet.title != "definities"), (sheet.title, header)
        widths = {sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
        assert len(widths) > 1, sheet.title  # widths by content, not one width
    buurten = book["buurten"]
    header = [c.value for c in buurten[1]]
    assert header[:2] == ["Buurtcode", "Buurt"] and "Wmo-cliënten (per 1.000 inwoners)" in header
    rows = {r[0]: dict(zip(header, r)) for r in buurten.iter_rows(min_row=2, values_only=True)}
    raw = kwb_rows["BU05560101"]  # Taanschuurpolder: 130 Wmo clients of 2915 inhabitants
    assert rows["BU05560101"]["Inwoners"] == int(raw["AantalInwoners_5"])
    assert rows["BU05560101"]["Wmo-cliënten (per 1.000 inwoners)"] == round(130 / 2915 * 1000, 1)
    formats = {h: buurten.cell(row=2, column=n + 1).number_format for n, h in enumerate(header)}
    assert formats["Inwoners"] == "#,##0" and formats["Wmo-cliënten (per 1.000 inwoners)"] == "#,##0.0"
    # De Dijk has 10 inhabitants: its rates read "onderdrukt" with a note that says why.
    dijk = next(n for n, r in enumerate(buurten.iter_rows(min_row=2, values_only=True), start=2) if r[0] == "BU05560702")
    cell = buurten.cell(row=dijk, column=header.index("Wmo-cliënten (per 1.000 inwoners)") + 1)
    assert cell.value == "onderdrukt" and "minder dan 50 inwoners" in cell.comment.text
    flags = book["aandachtsbuurten"]
    header = [c.value for c in flags[1]]
    listed = {r[0]: dict(zip(header, r)) for r in flags.iter_rows(min_row=2, values_only=True)}
    assert set(listed) == maassluis_expected_flags(kwb_rows)
    assert all(r["Reden"] and r["Aandachtsbuurt"] == "ja" for r in listed.values())
    keys = {r[1]: r[0] for r in book["definities"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert keys["wmo_per_1000"] == "Wmo-cliënten (per 1.000 inwoners)" and keys["buurtnaam"] == "Buurt"


def test_csvs_hold_whole_counts_and_only_their_columns(buurten_2016, kwb_2024, kwb_rows, tmp_path):
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)),
                           output=tmp_path, quiet=True)
    make(settings, products=("tabellen", "aandachtsbuurten"))
    with open(tmp_path / "maassluis_buurten.csv", encoding="utf-8-sig") as handle:
        buurten = {r["buurtcode"]: r for r in csv.DictReader(handle, delimiter=";")}
    raw = kwb_rows["BU05560101"]
    for column, source in (("inwoners_0_15", "k_0Tot15Jaar_8"), ("wmo_clienten", "WmoClienten_93")):
        assert buurten["BU05560101"][column] == str(round(float(raw[source])))  # 435, not "435,0"
    with open(tmp_path / "maassluis_aandachtsbuurten.csv", encoding="utf-8-sig") as handle:
        flags = list(csv.DictReader(handle, delimiter=";"))
    assert len(flags) == 19 and len(flags[0]) < 40
    assert "wmo_clienten" not in flags[0] and "water" not in flags[0]  # the source counts stay in buurten.csv
    assert {"buurtcode", "buurtnaam", "wmo_per_1000", "stapeling", "aandachtsbuurt", "reden"} <= set(flags[0])
    marked = [r["aandachtsbuurt"] for r in flags]
    assert marked == sorted(marked, key=lambda v: v != "ja")  # the aandachtsbuurten first


def test_a_buurt_name_of_400_characters_breaks_no_product(buurten_2016, kwb_2024, tmp_path):
    """Every product of a run is made with a buurt name of 400 characters: labels and table cells end
    in an ellipsis, the tables keep the whole name."""
    import csv
    import subprocess

    import geopandas as gpd

    from sociale_kaart.products import PRODUCTS
    from sociale_kaart.settings import RunSettings, Sources

    long = ("Heel lange buurtnaam die de opmaak van elke kaart en elk document op de proef stelt " * 6)[:400].strip()
    assert len(long) == 400
    buurten = gpd.read_file(buurten_2016, layer="buurten", where="gemeentecode = 'GM0556'")
    buurten.loc[buurten["buurtcode"] == "BU05560401", "buurtnaam"] = long
    grenzen = tmp_path / "lang_2016.gpkg"
    buurten.to_file(grenzen, layer="buurten", driver="GPKG")
    out = tmp_path / "uit"
    result = make(RunSettings(sources=Sources(grenzen=grenzen, kwb=kwb_2024, gemeenten=("GM0556",)), output=out,
                              quiet=True), products=tuple(p for p in PRODUCTS if p != "voortgang"))
    stem = result.data.slug
    for name in (f"{stem}_buurten.csv", f"{stem}_kaart.html", f"{stem}_briefing.pdf", f"{stem}_wmo_per_1000.png",
                 f"{stem}_sociale_kaart.xlsx"):
        assert (out / name).stat().st_size > 0, name
    with open(out / f"{stem}_buurten.csv", encoding="utf-8-sig") as handle:
        names = {r["buurtcode"]: r["buurtnaam"] for r in csv.DictReader(handle, delimiter=";")}
    assert names["BU05560401"] == long  # the table keeps the name whole
    profile = next((out / f"{stem}_wijkprofielen").glob("*WK055604*.pdf"))
    text = subprocess.run(["pdftotext", "-raw", str(profile), "-"], capture_output=True, text=True, check=True).stdout
    assert "Heel lange buurtnaam die de opmaak van…" in text.replace("\n", " ")  # the table cell: 40 characters


def test_the_fingerprint_reads_linked_extracts_and_declared_sources(sample_paths, tmp_path):
    """A new extract under the same name is another run: the earlier products go, none is left beside the new."""
    from sociale_kaart.products import fingerprint
    from sociale_kaart.sources.linked import LinkedSpec

    wmo, overlast = tmp_path / "wmo.csv", tmp_path / "overlast.csv"
    wmo.write_text("bsn;buurtcode\n1;BU99990101\n", encoding="utf-8")
    overlast.write_text("buurtcode;overlast\nBU99990101;3\n", encoding="utf-8")

    def settings():
        return RunSettings(sources=Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"],
                                           linked=(LinkedSpec(source=wmo, area="Wmo", key="bsn"),),
                                           extra=(("overlast", overlast),)))
    before = fingerprint(settings())
    wmo.write_text("bsn;buurtcode\n1;BU99990102\n", encoding="utf-8")
    after_extract = fingerprint(settings())
    overlast.write_text("buurtcode;overlast\nBU99990101;4\n", encoding="utf-8")
    after_source = fingerprint(settings())
    assert len({before, after_extract, after_source}) == 3
    assert before.split("-")[0] == after_source.split("-")[0]  # the settings are the same; only the inputs changed


def test_a_map_is_drawn_once_for_the_embed_png_and_every_format(sample_paths, tmp_path):
    """The embed PNG is the static map of the first indicator, byte for byte; PNG, SVG and PDF are
    one drawing: the PNG at 300 dpi at the SVG's size, with the classes' colours and the legend's."""
    import io

    import numpy as np
    from PIL import Image

    from sociale_kaart.settings import MapSettings

    settings = RunSettings(sources=Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"]), output=tmp_path,
                           quiet=True, map=MapSettings(formats=("png", "svg")))
    result = make(settings, products=("insluiten", "statisch"))
    first = result.data.indicators[0].key
    shown = sorted(p.stem.removeprefix("voorbeeldstad_fictief_") for p in tmp_path.glob("*.svg"))
    assert first in shown
    png = (tmp_path / f"voorbeeldstad_fictief_{first}.png").read_bytes()
    assert (tmp_path / "voorbeeldstad_fictief_kaart.png").read_bytes() == png
    svg = (tmp_path / f"voorbeeldstad_fictief_{first}.svg").read_text(encoding="utf-8")
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    image = Image.open(io.BytesIO(png))
    assert round(image.info["dpi"][0]) == 300
    assert image.size == (round(width / 72 * 300), round(height / 72 * 300))
    pixels = np.asarray(image.convert("RGB")).astype(int)
    from sociale_kaart.render.classes import palette

    painted = set(re.findall(r"fill: (#[0-9a-f]{6})", svg)) & {c.lower() for k in range(3, 8) for c in palette(k)}
    assert len(painted) >= 3  # the classes the SVG fills buurten with
    for colour in painted:  # each one in the PNG too, over an area (not an antialiased edge)
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels - rgb).sum(axis=2) < 12).sum() > 500, colour
