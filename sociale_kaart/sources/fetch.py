"""Downloading open data into the user's cache: boundaries (PDOK), KWB figures (CBS), police-registered
crime (Politie, served by CBS) and Leefbaarometer scores.

This is the only module that uses the network, and only when the user runs ``sociale-kaart fetch``.
Nothing is sent but the request for public data: no registrations, no identifiers.

Sources (the URL patterns are in ``docs/cbs_pdok_services.md`` of the shared folder):

* **Boundaries** (Wijk- en Buurtkaart), every year from 2013 on:
  2023-2025 from the per-year PDOK OGC API (``api.pdok.nl/cbs/wijken-en-buurten-<jaar>/ogc/v1``),
  items in RD New with ``limit=1000``, following the ``next`` link; older years from the
  ``wijken-en-buurten-historisch`` service after reading its ``/collections``, and when that lists no
  collection for the year, the whole GeoPackage named in the PDOK ATOM feed of the year (the feed is
  read, the versioned file name never guessed). The gemeente filter is sent only where the
  collection's queryables list it (or, without queryables, until the server says it does not know
  it); otherwise the gemeenten are kept after download. Result: a GeoPackage with layers
  ``buurten`` and ``wijken`` and the map's own attributes, which :func:`read_boundaries` reads.
* **KWB** figures (Kerncijfers Wijken en Buurten): the CBS OData v3 feed (``ODataFeed``,
  ``$format=json``, ``$select`` of the columns the toolkit knows, ``$filter`` on padded codes,
  pages via ``odata.nextLink``/``$skip``); when v3 answers with an error, the OData v4
  ``Observations`` of the same table. Result: a ``;`` CSV that :func:`read_kwb` reads (OData names
  from v3; StatLine label paths from v4).
* **Police-registered crime** per buurt (Politie table 47018NED) and **Leefbaarometer 3.0** buurt
  scores (WFS ``lbm3:buurtscore24``): ``;`` CSV tables keyed on ``buurtcode``.

Every download is stored with a small JSON beside it (``<file>.json``: URLs, table id and version,
year, date fetched, rows) and reused offline until ``refresh``. Every failure is a
:class:`~sociale_kaart.errors.NetworkError` of one Dutch line with the URL and the server's status or
message; transient failures are retried with backoff first; files are written whole or not at all.
The network itself is a *transport*, a function from a URL to ``(status, headers, body)``, so that
tests replace it.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..atomic import atomic_path, write_bytes, write_text
from ..errors import InputError, NetworkError
from ..progress import SILENT, Progress
from ..texts import nl_number
from .cache import user_cache_dir
from .codes import GEMEENTECODE

# --- the services ------------------------------------------------------------------------------

#: CBS table ids of the Kerncijfers Wijken en Buurten per year, as known when this was written: the
#: offline fallback. The CBS catalogue (:func:`kwb_tables`) is read first and wins, so that a new year
#: or a re-issued table needs no code change.
KWB_TABLES = {
    2013: "82339NED", 2014: "82931NED", 2015: "83220NED", 2016: "83487NED", 2017: "83765NED",
    2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED", 2022: "85318NED",
    2023: "85618NED", 2024: "85984NED", 2025: "86165NED", 2026: "86358NED",
}
#: The region dimension of a KWB table, where it is not ``WijkenEnBuurten``.
KWB_REGION = {2013: "RegioS"}
#: The first year with a KWB table per buurt in one table (2009-2012 are combined in 70904NED).
FIRST_YEAR = 2013

#: The CBS OData v3 catalogue of tables (``Identifier``, ``Title``, ``Modified``, ...).
CBS_CATALOG = "https://opendata.cbs.nl/ODataCatalog/Tables"
#: What the catalogue's KWB entries are called: "Kerncijfers wijken en buurten 2024".
KWB_TITLE = "Kerncijfers wijken en buurten"
_KWB_TITLE_YEAR = re.compile(r"^\s*kerncijfers wijken en buurten,?\s+(\d{4})\s*$", re.IGNORECASE)
#: How long a read catalogue is reused before it is asked again (``--vernieuw`` asks at once).
CATALOG_DAYS = 7

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

CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/{table}"
CBS_V4 = "https://datasets.cbs.nl/odata/v1/CBS/{table}"
#: Rows per page of the OData feed; a page this full without a next link may have been cut off.
ODATA_PAGE = 10_000
#: The width CBS pads region keys to (``'GM0556    '``); ``eq`` filters are written with it.
KEY_WIDTH = 10

POLITIE_TABLE = "47018NED"
POLITIE_FEED = "https://dataderden.cbs.nl/ODataFeed/OData/{table}"
#: Registered *overlast* per buurt (Politie), the same dimensions as 47018NED with ``Overlast``.
OVERLAST_TABLE = "47024NED"
#: Code of all crime types together (``SoortMisdrijf`` is padded to 6 characters).
CRIME_TOTAL = "0.0.0"

LEEFBAAROMETER_WFS = "https://geo.leefbaarometer.nl/lbm3/ows"
LEEFBAAROMETER_LAYER = "lbm3:buurtscore24"
LEEFBAAROMETER_PAGE = 1000
#: The property of a Leefbaarometer feature that holds the buurtcode (there is no ``bu_code``).
LEEFBAAROMETER_CODE = "id"

TIMEOUT_S = 60
#: HTTP statuses worth another try.
TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
_OFFLINE_HINT = ("Zonder netwerk: geef eigen bestanden op met --grenzen en --kwb, of gebruik 'sociale-kaart demo'")
_CAP = re.compile(r"(?<![\d.,])10[ .,]?000(?![\d.,]?\d)")

#: The transport: GET a URL, return (HTTP status, headers, body). HTTP errors are returned as a status;
#: a failure to connect or a timeout is raised (OSError, TimeoutError or urllib.error.URLError).
Transport = Callable[[str], "tuple[int, Mapping[str, str], bytes]"]


# --- results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fetched:
    """One file in the cache and what is known about it.

    Attributes
    ----------
    path : Path
        The file (GeoPackage or ``;`` CSV).
    metadata : dict
        The JSON beside it: ``bron``, ``url``, ``urls``, ``tabel``, ``versie``, ``jaar``,
        ``gemeenten``, ``opgehaald`` (ISO date-time, UTC), ``rijen``.
    from_cache : bool
        Reused from the cache without a request.
    label : str
        What it is, in Dutch (``grenzen 2024``), for messages.
    """

    path: Path
    metadata: dict
    from_cache: bool = False
    label: str = ""

    @property
    def rows(self) -> int | None:
        """Rows (or buurten) in the file."""
        return self.metadata.get("rijen")


@dataclass(frozen=True)
class FetchRun:
    """Everything one ``sociale-kaart fetch`` brought into the cache."""

    grenzen: Fetched
    kwb: Fetched
    grenzen_cijferjaar: Fetched | None = None  #: the map of the figures' year, when that differs
    extra: tuple[Fetched, ...] = ()  #: gemeente rows of all gemeenten, crime, overlast, Leefbaarometer
    year: int | None = None  #: the year of the map
    codes: tuple[str, ...] = ()  #: the gemeentecodes, names resolved

    @property
    def project_entries(self) -> dict[str, Path]:
        """The ``[bronnen]`` keys of the project file and the paths to put there.

        Overlast has no key of its own yet: its file is listed, not written into the project.
        """
        entries = {"grenzen": self.grenzen.path, "kwb": self.kwb.path}
        if self.grenzen_cijferjaar is not None:
            entries["grenzen_cijferjaar"] = self.grenzen_cijferjaar.path
        for item in self.extra:
            name = item.path.name
            key = ("kwb_gemeenten" if name.startswith("kwb_") else "misdrijven" if name.startswith("misdrijven_")
                   else "leefbaarometer" if name.startswith("leefbaarometer_") else None)
            if key:
                entries[key] = item.path
        return entries

    @property
    def files(self) -> tuple[Fetched, ...]:
        main = (self.grenzen, self.kwb) + ((self.grenzen_cijferjaar,) if self.grenzen_cijferjaar else ())
        return main + self.extra


# --- transport and client ------------------------------------------------------------------------

def _user_agent() -> str:
    try:
        from importlib.metadata import version

        return f"sociale-kaart/{version('sociale-kaart')}"
    except Exception:  # not installed as a distribution
        return "sociale-kaart"


class UrllibTransport:
    """The real network (standard library), with a progress line per 10 MB of a large download.

    Examples
    --------
    >>> status, headers, body = UrllibTransport()("https://api.pdok.nl/")  # doctest: +SKIP
    """

    REPORT_BYTES = 10 * 1024 * 1024

    def __init__(self, *, timeout: float = TIMEOUT_S, progress: Progress = SILENT) -> None:
        self.timeout = timeout
        self.progress = progress

    def __call__(self, url: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(url, headers={
            "Accept": "application/json, application/geo+json;q=0.9, application/atom+xml;q=0.8, */*;q=0.5",
            "User-Agent": _user_agent(),
        })
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            with exc:
                body = exc.read()
            return exc.code, dict(exc.headers or {}), body
        with response:
            total = int(response.headers.get("Content-Length") or 0)
            chunks, done, report = [], 0, self.REPORT_BYTES
            while chunk := response.read(1024 * 1024):
                chunks.append(chunk)
                done += len(chunk)
                if done >= report:
                    of = f" van {_size(total)}" if total else ""
                    self.progress.say(f"{urllib.parse.urlsplit(url).netloc}: {_size(done)}{of} binnen")
                    report += self.REPORT_BYTES
            return response.status, dict(response.headers), b"".join(chunks)


@dataclass(frozen=True)
class Response:
    """An answer with status 2xx (or one the caller asked to see)."""

    url: str
    status: int
    headers: Mapping[str, str]  #: lower-case names
    body: bytes

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise NetworkError(f"{self.url}: onverwacht antwoord (geen JSON: {_snippet(self.body)})") from None


@dataclass
class Client:
    """GET with retries and backoff for transient failures; every failure a :class:`NetworkError`.

    Parameters
    ----------
    transport : callable, optional
        URL -> (status, headers, body); the real network (:class:`UrllibTransport`) by default.
    sleep : callable
        Waits between attempts (seconds); tests pass a recorder.
    progress : Progress
        Where retries and pages are reported.
    attempts : int
        Tries per URL for transient failures (no connection, timeout, HTTP 408/425/429/5xx).
    backoff_s : float
        First wait; doubled after every failed attempt (1, 2, 4 s), or the server's Retry-After.
    """

    transport: Transport | None = None
    sleep: Callable[[float], None] | None = None
    progress: Progress = SILENT
    attempts: int = 4
    backoff_s: float = 1.0
    max_wait_s: float = 60.0
    asked: list[str] = field(default_factory=list)  #: every URL requested, in order

    def __post_init__(self) -> None:
        if self.transport is None:
            self.transport = UrllibTransport(progress=self.progress)
        if self.sleep is None:
            self.sleep = time.sleep

    def get(self, url: str, *, accept: Iterable[int] = ()) -> Response:
        """The answer to GET `url`: status 2xx or one of `accept`, after retries."""
        accept = set(accept)
        host = urllib.parse.urlsplit(url).netloc
        problem, hint = "", ""
        for attempt in range(1, self.attempts + 1):
            self.asked.append(url)
            wait = None
            try:
                status, headers, body = self.transport(url)
            except (TimeoutError, socket.timeout):
                problem, hint = f"geen antwoord van {host} binnen {TIMEOUT_S} s", ""
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    problem, hint = f"geen antwoord van {host} binnen {TIMEOUT_S} s", ""
                else:
                    problem, hint = f"geen verbinding met {host} ({_one_line(str(exc.reason))})", _OFFLINE_HINT
            except OSError as exc:
                problem, hint = f"geen verbinding met {host} ({_one_line(str(exc))})", _OFFLINE_HINT
            except http.client.HTTPException as exc:  # a connection broken off mid-answer
                problem, hint = f"verbinding met {host} verbroken ({type(exc).__name__})", ""
            else:
                headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
                if 200 <= status < 300 or status in accept:
                    return Response(url, status, headers, body)
                message = _server_message(body)
                problem, hint = f"de server antwoordde {status}" + (f" ({message})" if message else ""), ""
                if _CAP.search(message):
                    raise failure(f"{url}: {problem}; de server geeft niet meer dan 10.000 rijen per keer. "
                                  "Haal minder gemeenten tegelijk op", CAPPED)
                if status not in TRANSIENT:
                    raise NetworkError(f"{url}: {problem}")
                wait = _retry_after(headers.get("retry-after"))
            if attempt == self.attempts:
                break
            delay = min(self.max_wait_s, wait if wait is not None else self.backoff_s * 2 ** (attempt - 1))
            self.progress.say(f"{host}: {problem}; opnieuw over {nl_number(delay, 0)} s "
                              f"(poging {attempt + 1} van {self.attempts})")
            self.sleep(delay)
        tries = f", {self.attempts} pogingen" if self.attempts > 1 else ""
        raise NetworkError(f"{url}: {problem}{tries}" + (f". {hint}" if hint else ""))

    def get_json(self, url: str, *, accept: Iterable[int] = ()):
        """The parsed JSON answer (see :meth:`get`)."""
        return self.get(url, accept=accept).json()


#: Kinds of :class:`NetworkError` (its ``kind``) that another service cannot mend: the server answered
#: with nothing for the request (an unknown gemeente for that year), or cut the answer off at 10,000.
EMPTY, CAPPED = "leeg", "afgekapt"


def failure(message: str, kind: str | None = None) -> NetworkError:
    """A :class:`NetworkError` with its kind (:data:`EMPTY`, :data:`CAPPED` or None) as attribute ``kind``."""
    error = NetworkError(message)
    error.kind = kind
    return error


def failure_kind(error: BaseException) -> str | None:
    """:data:`EMPTY`, :data:`CAPPED` or None (any other failure: no network, an HTTP error, a strange answer)."""
    return getattr(error, "kind", None)


# --- small helpers ------------------------------------------------------------------------------

def _one_line(text: str, limit: int = 240) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _snippet(body: bytes) -> str:
    text = body[:2000].decode("utf-8", errors="replace")
    text = re.sub(r"<[^>]+>", " ", text)
    return _one_line(text, 120) or "leeg antwoord"


def _server_message(body: bytes) -> str:
    """The message in an error answer: OData v3/v4 errors, RFC 7807 problems (PDOK), or the text."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _snippet(body) if body.strip() else ""
    if isinstance(data, dict):
        for key in ("odata.error", "error"):
            err = data.get(key)
            if isinstance(err, dict):
                msg = err.get("message")
                if isinstance(msg, dict):
                    msg = msg.get("value")
                if msg:
                    return _one_line(str(msg))
        for key in ("detail", "message", "title"):
            if data.get(key):
                return _one_line(str(data[key]))
    return _one_line(json.dumps(data, ensure_ascii=False), 120)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _size(n: int) -> str:
    return f"{nl_number(n / 1024 / 1024, 1)} MB" if n >= 1024 * 1024 else f"{nl_number(n / 1024, 0)} kB"


def _query(params: Iterable[tuple[str, object]]) -> str:
    """A readable query string: OData's ``$`` names, quotes, commas and parentheses stay as they are."""
    return "&".join(f"{k}={urllib.parse.quote(str(v), safe=chr(39) + '(),*:')}" for k, v in params)


def _values(data, url: str) -> list[dict]:
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        found = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise NetworkError(f"{url}: onverwacht antwoord (geen lijst 'value'; gevonden: {found or 'niets'})")
    return value


def check_codes(gemeenten: Iterable[str]) -> list[str]:
    """Gemeentecodes in upper case, in the order given, without doubles; names are refused.

    Examples
    --------
    >>> check_codes([" gm0556", "GM0606", "GM0556"])
    ['GM0556', 'GM0606']
    """
    codes = [str(g).strip().upper() for g in gemeenten]
    bad = [c for c in codes if not GEMEENTECODE.match(c)]
    if bad or not codes:
        raise InputError(
            f"fetch wil gemeentecodes zoals GM0556, niet {', '.join(bad) or 'niets'} "
            "(namen kent de server niet; zie 'sociale-kaart gemeenten')"
        )
    return list(dict.fromkeys(codes))


# --- which years exist: the CBS catalogue ------------------------------------------------------------

@dataclass(frozen=True)
class KwbTables:
    """The KWB table id per year, and where that list came from.

    Attributes
    ----------
    tables : dict
        Year -> table id (``2026: "86358NED"``).
    source : str
        ``CBS-catalogus`` (read now), ``cache`` (read earlier) or ``ingebouwd`` (the known ids, offline).
    url : str or None
        The catalogue request.
    note : str
        Why the known ids were used, when they were.
    """

    tables: dict[int, str]
    source: str
    url: str | None = None
    note: str = ""

    @property
    def newest(self) -> int:
        """The newest year with a published KWB table."""
        return max(self.tables)

    def table(self, year: int) -> str:
        """The table id of `year`, or an :class:`InputError` naming the years there are."""
        if year not in self.tables:
            years = sorted(self.tables)
            where = "in de CBS-catalogus" if self.source != "ingebouwd" else "(de CBS-catalogus was niet te lezen)"
            raise InputError(f"geen tabel Kerncijfers wijken en buurten {year} {where}; "
                             f"kies een jaar van {years[0]} tot en met {years[-1]}")
        return self.tables[year]


def catalog_url() -> str:
    """The catalogue request for the KWB tables (title, id, period, date and status only).

    Examples
    --------
    >>> catalog_url()  # doctest: +NORMALIZE_WHITESPACE
    "https://opendata.cbs.nl/ODataCatalog/Tables?$format=json&$select=Identifier,Title,Period,Modified,OutputStatus,Language&$filter=substringof('Kerncijfers%20wijken%20en%20buurten',Title)"
    """
    return f"{CBS_CATALOG}?" + _query([("$format", "json"),
                                       ("$select", "Identifier,Title,Period,Modified,OutputStatus,Language"),
                                       ("$filter", f"substringof('{KWB_TITLE}',Title)")])


def kwb_catalog_entries(rows: Iterable[Mapping]) -> dict[int, dict]:
    """The KWB table of every year in catalogue rows: title "Kerncijfers wijken en buurten <jaar>".

    Where a year has several tables (a re-issue), a regular one (``OutputStatus`` "Regulier") beats a
    stopped one, then the newest ``Modified``. Other titles (2009-2012 combined, other subjects) are
    left out.

    Examples
    --------
    >>> kwb_catalog_entries([{"Identifier": "86358NED", "Title": "Kerncijfers wijken en buurten 2026"},
    ...                      {"Identifier": "70904NED", "Title": "Kerncijfers wijken en buurten 2009-2012"}])
    {2026: {'tabel': '86358NED', 'titel': 'Kerncijfers wijken en buurten 2026', 'gewijzigd': None, 'status': None}}
    """
    found: dict[int, dict] = {}
    for row in rows:
        match = _KWB_TITLE_YEAR.match(str(row.get("Title") or ""))
        ident = str(row.get("Identifier") or "").strip()
        if not match or not ident or str(row.get("Language") or "nl").lower() != "nl":
            continue
        year = int(match.group(1))
        entry = {"tabel": ident, "titel": str(row.get("Title")).strip(), "gewijzigd": row.get("Modified"),
                 "status": row.get("OutputStatus")}
        if year not in found or _rank(entry) > _rank(found[year]):
            found[year] = entry
    return dict(sorted(found.items()))


def _rank(entry: dict) -> tuple[bool, str]:
    """A regular table before a stopped one, then the newest."""
    return entry["status"] in (None, "Regulier"), str(entry["gewijzigd"] or "")


def _saved_tables(saved) -> dict[int, str]:
    """Year -> table id of a saved catalogue answer; {} when it is not one."""
    try:
        return {int(y): str(e["tabel"]) for y, e in saved["tabellen"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}


def kwb_tables(
    *,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> KwbTables:
    """The KWB table id of every year, read from the CBS catalogue and cached for a week.

    The catalogue's answer is believed only when it lists KWB tables; an empty answer to the filtered
    request is checked against the unfiltered catalogue (``$top=1``) so that a filter the server does
    not understand is reported as such. When the catalogue cannot be read, an older cached answer or
    the ids known to this version (:data:`KWB_TABLES`) are used, and the progress line says so. Years
    the catalogue lists are used as it says, also years this code does not know.
    """
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    target = cache / "cbs_catalogus_kwb.json"
    saved = None
    try:
        saved = json.loads(target.read_text(encoding="utf-8")) if target.exists() else None
    except (OSError, json.JSONDecodeError):
        saved = None
    url = catalog_url()
    if saved and not refresh:
        try:
            age = (datetime.now(timezone.utc) - datetime.fromisoformat(saved["opgehaald"])).days
        except (KeyError, TypeError, ValueError, AttributeError):
            age = None
        if _saved_tables(saved) and age is not None and age < CATALOG_DAYS:
            return KwbTables(_saved_tables(saved), "cache", saved.get("url"))
    client = client or Client(progress=progress)
    note = ""
    try:
        entries = kwb_catalog_entries(odata_rows(client, url, what="CBS-catalogus", progress=progress))
        if not entries:
            top_url = f"{CBS_CATALOG}?$format=json&$top=1"
            anything = _values(client.get_json(top_url), top_url)
            note = (f"{url}: de catalogus noemt geen tabel '{KWB_TITLE} <jaar>'"
                    + (f", terwijl {top_url} wel tabellen geeft: het filter klopt niet" if anything else
                       f", en ook {top_url} is leeg"))
    except NetworkError as exc:
        entries, note = {}, str(exc)
    if entries:
        data = {"url": url, "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "tabellen": {str(y): e for y, e in entries.items()}}
        write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        newest = max(entries)
        progress.say(f"CBS-catalogus: kerncijfers {min(entries)}-{newest}, nieuwste {entries[newest]['tabel']}")
        return KwbTables({y: e["tabel"] for y, e in entries.items()}, "CBS-catalogus", url)
    if saved:
        tables = _saved_tables(saved)
        if tables:
            progress.say(f"CBS-catalogus niet gelezen ({note}); de lijst van {str(saved.get('opgehaald'))[:10]} uit de cache")
            return KwbTables(tables, "cache", saved.get("url"), note)
    progress.say(f"CBS-catalogus niet gelezen ({note}); de ingebouwde tabelnummers tot en met {max(KWB_TABLES)}")
    return KwbTables(dict(KWB_TABLES), "ingebouwd", url, note)


def newest_known_year(cache_dir: str | Path | None = None) -> int:
    """The newest KWB year known without the network: the cached catalogue, else :data:`KWB_TABLES`."""
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    try:
        saved = json.loads((cache / "cbs_catalogus_kwb.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        saved = None
    return max([*_saved_tables(saved), *KWB_TABLES])


def _slug(codes: list[str]) -> str:
    if len(codes) <= 4:
        return "_".join(codes)
    digest = hashlib.sha1(",".join(sorted(codes)).encode()).hexdigest()[:8]
    return f"{len(codes)}_gemeenten_{digest}"


def metadata_path(path: str | Path) -> Path:
    """The JSON beside a cached file (``kwb_2024_GM0556.csv.json``)."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def _cached(target: Path, refresh: bool, progress: Progress, label: str) -> Fetched | None:
    meta_file = metadata_path(target)
    if refresh or not target.exists() or not meta_file.exists():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    progress.say(f"{label}: uit de cache, {target} (opgehaald {str(meta.get('opgehaald', '?'))[:10]})")
    return Fetched(target, meta, from_cache=True, label=label)


def _store_metadata(target: Path, meta: dict, client: Client, start: int, label: str, progress: Progress) -> Fetched:
    meta = {"bestand": target.name, **meta, "urls": client.asked[start:],
            "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    write_text(metadata_path(target), json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    size = f"{nl_number(meta['rijen'], 0)} rijen" if meta.get("rijen") is not None else _size(target.stat().st_size)
    progress.say(f"{label}: opgeslagen, {target} ({size})")
    return Fetched(target, meta, from_cache=False, label=label)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _csv_bytes(columns: list[str], rows: Iterable[Mapping]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8")


# --- paging --------------------------------------------------------------------------------------

def odata_rows(client: Client, url: str, *, what: str, progress: Progress = SILENT) -> list[dict]:
    """All rows of an OData answer (v3 ``odata.nextLink`` or v4 ``@odata.nextLink``), page by page.

    A next link that lost the ``$filter``/``$select`` of the request is completed with them (only its
    ``$skip`` or ``$skiptoken`` is taken). A page of 10,000 rows without a next link is an error: the
    answer may have been cut off.
    """
    rows: list[dict] = []
    seen = {url}
    page = 1
    while True:
        data = client.get_json(url)
        value = _values(data, url)
        rows.extend(value)
        link = data.get("odata.nextLink") or data.get("@odata.nextLink")
        progress.say(f"{what}: pagina {page}, {nl_number(len(rows), 0)} rijen")
        if not link:
            if len(value) >= ODATA_PAGE:
                raise failure(f"{url}: precies {nl_number(len(value), 0)} rijen en geen volgende pagina; het "
                              "antwoord is mogelijk afgekapt. Haal minder gemeenten tegelijk op", CAPPED)
            return rows
        following = _next_odata(url, str(link))
        if following in seen:
            raise NetworkError(f"{url}: de volgende pagina verwijst terug naar een eerdere ({following})")
        seen.add(following)
        url, page = following, page + 1


def _next_odata(current: str, link: str) -> str:
    link = urllib.parse.urljoin(current, link)
    here = urllib.parse.urlsplit(current)
    mine = urllib.parse.parse_qsl(here.query, keep_blank_values=True)
    theirs = urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query, keep_blank_values=True)
    paging = {"$skip", "$skiptoken"}
    their_keys = {k.lower() for k, _ in theirs}
    if all(k.lower() in their_keys for k, _ in mine if k not in paging):
        return link
    kept = [(k, v) for k, v in mine if k not in paging] + [(k, v) for k, v in theirs if k in paging]
    return urllib.parse.urlunsplit((here.scheme, here.netloc, here.path, _query(kept), ""))


def pdok_features(client: Client, url: str, *, what: str, progress: Progress = SILENT) -> list[dict]:
    """All features of an OGC API items request, following ``rel="next"`` until there is none."""
    features: list[dict] = []
    seen = {url}
    page = 1
    while True:
        response = client.get(url)
        crs = response.headers.get("content-crs", "")
        if crs and "28992" not in crs:
            raise NetworkError(f"{url}: PDOK antwoordde in {crs.strip('<>')} in plaats van RD New (EPSG:28992)")
        data = response.json()
        if not isinstance(data, dict) or not isinstance(data.get("features"), list):
            found = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
            raise NetworkError(f"{url}: onverwacht antwoord (geen FeatureCollection; gevonden: {found or 'niets'})")
        features += data["features"]
        progress.say(f"{what}: pagina {page}, {nl_number(len(features), 0)} objecten")
        links = [link for link in data.get("links") or [] if isinstance(link, dict) and link.get("rel") == "next"]
        links.sort(key=lambda link: "json" not in str(link.get("type", "json")))
        if not links or not links[0].get("href"):
            return features
        following = urllib.parse.urljoin(url, links[0]["href"])
        if following in seen:
            raise NetworkError(f"{url}: de volgende pagina verwijst terug naar een eerdere ({following})")
        seen.add(following)
        url, page = following, page + 1


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


def fetch_boundaries(
    gemeenten: Iterable[str],
    year: int,
    *,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> Fetched:
    """Buurten and wijken of `gemeenten` in `year` into ``wijkenbuurten_<jaar>_<codes>.gpkg``.

    Parameters
    ----------
    gemeenten : iterable of str
        Gemeentecodes (``GM0556``).
    year : int
        2013-2025.
    cache_dir : path, optional
        Default: :func:`~sociale_kaart.sources.cache.user_cache_dir`.
    refresh : bool
        Download again even when the cache has the file.
    client : Client, optional
        The network (tests pass one with a fake transport).
    progress : Progress
        Pages, bytes and the cache on standard error.

    Returns
    -------
    Fetched
        A GeoPackage with layers ``buurten`` and (when the source has them) ``wijken`` in RD New,
        with the map's own attribute names and values (sentinels as published).
    """
    codes, year = check_codes(gemeenten), check_map_year(year)
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    target = cache / f"wijkenbuurten_{year}_{_slug(codes)}.gpkg"
    label = f"grenzen {year}"
    cached = _cached(target, refresh, progress, label)
    if cached:
        return cached
    client = client or Client(progress=progress)
    start = len(client.asked)
    layers = None
    if year >= PDOK_API_FIRST:  # a service of its own, probed by name (2023 on; also years this code does not know)
        base = PDOK_API.format(year=year)
        chosen = _service_collections(client, base, year, progress, per_year=True)
        if chosen:
            layers, meta = _from_ogcapi(client, base, chosen, codes, year, progress)
    if layers is None:
        chosen = _service_collections(client, PDOK_HISTORISCH, year, progress, per_year=False)
        if chosen:
            layers, meta = _from_ogcapi(client, PDOK_HISTORISCH, chosen, codes, year, progress)
        elif year in CBS_ZIPS:  # no confirmed PDOK feed for these years: CBS's own zip first
            layers, meta = _from_cbs_zip(client, year, codes, cache, refresh, progress) or \
                _from_atom(client, year, codes, cache, refresh, progress)
        else:
            layers, meta = _from_atom(client, year, codes, cache, refresh, progress)
    with atomic_path(target) as tmp:
        for name, frame in layers.items():
            frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
    meta.update(jaar=year, gemeenten=codes, rijen=len(layers["buurten"]),
                lagen={name: len(frame) for name, frame in layers.items()})
    return _store_metadata(target, meta, client, start, label, progress)


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


def _from_ogcapi(client, base, collections: dict[str, Collection], codes, year, progress):
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
                    features += pdok_features(client, url, what=f"PDOK {level} {year} {code}", progress=progress)
                except NetworkError as exc:
                    if certain or "unknown query parameter" not in str(exc).lower():
                        raise
                    progress.say(f"PDOK {level} {year}: filter op gemeente niet ondersteund; alles ophalen en daarna filteren")
                    features = None
                    break
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


def _service_collections(client: Client, base: str, year: int, progress: Progress, *, per_year: bool) -> dict[str, Collection]:
    """The collections of `year` per level, from the service's ``/collections``; {} when there are none.

    Three shapes are understood: a service of the year with plain level names (``buurten``,
    ``gemeenten``: the 2026 service has no ``wijken``), a collection per level and year
    (``buurten_2019``, or the year in the title), and one collection per level for all years with a
    year property (as PDOK's ``gebiedsindelingen``: ``jaarcode``). The progress line says which.
    """
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


def _from_atom(client, year, codes, cache: Path, refresh: bool, progress):
    import pyogrio

    feed, url = _atom_feed(client, year, progress)
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
    raw = cache / "pdok" / name
    if refresh or not raw.exists() or not metadata_path(raw).exists():
        progress.say(f"PDOK {name}: downloaden (heel Nederland)")
        start = len(client.asked)
        body = client.get(url).body
        if not body.startswith(b"SQLite format 3\x00"):
            raise NetworkError(f"{url}: onverwacht antwoord (geen GeoPackage: {_snippet(body)})")
        write_bytes(raw, body)
        _store_metadata(raw, {"bron": "PDOK ATOM", "url": url, "feed": feed, "jaar": year, "bytes": len(body),
                              "rijen": None}, client, start, f"PDOK {name}", progress)
    else:
        progress.say(f"PDOK {name}: uit de cache, {raw}")
    try:
        names = [str(n) for n, _ in pyogrio.list_layers(raw)]
    except Exception as exc:
        raise NetworkError(f"{url}: de GeoPackage is niet leesbaar ({_one_line(str(exc), 80)})") from None
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


def _from_cbs_zip(client, year, codes, cache: Path, refresh: bool, progress):
    """The map of `year` from CBS's own zip (shapefiles ``buurt_<jaar>``, ``wijk_<jaar>``); None when it is not there (404)."""
    import zipfile

    url = CBS_ZIPS[year]
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]).replace(" ", "_")
    raw = cache / "cbs" / name
    if refresh or not raw.exists() or not metadata_path(raw).exists():
        progress.say(f"CBS {name}: downloaden (heel Nederland)")
        start = len(client.asked)
        response = client.get(url, accept=(404,))
        if response.status == 404:
            progress.say(f"CBS {name}: niet gevonden ({url}); nu de ATOM-feed van PDOK")
            return None
        if not response.body.startswith(b"PK\x03\x04"):
            raise NetworkError(f"{url}: onverwacht antwoord (geen zip: {_snippet(response.body)})")
        write_bytes(raw, response.body)
        _store_metadata(raw, {"bron": "CBS (zip)", "url": url, "jaar": year, "bytes": len(response.body), "rijen": None},
                        client, start, f"CBS {name}", progress)
    else:
        progress.say(f"CBS {name}: uit de cache, {raw}")
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


def _atom_feed(client: Client, year: int, progress: Progress) -> tuple[str, str]:
    """The feed that answers for `year` and the GeoPackage it names; a feed that is not there (404) is skipped."""
    tried = []
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


# --- KWB ---------------------------------------------------------------------------------------

def _known_odata_names() -> set[str]:
    from .kwb import KWB_COLUMNS, KWB_TEXT_COLUMNS

    return {name.lower() for spec in (*KWB_COLUMNS.values(), *KWB_TEXT_COLUMNS.values())
            for form, name in spec.names if form == "odata"}


def _known_keys() -> set[str]:
    """Lookup keys of every column name the KWB reader knows, in every form."""
    from .kwb import KWB_COLUMNS, KWB_TEXT_COLUMNS, column_keys

    keys = set()
    for spec in (*KWB_COLUMNS.values(), *KWB_TEXT_COLUMNS.values()):
        for _form, name in spec.names:
            found = column_keys(name)
            if found:
                keys.add(found[0][0])
    return keys


def kwb_filter(region: str, codes: Iterable[str]) -> str:
    """The v3 ``$filter`` for buurten, wijken and gemeente rows of `codes` and the Netherlands.

    Keys are padded to 10 characters, so ``eq`` takes the padded code; buurten and wijken by prefix.

    Examples
    --------
    >>> kwb_filter("WijkenEnBuurten", ["GM0556"])
    "startswith(WijkenEnBuurten,'BU0556') or startswith(WijkenEnBuurten,'WK0556') or WijkenEnBuurten eq 'GM0556    ' or WijkenEnBuurten eq 'NL00      '"
    """
    parts = []
    for code in codes:
        number = code[2:]
        parts += [f"startswith({region},'BU{number}')", f"startswith({region},'WK{number}')",
                  f"{region} eq '{code:<{KEY_WIDTH}}'"]
    parts.append(f"{region} eq '{'NL00':<{KEY_WIDTH}}'")
    return " or ".join(parts)


def kwb_gemeenten_filter(region: str) -> str:
    """The v3 ``$filter`` for the gemeente rows of all gemeenten and the Netherlands."""
    return f"startswith({region},'GM') or {region} eq '{'NL00':<10}'"


def _kwb_v4_filter(region: str, codes: Iterable[str] | None) -> str:
    # v4 keys may or may not be padded: startswith holds either way.
    if codes is None:
        return f"startswith({region},'GM') or startswith({region},'NL00')"
    parts = [f"startswith({region},'{prefix}{code[2:]}')" for code in codes for prefix in ("BU", "WK", "GM")]
    return " or ".join(parts + [f"startswith({region},'NL00')"])


def typed_dataset_url(table: str, select: list[str], flt: str, *, base: str | None = None) -> str:
    """The first page of the OData v3 feed: ``$format=json``, ``$select`` and ``$filter``."""
    base = base or CBS_FEED.format(table=table)
    return f"{base}/TypedDataSet?" + _query([("$format", "json"), ("$select", ",".join(select)), ("$filter", flt)])


def fetch_kwb(
    gemeenten: Iterable[str],
    year: int,
    *,
    table: str | None = None,
    all_columns: bool = False,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> Fetched:
    """KWB rows (buurten, wijken, gemeenten, Nederland) of `gemeenten` in `year` into ``kwb_<jaar>_<codes>.csv``.

    Parameters
    ----------
    gemeenten : iterable of str
        Gemeentecodes (``GM0556``).
    year : int
        A year the CBS catalogue lists (2013 on; :func:`kwb_tables`).
    table : str, optional
        The table id; by default the one the catalogue gives for `year`.
    all_columns : bool
        Every column of the table; by default only those :data:`~sociale_kaart.sources.kwb.KWB_COLUMNS`
        knows (codes and names included).
    cache_dir, refresh, client, progress
        As in :func:`fetch_boundaries`.

    Returns
    -------
    Fetched
        A ``;`` CSV with OData column names (or StatLine label paths, after the v4 fallback).
    """
    codes = check_codes(gemeenten)
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    suffix = "_alle_kolommen" if all_columns else ""
    target = cache / f"kwb_{year}_{_slug(codes)}{suffix}.csv"
    return _fetch_kwb_table(target, year, table, codes, all_columns, refresh, client, progress, f"kerncijfers {year}")


def fetch_kwb_gemeenten(
    year: int,
    *,
    table: str | None = None,
    all_columns: bool = False,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> Fetched:
    """The gemeente rows of all gemeenten and the Netherlands of the KWB of `year` (``kwb_<jaar>_gemeenten.csv``).

    For comparisons with the Netherlands and with gemeenten of the same size; read it with
    ``read_kwb(path, require_buurten=False)``.
    """
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    suffix = "_alle_kolommen" if all_columns else ""
    target = cache / f"kwb_{year}_gemeenten{suffix}.csv"
    return _fetch_kwb_table(target, year, table, None, all_columns, refresh, client, progress,
                            f"kerncijfers {year} van alle gemeenten")


def _fetch_kwb_table(target, year, table, codes, all_columns, refresh, client, progress, label) -> Fetched:
    client = client or Client(progress=progress)
    if table is None:  # before the cache: a year the catalogue does not know is refused, cached or not
        table = kwb_tables(cache_dir=target.parent, refresh=refresh, client=client, progress=progress).table(year)
    cached = _cached(target, refresh, progress, label)
    if cached and cached.metadata.get("tabel") in (None, table):
        return cached
    start = len(client.asked)
    try:
        columns, rows, meta = _kwb_v3(client, table, year, codes, all_columns, progress)
    except NetworkError as v3_error:
        if failure_kind(v3_error):  # nothing there, or cut off: v4 would not mend that
            raise
        progress.say(f"CBS OData v3 gaf een fout; nu OData v4 ({v3_error})")
        try:
            columns, rows, meta = _kwb_v4(client, table, year, codes, all_columns, progress)
        except NetworkError as v4_error:
            if failure_kind(v4_error):
                raise
            raise NetworkError(f"{v3_error}; ook OData v4 faalt: {v4_error}") from v4_error
    write_bytes(target, _csv_bytes(columns, rows))
    meta.update(tabel=table, jaar=year, gemeenten=codes or "alle", rijen=len(rows), kolommen=len(columns))
    return _store_metadata(target, meta, client, start, label, progress)


def _kwb_v3(client, table, year, codes, all_columns, progress):
    base = CBS_FEED.format(table=table)
    infos_url = f"{base}/TableInfos?$format=json"
    infos = _values(client.get_json(infos_url), infos_url)
    info = infos[0] if infos else {}
    props_url = f"{base}/DataProperties?$format=json"
    props = _values(client.get_json(props_url), props_url)
    keys = [str(p.get("Key") or "") for p in props]
    region = KWB_REGION.get(year, "WijkenEnBuurten")
    if region not in keys:
        region = next((k for k in ("WijkenEnBuurten", "RegioS") if k in keys), None)
        if region is None:
            raise NetworkError(f"{props_url}: onverwacht antwoord (geen dimensie WijkenEnBuurten of RegioS)")
    known = _known_odata_names()
    topics = [str(p["Key"]) for p in props if p.get("Type") == "Topic" and p.get("Key")]
    chosen = topics if all_columns else [k for k in topics if re.sub(r"_\d+$", "", k).lower() in known]
    if not any(re.sub(r"_\d+$", "", k).lower() == "aantalinwoners" for k in chosen):
        raise NetworkError(f"{props_url}: onverwacht antwoord (geen kolom AantalInwoners in de tabel)")
    select = [region] + chosen
    flt = kwb_filter(region, codes) if codes is not None else kwb_gemeenten_filter(region)
    url = typed_dataset_url(table, select, flt, base=base)
    rows = odata_rows(client, url, what=f"CBS {table}", progress=progress)
    if not rows:
        confirm_empty(client, f"{base}/TypedDataSet", region, url)
    _check_rows(rows, region, codes, url, table)
    return select, rows, {"bron": "CBS OData v3 (ODataFeed)", "url": url, "titel": info.get("Title"),
                          "versie": info.get("Modified")}


def confirm_empty(client: Client, entity_url: str, region: str, url: str) -> None:
    """Believe an empty answer to a filtered request only when the table has rows of the expected shape.

    CBS OData v3 answers a ``$filter`` with a wrong padding width with ``[]`` and status 200. So the
    unfiltered table is asked for one row (``$top=1``): without any row the table itself is empty or
    unreachable, and a region key of another width than the filter's means the filter is wrong; both
    are a :class:`NetworkError` with the URL. Otherwise the empty answer stands (the caller says what
    is missing).
    """
    top_url = f"{entity_url}?" + _query([("$format", "json"), ("$top", 1), ("$select", region)])
    rows = _values(client.get_json(top_url), top_url)
    if not rows:
        raise NetworkError(f"{url}: geen rijen, en ook zonder filter geeft de tabel geen enkele rij ({top_url})")
    key = str(rows[0].get(region) or "")
    if len(key) != KEY_WIDTH:
        raise NetworkError(f"{url}: geen rijen, maar de tabel heeft er wel ({top_url}: {region} = {key!r}, "
                           f"{len(key)} tekens breed; het filter rekent met {KEY_WIDTH}): het filter klopt niet")


def _check_rows(rows: list[dict], region: str, codes, url: str, table: str) -> None:
    if not rows:
        what = ", ".join(codes) if codes else "de gemeenten"
        raise failure(f"{url}: CBS gaf geen rijen voor {what} in tabel {table}; bestaat de gemeente in dat jaar?", EMPTY)
    if any(region not in row for row in rows[:50]):
        raise NetworkError(f"{url}: onverwacht antwoord (rijen zonder {region})")
    if codes:
        present = {str(r.get(region) or "").strip()[2:6] for r in rows if str(r.get(region) or "").strip().startswith("BU")}
        missing = [c for c in codes if c[2:] not in present]
        if missing:
            raise failure(f"{url}: CBS gaf geen buurten voor {', '.join(missing)} in tabel {table}; "
                          "bestaat die gemeente in dat jaar?", EMPTY)


def _kwb_v4(client, table, year, codes, all_columns, progress):
    from .kwb import column_keys

    base = CBS_V4.format(table=table)
    props_url = f"{base}/Properties"
    props = client.get_json(props_url)
    if not isinstance(props, dict):
        raise NetworkError(f"{props_url}: onverwacht antwoord (geen object)")
    measures_url = f"{base}/MeasureCodes"
    measures = _values(client.get_json(measures_url), measures_url)
    groups = []
    if any(m.get("MeasureGroupId") for m in measures):
        groups_url = f"{base}/MeasureGroups"
        groups = _values(client.get_json(groups_url), groups_url)
    by_group = {str(g.get("Id")): g for g in groups}

    def label(measure: dict) -> str:
        parts, parent, guard = [str(measure.get("Title") or measure.get("Identifier"))], measure.get("MeasureGroupId"), 0
        while parent is not None and str(parent) in by_group and guard < 10:
            group = by_group[str(parent)]
            parts.insert(0, str(group.get("Title") or ""))
            parent, guard = group.get("ParentId"), guard + 1
        return "/".join(p.replace("/", " ") for p in parts if p)

    order = sorted(measures, key=lambda m: (m.get("Index") is None, m.get("Index") or 0))
    labels = {str(m.get("Identifier")): label(m) for m in order}
    region = KWB_REGION.get(year, "WijkenEnBuurten")
    url = f"{base}/Observations?" + _query([("$filter", _kwb_v4_filter(region, codes))])
    observations = odata_rows(client, url, what=f"CBS {table} (v4)", progress=progress)
    if observations and not {"Measure", region} <= set(observations[0]):
        raise NetworkError(f"{url}: onverwacht antwoord (waarnemingen zonder Measure of {region}; "
                           f"gevonden: {', '.join(list(observations[0])[:6])})")
    wide: dict[str, dict] = {}
    for item in observations:
        code = str(item.get(region) or "").strip()
        value = item.get("Value")
        if value is None:
            value = item.get("StringValue")
        wide.setdefault(code, {region: code})[labels.get(str(item.get("Measure")), str(item.get("Measure")))] = value
    rows = list(wide.values())
    _check_rows(rows, region, codes, url, table)
    known = _known_keys()
    present = {k for row in rows for k in row}
    chosen = [lab for lab in labels.values() if lab in present
              and (all_columns or any(k in known for k, _n in column_keys(lab)))]
    return [region] + chosen, rows, {"bron": "CBS OData v4 (Observations)", "url": url,
                                     "titel": props.get("Title"), "versie": props.get("Version")}


# --- police-registered crime and overlast (Politie 47018NED, 47024NED) --------------------------------

def crime_column(code: str) -> str:
    """The column name of a crime type: ``misdrijven_totaal`` or ``misdrijven_1_1_1``."""
    return "misdrijven_totaal" if code == CRIME_TOTAL else "misdrijven_" + code.replace(".", "_")


def _politie_indeling(periods: list[str]) -> int | None:
    """The buurtindeling a Politie table is published on: 1 January of its latest year."""
    years = sorted({int(p[:4]) for p in periods if re.fullmatch(r"\d{4}(JJ00|MM\d\d|KW\d\d)", p)})
    return years[-1] if years else None


def _politie_periods(periods: list[str], year: int, url: str, table: str) -> list[str]:
    """The period keys that make up `year`: ``<jaar>JJ00``, or all twelve months of a table per month."""
    if f"{year}JJ00" in periods:
        return [f"{year}JJ00"]
    months = [f"{year}MM{m:02d}" for m in range(1, 13)]
    present = [m for m in months if m in periods]
    if len(present) == 12:
        return months
    years = sorted({p[:4] for p in periods if re.fullmatch(r"\d{4}(JJ00|MM\d\d)", p)})
    span = f"{years[0]}-{years[-1]}" if years else "geen"
    detail = f" (maar {len(present)} van de 12 maanden)" if present else ""
    raise failure(f"{url}: {year} staat (nog) niet volledig in tabel {table}{detail}; beschikbaar: {span}", EMPTY)


def fetch_crime(
    gemeenten: Iterable[str],
    year: int,
    *,
    types: Iterable[str] = (CRIME_TOTAL,),
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> Fetched:
    """Police-registered crimes per buurt in `year` (Politie table 47018NED) into ``misdrijven_<jaar>_<codes>.csv``.

    One column per crime type (``misdrijven_totaal`` for ``0.0.0``, the total); keyed on ``buurtcode``.
    The table publishes every year on one buurtindeling, that of 1 January of its latest year (2025
    while it runs to 2025), not on each year's own map: the metadata beside the file says which
    (``indeling``), so the build can translate the counts to the run's map. Crime is counted where it
    happened, so a centre or an industrial estate scores high without many residents.
    """
    codes = check_codes(gemeenten)
    wanted = list(dict.fromkeys(str(t).strip() for t in types)) or [CRIME_TOTAL]
    bad = [t for t in wanted if not re.fullmatch(r"\d+(\.\d+)*", t) or len(t) > 6]
    if bad:
        raise InputError(f"onbekende soort misdrijf {bad[0]!r}: gebruik de code van de Politie, zoals 0.0.0 (totaal) of 1.1.1")
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    tag = "" if wanted == [CRIME_TOTAL] else "_" + hashlib.sha1(",".join(wanted).encode()).hexdigest()[:6]
    target = cache / f"misdrijven_{year}_{_slug(codes)}{tag}.csv"
    return _fetch_politie(POLITIE_TABLE, "SoortMisdrijf", "GeregistreerdeMisdrijven", {t: crime_column(t) for t in wanted},
                          codes, year, target, f"misdrijven {year}", refresh, client, progress)


def fetch_overlast(
    gemeenten: Iterable[str],
    year: int,
    *,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> Fetched:
    """Police-registered *overlast* per buurt in `year` (Politie table 47024NED) into ``overlast_<jaar>_<codes>.csv``.

    Saved as crime is: ``;`` CSV, ``buurtcode;overlast_totaal`` (the table's total of all kinds of
    overlast, ``GeregistreerdeOverlast``); a table per month is summed over the twelve months of
    `year`, and a buurt with a month not published (suppressed) gets no yearly figure rather than a
    sum of the rest. The metadata beside the file says the buurtindeling (``indeling``), as for crime.
    """
    codes = check_codes(gemeenten)
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    target = cache / f"overlast_{year}_{_slug(codes)}.csv"
    return _fetch_politie(OVERLAST_TABLE, "Overlast", "GeregistreerdeOverlast", {None: "overlast_totaal"},
                          codes, year, target, f"overlast {year}", refresh, client, progress)


def _total_key(client: Client, feed: str, dimension: str) -> str:
    """The key of the total of a Politie dimension, from its code list.

    CBS labels totals "Misdrijven, totaal" and subtotals "Vermogensmisdrijven, totaal": of the codes
    whose title holds "totaal", the one naming the dimension itself ("Overlast, totaal", "Totaal
    overlast") wins, else the first listed (CBS lists the grand total first).
    """
    url = f"{feed}/{dimension}?$format=json"
    items = _values(client.get_json(url), url)
    totals = [i for i in items if "totaal" in str(i.get("Title") or "").lower() and i.get("Key") is not None]
    if not totals:
        titles = ", ".join(str(i.get("Title")) for i in items[:4]) or "geen codes"
        raise NetworkError(f"{url}: onverwacht antwoord (geen totaal onder {titles})")
    words = set(re.split(r"[^a-z]+", dimension.lower())) - {""}
    own = [i for i in totals if set(re.split(r"[^a-z]+", str(i["Title"]).lower())) - {"totaal", ""} <= words]
    return str((own or totals)[0]["Key"]).strip()


def _fetch_politie(table, dimension, measure_prefix, wanted: dict, codes, year, target, label, refresh, client, progress) -> Fetched:
    """One Politie table per buurt, wide: ``buurtcode`` and a column per wanted code of `dimension`.

    `wanted` maps a code of the dimension (None: the table's total) to its column name.
    """
    cached = _cached(target, refresh, progress, label)
    if cached:
        return cached
    client = client or Client(progress=progress)
    start = len(client.asked)
    feed = POLITIE_FEED.format(table=table)
    periods_url = f"{feed}/Perioden?$format=json"
    periods = [str(p.get("Key")) for p in _values(client.get_json(periods_url), periods_url)]
    chosen_periods = _politie_periods(periods, year, periods_url, table)
    indeling = _politie_indeling(periods)
    props_url = f"{feed}/DataProperties?$format=json"
    props = _values(client.get_json(props_url), props_url)
    keys = {str(p.get("Key")) for p in props}
    measure = next((str(p["Key"]) for p in props if p.get("Type") == "Topic"
                    and str(p.get("Key", "")).startswith(measure_prefix)), None)
    if measure is None:
        raise NetworkError(f"{props_url}: onverwacht antwoord (geen kolom {measure_prefix})")
    if dimension not in keys:
        found = [str(p.get("Key")) for p in props if p.get("Type") == "Dimension"]
        if len(found) != 1:
            raise NetworkError(f"{props_url}: onverwacht antwoord (geen dimensie {dimension}; gevonden: {', '.join(found) or 'geen'})")
        dimension = found[0]
    columns = {(_total_key(client, feed, dimension) if code is None else code): column for code, column in wanted.items()}
    flt = ("(" + " or ".join(f"startswith(WijkenEnBuurten,'BU{c[2:]}')" for c in codes) + ")"
           + " and (" + " or ".join(f"Perioden eq '{p}'" for p in chosen_periods) + ")"
           + " and (" + " or ".join(f"{dimension} eq '{t:<6}'" for t in columns) + ")")
    if len(chosen_periods) == 1:
        flt = flt.replace(f"(Perioden eq '{chosen_periods[0]}')", f"Perioden eq '{chosen_periods[0]}'")
    url = f"{feed}/TypedDataSet?" + _query([("$format", "json"), ("$filter", flt),
                                           ("$select", f"WijkenEnBuurten,{dimension},Perioden,{measure}")])
    rows = odata_rows(client, url, what=f"Politie {table}", progress=progress)
    if not rows:
        confirm_empty(client, f"{feed}/TypedDataSet", "WijkenEnBuurten", url)
    if rows and not {"WijkenEnBuurten", dimension, measure} <= set(rows[0]):
        raise NetworkError(f"{url}: onverwacht antwoord (gevonden: {', '.join(list(rows[0])[:6])})")
    values: dict[tuple[str, str], dict[str, object]] = {}
    seen_types = set()
    for row in rows:
        code = str(row["WijkenEnBuurten"]).strip()
        kind = str(row[dimension]).strip()
        seen_types.add(kind)
        values.setdefault((code, kind), {})[str(row.get("Perioden", "")).strip()] = row[measure]
    result: dict[str, dict] = {}
    for (code, kind), per_period in values.items():
        parts = [per_period.get(p) for p in chosen_periods]
        # A year is the sum of its months only when every month is published; never a sum around a gap.
        total = None if any(v is None for v in parts) else sum(parts) if len(parts) > 1 else parts[0]
        result.setdefault(code, {"buurtcode": code})[columns[kind]] = total
    missing_codes = [c for c in codes if not any(k.startswith("BU" + c[2:]) for k in result)]
    if missing_codes:
        raise failure(f"{url}: geen buurten voor {', '.join(missing_codes)} in tabel {table} ({year})", EMPTY)
    missing_types = [t for t in columns if t not in seen_types]
    if missing_types:
        raise failure(f"{url}: geen rijen voor {dimension} {', '.join(missing_types)}; bestaat die code?", EMPTY)
    header = ["buurtcode"] + list(columns.values())
    write_bytes(target, _csv_bytes(header, sorted(result.values(), key=lambda r: r["buurtcode"])))
    meta = {"bron": f"Politie, tabel {table} via CBS (dataderden)", "url": url, "tabel": table, "versie": None,
            "jaar": year, "perioden": chosen_periods, "indeling": indeling,
            "indeling_uitleg": (f"alle jaren van tabel {table} staan op de buurtindeling van 1 januari {indeling} "
                                "(het laatste jaar van de tabel), niet op de kaart van elk jaar zelf") if indeling else None,
            "gemeenten": codes, "soorten": [k for k in columns], "rijen": len(result)}
    return _store_metadata(target, meta, client, start, label, progress)


def saved_indeling(path: str | Path) -> int | None:
    """The buurtindeling (year) a saved Politie table is on, from the metadata beside it; None if unknown.

    Examples
    --------
    >>> saved_indeling("/nonexistent/misdrijven_2023_GM0556.csv") is None
    True
    """
    try:
        meta = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    value = meta.get("indeling") if isinstance(meta, dict) else None
    return int(value) if isinstance(value, int) else None


# --- Leefbaarometer 3.0 ----------------------------------------------------------------------------

def leefbaarometer_url(codes: Iterable[str], start: int = 0, *, layer: str = LEEFBAAROMETER_LAYER) -> str:
    """A GetFeature page of the Leefbaarometer WFS for the buurten of `codes` (GeoJSON, RD New).

    The layer's features carry the buurtcode in the property ``id`` (``BU0363AB10``); the server
    honours ``CQL_FILTER`` on it.

    Examples
    --------
    >>> leefbaarometer_url(["GM0556"]).endswith("cql_filter=id%20LIKE%20'BU0556%25'")
    True
    """
    cql = " OR ".join(f"{LEEFBAAROMETER_CODE} LIKE 'BU{c[2:]}%'" for c in codes)
    return f"{LEEFBAAROMETER_WFS}?" + _query([
        ("service", "WFS"), ("version", "2.0.0"), ("request", "GetFeature"), ("typeNames", layer),
        ("outputFormat", "application/json"), ("srsName", "EPSG:28992"), ("count", LEEFBAAROMETER_PAGE),
        ("startIndex", start), ("cql_filter", cql)])


def fetch_leefbaarometer(
    gemeenten: Iterable[str],
    *,
    layer: str = LEEFBAAROMETER_LAYER,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> Fetched:
    """Leefbaarometer 3.0 scores per buurt (``kscore`` 1-9 and the dimension scores) into a CSV keyed on buurtcode.

    The feature property ``id`` (the buurtcode) becomes the column ``buurtcode``; the other properties
    (``name``, ``gemeente``, ``scale``, ``year``, ``kscore``, ``kafw`` ... ``won``) are kept as served.
    """
    codes = check_codes(gemeenten)
    cache = Path(cache_dir) if cache_dir is not None else user_cache_dir()
    short = layer.split(":")[-1]
    target = cache / f"leefbaarometer_{short}_{_slug(codes)}.csv"
    label = f"Leefbaarometer {short}"
    cached = _cached(target, refresh, progress, label)
    if cached:
        return cached
    client = client or Client(progress=progress)
    begin = len(client.asked)
    rows, columns, start, first = [], ["buurtcode"], 0, None
    while True:
        url = leefbaarometer_url(codes, start, layer=layer)
        first = first or url
        data = client.get_json(url)
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise NetworkError(f"{url}: onverwacht antwoord (geen FeatureCollection)")
        for feature in features:
            props = dict((feature or {}).get("properties") or {})
            code = props.pop(LEEFBAAROMETER_CODE, None)
            if not code or not str(code).strip().upper().startswith("BU"):
                raise NetworkError(f"{url}: onverwacht antwoord (objecten zonder buurtcode in '{LEEFBAAROMETER_CODE}'; "
                                   f"velden: {', '.join(list(props)[:6])}; {LEEFBAAROMETER_CODE} = {code!r})")
            scale = props.get("scale")
            if scale is not None and str(scale).strip().lower() != "buurt":
                raise NetworkError(f"{url}: onverwacht antwoord (scale = {scale!r} bij {code}, verwacht 'buurt')")
            rows.append({"buurtcode": str(code).strip(), **props})
            columns += [k for k in props if k not in columns]
        progress.say(f"Leefbaarometer: {nl_number(len(rows), 0)} buurten")
        matched = data.get("numberMatched") if isinstance(data.get("numberMatched"), int) else None
        if len(features) < LEEFBAAROMETER_PAGE or (matched is not None and len(rows) >= matched):
            break
        start += len(features)
    missing = [c for c in codes if not any(r["buurtcode"].startswith("BU" + c[2:]) for r in rows)]
    if missing:
        raise failure(f"{first}: geen Leefbaarometer-scores voor {', '.join(missing)}", EMPTY)
    write_bytes(target, _csv_bytes(columns, sorted(rows, key=lambda r: r["buurtcode"])))
    meta = {"bron": "Leefbaarometer 3.0 (WFS)", "url": first, "tabel": layer, "versie": None, "jaar": None,
            "gemeenten": codes, "rijen": len(rows)}
    return _store_metadata(target, meta, client, begin, label, progress)


# --- everything for a project -------------------------------------------------------------------

#: What ``--ook`` can add, with a Dutch description.
EXTRAS = {
    "gemeenten": "kerncijfers van alle gemeenten en Nederland (vergelijking; wordt altijd opgehaald)",
    "misdrijven": "geregistreerde misdrijven per buurt (Politie 47018NED)",
    "overlast": "geregistreerde overlast per buurt (Politie 47024NED)",
    "leefbaarometer": "Leefbaarometer 3.0-scores per buurt",
}


def resolve_selectors(selectors: Iterable[str], reference: Fetched) -> list[str]:
    """Gemeentecodes for codes or names (``Maassluis``, ``den haag``, ``0556``), from the fetched gemeente rows.

    The gemeente rows of the KWB of the year list every gemeente of that year with its name, so a
    name resolves as in every other command, and a gemeente that does not exist that year is refused
    here with suggestions.
    """
    from .boundaries import resolve_in
    from .kwb import read_kwb

    known = read_kwb(reference.path, require_buurten=False).gemeenten
    if "gemeentenaam" not in known:
        known = known.assign(gemeentenaam=None)
    year = reference.metadata.get("jaar")
    return resolve_in(known[["gemeentecode", "gemeentenaam"]], selectors,
                      f"{reference.path.name} (de gemeenten van {year} volgens het CBS)")


def fetch_for_project(
    gemeenten: Iterable[str],
    year: int | None = None,
    *,
    figures_year: int | None = None,
    extra: Iterable[str] = (),
    crime_types: Iterable[str] = (CRIME_TOTAL,),
    all_columns: bool = False,
    cache_dir: str | Path | None = None,
    refresh: bool = False,
    client: Client | None = None,
    progress: Progress = SILENT,
) -> FetchRun:
    """Boundaries of `year`, KWB of `figures_year` (default `year`), the gemeente rows and the `extra` tables.

    `gemeenten` are codes or names; names are looked up in the gemeente rows of all gemeenten of the
    figures' year (fetched first; they are also the published reference of the gemeente). Without
    `year`, the newest year the CBS catalogue lists. When the years differ, the map of
    `figures_year` is fetched too (``grenzen_cijferjaar``), so that the build can check which
    buurtcodes changed meaning.
    """
    selectors = [str(g).strip() for g in gemeenten if str(g).strip()]
    if not selectors:
        raise InputError("fetch wil minstens één gemeente (code zoals GM0556 of naam zoals Maassluis)")
    unknown = [e for e in extra if e not in EXTRAS]
    if unknown:
        raise InputError(f"onbekend bij --ook: {unknown[0]}; kies uit {', '.join(EXTRAS)}")
    client = client or Client(progress=progress)
    tables = kwb_tables(cache_dir=cache_dir, refresh=refresh, client=client, progress=progress)
    if year is None:
        year = tables.newest
        progress.say(f"jaar: {year}, het nieuwste jaar met kerncijfers ({tables.source})")
    year = check_map_year(year)
    figures_year = check_map_year(figures_year or year)
    table = tables.table(figures_year)
    common = {"cache_dir": cache_dir, "refresh": refresh, "client": client, "progress": progress}
    reference = fetch_kwb_gemeenten(figures_year, table=table, all_columns=all_columns, **common)
    codes = resolve_selectors(selectors, reference)
    grenzen = fetch_boundaries(codes, year, **common)
    kwb = fetch_kwb(codes, figures_year, table=table, all_columns=all_columns, **common)
    other_map = fetch_boundaries(codes, figures_year, **common) if figures_year != year else None
    more = [reference]
    for item in dict.fromkeys(extra):
        if item == "misdrijven":
            more.append(fetch_crime(codes, figures_year, types=crime_types, **common))
        elif item == "overlast":
            more.append(fetch_overlast(codes, figures_year, **common))
        elif item == "leefbaarometer":
            more.append(fetch_leefbaarometer(codes, **common))
    return FetchRun(grenzen=grenzen, kwb=kwb, grenzen_cijferjaar=other_map, extra=tuple(more), year=year, codes=tuple(codes))


# --- the project file ----------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-]+)\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _project_path_text(path: Path, folder: Path) -> str:
    path, folder = Path(path).resolve(), folder.resolve()
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def set_toml_keys(text: str, section: str, values: Mapping[str, str]) -> str:
    """`text` with ``key = value`` set in ``[section]``, changing as little as possible.

    An existing line keeps its indentation and its trailing comment; a missing key goes after its
    commented example (``# key = ...``) or at the end of the section; a missing section is added at
    the end. `values` are TOML literals (already quoted).

    Examples
    --------
    >>> text = '[bronnen]\\n# uitleg\\ngrenzen = "oud.gpkg"  # kaart\\n# kwb = "k.csv"\\n\\n[gebied]\\ngemeenten = []\\n'
    >>> print(set_toml_keys(text, "bronnen", {"grenzen": '"nieuw.gpkg"', "kwb": '"k2.csv"'}), end="")
    [bronnen]
    # uitleg
    grenzen = "nieuw.gpkg"  # kaart
    # kwb = "k.csv"
    kwb = "k2.csv"
    <BLANKLINE>
    [gebied]
    gemeenten = []
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    start = next((i for i, line in enumerate(lines) if (m := _HEADER.match(line.rstrip("\r\n"))) and m.group(1) == section), None)
    if start is None:
        tail = "" if not text or text.endswith(("\n", "\r")) else newline
        gap = newline if text.strip() else ""
        body = "".join(f"{key} = {value}{newline}" for key, value in values.items())
        return f"{text}{tail}{gap}[{section}]{newline}{body}"
    for key, value in values.items():
        end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
        assignment = re.compile(rf"^(\s*){re.escape(key)}(\s*=\s*)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#\r\n]*?)(\s*(?:#[^\r\n]*)?)(\r?\n)?$")
        example = re.compile(rf"^\s*#\s*{re.escape(key)}\s*=")
        done = False
        for i in range(start + 1, end):
            m = assignment.match(lines[i])
            if m:
                lines[i] = f"{m.group(1)}{key}{m.group(2)}{value}{m.group(4)}{m.group(5) or ''}"
                done = True
                break
        if done:
            continue
        at = next((i + 1 for i in range(start + 1, end) if example.match(lines[i])), None)
        if at is None:
            at = end
            while at - 1 > start and not lines[at - 1].strip():
                at -= 1
        if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
            lines[at - 1] += newline
        lines.insert(at, f"{key} = {value}{newline}")
    return "".join(lines)


def update_project_sources(
    path: str | Path,
    entries: Mapping[str, str | Path],
    *,
    check: Callable[[Path], object] | None = None,
) -> tuple[str, ...]:
    """Write `entries` (``grenzen``, ``kwb``, ``grenzen_cijferjaar``) into ``[bronnen]`` of a project file.

    Paths inside the project's folder are written relative to it. The file is edited in place,
    comments and layout kept; `check` (e.g. ``read_project(p, check_files=False)``) reads the edited
    text before it replaces the file, so a file that would no longer read is never written.

    Returns
    -------
    tuple of str
        The keys whose value changed.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: kan het projectbestand niet lezen ({exc})") from None
    import tomllib

    try:
        current = tomllib.loads(text).get("bronnen", {})
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}: geen geldig TOML ({exc}); niet bijgewerkt") from None
    folder = path.resolve().parent
    literals, changed = {}, []
    for key, value in entries.items():
        shown = _project_path_text(Path(value), folder)
        literals[key] = _toml_string(shown)
        if current.get(key) != shown:
            changed.append(key)
    if not changed:
        return ()
    new = set_toml_keys(text, "bronnen", {k: v for k, v in literals.items() if k in changed})
    with atomic_path(path) as tmp:
        tmp.write_bytes(new.encode("utf-8"))
        if check is not None:
            try:
                check(tmp)
            except InputError as exc:
                raise InputError(f"{path.name}: niet bijgewerkt, want het zou onleesbaar worden ({exc})") from None
    return tuple(changed)
