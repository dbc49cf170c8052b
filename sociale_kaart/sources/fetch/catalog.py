"""Which years exist: the KWB table id per year from the CBS catalogue, with the known ids as fallback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from ...atomic import write_text
from ...errors import InputError, NetworkError
from .client import FetchOptions, _query, _values, odata_rows

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


def kwb_tables(options: FetchOptions = FetchOptions()) -> KwbTables:
    """The KWB table id of every year, read from the CBS catalogue and cached for a week.

    The catalogue's answer is believed only when it lists KWB tables; an empty answer to the filtered
    request is checked against the unfiltered catalogue (``$top=1``) so that a filter the server does
    not understand is reported as such. When the catalogue cannot be read, an older cached answer or
    the ids known to this version (:data:`KWB_TABLES`) are used, and the progress line says so. Years
    the catalogue lists are used as it says, also years this code does not know.
    """
    target = options.cache / "cbs_catalogus_kwb.json"
    progress = options.progress
    saved = None
    try:
        saved = json.loads(target.read_text(encoding="utf-8")) if target.exists() else None
    except (OSError, json.JSONDecodeError):
        saved = None
    url = catalog_url()
    if saved and not options.refresh:
        try:
            age = (datetime.now(timezone.utc) - datetime.fromisoformat(saved["opgehaald"])).days
        except (KeyError, TypeError, ValueError, AttributeError):
            age = None
        if _saved_tables(saved) and age is not None and age < CATALOG_DAYS:
            return KwbTables(_saved_tables(saved), "cache", saved.get("url"))
    client = options.connected().client
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


def newest_known_year(options: FetchOptions = FetchOptions()) -> int:
    """The newest KWB year known without the network: the cached catalogue, else :data:`KWB_TABLES`."""
    try:
        saved = json.loads((options.cache / "cbs_catalogus_kwb.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        saved = None
    return max([*_saved_tables(saved), *KWB_TABLES])
