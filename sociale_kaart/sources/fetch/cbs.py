"""KWB figures from CBS: the OData v3 feed, and OData v4 when v3 fails."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...atomic import write_bytes
from ...errors import NetworkError
from .catalog import KWB_REGION, kwb_tables
from .client import (
    EMPTY, KEY_WIDTH, Client, Fetched, FetchOptions, _csv_bytes, _query, _slug, _values, check_codes, failure,
    failure_kind, odata_rows,
)

CBS_FEED = "https://opendata.cbs.nl/ODataFeed/odata/{table}"
CBS_V4 = "https://datasets.cbs.nl/odata/v1/CBS/{table}"

# --- KWB ---------------------------------------------------------------------------------------

def _known_odata_names() -> set[str]:
    from ..kwb_columns import KWB_COLUMNS, KWB_TEXT_COLUMNS

    return {name.lower() for spec in (*KWB_COLUMNS.values(), *KWB_TEXT_COLUMNS.values())
            for form, name in spec.names if form == "odata"}


def _known_keys() -> set[str]:
    """Lookup keys of every column name the KWB reader knows, in every form."""
    from ..kwb_columns import KWB_COLUMNS, KWB_TEXT_COLUMNS, column_keys

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
    options: FetchOptions = FetchOptions(),
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
    options : FetchOptions
        The cache, refresh, the network and the progress lines.

    Returns
    -------
    Fetched
        A ``;`` CSV with OData column names (or StatLine label paths, after the v4 fallback).
    """
    codes = check_codes(gemeenten)
    name = f"kwb_{year}_{_slug(codes)}{'_alle_kolommen' if all_columns else ''}.csv"
    return _fetch_kwb_table(name, year, table, codes, all_columns, options, f"kerncijfers {year}")


def fetch_kwb_gemeenten(
    year: int,
    *,
    table: str | None = None,
    all_columns: bool = False,
    options: FetchOptions = FetchOptions(),
) -> Fetched:
    """The gemeente rows of all gemeenten and the Netherlands of the KWB of `year` (``kwb_<jaar>_gemeenten.csv``).

    For comparisons with the Netherlands and with gemeenten of the same size; read it with
    ``read_kwb(path, require_buurten=False)``.
    """
    name = f"kwb_{year}_gemeenten{'_alle_kolommen' if all_columns else ''}.csv"
    return _fetch_kwb_table(name, year, table, None, all_columns, options, f"kerncijfers {year} van alle gemeenten")


def _fetch_kwb_table(name: str, year, table, codes, all_columns, options: FetchOptions, label) -> Fetched:
    options = options.connected()
    target = options.cache / name
    if table is None:  # before the cache: a year the catalogue does not know is refused, cached or not
        table = kwb_tables(options).table(year)
    cached = options.cached(target, label)
    if cached and cached.metadata.get("tabel") in (None, table):
        return cached
    start = len(options.client.asked)
    try:
        columns, rows, meta = _kwb_v3(options, table, year, codes, all_columns)
    except NetworkError as v3_error:
        if failure_kind(v3_error):  # nothing there, or cut off: v4 would not mend that
            raise
        options.progress.say(f"CBS OData v3 gaf een fout; nu OData v4 ({v3_error})")
        try:
            columns, rows, meta = _kwb_v4(options, table, year, codes, all_columns)
        except NetworkError as v4_error:
            if failure_kind(v4_error):
                raise
            raise NetworkError(f"{v3_error}; ook OData v4 faalt: {v4_error}") from v4_error
    write_bytes(target, _csv_bytes(columns, rows))
    meta.update(tabel=table, jaar=year, gemeenten=codes or "alle", rijen=len(rows), kolommen=len(columns))
    return options.store(target, meta, start, label)


def _kwb_v3(options: FetchOptions, table, year, codes, all_columns):
    client = options.client
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
    rows = odata_rows(client, url, what=f"CBS {table}", progress=options.progress)
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


def _kwb_v4(options: FetchOptions, table, year, codes, all_columns):
    from ..kwb import column_keys

    client = options.client
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
    observations = odata_rows(client, url, what=f"CBS {table} (v4)", progress=options.progress)
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
