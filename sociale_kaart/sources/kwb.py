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

import codecs
import csv
import io
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .boundaries import layer_names, year_from_name
from .codes import LAND, gemeentecode_of, region_codes, wijkcode_of
from .declarations import BUURT, CBS, GEMEENTE, NEITHER, WIJK, Figure, SourceDeclaration
from .values import DUTCH, POINT, check_range, is_number_text, number_format, parse_numbers

#: The naming conventions in ``kwb_columns.csv``, with a Dutch description for reports.
FORMS = {
    "odata": "OData-namen",
    "statline": "StatLine-labels",
    "map": "namen van de Wijk- en Buurtkaart",
    "map_upper": "namen van de Wijk- en Buurtkaart (tot 2016)",
    "xlsx": "namen van kwb-<jaar>.xlsx",
}
#: What reports call a KWB table that was given as a DataFrame instead of a file.
FRAME_SOURCE = "kerncijfers (DataFrame)"
_NUMERIC_KINDS = ("count", "percentage", "rate", "amount", "class")
_WHAT = {"count": "een aantal", "percentage": "een percentage", "rate": "een aantal per 1.000", "class": "een klasse"}


@dataclass(frozen=True)
class KwbColumn:
    """One row of ``kwb_columns.csv``: a stable column and the names each form gives it.

    Attributes
    ----------
    stable : str
        The name used downstream (``inwoners``, ``pct_65plus_cbs``, ...).
    kind : str
        ``count``, ``percentage``, ``rate`` (per 1.000), ``amount``, ``class``, ``code`` or ``text``.
    unit : str
        Dutch unit text (``aantal``, ``% van de inwoners``, ``per 1.000 inwoners``).
    label : str
        Dutch label.
    minimum, maximum : float or None
        Plausible range; a value outside it is an error.
    names : tuple of (form, name)
        Known source names per form (see :data:`FORMS`).
    derivation : str
        ``"a % b"`` (a percent of b) or ``"a + b"``: how to compute the column when no source
        column holds it; empty when it is never derived.
    direction : str
        ``higher_worse``, ``higher_better`` or ``neither``.
    universe : str
        The count this count never exceeds (``inwoners``); empty when none.
    lineage : str
        Who published it (``CBS``).
    """

    stable: str
    kind: str
    unit: str
    label: str
    minimum: float | None
    maximum: float | None
    names: tuple[tuple[str, str], ...]
    derivation: str = ""
    direction: str = NEITHER
    universe: str = ""
    lineage: str = CBS

    def figure(self) -> Figure:
        """The declaration of this column (:class:`~sociale_kaart.sources.declarations.Figure`)."""
        return Figure(self.stable, self.label, kind=self.kind, unit=self.unit, direction=self.direction,
                      lineage=self.lineage, universe=self.universe or None, minimum=self.minimum,
                      maximum=self.maximum)


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


def load_columns() -> dict[str, KwbColumn]:
    """The stable columns of ``kwb_columns.csv``, in file order (numeric, code and text kinds)."""
    text = resources.files("sociale_kaart.sources").joinpath("kwb_columns.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out = {}
    for row in csv.DictReader(lines):
        names = tuple((form, name.strip()) for form in FORMS for name in row[form].split("|") if name.strip())
        out[row["stable"]] = KwbColumn(
            stable=row["stable"], kind=row["kind"], unit=row["unit"], label=row["label"],
            minimum=float(row["min"]) if row["min"] else None, maximum=float(row["max"]) if row["max"] else None,
            names=names, derivation=row["derivation"].strip(), direction=row["direction"].strip() or NEITHER,
            universe=row["universe"].strip(), lineage=row["lineage"].strip() or CBS,
        )
    return out


_ALL_COLUMNS = load_columns()
#: Stable name -> :class:`KwbColumn` for every figure (counts, percentages, rates, ...).
KWB_COLUMNS: dict[str, KwbColumn] = {k: c for k, c in _ALL_COLUMNS.items() if c.kind in _NUMERIC_KINDS}
#: Codes, names, soort regio and period.
KWB_TEXT_COLUMNS: dict[str, KwbColumn] = {k: c for k, c in _ALL_COLUMNS.items() if c.kind not in _NUMERIC_KINDS}
#: The KWB as a source: CBS Kerncijfers Wijken en Buurten, its figures declared by ``kwb_columns.csv``.
KWB = SourceDeclaration("kwb", "CBS, kerncijfers", publisher=CBS, licence="CC BY 4.0", levels=(BUURT, WIJK, GEMEENTE),
                        keys="Codering/WijkenEnBuurten, buurtcode of BU_CODE (BU, WK, GM, NL00)",
                        year="Perioden of jaar; anders het jaar in de bestandsnaam",
                        figures=tuple(c.figure() for c in KWB_COLUMNS.values()))
#: A table must have these to be called a KWB table.
_REQUIRED = ("inwoners",)
_CODE_SPECS = {"code": None, "buurtcode": "buurt", "wijkcode": "wijk", "gemeentecode": "gemeente"}


# --- column names ----------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Case-folded text without diacritics (``Wmo-cliënten`` -> ``wmo-clienten``)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _word_key(part: str, strip_suffix: bool) -> str:
    part = part.strip()
    if strip_suffix:
        part = re.sub(r"_\d+$", "", part)  # OData version suffix: AantalInwoners_5
    part = re.sub(r"^k_(?=\d)", "", part)  # OData prefix of names that start with a digit
    return re.sub(r"[^0-9a-z]", "", part)


def _parts(name: str) -> list[str]:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", _fold(name))  # units: "(aantal)", "(%)", "[x 1 000 euro]"
    return [p for p in text.split("/") if re.sub(r"[^0-9a-z]", "", p)]


#: A label as R's ``make.names`` leaves it: every space, slash, hyphen and parenthesis a dot.
_R_NAME = re.compile(r"X?[^\W\d_][\w]*(\.+[\w]*)+")


def r_words(name: str) -> list[str] | None:
    """The words of a StatLine label re-saved by R (``Zorg.Wmo.cliënten..aantal.``), without its unit;
    None for a name R did not make.

    Examples
    --------
    >>> r_words("Zorg.Wmo.cliënten..aantal."), r_words("Wonen.Eigendom.Huurwoningen.totaal....")
    (['Zorg', 'Wmo', 'cliënten'], ['Wonen', 'Eigendom', 'Huurwoningen', 'totaal'])
    >>> r_words("Bevolking.Leeftijdsgroepen.X65.jaar.of.ouder..aantal."), r_words("AantalInwoners_5")
    (['Bevolking', 'Leeftijdsgroepen', '65', 'jaar', 'of', 'ouder'], None)
    """
    name = str(name).strip()
    if not _R_NAME.fullmatch(name):
        return None
    core = name.removeprefix("X") if re.match(r"X\d", name) else name
    if core.endswith("...."):  # " (%)"
        core = core.rstrip(".")
    elif core.endswith(".") and ".." in core:
        head, unit = core[:-1].rsplit("..", 1)
        if _UNIT_CELL.fullmatch(unit.replace(".", " ")):
            core = head
    return [re.sub(r"^X(?=\d)", "", w) for w in re.split(r"\.+", core) if w]


def column_keys(name: str) -> list[tuple[str, int]]:
    """Keys a column name is looked up by, most specific first, with the number of path parts used.

    A name R made of a label path has lost the difference between a slash and a space: it is looked
    up by its words from the first on, then from the second, and so on.

    Examples
    --------
    >>> [k for k, _n in column_keys("Sociale zekerheid/Personen per soort uitkering/Bijstand (aantal)")]
    ['socialezekerheidpersonenpersoortuitkeringbijstand', 'personenpersoortuitkeringbijstand', 'bijstand']
    >>> [k for k, _n in column_keys("k_65JaarOfOuder_12")]
    ['65jaarofouder12', '65jaarofouder']
    >>> [k for k, _n in column_keys("Zorg.Wmo.cliënten..aantal.")]
    ['zorgwmoclienten', 'wmoclienten', 'clienten']
    """
    words = r_words(name)
    if words is not None:
        folded = [_word_key(_fold(w), strip_suffix=False) for w in words]
        return [("".join(folded[i:]), len(folded) - i) for i in range(len(folded)) if "".join(folded[i:])]
    parts = _parts(name)
    keys: list[tuple[str, int]] = []
    for n in range(len(parts), 0, -1):
        head = "".join(_word_key(p, strip_suffix=False) for p in parts[-n:-1])
        for strip in (False, True):
            key = head + _word_key(parts[-1], strip_suffix=strip)
            if key and (key, n) not in keys:
                keys.append((key, n))
    return keys


def normalise_column_name(name: str) -> str:
    """The name part of a CBS column, lower case, without unit, suffix, diacritics or punctuation.

    Examples
    --------
    >>> normalise_column_name("PersonenPerSoortUitkeringBijstand_87")
    'personenpersoortuitkeringbijstand'
    >>> normalise_column_name("k_65JaarOfOuder_12"), normalise_column_name("65 jaar of ouder (aantal)")
    ('65jaarofouder', '65jaarofouder')
    >>> normalise_column_name("Regioaanduiding/Codering (code)"), normalise_column_name("Zorg/Wmo-cliënten (aantal)")
    ('codering', 'wmoclienten')
    """
    parts = _parts(name)
    return _word_key(parts[-1], strip_suffix=True) if parts else ""


def _pool(shapefile: bool = False) -> dict[str, list[tuple[str, str]]]:
    """Key -> [(stable, form)] for every known name; with `shapefile`, also snake names cut at 10."""
    pool: dict[str, list[tuple[str, str]]] = {}

    def add(key, stable, form):
        if key and (stable, form) not in pool.setdefault(key, []):
            pool[key].append((stable, form))

    for spec in _ALL_COLUMNS.values():
        for form, name in spec.names:
            if form == "statline":
                add("".join(_word_key(p, False) for p in _parts(name)), spec.stable, form)
            else:
                add(_word_key(_fold(name), strip_suffix=False), spec.stable, form)
    if shapefile:
        cut: dict[str, set[str]] = {}
        for spec in _ALL_COLUMNS.values():
            for form, name in spec.names:
                if form == "map" and len(name) > 10:
                    cut.setdefault(_word_key(name[:10].lower(), False), set()).add(spec.stable)
        for key, stables in cut.items():
            if len(stables) == 1 and key not in pool:
                add(key, next(iter(stables)), "map")
    return pool


_POOL = _pool()
_POOL_SHAPEFILE = _pool(shapefile=True)


# --- raw tables --------------------------------------------------------------------------------

@dataclass
class _Grid:
    """A table as found in the file: column names (header path), cells, row numbers."""

    names: list[str]
    data: pd.DataFrame  #: columns 0..n-1 by position; cells as read (text or numbers)
    rows: list[int]  #: row number of each data row as the user counts it
    source: str
    file_type: str


@dataclass
class _Part:
    frame: pd.DataFrame  #: code, niveau, naam, gemeentenaam, stable columns
    columns: dict[str, ColumnSource]
    invalid: list[tuple[int, str]]
    code_column: str
    naming: str
    year: int | None = None


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX as text columns, coping with Dutch CSV habits (``;``, BOM, latin-1)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"bestand niet gevonden: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            header = pd.read_excel(path, dtype=str, header=None, nrows=1, keep_default_na=False).iloc[0].tolist()
            _refuse_duplicate_headers(header, path)
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"{path.name}: kan het Excel-bestand niet lezen ({exc})") from exc
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=first.count)
    if first.count(sep) == 0:
        raise InputError(f"{path.name}: geen tabel met kolommen herkend (scheidingsteken ; , of tab)")
    _refuse_duplicate_headers(next(csv.reader([first.strip("\r")], delimiter=sep)), path)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise InputError(f"{path.name}: kan de CSV niet lezen ({exc})") from exc


def _refuse_duplicate_headers(header, path: Path) -> None:
    """Two columns with the same name are two figures under one name: refused, never renamed silently.

    Examples
    --------
    >>> _refuse_duplicate_headers(["buurtcode", "meldingen", " Meldingen"], Path("x.csv"))
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


def _decode(data: bytes) -> str:
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


def _read_grids(path: Path) -> list[_Grid]:
    kind = _file_type(path)
    if kind == "CSV":
        return [_csv_grid(path)]
    if kind == "XLSX":
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
        except Exception as exc:
            raise InputError(f"{path.name}: kan het Excel-bestand niet lezen ({exc})") from exc
        grids, errors = [], []
        for name, sheet in sheets.items():
            cells = sheet.astype(object).where(sheet.notna(), None).values.tolist()
            try:
                grids.append(_grid_from_rows(cells, path.name if len(sheets) == 1 else f"{path.name} (blad {name})",
                                             kind))
            except InputError as exc:  # a sheet of explanations beside the table
                errors.append(exc)
        if not grids and errors:
            raise errors[0]
        return grids
    if kind == "JSON":
        return [_frame_grid(_json_frame(path), path.name, kind)]
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
        return [_frame_grid(frame, path.name, kind)]
    import pyogrio

    layers = layer_names(path)
    try:
        frames = [(layer, pyogrio.read_dataframe(path, layer=layer, read_geometry=False)) for layer in layers]
    except Exception as exc:
        raise InputError(f"{path.name}: kan de attributen niet lezen ({exc})") from exc
    if "buurten" in layers:  # the Wijk- en Buurtkaart: buurten first, then wijken and gemeenten
        frames.sort(key=lambda item: {"buurten": 0, "wijken": 1, "gemeenten": 2}.get(item[0], 3))
    return [_frame_grid(frame, path.name if len(frames) == 1 else f"{path.name} (laag {layer})",
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
        data = json.loads(_decode(path.read_bytes()))
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


def _frame_grid(frame: pd.DataFrame, source: str, file_type: str) -> _Grid:
    names = [str(c) for c in frame.columns]
    data = frame.copy()
    data.columns = range(len(names))
    return _Grid(names, data.reset_index(drop=True), [i + 1 for i in range(len(frame))], source, file_type)


def _filled(value) -> bool:
    return not (value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "")


def _first_filled(row: list, n: int) -> list:
    """The first `n` non-empty cells of a row."""
    found = []
    for value in row:
        if _filled(value):
            found.append(value)
            if len(found) == n:
                break
    return found


_CODE_CELL = re.compile(r"\s*((BU|WK|GM)\d{4}[0-9A-Z]{0,4}|NL\d{0,2})\s*", re.IGNORECASE)
_UNIT_CELL = re.compile(r"(aantal|%|code|naam|omschrijving|km|ha|jaar|euro|x ?1[ .]?000 euro|per 1[ .]?000.*|"
                        r"per km2|m3|kwh|1 = .*)", re.IGNORECASE)


def _grid_from_rows(rows: list[list], source: str, file_type: str) -> _Grid:
    """Find the header rows (title, group, label and unit rows) above the first data row."""
    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    names, start = _header(rows, width, source)
    body = [rows[i] for i in range(start, len(rows))]
    data = pd.DataFrame(body or None, columns=range(width), dtype=object)
    return _body(names, data, [start + i + 1 for i in range(len(body))], source, file_type)


def _header(rows: list[list], width: int, source: str) -> tuple[list[str], int]:
    """Column names (label paths) and the index of the first data row: the first row with a code or number."""
    start = next((i for i, r in enumerate(rows) if any(
        isinstance(v, (int, float, np.number)) and _filled(v) or isinstance(v, str) and (
            _CODE_CELL.fullmatch(v) or is_number_text(v)) for v in r)), None)
    if start is None or start == 0:
        raise InputError(f"{source}: geen kopregel met kolomnamen boven de gegevens gevonden")
    header = [r for r in rows[:start] if sum(_filled(v) for v in r) > 0]
    if len(header) > 1:
        header = [r for r in header if sum(_filled(v) for v in r) > 1] or header[-1:]  # titles out
    header = [r for r in header if not all(_UNIT_CELL.fullmatch(str(v).strip()) for v in r if _filled(v))] \
        or header[-1:]  # a row of units only ("aantal", "%")
    groups = []
    for r in header[:-1]:  # a group cell spans the columns to its right (merged cells)
        filled, last = [], ""
        for v in r:
            last = str(v).strip() if _filled(v) else last
            filled.append(last)
        groups.append(filled)
    names = []
    for j in range(width):
        label = str(header[-1][j]).strip() if _filled(header[-1][j]) else ""
        parts = [g[j] for g in groups if g[j] and g[j] != label] + ([label] if label else [])
        names.append("/".join(dict.fromkeys(parts)) or f"kolom {j + 1}")
    return names, start


def _body(names: list[str], data: pd.DataFrame, numbers: list[int], source: str, file_type: str) -> _Grid:
    """The data rows: empty lines, titles and footers ("Bron: CBS": one cell that is no code) are no data."""
    text = data.astype("string")
    mask = np.column_stack([text[c].str.strip().ne("").fillna(False).to_numpy(dtype=bool) for c in text.columns]) \
        if len(data.columns) else np.zeros((len(data), 0), dtype=bool)
    filled = mask.sum(axis=1)
    keep = filled > 0
    for i in np.flatnonzero(filled == 1):
        value = data.iat[i, int(mask[i].argmax())]
        keep[i] = isinstance(value, str) and bool(_CODE_CELL.fullmatch(value))
    data = data[keep].reset_index(drop=True)
    return _Grid(names, data, [n for n, k in zip(numbers, keep) if k], source, file_type)


def _csv_grid(path: Path) -> _Grid:
    """A CSV read lean: the header from its first lines, then only the columns a KWB name matches.

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
    names, start = _header([list(r) + [None] * (width - len(r)) for r in head], width, path.name)
    probe = _Grid(names, pd.DataFrame(columns=range(width), dtype=object), [], path.name, "CSV")
    wanted = sorted({position for places in _match(probe).values() for position, _n in places})
    try:
        chunks = pd.read_csv(path, encoding=encoding, sep=sep, header=None, names=list(range(width)),
                             usecols=wanted or [0], skiprows=start, dtype=str, keep_default_na=False,
                             na_filter=False, skip_blank_lines=False, engine="c", chunksize=20_000)
        # Per chunk, each distinct text is kept once (counts rounded to 5 repeat a lot).
        data = pd.concat([chunk.apply(lambda column: column.astype("category")) for chunk in chunks],
                         ignore_index=True)
    except (ValueError, pd.errors.ParserError):  # ragged rows: the careful reader reads every cell
        text = _decode(path.read_bytes())
        return _grid_from_rows(list(csv.reader(io.StringIO(text, newline=""), delimiter=sep)), path.name, "CSV")
    data = data.apply(lambda column: column.astype(object))
    return _body(names, data, [start + i + 1 for i in range(len(data))], path.name, "CSV")


def _encoding(path: Path) -> str:
    """The encoding :func:`_decode` would choose, found without holding the file as text."""
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
        grids, path = [_frame_grid(path, FRAME_SOURCE, "DataFrame")], Path(FRAME_SOURCE)
    else:
        path = Path(path)
        if not path.exists():
            raise InputError(f"bestand niet gevonden: {path}")
        if path.is_dir():
            raise InputError(f"{path}: dit is een map; geef het bestand met de kerncijfers")
        grids = _read_grids(path)
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
    stable_cols = [s for s in _ALL_COLUMNS if s in columns]
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


def _match(grid: _Grid) -> dict[str, list[tuple[int, int]]]:
    """Stable name -> [(column position, specificity)], best first."""
    pool = _POOL_SHAPEFILE if grid.file_type == "Shapefile" else _POOL
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


def _naming(grid: _Grid, found: dict[str, list[tuple[int, int]]], mapping: dict[str, int]) -> str:
    votes = []
    for stable, position in mapping.items():
        name = grid.names[position]
        if "/" in name or "(" in name or " " in name.strip() or r_words(name) is not None:
            votes.append("statline")  # also as R re-saves them (dots for spaces, slashes and parentheses)
            continue
        key = next((k for k, _n in column_keys(name) if k in _POOL), None)
        forms = [form for s, form in _POOL.get(key, []) if s == stable]
        if re.search(r"[a-z]_\d+$|^[A-Z][a-z]", name) and "odata" in forms:
            votes.append("odata")
        elif forms:
            votes.append("map_upper" if name.isupper() and "map_upper" in forms else
                         "map" if "map" in forms else forms[0])
    return max(set(votes), key=votes.count) if votes else ""


def _looks_like_codes(values: pd.Series, level: str | None) -> bool:
    filled = values[[_filled(v) for v in values]]
    if filled.empty:
        return False
    sample = filled.head(2000)
    return region_codes(sample, level=level)["code"].notna().mean() >= 0.5


def _read_grid(grid: _Grid) -> _Part | str:
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
    invalid = [(grid.rows[i], "" if not _filled(raw_codes.iloc[i]) else str(raw_codes.iloc[i]).strip())
               for i in np.flatnonzero(~valid)]
    rows = [grid.rows[i] for i in np.flatnonzero(valid)]
    code_list = codes["code"][valid].tolist()
    table = data[valid].reset_index(drop=True)
    frame = pd.DataFrame({"code": code_list, "niveau": codes["niveau"][valid].tolist()}, dtype=object)
    text_positions = _text_columns(grid, found, code_position, code_level, table)
    for name, position in text_positions.items():
        frame[name] = [str(v).strip() if _filled(v) else None for v in table[position]]
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


def _year(table: pd.DataFrame, text_positions: dict[str, int], grid: _Grid) -> int | None:
    if "perioden" not in text_positions:
        return None
    for value in table[text_positions["perioden"]]:
        if _filled(value):
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
