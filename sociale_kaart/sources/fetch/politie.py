"""Police-registered crime (47018NED) and overlast (47024NED) per buurt, with the buurtindeling they are on."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from ...atomic import write_bytes
from ...errors import InputError, NetworkError
from .cbs import confirm_empty
from .client import (
    EMPTY, Client, Fetched, FetchOptions, _csv_bytes, _query, _slug, _values, check_codes, failure,
    odata_rows,
)

POLITIE_TABLE = "47018NED"
POLITIE_FEED = "https://dataderden.cbs.nl/ODataFeed/OData/{table}"
#: Registered *overlast* per buurt (Politie), the same dimensions as 47018NED with ``Overlast``.
OVERLAST_TABLE = "47024NED"
#: Code of all crime types together (``SoortMisdrijf`` is padded to 6 characters).
CRIME_TOTAL = "0.0.0"


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
    options: FetchOptions = FetchOptions(),
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
    tag = "" if wanted == [CRIME_TOTAL] else "_" + hashlib.sha1(",".join(wanted).encode()).hexdigest()[:6]
    return _fetch_politie(POLITIE_TABLE, "SoortMisdrijf", "GeregistreerdeMisdrijven", {t: crime_column(t) for t in wanted},
                          codes, year, f"misdrijven_{year}_{_slug(codes)}{tag}.csv", f"misdrijven {year}", options)


def fetch_overlast(gemeenten: Iterable[str], year: int, *, options: FetchOptions = FetchOptions()) -> Fetched:
    """Police-registered *overlast* per buurt in `year` (Politie table 47024NED) into ``overlast_<jaar>_<codes>.csv``.

    Saved as crime is: ``;`` CSV, ``buurtcode;overlast_totaal`` (the table's total of all kinds of
    overlast, ``GeregistreerdeOverlast``); a table per month is summed over the twelve months of
    `year`, and a buurt with a month not published (suppressed) gets no yearly figure rather than a
    sum of the rest. The metadata beside the file says the buurtindeling (``indeling``), as for crime.
    """
    codes = check_codes(gemeenten)
    return _fetch_politie(OVERLAST_TABLE, "Overlast", "GeregistreerdeOverlast", {None: "overlast_totaal"},
                          codes, year, f"overlast_{year}_{_slug(codes)}.csv", f"overlast {year}", options)


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


def _fetch_politie(table, dimension, measure_prefix, wanted: dict, codes, year, name: str, label,
                   options: FetchOptions) -> Fetched:
    """One Politie table per buurt, wide: ``buurtcode`` and a column per wanted code of `dimension`.

    `wanted` maps a code of the dimension (None: the table's total) to its column name.
    """
    options = options.connected()
    target = options.cache / name
    cached = options.cached(target, label)
    if cached:
        return cached
    client = options.client
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
    rows = odata_rows(client, url, what=f"Politie {table}", progress=options.progress)
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
    return options.store(target, meta, start, label)


def saved_indeling(path: str | Path) -> int | None:
    """The buurtindeling (year) a saved Politie table is on: the reader's own rule
    (:func:`sociale_kaart.sources.safety.table_indeling`), so fetch and build read the JSON alike.

    Examples
    --------
    >>> saved_indeling("/nonexistent/misdrijven_2023_GM0556.csv") is None
    True
    """
    from ..safety import table_indeling

    return table_indeling(path)
