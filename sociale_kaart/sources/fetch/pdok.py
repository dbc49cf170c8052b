"""Boundaries: PDOK OGC API per year, the historisch service, CBS's own zips and the PDOK ATOM feeds."""

from __future__ import annotations

import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ...atomic import atomic_path, write_bytes
from ...errors import InputError, NetworkError
from ...texts import nl_number
from .catalog import FIRST_YEAR
from .client import (
    EMPTY, Client, Fetched, FetchOptions, _one_line, _slug, _snippet, check_codes, failure, failure_kind,
    metadata_path, pdok_features,
)

PDOK_API = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
PDOK_HISTORISCH = "https://api.pdok.nl/cbs/wijken-en-buurten-historisch/ogc/v1"
#: The first year with its own OGC API service; from this year on the service is probed by name.
PDOK_API_FIRST = 2023
#: ATOM feeds per year: the older path (2020-2025) and the one the 2026 map moved to; both are tried.
PDOK_ATOM = "https://service.pdok.nl/cbs/wijkenbuurten/{year}/atom/index.xml"
PDOK_ATOM_NEW = "https://service.pdok.nl/cbs/wijken-en-buurten-{year}/atom/index.xml"
#: CBS's own downloads of the Wijk- en Buurtkaart (shapefiles in a zip) for years without a confirmed
#: PDOK ATOM feed. The hosts changed over the years; these addresses are listed by one public source
#: only and were not tried: a 404 falls back to the ATOM feed, anything else fails with the URL.
CBS_ZIPS = {
    2013: "https://download.cbs.nl/regionale-kaarten/shape-2013-versie-3-0.zip",
    2014: "https://www.cbs.nl/-/media/_pdf/2016/35/shape%202014%20versie%2030.zip",
    2015: "https://www.cbs.nl/-/media/_pdf/2017/36/buurt_2015.zip",
    2016: "https://www.cbs.nl/-/media/cbs/dossiers/nederland%20regionaal/wijk-en-buurtstatistieken/2018/"
          "shape%202016%20versie%2030.zip",
}
RD_NEW_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
PDOK_LIMIT = 1000


# --- boundaries ------------------------------------------------------------------------------------

LEVELS = ("buurten", "wijken")


def pdok_items_url(base: str, collection: str, gemeentecode: str | None = None, *, filter_name: str = "gemeentecode",
                   extra: Iterable[tuple[str, object]] = ()) -> str:
    """The first page of a collection in RD New, 1000 at a time, optionally filtered on one gemeente.

    Examples
    --------
    >>> pdok_items_url(PDOK_API.format(year=2024), "buurten", "GM0556")  # doctest: +NORMALIZE_WHITESPACE
    'https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?f=json&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992&limit=1000&gemeentecode=GM0556'
    """
    query = [("f", "json"), ("crs", RD_NEW_URI), ("limit", PDOK_LIMIT)]
    if gemeentecode:
        query.append((filter_name, gemeentecode))
    query += list(extra)
    return f"{base}/collections/{collection}/items?{urllib.parse.urlencode(query)}"


def fetch_boundaries(gemeenten: Iterable[str], year: int, *, options: FetchOptions = FetchOptions()) -> Fetched:
    """Buurten and wijken of `gemeenten` in `year` into ``wijkenbuurten_<jaar>_<codes>.gpkg``.

    Parameters
    ----------
    gemeenten : iterable of str
        Gemeentecodes (``GM0556``).
    year : int
        2013 on; from 2023 the service of the year is probed by name, so a new year needs no code change.
    options : FetchOptions
        The cache, refresh, the network and the progress lines.

    Returns
    -------
    Fetched
        A GeoPackage with layers ``buurten`` and (when the source has them) ``wijken`` in RD New,
        with the map's own attribute names and values (sentinels as published).
    """
    codes, year, options = check_codes(gemeenten), check_map_year(year), options.connected()
    target = options.cache / f"wijkenbuurten_{year}_{_slug(codes)}.gpkg"
    label = f"grenzen {year}"
    cached = options.cached(target, label)
    if cached:
        return cached
    start = len(options.client.asked)
    layers = None
    if year >= PDOK_API_FIRST:  # a service of its own, probed by name (2023 on; also years this code does not know)
        base = PDOK_API.format(year=year)
        chosen = _service_collections(options, base, year, per_year=True)
        if chosen:
            layers, meta = _from_ogcapi(options, base, chosen, codes, year)
    if layers is None:
        chosen = _service_collections(options, PDOK_HISTORISCH, year, per_year=False)
        if chosen:
            layers, meta = _from_ogcapi(options, PDOK_HISTORISCH, chosen, codes, year)
        elif year in CBS_ZIPS:  # no confirmed PDOK feed for these years: CBS's own zip first
            layers, meta = _from_cbs_zip(options, year, codes) or _from_atom(options, year, codes)
        else:
            layers, meta = _from_atom(options, year, codes)
    with atomic_path(target) as tmp:
        for name, frame in layers.items():
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    meta.update(jaar=year, gemeenten=codes, rijen=len(layers["buurten"]),
                lagen={name: len(frame) for name, frame in layers.items()})
    return options.store(target, meta, start, label)


def check_map_year(year: int) -> int:
    """`year` when a Wijk- en Buurtkaart could exist for it (2013 on), else an :class:`InputError`.

    Which years are published is for the services to say (a service per year is probed by name).
    """
    if not isinstance(year, int) or year < FIRST_YEAR or year > datetime.now(timezone.utc).year + 1:
        raise InputError(f"geen Wijk- en Buurtkaart voor {year}; kies een jaar vanaf {FIRST_YEAR}")
    return year


#: Properties that hold the year in a collection with all years (PDOK's gebiedsindelingen: jaarcode).
_YEAR_FIELDS = ("jaarcode", "jaar", "year")


@dataclass(frozen=True)
class Collection:
    """A collection of an OGC API service chosen for one level and year."""

    id: str
    year_field: str | None = None  #: set when the collection holds every year and this property says which

    def describe(self, year: int) -> str:
        return self.id + (f" ({self.year_field} = {year})" if self.year_field else "")


def _queryables(client: Client, base: str, collection: str) -> dict | None:
    """The collection's queryable properties; None when the server publishes none (404: CQL not enabled)."""
    url = f"{base}/collections/{collection}/queryables?f=json"
    response = client.get(url, accept=(400, 404, 406))
    if response.status != 200:
        return None
    schema = response.json()
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        raise NetworkError(f"{url}: onverwacht antwoord (queryables zonder 'properties')")
    return properties


def _gemeente_filter(properties: dict | None) -> tuple[str | None, bool]:
    """The query parameter that filters on gemeente, and whether the server said so.

    From the collection's queryables when it publishes them; without them, ``gemeentecode`` is
    tried (and dropped when the server answers that it does not know it).
    """
    if properties is None:
        return "gemeentecode", False
    for name in ("gemeentecode", "gm_code", "gemeente_code"):
        if name in properties:
            return name, True
    return None, True


def _from_ogcapi(options: FetchOptions, base, collections: dict[str, Collection], codes, year):
    client, progress = options.client, options.progress
    layers, urls = {}, {}
    for level in LEVELS:
        chosen = collections.get(level)
        if chosen is None:
            continue
        collection = chosen.id
        properties = _queryables(client, base, collection)
        name, certain = _gemeente_filter(properties)
        # A collection of all years: the year as a filter where the queryables list it, else after download.
        by_year = ((chosen.year_field, year),) if chosen.year_field and properties and chosen.year_field in properties else ()
        features = None
        if name:
            features, first = [], None
            for code in codes:
                url = pdok_items_url(base, collection, code, filter_name=name, extra=by_year)
                first = first or url
                try:
                    found = pdok_features(client, url, what=f"PDOK {level} {year} {code}", progress=progress)
                except NetworkError as exc:
                    if certain or "unknown query parameter" not in str(exc).lower():
                        raise
                    progress.say(f"PDOK {level} {year}: filter op gemeente niet ondersteund; alles ophalen en daarna filteren")
                    features = None
                    break
                if not found:
                    _confirm_no_features(client, base, collection, name, url)
                features += found
            urls[level] = first
        if features is None:
            url = pdok_items_url(base, collection, extra=by_year)
            urls[level] = url
            features = pdok_features(client, url, what=f"PDOK {level} {year} (heel Nederland)", progress=progress)
        frame = _features_frame(features, urls[level])
        if chosen.year_field:
            frame = _keep_year(frame, chosen.year_field, year, urls[level])
        frame = _keep_gemeenten(frame, codes, level)
        _check_found(frame, codes, level, year, urls[level])
        layers[level] = frame
    if "buurten" not in layers:
        raise NetworkError(f"{base}: geen collectie met buurten voor {year}")
    used = {level: collections[level].describe(year) for level in layers}
    return layers, {"bron": "PDOK OGC API Features", "url": urls["buurten"], "service": base,
                    "collecties": used, "versie": None}


def _confirm_no_features(client: Client, base: str, collection: str, filter_name: str, url: str) -> None:
    """Believe an empty filtered answer only when the collection's features carry the filtered property.

    One unfiltered feature is asked for: a collection without features, or whose features lack the
    property the filter names, means the filter (not the gemeente) is wrong: a :class:`NetworkError`.
    """
    probe = f"{base}/collections/{collection}/items?" + urllib.parse.urlencode([("f", "json"), ("limit", 1)])
    data = client.get_json(probe)
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise NetworkError(f"{url}: geen objecten, en ook zonder filter geeft de collectie er geen ({probe})")
    properties = features[0].get("properties") or {}
    if filter_name not in properties:
        like = [k for k in properties if re.search(r"gemeente|^gm_", str(k), re.I)] or list(properties)[:8]
        raise NetworkError(f"{url}: geen objecten, maar de collectie heeft er wel ({probe}), zonder eigenschap "
                           f"{filter_name} (wel: {', '.join(map(str, like))}): het filter klopt niet")


def _keep_year(frame, field_name: str, year: int, url: str):
    """The rows of `year` of a collection with all years; a collection without the field is refused."""
    lower = {str(c).lower(): c for c in frame.columns}
    if not len(frame):
        return frame
    if field_name.lower() not in lower:
        raise NetworkError(f"{url}: onverwacht antwoord (geen kolom {field_name} om het jaar {year} te kiezen)")
    years = frame[lower[field_name.lower()]].astype("string").str.strip().str[:4]
    return frame[years.eq(str(year)).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)


def _features_frame(features: list[dict], url: str):
    import geopandas as gpd
    import pandas as pd
    import shapely

    try:
        props = [dict(f.get("properties") or {}) for f in features]
        geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in features]
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise NetworkError(f"{url}: onverwacht antwoord (geen geldige GeoJSON-objecten: {_one_line(str(exc), 80)})") from None
    frame = gpd.GeoDataFrame(pd.DataFrame.from_records(props), geometry=geoms, crs="EPSG:28992")
    if len(frame) and frame.geometry.notna().any():
        xmin, ymin, xmax, ymax = frame.total_bounds
        if not (-60_000 <= xmin and xmax <= 350_000 and 250_000 <= ymin and ymax <= 700_000):
            raise NetworkError(f"{url}: de coördinaten zijn geen RD New (EPSG:28992): "
                               f"{nl_number(xmin, 0)}..{nl_number(xmax, 0)}, {nl_number(ymin, 0)}..{nl_number(ymax, 0)}")
    return frame


_GEMEENTE_COLUMNS = ("gemeentecode", "gm_code")
_CODE_COLUMNS = {"buurten": ("buurtcode", "bu_code", "statcode"), "wijken": ("wijkcode", "wk_code", "statcode")}


def _gemeente_of(frame, level):
    """Gemeentecode per row, from the gemeente column or from the buurt- or wijkcode."""
    lower = {str(c).lower(): c for c in frame.columns}
    for name in _GEMEENTE_COLUMNS:
        if name in lower:
            return frame[lower[name]].astype("string").str.strip().str.upper()
    for name in _CODE_COLUMNS[level]:
        if name in lower:
            return "GM" + frame[lower[name]].astype("string").str.strip().str[2:6]
    return None


def _keep_gemeenten(frame, codes, level):
    if not len(frame):
        return frame
    gemeente = _gemeente_of(frame, level)
    if gemeente is None:
        raise NetworkError(f"PDOK {level}: geen kolom gemeentecode, buurtcode of wijkcode in het antwoord "
                           f"(kolommen: {', '.join(map(str, list(frame.columns)[:8]))})")
    keep = gemeente.isin(codes).fillna(False).to_numpy(dtype=bool)
    return frame[keep].reset_index(drop=True)


def _check_found(frame, codes, level, year, url):
    found = _gemeente_of(frame, level) if len(frame) else None
    present = set(found.dropna()) if found is not None else set()
    missing = [c for c in codes if c not in present]
    if missing:
        raise failure(f"{url}: geen {level} voor {', '.join(missing)} in {year}; bestaat die gemeente in {year}? "
                      "(gemeenten veranderen door herindeling)", EMPTY)


def _service_collections(options: FetchOptions, base: str, year: int, *, per_year: bool) -> dict[str, Collection]:
    """The collections of `year` per level, from the service's ``/collections``; {} when there are none.

    Three shapes are understood: a service of the year with plain level names (``buurten``,
    ``gemeenten``: the 2026 service has no ``wijken``), a collection per level and year
    (``buurten_2019``, or the year in the title), and one collection per level for all years with a
    year property (as PDOK's ``gebiedsindelingen``: ``jaarcode``). The progress line says which.
    """
    client, progress = options.client, options.progress
    url = f"{base}/collections?f=json"
    name = f"PDOK {year}" if per_year else "PDOK historisch"
    response = client.get(url, accept=(404,))
    if response.status == 404:
        progress.say(f"{name}: niet gevonden ({url})" + ("" if per_year else f"; de GeoPackage van {year} via de ATOM-feed"))
        return {}
    data = response.json()
    collections = data.get("collections") if isinstance(data, dict) else None
    if not isinstance(collections, list):
        raise NetworkError(f"{url}: onverwacht antwoord (geen lijst 'collections')")
    items = [c for c in collections if isinstance(c, dict) and c.get("id")]
    chosen: dict[str, Collection] = {}
    for level, words in (("buurten", {"buurt", "buurten"}), ("wijken", {"wijk", "wijken"})):
        named, plain = [], []
        for item in items:
            cid = str(item["id"])
            tokens = set(re.split(r"[^0-9a-z]+", cid.lower()))
            title_tokens = set(re.split(r"[^0-9a-z]+", str(item.get("title", "")).lower()))
            if not tokens & words:
                continue
            years = {t for t in tokens | title_tokens if re.fullmatch(r"(19|20)\d\d", t)}
            if str(year) in years:
                named.append(cid)
            elif not years:
                plain.append(cid)
        if named:
            chosen[level] = Collection(sorted(named, key=len)[0])
        elif plain:
            cid = sorted(plain, key=len)[0]
            chosen[level] = Collection(cid) if per_year else Collection(cid, _year_field(client, base, cid, url))
    if "buurten" not in chosen:
        names = ", ".join(str(c.get("id")) for c in items[:12]) or "geen"
        progress.say(f"{name}: geen buurten van {year} (collecties: {names}); de GeoPackage via de ATOM-feed"
                     if not per_year else f"{name}: geen collectie met buurten (collecties: {names})")
        return {}
    progress.say(f"{name}: collectie " + ", ".join(c.describe(year) for c in chosen.values()))
    return chosen


def _year_field(client: Client, base: str, collection: str, listing: str) -> str:
    """The property with the year of a collection holding all years (from its queryables or one feature)."""
    properties = _queryables(client, base, collection)
    if properties is None:
        url = f"{base}/collections/{collection}/items?" + urllib.parse.urlencode([("f", "json"), ("limit", 1)])
        data = client.get_json(url)
        features = data.get("features") if isinstance(data, dict) else None
        properties = (features[0].get("properties") or {}) if isinstance(features, list) and features else {}
    lower = {str(k).lower(): str(k) for k in properties}
    found = next((lower[f] for f in _YEAR_FIELDS if f in lower), None)
    if found is None:
        raise NetworkError(f"{listing}: collectie {collection} heeft geen jaar in de naam en geen jaarveld "
                           f"({', '.join(_YEAR_FIELDS)}); welke jaren zij bevat is niet te zien")
    return found


# --- the ATOM feed and its GeoPackage ---------------------------------------------------------------

_ATOM_TYPES = ("application/atom+xml",)


def atom_geopackage(client: Client, url: str, year: int, *, _seen: set | None = None, body: bytes | None = None) -> str:
    """The GeoPackage link in a PDOK ATOM feed (service feed -> dataset feed -> download).

    When a feed links several GeoPackages, the one naming `year` with the highest ``_v<n>`` wins.
    """
    seen = _seen if _seen is not None else set()
    seen.add(url)
    body = client.get(url).body if body is None else body
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise NetworkError(f"{url}: onverwacht antwoord (geen ATOM-feed: {_snippet(body)})") from None
    links = [(urllib.parse.urljoin(url, el.get("href", "")), (el.get("type") or "").lower(), (el.get("rel") or "alternate").lower())
             for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "link" and el.get("href")]
    packages = [href for href, kind, _ in links
                if urllib.parse.urlsplit(href).path.lower().endswith(".gpkg") or "geopackage" in kind]
    if packages:
        def rank(href):
            name = urllib.parse.urlsplit(href).path.rsplit("/", 1)[-1]
            version = re.search(r"_v(\d+)", name)
            return (str(year) in name, int(version.group(1)) if version else 0)

        return max(dict.fromkeys(packages), key=rank)
    feeds = [href for href, kind, rel in links if kind in _ATOM_TYPES and rel in ("alternate", "section", "related")
             and href not in seen]
    for feed in dict.fromkeys(feeds):
        try:
            return atom_geopackage(client, feed, year, _seen=seen)
        except NetworkError as exc:
            if failure_kind(exc) != EMPTY:
                raise
    found = ", ".join(urllib.parse.urlsplit(h).path.rsplit("/", 1)[-1] for h, _, _ in links[:6]) or "geen links"
    raise failure(f"{url}: geen GeoPackage in de ATOM-feed van {year} ({found})", EMPTY)


def _download_whole(options: FetchOptions, url: str, raw: Path, label: str, meta: dict, *, magic: bytes, kind: str,
                    missing_ok: bool = False) -> bool:
    """A whole-country file into the cache once (`magic`: how its first bytes read); False: not there (404)."""
    if not options.refresh and raw.exists() and metadata_path(raw).exists():
        options.progress.say(f"{label}: uit de cache, {raw}")
        return True
    options.progress.say(f"{label}: downloaden (heel Nederland)")
    start = len(options.client.asked)
    response = options.client.get(url, accept=(404,) if missing_ok else ())
    if response.status == 404:
        options.progress.say(f"{label}: niet gevonden ({url}); nu de ATOM-feed van PDOK")
        return False
    if not response.body.startswith(magic):
        raise NetworkError(f"{url}: onverwacht antwoord (geen {kind}: {_snippet(response.body)})")
    write_bytes(raw, response.body)
    options.store(raw, {**meta, "url": url, "bytes": len(response.body), "rijen": None}, start, label)
    return True


def _from_atom(options: FetchOptions, year, codes):
    from ..boundaries import layer_names

    feed, url = _atom_feed(options, year)
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    raw = options.cache / "pdok" / name
    _download_whole(options, url, raw, f"PDOK {name}", {"bron": "PDOK ATOM", "feed": feed, "jaar": year},
                    magic=b"SQLite format 3\x00", kind="GeoPackage")
    try:
        names = layer_names(raw)
    except InputError as exc:
        raise NetworkError(f"{url}: de GeoPackage is niet leesbaar ({_one_line(str(exc.__cause__), 80)})") from None
    layers = {level: _read_level(raw, layer, codes, level, year, url)
              for level in LEVELS if (layer := _atom_layer(names, level)) is not None}
    if "buurten" not in layers:
        raise NetworkError(f"{url}: geen laag met buurten in {name} (lagen: {', '.join(names)})")
    version = re.search(r"_v(\d+)", name)
    return layers, {"bron": "PDOK ATOM (GeoPackage)", "url": url, "feed": feed, "bestand_bron": name,
                    "versie": f"v{version.group(1)}" if version else None}


def _read_level(path, layer: str | None, codes, level: str, year: int, url: str):
    """The rows of `codes` of one layer of a downloaded map, in RD New, checked to hold every gemeente."""
    import pyogrio

    fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
    column = next((f for f in fields if f.lower() in _GEMEENTE_COLUMNS), None)
    where = f'"{column}" IN ({", ".join(repr(c) for c in codes)})' if column else None
    frame = pyogrio.read_dataframe(path, layer=layer, where=where)
    if frame.crs is None or frame.crs.to_epsg() != 28992:
        frame = frame.set_crs("EPSG:28992", allow_override=True) if frame.crs is None else frame.to_crs("EPSG:28992")
    frame = _keep_gemeenten(frame, codes, level)
    _check_found(frame, codes, level, year, url)
    return frame


def _from_cbs_zip(options: FetchOptions, year, codes):
    """The map of `year` from CBS's own zip (shapefiles ``buurt_<jaar>``, ``wijk_<jaar>``); None when it is not there (404)."""
    import zipfile

    url = CBS_ZIPS[year]
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]).replace(" ", "_")
    raw = options.cache / "cbs" / name
    if not _download_whole(options, url, raw, f"CBS {name}", {"bron": "CBS (zip)", "jaar": year},
                           magic=b"PK\x03\x04", kind="zip", missing_ok=True):
        return None
    try:
        with zipfile.ZipFile(raw) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith((".shp", ".gpkg"))]
    except zipfile.BadZipFile as exc:
        raise NetworkError(f"{url}: de zip is niet leesbaar ({_one_line(str(exc), 80)})") from None
    by_name = {m.rsplit("/", 1)[-1].rsplit(".", 1)[0]: m for m in members}
    layers = {}
    for level in LEVELS:
        found = _atom_layer(list(by_name), level)
        if found is not None:
            layers[level] = _read_level(f"/vsizip/{raw}/{by_name[found]}", None, codes, level, year, url)
    if "buurten" not in layers:
        raise NetworkError(f"{url}: geen buurtenbestand in {name} (bestanden: {', '.join(members[:6]) or 'geen'})")
    return layers, {"bron": "CBS (zip van de Wijk- en Buurtkaart)", "url": url, "bestand_bron": name,
                    "bestanden": {level: by_name[_atom_layer(list(by_name), level)] for level in layers}, "versie": None}


def atom_feeds(year: int) -> list[str]:
    """The PDOK ATOM feeds of `year` to try, in order: the path the 2026 map moved to first from 2026 on."""
    feeds = [PDOK_ATOM.format(year=year), PDOK_ATOM_NEW.format(year=year)]
    return feeds[::-1] if year >= 2026 else feeds


def _atom_feed(options: FetchOptions, year: int) -> tuple[str, str]:
    """The feed that answers for `year` and the GeoPackage it names; a feed that is not there (404) is skipped."""
    client, tried = options.client, []
    for feed in atom_feeds(year):
        response = client.get(feed, accept=(404,))
        if response.status == 404:
            tried.append(feed)
            continue
        return feed, atom_geopackage(client, feed, year, body=response.body)
    raise failure(f"{' en '.join(tried)}: geen ATOM-feed van PDOK voor {year} (404); "
                  "geef de Wijk- en Buurtkaart zelf op met --grenzen", EMPTY)


def _atom_layer(names: list[str], level: str) -> str | None:
    for name in names:
        if name.lower() == level:
            return name
    stem, other = ("buurt", "wijk") if level == "buurten" else ("wijk", "buurt")
    matches = [n for n in names if stem in n.lower() and other not in n.lower()]
    return sorted(matches, key=len)[0] if matches else None
