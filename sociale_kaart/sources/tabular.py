"""Reading tables as municipalities and CBS hand them over: CSV, XLSX, JSON, Parquet, GeoPackage, shapefile.

:func:`read_table` gives a CSV or XLSX as text columns, coping with Dutch CSV habits (``;``, BOM,
latin-1) and refusing a header that names a column twice. :func:`read_grids` gives every table of
a file of any type as a :class:`Grid` (column names as label paths, cells as read, row numbers as the
user counts them), finding the header rows (title, theme, label and unit rows) above the first row
with a region code or a number; the KWB reader (:mod:`sociale_kaart.sources.kwb`) reads its figures
from these grids.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .boundaries import layer_names
from .kwb_columns import UNIT_CELL
from .values import is_number_text


@dataclass
class Grid:
    """A table as found in the file: column names (header path), cells, row numbers."""

    names: list[str]
    data: pd.DataFrame  #: columns 0..n-1 by position; cells as read (text or numbers)
    rows: list[int]  #: row number of each data row as the user counts it
    source: str
    file_type: str


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX as text columns, coping with Dutch CSV habits (``;``, BOM, latin-1)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"bestand niet gevonden: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            header = pd.read_excel(path, dtype=str, header=None, nrows=1, keep_default_na=False).iloc[0].tolist()
            refuse_duplicate_headers(header, path)
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{path.name}: kan het Excel-bestand niet lezen ({exc})") from exc
    text = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=first.count)
    if first.count(sep) == 0:
        raise InputError(f"{path.name}: geen tabel met kolommen herkend (scheidingsteken ; , of tab)")
    refuse_duplicate_headers(next(csv.reader([first.strip("\r")], delimiter=sep)), path)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise InputError(f"{path.name}: kan de CSV niet lezen ({exc})") from exc


def refuse_duplicate_headers(header, path: Path) -> None:
    """Two columns with the same name are two figures under one name: refused, never renamed silently.

    Examples
    --------
    >>> refuse_duplicate_headers(["buurtcode", "meldingen", " Meldingen"], Path("x.csv"))
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: x.csv: de kolomnaam 'meldingen' staat 2 keer in de kop (kolommen 2 en 3); geef elke kolom een eigen naam
    """
    seen: dict[str, list[int]] = {}
    for number, name in enumerate(header, 1):
        key = str(name).strip().casefold()
        if key:
            seen.setdefault(key, []).append(number)
    for key, numbers in seen.items():
        if len(numbers) > 1:
            raise InputError(f"{path.name}: de kolomnaam {str(header[numbers[0] - 1]).strip()!r} staat "
                             f"{len(numbers)} keer in de kop (kolommen {' en '.join(map(str, numbers))}); geef elke "
                             "kolom een eigen naam")


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _file_type(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return "XLSX"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path.name}: oud Excel-formaat (.xls); sla het op als .xlsx of CSV")
    if head.startswith(b"SQLite format 3\x00"):
        return "GeoPackage"
    if head.startswith(b"PAR1"):
        return "Parquet"
    if head[:4] == b"\x00\x00\x27\x0a":
        return "Shapefile"
    if path.suffix.lower() == ".dbf":
        return "DBF"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "JSON"
    return "CSV"


def read_grids(path: Path, *, wanted=None) -> list[Grid]:
    """Every table in a file (a sheet, a layer), whatever its type; `wanted(grid)` names the CSV columns to keep."""
    kind = _file_type(path)
    if kind == "CSV":
        return [_csv_grid(path, wanted)]
    if kind == "XLSX":
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
        except Exception as exc:
            raise InputError(f"{path.name}: kan het Excel-bestand niet lezen ({exc})") from exc
        grids, errors = [], []
        for name, sheet in sheets.items():
            cells = sheet.astype(object).where(sheet.notna(), None).values.tolist()
            try:
                grids.append(grid_from_rows(cells, path.name if len(sheets) == 1 else f"{path.name} (blad {name})",
                                             kind))
            except InputError as exc:  # a sheet of explanations beside the table
                errors.append(exc)
        if not grids and errors:
            raise errors[0]
        return grids
    if kind == "JSON":
        return [frame_grid(_json_frame(path), path.name, kind)]
    if kind == "Parquet":
        try:
            frame = pd.read_parquet(path)
        except ImportError as exc:
            raise InputError(
                f"{path.name}: Parquet lezen vraagt het pakket pyarrow, dat niet is geïnstalleerd "
                "(pip install pyarrow), of lever de tabel als CSV"
            ) from exc
        except Exception as exc:
            raise InputError(f"{path.name}: kan het Parquet-bestand niet lezen ({exc})") from exc
        return [frame_grid(frame, path.name, kind)]
    import pyogrio

    layers = layer_names(path)
    try:
        frames = [(layer, pyogrio.read_dataframe(path, layer=layer, read_geometry=False)) for layer in layers]
    except Exception as exc:
        raise InputError(f"{path.name}: kan de attributen niet lezen ({exc})") from exc
    if "buurten" in layers:  # the Wijk- en Buurtkaart: buurten first, then wijken and gemeenten
        frames.sort(key=lambda item: {"buurten": 0, "wijken": 1, "gemeenten": 2}.get(item[0], 3))
    return [frame_grid(frame, path.name if len(frames) == 1 else f"{path.name} (laag {layer})",
                        "Shapefile" if kind in ("Shapefile", "DBF") else kind)
            for layer, frame in frames]


def _separator(text: str) -> str | None:
    """The separator that splits most lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_fields = None, 1
    for sep in (";", ",", "\t"):
        counts = [len(fields) for fields in csv.reader(lines, delimiter=sep)]
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        modal = max(set(wide), key=wide.count)
        if wide.count(modal) >= 0.6 * len(wide) and modal > best_fields:
            best, best_fields = sep, modal
    return best


def _json_frame(path: Path) -> pd.DataFrame:
    try:
        data = json.loads(decode(path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name}: geen geldige JSON ({exc.msg}, regel {exc.lineno})") from None
    if isinstance(data, dict) and "features" in data:
        records = [feature.get("properties") or {} for feature in data["features"]]
    elif isinstance(data, dict) and isinstance(data.get("value"), list):
        if data.get("odata.nextLink") or data.get("@odata.nextLink"):
            raise InputError(
                f"{path.name}: dit is maar één pagina van de CBS-tabel (het antwoord verwijst naar een "
                "volgende pagina); haal de hele tabel op met 'sociale-kaart fetch' of als CSV"
            )
        records = data["value"]
    elif isinstance(data, list):
        records = data
    else:
        raise InputError(f"{path.name}: JSON zonder tabel; verwacht een CBS OData-antwoord met \"value\"")
    if records and not all(isinstance(r, dict) for r in records):
        raise InputError(f"{path.name}: JSON zonder tabel; verwacht een lijst met records")
    frame = pd.DataFrame.from_records(records)
    if {"Measure", "Value"} <= set(frame.columns):
        raise InputError(
            f"{path.name}: dit is CBS OData v4 (een waarde per regel, 'Measure'/'Value'); lever de "
            "TypedDataSet van OData v3 of een CSV"
        )
    return frame


def frame_grid(frame: pd.DataFrame, source: str, file_type: str) -> Grid:
    names = [str(c) for c in frame.columns]
    data = frame.copy()
    data.columns = range(len(names))
    return Grid(names, data.reset_index(drop=True), [i + 1 for i in range(len(frame))], source, file_type)


def is_filled(value) -> bool:
    return not (value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "")


def first_filled(row: list, n: int) -> list:
    """The first `n` non-empty cells of a row."""
    found = []
    for value in row:
        if is_filled(value):
            found.append(value)
            if len(found) == n:
                break
    return found


CODE_CELL = re.compile(r"\s*((BU|WK|GM)\d{4}[0-9A-Z]{0,4}|NL\d{0,2})\s*", re.IGNORECASE)


def grid_from_rows(rows: list[list], source: str, file_type: str) -> Grid:
    """Find the header rows (title, group, label and unit rows) above the first data row."""
    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    names, start = header_rows(rows, width, source)
    body = [rows[i] for i in range(start, len(rows))]
    data = pd.DataFrame(body or None, columns=range(width), dtype=object)
    return data_rows(names, data, [start + i + 1 for i in range(len(body))], source, file_type)


def header_rows(rows: list[list], width: int, source: str) -> tuple[list[str], int]:
    """Column names (label paths) and the index of the first data row: the first row with a code or number."""
    start = next((i for i, r in enumerate(rows) if any(
        isinstance(v, (int, float, np.number)) and is_filled(v) or isinstance(v, str) and (
            CODE_CELL.fullmatch(v) or is_number_text(v)) for v in r)), None)
    if start is None or start == 0:
        raise InputError(f"{source}: geen kopregel met kolomnamen boven de gegevens gevonden")
    header = [r for r in rows[:start] if sum(is_filled(v) for v in r) > 0]
    if len(header) > 1:
        header = [r for r in header if sum(is_filled(v) for v in r) > 1] or header[-1:]  # titles out
    header = [r for r in header if not all(UNIT_CELL.fullmatch(str(v).strip()) for v in r if is_filled(v))] \
        or header[-1:]  # a row of units only ("aantal", "%")
    groups = []
    for r in header[:-1]:  # a group cell spans the columns to its right (merged cells)
        filled, last = [], ""
        for v in r:
            last = str(v).strip() if is_filled(v) else last
            filled.append(last)
        groups.append(filled)
    names = []
    for j in range(width):
        label = str(header[-1][j]).strip() if is_filled(header[-1][j]) else ""
        parts = [g[j] for g in groups if g[j] and g[j] != label] + ([label] if label else [])
        names.append("/".join(dict.fromkeys(parts)) or f"kolom {j + 1}")
    return names, start


def data_rows(names: list[str], data: pd.DataFrame, numbers: list[int], source: str, file_type: str) -> Grid:
    """The data rows: empty lines, titles and footers ("Bron: CBS": one cell that is no code) are no data."""
    text = data.astype("string")
    mask = np.column_stack([text[c].str.strip().ne("").fillna(False).to_numpy(dtype=bool) for c in text.columns]) \
        if len(data.columns) else np.zeros((len(data), 0), dtype=bool)
    filled = mask.sum(axis=1)
    keep = filled > 0
    for i in np.flatnonzero(filled == 1):
        value = data.iat[i, int(mask[i].argmax())]
        keep[i] = isinstance(value, str) and bool(CODE_CELL.fullmatch(value))
    data = data[keep].reset_index(drop=True)
    return Grid(names, data, [n for n, k in zip(numbers, keep) if k], source, file_type)


def _csv_grid(path: Path, wanted=None) -> Grid:
    """A CSV read lean: the header from its first lines, then only the columns `wanted` names (all without it).

    A whole-country table with every column would otherwise be held as text, cell by cell (20 times
    its size in memory); the file is parsed from disk (never held whole as text), the columns nobody
    reads are skipped, and the others are held as categories (counts rounded to 5 repeat a lot).
    """
    encoding = _encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        head_text = "".join(itertools.islice(handle, _HEAD_ROWS))
    sep = _separator(head_text)
    if sep is None:
        raise InputError(f"{path.name}: geen tabel met kolommen herkend (scheidingsteken ; , of tab)")
    try:
        head = list(csv.reader(io.StringIO(head_text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise InputError(f"{path.name}: kan de CSV niet lezen ({exc})") from exc
    width = max((len(r) for r in head), default=0)
    names, start = header_rows([list(r) + [None] * (width - len(r)) for r in head], width, path.name)
    probe = Grid(names, pd.DataFrame(columns=range(width), dtype=object), [], path.name, "CSV")
    wanted = wanted(probe) if wanted else list(range(width))
    try:
        chunks = pd.read_csv(path, encoding=encoding, sep=sep, header=None, names=list(range(width)),
                             usecols=wanted or [0], skiprows=start, dtype=str, keep_default_na=False,
                             na_filter=False, skip_blank_lines=False, engine="c", chunksize=20_000)
        # Per chunk, each distinct text is kept once (counts rounded to 5 repeat a lot).
        data = pd.concat([chunk.apply(lambda column: column.astype("category")) for chunk in chunks],
                         ignore_index=True)
    except (ValueError, pd.errors.ParserError):  # ragged rows: the careful reader reads every cell
        text = decode(path.read_bytes())
        return grid_from_rows(list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)), path.name, "CSV")
    data = data.apply(lambda column: column.astype(object))
    return data_rows(names, data, [start + i + 1 for i in range(len(data))], path.name, "CSV")


def _encoding(path: Path) -> str:
    """The encoding :func:`decode` would choose, found without holding the file as text."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


#: Lines of a CSV read to find its header (title, group, label and unit rows come first).
_HEAD_ROWS = 200
