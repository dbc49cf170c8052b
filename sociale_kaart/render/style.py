"""How every map draws borders and aandachtsbuurten, the same in HTML, PNG, SVG and PDF."""

from __future__ import annotations

import math

import numpy as np

#: Buurt outlines: thin and grey, so that the colours carry the map.
BUURT_BORDER_COLOUR = "#666666"
#: Wijk borders: dark and solid.
WIJK_BORDER_COLOUR = "#222222"
WIJK_BORDER_WIDTH = 1.6
#: Gemeente borders: black and wider than wijk borders.
GEMEENTE_BORDER_COLOUR = "#000000"
GEMEENTE_BORDER_WIDTH = 3.0
#: Aandachtsbuurten: a dashed purple band on white just *inside* the buurt (never on its border,
#: never near-black, so that it cannot be read as a wijk or gemeente border), plus a "!" symbol at
#: a point well inside the buurt. Purple is not in the OrRd palette of the classes.
FLAG_COLOUR = "#6a3d9a"
#: Colour of the gaps in the dashed band (and of the symbol's text and ring).
FLAG_GAP_COLOUR = "#ffffff"
#: Width of the band inside the buurt, in screen pixels (points on paper).
FLAG_WIDTH = 4.0
#: Dash pattern of the band: dash length, gap length (pixels).
FLAG_DASH = (7.0, 4.0)
#: The symbol drawn inside every aandachtsbuurt, and its diameter in pixels.
FLAG_SYMBOL = "!"
FLAG_SYMBOL_SIZE = 18
#: Buurten found by the search: a bright cyan outline on a white casing; the others are dimmed.
SEARCH_COLOUR = "#00a6d6"
SEARCH_WIDTH = 3.0
#: The legend text of the aandachtsbuurt marking, on every map.
FLAG_LEGEND = "aandachtsbuurt (paarse binnenrand en !-teken)"
#: Names on a map or chart: a white halo (a stroke of this width in points, under the letters)
#: keeps them legible over any class colour. Their artists carry a ``gid`` that starts with
#: HALO_GID, so an SVG keeps them as text with the halo as a stroke (see ``svg_text``).
HALO_WIDTH = 2.2
HALO_COLOUR = "#ffffff"
HALO_GID = "sk-halo-"


def flag_point(geom):
    """A point well inside a buurt (its largest part's pole of inaccessibility), for the "!" symbol.

    Examples
    --------
    >>> import shapely
    >>> p = flag_point(shapely.box(0, 0, 2, 2))
    >>> round(p.x, 1), round(p.y, 1)
    (1.0, 1.0)
    """
    import shapely
    from shapely.ops import polylabel

    if geom is None or geom.is_empty:
        return None
    parts = shapely.get_parts(geom)
    largest = parts[int(np.argmax(shapely.area(parts)))]
    try:
        return polylabel(largest, tolerance=max(1e-3, math.sqrt(largest.area) / 50))
    except Exception:  # invalid rings: any point on the surface will do
        return shapely.point_on_surface(largest)
