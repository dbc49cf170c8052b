"""The HTML map as a user sees it: headless Chromium with the network blocked.

The inputs are built here from the raw files (boundaries with pyogrio, figures with the csv
module), not with the package's dataset builder, so that these tests exercise the page alone.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from sociale_kaart.combine.indicators import registry
from sociale_kaart.render.classes import classify
from sociale_kaart.render.webmap import FLAG_COLOUR, SEARCH_COLOUR, embed_snippet, map_data, render_html
from tests.helpers import raw_number

MAASSLUIS, VLAARDINGEN = "GM0556", "GM0622"
WMO, OUDEREN = registry()["wmo_per_1000"], registry()["pct_65plus"]
SUBTITLE = "Kerncijfers wijken en buurten 2024 · Bron: CBS/Kadaster"
PANELS = ".leaflet-control"  # title, search/indicator panel, legend, zoom, scale, attribution


def _rate(row, numerator: str, scale: float) -> tuple[float, str]:
    """A rate from the raw CSV row: suppressed under 50 inhabitants, missing when a cell is empty."""
    if row is None:
        return math.nan, "ontbreekt"
    inhabitants = raw_number(row, "AantalInwoners_5")
    if inhabitants is not None and inhabitants < 50:
        return math.nan, "onderdrukt"
    count = raw_number(row, numerator)
    if inhabitants is None or count is None or inhabitants == 0:
        return math.nan, "ontbreekt"
    return count / inhabitants * scale, "ok"


def _inputs(gpkg, kwb_rows, codes: list[str]):
    """Buurten of `codes` with wmo_per_1000 and pct_65plus, and their classes."""
    import geopandas as gpd

    where = "gemeentecode IN (" + ", ".join(f"'{c}'" for c in codes) + ")"
    buurten = gpd.read_file(gpkg, layer="buurten", where=where, engine="pyogrio")
    wijken = gpd.read_file(gpkg, layer="wijken", where=where, engine="pyogrio", ignore_geometry=True)
    names = {code: (name if isinstance(name, str) and name.strip() else f"Wijk {code[-2:]}")
             for code, name in zip(wijken["wijkcode"], wijken["wijknaam"])}
    buurten["wijknaam"] = buurten["wijkcode"].map(names)
    rows = [kwb_rows.get(code) for code in buurten["buurtcode"]]
    for ind, column, scale in ((WMO, "WmoClienten_93", 1000), (OUDEREN, "k_65JaarOfOuder_12", 100)):
        rates = [_rate(row, column, scale) for row in rows]
        buurten[ind.key] = [r[0] for r in rates]
        buurten[f"{ind.key}_status"] = [r[1] for r in rates]
    buurten["koppeling"] = ["gekoppeld" if row is not None else "alleen grenzen" for row in rows]
    buurten["aandachtsbuurt"] = buurten[WMO.key] > 150
    buurten["reden"] = np.where(buurten["aandachtsbuurt"], "Wmo-gebruik boven 150 per 1.000 inwoners", "")
    layers = [(ind, classify(buurten[ind.key], "kwantielen", 5)) for ind in (WMO, OUDEREN)]
    return buurten, layers


@pytest.fixture(scope="session")
def maassluis(buurten_2016, kwb_rows):
    return _inputs(buurten_2016, kwb_rows, [MAASSLUIS])


@pytest.fixture(scope="session")
def twee_gemeenten(buurten_2016, kwb_rows):
    return _inputs(buurten_2016, kwb_rows, [MAASSLUIS, VLAARDINGEN])


@pytest.fixture(scope="session")
def maassluis_map(maassluis, tmp_path_factory):
    buurten, layers = maassluis
    path = tmp_path_factory.mktemp("kaart") / "maassluis_kaart.html"
    path.write_text(render_html(buurten, layers, title="Sociale kaart Maassluis", subtitle=SUBTITLE), encoding="utf-8")
    return path


def _hover_tip(page, buurtcode: str):
    page.locator(f"path.sk-buurt[data-buurtcode='{buurtcode}']").hover(force=True)
    # A tooltip fades out for 200 ms after the mouse leaves: pick the one of this buurt.
    tip = page.locator(".leaflet-tooltip").filter(has_text=buurtcode)
    tip.wait_for()
    return tip


def _boxes(page, selector: str) -> list[dict]:
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none')
             .map(e => { const r = e.getBoundingClientRect();
                         return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                                 code: e.getAttribute('data-buurtcode'), cls: e.getAttribute('class')}; })""",
        selector)


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


# --- the page as text -----------------------------------------------------------------------

def test_page_references_no_external_resource(maassluis_map):
    page = maassluis_map.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert "openstreetmap" not in page.lower().replace("openstreetmap.org/copyright", "")
    assert "<title>Sociale kaart Maassluis</title>" in page
    assert "Bron: CBS/Kadaster" in page


def test_data_block_and_texts_are_escaped(maassluis):
    buurten, layers = maassluis
    buurten = buurten.copy()
    buurten.loc[0, "buurtnaam"] = "</script><script>alert(1)</script> & co"
    page = render_html(buurten, layers, title="<b>Kaart</b> & zo", subtitle="\"bron\" <i>x</i>")
    assert "<title>&lt;b&gt;Kaart&lt;/b&gt; &amp; zo</title>" in page
    assert "<p>&quot;bron&quot; &lt;i&gt;x&lt;/i&gt;</p>" in page
    data = page.split('<script type="application/json" id="sk-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(data)["buurten"]["naam"][0] == "</script><script>alert(1)</script> & co"


def test_suppressed_and_missing_figures_send_no_number(maassluis, kwb_rows):
    buurten, layers = maassluis
    # The test's own status, from the raw CSV: De Dijk has 10 inhabitants, Zuidbuurt no Wmo count.
    assert raw_number(kwb_rows["BU05560702"], "AantalInwoners_5") < 50
    assert kwb_rows["BU05560701"]["WmoClienten_93"].strip() == ""
    payload = map_data(buurten, layers)
    wmo = payload["indicatoren"][0]
    codes = payload["buurten"]["code"]
    dijk, zuid = codes.index("BU05560702"), codes.index("BU05560701")
    assert (wmo["klasse"][dijk], wmo["waarde"][dijk]) == (-2, None)
    assert (wmo["klasse"][zuid], wmo["waarde"][zuid]) == (-1, None)
    # A suppressed status wins even when a caller left a number in the value column.
    leaky = buurten.copy()
    leaky.loc[leaky.buurtcode == "BU05560702", WMO.key] = 123.4
    leaked = map_data(leaky, [(WMO, classify(leaky[WMO.key]))])["indicatoren"][0]
    assert leaked["waarde"][dijk] is None and leaked["klasse"][dijk] == -2
    assert payload["gemeenten"] == ["Maassluis"]
    assert payload["teksten"] == {"onderdrukt": "onderdrukt (klein aantal)", "ontbreekt": "geen gegevens"}


def test_flag_points_lie_inside_their_buurt(maassluis):
    import shapely
    from pyproj import Transformer

    buurten, layers = maassluis
    payload = map_data(buurten, layers)
    to_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    flagged = buurten["aandachtsbuurt"].to_numpy()
    assert flagged.sum() == 3  # Wmo above 150: Bloemenbuurt, Componistenbuurt, Koningshoek
    for i, point in enumerate(payload["buurten"]["teken"]):
        if not flagged[i]:
            assert point is None
            continue
        x, y = to_rd.transform(point[1], point[0])
        geom = buurten.geometry.iloc[i]
        assert geom.contains(shapely.Point(x, y))
        assert geom.boundary.distance(shapely.Point(x, y)) > 20  # metres: well inside, not on the border


def test_no_layers_is_an_input_error(maassluis):
    from sociale_kaart.errors import InputError

    with pytest.raises(InputError, match="geen indicatoren"):
        render_html(maassluis[0], [], title="t", subtitle="s")


def test_background_map_is_opt_in(maassluis, tmp_path, open_page):
    buurten, layers = maassluis
    with_tiles = render_html(buurten, layers, title="t", subtitle="s", background=True)
    without = render_html(buurten, layers, title="t", subtitle="s")
    assert "tile.openstreetmap.org" in with_tiles and "tile.openstreetmap.org" not in without
    path = tmp_path / "achtergrond.html"
    path.write_text(with_tiles, encoding="utf-8")
    opened = open_page(path)
    opened.page.wait_for_timeout(200)
    hosts = {re.sub(r"^https?://([^/]+)/.*$", r"\1", url) for url in opened.outside_requests}
    assert hosts == {"tile.openstreetmap.org"}


def test_embed_snippet_escapes_and_falls_back_to_png():
    snippet = embed_snippet("kaart.html", "kaart.png", "A & B <c>", "Bron")
    assert 'src="kaart.html"' in snippet and 'src="kaart.png"' in snippet
    assert "A &amp; B &lt;c&gt;" in snippet and "<c>" not in snippet


def test_rendering_does_not_import_folium(tmp_path):
    code = """
import sys, time
start = time.perf_counter()
import geopandas as gpd, numpy as np, shapely
from sociale_kaart.combine.indicators import registry
from sociale_kaart.render.classes import Classes
from sociale_kaart.render.webmap import render_html
ind = registry()["wmo_per_1000"]
frame = gpd.GeoDataFrame({
    "buurtcode": ["BU00010001", "BU00010002"], "buurtnaam": ["A", "B"], "wijkcode": ["WK000100", "WK000100"],
    "wijknaam": ["W", "W"], "gemeentecode": ["GM0001", "GM0001"], "gemeentenaam": ["G", "G"],
    "wmo_per_1000": [10.0, 20.0], "wmo_per_1000_status": ["ok", "ok"]},
    geometry=[shapely.box(80000, 430000, 81000, 431000), shapely.box(81000, 430000, 82000, 431000)], crs="EPSG:28992")
classes = Classes([10.0, 20.0], 10.0, np.array([0, 1]), "kwantielen")
page = render_html(frame, [(ind, classes)], title="t", subtitle="s")
assert page.startswith("<!DOCTYPE html>")
print(sorted(m for m in ("folium", "branca", "jinja2", "mapclassify", "matplotlib") if m in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- the page in a browser ------------------------------------------------------------------

def test_maassluis_renders_every_buurt_offline(maassluis, maassluis_map, open_page):
    opened = open_page(maassluis_map)
    codes = set(opened.page.eval_on_selector_all("path.sk-buurt", "ps => ps.map(p => p.getAttribute('data-buurtcode'))"))
    assert codes == set(maassluis[0]["buurtcode"]) and len(codes) == 19
    assert opened.outside_requests == []
    assert opened.console == []


def test_tooltip_shows_hand_computed_wmo_value(maassluis_map, open_page, kwb_rows):
    raw = kwb_rows["BU05560101"]
    expected = float(raw["WmoClienten_93"]) / float(raw["AantalInwoners_5"]) * 1000  # 130 / 2915 * 1000
    expected_text = f"{expected:.1f}".replace(".", ",") + " per 1.000 inwoners"
    page = open_page(maassluis_map).page
    tip = _hover_tip(page, "BU05560101")
    assert "Taanschuurpolder" in tip.inner_text()
    assert tip.locator("td[data-indicator='wmo_per_1000']").inner_text() == expected_text
    assert "Wijk: Wijk 01" in tip.inner_text() and "Maassluis" not in tip.inner_text()


def test_tooltips_of_suppressed_and_missing_figures(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    tip = _hover_tip(page, "BU05560702")
    assert "De Dijk" in tip.inner_text()
    cell = tip.locator("td[data-indicator='wmo_per_1000']").inner_text()
    assert cell == "onderdrukt (klein aantal)" and not re.search(r"\d", cell)
    tip = _hover_tip(page, "BU05560701")
    assert tip.locator("td[data-indicator='wmo_per_1000']").inner_text() == "geen gegevens"


def test_names_from_input_are_escaped(maassluis, open_page, tmp_path):
    buurten, layers = maassluis
    buurten = buurten.copy()
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    buurten.loc[buurten.buurtcode == "BU05560101", "buurtnaam"] = hostile
    buurten.loc[buurten.buurtcode == "BU05560101", "wijknaam"] = "</script><b>vet</b>"
    path = tmp_path / "vijandig.html"
    path.write_text(render_html(buurten, layers, title="<i>Titel</i>", subtitle="&amp; bron"), encoding="utf-8")
    opened = open_page(path)
    page = opened.page
    tip = _hover_tip(page, "BU05560101")
    assert hostile in tip.inner_text()
    assert "</script><b>vet</b>" in tip.inner_text()
    assert tip.locator("img, script, b").count() == 0
    assert page.locator(".sk-header h1").inner_text() == "<i>Titel</i>"
    assert page.locator(".sk-header p").inner_text() == "&amp; bron"
    # The search result list shows the same name, as text.
    page.fill("#sk-zoek", "script")
    page.press("#sk-zoek", "Enter")
    assert page.locator(".sk-search-results").inner_text().startswith(hostile)
    assert page.locator(".sk-panel img, .sk-panel b").count() == 0
    assert opened.console == [] and opened.outside_requests == []


def test_layer_switch_changes_the_legend(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    title = page.locator(".sk-legend-title")
    assert title.inner_text() == "Wmo-cliënten"
    wmo_rows = page.locator(".sk-legend .sk-row").all_inner_texts()
    fill_before = page.get_attribute("path.sk-buurt[data-buurtcode='BU05560101']", "fill")
    page.locator(".sk-indicators label", has_text="65 jaar en ouder").click()
    assert title.get_attribute("data-indicator") == "pct_65plus"
    assert title.inner_text() == "65 jaar en ouder"
    assert page.locator(".sk-legend .sk-row").all_inner_texts() != wmo_rows
    assert page.evaluate("window.socialeKaartState.active()") == "pct_65plus"
    assert page.get_attribute("path.sk-buurt[data-buurtcode='BU05560101']", "fill") != fill_before
    tip = _hover_tip(page, "BU05560101")
    assert tip.locator("tr.sk-active td").first.inner_text() == "65 jaar en ouder"


@pytest.mark.parametrize("query", ["taanschuur", "SLUISPOLDER", "Wijk 07"])
def test_search_highlights_and_zooms_to_matches(maassluis, maassluis_map, open_page, query):
    buurten = maassluis[0]
    wanted = {code for code, name, wijk in zip(buurten.buurtcode, buurten.buurtnaam, buurten.wijknaam)
              if _fold(query) in _fold(name) or _fold(query) in _fold(wijk)}
    assert wanted  # the query must find something in the raw names
    page = open_page(maassluis_map).page
    zoom_before = page.evaluate("window.socialeKaartState.map.getZoom()")
    page.fill("#sk-zoek", query)
    page.press("#sk-zoek", "Enter")
    page.wait_for_function("!window.socialeKaartState.map._animatingZoom")
    page.wait_for_timeout(400)
    found = set(page.eval_on_selector_all("path.sk-buurt.sk-gevonden", "ps => ps.map(p => p.getAttribute('data-buurtcode'))"))
    assert found == wanted
    expected_status = "1 buurt gevonden" if len(wanted) == 1 else f"{len(wanted)} buurten gevonden"
    assert page.locator(".sk-search-status").inner_text() == expected_status
    assert page.evaluate("window.socialeKaartState.map.getZoom()") > zoom_before
    assert page.locator(f"path.sk-zoek[stroke='{SEARCH_COLOUR}']").count() == len(wanted)
    # Every match is on screen, clear of the panels.
    view = page.viewport_size
    panels = _boxes(page, PANELS)
    for box in _boxes(page, "path.sk-buurt.sk-gevonden"):
        assert 0 <= box["left"] and box["right"] <= view["width"] and 0 <= box["top"] and box["bottom"] <= view["height"]
        assert not any(_overlap(box, p) for p in panels), box["code"]
    assert "zoekresultaat" in page.locator(".sk-legend").inner_text()


def test_search_without_match_says_so_and_clears(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    page.fill("#sk-zoek", "Atlantis")
    page.press("#sk-zoek", "Enter")
    assert page.locator(".sk-search-status").inner_text() == "Geen buurt of wijk gevonden met ‘Atlantis’."
    assert page.locator("path.sk-gevonden").count() == 0
    page.fill("#sk-zoek", "taanschuur")
    page.press("#sk-zoek", "Enter")
    assert page.locator("path.sk-gevonden").count() == 1
    page.fill("#sk-zoek", "")
    page.press("#sk-zoek", "Enter")
    assert page.locator("path.sk-gevonden").count() == 0 and page.locator("path.sk-zoek").count() == 0


def test_search_by_buurtcode(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    page.fill("#sk-zoek", "bu0556 0702")
    page.press("#sk-zoek", "Enter")
    assert page.eval_on_selector_all("path.sk-gevonden", "ps => ps.map(p => p.getAttribute('data-buurtcode'))") == ["BU05560702"]
    page.fill("#sk-zoek", "Maassluis")  # one gemeente: its name is no search term
    page.press("#sk-zoek", "Enter")
    assert page.locator("path.sk-gevonden").count() == 0


def test_toggles_hide_and_show_wijk_borders_and_flags(maassluis, maassluis_map, open_page):
    flagged = set(maassluis[0].loc[maassluis[0]["aandachtsbuurt"], "buurtcode"])
    opened = open_page(maassluis_map)
    page = opened.page
    wijk = page.locator("path.sk-wijkgrens")
    halos, symbols = page.locator("path.sk-halo"), page.locator(".sk-teken")
    assert wijk.count() == 1 and wijk.is_visible()
    assert {halos.nth(i).get_attribute("data-buurtcode") for i in range(halos.count())} == flagged
    assert symbols.count() == len(flagged) and all(symbols.nth(i).is_visible() for i in range(symbols.count()))
    page.uncheck("#sk-toon-wijkgrenzen")
    assert not wijk.is_visible() and halos.first.is_visible()
    page.uncheck("#sk-toon-aandacht")
    assert not any(halos.nth(i).is_visible() for i in range(halos.count()))
    assert not any(symbols.nth(i).is_visible() for i in range(symbols.count()))
    page.check("#sk-toon-wijkgrenzen")
    page.check("#sk-toon-aandacht")
    assert wijk.is_visible() and all(symbols.nth(i).is_visible() for i in range(symbols.count()))
    assert all(halos.nth(i).is_visible() for i in range(halos.count()))
    assert opened.console == []


def test_flags_are_purple_inside_their_buurt_and_in_the_legend(maassluis, maassluis_map, open_page, tmp_path):
    from PIL import Image

    flagged = set(maassluis[0].loc[maassluis[0]["aandachtsbuurt"], "buurtcode"])
    page = open_page(maassluis_map).page
    assert "aandachtsbuurt" in page.locator(".sk-legend").inner_text()
    dashed = page.locator(f"path.sk-halo[stroke='{FLAG_COLOUR}']")
    assert dashed.count() == len(flagged) and dashed.first.get_attribute("stroke-dasharray")
    shot = tmp_path / "kaart.png"
    page.screenshot(path=str(shot))
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    target = np.array([int(FLAG_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
    ys, xs = np.nonzero(np.abs(pixels - target).sum(axis=2) < 24)
    assert len(ys) > 200
    # The band is drawn inside the buurt: every purple pixel over the map lies in a flagged buurt.
    pick = np.linspace(0, len(ys) - 1, min(400, len(ys))).astype(int)
    under = page.evaluate(
        """pts => pts.map(([x, y]) => { const e = document.elementFromPoint(x + 0.5, y + 0.5);
             return e && e.matches('path.sk-buurt') ? e.getAttribute('data-buurtcode') : null; })""",
        [[int(xs[i]), int(ys[i])] for i in pick])
    on_map = [code for code in under if code is not None]
    assert len(on_map) > 100
    assert set(on_map) <= flagged


def test_start_view_keeps_every_buurt_clear_of_the_panels(maassluis_map, open_page):
    opened = open_page(maassluis_map)
    page = opened.page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.reload()
    page.wait_for_function("window.socialeKaartState !== undefined")
    panels = _boxes(page, PANELS)
    assert {"sk-header", "sk-panel", "sk-legend"} <= {c for p in panels for c in p["cls"].split()}
    buurten = _boxes(page, "path.sk-buurt")
    assert len(buurten) == 19
    for box in buurten:
        assert 0 <= box["left"] and box["right"] <= 1280 and 0 <= box["top"] and box["bottom"] <= 720, box["code"]
        assert not any(_overlap(box, p) for p in panels), box["code"]
    # And the map uses the room: the buurten span most of the free width or height.
    left, right = min(b["left"] for b in buurten), max(b["right"] for b in buurten)
    top, bottom = min(b["top"] for b in buurten), max(b["bottom"] for b in buurten)
    assert right - left > 600 or bottom - top > 450
    assert opened.console == []


def test_two_gemeenten_show_gemeente_borders_and_names(twee_gemeenten, open_page, tmp_path):
    buurten, layers = twee_gemeenten
    path = tmp_path / "twee.html"
    path.write_text(render_html(buurten, layers, title="Maassluis en Vlaardingen", subtitle=SUBTITLE), encoding="utf-8")
    opened = open_page(path)
    page = opened.page
    assert page.locator("path.sk-buurt").count() == len(buurten) == 59
    border = page.locator("path.sk-gemeentegrens")
    assert border.count() == 1 and border.is_visible()
    assert "gemeentegrens" in page.locator(".sk-legend").inner_text()
    names = dict(zip(buurten.buurtcode, buurten.gemeentenaam))
    wijken = dict(zip(buurten.buurtcode, buurten.wijknaam))
    for code in ("BU05560701", "BU06220202"):  # Zuidbuurt in Maassluis and Zuidbuurt in Vlaardingen
        tip = _hover_tip(page, code)
        assert f"Wijk: {wijken[code]} ({names[code]})" in tip.inner_text()
        page.mouse.move(0, 0)
    page.fill("#sk-zoek", "zuidbuurt")
    page.press("#sk-zoek", "Enter")
    results = page.locator(".sk-search-results").inner_text()
    assert "(Maassluis)" in results and "(Vlaardingen)" in results
    # With several gemeenten the search also takes a gemeente name.
    page.fill("#sk-zoek", "vlaardingen")
    page.press("#sk-zoek", "Enter")
    found = set(page.eval_on_selector_all("path.sk-gevonden", "ps => ps.map(p => p.getAttribute('data-buurtcode'))"))
    assert found == set(buurten.loc[buurten.gemeentecode == VLAARDINGEN, "buurtcode"])
    assert opened.console == [] and opened.outside_requests == []


def test_print_button_prints_without_controls(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.click("button.sk-print")
    assert page.evaluate("window.__printed") == 1
    assert page.locator(".sk-panel").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".sk-panel").is_visible()
    assert not page.locator(".leaflet-control-zoom").is_visible()
    assert page.locator(".sk-legend").is_visible() and page.locator(".sk-header").is_visible()


def test_tooltip_explains_buurten_without_figures(buurten_2016, kwb_rows, open_page, tmp_path):
    buurten, layers = _inputs(buurten_2016, kwb_rows, ["GM0606"])  # Schiedam: 2016 codes not all in the KWB 2024
    unmatched = sorted(code for code in buurten["buurtcode"] if code not in kwb_rows)
    assert unmatched
    path = tmp_path / "schiedam.html"
    path.write_text(render_html(buurten, layers, title="Schiedam", subtitle=SUBTITLE), encoding="utf-8")
    page = open_page(path).page
    tip = _hover_tip(page, unmatched[0])
    assert "Geen cijfers: deze buurtcode staat niet in de kerncijfers" in tip.inner_text()
    assert tip.locator("td[data-indicator='wmo_per_1000']").inner_text() == "geen gegevens"


def test_leefbaarometer_layer_uses_its_nine_named_classes_light_for_best(maassluis, shared, open_page, tmp_path):
    """Legend, colours and tooltip of the Leefbaarometer class, from the raw kscore column."""
    import csv

    from sociale_kaart.combine.indicators import from_figure
    from sociale_kaart.render.classes import classes_for
    from sociale_kaart.sources.safety import LIVEABILITY_SOURCE

    with open(shared / "veiligheid" / "leefbaarometer3_buurtscore24_rijnmond.csv", encoding="utf-8") as handle:
        kscore = {r["bu_code"]: float(r["kscore"]) for r in csv.DictReader(handle, delimiter=";") if r["kscore"].strip()}
    ind = from_figure(LIVEABILITY_SOURCE.figure("lbm_klasse"), source="leefbaarometer", year=2024)
    buurten = maassluis[0].copy()
    buurten[ind.key] = buurten["buurtcode"].map(kscore)
    buurten[f"{ind.key}_status"] = np.where(buurten[ind.key].notna(), "ok", "ontbreekt")
    path = tmp_path / "lbm.html"
    path.write_text(render_html(buurten, [(ind, classes_for(ind, buurten[ind.key]))], title="Leefbaarheid",
                                subtitle=SUBTITLE), encoding="utf-8")
    page = open_page(path).page
    names = ["zeer onvoldoende", "ruim onvoldoende", "onvoldoende", "zwak", "voldoende", "ruim voldoende", "goed",
             "zeer goed", "uitstekend"]
    rows = page.locator(".sk-legend .sk-row").all_inner_texts()
    assert [r.strip() for r in rows[:9]] == [f"{n} {name}" for n, name in enumerate(names, start=1)]
    assert "hoger = gunstiger" in page.locator(".sk-legend-unit").inner_text()

    def lightness(colour: str) -> float:
        r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    swatches = page.eval_on_selector_all(".sk-legend .sk-swatch", "s => s.map(e => getComputedStyle(e).backgroundColor)")
    rgb = ["#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", s)[:3]) for s in swatches[:9]]
    assert all(lightness(a) < lightness(b) for a, b in zip(rgb, rgb[1:])), "1 darkest .. 9 lightest"
    code = next(c for c in buurten["buurtcode"] if c in kscore)
    tip = _hover_tip(page, code)
    value = int(kscore[code])
    assert tip.locator(f"td[data-indicator='{ind.key}']").inner_text() == f"{value} {names[value - 1]}"


# --- phone, paper and everyone ------------------------------------------------------------------

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
SHEETS = {"zoek": "#sk-sectie-zoek", "indicator": "#sk-sectie-indicator", "legenda": "#sk-legenda"}


def _resize(page, size: dict) -> None:
    page.set_viewport_size(size)
    page.reload()
    page.wait_for_function("window.socialeKaartState !== undefined")


def _map_share(page, step: int = 6) -> float:
    """Share of the screen where a tap reaches the map (a buurt or the map's background), not a panel."""
    return page.evaluate(
        """step => { let hit = 0, all = 0; const map = document.getElementById('sk-map');
             for (let y = step / 2; y < innerHeight; y += step) for (let x = step / 2; x < innerWidth; x += step) {
               const e = document.elementFromPoint(x, y); all += 1;
               if (e && (e === map || (map.contains(e) && !e.closest('.leaflet-control')))) hit += 1; }
             return hit / all; }""", step)


def test_phone_collapses_the_panels_into_buttons(maassluis_map, open_page, tmp_path):
    opened = open_page(maassluis_map)
    page = opened.page
    _resize(page, PHONE)
    page.screenshot(path=str(tmp_path / "telefoon.png"))
    assert not page.locator(".sk-panel").is_visible() and not page.locator(".sk-legend").is_visible()
    assert page.locator(".sk-header h1").is_visible()
    assert _map_share(page) >= 0.70
    buurten = _boxes(page, "path.sk-buurt")
    assert len(buurten) == 19
    for box in buurten:
        assert 0 <= box["left"] and box["right"] <= 390 and 0 <= box["top"] and box["bottom"] <= 844, box["code"]
    for name, sheet in SHEETS.items():
        button = page.locator(f".sk-knoppen button[data-sectie='{name}']")
        assert button.is_visible() and button.bounding_box()["height"] >= 44  # a finger's size
        button.click()
        page.screenshot(path=str(tmp_path / f"telefoon_{name}.png"))
        assert page.locator(sheet).is_visible() and button.get_attribute("aria-expanded") == "true"
        assert all(not page.locator(other).is_visible() for key, other in SHEETS.items() if key != name)
        box = page.locator(sheet).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] >= 0 and box["y"] + box["height"] <= 844
        # Nothing lies over the open sheet: its middle is the sheet's own.
        middle = page.evaluate("([x, y, s]) => document.elementFromPoint(x, y).closest(s) !== null",
                               [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, sheet])
        assert middle
    # The indicator opens, switches the map, and Escape closes it with the focus back on its button.
    page.locator(".sk-knoppen button[data-sectie='indicator']").click()
    page.locator(".sk-indicators label", has_text="65 jaar en ouder").click()
    assert page.evaluate("window.socialeKaartState.active()") == "pct_65plus"
    page.keyboard.press("Escape")
    assert not page.locator(SHEETS["indicator"]).is_visible()
    assert page.evaluate("document.activeElement.getAttribute('data-sectie')") == "indicator"
    assert opened.console == []


def test_desktop_shows_every_panel_and_no_buttons(maassluis_map, open_page, tmp_path):
    page = open_page(maassluis_map).page
    _resize(page, DESKTOP)
    page.screenshot(path=str(tmp_path / "bureau.png"))
    assert page.locator(".sk-panel").is_visible() and page.locator(".sk-legend").is_visible()
    assert all(page.locator(sheet).is_visible() for sheet in SHEETS.values())
    assert not page.locator(".sk-knoppen").is_visible()


def test_flag_symbols_shrink_with_their_buurt(maassluis_map, open_page):
    from sociale_kaart.render.webmap import FLAG_SYMBOL_SIZE

    page = open_page(maassluis_map).page
    sizes = "Array.from(document.querySelectorAll('.sk-teken')).map(e => e.getBoundingClientRect().width)"
    assert max(page.evaluate(sizes)) == FLAG_SYMBOL_SIZE
    page.evaluate("window.socialeKaartState.map.setZoom(window.socialeKaartState.map.getZoom() - 3, {animate: false})")
    small = page.evaluate(sizes)
    assert len(small) == 3 and max(small) < FLAG_SYMBOL_SIZE and min(small) >= 10


def _table_rows(page) -> list[dict]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.sk-tabel tbody tr')).map(tr => ({
             code: tr.getAttribute('data-buurtcode'), naam: tr.querySelector('th').innerText,
             cells: Array.from(tr.querySelectorAll('td')).map(td => td.innerText)}))""")


def _expected_text(value: float, status: str) -> str:
    return {"onderdrukt": "onderdrukt (klein aantal)", "ontbreekt": "geen gegevens"}.get(status) or \
        f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def test_table_view_lists_every_buurt_of_every_layer(maassluis, maassluis_map, open_page, kwb_rows):
    buurten = maassluis[0]
    rows = {code: kwb_rows.get(code) for code in buurten["buurtcode"]}
    page = open_page(maassluis_map).page
    opener = page.locator(".sk-acties .sk-open-tabel")
    opener.focus()
    page.keyboard.press("Enter")  # reachable by keyboard
    dialog = page.locator("dialog.sk-tabel")
    assert dialog.is_visible() and page.evaluate("document.activeElement.closest('dialog') !== null")
    assert dialog.get_attribute("aria-labelledby") == "sk-tabel-titel"
    headers = page.eval_on_selector_all(".sk-tabel thead th", "ths => ths.map(t => t.innerText.trim() + ':' + t.getAttribute('scope'))")
    assert headers[:6] == ["Buurt ▲:col", "Buurtcode:col", "Wijk:col", "Waarde:col", "Klasse:col", "Status:col"]
    for n, (ind, column, scale) in enumerate(((WMO, "WmoClienten_93", 1000), (OUDEREN, "k_65JaarOfOuder_12", 100))):
        page.select_option(".sk-tabel-indicator", str(n))
        assert page.evaluate("window.socialeKaartState.active()") == ind.key
        shown = _table_rows(page)
        assert len(shown) == 19 and {r["code"] for r in shown} == set(rows)
        for r in shown:
            value, status = _rate(rows[r["code"]], column, scale)
            assert r["cells"][2] == _expected_text(value, status), (ind.key, r["code"])
            assert r["cells"][4] == {"ok": "gepubliceerd"}.get(status, _expected_text(value, status))
            assert (r["cells"][3] != "") == (status == "ok")  # a class only for a published figure
    # Sorting by value: ascending, buurten without a figure last; aria-sort says so.
    page.select_option(".sk-tabel-indicator", "0")
    page.locator(".sk-tabel th[data-kolom='waarde'] button").click()
    assert page.get_attribute(".sk-tabel th[data-kolom='waarde']", "aria-sort") == "ascending"
    order = [r["code"] for r in _table_rows(page)]
    figures = {code: _rate(row, "WmoClienten_93", 1000) for code, row in rows.items()}
    published = sorted((v for v, s in figures.values() if s == "ok"))
    assert [figures[c][0] for c in order[:len(published)]] == published
    assert all(figures[c][1] != "ok" for c in order[len(published):])
    page.locator(".sk-tabel th[data-kolom='waarde'] button").click()
    assert page.get_attribute(".sk-tabel th[data-kolom='waarde']", "aria-sort") == "descending"
    # Searching: a filter on name, wijk or code.
    page.fill(".sk-tabel-filter", "polder")
    wanted = {code for code, name, wijk in zip(buurten.buurtcode, buurten.buurtnaam, buurten.wijknaam)
              if "polder" in _fold(name) or "polder" in _fold(wijk)}
    assert {r["code"] for r in _table_rows(page)} == wanted
    assert page.locator(".sk-tabel-status").inner_text() == f"{len(wanted)} van de 19 buurten"
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('sk-open-tabel')")


def test_table_view_goes_to_the_buurt_on_the_map(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    page.locator(".sk-acties .sk-open-tabel").click()
    page.locator(".sk-tabel tr[data-buurtcode='BU05560101'] button.sk-naar").click()
    assert not page.locator("dialog.sk-tabel").is_visible()
    assert "Taanschuurpolder" in page.locator(".leaflet-tooltip").inner_text()


def _axe_script():
    import os
    from pathlib import Path

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = Path(os.environ.get("SOCIALE_KAART_AXE") or cache / "sociale-kaart/node/node_modules/axe-core/axe.min.js")
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs axe-core at {path} (scripts/install.sh --test installs it)")
        pytest.skip("axe-core not installed (scripts/install.sh --test)")
    return path


def _axe(page, axe) -> list[str]:
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    assert result["passes"], "axe checked nothing"
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def test_map_and_index_meet_wcag_21_aa(buurten_2016, kwb_2024, browser, open_page, tmp_path):
    from sociale_kaart.products import make
    from sociale_kaart.settings import RunSettings, Sources

    axe = _axe_script()
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)),
                           output=tmp_path, quiet=True)
    result = make(settings, products=("tabellen", "aandachtsbuurten", "kaart"))
    opened = open_page(tmp_path / "maassluis_kaart.html")
    page = opened.page
    assert page.get_attribute("html", "lang") == "nl"
    assert page.locator("main#sk-map").count() == 1 and page.locator("[role=search]").count() == 1
    assert _axe(page, axe) == []
    page.locator(".sk-acties .sk-open-tabel").click()
    assert _axe(page, axe) == []
    # Every layer's table lists all 19 buurten, each with a value or the reason it has none.
    keys = page.eval_on_selector_all(".sk-tabel-indicator option", "os => os.map(o => o.value)")
    assert len(keys) == len(result.data.indicators) >= 5
    for value in keys:
        page.select_option(".sk-tabel-indicator", value)
        shown = _table_rows(page)
        assert len(shown) == 19 and all(r["cells"][2] for r in shown)
    page.keyboard.press("Escape")
    _resize(page, PHONE)
    page.locator(".sk-knoppen button[data-sectie='legenda']").click()
    assert _axe(page, axe) == []
    index = browser.new_page()
    index.goto((tmp_path / "index.html").resolve().as_uri())
    assert index.get_attribute("html", "lang") == "nl"
    assert _axe(index, axe) == []
    index.close()
    assert opened.console == []


def test_print_to_pdf_fills_one_a4_landscape_page(maassluis, maassluis_map, tmp_path):
    from PIL import Image

    from tests.conftest import CHROMIUM

    if not shutil.which("pdfinfo") or not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    pdf = tmp_path / "kaart.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", maassluis_map.resolve().as_uri()],
                   capture_output=True, timeout=120, check=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)  # A4, landscape
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    assert "Sociale kaart Maassluis" in text and "Bron: CBS/Kadaster" in text  # title and credits
    assert "Wmo-cliënten" in text and "onderdrukt (klein aantal)" in text  # the legend, in words
    assert "Afdrukken" not in text and "Zoek buurt" not in text  # no buttons on paper
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "kaart")], check=True)
    pixels = np.asarray(Image.open(tmp_path / "kaart.png").convert("RGB")).astype(int)
    colours = [np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)]) for c in maassluis[1][0][1].colours]
    filled = np.zeros(pixels.shape[:2], dtype=bool)
    for colour in colours:
        filled |= np.abs(pixels - colour).sum(axis=2) < 30
    ys, xs = np.nonzero(filled)
    rows, cols = pixels.shape[:2]
    # The buurten span most of the page's height or width (the legend and title take the rest).
    assert (ys.max() - ys.min()) / rows > 0.7 or (xs.max() - xs.min()) / cols > 0.7
