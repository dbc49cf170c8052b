"""Own area layouts ("eigen indelingen") as a municipality keeps them: read and checked.

Two shapes are understood:

1. **a table** (CSV or XLSX): a buurtcode column and a column with the name of the area of each
   buurt (``gebied``, or the one other column, or the column named in the project file);
2. **polygons** (GeoPackage, Shapefile, GeoJSON, FlatGeobuf): one or more polygons per area with a
   name column, optionally a code column that tells areas of the same name apart (the 2024 wijken
   of the whole country have many a "Centrum").

What is read here is the layout as the file holds it; which buurten of a run fall in which area is
decided in :mod:`sociale_kaart.combine.layouts`. A buurtcode that is not a buurtcode, a buurtcode
that occurs twice or an empty area name stops the run with the file, row and code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ..errors import InputError
from .boundaries import RD_NEW, layer_names, repair_geometries
from .codes import buurtcode_column, normalise_buurtcodes
from .tabular import read_table

#: File types read as polygons; everything else is read as a table.
POLYGON_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".fgb")
#: Names of the area-name column that are found without being named in the project file.
_NAME_COLUMNS = ("gebied", "gebiedsnaam", "naam", "name")


@dataclass(frozen=True)
class LayoutSource:
    """One layout as read from its file.

    Attributes
    ----------
    name : str
        The layout's name in the project file ("Wijken gemeenteatlas").
    source : str
        File name.
    kind : {"tabel", "vlakken"}
        A table buurtcode -> area, or polygons.
    table : DataFrame or None
        ``tabel``: ``buurtcode``, ``gebied`` and ``rij`` (the spreadsheet row), in file order.
    polygons : GeoDataFrame or None
        ``vlakken``: ``sleutel`` (code column, else the name), ``gebied`` and the geometry in
        EPSG:28992, one row per area (the polygons of one area united), in file order.
    repaired : tuple of str
        The area name of every invalid polygon that was made valid (one entry per polygon).
    """

    name: str
    source: str
    kind: str
    table: pd.DataFrame | None = None
    polygons: gpd.GeoDataFrame | None = None
    repaired: tuple[str, ...] = ()


def read_layout(spec) -> LayoutSource:
    """Read the layout a ``LayoutSpec`` of the project file declares.

    Examples
    --------
    >>> import tempfile
    >>> from sociale_kaart.settings import LayoutSpec
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "wijken.csv"
    ...     _ = p.write_text("buurtcode;gebied\\nBU05560101;Noord\\n5560102;Noord\\n")
    ...     read_layout(LayoutSpec(name="Eigen", source=p)).table.to_dict("list")
    {'buurtcode': ['BU05560101', 'BU05560102'], 'gebied': ['Noord', 'Noord'], 'rij': [2, 3]}
    """
    path = Path(spec.source)
    if not path.exists():
        raise InputError(f"indeling {spec.name!r}: bestand niet gevonden: {path}")
    if path.suffix.lower() in POLYGON_SUFFIXES:
        return _read_polygons(spec, path)
    if spec.layer or spec.code:
        raise InputError(f"indeling {spec.name!r}: laag en code horen bij een vlakkenbestand, niet bij {path.name}")
    return _read_table(spec, path)


def _read_table(spec, path: Path) -> LayoutSource:
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    code = buurtcode_column(raw.columns)
    if code is None:
        raise InputError(f"{path.name}: geen kolom met de buurtcode (zoals buurtcode of bu_code); "
                         f"gevonden: {', '.join(raw.columns)}")
    name = _name_column(spec, path, [c for c in raw.columns if c != code])
    rows = pd.Series(np.arange(len(raw)) + 2, index=raw.index)  # as a spreadsheet counts: header is row 1
    codes = normalise_buurtcodes(raw[code], path.name)
    names = raw[name].astype("string").str.strip()
    empty = names.isna() | names.eq("")
    if empty.any():
        first = empty[empty].index[0]
        raise InputError(f"{path.name}: rij {rows[first]} (buurtcode {codes[first]}): geen gebiedsnaam in kolom {name!r}")
    duplicated = codes.duplicated(keep=False)
    if duplicated.any():
        first = codes[duplicated].iloc[0]
        where = ", ".join(str(r) for r in rows[codes.eq(first)])
        raise InputError(f"{path.name}: buurtcode {first} staat er meer dan eens in (rijen {where}); "
                         "een buurt hoort bij één gebied")
    table = pd.DataFrame({"buurtcode": codes.to_numpy(), "gebied": names.astype(object).to_numpy(),
                          "rij": rows.to_numpy()})
    return LayoutSource(name=spec.name, source=path.name, kind="tabel", table=table)


def _name_column(spec, path: Path, candidates: list[str]) -> str:
    if spec.column:
        if spec.column not in candidates:
            raise InputError(f"{path.name}: kolom {spec.column!r} (indeling {spec.name!r}) niet gevonden; "
                             f"gevonden: {', '.join(candidates)}")
        return spec.column
    by_lower = {c.lower(): c for c in candidates}
    found = next((by_lower[n] for n in _NAME_COLUMNS if n in by_lower), None)
    if found is None and len(candidates) == 1:
        found = candidates[0]
    if found is None:
        raise InputError(f"{path.name}: welke kolom heeft de naam van het gebied? Zet kolom = \"...\" bij "
                         f"[[indeling]] {spec.name!r}; gevonden: {', '.join(candidates)}")
    return found


def _read_polygons(spec, path: Path) -> LayoutSource:
    layers = layer_names(path)
    layer = spec.layer
    if layer is None and len(layers) != 1:
        raise InputError(f"{path.name}: kies een laag met laag = \"...\" bij [[indeling]] {spec.name!r} "
                         f"(lagen: {', '.join(layers)})")
    if layer is not None and layer not in layers:
        raise InputError(f"{path.name}: geen laag {layer!r} (lagen: {', '.join(layers)})")
    layer = layer or layers[0]
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:
        raise InputError(f"{path.name}: kan laag {layer!r} niet lezen: {exc}") from exc
    if frame.crs is None:
        raise InputError(f"{path.name}: het bestand heeft geen coördinatenstelsel (CRS); sla het op met een CRS, "
                         "bijvoorbeeld EPSG:28992 (RD New)")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    name = _name_column(spec, path, columns)
    if spec.code and spec.code not in columns:
        raise InputError(f"{path.name}: kolom {spec.code!r} (code van indeling {spec.name!r}) niet gevonden; "
                         f"gevonden: {', '.join(columns)}")
    features = pd.Series(np.arange(len(frame)) + 1, index=frame.index)
    names = frame[name].astype("string").str.strip()
    empty = names.isna() | names.eq("")
    if empty.any():
        first = empty[empty].index[0]
        raise InputError(f"{path.name}: vlak nummer {features[first]} heeft geen gebiedsnaam in kolom {name!r}")
    kinds = shapely.get_type_id(np.asarray(frame.geometry.values))
    wrong = ~np.isin(kinds, [3, 6])  # Polygon, MultiPolygon
    if wrong.any():
        first = int(np.flatnonzero(wrong)[0])
        raise InputError(f"{path.name}: vlak nummer {first + 1} ({names.iloc[first]}) is geen vlak maar "
                         f"{'leeg' if kinds[first] == -1 else frame.geometry.iloc[first].geom_type}")
    frame = frame.to_crs(RD_NEW) if frame.crs.to_epsg() != 28992 else frame
    frame, repaired = repair_geometries(frame.reset_index(drop=True))
    keys = (frame[spec.code].astype("string").str.strip() if spec.code else names.reset_index(drop=True))
    table = gpd.GeoDataFrame({"sleutel": keys.astype(object).to_numpy(), "gebied": names.astype(object).to_numpy()},
                             geometry=frame.geometry.values, crs=RD_NEW)
    clash = table.groupby("sleutel", sort=False)["gebied"].nunique()
    if (clash > 1).any():
        key = clash[clash > 1].index[0]
        raise InputError(f"{path.name}: code {key} (kolom {spec.code!r}) heeft meer dan één naam: "
                         f"{', '.join(table.loc[table['sleutel'].eq(key), 'gebied'].unique())}")
    united = table.dissolve(by="sleutel", sort=False, as_index=False)[["sleutel", "gebied", "geometry"]]
    return LayoutSource(name=spec.name, source=path.name, kind="vlakken", polygons=united,
                        repaired=tuple(table.loc[np.asarray(repaired), "gebied"]))
