"""Boundaries and figures of different years: does a shared buurtcode still mean the same area?

CBS reuses buurtcodes. Schiedam's BU06060705 is Kethel-dorp on the 2016 map and Groenoord-Noord
on the 2024 map; joining 2024 figures to the 2016 polygon by code draws another area's figures.
When the map of the figures' year is at hand, every shared code is checked by overlap:

``overlap = area(old ∩ new) / max(area(old), area(new))``

* at least :data:`MIN_OVERLAP` (50 %): the same area (``gecontroleerd``);
* below it with another name: the code now denotes another area (``hergebruikt``);
* below it with the same name: the area changed substantially (``gewijzigd``).

Reused and changed codes are reported and not joined. Without that map, shared codes are
"gekoppeld, niet gecontroleerd", and every product says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

#: Below this share of the larger of the two areas, a code no longer denotes the same area.
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class CodeCheck:
    """The result of checking shared codes against the map of the figures' year.

    Each list holds ``(buurtcode, name on the boundaries, name in the figures' year, overlap)``.
    """

    map_source: str
    map_year: int | None
    verified: list[tuple] = field(default_factory=list)
    reused: list[tuple] = field(default_factory=list)
    changed: list[tuple] = field(default_factory=list)

    @property
    def refused(self) -> set[str]:
        """Codes not to join: reused and changed."""
        return {row[0] for row in (*self.reused, *self.changed)}


def check_shared_codes(old: pd.DataFrame, new: pd.DataFrame, *, map_source: str = "kaart",
                       map_year: int | None = None) -> CodeCheck:
    """Compare the polygons of the codes both maps have (both in the same projected CRS).

    Parameters
    ----------
    old : GeoDataFrame
        The boundaries of the run (``buurtcode``, ``buurtnaam``, geometry).
    new : GeoDataFrame
        The map of the figures' year.

    Examples
    --------
    >>> import geopandas as gpd
    >>> old = gpd.GeoDataFrame({"buurtcode": ["BU1", "BU2", "BU3"], "buurtnaam": ["A", "B", "C"]},
    ...                        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)])
    >>> new = gpd.GeoDataFrame({"buurtcode": ["BU1", "BU2", "BU3"], "buurtnaam": ["A", "X", "C"]},
    ...                        geometry=[shapely.box(0, 0, 1, 0.9), shapely.box(5, 5, 6, 6), shapely.box(2, 0, 4, 1)])
    >>> check = check_shared_codes(old, new)
    >>> [r[0] for r in check.verified], [r[0] for r in check.reused], [r[0] for r in check.changed]
    (['BU1'], ['BU2'], ['BU3'])
    """
    left = old[["buurtcode", "buurtnaam", "geometry"]] if "buurtnaam" in old else old[["buurtcode", "geometry"]]
    right = new[["buurtcode", "buurtnaam", "geometry"]] if "buurtnaam" in new else new[["buurtcode", "geometry"]]
    both = pd.DataFrame(left).merge(pd.DataFrame(right), on="buurtcode", suffixes=("_oud", "_nieuw"))
    a = np.asarray(both["geometry_oud"].to_numpy(), dtype=object)
    b = np.asarray(both["geometry_nieuw"].to_numpy(), dtype=object)
    inter = shapely.area(shapely.intersection(shapely.make_valid(a), shapely.make_valid(b)))
    larger = np.maximum(shapely.area(a), shapely.area(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.where(larger > 0, inter / larger, 0.0)
    check = CodeCheck(map_source=map_source, map_year=map_year)
    names_old = both.get("buurtnaam_oud", pd.Series("", index=both.index)).fillna("")
    names_new = both.get("buurtnaam_nieuw", pd.Series("", index=both.index)).fillna("")
    for code, name_old, name_new, share in zip(both["buurtcode"], names_old, names_new, overlap):
        row = (code, str(name_old), str(name_new), round(float(share), 3))
        if share >= MIN_OVERLAP:
            check.verified.append(row)
        elif _same_name(name_old, name_new):
            check.changed.append(row)
        else:
            check.reused.append(row)
    return check


def _same_name(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
        return "".join(ch for ch in text if ch.isalnum())

    return bool(norm(a)) and norm(a) == norm(b)
