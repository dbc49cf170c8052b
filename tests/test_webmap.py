"""The HTML map as a user sees it: headless Chromium with the network blocked."""

import re
import subprocess
import sys

import pytest

from sociale_kaart.pipeline import build
from sociale_kaart.webmap import MapOptions, render_html
from tests.conftest import raw_number


@pytest.fixture(scope="module")
def maassluis(buurten_2016, kwb_2024):
    return build(buurten_2016, kwb_2024, ["GM0556"])


@pytest.fixture(scope="module")
def maassluis_map(maassluis, tmp_path_factory):
    path = tmp_path_factory.mktemp("kaart") / "maassluis_kaart.html"
    path.write_text(render_html(maassluis.buurten, maassluis.indicators, MapOptions("Sociale kaart Maassluis", maassluis.subtitle)),
                    encoding="utf-8")
    return path


def test_html_references_no_external_resource(maassluis_map):
    page = maassluis_map.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert "L.map(" in page and "leaflet" in page.lower()
    assert "Bron: CBS/Kadaster" in page


def test_maassluis_renders_19_buurten_offline(maassluis_map, open_page):
    opened = open_page(maassluis_map)
    assert opened.page.locator("path[data-buurtcode]").count() == 19
    assert opened.outside_requests == []
    assert opened.console == []


def test_layer_switch_changes_the_legend(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    title = page.locator(".sk-legend-title")
    assert title.inner_text() == "Wmo-cliënten"
    wmo_rows = page.locator(".sk-legend .sk-row").all_inner_texts()
    page.locator(".leaflet-control-layers-base label", has_text=re.compile(r"^\s*Bijstand ")).click()
    assert title.get_attribute("data-indicator") == "bijstand_per_1000"
    assert title.inner_text() == "Bijstand"
    assert page.locator(".sk-legend .sk-row").all_inner_texts() != wmo_rows
    assert page.evaluate("window.socialeKaartState.active()") == "bijstand_per_1000"


def test_tooltip_shows_wmo_value_of_taanschuurpolder(maassluis_map, open_page, kwb_rows):
    raw = kwb_rows["BU05560101"]
    expected = raw_number(raw, "WmoClienten_93") / raw_number(raw, "AantalInwoners_5") * 1000
    expected_text = f"{expected:.1f}".replace(".", ",") + " per 1.000 inwoners"
    page = open_page(maassluis_map).page
    page.locator("path[data-buurtcode='BU05560101']").hover()
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert "Taanschuurpolder" in tip.inner_text()
    assert tip.locator("td[data-indicator='wmo_per_1000']").inner_text() == expected_text


def test_tooltip_of_de_dijk_says_suppressed(maassluis_map, open_page):
    page = open_page(maassluis_map).page
    page.locator("path[data-buurtcode='BU05560702']").hover(force=True)
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert "De Dijk" in tip.inner_text()
    assert tip.locator("td[data-indicator='wmo_per_1000']").inner_text() == "onderdrukt (klein aantal)"
    assert re.search(r"\d", tip.locator("td[data-indicator='wmo_per_1000']").inner_text()) is None


def test_names_from_input_are_escaped(maassluis, open_page, tmp_path):
    buurten = maassluis.buurten.copy()
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    buurten.loc[buurten.buurtcode == "BU05560101", "buurtnaam"] = hostile
    buurten.loc[buurten.buurtcode == "BU05560101", "wijknaam"] = "</script><b>vet</b>"
    path = tmp_path / "vijandig.html"
    path.write_text(render_html(buurten, maassluis.indicators, MapOptions("<i>Titel</i>", "&amp; bron")), encoding="utf-8")
    opened = open_page(path)
    page = opened.page
    page.locator("path[data-buurtcode='BU05560101']").hover()
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert hostile in tip.inner_text()
    assert "</script><b>vet</b>" in tip.inner_text()
    assert tip.locator("img, script, b").count() == 0
    assert page.locator(".sk-header h1").inner_text() == "<i>Titel</i>"
    assert opened.console == [] and opened.outside_requests == []


def test_background_map_is_opt_in(maassluis, tmp_path):
    with_tiles = render_html(maassluis.buurten, maassluis.indicators, MapOptions("t", background=True))
    without = render_html(maassluis.buurten, maassluis.indicators, MapOptions("t"))
    assert "tile.openstreetmap.org" in with_tiles and "tile.openstreetmap.org" not in without


def test_map_command_with_embed(buurten_2016, kwb_2024, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sociale_kaart.cli", "map", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024),
         "--gemeente", "Maassluis", "--indicator", "wmo_per_1000", "--indicator", "pct_huur", "--insluiten",
         "--uitvoer", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "maassluis_kaart.html").read_text(encoding="utf-8")
    assert '"key":"wmo_per_1000"' in page and '"key":"pct_huur"' in page and '"key":"bijstand_per_1000"' not in page
    assert (tmp_path / "maassluis_kaart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    snippet = (tmp_path / "maassluis_kaart_insluiten.html").read_text(encoding="utf-8")
    assert 'src="maassluis_kaart.html"' in snippet and 'src="maassluis_kaart.png"' in snippet


def test_map_command_rejects_bad_options(buurten_2016, kwb_2024, tmp_path):
    base = [sys.executable, "-m", "sociale_kaart.cli", "map", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024),
            "--gemeente", "GM0556", "--uitvoer", str(tmp_path)]
    for extra, message in ((["--indicator", "geluk"], "onbekende indicator 'geluk'"),
                           (["--indeling", "handmatig"], "--grenswaarden"),
                           (["--grenswaarden", "wmo_per_1000"], "schrijf als indicator=40;60;80")):
        result = subprocess.run(base + extra, capture_output=True, text=True)
        assert result.returncode == 1 and message in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())


def test_tooltip_explains_buurten_without_figures(buurten_2016, kwb_2024, open_page, tmp_path):
    schiedam = build(buurten_2016, kwb_2024, ["GM0606"])
    unmatched = schiedam.reports[0].alleen_grenzen[0]
    path = tmp_path / "schiedam.html"
    path.write_text(render_html(schiedam.buurten, schiedam.indicators, MapOptions("Schiedam")), encoding="utf-8")
    page = open_page(path).page
    page.locator(f"path[data-buurtcode='{unmatched}']").hover(force=True)
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert "Geen cijfers: deze buurtcode staat niet in de kerncijfers" in tip.inner_text()
    assert tip.locator("td[data-indicator='wmo_per_1000']").inner_text() == "geen gegevens"
