"""Interactive HTML choropleths: one self-contained file that works offline.

The page is written from a small template of our own, with Leaflet, its CSS and the drawing
script inlined: no CDN, no tracking, no request to any host unless the user asks for a background
map. Buurt shapes are sent as shared arcs (see :mod:`sociale_kaart.render.topology`),
delta-encoded in degrees * 1e5, so that the whole country fits in a few megabytes and neighbours
keep identical borders.

Every text that goes into the template is HTML-escaped here. Names and values from input files
travel as JSON inside a ``<script type="application/json">`` block (with ``<``, ``>`` and ``&``
escaped) and are escaped again when the script puts them in the page.

The style of borders, aandachtsbuurten and search results is defined once, in the constants
below, so that the static maps (:mod:`sociale_kaart.render.static`) can draw the same things the
same way.
"""

from __future__ import annotations

import functools
import html
import json
import math
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd

from ..combine.indicators import MISSING, OK, SUPPRESSED, Indicator
from ..sources.declarations import DIRECTION_TEXT
from .classes import MISSING_COLOUR, SUPPRESSED_COLOUR, Classes
from .topology import build_topology
from ..texts import MISSING_LABEL, SUPPRESSED_LABEL, decimals_for

SCALE = 100_000  # degrees * 1e5: about 1 m, below what a screen shows at buurt level
SCHEME_LABELS = {"kwantielen": "kwantielen", "natuurlijk": "natuurlijke grenzen",
                 "gelijk": "gelijke intervallen", "handmatig": "eigen klassegrenzen"}
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers'

from .style import (  # noqa: E402,F401  -- re-exported: the page's script reads them via style()
    BUURT_BORDER_COLOUR, FLAG_COLOUR, FLAG_DASH, FLAG_GAP_COLOUR, FLAG_SYMBOL, FLAG_SYMBOL_SIZE, FLAG_WIDTH,
    GEMEENTE_BORDER_COLOUR, GEMEENTE_BORDER_WIDTH, SEARCH_COLOUR, SEARCH_WIDTH, WIJK_BORDER_COLOUR, WIJK_BORDER_WIDTH,
    flag_point,
)


def auto_tolerance(bounds) -> float:
    """Simplification (m) from the extent: ~20 m for the Netherlands, 0.5 m for one gemeente.

    Examples
    --------
    >>> auto_tolerance((0, 0, 3_000, 4_000))
    0.5
    """
    xmin, ymin, xmax, ymax = bounds
    return float(min(50.0, max(0.5, math.hypot(xmax - xmin, ymax - ymin) / 20_000)))


def map_data(buurten: gpd.GeoDataFrame, layers: list[tuple[Indicator, Classes]], *,
             tolerance: float | None = None) -> dict:
    """The JSON payload of a map: shapes as arcs, features, indicator classes, borders.

    Parameters
    ----------
    buurten : GeoDataFrame
        One row per buurt in a projected CRS (EPSG:28992), with ``buurtcode``, ``buurtnaam``,
        ``wijkcode``, ``wijknaam``, ``gemeentecode``, ``gemeentenaam``, per indicator ``<key>`` and
        ``<key>_status``, optionally ``koppeling``, ``aandachtsbuurt`` and ``reden``.
    layers : list of (Indicator, Classes)
        The indicators to show, in order, each classified on `buurten` by the caller.
    tolerance : float, optional
        Simplification in metres; ``None`` chooses from the extent (:func:`auto_tolerance`).

    Returns
    -------
    dict
        Plain JSON-able data for ``sociale_kaart.js``.
    """
    from pyproj import Transformer

    if buurten.crs is None:
        raise ValueError("buurten need a CRS (EPSG:28992)")
    n = len(buurten)
    for ind, cls in layers:
        if len(cls.classes) != n:
            raise ValueError(f"classes of {ind.key} have {len(cls.classes)} values for {n} buurten")
    tolerance = tolerance if tolerance is not None else auto_tolerance(buurten.total_bounds)
    topo = build_topology(buurten.geometry.values, tolerance)
    lengths = [len(a) for a in topo.arcs]
    flat = np.concatenate(topo.arcs) if topo.arcs else np.empty((0, 2))
    to_wgs84 = Transformer.from_crs(buurten.crs, "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(flat[:, 0], flat[:, 1])
    ints = np.column_stack((np.round(lon * SCALE), np.round(lat * SCALE))).astype(np.int64)
    # Delta-encode every arc in one pass: each arc's first point is absolute, the rest are steps.
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=ints[:1])
    deltas[offsets[:-1]] = ints[offsets[:-1]]

    payload_indicators = [_indicator_payload(buurten, ind, cls) for ind, cls in layers]
    wijk = _column(buurten, "wijkcode", np.arange(n)).to_numpy()
    gemeente = _column(buurten, "gemeentecode", "").astype(str).to_numpy()
    gemeente_borders = set(topo.borders_between(gemeente))
    gemeente_names = _column(buurten, "gemeentenaam", _column(buurten, "gemeentecode", "")).fillna("").astype(str)
    names, gemeente_index = np.unique(gemeente_names.to_numpy(), return_inverse=True)
    features = {
        "code": buurten["buurtcode"].astype(str).tolist(),
        "naam": _column(buurten, "buurtnaam", buurten["buurtcode"]).fillna("").astype(str).tolist(),
        "wijk": _column(buurten, "wijknaam", _column(buurten, "wijkcode", "")).fillna("").astype(str).tolist(),
        "gemeente": gemeente_index.astype(int).tolist(),
    }
    if "koppeling" in buurten:
        features["zonder_cijfers"] = buurten["koppeling"].ne("gekoppeld").astype(int).tolist()
    if "aandachtsbuurt" in buurten:
        flagged = buurten["aandachtsbuurt"].fillna(False).astype(bool).to_numpy()
        features["aandacht"] = flagged.astype(int).tolist()
        features["reden"] = _column(buurten, "reden", "").fillna("").astype(str).tolist()
        features["teken"] = _symbol_points(buurten.geometry.values, flagged, to_wgs84)
    bounds = (lon.min(), lat.min(), lon.max(), lat.max()) if len(lon) else (3.3, 50.7, 7.2, 53.6)
    return {
        "scale": SCALE,
        "arcs": deltas.ravel().tolist(),
        "arc_offsets": offsets.tolist(),
        "vormen": topo.shapes,
        "buurten": features,
        "gemeenten": names.tolist(),
        "indicatoren": payload_indicators,
        "wijkgrenzen": [a for a in topo.borders_between(wijk) if a not in gemeente_borders],
        "gemeentegrenzen": sorted(gemeente_borders),
        "bounds": [[float(bounds[1]), float(bounds[0])], [float(bounds[3]), float(bounds[2])]],
        "kleur_ontbreekt": MISSING_COLOUR,
        "kleur_onderdrukt": SUPPRESSED_COLOUR,
        "teksten": {"onderdrukt": SUPPRESSED_LABEL, "ontbreekt": MISSING_LABEL},
        "stijl": style(),
        "achtergrond": None,
    }


def style() -> dict:
    """The drawing constants of this module as the page's script reads them.

    Examples
    --------
    >>> style()["aandacht_kleur"] == FLAG_COLOUR
    True
    """
    return {
        "buurtgrens_kleur": BUURT_BORDER_COLOUR,
        "wijkgrens_kleur": WIJK_BORDER_COLOUR, "wijkgrens_breedte": WIJK_BORDER_WIDTH,
        "gemeentegrens_kleur": GEMEENTE_BORDER_COLOUR, "gemeentegrens_breedte": GEMEENTE_BORDER_WIDTH,
        "aandacht_kleur": FLAG_COLOUR, "aandacht_tussenkleur": FLAG_GAP_COLOUR,
        "aandacht_breedte": FLAG_WIDTH, "aandacht_streep": list(FLAG_DASH),
        "aandacht_teken": FLAG_SYMBOL, "aandacht_teken_grootte": FLAG_SYMBOL_SIZE,
        "zoek_kleur": SEARCH_COLOUR, "zoek_breedte": SEARCH_WIDTH,
    }


def render_html(buurten: gpd.GeoDataFrame, layers: list[tuple[Indicator, Classes]], *, title: str,
                subtitle: str, background: bool = False, tolerance: float | None = None,
                border_labels: tuple[str, str] = ("wijkgrens", "Wijkgrenzen")) -> str:
    """Render the map page as one HTML string.

    Parameters
    ----------
    buurten : GeoDataFrame
        See :func:`map_data`.
    layers : list of (Indicator, Classes)
        The indicators to show, classified by the caller; the first is shown when the page opens.
    title, subtitle : str
        Shown at the top of the map; the subtitle carries data year and source.
    background : bool
        Add OpenStreetMap tiles (only then does the page contact a host: openstreetmap.org).
    tolerance : float, optional
        Simplification in metres; ``None`` chooses from the extent.

    Returns
    -------
    str
        A complete HTML document.

    Examples
    --------
    >>> page = render_html(buurten, [(ind, classify(buurten[ind.key]))], title="Sociale kaart Maassluis",
    ...                    subtitle="Bron: CBS/Kadaster")  # doctest: +SKIP
    >>> "cdn" in page  # doctest: +SKIP
    False
    """
    if not layers:
        from ..errors import InputError

        raise InputError("geen indicatoren om te tekenen: de cijfers hebben geen bruikbare kolommen")
    payload = map_data(buurten, layers, tolerance=tolerance)
    payload["grenslabels"] = list(border_labels)  # legend entry and toggle of the wijk borders
    if background:
        payload["achtergrond"] = {"url": OSM_TILES, "attributie": OSM_ATTRIBUTION}
    data_json = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    data_json = data_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle),
        leaflet_css=_asset("leaflet/leaflet.css"),
        css=_asset("sociale_kaart.css"),
        patterns=_PATTERNS,
        data=data_json,
        leaflet_js=_asset("leaflet/leaflet.js"),
        js=_asset("sociale_kaart.js"),
    )


def embed_snippet(map_file: str, png_file: str, title: str, subtitle: str) -> str:
    """An HTML snippet for intranet pages and reports: the map in an iframe, the PNG as fallback.

    Examples
    --------
    >>> 'src="kaart.html"' in embed_snippet("kaart.html", "kaart.png", "Titel & zo", "Bron")
    True
    """
    t, s = html.escape(title), html.escape(subtitle)
    return (
        '<figure class="sociale-kaart" style="margin:0">\n'
        f'  <iframe src="{html.escape(map_file)}" title="{t}" width="100%" height="600" style="border:0" loading="lazy">\n'
        f'    <img src="{html.escape(png_file)}" alt="{t}" style="max-width:100%">\n'
        "  </iframe>\n"
        f'  <noscript><img src="{html.escape(png_file)}" alt="{t}" style="max-width:100%"></noscript>\n'
        f"  <figcaption>{t}. {s}</figcaption>\n"
        "</figure>\n"
    )


# --- internals -------------------------------------------------------------------------------

def _column(frame: pd.DataFrame, name: str, default) -> pd.Series:
    """`frame[name]`, or `default` (a scalar, array or Series) as a Series on the frame's index."""
    if name in frame:
        return frame[name]
    if isinstance(default, pd.Series):
        return default
    return pd.Series(default, index=frame.index)


def _indicator_payload(buurten: pd.DataFrame, ind: Indicator, cls: Classes) -> dict:
    """Classes, labels and values of one indicator; no number is sent for a suppressed figure."""
    klasse = np.asarray(cls.classes, dtype=int).copy()
    status = buurten.get(f"{ind.key}_status")
    values = pd.to_numeric(buurten[ind.key], errors="coerce") if ind.key in buurten else pd.Series(np.nan, index=buurten.index)
    if status is not None:
        status = status.to_numpy()
        klasse[status == SUPPRESSED] = -2
        klasse[status == MISSING] = -1
        shown = status == OK
    else:
        shown = np.ones(len(buurten), dtype=bool)
    klasse[(klasse >= 0) & ~shown] = -1
    decimals = decimals_for(ind.unit)
    rounded = values.round(decimals).to_numpy()
    return {
        "key": ind.key, "label": ind.label, "eenheid": ind.unit, "decimalen": decimals,
        "indeling": SCHEME_LABELS.get(cls.scheme, cls.scheme),
        "kleuren": cls.colours, "labels": cls.labels(decimals), "klassenamen": list(ind.classes),
        "richting": DIRECTION_TEXT.get(ind.direction, ""),
        "klasse": klasse.tolist(),
        "waarde": [float(v) if ok and not np.isnan(v) else None for v, ok in zip(rounded, shown)],
    }


def _symbol_points(geometries, flagged: np.ndarray, to_wgs84) -> list:
    """[lat, lon] of a point well inside each flagged buurt (its largest part's pole of inaccessibility)."""
    points: list = [None] * len(geometries)
    for i in np.flatnonzero(flagged):
        point = flag_point(geometries[i])
        if point is None:
            continue
        lon, lat = to_wgs84.transform(point.x, point.y)
        points[i] = [round(float(lat), 6), round(float(lon), 6)]
    return points


@functools.lru_cache(maxsize=None)
def _asset(name: str) -> str:
    text = resources.files("sociale_kaart").joinpath("assets", name).read_text(encoding="utf-8")
    # Inlined in <script>/<style>: a closing tag or comment opener inside would end the block early.
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise RuntimeError(f"asset {name} cannot be inlined: it contains a closing tag or '<!--'")
    return text


# The page. Every {field} is filled by render_html: title and subtitle escaped, the data as
# escaped JSON, the assets checked by _asset.
_PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sociale-kaart">
<title>{title}</title>
<style>{leaflet_css}</style>
<style>{css}</style>
</head>
<body>
<main id="sk-map" class="sk-map" aria-label="Kaart">
<header id="sk-header" class="sk-header"><h1>{title}</h1><p>{subtitle}</p></header>
</main>
<noscript><p class="sk-noscript">Deze kaart heeft JavaScript nodig. Zet JavaScript aan of open de PNG-versie van de kaart.</p></noscript>
{patterns}
<script type="application/json" id="sk-data">{data}</script>
<script>{leaflet_js}</script>
<script>{js}</script>
<script>socialeKaart("sk-map", JSON.parse(document.getElementById("sk-data").textContent));</script>
</body>
</html>
"""

# Hatch patterns for "geen gegevens" and "onderdrukt", referenced from CSS by the buurt paths.
_PATTERNS = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="sk-ontbreekt" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#e6e6e6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="3"/></pattern>'
    '<pattern id="sk-onderdrukt" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(-45)">'
    '<rect width="5" height="5" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#bdbdbd" stroke-width="1.5"/></pattern>'
    "</defs></svg>"
)
