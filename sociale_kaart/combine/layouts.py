"""Own area layouts ("eigen indelingen"): buurten in the municipality's own areas, and figures per area.

Municipalities steer on their own areas (the wijken of a gemeenteatlas, wijkteam areas,
woonservicezones), not on CBS wijken. A layout is declared in the project file (``[[indeling]]``)
as a table buurtcode -> area or as polygons; see :mod:`sociale_kaart.sources.indelingen`.

How buurten are placed
----------------------
* **Table**: as the table says. Rows of buurten of other gemeenten than the run's are left out and
  counted; a buurtcode of the run's gemeenten that is not on the boundary map stops the run.
* **Polygons**: each buurt goes to the area that covers the largest part of its surface (both in
  EPSG:28992, invalid polygons repaired). A buurt is *split* when at least
  :data:`SPLIT_MIN_SHARE` (5 %) of it lies outside its area (in other areas or in none); the
  koppelrapport lists every split buurt with its shares. A buurt with less than 5 % of its surface
  in any area is in no area. An area takes part in the run when it has a buurt or lies for at
  least half (:data:`MIN_AREA_INSIDE`) in the run's buurten; the others (a national layer's areas
  elsewhere, a neighbour's wijk that touches a border buurt) are only counted.

Buurten in no area and areas without a buurt are named in the koppelrapport and in the run's
warnings. An area lies in one gemeente (an area with buurten of two gemeenten stops the run).

Codes
-----
An area gets the code ``<gemeentecode>-E<nn>`` (``GM0556-E04``): the gemeente, ``E`` for *eigen*
and the number of the area in the order of the file. No CBS code has a hyphen, so nothing reads
it as a CBS wijkcode (:func:`gemeente_of_area` is the one place that takes a code apart).
When a layout takes the place of the CBS wijken in a run, buurten in no area get
``<gemeentecode>-E00`` ("buiten de indeling"): they keep a wijk for borders on the maps, but that
group is no area of the layout (no total, no profile).

Figures per area are summed counts of its buurten (:func:`sociale_kaart.combine.indicators.aggregate`,
never averaged rates); registration counts per area are protected together with the buurten, the
wijken and the gemeente (:func:`sociale_kaart.combine.disclosure.protect_counts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import InputError
from ..sources.codes import WIJKCODE, gemeentecode_of
from ..sources.indelingen import LayoutSource, read_layout
from ..texts import nl_number, plural
from . import indicators as ind

#: A buurt with at least this share of its surface outside its area is reported as split; a buurt
#: with less than this share in every area is in no area.
SPLIT_MIN_SHARE = 0.05
#: An area that lies for at least this share in the run's buurten takes part even if it won no buurt.
MIN_AREA_INSIDE = 0.5
#: The name of the group of buurten in no area, when a layout takes the place of the CBS wijken.
OUTSIDE = "buiten de indeling"
#: Warnings name at most this many buurten in no area (the koppelrapport names them all).
MAX_NAMES = 12
_OWN_CODE = re.compile(r"^(GM\d{4})-E(\d{2,})$")


def area_code(gemeentecode: str, number: int) -> str:
    """The code of an own area: ``GM0556-E04``.

    Examples
    --------
    >>> area_code("GM0556", 4), gemeente_of_area(area_code("GM0556", 4)), gemeente_of_area("WK055604")
    ('GM0556-E04', 'GM0556', 'GM0556')
    """
    return f"{gemeentecode}-E{number:02d}"


def gemeente_of_area(code: str) -> str:
    """The gemeentecode of a CBS wijkcode (``WK055604``) or of an own area (``GM0556-E04``).

    Examples
    --------
    >>> gemeente_of_area("BU05560101")
    Traceback (most recent call last):
    ...
    ValueError: geen wijkcode of code van een eigen gebied: 'BU05560101'
    """
    code = str(code)
    own = _OWN_CODE.match(code)
    if own:
        return own.group(1)
    if WIJKCODE.match(code):
        return "GM" + code[2:6]
    raise ValueError(f"geen wijkcode of code van een eigen gebied: {code!r}")


def is_area_code(code) -> bool:
    """True for the code of an own area (``GM0556-E04``), False for CBS codes and anything else."""
    return bool(_OWN_CODE.match(str(code)))


@dataclass(frozen=True)
class Split:
    """A buurt that lies in more than one area (or partly in none), with its shares, largest first."""

    buurtcode: str
    buurtnaam: str
    shares: tuple[tuple[str, float], ...]  #: (area name or OUTSIDE, share of the buurt's surface)

    def to_text(self) -> str:
        """``BU05560403 Koningshoek: 82 % Kapelpolder, 18 % Sluispolder``

        Examples
        --------
        >>> Split("BU05560403", "Koningshoek", (("Kapelpolder", 0.8249), ("Sluispolder", 0.1751))).to_text()
        'BU05560403 Koningshoek: 82 % Kapelpolder, 18 % Sluispolder'
        """
        shares = ", ".join(f"{_percent(share)} {name}" for name, share in self.shares)
        return f"{self.buurtcode} {self.buurtnaam}: {shares}"


@dataclass(frozen=True)
class AreaLayout:
    """One own layout over the buurten of a run.

    Attributes
    ----------
    name, source, kind : str
        As declared; ``kind`` is ``"tabel"`` or ``"vlakken"``.
    areas : DataFrame
        One row per area with a buurt: ``gebiedcode``, ``gebiednaam``, ``gemeentecode``,
        ``aantal_buurten``; after :func:`aggregate_layout` also the figures (as the wijken table).
    assignment : Series
        buurtcode -> gebiedcode, for the buurten in an area.
    unassigned : tuple of (str, str)
        Buurtcode and buurtnaam of every buurt of the run in no area.
    empty : tuple of str
        Names of the areas without a buurt.
    splits : tuple of Split
        Polygons: buurten of which at least :data:`SPLIT_MIN_SHARE` lies outside their area.
    elsewhere : int
        Table rows of other gemeenten, or polygons outside the run: left out.
    repaired : tuple of str
        The area name of every invalid polygon of the file that was repaired.
    """

    name: str
    source: str
    kind: str
    areas: pd.DataFrame
    assignment: pd.Series
    unassigned: tuple[tuple[str, str], ...] = ()
    empty: tuple[str, ...] = ()
    splits: tuple[Split, ...] = ()
    elsewhere: int = 0
    repaired: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        """File-name part: "wijken_gemeenteatlas"."""
        return re.sub(r"[^0-9a-z]+", "_", self.name.lower()).strip("_")[:40] or "indeling"

    def members(self, code: str) -> list[str]:
        """Buurtcodes of one area, sorted."""
        return sorted(self.assignment.index[self.assignment.eq(code)])

    def to_text(self, buurtnamen: dict[str, str] | None = None) -> str:
        """The layout's part of the koppelrapport (Dutch)."""
        names = buurtnamen or {}
        how = ("tabel buurtcode -> gebied" if self.kind == "tabel"
               else "vlakken; elke buurt bij het gebied met de grootste overlap")
        n_buurten = len(self.assignment) + len(self.unassigned)
        lines = [f"Eigen indeling '{self.name}' ({self.source}, {how}): "
                 f"{plural(len(self.areas), 'gebied', 'gebieden')}, {len(self.assignment)} van "
                 f"{plural(n_buurten, 'buurt', 'buurten')} ingedeeld."]
        for row in self.areas.itertuples(index=False):
            members = self.members(row.gebiedcode)
            listed = ", ".join(names.get(code, code) for code in members)
            lines.append(f"  {row.gebiedcode} {row.gebiednaam}: {plural(len(members), 'buurt', 'buurten')} ({listed})")
        if self.unassigned:
            lines.append(f"  In geen gebied ({plural(len(self.unassigned), 'buurt', 'buurten')}): "
                         + ", ".join(f"{code} {name}" for code, name in self.unassigned))
        if self.empty:
            lines.append(f"  Gebieden zonder buurt ({len(self.empty)}): {', '.join(self.empty)}")
        if self.splits:
            lines.append(f"  Verdeeld over gebieden ({plural(len(self.splits), 'buurt', 'buurten')} met minstens "
                         f"{_percent(SPLIT_MIN_SHARE)} buiten het eigen gebied; de buurt telt helemaal mee in het "
                         "gebied met de grootste overlap):")
            lines += [f"    {split.to_text()}" for split in self.splits]
            if any(sum(share for _, share in split.shares) > 1.005 for split in self.splits):
                lines.append("    (Waar de vlakken van de laag elkaar overlappen, tellen de aandelen op tot meer dan 100 %.)")
        if self.elsewhere:
            what = ("regels met buurten van andere gemeenten" if self.kind == "tabel"
                    else "gebieden buiten de gemeente(n) van deze kaart")
            lines.append(f"  Niet meegenomen: {self.elsewhere} {what}.")
        if self.repaired:
            here = set(self.areas["gebiednaam"]) | set(self.empty)
            mine = [name for name in dict.fromkeys(self.repaired) if name in here]
            lines.append(f"  {plural(len(self.repaired), 'ongeldig vlak', 'ongeldige vlakken')} in het bestand hersteld"
                         + (f", in deze kaart: {', '.join(mine)}." if mine else " (geen van deze kaart)."))
        return "\n".join(lines)

    def warnings(self) -> list[str]:
        """Sentences for the run's warnings: buurten in no area and areas without a buurt, by name."""
        out = []
        if self.unassigned:
            names = [name for _, name in self.unassigned]
            more = len(names) - MAX_NAMES if len(names) > MAX_NAMES + 1 else 0
            listed = ", ".join(names[:len(names) - more]) + (f" en nog {more} (zie het koppelrapport)" if more else "")
            out.append(f"Eigen indeling '{self.name}': {plural(len(names), 'buurt', 'buurten')} in geen gebied: "
                       f"{listed}.")
        if self.empty:
            out.append(f"Eigen indeling '{self.name}': {plural(len(self.empty), 'gebied', 'gebieden')} zonder buurt: "
                       f"{', '.join(self.empty)}.")
        return out

    def to_dict(self) -> dict:
        """For the machine-readable koppelrapport."""
        return {
            "naam": self.name, "bron": self.source, "soort": self.kind,
            "gebieden": [{"code": row.gebiedcode, "naam": row.gebiednaam, "gemeentecode": row.gemeentecode,
                          "buurten": self.members(row.gebiedcode)} for row in self.areas.itertuples(index=False)],
            "zonder_gebied": [code for code, _ in self.unassigned],
            "gebieden_zonder_buurt": list(self.empty),
            "verdeeld": [{"buurtcode": s.buurtcode, "aandelen": {n: round(v, 4) for n, v in s.shares}}
                         for s in self.splits],
            "niet_meegenomen": self.elsewhere,
        }


def assign_layout(source: LayoutSource, buurten: pd.DataFrame, *, boundaries: str = "de grenzen") -> AreaLayout:
    """Place the run's buurten in the areas of a layout (see the module docstring).

    Parameters
    ----------
    source : LayoutSource
        The layout as read.
    buurten : (Geo)DataFrame
        The buurten of the run: ``buurtcode``, ``buurtnaam``, ``gemeentecode`` (and the geometry,
        for polygons).
    boundaries : str
        Name of the boundary file, for messages.
    """
    if source.kind == "tabel":
        placed, empty, splits, elsewhere = _from_table(source, buurten, boundaries)
    else:
        placed, empty, splits, elsewhere = _from_polygons(source, buurten)
    gemeenten = placed.groupby("gebied", sort=False)["gemeentecode"].unique()
    mixed = gemeenten[gemeenten.map(len) > 1]
    if len(mixed):
        raise InputError(f"{source.source}: gebied {mixed.index[0]!r} (indeling {source.name!r}) heeft buurten in "
                         f"{' en '.join(mixed.iloc[0])}; een gebied hoort bij één gemeente: splits het per gemeente")
    areas = []
    for gemeente, group in placed.groupby("gemeentecode", sort=False):
        for number, name in enumerate(dict.fromkeys(group["gebied"]), 1):
            areas.append({"gebiedcode": area_code(gemeente, number), "gebiednaam": name, "gemeentecode": gemeente,
                          "aantal_buurten": int(group["gebied"].eq(name).sum())})
    areas = pd.DataFrame(areas, columns=["gebiedcode", "gebiednaam", "gemeentecode", "aantal_buurten"])
    code_of = {(a["gemeentecode"], a["gebiednaam"]): a["gebiedcode"] for a in areas.to_dict("records")}
    assignment = pd.Series([code_of[(g, n)] for g, n in zip(placed["gemeentecode"], placed["gebied"])],
                           index=pd.Index(placed["buurtcode"], name="buurtcode"), name="gebiedcode", dtype=object)
    rest = buurten[~buurten["buurtcode"].isin(assignment.index)].sort_values("buurtcode")
    names = rest["buurtnaam"] if "buurtnaam" in rest else rest["buurtcode"]
    unassigned = tuple(zip(rest["buurtcode"].astype(str), names.fillna(rest["buurtcode"]).astype(str)))
    return AreaLayout(name=source.name, source=source.source, kind=source.kind, areas=areas, assignment=assignment,
                      unassigned=unassigned, empty=tuple(empty), splits=tuple(splits), elsewhere=elsewhere,
                      repaired=source.repaired)


def aggregate_layout(layout: AreaLayout, buurten: pd.DataFrame, indicators, rule) -> AreaLayout:
    """The layout with its figures per area: summed counts of its buurten, rates as for the wijken."""
    import dataclasses

    table = buurten.assign(gebiedcode=buurten["buurtcode"].map(layout.assignment))
    table = pd.DataFrame(table[table["gebiedcode"].notna()].drop(columns="geometry", errors="ignore"))
    rates = ind.aggregate(table, "gebiedcode", list(indicators), rule)
    return dataclasses.replace(layout, areas=layout.areas[["gebiedcode", "gebiednaam", "gemeentecode",
                                                           "aantal_buurten"]].merge(rates, on="gebiedcode", how="left"))


def read_layouts(specs, buurten: pd.DataFrame, indicators, rule, *, boundaries: str) -> list[AreaLayout]:
    """Read, place and aggregate every declared layout."""
    layouts = [aggregate_layout(assign_layout(read_layout(spec), buurten, boundaries=boundaries), buurten, indicators,
                                rule) for spec in specs]
    slugs = [layout.slug for layout in layouts]
    twice = [layout.name for layout in layouts if slugs.count(layout.slug) > 1]
    if twice:  # their tables would get one file name
        raise InputError(f"de eigen indelingen {' en '.join(repr(n) for n in twice)} hebben te veel gelijkende "
                         "namen; kies namen die meer verschillen dan hoofdletters en leestekens")
    return layouts


def as_wijk_level(layout: AreaLayout, buurten: gpd.GeoDataFrame, *, shapes: bool = True
                  ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Buurten and wijken of a run in which the layout's areas take the place of the CBS wijken.

    The buurten keep their CBS wijk as ``cbs_wijkcode`` and ``cbs_wijknaam``; ``wijkcode`` and
    ``wijknaam`` become the area's (``<gemeentecode>-E00`` and :data:`OUTSIDE` for buurten in no
    area). The wijken are the areas with their figures, and (with `shapes`) their buurten dissolved.
    """
    buurten = buurten.copy()
    buurten["cbs_wijkcode"] = buurten["wijkcode"]
    buurten["cbs_wijknaam"] = buurten["wijknaam"] if "wijknaam" in buurten else pd.NA
    code = buurten["buurtcode"].map(layout.assignment)
    buurten["wijkcode"] = code.fillna(buurten["gemeentecode"] + "-E00").to_numpy()
    names = layout.areas.set_index("gebiedcode")["gebiednaam"]
    buurten["wijknaam"] = buurten["wijkcode"].map(names).fillna(OUTSIDE).to_numpy()
    wijken = layout.areas.rename(columns={"gebiedcode": "wijkcode", "gebiednaam": "wijknaam"})
    if shapes and "geometry" in buurten:
        inside = buurten[buurten["wijkcode"].isin(wijken["wijkcode"])]
        shapes_ = inside[["wijkcode", "geometry"]].dissolve(by="wijkcode", as_index=False)
        wijken = gpd.GeoDataFrame(wijken.merge(shapes_, on="wijkcode", how="left"), geometry="geometry",
                                  crs=buurten.crs)
    return buurten, wijken


def from_wijk_level(layout: AreaLayout, wijken: pd.DataFrame) -> AreaLayout:
    """The layout's table as the (protected) wijken of a run in which it is the wijk level."""
    import dataclasses

    table = pd.DataFrame(wijken.drop(columns="geometry", errors="ignore"))
    return dataclasses.replace(layout, areas=table.rename(columns={"wijkcode": "gebiedcode", "wijknaam": "gebiednaam"}))


# --- internals -------------------------------------------------------------------------------

def _percent(share: float) -> str:
    return f"{nl_number(share * 100, 0)} %"


def _from_table(source: LayoutSource, buurten: pd.DataFrame, boundaries: str):
    table = source.table
    mine = table[gemeentecode_of(table["buurtcode"]).isin(set(buurten["gemeentecode"]))]
    unknown = mine[~mine["buurtcode"].isin(set(buurten["buurtcode"]))]
    if len(unknown):
        first = unknown.iloc[0]
        raise InputError(f"{source.source}: rij {first['rij']}: buurtcode {first['buurtcode']} is geen buurt van "
                         f"{boundaries} ({plural(len(unknown), 'onbekende buurtcode', 'onbekende buurtcodes')}); "
                         "hoort de indeling bij een ander jaar van de buurtindeling?")
    if mine.empty:
        raise InputError(f"{source.source}: geen enkele buurt van indeling {source.name!r} ligt in "
                         f"{', '.join(sorted(set(buurten['gemeentecode'])))}")
    gemeente = buurten.set_index("buurtcode")["gemeentecode"]
    placed = pd.DataFrame({"buurtcode": mine["buurtcode"].to_numpy(), "gebied": mine["gebied"].to_numpy(),
                           "gemeentecode": mine["buurtcode"].map(gemeente).to_numpy()})
    return placed, [], [], len(table) - len(mine)


def _from_polygons(source: LayoutSource, buurten: gpd.GeoDataFrame):
    polygons = source.polygons
    geoms = np.asarray(buurten.geometry.values)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    area = shapely.area(geoms)
    left, right = polygons.sindex.query(geoms, predicate="intersects")
    keep = present[left]
    left, right = left[keep], right[keep]
    overlap = shapely.area(shapely.intersection(geoms[left], np.asarray(polygons.geometry.values)[right]))
    pairs = pd.DataFrame({"buurt": left, "gebied": right, "overlap": overlap, "share": overlap / area[left]})
    pairs = pairs[pairs["overlap"] > 0].sort_values(["buurt", "share"], ascending=[True, False], kind="stable")
    best = pairs.drop_duplicates("buurt")
    best = best[best["share"] >= SPLIT_MIN_SHARE]
    codes, names = buurten["buurtcode"].to_numpy(), (buurten["buurtnaam"] if "buurtnaam" in buurten
                                                     else buurten["buurtcode"]).to_numpy()
    area_names = polygons["gebied"].to_numpy()
    splits = []
    for row in best.itertuples(index=False):
        if row.share < 1 - SPLIT_MIN_SHARE:
            mine = pairs[(pairs["buurt"] == row.buurt) & (pairs["share"] >= 0.005)]
            shares = [(str(area_names[g]), float(s)) for g, s in zip(mine["gebied"], mine["share"])]
            outside = 1 - float(pairs.loc[pairs["buurt"] == row.buurt, "share"].sum())
            if outside >= 0.005:
                shares.append((OUTSIDE, outside))
            splits.append(Split(str(codes[row.buurt]), str(names[row.buurt]), tuple(shares)))
    # Areas of the run: one that won a buurt or lies for at least half in the run's buurten.
    covered = pairs.groupby("gebied")["overlap"].sum()
    inside = covered / shapely.area(np.asarray(polygons.geometry.values))[covered.index]
    taking_part = set(best["gebied"]) | set(inside.index[inside >= MIN_AREA_INSIDE])
    order = sorted(best.itertuples(index=False), key=lambda r: (r.gebied, codes[r.buurt]))
    placed = pd.DataFrame({"buurtcode": [codes[r.buurt] for r in order],
                           "gebied": [str(area_names[r.gebied]) for r in order],
                           "gemeentecode": [buurten["gemeentecode"].iloc[r.buurt] for r in order]},
                          columns=["buurtcode", "gebied", "gemeentecode"])
    if placed.empty:
        raise InputError(f"{source.source}: geen enkele buurt ligt in een gebied van indeling {source.name!r}; "
                         "liggen de vlakken in dezelfde gemeente (en hetzelfde coördinatenstelsel)?")
    # areas of the same name but another key would merge here: tell them apart by the key
    keys = pd.Series(polygons["sleutel"].to_numpy()[[r.gebied for r in order]], dtype=object)
    by_name = keys.groupby([placed["gebied"].to_numpy(), placed["gemeentecode"].to_numpy()]).nunique()
    if (by_name > 1).any():
        raise InputError(f"{source.source}: twee gebieden van indeling {source.name!r} in dezelfde gemeente heten "
                         f"{by_name.index[by_name > 1][0][0]!r}; geef ze elk een eigen naam")
    empty = [str(area_names[g]) for g in sorted(taking_part - set(best["gebied"]))]
    return placed, empty, splits, len(polygons) - len(taking_part)
