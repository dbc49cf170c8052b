"""Reading CBS Kerncijfers Wijken en Buurten (KWB) tables, in every form CBS publishes them.

One reader, :func:`read_kwb`, chooses by the file's content (never its name) between:

* CSV: the OData table as a client writes it (``AantalInwoners_5``, ``;``, padded text) and
  StatLine exports (labels such as ``Zorg/Wmo-cliënten (aantal)``, sometimes a group row above the
  label row, decimal commas, quotes, latin-1);
* OData JSON (v3 ``TypedDataSet``/``UntypedDataSet``: ``{"value": [...]}``) and GeoJSON properties;
* XLSX (``kwb-<jaar>.xlsx`` with ``gwb_code_10``, ``a_inw``, ... or any of the header forms above);
* the Wijk- en Buurtkaart's own attributes: GeoPackage (``aantal_inwoners``,
  ``percentage_personen_65_jaar_en_ouder``, sentinel ``-99997``; every layer with figures), the
  older UPPERCASE naming (``AANT_INW``, ``P_65_EO_JR``) in CSV, DBF or shapefile;
* Parquet (needs pyarrow).

Columns are mapped to stable names by the table in ``kwb_columns.csv`` (:data:`KWB_COLUMNS`):
names are compared as words (case, diacritics, units in parentheses, separators and the OData
``_<n>`` suffix do not count), and a StatLine label path is compared as a whole and by its last
parts, so ``Sociale zekerheid/Personen per soort uitkering/Bijstand`` is
``PersonenPerSoortUitkeringBijstand_87``. Counts the source gives only as a percentage are derived
and marked so (:class:`ColumnSource` ``derived=True``).

Numbers are parsed per column (:mod:`sociale_kaart.sources.values`): a stray word, an infinite value,
a negative count, a percentage above 100 or a rate per 1.000 above 1.000 is an
:class:`~sociale_kaart.errors.InputError` naming file, column, row and region code. The notation of a
column that is ambiguous on its own (only ``1.094``-like values) is taken from the other recognised
columns of the same table.

Rows: in CSV and XLSX the header is every row above the first row with a region code or a number
(a title, a theme row whose cells span the columns to their right, the label row, a row of units);
empty rows and rows with a single cell that is no code (titles, "Bron: CBS") are not data. Every other
row is: a row whose code is no buurt-, wijk-, gemeente- or Nederland-code is kept aside in
:attr:`KwbTable.invalid_codes`, never dropped silently. Row numbers in messages are spreadsheet rows
(header included); in JSON, GeoPackage, shapefile and Parquet they are record numbers from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .boundaries import year_from_name
from .codes import LAND, gemeentecode_of, region_codes, wijkcode_of
from .declarations import BUURT, CBS, GEMEENTE, WIJK, SourceDeclaration
from .kwb_columns import ALL_COLUMNS, FORMS, KWB_COLUMNS, POOL, POOL_SHAPEFILE, column_keys, r_words
from .tabular import Grid, frame_grid, is_filled, read_grids
from .values import DUTCH, POINT, check_range, number_format, parse_numbers

#: What reports call a KWB table that was given as a DataFrame instead of a file.
FRAME_SOURCE = "kerncijfers (DataFrame)"
_WHAT = {"count": "een aantal", "percentage": "een percentage", "rate": "een aantal per 1.000", "class": "een klasse"}


@dataclass(frozen=True)
class ColumnSource:
    """Where one stable column came from: the source column, its unit, and whether it was derived."""

    stable: str
    column: str
    unit: str
    derived: bool = False  #: computed from other columns (e.g. a percentage times a total)
    kind: str = ""  #: count, percentage, rate, amount or class
    label: str = ""  #: Dutch label of the stable column
    inputs: tuple[str, ...] = ()  #: stable columns a derived column was computed from
    derivation: str = ""  #: the expression of ``kwb_columns.csv`` it was computed by (``a % b`` or ``a + b``)


@dataclass(frozen=True)
class KwbTable:
    """A KWB table as read: buurt rows in stable names, the published higher levels, provenance.

    Attributes
    ----------
    buurten : DataFrame
        ``buurtcode``, ``wijkcode``, ``gemeentecode`` (and ``buurtnaam``, ``gemeentenaam`` when given)
        and the stable columns the table has, as floats with NaN for missing.
    source : str
        File name.
    year : int or None
        Year of the figures (``Perioden``/``jaar`` column or file name).
    wijken, gemeenten : DataFrame or None
        The table's own wijk and gemeente rows (``wijkcode``/``gemeentecode``, names, stable
        columns), when it has them: the published reference values.
    nederland : dict or None
        The row for the whole country (code ``NL00``), stable name -> value.
    columns : tuple of ColumnSource
        Which source column fed each stable column, derived ones included.
    invalid_codes : tuple of (int, str)
        Rows whose code is no buurt-, wijk-, gemeente- or Nederland-code: row number as the user
        counts it (spreadsheet row, header included; record number for JSON, GeoPackage and
        Parquet) and the raw value.
    code_column : str or None
        The source column the region codes came from.
    form : str
        The file type and naming the reader recognised, in Dutch (``"CSV, OData-namen"``).
    """

    buurten: pd.DataFrame
    source: str
    year: int | None
    wijken: pd.DataFrame | None = None
    gemeenten: pd.DataFrame | None = None
    nederland: dict[str, float] | None = None
    columns: tuple[ColumnSource, ...] = ()
    invalid_codes: tuple[tuple[int, str], ...] = ()
    code_column: str | None = None
    form: str = ""


#: The KWB as a source: CBS Kerncijfers Wijken en Buurten, its figures declared by ``kwb_columns.csv``.
KWB = SourceDeclaration("kwb", "CBS, kerncijfers", publisher=CBS, licence="CC BY 4.0", levels=(BUURT, WIJK, GEMEENTE),
                        keys="Codering/WijkenEnBuurten, buurtcode of BU_CODE (BU, WK, GM, NL00)",
                        year="Perioden of jaar; anders het jaar in de bestandsnaam",
                        figures=tuple(c.figure() for c in KWB_COLUMNS.values()))
#: A table must have these to be called a KWB table.
_REQUIRED = ("inwoners",)
_CODE_SPECS = {"code": None, "buurtcode": "buurt", "wijkcode": "wijk", "gemeentecode": "gemeente"}


# --- column names ----------------------------------------------------------------------------


# --- raw tables --------------------------------------------------------------------------------


@dataclass
class _Part:
    frame: pd.DataFrame  #: code, niveau, naam, gemeentenaam, stable columns
    columns: dict[str, ColumnSource]
    invalid: list[tuple[int, str]]
    code_column: str
    naming: str
    year: int | None = None


# --- reading -----------------------------------------------------------------------------------

def read_kwb(
    path: str | Path | pd.DataFrame,
    gemeenten: list[str] | None = None,
    *,
    require_buurten: bool = True,
) -> KwbTable:
    """Read a KWB table in any of its forms into stable column names.

    Parameters
    ----------
    path : str, Path or DataFrame
        CSV (``;``, ``,`` or tab; UTF-8, with BOM, or latin-1), XLSX, JSON (CBS OData v3), GeoPackage,
        shapefile/DBF or Parquet; the form is recognised from the content. A DataFrame is read as a
        file with its columns and rows (its source is then called :data:`FRAME_SOURCE`).
    gemeenten : list of str, optional
        Gemeentecodes to keep (``["GM0556"]``) in buurten, wijken and gemeenten; ``None`` keeps all.
    require_buurten : bool
        When False, a table without buurt rows (only gemeenten, such as the gemeente table of the
        KWB) is accepted and ``buurten`` is empty.

    Returns
    -------
    KwbTable

    Raises
    ------
    InputError
        No code column, no inwoners column, no buurten (when required), a value that is not a
        number, or an implausible one.

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> kwb = read_kwb(sample_path("kwb"))
    >>> kwb.year, len(kwb.buurten), kwb.buurten.loc[0, "buurtcode"], float(kwb.buurten.loc[0, "inwoners"])
    (2024, 16, 'BU99990101', 3355.0)
    >>> kwb.nederland["inwoners"], [c.stable for c in kwb.columns if c.derived]
    (18000000.0, ['huurwoningen', 'jongeren_0_25'])
    """
    if isinstance(path, pd.DataFrame):  # a table an analyst already has: read as a file of that content
        grids, path = [frame_grid(path, FRAME_SOURCE, "DataFrame")], Path(FRAME_SOURCE)
    else:
        path = Path(path)
        if not path.exists():
            raise InputError(f"bestand niet gevonden: {path}")
        if path.is_dir():
            raise InputError(f"{path}: dit is een map; geef het bestand met de kerncijfers")
        grids = read_grids(path, wanted=_wanted_columns)
    if not grids:
        raise InputError(f"{path.name}: het bestand bevat geen tabel")
    parts, reasons = [], []
    for grid in grids:
        part = _read_grid(grid)
        (parts if isinstance(part, _Part) else reasons).append(part)
    if not parts:
        raise InputError(reasons[0])  # why the (first) table is no KWB table
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    columns: dict[str, ColumnSource] = {}
    for part in parts:
        for stable, source in part.columns.items():
            columns.setdefault(stable, source)
    stable_cols = [s for s in ALL_COLUMNS if s in columns]
    levels = frame["niveau"]
    if require_buurten and not levels.eq("buurt").any():
        raise InputError(f"{path.name}: de tabel bevat geen buurten (codes BU........)")
    if not levels.notna().any():
        raise InputError(f"{path.name}: de tabel bevat geen regio's met een geldige code (BU, WK, GM of NL00)")
    wanted = None if gemeenten is None else {str(g).strip().upper() for g in gemeenten}
    buurten = _level_frame(frame[levels.eq("buurt").to_numpy()], "buurt", stable_cols, wanted)
    wijken = _level_frame(frame[levels.eq("wijk").to_numpy()], "wijk", stable_cols, wanted)
    gemeente_rows = _level_frame(frame[levels.eq("gemeente").to_numpy()], "gemeente", stable_cols, wanted)
    land = frame[levels.eq(LAND).to_numpy()]
    nederland = ({s: float(land.iloc[0][s]) for s in stable_cols} if len(land) else None)
    return KwbTable(
        buurten=buurten,
        source=path.name,
        year=next((p.year for p in parts if p.year), None) or year_from_name(path),
        wijken=wijken if len(wijken) else None,
        gemeenten=gemeente_rows if len(gemeente_rows) else None,
        nederland=nederland,
        columns=tuple(columns[s] for s in stable_cols),
        invalid_codes=tuple(item for p in parts for item in p.invalid),
        code_column=parts[0].code_column,
        form=f"{grids[0].file_type}, {FORMS.get(parts[0].naming, 'onbekende namen')}",
    )


def _wanted_columns(grid: Grid) -> list[int]:
    """The positions of the columns a KWB name matches: the only ones a CSV is read with."""
    return sorted({position for places in _match(grid).values() for position, _n in places})


def _match(grid: Grid) -> dict[str, list[tuple[int, int]]]:
    """Stable name -> [(column position, specificity)], best first."""
    pool = POOL_SHAPEFILE if grid.file_type == "Shapefile" else POOL
    found: dict[str, list[tuple[int, int]]] = {}
    for position, name in enumerate(grid.names):
        for key, n in column_keys(name):
            if key in pool:
                for stable, _form in pool[key]:
                    found.setdefault(stable, []).append((position, n))
                break
    for stable in found:
        found[stable].sort(key=lambda item: (-item[1], item[0]))
    return found


def _naming(grid: Grid, found: dict[str, list[tuple[int, int]]], mapping: dict[str, int]) -> str:
    votes = []
    for stable, position in mapping.items():
        name = grid.names[position]
        if "/" in name or "(" in name or " " in name.strip() or r_words(name) is not None:
            votes.append("statline")  # also as R re-saves them (dots for spaces, slashes and parentheses)
            continue
        key = next((k for k, _n in column_keys(name) if k in POOL), None)
        forms = [form for s, form in POOL.get(key, []) if s == stable]
        if re.search(r"[a-z]_\d+$|^[A-Z][a-z]", name) and "odata" in forms:
            votes.append("odata")
        elif forms:
            votes.append("map_upper" if name.isupper() and "map_upper" in forms else
                         "map" if "map" in forms else forms[0])
    return max(set(votes), key=votes.count) if votes else ""


def _looks_like_codes(values: pd.Series, level: str | None) -> bool:
    filled = values[[is_filled(v) for v in values]]
    if filled.empty:
        return False
    sample = filled.head(2000)
    return region_codes(sample, level=level)["code"].notna().mean() >= 0.5


def _read_grid(grid: Grid) -> _Part | str:
    """The table's rows in stable names; or, for a table without codes or inwoners, the reason in Dutch.

    A file with several tables (layers, sheets) is read from those that are KWB tables; the reason is
    the error when none is.
    """
    found = _match(grid)
    code_position, code_level = None, None
    for spec, level in _CODE_SPECS.items():
        for position, _n in found.get(spec, []):
            if _looks_like_codes(grid.data[position], level):
                code_position, code_level = position, level
                break
        if code_position is not None:
            break
    if code_position is None:
        return (
            f"{grid.source}: geen kolom met de buurtcode (zoals 'Codering_3', 'WijkenEnBuurten', 'buurtcode' "
            "of 'BU_CODE'); is dit een tabel Kerncijfers Wijken en Buurten van het CBS?"
        )
    mapping = {s: found[s][0][0] for s in KWB_COLUMNS if s in found and found[s][0][0] != code_position}
    missing = [s for s in _REQUIRED if s not in mapping]
    if missing:
        return (
            f"{grid.source}: dit is geen KWB-tabel van het CBS: kolom voor {', '.join(missing)} "
            "(zoals 'AantalInwoners_5', 'Bevolking/Aantal inwoners' of 'aantal_inwoners') ontbreekt"
        )
    data = grid.data
    soort = data[found["soort_regio"][0][0]] if "soort_regio" in found else None
    codes = region_codes(data[code_position], level=code_level, soort=soort)
    valid = codes["code"].notna().to_numpy()
    raw_codes = data[code_position]
    invalid = [(grid.rows[i], "" if not is_filled(raw_codes.iloc[i]) else str(raw_codes.iloc[i]).strip())
               for i in np.flatnonzero(~valid)]
    rows = [grid.rows[i] for i in np.flatnonzero(valid)]
    code_list = codes["code"][valid].tolist()
    table = data[valid].reset_index(drop=True)
    frame = pd.DataFrame({"code": code_list, "niveau": codes["niveau"][valid].tolist()}, dtype=object)
    text_positions = _text_columns(grid, found, code_position, code_level, table)
    for name, position in text_positions.items():
        frame[name] = [str(v).strip() if is_filled(v) else None for v in table[position]]
    formats = {number_format(table[p]) for p in mapping.values()} - {None}
    hint = next(iter(formats)) if len(formats) == 1 and formats <= {DUTCH, POINT} else None
    columns: dict[str, ColumnSource] = {}
    for stable, position in mapping.items():
        spec, name = KWB_COLUMNS[stable], grid.names[position]
        values = parse_numbers(table[position], source=grid.source, column=name, rows=rows, codes=code_list, hint=hint)
        check_range(values, source=grid.source, column=name, minimum=spec.minimum, maximum=spec.maximum,
                    what=_WHAT.get(spec.kind, ""), rows=rows, codes=code_list)
        frame[stable] = values.to_numpy()
        columns[stable] = ColumnSource(stable, name, spec.unit, kind=spec.kind, label=spec.label)
    _derive(frame, columns)
    _check_universes(frame, columns, grid.source, rows)
    return _Part(frame, columns, invalid, grid.names[code_position], _naming(grid, found, mapping),
                 year=_year(table, text_positions, grid))


def _text_columns(grid, found, code_position, code_level, table) -> dict[str, int]:
    """Positions of the name, gemeentenaam and period columns (names must not be codes)."""
    out = {}
    order = {"buurt": ["buurtnaam", "naam", "wijknaam"], "wijk": ["wijknaam", "naam"],
             "gemeente": ["gemeentenaam", "naam"]}.get(code_level, ["naam", "buurtnaam", "wijknaam"])
    for spec in order:
        for position, _n in found.get(spec, []):
            if position != code_position and not _looks_like_codes(table[position], None):
                out["naam"] = position
                break
        if "naam" in out:
            break
    for spec in ("gemeentenaam", "perioden"):
        if spec in found and found[spec][0][0] != code_position:
            out[spec] = found[spec][0][0]
    return out


def _year(table: pd.DataFrame, text_positions: dict[str, int], grid: Grid) -> int | None:
    if "perioden" not in text_positions:
        return None
    for value in table[text_positions["perioden"]]:
        if is_filled(value):
            found = re.search(r"(19|20)\d\d", str(value))
            if found:
                return int(found.group(0))
    return None


def _derive(frame: pd.DataFrame, columns: dict[str, ColumnSource]) -> None:
    """Add the counts the source gives only indirectly, in ``kwb_columns.csv`` order."""
    for stable, spec in KWB_COLUMNS.items():
        if stable in columns or not spec.derivation:
            continue
        for expression in spec.derivation.split("|"):  # alternatives, the first whose inputs the table has
            share = re.fullmatch(r"\s*(\w+)\s*%\s*(\w+)\s*", expression)
            total = re.fullmatch(r"\s*(\w+)\s*\+\s*(\w+)\s*", expression)
            a, b = (share or total).groups()
            if a in columns and b in columns:
                break
        else:
            continue
        if share:
            frame[stable] = frame[a] / 100 * frame[b]
            how = f"{_source_text(columns[a])} × {_source_text(columns[b])} / 100"
        else:
            frame[stable] = frame[a] + frame[b]
            how = f"{_source_text(columns[a])} + {_source_text(columns[b])}"
        columns[stable] = ColumnSource(stable, how, spec.unit, derived=True, kind=spec.kind, label=spec.label,
                                       inputs=(a, b), derivation=expression.strip())


#: A count may lie this much above its universe: CBS rounds both (counts of people to 5, benefits to 10).
UNIVERSE_MARGIN = 10


def _check_universes(frame: pd.DataFrame, columns: dict[str, ColumnSource], source: str, rows: list[int]) -> None:
    """Refuse a count above the count it belongs to (Wmo-cliënten above the inhabitants of the buurt).

    Examples
    --------
    >>> f = pd.DataFrame({"code": ["BU05560101"], "inwoners": [1335.0], "wmo_clienten": [1e9]})
    >>> cols = {"wmo_clienten": ColumnSource("wmo_clienten", "WmoClienten_93", "aantal")}
    >>> _check_universes(f, cols, "kwb.csv", [7])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: kwb.csv: kolom 'WmoClienten_93' heeft 1000000000 Wmo-cliënten in rij 7 (BU05560101), ...
    """
    for stable, source_column in columns.items():
        spec = KWB_COLUMNS.get(stable)
        if spec is None or not spec.universe or spec.universe not in frame or stable not in frame:
            continue
        above = (frame[stable] > frame[spec.universe] + UNIVERSE_MARGIN).to_numpy()
        if above.any():
            i = int(np.flatnonzero(above)[0])
            total = KWB_COLUMNS[spec.universe].label.lower() if spec.universe in KWB_COLUMNS else spec.universe
            raise InputError(
                f"{source}: kolom {source_column.column!r} heeft {frame[stable].iloc[i]:.0f} {spec.label} in rij "
                f"{rows[i]} ({frame['code'].iloc[i]}), meer dan de {frame[spec.universe].iloc[i]:.0f} {total} van "
                "die regio; een aantal kan niet boven zijn totaal liggen")


def _source_text(source: ColumnSource) -> str:
    return f"({source.column})" if source.derived else source.column


def _level_frame(rows: pd.DataFrame, level: str, stable_cols: list[str], wanted: set[str] | None) -> pd.DataFrame:
    codes = rows["code"].astype(object)
    out = pd.DataFrame(index=rows.index)
    if level == "buurt":
        out["buurtcode"] = codes
        out["wijkcode"] = wijkcode_of(codes) if len(codes) else codes
        out["gemeentecode"] = gemeentecode_of(codes) if len(codes) else codes
    elif level == "wijk":
        out["wijkcode"] = codes
        out["gemeentecode"] = gemeentecode_of(codes) if len(codes) else codes
    else:
        out["gemeentecode"] = codes
    name_col = {"buurt": "buurtnaam", "wijk": "wijknaam", "gemeente": "gemeentenaam"}[level]
    if "naam" in rows.columns and rows["naam"].notna().any():
        out[name_col] = rows["naam"].astype(object)
    if "gemeentenaam" in rows.columns and rows["gemeentenaam"].notna().any():
        if level == "gemeente" and name_col in out:
            out[name_col] = out[name_col].where(out[name_col].notna(), rows["gemeentenaam"])
        else:
            out["gemeentenaam"] = rows["gemeentenaam"].astype(object)
    for stable in stable_cols:
        out[stable] = rows[stable].astype(float)
    if wanted is not None:
        out = out[out["gemeentecode"].isin(wanted)]
    return out.reset_index(drop=True)
