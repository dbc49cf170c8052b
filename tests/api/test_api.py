"""The Python API (``import sociale_kaart as sk``): paths or frames, the same figures as the files give."""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest

from sociale_kaart.sources.sample import FILES, sample_dir

ROOT = sample_dir().parent


def _raw_kwb() -> dict[str, dict[str, str]]:
    """The sample KWB, read with the csv module, by code."""
    with open(sample_dir() / FILES["kwb"], encoding="utf-8") as handle:
        return {row["Codering_3"].strip(): row for row in csv.DictReader(handle, delimiter=";")}


@pytest.fixture(scope="module")
def sk():
    import sociale_kaart

    return sociale_kaart


@pytest.fixture(scope="module")
def frames():
    """The sample's buurten and wijken as GeoDataFrames and its KWB as a DataFrame, as an analyst reads them."""
    grenzen = sample_dir() / FILES["grenzen"]
    layers = {level: gpd.read_file(grenzen, layer=level) for level in ("buurten", "wijken")}
    return layers, pd.read_csv(sample_dir() / FILES["kwb"], sep=";")


def test_frames_give_the_same_figures_as_the_files(sk, frames, sample):
    layers, table = frames
    data = sk.build(layers, table, registraties=sk.sample_sources().registraties)
    # Against the raw file: Wmo-clients per 1.000 inhabitants of every buurt with at least 50 inhabitants.
    raw = _raw_kwb()
    rates = data.buurten.set_index("buurtcode")["wmo_per_1000"]
    checked = 0
    for code, rate in rates.items():
        wmo, inwoners = raw[code]["WmoClienten_93"].strip(), float(raw[code]["AantalInwoners_5"])
        if wmo not in ("", ".") and float(wmo) > -99990 and inwoners >= 50:
            assert rate == pytest.approx(float(wmo) / inwoners * 1000, abs=0.05)
            checked += 1
    assert checked >= 10
    # And every figure equal to the build from the files (wijk names too: the wijken frame was given).
    columns = [c for c in sample.buurten.columns if c != "geometry"]
    pd.testing.assert_frame_equal(data.buurten[columns], sample.buurten[columns], check_dtype=False)
    pd.testing.assert_frame_equal(data.wijken.drop(columns="geometry"), sample.wijken.drop(columns="geometry"))
    assert "grenzen (GeoDataFrame)" in data.report_text() and "kerncijfers (DataFrame)" in data.report_text()


def test_a_sentinel_in_a_frame_is_missing_and_text_is_refused(sk, frames):
    layers, table = frames
    table = table.copy()
    first = table.index[table["Codering_3"].str.strip() == "BU99990101"][0]
    table.loc[first, "WmoClienten_93"] = -99999999
    data = sk.build(layers["buurten"], table)
    row = data.buurten.set_index("buurtcode").loc["BU99990101"]
    assert pd.isna(row["wmo_per_1000"]) and row["wmo_per_1000_status"] != "ok"
    table["WmoClienten_93"] = table["WmoClienten_93"].astype(object)
    table.loc[first, "WmoClienten_93"] = "veel"
    with pytest.raises(sk.InputError, match=r"kerncijfers \(DataFrame\): kolom 'WmoClienten_93'.*BU99990101"):
        sk.build(layers["buurten"], table)


def test_a_frame_is_checked_like_a_file(sk, frames):
    layers, table = frames
    with pytest.raises(sk.InputError, match=r"grenzen \(GeoDataFrame\): gemeente 'Atlantis' komt niet voor"):
        sk.build(layers["buurten"], table, gemeenten=["Atlantis"])
    with pytest.raises(sk.InputError, match="geen coördinatenstelsel"):
        sk.build(layers["buurten"].set_crs(None, allow_override=True), table)
    wgs84 = layers["buurten"].to_crs(4326)  # any CRS is taken to RD New
    assert sk.build(wgs84, table, gemeenten=["GM9999"]).buurten.crs.to_epsg() == 28992
    with pytest.raises(sk.InputError, match="geef óf sources óf grenzen"):
        sk.build(layers["buurten"], sources=sk.sample_sources())


def test_analyse_takes_rules_as_keywords(sk, sample):
    result = sk.analyse(sample, rule="kwintiel", min_stapeling=3, extreme_factor=None)
    assert (result.settings.rule, result.settings.min_stapeling) == ("kwintiel", 3)
    assert (result.table["stapeling"][result.table["aandachtsbuurt"]] >= 3).all()
    with pytest.raises(sk.InputError, match="onbekende instelling 'regel'"):
        sk.analyse(sample, regel="kwintiel")


def test_explore_shows_the_map_page_inline(sk, sample):
    page = sk.explore(sample, height=450)
    shown = page._repr_html_()
    source = re.fullmatch(r'<iframe srcdoc="(.*)" style="[^"]*height:450px[^"]*" sandbox="[^"]*"></iframe>', shown, re.S)
    assert source and html.unescape(source.group(1)) == page.html
    assert "allow-same-origin" not in shown
    names = set(sample.buurten["buurtnaam"])
    assert all(name in page.html for name in names)


def test_explore_page_needs_no_network(browser, open_page, sk, sample, tmp_path):  # browser first: it skips before the build
    opened = open_page(sk.explore(sample).save(tmp_path / "kaart.html"))
    count = opened.page.eval_on_selector_all("path.sk-buurt", "ps => ps.length")
    assert count == len(sample.buurten) and opened.outside_requests == [] and opened.console == []


def test_plot_draws_one_indicator(sk, sample):
    from matplotlib.figure import Figure

    fig = sk.plot(sample, "bijstand_per_1000")
    assert isinstance(fig, Figure) and fig.texts[0].get_text() == "Bijstand – Voorbeeldstad (fictief)"
    with pytest.raises(sk.InputError, match="onbekende indicator 'armoede'"):
        sk.plot(sample, "armoede")


def test_make_reads_a_project_file(sk, tmp_path):
    files = sk.sample_sources()
    project = tmp_path / "sociale-kaart.toml"
    project.write_text(f'[bronnen]\ngrenzen = "{files.grenzen}"\nkwb = "{files.kwb}"\n'
                       f'[uitvoer]\nmap = "{tmp_path / "uit"}"\n', encoding="utf-8")
    result = sk.make(project, products=("tabellen",), index=False)
    assert {p.name for p in result.written} >= {"voorbeeldstad_fictief_buurten.csv"}
    assert all(p.parent == tmp_path / "uit" for p in result.written)


def test_make_refuses_frames_before_writing(sk, frames, tmp_path):
    layers, table = frames
    settings = sk.RunSettings(sources=sk.Sources(grenzen=layers["buurten"], kwb=table), output=tmp_path / "uit")
    with pytest.raises(sk.InputError, match="sk.make leest bestanden.*grenzen is een frame"):
        sk.make(settings)
    assert not (tmp_path / "uit").exists()


def test_import_stays_cheap_and_build_is_the_function():
    code = ("import sys, sociale_kaart as sk\n"
            "print(sorted(m for m in ('pandas', 'geopandas', 'matplotlib', 'sociale_kaart.api') if m in sys.modules))\n"
            "import sociale_kaart.combine.dataset\n"  # the subpackage of the same name does not hide the function
            "print(callable(sk.build), sk.build.__module__, 'build' in dir(sk), 'explore' in sk.__all__)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "True sociale_kaart.api True True"]
