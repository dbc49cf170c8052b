"""Interactive HTML choropleths: one self-contained file that works offline.

The page is a folium map with Leaflet, its CSS and the drawing script inlined: no CDN, no
tracking, no request to any host unless the user asks for a background map. Buurt shapes are sent
as shared arcs (see :mod:`sociale_kaart.topology`), delta-encoded in degrees * 1e5, so that the
whole country fits in a few megabytes and neighbours keep identical borders.

All names and values from input files travel as JSON inside a ``<script type="application/json">``
block (with ``<``, ``>`` and ``&`` escaped) and are escaped again when the script puts them in
the page.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd

from .classes import MISSING_COLOUR, SUPPRESSED_COLOUR, Classes, classify
from .formatting import decimals_for
from .indicators import SUPPRESSED, Indicator
from .topology import build_topology

SCALE = 100_000  # degrees * 1e5: about 1 m, below what a screen shows at buurt level
SCHEME_LABELS = {"kwantielen": "kwantielen", "natuurlijk": "natuurlijke grenzen",
                 "gelijk": "gelijke intervallen", "handmatig": "eigen klassegrenzen"}
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers'


@dataclass
class MapOptions:
    """How to draw a map.

    Attributes
    ----------
    title, subtitle : str
        Shown at the top of the map; the subtitle carries data year and source.
    scheme : str
        Class scheme (see :data:`sociale_kaart.classes.SCHEMES`).
    k : int
        Number of classes.
    breaks : dict
        Indicator key -> upper class bounds, for ``scheme="handmatig"`` or per indicator.
    tolerance : float or None
        Simplification in metres; ``None`` chooses from the map's extent.
    background : bool
        Add OpenStreetMap tiles (this makes the browser contact openstreetmap.org).
    """

    title: str
    subtitle: str = ""
    scheme: str = "kwantielen"
    k: int = 5
    breaks: dict[str, list[float]] = field(default_factory=dict)
    tolerance: float | None = None
    background: bool = False


def auto_tolerance(bounds) -> float:
    """Simplification (m) from the extent: ~20 m for the Netherlands, 0.5 m for one gemeente."""
    xmin, ymin, xmax, ymax = bounds
    return float(min(50.0, max(0.5, math.hypot(xmax - xmin, ymax - ymin) / 20_000)))


def classify_indicators(buurten: pd.DataFrame, indicators: list[Indicator], options: MapOptions,
                        classify_fn=classify) -> dict[str, Classes]:
    """Class breaks per indicator, computed on the buurten's values.

    `classify_fn` may be :meth:`sociale_kaart.classes.ClassifierProcess.classify`.
    """
    result = {}
    for ind in indicators:
        if ind.key in options.breaks:
            result[ind.key] = classify_fn(buurten[ind.key], "handmatig", 5, options.breaks[ind.key])
        else:
            result[ind.key] = classify_fn(buurten[ind.key], options.scheme, options.k)
    return result


def map_data(buurten: gpd.GeoDataFrame, indicators: list[Indicator], options: MapOptions, classify_fn=classify) -> dict:
    """The JSON payload of a map: shapes as arcs, features, indicator classes, borders."""
    from pyproj import Transformer

    tolerance = options.tolerance if options.tolerance is not None else auto_tolerance(buurten.total_bounds)
    topo = build_topology(buurten.geometry.values, tolerance)
    lengths = [len(a) for a in topo.arcs]
    flat = np.concatenate(topo.arcs) if topo.arcs else np.empty((0, 2))
    lon, lat = Transformer.from_crs(buurten.crs, "EPSG:4326", always_xy=True).transform(flat[:, 0], flat[:, 1])
    ints = np.column_stack((np.round(lon * SCALE), np.round(lat * SCALE))).astype(np.int64)
    # Delta-encode every arc in one pass: each arc's first point is absolute, the rest are steps.
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=ints[:1])
    deltas[offsets[:-1]] = ints[offsets[:-1]]
    classes = classify_indicators(buurten, indicators, options, classify_fn)
    payload_indicators = []
    for ind in indicators:
        cls = classes[ind.key]
        klasse = cls.classes.copy()
        status = buurten.get(f"{ind.key}_status")
        if status is not None:
            klasse[(status == SUPPRESSED).to_numpy()] = -2
        decimals = decimals_for(ind.unit)
        values = buurten[ind.key].round(decimals)
        payload_indicators.append({
            "key": ind.key, "label": ind.label, "eenheid": ind.unit, "decimalen": decimals,
            "indeling": SCHEME_LABELS["handmatig" if ind.key in options.breaks else options.scheme],
            "kleuren": cls.colours, "labels": cls.labels(decimals),
            "klasse": klasse.tolist(),
            "waarde": [None if pd.isna(v) else float(v) for v in values],
        })
    wijk = buurten["wijkcode"].to_numpy() if "wijkcode" in buurten else np.arange(len(buurten))
    gemeente = buurten["gemeentecode"].to_numpy() if "gemeentecode" in buurten else np.zeros(len(buurten))
    gemeente_borders = set(topo.borders_between(gemeente))
    features = {
        "code": buurten["buurtcode"].astype(str).tolist(),
        "naam": buurten.get("buurtnaam", buurten["buurtcode"]).fillna("").astype(str).tolist(),
        "wijk": buurten.get("wijknaam", buurten["wijkcode"]).fillna("").astype(str).tolist(),
    }
    if "koppeling" in buurten:
        features["zonder_cijfers"] = buurten["koppeling"].ne("gekoppeld").astype(int).tolist()
    if "aandachtsbuurt" in buurten:
        features["aandacht"] = buurten["aandachtsbuurt"].fillna(False).astype(int).tolist()
        features["reden"] = buurten.get("reden", pd.Series("", index=buurten.index)).fillna("").astype(str).tolist()
    bounds = (lon.min(), lat.min(), lon.max(), lat.max()) if len(lon) else (3.3, 50.7, 7.2, 53.6)
    return {
        "scale": SCALE,
        "arcs": deltas.ravel().tolist(),
        "arc_offsets": offsets.tolist(),
        "vormen": topo.shapes,
        "buurten": features,
        "indicatoren": payload_indicators,
        "wijkgrenzen": [a for a in topo.borders_between(wijk) if a not in gemeente_borders],
        "gemeentegrenzen": sorted(gemeente_borders),
        "bounds": [[float(bounds[1]), float(bounds[0])], [float(bounds[3]), float(bounds[2])]],
        "kleur_ontbreekt": MISSING_COLOUR,
        "kleur_onderdrukt": SUPPRESSED_COLOUR,
    }


def render_html(buurten: gpd.GeoDataFrame, indicators: list[Indicator], options: MapOptions, classify_fn=classify) -> str:
    """Render the map page as one HTML string.

    Examples
    --------
    >>> page = render_html(data.buurten, data.indicators, MapOptions("Sociale kaart Maassluis"))  # doctest: +SKIP
    >>> "cdn" in page  # doctest: +SKIP
    False
    """
    import folium
    from branca.element import Element, MacroElement
    from jinja2 import Template

    if not indicators:
        from .errors import InputError

        raise InputError("geen indicatoren om te tekenen: de cijfers hebben geen bruikbare kolommen")
    payload = map_data(buurten, indicators, options, classify_fn)
    data_json = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    data_json = data_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    fmap = folium.Map(location=[52.2, 5.3], zoom_start=8, tiles=None)
    fmap.default_js = []  # no CDN: Leaflet is inlined below
    fmap.default_css = []
    if options.background:
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, name="OpenStreetMap", control=False).add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(f"<style>{_asset('leaflet/leaflet.css')}</style>"), name="leaflet_css")
    root.header.add_child(Element(f"<style>{_asset('sociale_kaart.css')}</style>"), name="sk_css")
    root.header.add_child(Element(f"<script>{_asset('leaflet/leaflet.js')}</script>"), name="leaflet_js")
    root.header.add_child(Element(f"<script>{_asset('sociale_kaart.js')}</script>"), name="sk_js")
    root.header.add_child(Element(f"<title>{html.escape(options.title)}</title>"), name="title")
    root.html.add_child(Element(
        f'<div class="sk-header"><h1>{html.escape(options.title)}</h1><p>{html.escape(options.subtitle)}</p></div>'
        + _PATTERNS
        + f'<script type="application/json" id="sk-data">{data_json}</script>'
    ))

    class _Init(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "socialeKaart({{ this._parent.get_name() }}, JSON.parse(document.getElementById('sk-data').textContent));"
            "{% endmacro %}"
        )

    fmap.add_child(_Init())
    return root.render()


def embed_snippet(map_file: str, png_file: str, title: str, subtitle: str) -> str:
    """An HTML snippet for intranet pages and reports: the map in an iframe, the PNG as fallback."""
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


def _asset(name: str) -> str:
    return resources.files("sociale_kaart").joinpath("assets", name).read_text(encoding="utf-8")


# Hatch patterns for "geen gegevens" and "onderdrukt", referenced from CSS by the buurt paths.
_PATTERNS = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="sk-ontbreekt" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#e6e6e6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="3"/></pattern>'
    '<pattern id="sk-onderdrukt" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(-45)">'
    '<rect width="5" height="5" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="5" stroke="#bdbdbd" stroke-width="1.5"/></pattern>'
    "</defs></svg>"
)
