"""Translating counts between the buurten of two boundary years, from the overlap of their polygons.

Buurtcodes change between years, and CBS reuses codes for other areas (Schiedam's BU06060705 is
Kethel-dorp in 2016 and Groenoord-Noord in 2024). A :class:`Crosswalk` never trusts a code: it is
built from the polygons only. Each source area's figure is spread over the target areas it
overlaps, in proportion to the overlapping area, or to the number of addresses in the overlap when
an address table with coordinates is given (people live at addresses, not evenly over the area).

Only **counts** are translated (:meth:`Crosswalk.translate`); rates are recomputed on the target
areas from the translated counts, never carried over or averaged.

How good a translation is, per target area (:attr:`Crosswalk.areas`):

``deel_vertaald``
    The share of the area's figure that does not come from one source area with the same polygon:
    0 for an unchanged buurt, 1 for a new one.
``deel_aanname``
    The share of the figure that comes from source areas *split* over several targets: that part
    rests on the assumption that people are spread like area (or addresses). Source areas that lie
    wholly inside the target move without assumption.
``overlap``
    The intersection over union of the area with its best matching source area (1 = the same area).
``aanname``
    True when more than :data:`MAX_ASSUMPTION` of the figure rests on assumption: such an area is
    marked "rust grotendeels op aanname", and a change there is not judged.

Pieces smaller than ``min_share`` of their source area (2 % by default), and pieces thinner than
about twice ``noise_width`` (25 m; never the largest piece of a source area), are drawing noise
between maps of different precision (a web-simplified 2024 map against the full 2016 map): they are
dropped and the rest of the source area is scaled to 1. A source area less than
:data:`MIN_COVERED` covered by target areas keeps its uncovered share untranslated, and the
crosswalk lists it (:attr:`Crosswalk.uncovered`): never spread silently.

Examples
--------
Two squares of a kilometre become one rectangle and one square is split in two halves:

>>> import geopandas as gpd, shapely
>>> km = lambda x0, x1: shapely.box(x0 * 1000, 0, x1 * 1000, 1000)
>>> old = gpd.GeoDataFrame({"buurtcode": ["A", "B", "C"]}, geometry=[km(0, 1), km(1, 2), km(2, 3)])
>>> new = gpd.GeoDataFrame({"buurtcode": ["A", "C1", "C2"]}, geometry=[km(0, 2), km(2, 2.5), km(2.5, 3)])
>>> cw = crosswalk(old, new)
>>> cw.translate(pd.DataFrame({"inwoners": [100.0, 50.0, 80.0]}, index=["A", "B", "C"]))["inwoners"].tolist()
[150.0, 40.0, 40.0]
>>> cw.areas["deel_aanname"].tolist(), cw.areas["aanname"].tolist(), cw.changed_codes
([0.0, 1.0, 1.0], [False, True, True], (('A', 0.5),))
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..texts import nl_number, plural

#: Above this share of a target's figure resting on assumption, the area is marked and not judged.
MAX_ASSUMPTION = 0.5
#: A source area counts as wholly inside a target from this share on (address shares).
WHOLE = 0.98
#: Metres: a piece of overlap that vanishes when shrunk by this much (thinner than about twice this) is
#: a difference of drawing (simplified maps: 35-55 m), not a piece of area.
NOISE_WIDTH = 25.0
#: Below this share of its area covered by target areas, a source area's uncovered part stays untranslated.
MIN_COVERED = 0.95
#: A source area with fewer addresses than this is spread by area, also when addresses are given.
MIN_ADDRESSES = 10
ASSUMPTION_TEXT = "rust grotendeels op aanname"


@dataclass(frozen=True)
class Crosswalk:
    """How the figures of one set of areas become figures of another.

    Attributes
    ----------
    pieces : DataFrame
        ``van`` (source code), ``naar`` (target code), ``aandeel`` (share of the source's figure that
        goes to the target), ``geheel`` (the source lies wholly in the target), ``methode``
        ("identiek", "oppervlak" or "adressen") and, when not the identity, ``bijdrage`` (the share
        times the source's inhabitants or area: the piece's weight in its target).
    areas : DataFrame
        Per target code (index ``naar``, in the order of the target areas): ``bronnen`` (number of
        source areas), ``deel_vertaald``, ``deel_aanname``, ``overlap``, ``aanname`` and
        ``kwaliteit`` (Dutch text).
    identity : bool
        Same codes, same areas: figures pass unchanged.
    changed_codes : tuple of (code, overlap)
        Codes in both years whose area differs (overlap below :data:`WHOLE`): handled as different
        areas, never as the same buurt.
    uncovered : tuple of (code, share)
        Source areas partly outside every target area, and the share of their figure left out.
    source, target : str
        Names of both maps (file and year), for reports.
    method : str
        "identiek", "oppervlak" or "adressen" (addresses where a source area has enough of them).
    """

    pieces: pd.DataFrame
    areas: pd.DataFrame
    identity: bool
    changed_codes: tuple[tuple[str, float], ...] = ()
    uncovered: tuple[tuple[str, float], ...] = ()
    source: str = ""
    target: str = ""
    method: str = "oppervlak"

    def translate(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Counts per source code (the index) as counts per target code.

        A target that receives a share of a missing count is missing (never a partial sum); a
        target no source reaches is missing too.
        """
        if self.identity:
            return counts.reindex(self.areas.index).astype(float)
        pieces = self.pieces
        values = counts.reindex(pieces["van"]).astype(float).to_numpy()
        weights = pieces["aandeel"].to_numpy()[:, None]
        spread = pd.DataFrame(values * weights, columns=counts.columns)
        spread["naar"] = pieces["naar"].to_numpy()
        out = spread.groupby("naar", sort=False).sum(min_count=1)
        unknown = pd.DataFrame(np.isnan(values), columns=counts.columns).groupby(pieces["naar"].to_numpy()).any()
        out = out.mask(unknown.reindex(out.index).fillna(False).astype(bool))
        return out.reindex(self.areas.index)

    def describe(self) -> str:
        """The crosswalk in Dutch, for the koppelrapport."""
        if self.identity:
            return (f"Omzetting {self.source} -> {self.target}: identiek (dezelfde buurtcodes en gebieden); "
                    "de cijfers gaan ongewijzigd over.")
        how = {"oppervlak": "naar oppervlak", "adressen": "naar adressen (waar een gebied er genoeg heeft, "
                                                          "anders naar oppervlak)"}[self.method]
        areas = self.areas
        lines = [f"Omzetting {self.source} -> {self.target}: aantallen verdeeld {how}; cijfers per inwoner "
                 "opnieuw berekend op de gebieden van het doeljaar.",
                 f"  {plural(int((areas['deel_vertaald'] == 0).sum()), 'gebied', 'gebieden')} ongewijzigd, "
                 f"{int((areas['deel_vertaald'] > 0).sum())} vertaald, waarvan "
                 f"{int(areas['aanname'].sum())} {ASSUMPTION_TEXT} (meer dan "
                 f"{nl_number(MAX_ASSUMPTION * 100, 0)}% uit gesplitste gebieden)"]
        if self.changed_codes:
            listed = ", ".join(f"{code} ({nl_number(share * 100, 0)}%)" for code, share in self.changed_codes)
            lines.append(f"  buurtcodes in beide jaren met een ander gebied (overlap), behandeld als andere "
                         f"gebieden: {listed}")
        if self.uncovered:
            listed = ", ".join(f"{code} ({nl_number(share * 100, 1)}%)" for code, share in self.uncovered)
            lines.append(f"  deels buiten de gebieden van het doeljaar, dat deel niet meegeteld: {listed}")
        for code, row in areas[areas["deel_vertaald"] > 0].iterrows():
            lines.append(f"  {code}: {nl_number(row['deel_vertaald'] * 100, 0)}% vertaald, "
                         f"{nl_number(row['deel_aanname'] * 100, 0)}% op aanname, overlap "
                         f"{nl_number(row['overlap'] * 100, 0)}% ({row['kwaliteit']})")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"bron": self.source, "doel": self.target, "identiek": self.identity, "methode": self.method,
                "gewijzigde_codes": [list(c) for c in self.changed_codes],
                "deels_buiten": [list(c) for c in self.uncovered],
                "gebieden": [{"code": code, **{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}}
                             for code, row in self.areas.iterrows()]}


def identity_crosswalk(codes, *, source: str = "", target: str = "") -> Crosswalk:
    """The crosswalk of a map onto itself: every code to itself, share 1.

    Examples
    --------
    >>> identity_crosswalk(["A", "B"]).areas["deel_vertaald"].tolist()
    [0.0, 0.0]
    """
    codes = list(codes)
    pieces = pd.DataFrame({"van": codes, "naar": codes, "aandeel": 1.0, "geheel": True, "methode": "identiek"})
    areas = pd.DataFrame({"bronnen": 1, "deel_vertaald": 0.0, "deel_aanname": 0.0, "overlap": 1.0, "aanname": False,
                          "kwaliteit": "identiek"}, index=pd.Index(codes, name="naar"))
    return Crosswalk(pieces, areas, identity=True, source=source, target=target, method="identiek")


def crosswalk(source: gpd.GeoDataFrame, target: gpd.GeoDataFrame, *, code: str = "buurtcode",
              addresses: tuple[np.ndarray, np.ndarray] | None = None, reference: pd.Series | None = None,
              min_share: float = 0.02, noise_width: float = NOISE_WIDTH, source_name: str = "", target_name: str = "") -> Crosswalk:
    """The crosswalk from `source` areas to `target` areas (both in the same projected CRS).

    Parameters
    ----------
    source, target : GeoDataFrame
        Areas with a code column; only the gemeenten involved (the overlay is quadratic at worst).
    code : str
        The code column in both.
    addresses : (x, y) arrays, optional
        Address points (RD New): spread by addresses instead of area where a source area has at
        least :data:`MIN_ADDRESSES`.
    reference : Series, optional
        A count per source code (inhabitants) that weighs the quality measures; by default area.
    min_share : float
        Pieces below this share of their source area are drawing noise (see the module docstring).
    source_name, target_name : str
        How reports name both maps.

    Returns
    -------
    Crosswalk
        The identity when codes and polygons agree, and says so.
    """
    src = source[[code, "geometry"]].reset_index(drop=True)
    tgt = target[[code, "geometry"]].reset_index(drop=True)
    a = np.asarray(src.geometry.values, dtype=object)
    b = np.asarray(tgt.geometry.values, dtype=object)
    tree = shapely.STRtree(b)
    i, j = tree.query(a, predicate="intersects")
    inter = shapely.intersection(a[i], b[j])
    area = shapely.area(inter)
    area_a, area_b = shapely.area(a), shapely.area(b)
    union = area_a[i] + area_b[j] - area
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(area_a[i] > 0, area / area_a[i], 0.0)
        iou = np.where(union > 0, area / union, 0.0)
    pieces = pd.DataFrame({"i": i, "j": j, "van": src[code].to_numpy()[i], "naar": tgt[code].to_numpy()[j],
                           "oppervlak": share, "iou": iou})
    small = pieces["oppervlak"] < min_share
    if noise_width > 0:  # a piece thinner than twice the noise width is a drawing difference, not an area
        largest = pieces["oppervlak"].eq(pieces.groupby("i")["oppervlak"].transform("max"))
        small |= shapely.is_empty(shapely.buffer(inter, -noise_width)) & ~largest
    covered = pieces.groupby("i")["oppervlak"].sum().reindex(range(len(src)), fill_value=0.0).clip(upper=1.0)
    pieces = pieces[~small.to_numpy()].copy()
    kept = pieces.groupby("i")["oppervlak"].sum()
    # Drawing noise is spread over the kept pieces of its area: they carry what the whole overlap
    # carried (all of a well covered area). Only a real gap, outside every target, stays a gap.
    carried = covered.where(covered < MIN_COVERED, 1.0).reindex(pieces["i"]).to_numpy()
    pieces["aandeel"] = pieces["oppervlak"] * carried / kept.reindex(pieces["i"]).to_numpy()
    pieces["methode"] = "oppervlak"
    # The same area: one code in both years, the source wholly in the target and the target fed by it alone.
    sources_of = pieces.groupby("naar")["van"].nunique()
    targets_of = pieces.groupby("van")["naar"].nunique()
    pieces["zelfde"] = ((pieces["van"] == pieces["naar"]) & pieces["van"].map(targets_of).eq(1)
                        & pieces["naar"].map(sources_of).eq(1))
    shared = set(src[code]) & set(tgt[code])
    same_codes = set(pieces.loc[pieces["zelfde"], "van"])
    best = pieces[pieces["van"] == pieces["naar"]].set_index("van")["iou"]
    changed = tuple(sorted((c, round(float(best.get(c, 0.0)), 3)) for c in shared - same_codes))
    if set(src[code]) == set(tgt[code]) and not changed:
        return identity_crosswalk(tgt[code], source=source_name, target=target_name)
    method = "oppervlak"
    if addresses is not None:
        pieces, method = _address_shares(pieces, a, b, addresses)
    pieces["geheel"] = pieces["aandeel"] >= WHOLE
    total = pieces.groupby("i")["aandeel"].sum().reindex(range(len(src)), fill_value=0.0)
    uncovered = tuple((src[code].iloc[k], round(float(1 - total.iloc[k]), 4)) for k in range(len(src))
                      if total.iloc[k] < MIN_COVERED)
    weight = (reference.reindex(pieces["van"]).fillna(0).to_numpy() if reference is not None
              else area_a[pieces["i"].to_numpy()])
    pieces["bijdrage"] = pieces["aandeel"] * weight
    areas = _quality(pieces, tgt[code])
    out = pieces[["van", "naar", "aandeel", "geheel", "methode", "bijdrage"]].reset_index(drop=True)
    return Crosswalk(out, areas, identity=False, changed_codes=changed, uncovered=uncovered,
                     source=source_name, target=target_name, method=method)


def _quality(pieces: pd.DataFrame, targets: pd.Series) -> pd.DataFrame:
    """Per target: how much of its figure is translated, how much rests on assumption, best overlap."""
    same_area = pieces["zelfde"]
    by = pieces["naar"]
    weight = pieces["bijdrage"]
    total = weight.groupby(by).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        translated = 1 - weight.where(same_area, 0.0).groupby(by).sum() / total
        assumed = weight.where(~pieces["geheel"], 0.0).groupby(by).sum() / total
    areas = pd.DataFrame({
        "bronnen": pieces.groupby("naar").size(),
        "deel_vertaald": translated.fillna(1.0).clip(0, 1).round(4),
        "deel_aanname": assumed.fillna(1.0).clip(0, 1).round(4),
        "overlap": pieces.groupby("naar")["iou"].max().round(4),
    }).reindex(targets.to_numpy())
    areas.index.name = "naar"
    areas["bronnen"] = areas["bronnen"].fillna(0).astype(int)
    areas[["deel_vertaald", "deel_aanname"]] = areas[["deel_vertaald", "deel_aanname"]].fillna(1.0)
    areas["overlap"] = areas["overlap"].fillna(0.0)
    areas["aanname"] = areas["deel_aanname"] > MAX_ASSUMPTION
    areas["kwaliteit"] = np.select(
        [areas["bronnen"] == 0, areas["deel_vertaald"] == 0, areas["aanname"], areas["deel_aanname"] > 0.1],
        ["geen bron", "ongewijzigd", ASSUMPTION_TEXT, "deels op aanname"], "goed")
    return areas


def _address_shares(pieces: pd.DataFrame, a, b, addresses) -> tuple[pd.DataFrame, str]:
    """Shares by the addresses in each piece, for source areas with at least MIN_ADDRESSES."""
    from ..sources.registrations import place_points

    x, y = (np.asarray(v, dtype=float) for v in addresses)
    in_source = place_points(x, y, a)
    in_target = place_points(x, y, b)
    both = (in_source >= 0) & (in_target >= 0)
    pairs = pd.Series(1, index=pd.MultiIndex.from_arrays([in_source[both], in_target[both]])).groupby(level=[0, 1]).sum()
    per_source = pd.Series(in_source[in_source >= 0]).value_counts()
    pieces = pieces.copy()
    n = per_source.reindex(pieces["i"]).fillna(0).to_numpy()
    found = pairs.reindex(list(zip(pieces["i"], pieces["j"]))).fillna(0).to_numpy()
    enough = n >= MIN_ADDRESSES
    pieces["aandeel"] = np.where(enough, found / np.where(n > 0, n, 1), pieces["aandeel"])
    pieces["methode"] = np.where(enough, "adressen", "oppervlak")
    # Addresses outside every target (a gap) stay untranslated, as with area.
    return pieces[pieces["aandeel"] > 0], "adressen"
