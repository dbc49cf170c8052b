"""Downloading boundaries (PDOK) and KWB tables (CBS open data) into a local cache.

This is the only module that uses the network, and only when the user runs ``sociale-kaart fetch``.
Nothing is sent but the request for public data: no registrations, no identifiers.

* Boundaries: PDOK OGC API Features, ``https://api.pdok.nl/cbs/wijken-en-buurten-<jaar>/ogc/v1``,
  collections ``buurten`` and ``wijken``, filtered on ``gemeentecode``, in EPSG:28992.
* Figures: CBS OData v3, ``https://opendata.cbs.nl/ODataApi/odata/<tabel>/TypedDataSet``, filtered
  on the buurtcodes of the gemeente. The table id differs per year (:data:`KWB_TABLES`).

Downloads land in ``geodata/cache/`` as ``wijkenbuurten_<jaar>_<codes>.gpkg`` and
``kwb_<jaar>_<codes>.csv``; an existing file is reused unless ``refresh`` is set.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..atomic import atomic_path, write_bytes
from ..sources.codes import GEMEENTECODE
from ..errors import InputError, NetworkError

PDOK_URL = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1/collections/{collection}/items"
CBS_URL = "https://opendata.cbs.nl/ODataApi/odata/{table}/TypedDataSet"
RD_NEW_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"

#: CBS table ids of the Kerncijfers Wijken en Buurten per year.
KWB_TABLES = {
    2016: "83487NED", 2017: "83765NED", 2018: "84286NED", 2019: "84583NED", 2020: "84799NED",
    2021: "85039NED", 2022: "85318NED", 2023: "85618NED", 2024: "85984NED",
}
PAGE_SIZE = 1000
TIMEOUT_S = 60

Progress = Callable[[str], None]


def get_json(url: str) -> dict:
    """GET `url` and parse JSON; turn every network failure into a :class:`NetworkError`."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "sociale-kaart"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise NetworkError(f"de server antwoordde {exc.code} op {url}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise NetworkError(
            f"geen verbinding met {urllib.parse.urlsplit(url).netloc} ({getattr(exc, 'reason', exc)}). "
            "Zonder netwerk: geef eigen bestanden op met --grenzen en --kwb, of gebruik 'sociale-kaart demo'"
        ) from exc
    except json.JSONDecodeError as exc:
        raise NetworkError(f"het antwoord van {url} is geen JSON") from exc


def fetch_boundaries(
    gemeenten: list[str],
    year: int,
    cache_dir: str | Path,
    refresh: bool = False,
    progress: Progress = lambda _msg: None,
    get: Callable[[str], dict] = get_json,
) -> Path:
    """Download buurten and wijken of `gemeenten` for `year` from PDOK into a GeoPackage.

    Examples
    --------
    >>> fetch_boundaries(["GM0556"], 2024, "geodata/cache")  # doctest: +SKIP
    PosixPath('geodata/cache/wijkenbuurten_2024_GM0556.gpkg')
    """
    codes = _check_codes(gemeenten)
    target = Path(cache_dir) / f"wijkenbuurten_{year}_{'_'.join(codes)}.gpkg"
    if target.exists() and not refresh:
        progress(f"uit de cache: {target}")
        return target
    layers = {}
    for collection in ("buurten", "wijken"):
        features = []
        for code in codes:
            url = _pdok_url(year, collection, code)
            features += _paged_features(url, get, progress, f"{collection} {code}")
        if not features:
            raise NetworkError(f"PDOK gaf geen {collection} voor {', '.join(codes)} in {year}")
        frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:28992")
        if "gemeentecode" in frame.columns:  # the server filter is a convenience; check it here
            frame = frame[frame["gemeentecode"].isin(codes)]
        layers[collection] = frame
    with atomic_path(target) as tmp:
        for name, frame in layers.items():
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    progress(f"opgeslagen: {target} ({len(layers['buurten'])} buurten, {len(layers['wijken'])} wijken)")
    return target


def fetch_kwb(
    gemeenten: list[str],
    year: int,
    cache_dir: str | Path,
    refresh: bool = False,
    progress: Progress = lambda _msg: None,
    get: Callable[[str], dict] = get_json,
) -> Path:
    """Download the KWB buurt rows of `gemeenten` for `year` from CBS into a ``;``-separated CSV.

    The CSV keeps the CBS OData column names, so :func:`sociale_kaart.sources.kwb.read_kwb` reads it like
    any other KWB table.
    """
    codes = _check_codes(gemeenten)
    if year not in KWB_TABLES:
        known = ", ".join(str(y) for y in KWB_TABLES)
        raise InputError(f"geen KWB-tabel bekend voor {year}; beschikbaar: {known}")
    target = Path(cache_dir) / f"kwb_{year}_{'_'.join(codes)}.csv"
    if target.exists() and not refresh:
        progress(f"uit de cache: {target}")
        return target
    rows = []
    for code in codes:
        flt = f"startswith(WijkenEnBuurten,'BU{code[2:]}')"
        url = CBS_URL.format(table=KWB_TABLES[year]) + "?" + urllib.parse.urlencode({"$filter": flt})
        while url:
            progress(f"CBS {KWB_TABLES[year]}: {code}")
            page = get(url)
            rows += page.get("value", [])
            url = page.get("odata.nextLink")
    if not rows:
        raise NetworkError(f"CBS gaf geen buurten voor {', '.join(codes)} in tabel {KWB_TABLES[year]}")
    table = pd.DataFrame(rows)
    write_bytes(target, table.to_csv(sep=";", index=False).encode("utf-8"))
    progress(f"opgeslagen: {target} ({len(table)} buurten)")
    return target


def _pdok_url(year: int, collection: str, code: str) -> str:
    query = {"f": "json", "limit": PAGE_SIZE, "crs": RD_NEW_URI, "gemeentecode": code}
    return PDOK_URL.format(year=year, collection=collection) + "?" + urllib.parse.urlencode(query)


def _paged_features(url: str, get, progress: Progress, what: str) -> list[dict]:
    features = []
    while url:
        page = get(url)
        features += page.get("features", [])
        progress(f"PDOK {what}: {len(features)} objecten")
        url = next((link["href"] for link in page.get("links", []) if link.get("rel") == "next"), None)
    return features


def _check_codes(gemeenten: list[str]) -> list[str]:
    codes = [g.strip().upper() for g in gemeenten]
    bad = [c for c in codes if not GEMEENTECODE.match(c)]
    if bad or not codes:
        raise InputError(
            f"fetch wil gemeentecodes zoals GM0556, niet {', '.join(bad) or 'niets'} "
            "(namen kent de server niet; zie 'sociale-kaart gemeenten')"
        )
    return codes
