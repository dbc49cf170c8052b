"""Reading CBS Kerncijfers Wijken en Buurten (KWB) tables.

CBS publishes the KWB as an OData table (column names such as ``AantalInwoners_5``) and as StatLine
CSV exports (``Aantal inwoners (aantal)``). Both are read here and mapped to the stable names in
:data:`KWB_COLUMNS`, so that nothing downstream depends on a table version:

* columns are matched on their name part; the numeric suffix changes between releases
  (bijstand is ``_87`` in 2024 and ``_94`` elsewhere);
* text fields are space-padded and get stripped;
* ``.``, empty cells and CBS sentinels (<= -99990) are missing, never numbers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..sources.boundaries import year_from_name
from ..sources.codes import gemeentecode_of, normalise_buurtcodes, wijkcode_of
from ..errors import InputError
from ..sources.values import to_number

#: Stable name -> (normalised CBS name part, unit). The unit documents what the column holds.
KWB_COLUMNS: dict[str, tuple[str, str]] = {
    "inwoners": ("aantalinwoners", "aantal"),
    "inwoners_0_15": ("0tot15jaar", "aantal"),
    "inwoners_15_25": ("15tot25jaar", "aantal"),
    "inwoners_25_45": ("25tot45jaar", "aantal"),
    "inwoners_45_65": ("45tot65jaar", "aantal"),
    "inwoners_65plus": ("65jaarofouder", "aantal"),
    "inwoners_75plus": ("75jaarofouder", "aantal"),
    "huishoudens": ("huishoudenstotaal", "aantal"),
    "eenpersoonshuishoudens": ("eenpersoonshuishoudens", "aantal"),
    "woningvoorraad": ("woningvoorraad", "aantal"),
    "pct_koopwoningen": ("koopwoningen", "%"),
    "pct_huurwoningen": ("huurwoningentotaal", "%"),
    "pct_huur_corporatie": ("inbezitwoningcorporatie", "%"),
    "bijstand": ("personenpersoortuitkeringbijstand", "aantal"),
    "jeugdzorg": ("jongerenmetjeugdzorginnatura", "aantal"),
    "pct_jeugdzorg_cbs": ("percentagejongerenmetjeugdzorg", "%"),
    "wmo_clienten": ("wmoclienten", "aantal"),
    "wmo_per_1000_cbs": ("wmoclientenrelatief", "per 1.000 inwoners"),
    "gem_inkomen_inwoner": ("gemiddeldinkomenperinwoner", "x 1.000 euro"),
    "pct_huishoudens_laag_inkomen": ("40huishoudensmetlaagsteinkomen", "%"),
    "stedelijkheid": ("matevanstedelijkheid", "1 = zeer sterk .. 5 = niet stedelijk"),
}
_TEXT_COLUMNS = {
    "code": ("codering", "wijkenenbuurten", "regiocode", "buurtcode"),
    "soort_regio": ("soortregio",),
    "gemeentenaam": ("gemeentenaam",),
    "regionaam": ("regioaanduiding", "buurtnaam"),
}


@dataclass(frozen=True)
class ColumnSource:
    """Where one stable column came from: the source column, its unit, and whether it was derived."""

    stable: str
    column: str
    unit: str
    derived: bool = False  #: computed from other columns (e.g. a percentage times a total)


@dataclass(frozen=True)
class KwbTable:
    """A KWB table as read: buurt rows in stable names, the published higher levels, provenance.

    Attributes
    ----------
    buurten : DataFrame
        ``buurtcode``, ``wijkcode``, ``gemeentecode`` (and ``gemeentenaam`` when given) and the
        stable columns the table has, as floats with NaN for missing.
    source : str
        File name.
    year : int or None
        Year of the figures (``Perioden`` column or file name).
    wijken, gemeenten : DataFrame or None
        The table's own wijk and gemeente rows (``wijkcode``/``gemeentecode`` + stable columns),
        when it has them: the published reference values.
    nederland : dict or None
        The row for the whole country (code ``NL00``), stable name -> value.
    columns : tuple of ColumnSource
        Which source column fed each stable column.
    """

    buurten: pd.DataFrame
    source: str
    year: int | None
    wijken: pd.DataFrame | None = None
    gemeenten: pd.DataFrame | None = None
    nederland: dict[str, float] | None = None
    columns: tuple[ColumnSource, ...] = ()


#: A table must have these to be called a KWB table.
_REQUIRED = ("inwoners",)


def normalise_column_name(name: str) -> str:
    """The name part of a CBS column, lower case, without unit, suffix or punctuation.

    Examples
    --------
    >>> normalise_column_name("PersonenPerSoortUitkeringBijstand_87")
    'personenpersoortuitkeringbijstand'
    >>> normalise_column_name("k_65JaarOfOuder_12"), normalise_column_name("65 jaar of ouder (aantal)")
    ('65jaarofouder', '65jaarofouder')
    >>> normalise_column_name("Regioaanduiding/Codering (code)")
    'codering'
    """
    name = re.sub(r"\(.*?\)", "", str(name))  # StatLine unit: "(aantal)", "(%)"
    name = name.rsplit("/", 1)[-1]  # StatLine group: "Regioaanduiding/Codering"
    name = re.sub(r"_\d+$", "", name.strip())  # OData version suffix
    name = re.sub(r"^k_", "", name)  # OData prefix for names that start with a digit
    return re.sub(r"[^0-9a-z]", "", name.lower())


def read_kwb(path: str | Path, gemeenten: list[str] | None = None) -> KwbTable:
    """Read a KWB table (OData names or StatLine export) into stable column names, one row per buurt.

    Parameters
    ----------
    path : str or Path
        CSV (``;`` or ``,`` separated; UTF-8, UTF-8 with BOM or latin-1) or XLSX.
    gemeenten : list of str, optional
        Gemeentecodes to keep (``["GM0556"]``); ``None`` keeps all.

    Returns
    -------
    KwbTable

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> kwb = read_kwb(sample_path("kwb"))
    >>> kwb.year, len(kwb.buurten), kwb.buurten.loc[0, "buurtcode"], kwb.buurten.loc[0, "inwoners"]
    (2024, 16, 'BU99990101', 3355.0)
    """
    path = Path(path)
    raw = read_table(path)
    mapping = _match_columns(raw)
    missing = [name for name in _REQUIRED if name not in mapping]
    if "code" not in mapping:
        raise InputError(
            f"{path.name}: geen kolom met de buurtcode (zoals 'Codering_3' of 'WijkenEnBuurten'); "
            "is dit een tabel Kerncijfers Wijken en Buurten van het CBS?"
        )
    if missing:
        raise InputError(
            f"{path.name}: dit is geen KWB-tabel van het CBS: kolom voor {', '.join(missing)} "
            "(zoals 'AantalInwoners_5') ontbreekt"
        )
    codes = raw[mapping["code"]].astype("string").str.strip().str.upper()
    is_buurt = codes.str.match(r"^BU\d{8}$").fillna(False)
    if "soort_regio" in mapping:
        soort = raw[mapping["soort_regio"]].astype("string").str.strip().str.lower()
        is_buurt &= soort.eq("buurt").fillna(True)
    nederland = raw[codes.str.fullmatch(r"NL0*").fillna(False).to_numpy()]
    table = raw[is_buurt.to_numpy()]
    if table.empty:
        raise InputError(f"{path.name}: de tabel bevat geen buurten (codes BU........)")
    out = pd.DataFrame({"buurtcode": normalise_buurtcodes(codes[is_buurt.to_numpy()], path.name)})
    out["wijkcode"] = wijkcode_of(out["buurtcode"])
    out["gemeentecode"] = gemeentecode_of(out["buurtcode"])
    if "gemeentenaam" in mapping:
        out["gemeentenaam"] = table[mapping["gemeentenaam"]].astype("string").str.strip().astype(object).to_numpy()
    for stable in KWB_COLUMNS:
        if stable in mapping:
            out[stable] = to_number(table[mapping[stable]]).to_numpy()
    if gemeenten is not None:
        out = out[out["gemeentecode"].isin(gemeenten)]
    out = out.reset_index(drop=True)
    columns = tuple(ColumnSource(stable, mapping[stable], KWB_COLUMNS[stable][1]) for stable in KWB_COLUMNS
                    if stable in mapping)
    return KwbTable(out, source=path.name, year=_year(path, raw), nederland=_land_counts(nederland, mapping),
                    columns=columns)


def _land_counts(rows: pd.DataFrame, mapping: dict[str, str]) -> dict[str, float] | None:
    """The Nederland row of a full KWB table (code NL00), as stable name -> value; None if absent."""
    if rows.empty:
        return None
    row = rows.iloc[[0]]
    return {stable: float(to_number(row[mapping[stable]]).iloc[0]) for stable in KWB_COLUMNS if stable in mapping}


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX as text columns, coping with Dutch CSV habits (``;``, BOM, latin-1)."""
    if not path.exists():
        raise InputError(f"bestand niet gevonden: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        except Exception as exc:
            raise InputError(f"{path.name}: kan het Excel-bestand niet lezen ({exc})") from exc
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=first.count)
    if first.count(sep) == 0:
        raise InputError(f"{path.name}: geen tabel met kolommen herkend (scheidingsteken ; , of tab)")
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise InputError(f"{path.name}: kan de CSV niet lezen ({exc})") from exc


def _match_columns(raw: pd.DataFrame) -> dict[str, str]:
    """Stable name -> column in the file; the first match wins (CBS lists the total first)."""
    normalised = {}
    for col in raw.columns:
        normalised.setdefault(normalise_column_name(col), col)
    mapping = {}
    for stable, (part, _unit) in KWB_COLUMNS.items():
        if part in normalised:
            mapping[stable] = normalised[part]
    for stable, parts in _TEXT_COLUMNS.items():
        for part in parts:
            if part in normalised:
                mapping[stable] = normalised[part]
                break
    # In StatLine exports "Wijken en buurten" holds names; the code column is the one with codes.
    candidates = [normalised[p] for p in _TEXT_COLUMNS["code"] if p in normalised]
    with_codes = [c for c in candidates if raw[c].astype("string").str.strip().str.match(r"^(BU|WK|GM)\d").any()]
    if with_codes:
        mapping["code"] = with_codes[0]
    return mapping


def _year(path: Path, raw: pd.DataFrame) -> int | None:
    perioden = next((c for c in raw.columns if normalise_column_name(c) == "perioden"), None)
    if perioden is not None and len(raw):
        found = re.search(r"(19|20)\d\d", str(raw[perioden].iloc[0]))
        if found:
            return int(found.group(0))
    return year_from_name(path)
