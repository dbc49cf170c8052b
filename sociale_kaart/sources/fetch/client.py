"""The HTTP client every service shares: transport, retries, one Dutch line per failure, paging, the cache."""

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from ...atomic import write_text
from ...errors import InputError, NetworkError
from ...reporter import SILENT, Reporter
from ...texts import nl_number
from ..cache import user_cache_dir
from ..codes import GEMEENTECODE

#: Rows per page of the OData feed; a page this full without a next link may have been cut off.
ODATA_PAGE = 10_000
#: The width CBS pads region keys to (``'GM0556    '``); ``eq`` filters are written with it.
KEY_WIDTH = 10

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

    def __init__(self, *, timeout: float = TIMEOUT_S, progress: Reporter = SILENT) -> None:
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
    progress : Reporter
        Where retries and pages are reported.
    attempts : int
        Tries per URL for transient failures (no connection, timeout, HTTP 408/425/429/5xx).
    backoff_s : float
        First wait; doubled after every failed attempt (1, 2, 4 s), or the server's Retry-After.
    """

    transport: Transport | None = None
    sleep: Callable[[float], None] | None = None
    progress: Reporter = SILENT
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


@dataclass(frozen=True)
class FetchOptions:
    """What every service of a fetch shares: the cache, whether to download again, the network, the progress lines.

    Attributes
    ----------
    cache_dir : path, optional
        Default: :func:`~sociale_kaart.sources.cache.user_cache_dir`.
    refresh : bool
        Download again even when the cache has the file.
    client : Client, optional
        The network (tests pass one with a fake transport); :meth:`connected` makes one that reports
        to `progress` where there is none, so that every service of a run shares it.
    progress : Reporter
        Pages, bytes and the cache on standard error.

    Examples
    --------
    >>> options = FetchOptions(cache_dir="kaart-cache").connected()
    >>> options.cache.name, options.connected().client is options.client
    ('kaart-cache', True)
    """

    cache_dir: str | Path | None = None
    refresh: bool = False
    client: Client | None = None
    progress: Reporter = SILENT

    @property
    def cache(self) -> Path:
        """The cache folder."""
        return Path(self.cache_dir) if self.cache_dir is not None else user_cache_dir()

    def connected(self) -> FetchOptions:
        """These options with a client: the one given, else a new one that reports to `progress`."""
        return self if self.client is not None else replace(self, client=Client(progress=self.progress))

    def cached(self, target: Path, label: str) -> Fetched | None:
        """The file in the cache with the JSON beside it; None when absent, unreadable or to be refreshed."""
        meta_file = metadata_path(target)
        if self.refresh or not target.exists() or not meta_file.exists():
            return None
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        self.progress.say(f"{label}: uit de cache, {target} (opgehaald {str(meta.get('opgehaald', '?'))[:10]})")
        return Fetched(target, meta, from_cache=True, label=label)

    def store(self, target: Path, meta: dict, start: int, label: str) -> Fetched:
        """Write the JSON beside a file just written: `meta`, the URLs asked since request `start`, the time."""
        meta = {"bestand": target.name, **meta, "urls": self.client.asked[start:],
                "opgehaald": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_text(metadata_path(target), json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        size = f"{nl_number(meta['rijen'], 0)} rijen" if meta.get("rijen") is not None else _size(target.stat().st_size)
        self.progress.say(f"{label}: opgeslagen, {target} ({size})")
        return Fetched(target, meta, from_cache=False, label=label)


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


def _slug(codes: list[str]) -> str:
    if len(codes) <= 4:
        return "_".join(codes)
    digest = hashlib.sha1(",".join(sorted(codes)).encode()).hexdigest()[:8]
    return f"{len(codes)}_gemeenten_{digest}"


def metadata_path(path: str | Path) -> Path:
    """The JSON beside a cached file (``kwb_2024_GM0556.csv.json``)."""
    path = Path(path)
    return path.with_name(path.name + ".json")


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

def odata_rows(client: Client, url: str, *, what: str, progress: Reporter = SILENT) -> list[dict]:
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


def pdok_features(client: Client, url: str, *, what: str, progress: Reporter = SILENT) -> list[dict]:
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
