"""Reading a municipality's own registrations and aggregating them to buurten.

Three shapes of extract are understood (CSV with ``;`` or ``,``, decimal comma, BOM or latin-1; or
XLSX):

1. **counts per buurt**: a buurtcode column and one or more count columns (``wmo_hulp_huishouden``,
   ``schuldhulp``, ...);
2. **records with coordinates**: one row per client or report with ``x``/``y`` (RD New) or
   ``lon``/``lat`` (WGS84), placed in a buurt by a spatial join;
3. **records with an address**: ``postcode`` and ``huisnummer``, placed through the CBS table
   *Buurt, wijk en gemeente per postcode en huisnummer* (``--adrestabel``).

Records may carry a category column (``voorziening``, ``regeling``, ``categorie``, ``soort``): then
each category gets its own count. Count columns are named ``reg_<name>``; their Dutch labels are in
:attr:`Registration.labels`. The data never leave the machine, and counts below the small-number
minimum are suppressed in every output (see :mod:`sociale_kaart.build.disclosure`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..sources.boundaries import year_from_name
from ..sources.codes import normalise_buurtcodes
from ..errors import InputError
from ..sources.kwb import read_table
from ..sources.values import to_number

_CODE_NAMES = ("buurtcode", "buurt_code", "bu_code", "buurt", "codering")
_CATEGORY_NAMES = ("voorziening", "regeling", "categorie", "soort", "product")
_XY_NAMES = (("x", "y"), ("rd_x", "rd_y"), ("x_rd", "y_rd"), ("xcoord", "ycoord"))
_LONLAT_NAMES = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"))


@dataclass
class RegistrationSummary:
    """How the records of an extract were placed in buurten."""

    bron: str
    vorm: str
    records: int
    geplaatst: int
    niet_geplaatst: int
    reden: str = ""

    def to_dict(self) -> dict:
        return dict(vars(self))

    def to_text(self) -> str:
        text = f"Registratie {self.bron} ({self.vorm}): {self.records} regels, {self.geplaatst} in een buurt geplaatst"
        if self.niet_geplaatst:
            text += f", {self.niet_geplaatst} niet geplaatst ({self.reden})"
        return text


@dataclass(frozen=True)
class Registration:
    """Counts per buurt from one extract.

    Attributes
    ----------
    counts : DataFrame
        ``buurtcode`` and one ``reg_*`` count column per registration.
    labels : dict
        Count column -> Dutch label.
    summary : RegistrationSummary
        How the records were placed.
    source : str
        File name.
    year : int or None
        Year from the file name.
    """

    counts: pd.DataFrame
    labels: dict[str, str]
    summary: RegistrationSummary
    source: str
    year: int | None


def read_registrations(
    path: str | Path,
    buurten: gpd.GeoDataFrame | None = None,
    *,
    address_table: str | Path | None = None,
) -> Registration:
    """Read an extract and return counts per buurtcode.

    Parameters
    ----------
    path : str or Path
        The extract (CSV or XLSX).
    buurten : GeoDataFrame, optional
        Boundaries in EPSG:28992; needed for records with coordinates.
    address_table : str or Path, optional
        CBS table postcode + huisnummer -> buurtcode; needed for records with an address.

    Returns
    -------
    Registration

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> reg = read_registrations(sample_path("registraties"))
    >>> reg.labels
    {'reg_schuldhulp': 'Schuldhulp', 'reg_huurachterstand': 'Huurachterstand'}
    >>> reg.summary.records
    16
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    code_col = next((lower[n] for n in _CODE_NAMES if n in lower), None)
    category = next((lower[n] for n in _CATEGORY_NAMES if n in lower), None)
    decimal_comma = _uses_decimal_comma(raw)

    if code_col is not None:
        codes = normalise_buurtcodes(raw[code_col], path.name)
        counts_cols = [c for c in raw.columns if c not in (code_col, category) and _is_numeric(raw[c], decimal_comma)]
        if counts_cols and category is None:
            frame = pd.DataFrame({"buurtcode": codes})
            for col in counts_cols:
                values = to_number(raw[col], decimal_comma)
                if (values < 0).any():
                    bad = raw.loc[values < 0, col].index[0]
                    raise InputError(f"{path.name}: negatief aantal in kolom {col!r} (rij {bad + 2})")
                frame[col] = values
            table = frame.groupby("buurtcode", as_index=False).sum(min_count=1)
            labels = {col: col for col in counts_cols}
            summary = RegistrationSummary(path.name, "aantallen per buurt", len(raw), len(raw), 0)
        else:
            table, labels = _count_records(pd.DataFrame({"buurtcode": codes}), raw, category, path)
            summary = RegistrationSummary(path.name, "regels met buurtcode", len(raw), len(raw), 0)
    elif (xy := _find_pair(lower, _XY_NAMES + _LONLAT_NAMES)) is not None:
        table, labels, summary = _place_by_coordinates(raw, xy, category, buurten, path, decimal_comma)
    elif "postcode" in lower and "huisnummer" in lower:
        table, labels, summary = _place_by_address(raw, lower, category, address_table, path)
    else:
        raise InputError(
            f"{path.name}: geen kolom buurtcode, geen coördinaten (x/y of lon/lat) en geen "
            "postcode + huisnummer gevonden; zie README, 'Eigen registraties'"
        )
    if summary.vorm.startswith("regels") and buurten is not None:
        # Records are complete: a buurt without records has zero, not an unknown number.
        table = table.set_index("buurtcode").reindex(
            sorted(set(buurten["buurtcode"]) | set(table["buurtcode"])), fill_value=0
        ).rename_axis("buurtcode").reset_index()
    renamed = {col: _column_name(col) for col in table.columns if col != "buurtcode"}
    table = table.rename(columns=renamed)
    return Registration(
        counts=table,
        labels={renamed[c]: _label(labels.get(c, c)) for c in renamed},
        summary=summary,
        source=path.name,
        year=year_from_name(path),
    )


def _count_records(assigned: pd.DataFrame, raw: pd.DataFrame, category: str | None, path: Path):
    if category is None:
        name = path.stem
        table = assigned.groupby("buurtcode").size().rename(name).reset_index()
        return table, {name: name}
    cats = raw.loc[assigned.index, category].astype("string").str.strip().fillna("onbekend")
    table = pd.crosstab(assigned["buurtcode"], cats.to_numpy()).reset_index()
    table.columns.name = None
    return table, {c: c for c in table.columns if c != "buurtcode"}


def _place_by_coordinates(raw, xy, category, buurten, path, decimal_comma):
    if buurten is None:
        raise InputError(f"{path.name}: regels met coördinaten hebben buurtgrenzen nodig (--grenzen)")
    xcol, ycol = xy
    x = to_number(raw[xcol], decimal_comma)
    y = to_number(raw[ycol], decimal_comma)
    crs = "EPSG:4326" if xcol.lower() in ("lon", "longitude", "lng") else "EPSG:28992"
    usable = x.notna() & y.notna()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[usable], y[usable]), index=raw.index[usable], crs=crs)
    points = points.to_crs(buurten.crs)
    hits = gpd.sjoin(points, buurten[["buurtcode", "geometry"]], how="inner", predicate="within")
    hits = hits[~hits.index.duplicated()]
    table, labels = _count_records(hits[["buurtcode"]], raw, category, path)
    lost = len(raw) - len(hits)
    summary = RegistrationSummary(
        path.name, "regels met coördinaten", len(raw), len(hits), lost,
        "zonder geldige coördinaten of buiten de buurtgrenzen",
    )
    return table, labels, summary


def _place_by_address(raw, lower, category, address_table, path):
    if address_table is None:
        raise InputError(
            f"{path.name}: regels met postcode en huisnummer hebben de CBS-tabel 'buurt per postcode "
            "en huisnummer' nodig (--adrestabel)"
        )
    lookup = read_table(Path(address_table))
    look = {c.lower(): c for c in lookup.columns}
    pc = look.get("pc6") or look.get("postcode")
    nr = look.get("huisnummer")
    bu = next((look[c] for c in look if c == "buurtcode" or re.fullmatch(r"buurt\d{4}", c)), None)
    if not (pc and nr and bu):
        raise InputError(f"{Path(address_table).name}: verwacht kolommen PC6/postcode, Huisnummer en Buurt<jaar>/buurtcode")
    table = dict(zip(_address_key(lookup[pc], lookup[nr]), lookup[bu]))
    keys = _address_key(raw[lower["postcode"]], raw[lower["huisnummer"]])
    found = keys.map(table)
    placed = found.notna()
    codes = normalise_buurtcodes(found[placed], Path(address_table).name)
    counted, labels = _count_records(pd.DataFrame({"buurtcode": codes}, index=raw.index[placed]), raw, category, path)
    summary = RegistrationSummary(
        path.name, "regels met adres", len(raw), int(placed.sum()), int((~placed).sum()),
        "adres niet in de adrestabel",
    )
    return counted, labels, summary


def _address_key(postcode: pd.Series, huisnummer: pd.Series) -> pd.Series:
    """``3142AB|12``: postcode without space in capitals, and the house number."""
    return postcode.astype("string").str.replace(" ", "").str.upper() + "|" + huisnummer.astype("string").str.strip()


def _find_pair(lower: dict[str, str], pairs) -> tuple[str, str] | None:
    for a, b in pairs:
        if a in lower and b in lower:
            return lower[a], lower[b]
    return None


def _uses_decimal_comma(raw: pd.DataFrame) -> bool:
    """Dutch notation: ``12,5`` or ``1.204``, with no value that only reads as a point decimal."""
    sample = raw.head(500).astype(str).stack().str.strip()
    comma = sample.str.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d+|-?\d+,\d+").any()
    thousands = sample.str.fullmatch(r"-?\d{1,3}(\.\d{3})+").any()
    point = sample.str.fullmatch(r"-?\d+\.(\d{1,2}|\d{4,})").any()
    return bool(comma or (thousands and not point))


def _is_numeric(column: pd.Series, decimal_comma: bool) -> bool:
    filled = column.astype("string").str.strip()
    filled = filled[filled.ne("") & filled.notna()]
    return len(filled) > 0 and to_number(filled, decimal_comma).notna().all()


def _column_name(label: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "_", str(label).lower()).strip("_") or "registratie"
    return slug if slug.startswith("reg_") else f"reg_{slug}"


def _label(name: str) -> str:
    text = re.sub(r"^reg_", "", str(name)).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
