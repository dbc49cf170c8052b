"""Leefbaarometer 3.0 buurt scores from its WFS (the buurtcode is in the property ``id``)."""

from __future__ import annotations

from collections.abc import Iterable

from ...atomic import write_bytes
from ...errors import NetworkError
from ...texts import nl_number
from .client import EMPTY, Fetched, FetchOptions, _csv_bytes, _query, _slug, check_codes, failure

LEEFBAAROMETER_WFS = "https://geo.leefbaarometer.nl/lbm3/ows"
LEEFBAAROMETER_LAYER = "lbm3:buurtscore24"
LEEFBAAROMETER_PAGE = 1000
#: The property of a Leefbaarometer feature that holds the buurtcode (there is no ``bu_code``).
LEEFBAAROMETER_CODE = "id"


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
    options: FetchOptions = FetchOptions(),
) -> Fetched:
    """Leefbaarometer 3.0 scores per buurt (``kscore`` 1-9 and the dimension scores) into a CSV keyed on buurtcode.

    The feature property ``id`` (the buurtcode) becomes the column ``buurtcode``; the other properties
    (``name``, ``gemeente``, ``scale``, ``year``, ``kscore``, ``kafw`` ... ``won``) are kept as served.
    """
    codes, options = check_codes(gemeenten), options.connected()
    short = layer.split(":")[-1]
    target = options.cache / f"leefbaarometer_{short}_{_slug(codes)}.csv"
    label = f"Leefbaarometer {short}"
    cached = options.cached(target, label)
    if cached:
        return cached
    client = options.client
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
        options.progress.say(f"Leefbaarometer: {nl_number(len(rows), 0)} buurten")
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
    return options.store(target, meta, begin, label)
