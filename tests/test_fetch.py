"""fetch against recorded responses; the autouse fixture in conftest blocks any real connection."""

import json
import urllib.error
import urllib.parse
from pathlib import Path

import pytest

from sociale_kaart.errors import InputError, NetworkError, SocialeKaartError
from sociale_kaart.sources import fetch
from sociale_kaart.sources.boundaries import read_boundaries
from sociale_kaart.sources.kwb import read_kwb

RECORDED = Path(__file__).parent / "data" / "recorded"


class Recorded:
    """Plays back recorded responses by URL and remembers what was asked."""

    def __init__(self):
        self.urls: list[str] = []

    def __call__(self, url: str) -> dict:
        self.urls.append(url)
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
        if parts.netloc == "api.pdok.nl":
            if "/collections/wijken/" in parts.path:
                name = "pdok_wijken.json"
            else:
                name = "pdok_buurten_page2.json" if "cursor" in query else "pdok_buurten_page1.json"
        elif parts.netloc == "opendata.cbs.nl":
            name = "cbs_85984NED_page2.json" if "$skiptoken" in query else "cbs_85984NED_page1.json"
        else:
            raise AssertionError(f"unexpected host {parts.netloc}")
        return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def test_fetch_boundaries_pages_and_writes_geopackage(tmp_path):
    get = Recorded()
    messages = []
    path = fetch.fetch_boundaries(["GM0556"], 2024, tmp_path, progress=messages.append, get=get)
    assert path.name == "wijkenbuurten_2024_GM0556.gpkg"
    first = urllib.parse.urlsplit(get.urls[0])
    assert first.path == "/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items"
    query = urllib.parse.parse_qs(first.query)
    assert query["gemeentecode"] == ["GM0556"] and query["crs"] == [fetch.RD_NEW_URI]
    assert sum("collections/buurten" in u for u in get.urls) == 2  # followed the next link
    read = read_boundaries(path, ["GM0556"])
    buurten = read.frame
    expected = len(json.loads((RECORDED / "pdok_buurten_page1.json").read_text())["features"]) + len(
        json.loads((RECORDED / "pdok_buurten_page2.json").read_text())["features"])
    assert len(buurten) == expected == 3
    assert buurten.crs.to_epsg() == 28992 and read.year == 2024
    assert read_boundaries(path, level="wijken").frame["wijkcode"].tolist() == ["WK055603"]
    assert any("opgeslagen" in m for m in messages)


def test_cache_is_reused(tmp_path):
    get = Recorded()
    fetch.fetch_boundaries(["GM0556"], 2024, tmp_path, get=get)
    n = len(get.urls)
    fetch.fetch_boundaries(["GM0556"], 2024, tmp_path, get=get)
    assert len(get.urls) == n
    fetch.fetch_boundaries(["GM0556"], 2024, tmp_path, refresh=True, get=get)
    assert len(get.urls) == 2 * n


def test_fetch_kwb_pages_and_reads_back(tmp_path):
    get = Recorded()
    path = fetch.fetch_kwb(["GM0556"], 2024, tmp_path, get=get)
    assert "85984NED/TypedDataSet" in get.urls[0]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(get.urls[0]).query)["$filter"] == ["startswith(WijkenEnBuurten,'BU0556')"]
    kwb = read_kwb(path)
    page1 = json.loads((RECORDED / "cbs_85984NED_page1.json").read_text())["value"]
    page2 = json.loads((RECORDED / "cbs_85984NED_page2.json").read_text())["value"]
    assert len(kwb.buurten) == len(page1) + len(page2) == 3  # followed odata.nextLink
    assert kwb.buurten.loc[0, "wmo_clienten"] == page1[0]["WmoClienten_93"]
    assert kwb.year == 2024


def test_fetched_files_run_through_the_pipeline(tmp_path):
    get = Recorded()
    grenzen = fetch.fetch_boundaries(["GM0556"], 2024, tmp_path, get=get)
    kwb = fetch.fetch_kwb(["GM0556"], 2024, tmp_path, get=get)
    from sociale_kaart.build.dataset import build
    from sociale_kaart.settings import Sources

    data = build(Sources(grenzen=grenzen, kwb=kwb, gemeenten=("GM0556",)))
    assert len(data.reports[0].gekoppeld) == 3 and data.reports[0].complete


def test_no_network_gives_a_clear_message(monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(fetch.urllib.request, "urlopen", offline)
    # The CLI prints every SocialeKaartError as one Dutch line: a NetworkError must be one.
    with pytest.raises(NetworkError, match="geen verbinding met api.pdok.nl.*sociale-kaart demo") as caught:
        fetch.get_json("https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items")
    assert isinstance(caught.value, SocialeKaartError)


def test_bad_arguments():
    with pytest.raises(InputError, match="gemeentecodes zoals GM0556"):
        fetch.fetch_boundaries(["Maassluis"], 2024, "unused", get=Recorded())
    with pytest.raises(InputError, match="geen KWB-tabel bekend voor 2010"):
        fetch.fetch_kwb(["GM0556"], 2010, "unused", get=Recorded())
