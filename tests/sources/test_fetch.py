"""fetch against a fake of the live services, answering from fixtures in their real shapes.

The fake (:class:`Services`) plays PDOK (OGC API per year and historisch, ATOM), CBS OData v3 and
v4, Politie 47018NED and the Leefbaarometer WFS from the files in ``tests/data/recorded/`` (see the
README there for what is recorded and what is adapted). It filters, selects and pages like the
servers do, so a wrong URL gets a wrong (or an error) answer. The autouse fixture in conftest still
blocks every real connection.
"""

from __future__ import annotations

import base64
import csv
import json
import re
import socket
import urllib.error
import urllib.parse
from functools import lru_cache
from pathlib import Path

import pyogrio
import pytest

from sociale_kaart.errors import InputError, NetworkError
from sociale_kaart.reporter import Reporter
from sociale_kaart.sources import fetch
from sociale_kaart.sources.boundaries import read_boundaries
from sociale_kaart.sources.kwb import read_kwb
from sociale_kaart.sources.tables import read_buurt_table

RECORDED = Path(__file__).resolve().parents[1] / "data" / "recorded"
RD = "http://www.opengis.net/def/crs/EPSG/0/28992"
RD_QUOTED = "http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992"
TABLES = {2013: "82339NED", 2014: "82931NED", 2015: "83220NED", 2016: "83487NED", 2017: "83765NED",
          2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED", 2022: "85318NED",
          2023: "85618NED", 2024: "85984NED", 2025: "86165NED", 2026: "86358NED"}
CATALOG = ("https://opendata.cbs.nl/ODataCatalog/Tables?$format=json&$select=Identifier,Title,Period,Modified,"
           "OutputStatus,Language&$filter=substringof('Kerncijfers%20wijken%20en%20buurten',Title)")
HIST = "https://api.pdok.nl/cbs/wijken-en-buurten-historisch/ogc/v1"


@lru_cache(maxsize=None)
def recorded(name: str):
    text = (RECORDED / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


def fresh(name: str):
    return json.loads(json.dumps(recorded(name)))


def answer(data, status=200, headers=None) -> tuple[int, dict, bytes]:
    body = data if isinstance(data, bytes) else json.dumps(data).encode("utf-8")
    return status, {"Content-Type": "application/json", **(headers or {})}, body


def odata_error(status: int, message: str):
    return answer({"odata.error": {"code": "", "message": {"lang": "nl-NL", "value": message}}}, status)


def problem(status: int, detail: str):
    """A gokoala error answer (RFC 7807, as in its expected-search-no-version-1.json)."""
    return answer({"detail": detail, "status": status, "timeStamp": "2000-01-01T00:00:00Z", "title": "Bad Request"}, status)


def matches(expression: str, row: dict) -> bool:
    """Evaluate the OData $filter subset fetch sends (startswith, eq, and, or, parentheses)."""
    py = re.sub(r"startswith\((\w+),'([^']*)'\)",
                lambda m: f"str(row.get({m.group(1)!r}) or '').startswith({m.group(2)!r})", expression)
    py = re.sub(r"(\w+) eq '([^']*)'", lambda m: f"(row.get({m.group(1)!r}) == {m.group(2)!r})", py)
    py = re.sub(r"substringof\('([^']*)',(\w+)\)", lambda m: f"({m.group(1)!r} in str(row.get({m.group(2)!r}) or ''))", py)
    return bool(eval(py, {"__builtins__": {}}, {"row": row, "str": str}))  # noqa: S307 (our own URLs)


@lru_cache(maxsize=None)
def gpkg_2016() -> bytes:
    """The 2016 map (Schiedam and Maassluis) as the ATOM feed's GeoPackage, built from the fixture."""
    import tempfile

    import geopandas as gpd

    source = recorded("wijkenbuurten_2016_GM0556_GM0606.geojson.json")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wijkenbuurten_2016_v3.gpkg"
        for layer, collection in source["layers"].items():
            gpd.GeoDataFrame.from_features(collection["features"], crs=source["crs"]).to_file(path, layer=layer, engine="pyogrio")
        return path.read_bytes()


#: The 2016 fixture's columns under the names of the old shapefiles (BU_CODE ...), as in CBS's zips.
UPPER = {"buurtcode": "BU_CODE", "buurtnaam": "BU_NAAM", "wijkcode": "WK_CODE", "wijknaam": "WK_NAAM",
         "gemeentecode": "GM_CODE", "gemeentenaam": "GM_NAAM", "water": "WATER",
         "indelingswijziging_wijken_en_buurten": "IND_WBI", "omgevingsadressendichtheid": "OAD", "stedelijkheid": "STED"}


@lru_cache(maxsize=None)
def zip_2016() -> bytes:
    """The 2016 map as CBS's zip would hold it: a folder with shapefiles buurt_2016 and wijk_2016 (upper-case columns)."""
    import tempfile
    import zipfile

    import geopandas as gpd

    source = recorded("wijkenbuurten_2016_GM0556_GM0606.geojson.json")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "shape 2016 versie 3.0"
        folder.mkdir()
        for layer, stem in (("buurten", "buurt_2016"), ("wijken", "wijk_2016")):
            frame = gpd.GeoDataFrame.from_features(source["layers"][layer]["features"], crs=source["crs"])
            frame.rename(columns=UPPER).to_file(folder / f"{stem}.shp", engine="pyogrio")
        target = Path(tmp) / "x.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{folder.name}/{path.name}")
        return target.read_bytes()


class Services:
    """A fake of every service fetch talks to; a transport (URL -> status, headers, body).

    Parameters
    ----------
    pdok_limit : int
        The server's largest page (gokoala caps ``limit`` silently).
    odata_page : int
        Rows per OData page.
    next_keeps_query : bool
        Whether an ``odata.nextLink`` repeats the request's $filter/$select (the recorded one, for a
        request without them, has only ``$format`` and ``$skip``).
    queryables : dict
        Per OGC API base: "met" (lists gemeentecode), "zonder" (queryables without it) or "geen" (404).
    filters : dict
        Per OGC API base: whether the items endpoint accepts ``gemeentecode`` (else 400).
    """

    def __init__(self, *, pdok_limit=1000, odata_page=10_000, next_keeps_query=True, queryables=None, filters=None,
                 map_2026=None):
        self.urls: list[str] = []
        self.catalog = fresh("cbs_catalog_tables.json")["value"]
        #: The 2026 service (collections buurten and gemeenten) and its ATOM GeoPackage: level -> features,
        #: built by a test from the real 2024 map (see map_2026()); without it, 2026 is not served.
        self.map_2026 = map_2026
        self.gpkg_2026: bytes | None = None
        self.historisch = fresh("pdok_historisch_collections.json")  #: what its /collections lists
        self.pdok_limit = pdok_limit
        self.page_rows = odata_page
        self.next_keeps_query = next_keeps_query
        self.queryables = {**{y: "met" for y in (2023, 2024, 2025, 2026)}, "historisch": "met", **(queryables or {})}
        self.filters = {**{y: True for y in (2023, 2024, 2025, 2026)}, "historisch": True, **(filters or {})}
        self.failures: list[tuple[str, list]] = []
        self.kwb_rows: dict[str, list[dict]] = {}
        self.politie_rows = fresh("politie_47018NED_TypedDataSet.json")["value"]
        self.downloads = 0

    # -- configuration --
    def fail(self, fragment: str, *answers) -> None:
        """Answer URLs containing `fragment` with `answers` first (tuples, or exceptions to raise)."""
        self.failures.append((fragment, list(answers)))

    def __call__(self, url: str):
        self.urls.append(url)
        for fragment, queue in self.failures:
            if fragment in url and queue:
                item = queue.pop(0)
                if isinstance(item, BaseException):
                    raise item
                return item
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        handler = {"api.pdok.nl": self.pdok, "service.pdok.nl": self.atom, "opendata.cbs.nl": self.cbs_v3,
                   "www.cbs.nl": self.cbs_zip, "download.cbs.nl": self.cbs_zip,
                   "datasets.cbs.nl": self.cbs_v4, "dataderden.cbs.nl": self.politie,
                   "geo.leefbaarometer.nl": self.leefbaarometer}.get(parts.netloc)
        if handler is None:
            raise AssertionError(f"unexpected host {parts.netloc} in {url}")
        return handler(parts, query)

    # -- PDOK OGC API (gokoala) --
    def years(self) -> tuple[int, ...]:
        """The years with a service of their own."""
        return (2023, 2024, 2025) + ((2026,) if self.map_2026 else ())

    def collections(self, service) -> list[str]:
        if service == "historisch":
            return [c["id"] for c in self.historisch["collections"]]
        return ["buurten", "gemeenten"] if service == 2026 else ["buurten", "wijken", "gemeenten"]

    def features(self, service: str, collection: str) -> list[dict]:
        if service == 2026:
            return json.loads(json.dumps(self.map_2026[collection]))
        level = "buurten" if collection.startswith("buurten") else "wijken"
        names = [f"pdok_2024_{level}_GM0556.json", f"pdok_2024_{level}_GM0622.json"]
        if service == "historisch":
            names.append(f"pdok_historisch_{level}_2019_GM0363.json")
        return [f for name in names for f in fresh(name)["features"]]

    def pdok(self, parts, query):
        m = re.fullmatch(r"/cbs/wijken-en-buurten-(\d{4}|historisch)/ogc/v1(/.*)", parts.path)
        assert m, parts.path
        service = m.group(1) if m.group(1) == "historisch" else int(m.group(1))
        rest = m.group(2)
        base = f"https://api.pdok.nl/cbs/wijken-en-buurten-{m.group(1)}/ogc/v1"
        if service != "historisch" and service not in self.years():
            return problem(404, "Not Found")
        if rest == "/collections" and service == "historisch":
            return answer(self.historisch)
        if rest == "/collections":
            template = recorded("pdok_historisch_collections.json")["collections"][0]
            return answer({"links": [], "collections": [{**template, "id": c, "title": c.capitalize()}
                                                        for c in self.collections(service)]})
        known = set(self.collections(service))
        m2 = re.fullmatch(r"/collections/([^/]+)/(items|queryables)", rest)
        if not m2 or m2.group(1) not in known:
            return problem(404, f"collection not found: {rest}")
        collection, what = m2.groups()
        if what == "queryables":
            mode = self.queryables[service]
            if mode == "geen":
                return problem(404, "Not Found")
            doc = fresh("pdok_2024_queryables_buurten.json")
            if mode == "zonder":
                doc["properties"].pop("gemeentecode")
            return answer(doc, headers={"Content-Type": "application/schema+json"})
        allowed = {"f", "crs", "limit", "cursor", "bbox", "bbox-crs", "datetime", "profile"}
        if self.filters[service]:
            allowed |= {"gemeentecode", "buurtcode", "wijkcode"}
        unknown = [k for k in query if k not in allowed]
        if unknown:
            return problem(400, f"unknown query parameter(s) found: {unknown[0]}")
        assert query.get("f") == "json"
        rows = [f for f in self.features(service, collection)
                if all(str(f["properties"].get(k)) == v for k, v in query.items() if k in ("gemeentecode", "buurtcode", "wijkcode"))]
        limit = min(int(query.get("limit", 10)), self.pdok_limit)
        offset = int(base64.urlsafe_b64decode(query["cursor"]).decode()) if "cursor" in query else 0
        page = rows[offset: offset + limit]

        def link(rel, title, cursor=None):
            params = {k: v for k, v in query.items() if k != "cursor"}
            if cursor is not None:
                params["cursor"] = cursor
            href = f"{base}/collections/{collection}/items?" + urllib.parse.urlencode(sorted(params.items()))
            return {"rel": rel, "title": title, "type": "application/geo+json", "href": href}

        links = [link("self", "This document as GeoJSON", query.get("cursor"))]
        if offset + limit < len(rows):
            links.append(link("next", "Next page", base64.urlsafe_b64encode(str(offset + limit).encode()).decode()))
        if offset:
            links.append(link("prev", "Previous page", base64.urlsafe_b64encode(str(max(0, offset - limit)).encode()).decode()))
        crs = query.get("crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
        return answer({"type": "FeatureCollection", "timeStamp": "2025-11-03T09:00:00Z", "links": links,
                       "features": page, "numberReturned": len(page)},
                      headers={"Content-Type": "application/geo+json", "Content-Crs": f"<{crs}>"})

    # -- PDOK ATOM --
    def atom(self, parts, query):
        new = re.fullmatch(r"/cbs/wijken-en-buurten-(\d{4})/atom/(index\.xml|dataset\.xml|downloads/(.+\.gpkg))", parts.path)
        if new and new.group(1) == "2026" and self.gpkg_2026:  # where the 2026 download moved to
            feed = recorded("pdok_atom_2016_index.xml").replace("wijkenbuurten/2016", "wijken-en-buurten-2026") \
                .replace("wijkenbuurten_2016.xml", "dataset.xml").replace("2016", "2026")
            if new.group(2) == "index.xml":
                return answer(feed.encode(), headers={"Content-Type": "application/atom+xml"})
            if new.group(3) is None:
                dataset = recorded("pdok_atom_2016_dataset.xml").replace("wijkenbuurten/2016", "wijken-en-buurten-2026") \
                    .replace("wijkenbuurten_2016_v3.gpkg", "WijkBuurtkaart_2026_v0.gpkg").replace("2016", "2026")
                return answer(dataset.encode(), headers={"Content-Type": "application/atom+xml"})
            assert new.group(3) == "WijkBuurtkaart_2026_v0.gpkg", new.group(3)
            self.downloads += 1
            return answer(self.gpkg_2026, headers={"Content-Type": "application/geopackage+sqlite3"})
        if new or "/2026/" in parts.path:
            return answer(b"<html>Not Found</html>", 404, {"Content-Type": "text/html"})
        m = re.fullmatch(r"/cbs/wijkenbuurten/(\d{4})/atom/(index\.xml|wijkenbuurten_\d{4}\.xml|downloads/(.+\.gpkg))", parts.path)
        if not m:
            return answer(b"<html>Not Found</html>", 404, {"Content-Type": "text/html"})
        year = m.group(1)
        if m.group(2) == "index.xml":
            return answer(recorded("pdok_atom_2016_index.xml").replace("2016", year).encode(), headers={"Content-Type": "application/atom+xml"})
        if m.group(3) is None:
            return answer(recorded("pdok_atom_2016_dataset.xml").replace("2016", year).encode(), headers={"Content-Type": "application/atom+xml"})
        assert m.group(3) == f"wijkenbuurten_{year}_v3.gpkg", m.group(3)
        self.downloads += 1
        return answer(gpkg_2016(), headers={"Content-Type": "application/geopackage+sqlite3"})

    # -- CBS's own zips of the older maps (any year's address answers with the 2016 map) --
    def cbs_zip(self, parts, query):
        assert parts.path.endswith(".zip"), parts.path
        self.downloads += 1
        return answer(zip_2016(), headers={"Content-Type": "application/x-zip-compressed"})

    # -- CBS OData v3 --
    def table_rows(self, table: str, region: str) -> list[dict]:
        if table in self.kwb_rows:
            return self.kwb_rows[table]
        names = {"83487NED": ["cbs_v3_83487NED_TypedDataSet_GM0606.json"],
                 "84583NED": ["cbs_v3_84583NED_TypedDataSet_GM0363.json"]}.get(table, [])
        source = "86358NED" if table == "86358NED" else "85984NED"
        names += [f"cbs_v3_{source}_TypedDataSet_GM0556.json", f"cbs_v3_{source}_TypedDataSet_gemeenten.json"]
        rows, seen = [], set()
        for name in names:
            for row in fresh(name)["value"]:
                code = row.pop("WijkenEnBuurten")
                if code not in seen:
                    seen.add(code)
                    rows.append({region: code, **row})
        return rows

    def data_properties(self, table: str) -> dict:
        name = f"cbs_v3_{table}_DataProperties.json"
        doc = fresh(name) if (RECORDED / name).exists() else fresh("cbs_v3_85984NED_DataProperties.json")
        if table == "82339NED":
            doc["value"][0]["Key"] = "RegioS"
        return doc

    def cbs_v3(self, parts, query):
        if parts.path == "/ODataCatalog/Tables":
            keys = set(self.catalog[0])
            return self.odata_page(parts, query, self.catalog, keys, "https://opendata.cbs.nl/ODataCatalog/Tables")
        m = re.fullmatch(r"/ODataFeed/(?:odata|OData)/(\w+)/(\w+)/?", parts.path)
        assert m, parts.path
        table, entity = m.groups()
        if query.get("$format") != "json":
            return answer(b"<feed/>", 200, {"Content-Type": "application/atom+xml"})
        if entity == "TableInfos":
            own = RECORDED / f"cbs_v3_{table}_TableInfos.json"
            doc = fresh(own.name if own.exists() else "cbs_v3_85984NED_TableInfos.json")
            doc["value"][0]["Identifier"] = table
            return answer(doc)
        if entity == "DataProperties":
            return answer(self.data_properties(table))
        if entity != "TypedDataSet":
            return odata_error(404, f"Resource {entity} not found")
        props = self.data_properties(table)["value"]
        region = props[0]["Key"]
        keys = {p["Key"] for p in props if p["Key"]} | {"ID"}
        rows = self.table_rows(table, region)
        return self.odata_page(parts, query, rows, keys, f"https://opendata.cbs.nl/ODataFeed/OData/{table}/TypedDataSet/")

    def odata_page(self, parts, query, rows, keys, next_base, *, v4=False):
        select = [s for s in query.get("$select", "").split(",") if s]
        wrong = [s for s in select if s not in keys]
        if wrong:
            return odata_error(400, f"Could not find a property named '{wrong[0]}'")
        if "$filter" in query:
            rows = [r for r in rows if matches(query["$filter"], r)]
        if select:
            rows = [{k: r.get(k) for k in select} for r in rows]
        skip = int(query.get("$skip", 0))
        page = rows[skip: skip + min(self.page_rows, int(query.get("$top", self.page_rows)))]
        doc = {("@odata.context" if v4 else "odata.metadata"): next_base + "$metadata", "value": page}
        if skip + self.page_rows < len(rows) and "$top" not in query:
            kept = [(k, v) for k, v in query.items() if k != "$skip"] if self.next_keeps_query else [("$format", "json")]
            doc["@odata.nextLink" if v4 else "odata.nextLink"] = next_base + "?" + "&".join(
                f"{k}={urllib.parse.quote(v)}" for k, v in kept + [("$skip", str(skip + self.page_rows))])
        return answer(doc)

    # -- CBS OData v4 --
    def cbs_v4(self, parts, query):
        m = re.fullmatch(r"/odata/v1/CBS/(\w+)/(\w+)", parts.path)
        assert m, parts.path
        table, entity = m.groups()
        if table != "85984NED":
            return answer({"error": {"code": "404", "message": f"Dataset {table} not found"}}, 404)
        if entity in ("Properties", "MeasureCodes", "MeasureGroups"):
            return answer(fresh(f"cbs_v4_85984NED_{entity}.json"))
        if entity != "Observations":
            return answer({"error": {"code": "404", "message": "not found"}}, 404)
        rows = fresh("cbs_v4_85984NED_Observations_GM0556.json")["value"]
        return self.odata_page(parts, query, rows, set(), "https://datasets.cbs.nl/odata/v1/CBS/85984NED/Observations", v4=True)

    # -- Politie 47018NED (crime) and 47024NED (overlast) --
    def politie(self, parts, query):
        m = re.fullmatch(r"/ODataFeed/OData/(47018NED|47024NED)/(\w+)/?", parts.path)
        assert m, parts.path
        table, entity = m.groups()
        if entity in ("Perioden", "DataProperties", "Overlast"):
            return answer(fresh(f"politie_{table}_{entity}.json"))
        assert entity == "TypedDataSet"
        keys = {p["Key"] for p in recorded(f"politie_{table}_DataProperties.json")["value"] if p["Key"]} | {"ID"}
        rows = self.politie_rows if table == "47018NED" else self.overlast_rows()
        return self.odata_page(parts, query, rows, keys, f"https://dataderden.cbs.nl/ODataFeed/OData/{table}/TypedDataSet/")

    def overlast_rows(self) -> list[dict]:
        return fresh("politie_47024NED_TypedDataSet.json")["value"]

    # -- Leefbaarometer WFS (GeoServer) --
    def leefbaarometer(self, parts, query):
        assert parts.path == "/lbm3/ows"
        assert (query["service"], query["request"], query["outputFormat"]) == ("WFS", "GetFeature", "application/json")
        if query["typeNames"] != "lbm3:buurtscore24":
            return answer(b"<ows:ExceptionReport>Feature type unknown</ows:ExceptionReport>", 400, {"Content-Type": "text/xml"})
        # The live layer has no bu_code: a filter on it is an error of GeoServer (the buurtcode is in id).
        prefixes = re.findall(r"id LIKE '(\w+)%'", query["cql_filter"])
        if " OR ".join(f"id LIKE '{p}%'" for p in prefixes) != query["cql_filter"] or not prefixes:
            return answer(b'<ows:ExceptionReport><ows:Exception exceptionCode="NoApplicableCode"><ows:ExceptionText>'
                          b'Illegal property name: bu_code</ows:ExceptionText></ows:Exception></ows:ExceptionReport>',
                          400, {"Content-Type": "text/xml"})
        doc = fresh("leefbaarometer_buurtscore24.json")
        rows = [f for f in doc["features"] if any(f["properties"]["id"].startswith(p) for p in prefixes)]
        start, count = int(query.get("startIndex", 0)), int(query["count"])
        page = rows[start: start + count]
        doc.update(features=page, totalFeatures=len(rows), numberMatched=len(rows), numberReturned=len(page))
        return answer(doc)


def at(cache_dir, client: fetch.Client, **more) -> fetch.FetchOptions:
    """The options of a fetch into `cache_dir` over `client`."""
    return fetch.FetchOptions(cache_dir=cache_dir, client=client, **more)


def client_for(services: Services, sleeps: list | None = None, progress=None) -> fetch.Client:
    return fetch.Client(transport=services, sleep=(sleeps if sleeps is not None else []).append,
                        progress=progress or Reporter(quiet=True))


def recorded_buurten(name: str) -> dict[str, dict]:
    return {f["properties"]["buurtcode"]: f["properties"] for f in recorded(name)["features"]}


# --- the URLs, for every year ---------------------------------------------------------------------

SELECT_2024 = ("Gemeentenaam_1,SoortRegio_2,Codering_3,AantalInwoners_5,k_0Tot15Jaar_8,k_15Tot25Jaar_9,k_25Tot45Jaar_10,"
               "k_45Tot65Jaar_11,k_65JaarOfOuder_12,HuishoudensTotaal_29,Eenpersoonshuishoudens_30,Woningvoorraad_35,"
               "Koopwoningen_47,HuurwoningenTotaal_48,InBezitWoningcorporatie_49,GemiddeldInkomenPerInwoner_78,"
               "k_40HuishoudensMetLaagsteInkomen_84,PersonenPerSoortUitkeringBijstand_87,JongerenMetJeugdzorgInNatura_91,"
               "PercentageJongerenMetJeugdzorg_92,WmoClienten_93,WmoClientenRelatief_94,MateVanStedelijkheid_120")
#: The columns of the 2016, 2019 and 2026 fixtures that the toolkit knows (by hand from their DataProperties).
SELECT_OTHER = {
    2026: "Gemeentenaam_1,SoortRegio_2,Codering_3,AantalInwoners_5,k_0Tot15Jaar_8,k_15Tot25Jaar_9,k_25Tot45Jaar_10,"
          "k_45Tot65Jaar_11,k_65JaarTot80Jaar_12,k_80JaarOfOuder_13,HuishoudensTotaal_30,Eenpersoonshuishoudens_31,"
          "Woningvoorraad_36,Koopwoningen_48,HuurwoningenTotaal_49,InBezitWoningcorporatie_50,"
          "GemiddeldInkomenPerInwoner_79,k_40HuishoudensMetLaagsteInkomen_85,PersonenPerSoortUitkeringBijstand_88,"
          "JongerenMetJeugdzorgInNatura_92,PercentageJongerenMetJeugdzorg_93,WmoClienten_94,WmoClientenRelatief_95,"
          "MateVanStedelijkheid_121",
    2016: "Gemeentenaam_1,SoortRegio_2,Codering_3,AantalInwoners_5,k_0Tot15Jaar_8,k_15Tot25Jaar_9,k_25Tot45Jaar_10,"
          "k_45Tot65Jaar_11,k_65JaarOfOuder_12,HuishoudensTotaal_28,PersonenPerSoortUitkeringBijstand_76",
    2019: "Gemeentenaam_1,SoortRegio_2,Codering_3,AantalInwoners_5,k_65JaarOfOuder_12,HuishoudensTotaal_28,WmoClienten_98",
}


def expected_urls(year: int, code: str = "GM0556", *, catalog: bool = True) -> list[str]:
    """The documented patterns, written out: PDOK per year 2023+ (after its /collections), historisch (after
    /collections) or ATOM, the CBS catalogue (once per cache), then the CBS v3 feed."""
    return grenzen_urls(year, code) + ([CATALOG] if catalog else []) + kwb_urls(year, code)


def grenzen_urls(year: int, code: str = "GM0556") -> list[str]:
    items = "/items?f=json&crs=" + RD_QUOTED + "&limit=1000&gemeentecode=" + code
    if year >= 2023:
        base = f"https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
        levels = ("buurten",) if year == 2026 else ("buurten", "wijken")
        return [f"{base}/collections?f=json"] + [u for level in levels for u in (
            f"{base}/collections/{level}/queryables?f=json", f"{base}/collections/{level}{items}")]
    if year >= 2017:  # the fixture's historisch service lists buurten_<jaar> and wijken_<jaar> for 2017-2022
        return [f"{HIST}/collections?f=json",
                f"{HIST}/collections/buurten_{year}/queryables?f=json", f"{HIST}/collections/buurten_{year}{items}",
                f"{HIST}/collections/wijken_{year}/queryables?f=json", f"{HIST}/collections/wijken_{year}{items}"]
    return [f"{HIST}/collections?f=json", fetch.CBS_ZIPS[year]]  # 2013-2016: CBS's own zip


def kwb_urls(year: int, code: str | None = "GM0556") -> list[str]:
    """TableInfos, DataProperties and the TypedDataSet of the buurten of `code` (None: the gemeente rows)."""
    table = TABLES[year]
    region = "RegioS" if year == 2013 else "WijkenEnBuurten"
    select = f"{region}," + SELECT_OTHER.get(year, SELECT_2024)
    if code is None:
        flt = f"startswith({region},'GM') or {region} eq 'NL00      '"
    else:
        flt = (f"startswith({region},'BU{code[2:]}') or startswith({region},'WK{code[2:]}') or {region} eq '{code}    ' "
               f"or {region} eq 'NL00      '")
    feed = f"https://opendata.cbs.nl/ODataFeed/odata/{table}"
    query = urllib.parse.urlencode([("$format", "json"), ("$select", select), ("$filter", flt)], quote_via=urllib.parse.quote)
    return [f"{feed}/TableInfos?$format=json", f"{feed}/DataProperties?$format=json", f"{feed}/TypedDataSet?{query}"]


def same_urls(asked: list[str], expected: list[str]) -> bool:
    """Equal up to the percent-encoding of the query (parsed and compared value by value)."""
    def parts(url):
        s = urllib.parse.urlsplit(url)
        return s.scheme, s.netloc, s.path, urllib.parse.parse_qsl(s.query, keep_blank_values=True)
    return [parts(u) for u in asked] == [parts(u) for u in expected]


@pytest.mark.parametrize("year", range(2013, 2026))
def test_urls_for_every_year(year, tmp_path):
    services = Services()
    client = client_for(services)
    grenzen = fetch.fetch_boundaries(["GM0556"], year, options=at(tmp_path, client))
    kwb = fetch.fetch_kwb(["GM0556"], year, options=at(tmp_path, client))
    assert same_urls(client.asked, expected_urls(year)), "\n".join(client.asked)
    assert services.urls == client.asked  # no retries, nothing else
    # What was fetched is what the rest of the toolkit reads.
    assert set(read_boundaries(grenzen.path, ["GM0556"]).frame["gemeentecode"]) == {"GM0556"}
    assert read_kwb(kwb.path).year == year


def test_the_url_is_readable_and_exact_for_2024(tmp_path):
    client = client_for(Services())
    fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client))
    assert client.asked[-1] == (
        "https://opendata.cbs.nl/ODataFeed/odata/85984NED/TypedDataSet?$format=json&$select=WijkenEnBuurten,"
        + SELECT_2024 + "&$filter=startswith(WijkenEnBuurten,'BU0556')%20or%20startswith(WijkenEnBuurten,'WK0556')"
        "%20or%20WijkenEnBuurten%20eq%20'GM0556%20%20%20%20'%20or%20WijkenEnBuurten%20eq%20'NL00%20%20%20%20%20%20'")
    assert fetch.pdok_items_url(fetch.PDOK_API.format(year=2024), "buurten", "GM0556") == (
        f"https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?f=json&crs={RD_QUOTED}"
        "&limit=1000&gemeentecode=GM0556")


# --- boundaries ------------------------------------------------------------------------------------

def test_maassluis_2024_keeps_the_maps_own_attributes(tmp_path):
    messages = []
    progress = Reporter(stream=None, clock=lambda: 0.0)
    progress.say = messages.append
    got = fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(Services()), progress=progress))
    assert got.path == tmp_path / "wijkenbuurten_2024_GM0556.gpkg" and not got.from_cache
    raw = pyogrio.read_dataframe(got.path, layer="buurten")
    source = recorded_buurten("pdok_2024_buurten_GM0556.json")
    assert len(raw) == len(source) == 19
    assert len(raw.columns) - 1 == len(next(iter(source.values()))) == 187  # every attribute, none renamed
    for row in raw.itertuples(index=False):
        assert row.aantal_inwoners == source[row.buurtcode]["aantal_inwoners"]
        assert row.percentage_woningen_met_stadsverwarming == source[row.buurtcode]["percentage_woningen_met_stadsverwarming"]
    assert (raw["percentage_woningen_met_stadsverwarming"] == -99997).any()  # sentinels kept as published
    assert raw.crs.to_epsg() == 28992
    wijken = read_boundaries(got.path, level="wijken").frame
    assert sorted(wijken["wijkcode"]) == sorted(f["properties"]["wijkcode"] for f in recorded("pdok_2024_wijken_GM0556.json")["features"])
    assert any("pagina 1, 19 objecten" in m for m in messages) and any("opgeslagen" in m for m in messages)


def test_pdok_pages_follow_next_with_cursor(tmp_path):
    services = Services(pdok_limit=7)  # the server caps limit=1000 at 7: three pages for 19 buurten
    client = client_for(services)
    got = fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client))
    pages = [u for u in client.asked if "/collections/buurten/items" in u]
    assert len(pages) == 3
    assert "cursor" not in pages[0] and all("cursor=" in u for u in pages[1:])
    for page in pages[1:]:  # the next link keeps every other parameter
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page).query))
        assert (query["crs"], query["limit"], query["gemeentecode"], query["f"]) == (RD, "1000", "GM0556", "json")
    assert len(pyogrio.read_dataframe(got.path, layer="buurten")) == 19


def test_real_pdok_page_shape_with_cursor(shared):
    """gokoala's own recorded page (next with cursor=, prev, numberReturned) is followed to its next page."""
    page1 = json.loads((shared / "api" / "pdok_ogcapi" / "expected_foo_collection_with_cursor.json").read_text())
    last = json.loads((shared / "api" / "pdok_ogcapi" / "expected_empty_feature_collection.json").read_text())
    nxt = next(link["href"] for link in page1["links"] if link["rel"] == "next")
    first = "http://localhost:8080/collections/foo/items?cursor=Dv4%7CNwyr1Q&f=json&limit=2"
    pages = {first: page1, nxt: last}
    client = fetch.Client(transport=lambda url: answer(pages[url]), sleep=lambda s: None)
    features = fetch.pdok_features(client, first, what="foo")
    assert client.asked == [first, nxt]
    assert [f["id"] for f in features] == [f["id"] for f in page1["features"]]


def test_filter_after_download_when_queryables_do_not_list_gemeentecode(tmp_path):
    services = Services(queryables={2025: "zonder"})
    client = client_for(services)
    got = fetch.fetch_boundaries(["GM0556"], 2025, options=at(tmp_path, client))
    items = [u for u in client.asked if "/items" in u]
    assert items and all("gemeentecode" not in u for u in items)  # never sent: the server would answer 400
    frame = pyogrio.read_dataframe(got.path, layer="buurten")
    served = {f["properties"]["gemeentecode"] for name in ("pdok_2024_buurten_GM0556.json", "pdok_2024_buurten_GM0622.json")
              for f in recorded(name)["features"]}
    assert served == {"GM0556", "GM0622"} and set(frame["gemeentecode"]) == {"GM0556"} and len(frame) == 19


def test_without_queryables_a_refused_filter_is_dropped(tmp_path):
    services = Services(queryables={2023: "geen"}, filters={2023: False})
    client = client_for(services)
    got = fetch.fetch_boundaries(["GM0556"], 2023, options=at(tmp_path, client))
    buurten = [u for u in client.asked if "/collections/buurten/" in u]
    assert buurten[0].endswith("/queryables?f=json")
    assert "gemeentecode=GM0556" in buurten[1] and "gemeentecode" not in buurten[2]
    assert len(pyogrio.read_dataframe(got.path, layer="buurten")) == 19


def test_historisch_after_reading_collections(tmp_path):
    client = client_for(Services())
    got = fetch.fetch_boundaries(["GM0363"], 2019, options=at(tmp_path, client))
    assert client.asked[0] == f"{HIST}/collections?f=json"
    assert got.metadata["collecties"] == {"buurten": "buurten_2019", "wijken": "wijken_2019"}
    frame = read_boundaries(got.path, ["GM0363"]).frame
    assert sorted(frame["buurtcode"]) == sorted(recorded_buurten("pdok_historisch_buurten_2019_GM0363.json"))
    assert frame["omgevingsadressendichtheid"].isna().all()  # -99999999 is missing to the reader


def test_2013_to_2016_from_the_cbs_zip(tmp_path):
    services = Services()
    client = client_for(services)
    got = fetch.fetch_boundaries(["GM0606"], 2016, options=at(tmp_path, client))
    assert client.asked == [f"{HIST}/collections?f=json", fetch.CBS_ZIPS[2016]]
    assert got.metadata["bestanden"] == {"buurten": "shape 2016 versie 3.0/buurt_2016.shp",
                                         "wijken": "shape 2016 versie 3.0/wijk_2016.shp"}
    assert (tmp_path / "cbs" / "shape_2016_versie_30.zip").exists()
    source = recorded("wijkenbuurten_2016_GM0556_GM0606.geojson.json")["layers"]["buurten"]["features"]
    expected = {f["properties"]["buurtcode"]: f["properties"]["omgevingsadressendichtheid"] for f in source
                if f["properties"]["gemeentecode"] == "GM0606"}
    raw = pyogrio.read_dataframe(got.path, layer="buurten")
    assert dict(zip(raw["BU_CODE"], raw["OAD"])) == expected  # the old column names, values as published
    frame = read_boundaries(got.path, ["GM0606"]).frame
    assert set(frame["buurtcode"]) == set(expected) and len(expected) == 52
    fetch.fetch_boundaries(["GM0556"], 2016, options=at(tmp_path, client))  # the zip is downloaded once
    assert services.downloads == 1


def test_older_years_come_from_the_geopackage_named_in_the_atom_feed(tmp_path):
    services = Services()
    services.fail("www.cbs.nl", *[answer(b"<html>Not Found</html>", 404, {"Content-Type": "text/html"})] * 2)
    client = client_for(services)
    schiedam = fetch.fetch_boundaries(["GM0606"], 2016, options=at(tmp_path, client))
    raw = tmp_path / "pdok" / "wijkenbuurten_2016_v3.gpkg"  # the name from the feed, not a guess
    assert raw.exists() and json.loads(fetch.metadata_path(raw).read_text())["url"].endswith("/downloads/wijkenbuurten_2016_v3.gpkg")
    layers = {}
    source = recorded("wijkenbuurten_2016_GM0556_GM0606.geojson.json")["layers"]
    for layer in ("buurten", "wijken"):
        layers[layer] = pyogrio.read_dataframe(schiedam.path, layer=layer)
        expected = sorted(f["properties"]["buurtcode" if layer == "buurten" else "wijkcode"] for f in source[layer]["features"]
                          if f["properties"]["gemeentecode"] == "GM0606")
        assert sorted(layers[layer]["buurtcode" if layer == "buurten" else "wijkcode"]) == expected
    assert len(layers["buurten"]) == 52 and schiedam.metadata["versie"] == "v3"
    # Another gemeente of the same year reuses the downloaded file.
    fetch.fetch_boundaries(["GM0556"], 2016, options=at(tmp_path, client))
    assert services.downloads == 1


def test_atom_feed_picks_the_newest_geopackage_of_the_year():
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            '<link rel="alternate" type="application/zip" href="d/wijkbuurtkaart_2020_v3.zip"/>'
            '<link rel="alternate" type="application/geopackage+sqlite3" href="d/wijkenbuurten_2020_v1.gpkg"/>'
            '<link rel="alternate" href="d/wijkenbuurten_2020_v3.gpkg"/>'
            '<link rel="alternate" href="d/wijkenbuurten_2019_v9.gpkg"/></entry></feed>')
    client = fetch.Client(transport=lambda url: answer(feed.encode()), sleep=lambda s: None)
    assert fetch.atom_geopackage(client, "https://x.nl/atom/index.xml", 2020) == "https://x.nl/atom/d/wijkenbuurten_2020_v3.gpkg"
    empty = fetch.Client(transport=lambda url: answer(b'<feed xmlns="http://www.w3.org/2005/Atom"/>'), sleep=lambda s: None)
    with pytest.raises(NetworkError, match=r"https://x.nl/atom/index.xml: geen GeoPackage in de ATOM-feed van 2020"):
        fetch.atom_geopackage(empty, "https://x.nl/atom/index.xml", 2020)


# --- KWB -------------------------------------------------------------------------------------------

def test_kwb_2024_reads_back_with_the_served_values(tmp_path):
    got = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client_for(Services())))
    served = {r["WijkenEnBuurten"].strip(): r for r in recorded("cbs_v3_85984NED_TypedDataSet_GM0556.json")["value"]}
    kwb = read_kwb(got.path)
    assert kwb.year == 2024 and kwb.form == "CSV, OData-namen"
    assert sorted(kwb.buurten["buurtcode"]) == sorted(c for c in served if c.startswith("BU"))
    for row in kwb.buurten.itertuples(index=False):
        raw = served[row.buurtcode]
        assert row.inwoners == raw["AantalInwoners_5"]
        wmo = raw["WmoClienten_93"]
        assert (row.wmo_clienten != row.wmo_clienten) if wmo is None else row.wmo_clienten == wmo
    assert kwb.gemeenten["inwoners"].tolist() == [served["GM0556"]["AantalInwoners_5"]]
    header = got.path.read_text(encoding="utf-8").splitlines()[0].split(";")
    assert header == ["WijkenEnBuurten"] + SELECT_2024.split(",")
    meta = json.loads(fetch.metadata_path(got.path).read_text(encoding="utf-8"))
    assert (meta["tabel"], meta["jaar"], meta["rijen"], meta["versie"]) == ("85984NED", 2024, 20, "2025-03-28T02:00:00")
    assert meta["url"] == meta["urls"][-1] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", meta["opgehaald"])


def test_kwb_2013_uses_regios(tmp_path):
    client = client_for(Services())
    got = fetch.fetch_kwb(["GM0556"], 2013, options=at(tmp_path, client))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(client.asked[-1]).query))
    assert query["$select"].startswith("RegioS,") and "startswith(RegioS,'BU0556')" in query["$filter"]
    assert "/82339NED/" in client.asked[-1]
    assert len(read_kwb(got.path).buurten) == 19


def buurtcode(n: int, gemeente: str = "0363") -> str:
    """A distinct valid buurtcode per number (wijk and buurt part in base 36, as Amsterdam's letters)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    part = "".join(digits[(n // 36 ** i) % 36] for i in (3, 2, 1, 0))
    return f"BU{gemeente}{part}"


@pytest.mark.parametrize("keeps_query", [True, False])
def test_kwb_pages_of_10000_follow_the_skip_link(keeps_query, tmp_path):
    """A table of 12,345 buurten: a full page with odata.nextLink ($skip=10000), then the rest."""
    services = Services(next_keeps_query=keeps_query)
    template = recorded("cbs_v3_85984NED_TypedDataSet_GM0556.json")["value"][1]
    rows = [{**template, "WijkenEnBuurten": buurtcode(n), "Codering_3": buurtcode(n), "ID": n,
             "AantalInwoners_5": 100_000 + n} for n in range(12_345)]  # never fewer than the template's counts
    other = [{**template, "WijkenEnBuurten": "BU05990101", "Codering_3": "BU05990101", "ID": 99_999}]
    services.kwb_rows["85984NED"] = rows + other
    client = client_for(services)
    got = fetch.fetch_kwb(["GM0363"], 2024, options=at(tmp_path, client))
    pages = [u for u in client.asked if "TypedDataSet" in u]
    assert len(pages) == 2 and "$skip=10000" in pages[1]
    second = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(pages[1]).query))
    assert second["$filter"].startswith("startswith(WijkenEnBuurten,'BU0363')")  # still filtered, whatever the link said
    kwb = read_kwb(got.path)
    assert len(kwb.buurten) == 12_345 and kwb.buurten["inwoners"].sum() == sum(100_000 + n for n in range(12_345))


def test_real_recorded_feed_pages(shared):
    """The recorded ODataFeed pages (10,000 rows with a $skip link, then 5,504) come out whole."""
    folder = shared / "api" / "cbs_odata_v3"
    urls = dict(line.split("\t")[::-1] for line in (folder / "URLS.txt").read_text().splitlines() if "\t" in line)
    first = "https://opendata.cbs.nl/ODataFeed/OData/83599NED/UntypedDataSet/?$format=json"
    client = fetch.Client(transport=lambda url: answer((folder / urls[url]).read_bytes()), sleep=lambda s: None)
    rows = fetch.odata_rows(client, first, what="83599NED")
    page1 = json.loads((folder / "tables_2.json").read_text())["value"]
    page2 = json.loads((folder / "tables_3.json").read_text())["value"]
    assert client.asked == [first, first + "&$skip=10000"]
    assert len(rows) == len(page1) + len(page2) == 15_504 and rows[-1] == page2[-1]


def test_v4_observations_when_v3_fails(tmp_path):
    services = Services()
    services.fail("opendata.cbs.nl", *[odata_error(503, "Service Unavailable")] * 8)  # the catalogue is down too
    sleeps, messages = [], []
    progress = Reporter(quiet=False)
    progress.say = messages.append
    client = client_for(services, sleeps, progress)
    got = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client, progress=progress))
    assert sleeps == [1, 2, 4, 1, 2, 4]
    assert any(m.startswith("CBS-catalogus niet gelezen (https://opendata.cbs.nl/ODataCatalog/Tables?") and
               m.endswith("de ingebouwde tabelnummers tot en met 2026") for m in messages), messages
    v4 = [u for u in client.asked if "datasets.cbs.nl" in u]
    assert v4[-1].startswith("https://datasets.cbs.nl/odata/v1/CBS/85984NED/Observations?$filter=")
    assert "startswith(WijkenEnBuurten,'BU0556')" in urllib.parse.unquote(v4[-1])
    assert got.metadata["bron"] == "CBS OData v4 (Observations)" and got.metadata["versie"] == "202503280200"
    kwb = read_kwb(got.path)
    measure = next(m["Identifier"] for m in recorded("cbs_v4_85984NED_MeasureCodes.json")["value"] if m["Title"] == "Aantal inwoners")
    served = {o["WijkenEnBuurten"]: o["Value"] for o in recorded("cbs_v4_85984NED_Observations_GM0556.json")["value"]
              if o["Measure"] == measure}
    assert len(kwb.buurten) == 19
    assert dict(zip(kwb.buurten["buurtcode"], kwb.buurten["inwoners"])) == {k: v for k, v in served.items() if k.startswith("BU")}
    assert "Bevolking/Aantal inwoners" in got.path.read_text(encoding="utf-8").splitlines()[0]


def test_kwb_gemeenten_of_all_gemeenten(tmp_path):
    client = client_for(Services())
    got = fetch.fetch_kwb_gemeenten(2024, options=at(tmp_path, client))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(client.asked[-1]).query))
    assert query["$filter"] == "startswith(WijkenEnBuurten,'GM') or WijkenEnBuurten eq 'NL00      '"
    kwb = read_kwb(got.path, require_buurten=False)
    served = {r["WijkenEnBuurten"].strip() for r in recorded("cbs_v3_85984NED_TypedDataSet_gemeenten.json")["value"]}
    assert set(kwb.gemeenten["gemeentecode"]) == served and kwb.buurten.empty


# --- safety and liveability --------------------------------------------------------------------------

def test_crime_per_buurt_from_47018NED(tmp_path):
    services = Services()
    extra = [{**r, "SoortMisdrijf": "1.1.1 ", "GeregistreerdeMisdrijven_1": i, "ID": 900_000 + i}
             for i, r in enumerate(services.politie_rows) if r["WijkenEnBuurten"].startswith("BU0556")]
    services.politie_rows = services.politie_rows + extra
    client = client_for(services)
    got = fetch.fetch_crime(["GM0556"], 2023, types=["0.0.0", "1.1.1"], options=at(tmp_path, client))
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(client.asked[-1]).query))
    assert client.asked[-1].startswith("https://dataderden.cbs.nl/ODataFeed/OData/47018NED/TypedDataSet?$format=json")
    assert query["$filter"] == ("(startswith(WijkenEnBuurten,'BU0556')) and Perioden eq '2023JJ00' and "
                                "(SoortMisdrijf eq '0.0.0 ' or SoortMisdrijf eq '1.1.1 ')")
    table = read_buurt_table(got.path).set_index("buurtcode")
    with open(Path(got.path), encoding="utf-8") as handle:
        assert next(csv.reader(handle, delimiter=";")) == ["buurtcode", "misdrijven_totaal", "misdrijven_1_1_1"]
    totals = {r["WijkenEnBuurten"]: r["GeregistreerdeMisdrijven_1"] for r in recorded("politie_47018NED_TypedDataSet.json")["value"]
              if r["WijkenEnBuurten"].startswith("BU0556")}
    assert table["misdrijven_totaal"].to_dict() == totals
    assert table["misdrijven_1_1_1"].to_dict() == {r["WijkenEnBuurten"]: r["GeregistreerdeMisdrijven_1"] for r in extra}
    with pytest.raises(NetworkError, match=r"Perioden\?\$format=json: 2025 staat \(nog\) niet volledig in tabel 47018NED; "
                                           r"beschikbaar: 2012-2023"):
        fetch.fetch_crime(["GM0556"], 2025, options=at(tmp_path, client))


def test_leefbaarometer_scores_per_buurt(tmp_path):
    """The live layer's shape: the buurtcode in the property id (api/leefbaarometer/), filtered on id."""
    client = client_for(Services())
    got = fetch.fetch_leefbaarometer(["GM0606"], options=at(tmp_path, client))
    assert client.asked == [
        "https://geo.leefbaarometer.nl/lbm3/ows?service=WFS&version=2.0.0&request=GetFeature&typeNames=lbm3:buurtscore24"
        "&outputFormat=application%2Fjson&srsName=EPSG:28992&count=1000&startIndex=0&cql_filter=id%20LIKE%20'BU0606%25'"]
    served = {f["properties"]["id"]: f["properties"] for f in recorded("leefbaarometer_buurtscore24.json")["features"]
              if f["properties"]["id"].startswith("BU0606")}
    assert len(served) > 40 and all("bu_code" not in props for props in served.values())
    with open(got.path, encoding="utf-8") as handle:
        rows = {r["buurtcode"]: r for r in csv.DictReader(handle, delimiter=";")}
    assert set(rows) == set(served)
    for code, props in served.items():  # every property as served, the feature id not mistaken for the buurtcode
        assert rows[code]["kscore"] == ("" if props["kscore"] is None else str(props["kscore"]))
        assert (rows[code]["name"], rows[code]["scale"], rows[code]["year"]) == (props["name"], "buurt", "2024")
    # The toolkit's reader takes the saved file, and a file saved straight from the WFS with its id column.
    from sociale_kaart.sources.safety import read_liveability

    read = read_liveability(got.path)
    scored = {c: p["kscore"] for c, p in served.items() if p["kscore"] is not None}
    assert read.year == 2024 and read.table.set_index("buurtcode")["lbm_klasse"].dropna().to_dict() == scored
    raw = tmp_path / "lbm_wfs.csv"
    raw.write_text("id;name;scale;kscore;year\n" + "".join(f"{c};x;buurt;{k};2024\n" for c, k in scored.items()), encoding="utf-8")
    assert read_liveability(raw).table.set_index("buurtcode")["lbm_klasse"].to_dict() == scored


def test_leefbaarometer_refuses_features_without_a_buurtcode_in_id(tmp_path):
    services = Services()
    old = fresh("leefbaarometer_buurtscore24.json")  # the shape fetch was first written for: bu_code, no id
    for feature in old["features"]:
        props = feature["properties"]
        props["bu_code"] = props.pop("id")
    services.fail("geo.leefbaarometer.nl", answer(old))
    with pytest.raises(NetworkError, match=r"cql_filter=id%20LIKE.*: onverwacht antwoord \(objecten zonder buurtcode in 'id'"):
        fetch.fetch_leefbaarometer(["GM0606"], options=at(tmp_path, client_for(services)))
    assert no_files(tmp_path) == []


# --- failures: one Dutch line with the URL and the server's answer -------------------------------------

def one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def no_files(folder: Path) -> list[str]:
    """The files in `folder`, but for the CBS catalogue's table list (read before anything else, and whole)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "cbs_catalogus_kwb.json")


def test_no_network(tmp_path):
    services = Services()
    services.fail("api.pdok.nl", *[urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))] * 4)
    sleeps = []
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services, sleeps)))
    text = one_line(caught)
    assert text.startswith("https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections?f=json: "
                           "geen verbinding met api.pdok.nl (")
    assert "4 pogingen" in text and "sociale-kaart demo" in text
    assert sleeps == [1, 2, 4] and no_files(tmp_path) == []


def test_timeout_is_retried_with_backoff(tmp_path):
    services = Services()
    services.fail("/collections/buurten/items", socket.timeout("timed out"), TimeoutError())
    sleeps, messages = [], []
    progress = Reporter(quiet=False)
    progress.say = messages.append
    got = fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services, sleeps, progress), progress=progress))
    assert sleeps == [1, 2] and got.path.exists()
    assert any("geen antwoord van api.pdok.nl binnen 60 s; opnieuw over 1 s (poging 2 van 4)" in m for m in messages)
    services = Services()
    services.fail("/collections/buurten/items", *[socket.timeout("timed out")] * 4)
    with pytest.raises(NetworkError, match=r"/collections/buurten/items\?.*: geen antwoord van api.pdok.nl binnen 60 s, 4 pogingen"):
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path / "b", client_for(services)))


def test_http_error_is_not_retried_and_names_status_and_message(tmp_path):
    services = Services()
    services.fail("/collections/buurten/items", problem(400, "unknown query parameter(s) found: gemeentecode"))
    sleeps = []
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services, sleeps)))
    assert one_line(caught) == (
        f"https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?f=json&crs={RD_QUOTED}&limit=1000"
        "&gemeentecode=GM0556: de server antwoordde 400 (unknown query parameter(s) found: gemeentecode)")
    assert sleeps == []  # the queryables said the filter is there: no silent fallback


def test_retry_after_and_recovery(tmp_path):
    services = Services()
    services.fail("TypedDataSet", odata_error(503, "Service Unavailable"))
    services.fail("TypedDataSet", (503, {"Retry-After": "7"}, b"busy"))
    sleeps = []
    got = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client_for(services, sleeps)))
    assert sleeps == [1, 7] and len(read_kwb(got.path).buurten) == 19


def test_a_broken_connection_is_retried(tmp_path):
    import http.client

    services = Services()
    services.fail("TypedDataSet", http.client.IncompleteRead(b'{"val'), ConnectionResetError(104, "Connection reset by peer"))
    sleeps = []
    got = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client_for(services, sleeps)))
    assert sleeps == [1, 2] and len(read_kwb(got.path).buurten) == 19


def test_unexpected_answers(tmp_path):
    services = Services()
    services.fail("/collections/buurten/items", answer(b"<html><body>Onderhoud</body></html>", 200, {"Content-Type": "text/html"}))
    with pytest.raises(NetworkError, match=r"/items\?.*: onverwacht antwoord \(geen JSON: Onderhoud\)"):
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services)))
    services = Services()
    services.fail("DataProperties", answer({"odata.metadata": "x", "values": []}))
    services.fail("datasets.cbs.nl", answer({"error": {"message": "Dataset bestaat niet"}}, 404))
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client_for(services)))
    assert one_line(caught) == (
        "https://opendata.cbs.nl/ODataFeed/odata/85984NED/DataProperties?$format=json: onverwacht antwoord (geen lijst "
        "'value'; gevonden: odata.metadata, values); ook OData v4 faalt: https://datasets.cbs.nl/odata/v1/CBS/85984NED/"
        "Properties: de server antwoordde 404 (Dataset bestaat niet)")
    services = Services()  # PDOK answering in another CRS than asked
    services.fail("/collections/buurten/items", answer({"type": "FeatureCollection", "features": []}, 200,
                                                       {"Content-Crs": "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"}))
    with pytest.raises(NetworkError, match=r"PDOK antwoordde in http://www.opengis.net/def/crs/OGC/1.3/CRS84 in plaats van RD New"):
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services)))
    services = Services()  # RD asked and announced, but the coordinates are degrees
    feature = {"type": "Feature", "id": "1", "properties": {"buurtcode": "BU05560101", "gemeentecode": "GM0556"},
               "geometry": {"type": "Point", "coordinates": [4.25, 51.92]}}
    services.fail("/collections/buurten/items", answer({"type": "FeatureCollection", "features": [feature]}, 200,
                                                       {"Content-Crs": f"<{RD}>"}))
    with pytest.raises(NetworkError, match=r"de coördinaten zijn geen RD New \(EPSG:28992\): 4\.\.4, 52\.\.52"):
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services)))
    assert no_files(tmp_path) == []


def test_empty_result_for_an_unknown_gemeente(tmp_path):
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_boundaries(["GM9999"], 2024, options=at(tmp_path, client_for(Services())))
    assert "gemeentecode=GM9999: geen buurten voor GM9999 in 2024; bestaat die gemeente in 2024?" in one_line(caught)
    client = client_for(Services())
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_kwb(["GM9999"], 2024, options=at(tmp_path, client))
    assert fetch.failure_kind(caught.value) == fetch.EMPTY
    assert "CBS gaf geen rijen voor GM9999 in tabel 85984NED" in one_line(caught)
    assert not any("datasets.cbs.nl" in u for u in client.asked)  # an empty answer is no reason for v4
    # Politie: a gemeente the table does not have (Amsterdam is not in the fixture)
    with pytest.raises(NetworkError, match="geen buurten voor GM0363 in tabel 47018NED"):
        fetch.fetch_crime(["GM0363"], 2023, options=at(tmp_path, client_for(Services())))
    with pytest.raises(NetworkError, match="geen Leefbaarometer-scores voor GM0363"):
        fetch.fetch_leefbaarometer(["GM0363"], options=at(tmp_path, client_for(Services())))
    assert no_files(tmp_path) == []


def test_the_10000_cap(tmp_path):
    services = Services()
    template = recorded("cbs_v3_85984NED_TypedDataSet_GM0556.json")["value"][1]
    services.kwb_rows["85984NED"] = [{**template, "WijkenEnBuurten": buurtcode(n), "Codering_3": buurtcode(n)}
                                     for n in range(10_000)]
    client = client_for(services)
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_kwb(["GM0363"], 2024, options=at(tmp_path, client))
    assert fetch.failure_kind(caught.value) == fetch.CAPPED
    assert "TypedDataSet?" in one_line(caught) and "precies 10.000 rijen en geen volgende pagina" in one_line(caught)
    services = Services()
    services.fail("TypedDataSet", odata_error(500, "Query returns more than 10000 records. Use a filter."))
    sleeps = []
    client = client_for(services, sleeps)
    with pytest.raises(NetworkError, match=r"de server antwoordde 500 \(Query returns more than 10000 records") as caught:
        fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client))
    assert fetch.failure_kind(caught.value) == fetch.CAPPED
    assert sleeps == [] and not any("datasets.cbs.nl" in u for u in client.asked)
    assert no_files(tmp_path) == []


def test_nothing_half_written(tmp_path):
    services = Services(odata_page=10)  # two pages; the second fails for good
    services.fail("TypedDataSet/?", *[odata_error(404, "gone")] * 1)
    services.fail("datasets.cbs.nl", answer({"error": {"message": "down"}}, 404))
    with pytest.raises(NetworkError):
        fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client_for(services)))
    services = Services()
    services.fail("/collections/wijken/items", *[(502, {}, b"Bad Gateway")] * 4)
    with pytest.raises(NetworkError, match="de server antwoordde 502 .Bad Gateway., 4 pogingen"):
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client_for(services)))
    assert no_files(tmp_path) == []  # no data, no metadata, no temporary files


def test_the_real_transport_returns_http_errors_and_raises_connection_errors(monkeypatch):
    import io

    def http_error(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {"Content-Type": "application/json"},
                                     io.BytesIO(b'{"detail": "collection not found"}'))

    monkeypatch.setattr(fetch.client.urllib.request, "urlopen", http_error)
    status, headers, body = fetch.UrllibTransport()("https://api.pdok.nl/x")
    assert (status, json.loads(body)) == (404, {"detail": "collection not found"})

    def offline(request, timeout):
        raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(fetch.client.urllib.request, "urlopen", offline)
    client = fetch.Client(sleep=lambda s: None)  # the real transport, with urlopen replaced
    with pytest.raises(NetworkError, match=r"^https://api.pdok.nl/x: geen verbinding met api.pdok.nl \("):
        client.get("https://api.pdok.nl/x")


def test_the_real_transport_reports_bytes_of_large_downloads(monkeypatch):
    import io

    class Answer(io.BytesIO):
        status = 200
        headers = {"Content-Length": str(3 * 1024 * 1024 + 5), "Content-Type": "application/geopackage+sqlite3"}

    monkeypatch.setattr(fetch.client.urllib.request, "urlopen", lambda request, timeout: Answer(b"x" * (3 * 1024 * 1024 + 5)))
    monkeypatch.setattr(fetch.client.UrllibTransport, "REPORT_BYTES", 1024 * 1024)
    messages = []
    progress = Reporter()
    progress.say = messages.append
    status, headers, body = fetch.UrllibTransport(progress=progress)("https://service.pdok.nl/x.gpkg")
    assert status == 200 and len(body) == 3 * 1024 * 1024 + 5
    assert messages == [f"service.pdok.nl: {n},0 MB van 3,0 MB binnen" for n in (1, 2, 3)]


def test_the_socket_guard_stays():
    with pytest.raises(AssertionError, match="network"):
        socket.socket().connect(("192.0.2.1", 443))  # a documentation address: no name lookup


# --- the cache -------------------------------------------------------------------------------------

def test_cache_is_reused_offline_and_refreshed(tmp_path):
    services = Services()
    client = client_for(services)
    first = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client))
    n = len(services.urls)

    def offline(url):
        raise urllib.error.URLError("no network")

    again = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, fetch.Client(transport=offline, sleep=lambda s: None)))
    assert again.from_cache and again.path == first.path and again.metadata == first.metadata
    fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client, refresh=True))
    assert len(services.urls) == 2 * n
    assert no_files(tmp_path) == ["kwb_2024_GM0556.csv", "kwb_2024_GM0556.csv.json"]


def test_default_cache_is_the_users_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALE_KAART_CACHE", str(tmp_path / "cache"))
    got = fetch.fetch_kwb(["GM0556"], 2024, options=fetch.FetchOptions(client=client_for(Services())))
    assert got.path == tmp_path / "cache" / "kwb_2024_GM0556.csv"


def test_bad_arguments():
    with pytest.raises(InputError, match="gemeentecodes zoals GM0556, niet MAASSLUIS"):
        fetch.fetch_boundaries(["Maassluis"], 2024, options=fetch.FetchOptions(client=client_for(Services())))
    with pytest.raises(InputError, match="geen tabel Kerncijfers wijken en buurten 2010 in de CBS-catalogus; "
                                         "kies een jaar van 2013 tot en met 2026"):
        fetch.fetch_kwb(["GM0556"], 2010, options=fetch.FetchOptions(client=client_for(Services())))
    with pytest.raises(InputError, match="onbekende soort misdrijf 'diefstal'"):
        fetch.fetch_crime(["GM0556"], 2023, types=["diefstal"], options=fetch.FetchOptions(client=client_for(Services())))

# --- acceptance: fetch, then maak uses what it fetched ------------------------------------------------

@pytest.mark.parametrize(("code", "year", "slug", "buurten"), [
    ("GM0556", 2024, "maassluis", "pdok_2024_buurten_GM0556.json"),
    ("GM0606", 2016, "schiedam", None),
    ("GM0363", 2019, "amsterdam", "pdok_historisch_buurten_2019_GM0363.json"),
])
def test_fetch_then_maak(code, year, slug, buurten, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    services = Services()
    monkeypatch.setattr(fetch.client, "UrllibTransport", lambda **kwargs: services)
    monkeypatch.setenv("SOCIALE_KAART_CACHE", str(tmp_path / "cache"))
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--gemeente", code]).exit_code == 0
    done = runner.invoke(cli, ["fetch", "--gemeente", code, "--jaar", str(year), "--stil"])
    assert done.exit_code == 0, done.output
    assert "sociale-kaart.toml bijgewerkt: [bronnen] grenzen, kwb, kwb_gemeenten" in done.output
    settings = __import__("tomllib").loads((tmp_path / "project" / "sociale-kaart.toml").read_text(encoding="utf-8"))
    cache = tmp_path / "cache"
    assert settings["bronnen"]["grenzen"] == str(cache / f"wijkenbuurten_{year}_{code}.gpkg")
    assert settings["bronnen"]["kwb"] == str(cache / f"kwb_{year}_{code}.csv")
    # The catalogue, the gemeente rows of the year (names and reference), the map, the buurten's figures.
    assert same_urls(services.urls, [CATALOG] + kwb_urls(year, None) + grenzen_urls(year, code) + kwb_urls(year, code))
    made = runner.invoke(cli, ["maak", "--product", "tabellen", "--stil"])
    assert made.exit_code == 0, made.output
    with open(tmp_path / "project" / "maps" / f"{slug}_buurten.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    if buurten:
        expected = set(recorded_buurten(buurten))
    else:
        source = recorded("wijkenbuurten_2016_GM0556_GM0606.geojson.json")["layers"]["buurten"]["features"]
        expected = {f["properties"]["buurtcode"] for f in source if f["properties"]["gemeentecode"] == code}
    assert {r["buurtcode"] for r in rows} == expected
    name = f"cbs_v3_{fetch.KWB_TABLES[year]}_TypedDataSet_{code}.json"
    served = {r["WijkenEnBuurten"].strip(): r["AantalInwoners_5"] for r in recorded(name)["value"]}
    compared = [(r["inwoners"], str(served[r["buurtcode"]])) for r in rows if served.get(r["buurtcode"]) is not None]
    assert len(compared) >= len(expected) - 2 and all(a == b for a, b in compared)


def test_fetch_with_another_figures_year_writes_grenzen_cijferjaar(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    services = Services()
    monkeypatch.setattr(fetch.client, "UrllibTransport", lambda **kwargs: services)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    runner.invoke(cli, ["init", "--gemeente", "GM0556"])
    done = runner.invoke(cli, ["fetch", "--gemeente", "GM0556", "--jaar", "2024", "--cijferjaar", "2023",
                               "--cache", str(tmp_path / "c"), "--ook", "misdrijven", "--ook", "leefbaarometer"])
    assert done.exit_code == 0, done.output
    settings = __import__("tomllib").loads((tmp_path / "sociale-kaart.toml").read_text(encoding="utf-8"))
    assert settings["bronnen"] == {"grenzen": "c/wijkenbuurten_2024_GM0556.gpkg", "kwb": "c/kwb_2023_GM0556.csv",
                                   "registraties": [], "grenzen_cijferjaar": "c/wijkenbuurten_2023_GM0556.gpkg",
                                   "kwb_gemeenten": "c/kwb_2023_gemeenten.csv",
                                   "misdrijven": "c/misdrijven_2023_GM0556.csv",
                                   "leefbaarometer": "c/leefbaarometer_buurtscore24_GM0556.csv"}
    assert re.search(rf"^misdrijven 2023: +{re.escape(str(tmp_path / 'c' / 'misdrijven_2023_GM0556.csv'))}$", done.output, re.M)
    assert "Leefbaarometer buurtscore24:" in done.output
    assert (tmp_path / "c" / "leefbaarometer_buurtscore24_GM0556.csv").exists()


def test_fetch_errors_are_one_fout_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    def offline(url):
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(fetch.client, "UrllibTransport", lambda **kwargs: offline)
    monkeypatch.setattr(fetch.client.time, "sleep", lambda s: None)
    result = CliRunner().invoke(cli, ["fetch", "--gemeente", "GM0556", "--cache", str(tmp_path), "--stil"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("fout:")]
    # The catalogue falls back to the known table ids; the gemeente rows are the first thing that must come.
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("fout: https://opendata.cbs.nl/ODataFeed/odata/86358NED/TableInfos?$format=json: "
                               "geen verbinding met opendata.cbs.nl")


# --- 2026 and years this code does not know -----------------------------------------------------------

def map_2026(shared: Path) -> dict[str, list[dict]]:
    """The 2026 service's collections, built from the real 2024 map of Maassluis and Vlaardingen (constructed:
    the 2026 geometry is not in the shared folder); gemeenten with gm_code, gm_naam and jaar as published."""
    import geopandas as gpd

    buurten = gpd.read_file(shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg", layer="buurten",
                            where="gemeentecode IN ('GM0556', 'GM0622')")
    buurten["jaar"] = 2026
    gemeenten = buurten.dissolve(by="gemeentecode", as_index=False)[["gemeentecode", "gemeentenaam", "geometry"]]
    gemeenten = gemeenten.rename(columns={"gemeentecode": "gm_code", "gemeentenaam": "gm_naam"}).assign(jaar=2026)
    out = {}
    for name, frame in (("buurten", buurten), ("gemeenten", gemeenten)):
        features = json.loads(frame.to_json(drop_id=True))["features"]
        out[name] = [{**f, "id": str(i)} for i, f in enumerate(features, 1)]
    return out


def kwb_2026_served() -> dict[str, dict]:
    return {r["WijkenEnBuurten"].strip(): r for r in recorded("cbs_v3_86358NED_TypedDataSet_GM0556.json")["value"]}


def test_fetch_2026_by_name_then_maak_makes_every_product(shared, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    services = Services(map_2026=map_2026(shared))
    monkeypatch.setattr(fetch.client, "UrllibTransport", lambda **kwargs: services)
    monkeypatch.setenv("SOCIALE_KAART_CACHE", str(tmp_path / "cache"))
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    runner = CliRunner()
    made = runner.invoke(cli, ["init", "--gemeente", "Maassluis"])
    assert made.exit_code == 0, made.output
    assert 'grenzen = "geodata/wijkenbuurten_2026.gpkg"' in (tmp_path / "project" / "sociale-kaart.toml").read_text()
    done = runner.invoke(cli, ["fetch", "--gemeente", "Maassluis"])  # no --jaar: the newest in the catalogue
    assert done.exit_code == 0, done.output
    cache = tmp_path / "cache"
    base = "https://api.pdok.nl/cbs/wijken-en-buurten-2026/ogc/v1"
    assert same_urls(services.urls, [CATALOG] + kwb_urls(2026, None) + grenzen_urls(2026) + kwb_urls(2026))
    assert f"{base}/collections/buurten/items?f=json&crs={RD_QUOTED}&limit=1000&gemeentecode=GM0556" in services.urls
    assert "jaar: 2026, het nieuwste jaar met kerncijfers (CBS-catalogus)" in done.output
    assert f"grenzen 2026: {base}, collectie buurten" in done.output
    # The map: the buurten of Maassluis as served, no wijken collection in 2026.
    served_map = [f["properties"] for f in services.map_2026["buurten"] if f["properties"]["gemeentecode"] == "GM0556"]
    grenzen = cache / "wijkenbuurten_2026_GM0556.gpkg"
    assert [n for n, _ in pyogrio.list_layers(grenzen)] == ["buurten"]
    assert sorted(pyogrio.read_dataframe(grenzen, layer="buurten")["buurtcode"]) == sorted(p["buurtcode"] for p in served_map)
    # KWB 2026: 86358NED with the new age columns; buurt, wijk, gemeente and NL rows kept as published.
    with open(cache / "kwb_2026_GM0556.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    served = kwb_2026_served()
    assert {"k_65JaarTot80Jaar_12", "k_80JaarOfOuder_13"} <= set(rows[0])
    assert {r["WijkenEnBuurten"].strip() for r in rows} == set(served)
    assert any(c.startswith("WK0556") for c in served) and "GM0556" in served
    with open(cache / "kwb_2026_gemeenten.csv", encoding="utf-8") as handle:
        gemeenten = {r["WijkenEnBuurten"].strip() for r in csv.DictReader(handle, delimiter=";")}
    assert gemeenten == {r["WijkenEnBuurten"].strip() for r in recorded("cbs_v3_86358NED_TypedDataSet_gemeenten.json")["value"]}
    settings = __import__("tomllib").loads((tmp_path / "project" / "sociale-kaart.toml").read_text(encoding="utf-8"))
    assert settings["bronnen"]["kwb"] == str(cache / "kwb_2026_GM0556.csv")
    assert settings["bronnen"]["kwb_gemeenten"] == str(cache / "kwb_2026_gemeenten.csv")
    assert settings["gebied"]["gemeenten"] == ["Maassluis"]

    made = runner.invoke(cli, ["maak", "--stil"])
    assert made.exit_code == 0, made.output
    from sociale_kaart.products import PRODUCTS

    out = tmp_path / "project" / "maps"
    assert (out / "index.html").exists() and len(list(out.rglob("*.pdf"))) >= 2, sorted(p.name for p in out.iterdir())
    assert len(PRODUCTS) >= 8
    # 80+ is an indicator: its share per buurt is 100 * k_80JaarOfOuder / AantalInwoners of the served rows.
    with open(out / "maassluis_buurten.csv", encoding="utf-8-sig") as handle:
        table = list(csv.DictReader(handle, delimiter=";"))
    assert "pct_80plus" in table[0], list(table[0])
    checked = 0
    for row in table:
        raw = served[row["buurtcode"]]
        if row["pct_80plus"] and raw["k_80JaarOfOuder_13"] is not None:
            expected = 100 * raw["k_80JaarOfOuder_13"] / raw["AantalInwoners_5"]
            assert abs(float(row["pct_80plus"].replace(",", ".")) - expected) < 0.06, (row["buurtcode"], row["pct_80plus"], expected)
            checked += 1
    assert checked >= 15


def test_a_year_the_code_does_not_know_comes_from_the_catalogue(tmp_path):
    """A '2027' entry in the catalogue: fetch --jaar 2027 uses its table id, no code change."""
    services = Services()
    entry = dict(next(e for e in services.catalog if e["Identifier"] == "86358NED"))
    entry.update(Identifier="86999NED", Title="Kerncijfers wijken en buurten 2027", Period="2027",
                 Modified="2027-11-30T02:00:00")
    services.catalog.append(entry)
    assert 2027 not in fetch.KWB_TABLES
    services.kwb_rows["86999NED"] = Services().table_rows("86358NED", "WijkenEnBuurten")
    original = services.data_properties
    services.data_properties = lambda table: original("86358NED" if table == "86999NED" else table)
    client = client_for(services)
    tables = fetch.kwb_tables(at(tmp_path, client))
    assert (tables.newest, tables.table(2027), tables.table(2024), tables.source) == (2027, "86999NED", "85984NED", "CBS-catalogus")
    got = fetch.fetch_kwb(["GM0556"], 2027, options=at(tmp_path, client))
    assert got.metadata["tabel"] == "86999NED" and "/86999NED/TypedDataSet?" in client.asked[-1]
    assert len(read_kwb(got.path).buurten) == 19
    # Through the command: the 2027 map is probed by name (no OGC API service in this fake: the ATOM feed of 2027).
    import unittest.mock as mock

    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    with mock.patch.object(fetch.client, "UrllibTransport", lambda **kwargs: services):
        result = CliRunner().invoke(cli, ["fetch", "--gemeente", "GM0556", "--jaar", "2027", "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "https://api.pdok.nl/cbs/wijken-en-buurten-2027/ogc/v1/collections?f=json" in services.urls
    assert "https://service.pdok.nl/cbs/wijkenbuurten/2027/atom/downloads/wijkenbuurten_2027_v3.gpkg" in services.urls
    assert json.loads(fetch.metadata_path(tmp_path / "c" / "kwb_2027_GM0556.csv").read_text())["tabel"] == "86999NED"


def test_the_catalogue_is_cached_and_unknown_years_refused(tmp_path):
    services = Services()
    client = client_for(services)
    first = fetch.kwb_tables(at(tmp_path, client))
    expected = {int(e["Title"].rsplit(" ", 1)[1]): e["Identifier"] for e in recorded("cbs_catalog_tables.json")["value"]
                if re.fullmatch(r"Kerncijfers wijken en buurten \d{4}", e["Title"])}
    assert first.tables == expected and 2009 not in first.tables  # 2009-2012 (70904NED) is not one year
    again = fetch.kwb_tables(at(tmp_path, client))
    assert again.source == "cache" and again.tables == expected and services.urls == [CATALOG]
    with pytest.raises(InputError, match="geen tabel Kerncijfers wijken en buurten 2031 in de CBS-catalogus; kies een jaar "
                                         "van 2013 tot en met 2026"):
        again.table(2031)


def test_an_empty_catalogue_answer_is_checked_and_the_known_ids_are_used(tmp_path):
    services = Services()
    services.fail("substringof", answer({"odata.metadata": "x", "value": []}))  # e.g. the filter not understood
    messages = []
    progress = Reporter(quiet=False)
    progress.say = messages.append
    tables = fetch.kwb_tables(at(tmp_path, client_for(services, progress=progress), progress=progress))
    assert services.urls[-1] == "https://opendata.cbs.nl/ODataCatalog/Tables?$format=json&$top=1"
    assert tables.source == "ingebouwd" and tables.tables == fetch.KWB_TABLES
    assert any("terwijl https://opendata.cbs.nl/ODataCatalog/Tables?$format=json&$top=1 wel tabellen geeft: het filter "
               "klopt niet" in m for m in messages), messages
    assert not (tmp_path / "cbs_catalogus_kwb.json").exists()


def test_the_2026_atom_download_moved(shared, tmp_path):
    """Without the OGC API of 2026, the GeoPackage from the feed where the 2026 download moved to."""
    import geopandas as gpd

    services = Services(map_2026=map_2026(shared))
    gpkg = tmp_path / "src" / "WijkBuurtkaart_2026_v0.gpkg"
    gpkg.parent.mkdir()
    for layer in ("buurten", "gemeenten"):
        gpd.GeoDataFrame.from_features(services.map_2026[layer], crs="EPSG:28992").to_file(gpkg, layer=layer)
    services.gpkg_2026 = gpkg.read_bytes()
    services.fail("wijken-en-buurten-2026/ogc/v1/collections?", problem(404, "Not Found"))
    client = client_for(services)
    got = fetch.fetch_boundaries(["GM0556"], 2026, options=at(tmp_path / "c", client))
    assert got.metadata["url"] == "https://service.pdok.nl/cbs/wijken-en-buurten-2026/atom/downloads/WijkBuurtkaart_2026_v0.gpkg"
    assert client.asked[2] == "https://service.pdok.nl/cbs/wijken-en-buurten-2026/atom/index.xml"  # tried first from 2026
    expected = {f["properties"]["buurtcode"] for f in services.map_2026["buurten"] if f["properties"]["gemeentecode"] == "GM0556"}
    assert set(read_boundaries(got.path, ["GM0556"]).frame["buurtcode"]) == expected


# --- police: the buurtindeling of the table, and overlast (47024NED) ---------------------------------------

def test_crime_records_the_buurtindeling_of_the_table(tmp_path):
    got = fetch.fetch_crime(["GM0556"], 2023, options=at(tmp_path, client_for(Services())))
    latest = max(int(p["Key"][:4]) for p in recorded("politie_47018NED_Perioden.json")["value"])
    assert got.metadata["indeling"] == latest == fetch.saved_indeling(got.path)
    assert f"buurtindeling van 1 januari {latest}" in got.metadata["indeling_uitleg"]


def test_overlast_per_buurt_summed_over_the_months(tmp_path):
    services = Services()
    client = client_for(services)
    got = fetch.fetch_overlast(["GM0556"], 2024, options=at(tmp_path, client))
    assert client.asked[:3] == ["https://dataderden.cbs.nl/ODataFeed/OData/47024NED/Perioden?$format=json",
                                "https://dataderden.cbs.nl/ODataFeed/OData/47024NED/DataProperties?$format=json",
                                "https://dataderden.cbs.nl/ODataFeed/OData/47024NED/Overlast?$format=json"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(client.asked[-1]).query))
    assert query["$select"] == "WijkenEnBuurten,Overlast,Perioden,GeregistreerdeOverlast_1"
    assert query["$filter"].endswith("and (Overlast eq 'A00   ')") and query["$filter"].count("Perioden eq '2024MM") == 12
    # Expected by hand from the served rows: the total code's twelve months of 2024, no sum around a gap.
    sums: dict[str, list] = {}
    for r in recorded("politie_47024NED_TypedDataSet.json")["value"]:
        if r["Overlast"] == "A00   " and r["Perioden"].startswith("2024MM"):
            sums.setdefault(r["WijkenEnBuurten"], []).append(r["GeregistreerdeOverlast_1"])
    expected = {c: ("" if None in v else str(sum(v))) for c, v in sums.items()}
    assert "" in expected.values() and all(len(v) == 12 for v in sums.values())
    with open(got.path, encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        assert reader.fieldnames == ["buurtcode", "overlast_totaal"]
        assert {r["buurtcode"]: r["overlast_totaal"] for r in reader} == expected
    assert (got.metadata["tabel"], got.metadata["indeling"], len(got.metadata["perioden"])) == ("47024NED", 2025, 12)
    table = read_buurt_table(got.path)  # the reader of tables per buurtcode takes it as it takes crime
    assert len(table) == len(expected)
    with pytest.raises(NetworkError, match=r"2025 staat \(nog\) niet volledig in tabel 47024NED \(maar 10 van de 12 maanden\)"):
        fetch.fetch_overlast(["GM0556"], 2025, options=at(tmp_path, client))


def test_fetch_ook_overlast_lists_the_file_and_the_indeling(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    services = Services()
    monkeypatch.setattr(fetch.client, "UrllibTransport", lambda **kwargs: services)
    done = CliRunner().invoke(cli, ["fetch", "--gemeente", "maassluis", "--jaar", "2024", "--ook", "overlast",
                                    "--ook", "misdrijven", "--cache", str(tmp_path), "--stil"])
    assert done.exit_code == 1 and "2024 staat (nog) niet volledig in tabel 47018NED" in done.output  # crime to 2023 here
    done = CliRunner().invoke(cli, ["fetch", "--gemeente", "maassluis", "--jaar", "2024", "--ook", "overlast",
                                    "--cache", str(tmp_path), "--stil"])
    assert done.exit_code == 0, done.output
    assert re.search(rf"^overlast 2024: +{re.escape(str(tmp_path / 'overlast_2024_GM0556.csv'))}(  \(uit de cache\))?$", done.output, re.M)
    assert "overlast 2024: op de buurtindeling van 1 januari 2025" in done.output


# --- historisch: a collection per level with a year field; empty answers checked ---------------------------

def test_historisch_one_collection_per_level_with_a_year_field(tmp_path):
    services = Services()
    template = services.historisch["collections"][0]
    services.historisch["collections"] = [{**template, "id": c, "title": c.capitalize()} for c in ("buurten", "wijken", "gemeenten")]
    doc = fresh("pdok_2024_queryables_buurten.json")
    doc["properties"]["jaarcode"] = {"type": "integer"}
    original = services.features

    def with_years(service, collection):  # the 2019 stand-ins and a copy of them for 2018
        level = f"{collection}_2019" if service == "historisch" and "_" not in collection else collection
        rows = [f for f in original(service, level) if f["properties"].get("gemeentecode") == "GM0363"]
        for f in rows:
            f["properties"]["jaarcode"] = 2019
        older = json.loads(json.dumps(rows))
        for f in older:
            f["properties"]["jaarcode"] = 2018
        return rows + older

    services.features = with_years
    for collection in ("buurten", "wijken"):
        services.fail(f"/collections/{collection}/queryables", *[answer(doc)] * 2)
    messages = []
    progress = Reporter(quiet=False)
    progress.say = messages.append
    client = client_for(services, progress=progress)
    pdok_pages = []
    real_pdok = services.pdok

    def filtered_by_year(parts, query):
        pdok_pages.append(dict(query))
        if "jaarcode" in query:
            data = real_pdok(parts, {k: v for k, v in query.items() if k != "jaarcode"})
            page = json.loads(data[2])
            if "features" in page:
                page["features"] = [f for f in page["features"] if str(f["properties"]["jaarcode"]) == query["jaarcode"]]
            return data[0], data[1], json.dumps(page).encode()
        return real_pdok(parts, query)

    services.pdok = filtered_by_year
    got = fetch.fetch_boundaries(["GM0363"], 2019, options=at(tmp_path, client, progress=progress))
    assert got.metadata["collecties"] == {"buurten": "buurten (jaarcode = 2019)", "wijken": "wijken (jaarcode = 2019)"}
    assert "PDOK historisch: collectie buurten (jaarcode = 2019), wijken (jaarcode = 2019)" in messages
    items = [q for q in pdok_pages if "limit" in q and q.get("limit") == "1000"]
    assert items and all(q["jaarcode"] == "2019" for q in items)
    frame = read_boundaries(got.path, ["GM0363"]).frame
    assert sorted(frame["buurtcode"]) == sorted(recorded_buurten("pdok_historisch_buurten_2019_GM0363.json"))


def test_an_empty_kwb_answer_is_checked_against_the_unfiltered_table(tmp_path):
    services = Services()
    services.kwb_rows["85984NED"] = [{**r, "WijkenEnBuurten": r["WijkenEnBuurten"].strip()}  # keys without padding
                                     for r in Services().table_rows("85984NED", "WijkenEnBuurten")]
    services.fail("85984NED/TypedDataSet?$format=json&$select=WijkenEnBuurten,G", *[answer({"odata.metadata": "x", "value": []})] * 2)
    messages = []
    progress = Reporter(quiet=False)
    progress.say = messages.append
    got = fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path, client_for(services, progress=progress), progress=progress))
    assert got.metadata["bron"] == "CBS OData v4 (Observations)"  # v3's filter is wrong: v4 has the rows
    assert any(m.startswith("CBS OData v3 gaf een fout; nu OData v4") and "het filter klopt niet" in m for m in messages)
    services.fail("datasets.cbs.nl", answer({"error": {"message": "down"}}, 404))
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_kwb(["GM0556"], 2024, options=at(tmp_path / "b", client_for(services)))
    text = one_line(caught)
    assert fetch.failure_kind(caught.value) is None  # not "the gemeente does not exist": the filter is wrong
    assert text.startswith("https://opendata.cbs.nl/ODataFeed/odata/85984NED/TypedDataSet?$format=json&$select=")
    assert ("geen rijen, maar de tabel heeft er wel (https://opendata.cbs.nl/ODataFeed/odata/85984NED/TypedDataSet?"
            "$format=json&$top=1&$select=WijkenEnBuurten: WijkenEnBuurten = 'GM0556', 6 tekens breed; het filter rekent "
            "met 10): het filter klopt niet") in text
    # With padded keys the empty answer is believed: that gemeente has no rows in the table.
    with pytest.raises(NetworkError, match="CBS gaf geen rijen voor GM9999 in tabel 85984NED") as caught:
        fetch.fetch_kwb(["GM9999"], 2024, options=at(tmp_path, client_for(Services())))
    assert fetch.failure_kind(caught.value) == fetch.EMPTY


def test_a_reissued_table_wins_over_the_stopped_one():
    rows = [{"Identifier": "84583NED", "Title": "Kerncijfers wijken en buurten 2019", "Modified": "2020-06-30T02:00:00",
             "OutputStatus": "Gestopt", "Language": "nl"},
            {"Identifier": "86999NED", "Title": "Kerncijfers wijken en buurten 2019", "Modified": "2019-01-01T02:00:00",
             "OutputStatus": "Regulier", "Language": "nl"},
            {"Identifier": "85984NED", "Title": "Kerncijfers wijken en buurten 2024", "Modified": "2025-03-28T02:00:00",
             "OutputStatus": "Regulier", "Language": "nl"},
            {"Identifier": "85985NED", "Title": "Kerncijfers wijken en buurten 2024", "Modified": "2025-09-01T02:00:00",
             "OutputStatus": "Regulier", "Language": "nl"},
            {"Identifier": "85984ENG", "Title": "Kerncijfers wijken en buurten 2030", "Language": "en"},
            {"Identifier": "70904NED", "Title": "Kerncijfers wijken en buurten 2009-2012", "Language": "nl"}]
    assert {y: e["tabel"] for y, e in fetch.kwb_catalog_entries(rows).items()} == {2019: "86999NED", 2024: "85985NED"}


def test_an_empty_pdok_answer_is_checked_against_one_unfiltered_feature(tmp_path):
    services = Services(queryables={2024: "geen"})  # no queryables: gemeentecode is tried
    original = services.features

    def renamed(service, collection):  # a map whose features name the gemeente gm_code
        rows = original(service, collection)
        for f in rows:
            f["properties"]["gm_code"] = f["properties"].pop("gemeentecode")
        return rows

    services.features = renamed
    client = client_for(services)
    with pytest.raises(NetworkError) as caught:
        fetch.fetch_boundaries(["GM0556"], 2024, options=at(tmp_path, client))
    text = one_line(caught)
    assert fetch.failure_kind(caught.value) is None  # not "that gemeente does not exist"
    assert text.startswith("https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?f=json&crs=")
    assert ("geen objecten, maar de collectie heeft er wel (https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/"
            "collections/buurten/items?f=json&limit=1), zonder eigenschap gemeentecode") in text and "gm_code" in text
    assert no_files(tmp_path) == []
    # With the property present, an empty answer stands: that gemeente has no buurten that year.
    with pytest.raises(NetworkError, match="geen buurten voor GM9999 in 2024") as caught:
        fetch.fetch_boundaries(["GM9999"], 2024, options=at(tmp_path, client_for(Services())))
    assert fetch.failure_kind(caught.value) == fetch.EMPTY
