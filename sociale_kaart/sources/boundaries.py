"""Loading CBS Wijk- en Buurtkaart boundaries.

Reads GeoPackage, GeoJSON or Shapefile with pyogrio, filtered to the chosen gemeenten at read time,
and returns polygons in EPSG:28992 (RD New) with stable column names: ``buurtcode``, ``buurtnaam``,
``wijkcode``, ``gemeentecode``, ``gemeentenaam`` (and ``wijknaam`` on the wijken layer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .areas import resolve_areas
from .codes import GEMEENTECODE
from ..errors import InputError
from .values import to_number

RD_NEW = "EPSG:28992"
LEVELS = ("buurten", "wijken", "gemeenten")

#: Column names of older CBS shapefiles and of other exports, mapped to the names used here.
COLUMN_ALIASES = {
    "bu_code": "buurtcode",
    "bu_naam": "buurtnaam",
    "wk_code": "wijkcode",
    "wk_naam": "wijknaam",
    "gm_code": "gemeentecode",
    "gm_naam": "gemeentenaam",
    "gemeenteco": "gemeentecode",  # shapefiles cut names at 10 characters
    "gemeentena": "gemeentenaam",
    "statcode": None,  # resolved per level below
    "statnaam": None,
}


@dataclass(frozen=True)
class Boundaries:
    """One level of a Wijk- en Buurtkaart as read, with what the reader had to do to it.

    Attributes
    ----------
    frame : GeoDataFrame
        In EPSG:28992 with stable column names (a plain DataFrame when read without geometry).
    source : str
        File name.
    layer : str
        Layer read.
    year : int or None
        Year of the map, from the file name.
    gemeenten : tuple of str
        The gemeentecodes asked for, resolved; empty when the whole file was read.
    repaired : tuple of str
        Codes whose invalid polygon was made valid.
    emptied : tuple of str
        Codes whose polygon collapsed when repaired (no area left); they are kept without geometry
        and reported, never dropped silently.
    """

    frame: gpd.GeoDataFrame
    source: str
    layer: str
    year: int | None
    gemeenten: tuple[str, ...] = ()
    repaired: tuple[str, ...] = ()
    emptied: tuple[str, ...] = ()


#: What reports call boundaries that were given as a GeoDataFrame instead of a file.
FRAME_SOURCE = "grenzen (GeoDataFrame)"

_CODE_COLUMN = {"buurten": "buurtcode", "wijken": "wijkcode", "gemeenten": "gemeentecode"}
_NAME_COLUMN = {"buurten": "buurtnaam", "wijken": "wijknaam", "gemeenten": "gemeentenaam"}


def read_boundaries(
    path: str | Path | gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
    gemeenten: Iterable[str] | None = None,
    level: str = "buurten",
    *,
    keep_water: bool = False,
    read_geometry: bool = True,
) -> Boundaries:
    """Read one level of a Wijk- en Buurtkaart for some or all gemeenten.

    Parameters
    ----------
    path : str, Path or GeoDataFrame
        GeoPackage, GeoJSON or Shapefile. A GeoPackage with layers ``buurten``/``wijken``/
        ``gemeenten`` (as CBS and PDOK publish it) or a single-layer file. A GeoDataFrame is one
        layer, checked like a file (its source is then called :data:`FRAME_SOURCE`); a mapping of
        level to GeoDataFrame gives several layers.
    gemeenten : iterable of str, optional
        Gemeentecodes (``GM0556``) or names (``Maassluis``); ``None`` reads the whole country.
    level : {"buurten", "wijken", "gemeenten"}
        Which layer to read.
    keep_water : bool
        Keep buurten that are only water (``water == "JA"``); they carry no residents.
    read_geometry : bool
        False reads the attributes only (a plain DataFrame, much faster for a whole country).

    Returns
    -------
    Boundaries
        The frame in EPSG:28992 with invalid geometries repaired, and what was repaired.

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> read = read_boundaries(sample_path("grenzen"), ["GM9999"])
    >>> len(read.frame), read.gemeenten, read.frame.crs.to_epsg()
    (16, ('GM9999',), 28992)
    """
    if level not in LEVELS:
        raise InputError(f"onbekend niveau {level!r}; kies uit {', '.join(LEVELS)}")
    if isinstance(path, Mapping):  # layers an analyst already has, by level ({"buurten": ..., "wijken": ...})
        if level not in path:
            raise InputError(f"{FRAME_SOURCE}: geen laag {level!r} (gegeven: {', '.join(map(str, path))})")
        path = path[level]
    if isinstance(path, gpd.GeoDataFrame):  # boundaries an analyst already has: one layer, no file
        return _read_frame(path, gemeenten, level, keep_water=keep_water, read_geometry=read_geometry)
    path = _existing(path)
    layer = _pick_layer(path, level)
    info = pyogrio.read_info(path, layer=layer)
    if not info.get("crs"):
        raise InputError(
            f"{path.name}: het bestand heeft geen coördinatenstelsel (CRS); "
            "sla het op met een CRS, bijvoorbeeld EPSG:28992 (RD New)"
        )
    fields = [str(f) for f in info["fields"]]
    renames = _renames(fields, level)
    if level != "buurten" and "buurtcode" in {renames.get(f, f) for f in fields}:
        raise InputError(f"{path.name}: geen laag {level!r}, alleen buurten (laag {layer!r})")
    where, codes = None, None
    if gemeenten is not None:
        codes = resolve_gemeenten(path, gemeenten, layer=layer)
        where = _where_gemeenten(fields, renames, codes)
    try:
        frame = pyogrio.read_dataframe(path, layer=layer, where=where, read_geometry=read_geometry)
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InputError(f"{path.name}: kan laag {layer!r} niet lezen: {exc}") from exc
    frame = frame.rename(columns=renames)
    code_col = _CODE_COLUMN[level]
    if code_col not in frame.columns:
        raise InputError(
            f"{path.name}: laag {layer!r} heeft geen kolom {code_col!r} "
            f"(gevonden: {', '.join(fields)})"
        )
    return _finish(frame, path, layer, level, codes, gemeenten, keep_water=keep_water, read_geometry=read_geometry)


def _finish(frame, path: Path, layer: str, level: str, codes, gemeenten, *, keep_water: bool, read_geometry: bool
            ) -> Boundaries:
    """Tidy, filter, check and repair a layer as read (from a file or a given frame)."""
    code_col = _CODE_COLUMN[level]
    frame = _tidy_columns(frame, level)
    if gemeenten is not None and "gemeentecode" not in frame.columns:
        frame = frame[frame[code_col].str[2:6].isin([c[2:] for c in codes])]
    if not keep_water and "water" in frame.columns:
        frame = frame[frame["water"].astype("string").str.upper().ne("JA").fillna(True)]
    meta = {"source": path.name, "layer": layer, "year": year_from_name(path), "gemeenten": tuple(codes or ())}
    if not read_geometry:
        return Boundaries(frame.reset_index(drop=True), **meta)
    if frame.crs is None:  # read_info saw one, but be safe with odd drivers
        raise InputError(f"{path.name}: het bestand heeft geen coördinatenstelsel (CRS)")
    _check_coordinates(frame, path)
    if frame.crs.to_epsg() != 28992:
        frame = frame.to_crs(RD_NEW)
    if len(frame) and not _within_netherlands(frame.total_bounds):
        raise InputError(
            f"{path.name}: de grenzen liggen niet in Nederland na omzetting naar RD New; "
            f"klopt het coördinatenstelsel ({frame.crs.to_string() if frame.crs else '?'})?"
        )
    frame = frame.reset_index(drop=True)
    kinds = shapely.get_type_id(np.asarray(frame.geometry.values))
    wrong = ~np.isin(kinds, [-1, 3, 6])  # missing, Polygon, MultiPolygon
    if wrong.any():
        first = int(np.flatnonzero(wrong)[0])
        raise InputError(
            f"{path.name}: laag {layer!r} moet vlakken bevatten, maar {frame[code_col].iloc[first]} is een "
            f"{frame.geometry.iloc[first].geom_type} ({int(wrong.sum())} van {len(frame)} niet-vlakken); "
            "gebruik de buurtvlakken van de Wijk- en Buurtkaart"
        )
    frame, repaired = repair_geometries(frame)
    codes_ = frame[code_col].to_numpy()
    emptied = frame.geometry.isna() | frame.geometry.is_empty
    return Boundaries(frame, **meta, repaired=tuple(codes_[repaired]), emptied=tuple(codes_[emptied.to_numpy()]))


def _read_frame(given: gpd.GeoDataFrame, gemeenten, level: str, *, keep_water: bool, read_geometry: bool
                ) -> Boundaries:
    """A GeoDataFrame read as one layer of a Wijk- en Buurtkaart: the same renames, filters and checks."""
    source = Path(FRAME_SOURCE)
    if given.crs is None:
        raise InputError(f"{FRAME_SOURCE}: het frame heeft geen coördinatenstelsel (CRS); zet er een met "
                         "set_crs, bijvoorbeeld EPSG:28992 (RD New)")
    fields = [str(c) for c in given.columns if c != given.geometry.name]
    renames = _renames(fields, level)
    frame = given.rename(columns=renames)
    code_col = _CODE_COLUMN[level]
    if level != "buurten" and "buurtcode" in frame.columns:
        raise InputError(f"{FRAME_SOURCE}: geen laag {level!r}, alleen buurten")
    if code_col not in frame.columns:
        raise InputError(f"{FRAME_SOURCE}: geen kolom {code_col!r} (gevonden: {', '.join(fields)})")
    codes = None
    if gemeenten is not None:
        codes = _gemeente_codes(_gemeente_table(frame, FRAME_SOURCE), gemeenten, FRAME_SOURCE)
        if "gemeentecode" in frame.columns:
            frame = frame[frame["gemeentecode"].astype("string").str.strip().str.upper().isin(codes).fillna(False)]
    if not read_geometry:
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return _finish(frame, source, "GeoDataFrame", level, codes, gemeenten, keep_water=keep_water,
                   read_geometry=read_geometry)


def repair_geometries(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """Make invalid polygons valid, keeping only their polygonal parts.

    Returns the frame and a boolean mask of the rows repaired. A polygon that collapses to a line
    has an empty geometry afterwards; the row is kept, so that callers can report it.

    Examples
    --------
    >>> bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> fixed, repaired = repair_geometries(gpd.GeoDataFrame(geometry=[bowtie], crs=RD_NEW))
    >>> repaired.tolist(), bool(fixed.geometry.is_valid.all())
    ([True], True)
    """
    geoms = frame.geometry.values
    invalid = ~shapely.is_valid(np.asarray(geoms))
    if not invalid.any():
        return frame, invalid
    fixed = shapely.make_valid(np.asarray(geoms)[invalid])
    fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
    frame = frame.copy()
    new = np.asarray(frame.geometry.values).copy()
    new[invalid] = fixed
    frame = frame.set_geometry(gpd.GeoSeries(new, index=frame.index, crs=frame.crs))
    return frame, invalid


def list_gemeenten(path: str | Path, layer: str | None = None) -> pd.DataFrame:
    """Gemeentecode and -naam of every gemeente in a boundary file, sorted by name."""
    path = _existing(path)
    layer = layer or _pick_layer(path, "buurten")
    fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
    renames = _renames(fields, "buurten")
    named = {renames.get(f, f) for f in fields}
    keys = ("gemeentecode", "gemeentenaam") if "gemeentecode" in named else ("gemeentenaam", "buurtcode")
    wanted = [f for f in fields if renames.get(f, f) in keys]
    table = pyogrio.read_dataframe(path, layer=layer, columns=wanted, read_geometry=False)
    return _gemeente_table(table.rename(columns=renames), f"{path.name}: laag {layer!r}")


def _gemeente_table(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """``gemeentecode`` (from the buurtcode where there is no column) and ``gemeentenaam``, once each, by name."""
    table = frame[[c for c in ("gemeentecode", "gemeentenaam", "buurtcode") if c in frame.columns]]
    table = table.apply(lambda col: col.astype("string").str.strip())
    if "gemeentecode" not in table and "buurtcode" in table:
        table.insert(0, "gemeentecode", "GM" + table["buurtcode"].str.upper().str[2:6])
    if "gemeentecode" not in table:
        raise InputError(f"{source} heeft geen kolom gemeentecode of buurtcode")
    table = table.drop(columns="buurtcode", errors="ignore").drop_duplicates()
    return table.sort_values(list(table.columns)[::-1]).reset_index(drop=True)


def resolve_gemeenten(path: str | Path, selectors: Iterable[str], layer: str | None = None) -> list[str]:
    """The gemeentecodes in a boundary file that codes or names stand for (:mod:`~sociale_kaart.sources.areas`).

    ``GM0556``, ``0556``, ``556``, ``Maassluis``, ``den haag`` (for 's-Gravenhage); raises naming
    the unknown one with suggestions.

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> resolve_gemeenten(sample_path("grenzen"), ["9999", "voorbeeldstad (fictief)"])
    ['GM9999']
    """
    return _gemeente_codes(list_gemeenten(path, layer), selectors, Path(path).name)


def _gemeente_codes(known: pd.DataFrame, selectors: Iterable[str], source: str) -> list[str]:
    codes = [area.code for area in resolve_areas(known, selectors, source=source, levels=("gemeente",))]
    wrong = [code for code in codes if not GEMEENTECODE.match(code)]
    if wrong:  # the codes go into the SQL filter of the read
        raise InputError(f"{source}: ongeldige gemeentecode {wrong[0]!r}; verwacht GM gevolgd door 4 cijfers")
    return codes


def wijken_from_buurten(buurten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve buurten into wijken (for files that have no wijken layer)."""
    keep = [c for c in ("wijkcode", "gemeentecode", "gemeentenaam") if c in buurten.columns]
    wijken = buurten[keep + ["geometry"]].dissolve(by="wijkcode", as_index=False)
    wijken["wijknaam"] = pd.NA
    return wijken


def label_wijken(wijken: pd.DataFrame) -> pd.Series:
    """A readable wijknaam: the CBS name where it has one, else "Wijk 03" from the code.

    CBS leaves many 2016 wijknamen empty and prefixes others with "Wijk 04 ...".
    """
    fallback = "Wijk " + wijken["wijkcode"].str[-2:]
    names = wijken.get("wijknaam", pd.Series(pd.NA, index=wijken.index)).astype("string").str.strip()
    return names.mask(names.isna() | names.eq(""), fallback).astype(object)


def year_from_name(path: str | Path) -> int | None:
    """A four-digit year (1990-2099) in a file name, as CBS names its files; ``None`` if absent."""
    found = re.findall(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)", Path(path).stem)
    return int(found[0]) if found else None


# --- internals -------------------------------------------------------------------------------

def _existing(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(f"bestand niet gevonden: {path}")
    return path


#: RD New bounds of the Netherlands with a wide margin (x min, y min, x max, y max).
_NL_BOUNDS_RD = (-60_000, 250_000, 350_000, 700_000)


def _within_netherlands(bounds) -> bool:
    xmin, ymin, xmax, ymax = bounds
    lo_x, lo_y, hi_x, hi_y = _NL_BOUNDS_RD
    return xmin >= lo_x and ymin >= lo_y and xmax <= hi_x and ymax <= hi_y


def _check_coordinates(frame: gpd.GeoDataFrame, path: Path) -> None:
    # GeoJSON always claims WGS84; RD coordinates in it are a common mistake.
    if frame.crs.is_geographic and len(frame):
        xmin, ymin, xmax, ymax = frame.total_bounds
        if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
            raise InputError(
                f"{path.name}: het bestand zegt lengte/breedtegraad ({frame.crs.to_string()}), maar de "
                "coördinaten zijn meters (RD New?); sla het op met het juiste CRS, bijvoorbeeld EPSG:28992"
            )


def layer_names(path: str | Path) -> list[str]:
    """The names of the layers of a geo file (GeoPackage, Shapefile, GeoJSON, FlatGeobuf).

    An unreadable file is an :class:`~sociale_kaart.errors.InputError` with its name.

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> layer_names(sample_path("grenzen"))
    ['buurten', 'wijken']
    """
    path = Path(path)
    try:
        return [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise InputError(f"{path.name}: geen leesbaar geobestand ({exc})") from exc


def _pick_layer(path: Path, level: str) -> str:
    layers = layer_names(path)
    if not layers:
        raise InputError(f"{path.name}: het bestand bevat geen lagen")
    if len(layers) == 1:
        return layers[0]
    stem = level.rstrip("n").rstrip("e")  # buurten -> buurt, wijken -> wijk, gemeenten -> gemeent
    for name in layers:
        if name.lower() == level:
            return name
    matches = [n for n in layers if stem in n.lower()]
    if len(matches) == 1:
        return matches[0]
    raise InputError(f"{path.name}: geen laag {level!r} gevonden (lagen: {', '.join(layers)})")


def _renames(fields: list[str], level: str) -> dict[str, str]:
    renames = {}
    for field in fields:
        key = field.lower()
        if key in ("statcode", "statnaam"):
            target = (_CODE_COLUMN if key == "statcode" else _NAME_COLUMN)[level]
        else:
            target = COLUMN_ALIASES.get(key, key)
        if target != field and target is not None:
            renames[field] = target
    return renames


def _where_gemeenten(fields: list[str], renames: dict[str, str], codes: list[str]) -> str | None:
    # Codes passed GEMEENTECODE validation, so quoting them into SQL is safe.
    quoted = ", ".join(f"'{c}'" for c in codes)
    for field in fields:
        if renames.get(field, field) == "gemeentecode":
            return f'"{field}" IN ({quoted})'
    return None  # filtered after reading, by code prefix


def _tidy_columns(frame: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    frame = frame.copy()
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for col in frame.columns:
        if col == geometry:
            continue
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].astype("string").str.strip().astype(object)
        elif pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = to_number(frame[col])
    code_col = _CODE_COLUMN[level]
    frame[code_col] = frame[code_col].astype(str).str.upper()
    if level == "buurten":
        if "wijkcode" not in frame.columns:
            frame["wijkcode"] = "WK" + frame["buurtcode"].str[2:8]
        if "gemeentecode" not in frame.columns:
            frame["gemeentecode"] = "GM" + frame["buurtcode"].str[2:6]
    # Replacing the columns one by one left one block per column (a map with all KWB columns has
    # ~190): consolidate, or pandas warns (PerformanceWarning) at the next column added.
    return frame.copy()


def _polygonal(geom):
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
