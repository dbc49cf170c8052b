"""Boundaries and figures of different years: does a shared buurtcode still mean the same area?

CBS reuses buurtcodes. Schiedam's BU06060705 is Kethel-dorp on the 2016 map and Groenoord-Noord
on the 2024 map; joining 2024 figures to the 2016 polygon by code draws another area's figures.
When the map of the figures' year is at hand, every shared code is checked by overlap:

``overlap = area(old ∩ new) / max(area(old), area(new))``

* at least :data:`MIN_OVERLAP` (50 %): the same area (``gecontroleerd``);
* below it with another name: the code now denotes another area (``hergebruikt``);
* below it with the same name: the area changed substantially (``gewijzigd``).

Reused and changed codes are reported and not joined. Without that map the names are the
evidence (:func:`check_names`): a shared code whose name differs between the boundaries and the
figures (after normalising case, accents, punctuation, "e.o." and "en" against "/") is reported with
both names and not joined; a name spelled slightly differently (one letter in ten) is joined and
reported; a placeholder name ("Buurt 2741") says nothing. Without names either, shared codes are
"gekoppeld, niet gecontroleerd", and every product says so.
"""

from __future__ import annotations

import re
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
    #: Checked by name only (no map of the figures' year): overlaps are None.
    by_name: bool = False
    #: By name: joined, but the name is spelled slightly differently (reported with both names).
    respelled: list[tuple] = field(default_factory=list)

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
    ...                        geometry=[shapely.box(0, 0, 1, 0.9), shapely.box(5, 5, 6, 6), shapely.box(2, 0, 5, 1)])
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


def check_names(old: pd.DataFrame, new: pd.DataFrame, *, source: str = "cijfers") -> CodeCheck | None:
    """Compare the names of the codes both tables have, when no map of the figures' year is at hand.

    Returns None when either side has no names.

    Examples
    --------
    >>> old = pd.DataFrame({"buurtcode": ["BU1", "BU2", "BU3", "BU4", "BU5"],
    ...                     "buurtnaam": ["Chopin-buurt", "Kethel-dorp", "Lage welde", "Buurt 2741", "Oost e.o."]})
    >>> new = pd.DataFrame({"buurtcode": ["BU1", "BU2", "BU3", "BU4", "BU5"],
    ...                     "buurtnaam": ["Chopinbuurt", "Groenoord-Noord", "Lage Weide", "Gouden Hart", "Oost"]})
    >>> check = check_names(old, new)
    >>> [r[0] for r in check.verified], [r[:3] for r in check.reused], [r[0] for r in check.respelled]
    (['BU1', 'BU3', 'BU4', 'BU5'], [('BU2', 'Kethel-dorp', 'Groenoord-Noord')], ['BU3'])
    """
    if "buurtnaam" not in old or "buurtnaam" not in new:
        return None
    both = pd.DataFrame(old[["buurtcode", "buurtnaam"]]).merge(pd.DataFrame(new[["buurtcode", "buurtnaam"]]),
                                                               on="buurtcode", suffixes=("_oud", "_nieuw"))
    check = CodeCheck(map_source=f"de buurtnamen in {source}", map_year=None, by_name=True)
    for code, a, b in zip(both["buurtcode"], both["buurtnaam_oud"], both["buurtnaam_nieuw"]):
        a, b = ("" if pd.isna(a) else str(a)), ("" if pd.isna(b) else str(b))
        row = (code, a, b, None)
        if _placeholder(a) or _placeholder(b) or _same_name(a, b):
            check.verified.append(row)
        elif _respelled(_norm(a), _norm(b)):
            check.verified.append(row)
            check.respelled.append(row)
        else:
            check.reused.append(row)
    return check


def _norm(text: str) -> str:
    """A name without case, accents, punctuation, "e.o." and the "en" that "/" stands for."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"\be\.?\s*o\.?(?=\W|$)", " ", text)
    text = re.sub(r"\ben\b", " ", text)
    return "".join(ch for ch in text if ch.isalnum())


def _same_name(a: str, b: str) -> bool:
    return bool(_norm(a)) and _norm(a) == _norm(b)


def _placeholder(name: str) -> bool:
    """"Buurt 2741", "Wijk 01" or nothing: a name CBS gives when there is none."""
    return not _norm(name) or re.fullmatch(r"(buurt|wijk)\s*\d+", name.strip(), flags=re.IGNORECASE) is not None


def _respelled(a: str, b: str) -> bool:
    """At most one edit in ten letters (and one in any name): a spelling, not another name."""
    if not a or not b:
        return False
    limit = max(1, min(len(a), len(b)) // 10)
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= limit
