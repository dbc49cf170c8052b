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
minimum are suppressed in every output (see :mod:`sociale_kaart.combine.disclosure`).
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .boundaries import year_from_name
from .codes import buurtcode_column, normalise_buurtcodes
from .declarations import BUURT, COUNT, HIGHER_WORSE, REGISTRATION, Figure, SourceDeclaration
from ..errors import InputError
from ..texts import slugify
from .tabular import read_table
from .values import MISSING_TOKENS, to_number

#: The municipality's own registrations: counts per buurt that this toolkit must protect (lineage REGISTRATION).
REGISTRATIONS = SourceDeclaration(
    "registraties", "registraties van de gemeente", publisher=REGISTRATION, levels=(BUURT,),
    keys="buurtcode, postcode + huisnummer (met adrestabel) of coördinaten per regel",
    year="het jaar in de bestandsnaam",
)


def registration_figure(column: str, label: str) -> Figure:
    """The declaration of a registration count column (``reg_schuldhulp``): protected, per 1.000 inhabitants."""
    return Figure(column, label, kind=COUNT, unit="aantal", direction=HIGHER_WORSE, lineage=REGISTRATION,
                  denominator="inwoners", scale=1000, minimum=0,
                  description=f"{label}: aantal uit de registratie van de gemeente per 1.000 inwoners (CBS).")


_CATEGORY_NAMES = ("voorziening", "regeling", "categorie", "soort", "product")
_XY_NAMES = (("x", "y"), ("rd_x", "rd_y"), ("x_rd", "y_rd"), ("xcoord", "ycoord"))
_LONLAT_NAMES = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"))
#: Columns that say when a record (or a count) is from: one extract counts one period.
_PERIOD_NAMES = ("datum", "peildatum", "meldingsdatum", "registratiedatum", "begindatum", "startdatum",
                 "ingangsdatum", "datum_melding", "jaar", "periode", "maand", "kwartaal")
#: Where the Netherlands lies: (low, high) of RD New x and y, and of longitude and latitude.
_NL_RANGES = {"rd": ((0.0, 300_000.0), (289_000.0, 630_000.0)), "lonlat": ((3.2, 7.3), (50.7, 53.6))}


@dataclass
class RegistrationSummary:
    """How the records of an extract were placed in buurten."""

    bron: str
    vorm: str
    records: int
    geplaatst: int
    niet_geplaatst: int
    reden: str = ""
    periode: str = ""  #: the one year the records are of, read from their date or year column

    def to_dict(self) -> dict:
        return dict(vars(self))

    def to_text(self) -> str:
        period = f", periode {self.periode}" if self.periode else ""
        text = (f"Registratie {self.bron} ({self.vorm}{period}): ca. {self.records} regels, ca. {self.geplaatst} in een "
                "buurt geplaatst")
        if self.vorm.startswith("regels") and self.reden:  # the reason belongs to the unplaced, however few
            text += f", ca. {self.niet_geplaatst} niet geplaatst ({self.reden})"
        elif self.niet_geplaatst:
            text += f", ca. {self.niet_geplaatst} niet geplaatst"
        elif self.reden:
            text += f" ({self.reden})"
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
    period=None,
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
    period : (date, date), optional
        First and last day: only the rows dated within it are counted (see :func:`select_period`).

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
    fast = _read_coordinates_fast(path)
    if fast is not None:
        raw, xy, category = fast
        raw, period = select_period(raw, path, period) if period is not None else (raw, record_period(raw, path))
        table, labels, summary = _place_by_coordinates(raw, xy, category, buurten, path, False)
        return _finish(table, labels, summary, buurten, path, period)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    code_col = buurtcode_column(raw.columns, raw)
    category = next((lower[n] for n in _CATEGORY_NAMES if n in lower), None)
    raw, period = select_period(raw, path, period) if period is not None else (raw, record_period(raw, path))
    decimal_comma = _uses_decimal_comma(raw)

    if code_col is not None:
        codes = normalise_buurtcodes(raw[code_col], path.name)
        others = [c for c in raw.columns if c not in (code_col, category, period.column)]
        counts_cols = [c for c in others if _is_numeric(raw[c], decimal_comma)]
        if counts_cols and category is None:
            frame = pd.DataFrame({"buurtcode": codes})
            for col in counts_cols:
                frame[col] = _counts(raw[col], col, decimal_comma, path)
            duplicated = sorted(set(codes[codes.duplicated()]))
            table = frame.groupby("buurtcode", as_index=False).sum(min_count=1)
            labels = {col: col for col in counts_cols}
            notes = []
            if duplicated:
                notes.append(f"dubbele buurtcodes, opgeteld: {', '.join(duplicated)}")
            ignored = [c for c in others if c not in counts_cols]
            if ignored:
                notes.append(f"kolommen zonder aantallen genegeerd: {', '.join(ignored)}")
            summary = RegistrationSummary(path.name, "aantallen per buurt", len(raw), len(raw), 0, "; ".join(notes))
        elif not codes.duplicated().any() and others:
            raise InputError(
                f"{path.name}: geen kolom met aantallen per buurt (kolom {others[0]!r} bevat geen gehele getallen) en "
                "elke buurtcode komt maar één keer voor, dus het zijn ook geen regels per cliënt; een score hoort als "
                "eigen indicator in het projectbestand"
            )
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
    return _finish(table, labels, summary, buurten, path, period)


def _finish(table, labels, summary, buurten, path: Path, period: "Period | None" = None) -> Registration:
    if summary.vorm.startswith("regels") and buurten is not None:
        # Records are complete: a buurt without records has zero, not an unknown number.
        table = table.set_index("buurtcode").reindex(
            sorted(set(buurten["buurtcode"]) | set(table["buurtcode"])), fill_value=0
        ).rename_axis("buurtcode").reset_index()
    renamed, notes = {}, []
    for col in table.columns:
        if col == "buurtcode":
            continue
        name = base = _column_name(col)
        while name in renamed.values():  # "Wmo HH" and "wmo-hh": two categories, two columns
            name = f"{base}_{int(name.rsplit('_', 1)[1]) + 1 if name != base else 2}"
        if name != base:
            first = next(c for c, n in renamed.items() if n == base)
            notes.append(f"'{col}' en '{first}' geven dezelfde kolomnaam, daarom {name} naast {base}")
        renamed[col] = name
    for col, name in renamed.items():
        rate_of = next((c for c, n in renamed.items() if c != col and name.startswith(f"{n}_per_")), None)
        if rate_of is not None:
            raise InputError(f"{path.name}: kolom {col!r} is het cijfer per inwoners van {rate_of!r}; geef alleen "
                             "aantallen (de toolkit rekent het cijfer per 1.000 inwoners zelf uit) en laat die kolom weg")
    if notes:
        summary = dataclasses.replace(summary, reden="; ".join([*filter(None, [summary.reden]), *notes]))
    table = table.rename(columns=renamed)
    if period is not None and (period.label or period.year is not None):
        summary = dataclasses.replace(summary, periode=period.label or str(period.year))
    return Registration(
        counts=table,
        labels={renamed[c]: _label(labels.get(c, c)) for c in renamed},
        summary=summary,
        source=path.name,
        year=period.year if period is not None and period.year is not None else year_from_name(path),
    )


def check_new_columns(reg: Registration, earlier) -> None:
    """Refuse a registration column that an earlier file of the run already has, or that is the
    rate of one (two monthly extracts together; a count beside its rate).

    Raises
    ------
    InputError
    """
    earlier = list(earlier)
    for col in reg.labels:
        if col in earlier:
            raise InputError(f"{reg.source}: kolom {col} staat ook in een eerder registratiebestand; twee extracten "
                             "van dezelfde registratie (bijvoorbeeld twee maanden) horen niet samen in één run: kies "
                             "er één, tel ze op in één bestand of geef de kolommen verschillende namen")
        for other in earlier:
            if col.startswith(f"{other}_per_") or other.startswith(f"{col}_per_"):
                raise InputError(f"{reg.source}: kolom {col} en kolom {other} van een eerder bestand zijn een aantal "
                                 "en het cijfer per inwoners ervan; geef alleen aantallen (de toolkit rekent het "
                                 "cijfer per 1.000 inwoners zelf uit)")


@dataclass(frozen=True)
class Period:
    """The date or year column of an extract (None: it has none) and the one year its values lie in."""

    column: str | None
    year: int | None
    label: str = ""  #: the period asked for ("2024-01-01 t/m 2024-06-30"); empty: the year


def record_period(raw: pd.DataFrame, path: Path, *, today=None) -> Period:
    """The one year the rows of an extract are of, from its date or year column.

    An extract counts one period: values spread over several years, dates in the future and values
    that are no date or year are refused, naming the column and row.

    Examples
    --------
    >>> rows = pd.DataFrame({"datum": ["2024-03-01", "15-11-2024", "", "2024"]})
    >>> record_period(rows, Path("x.csv"))
    Period(column='datum', year=2024, label='')
    >>> record_period(pd.DataFrame({"datum": ["31-12-2023", "01-01-2024"]}), Path("x.csv"))
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: x.csv: kolom 'datum' loopt over 2 jaren (2023 en 2024); een registratie telt één periode: splits het extract per jaar
    """
    dates = _record_dates(raw, path, today=today)
    if dates is None:
        return Period(None, None)
    column, _, years, _, _ = dates
    distinct = sorted(set(years))
    if len(distinct) > 1:
        shown = (", ".join(map(str, distinct[:-1])) + f" en {distinct[-1]}" if len(distinct) <= 3
                 else f"{distinct[0]} tot en met {distinct[-1]}")
        raise InputError(f"{path.name}: kolom {str(column)!r} loopt over {len(distinct)} jaren ({shown}); een registratie "
                         "telt één periode: splits het extract per jaar")
    return Period(str(column), distinct[0] if distinct else None)


def select_period(raw: pd.DataFrame, path: Path, period, *, today=None) -> tuple[pd.DataFrame, Period]:
    """The rows of an extract dated within `period` (its first and last day), and that period.

    Every row needs a date; a row with only a year (or a month or quarter) counts when that year
    lies wholly inside the period and is left out when wholly outside; across its edge it is refused.

    Examples
    --------
    >>> import datetime
    >>> rows = pd.DataFrame({"datum": ["2024-03-01", "15-11-2024", "2023"], "buurtcode": ["a", "b", "c"]})
    >>> kept, found = select_period(rows, Path("x.csv"), (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)))
    >>> kept["buurtcode"].tolist(), found.label
    (['a'], '2024-01-01 t/m 2024-06-30')
    """
    start, end = period
    label = f"{start.isoformat()} t/m {end.isoformat()}"
    dates = _record_dates(raw, path, today=today)
    if dates is None:
        raise InputError(f"{path.name}: een periode ({label}) vraagt een kolom met de datum van elke regel "
                         f"({', '.join(_PERIOD_NAMES[:4])}, ...); dit bestand heeft er geen")
    column, known, years, month, day = dates
    if not known.all():
        row = int(np.flatnonzero(~known.to_numpy())[0])
        raise InputError(f"{path.name}: kolom {str(column)!r} rij {row + 2}: geen datum; met een periode ({label}) "
                         "telt alleen een regel met een datum")
    dated = day.notna().to_numpy()
    first = years.to_numpy() * 10000 + np.where(dated, month.to_numpy() * 100 + day.to_numpy(), 101)
    last = years.to_numpy() * 10000 + np.where(dated, month.to_numpy() * 100 + day.to_numpy(), 1231)
    low, high = (d.year * 10000 + d.month * 100 + d.day for d in (start, end))
    inside, outside = (first >= low) & (last <= high), (last < low) | (first > high)
    across = ~inside & ~outside
    if across.any():
        row = int(np.flatnonzero(across)[0])
        raise InputError(f"{path.name}: kolom {str(column)!r} rij {row + 2}: {str(raw[column].iloc[row]).strip()!r} "
                         f"ligt deels in de periode {label}; geef de datum van de regel")
    return raw[inside].reset_index(drop=True), Period(str(column), start.year if start.year == end.year else None, label)


def _record_dates(raw: pd.DataFrame, path: Path, *, today=None):
    """The date or year column of an extract and per known row its year, month and day (NaN: not given).

    None when there is no such column. Values that are no date or year, impossible dates and dates
    in the future are refused, naming the column and row.
    """
    import datetime

    today = today or datetime.date.today()
    lower = {str(c).strip().lower(): c for c in raw.columns}
    column = next((lower[n] for n in _PERIOD_NAMES if n in lower), None)
    if column is None:
        return None
    text = raw[column].astype("string").str.strip()
    known = text.notna() & ~text.isin(list(MISSING_TOKENS)) & text.ne("")
    parts = text[known].str.extract(
        r"^(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?:[ T].*)?"
        r"|(?P<dd>\d{1,2})[-/.](?P<dm>\d{1,2})[-/.](?P<dy>\d{4})"
        r"|(?P<y>\d{4})(?:\s*-?\s*(?:[QK]W?|M)?\s*(?P<p>\d{1,2}))?)$")
    year = parts["iy"].fillna(parts["dy"]).fillna(parts["y"])
    bad = year.isna()
    if bad.any():
        row = int(np.flatnonzero(known.to_numpy())[np.flatnonzero(bad.to_numpy())[0]])
        raise InputError(f"{path.name}: kolom {str(column)!r} rij {row + 2}: {text.iloc[row]!r} is geen datum of jaar")
    years = year.astype(int)
    month = parts["im"].fillna(parts["dm"]).astype(float)
    day = parts["id"].fillna(parts["dd"]).astype(float)
    impossible = ~month.between(1, 12).where(month.notna(), True) | ~day.between(1, 31).where(day.notna(), True)
    if impossible.any():  # "2024-13-45" or a month-day-year date: no date to count a period by
        row = int(np.flatnonzero(known.to_numpy())[np.flatnonzero(impossible.to_numpy())[0]])
        raise InputError(f"{path.name}: kolom {str(column)!r} rij {row + 2}: {text.iloc[row]!r} is geen datum "
                         "(dag-maand-jaar of jaar-maand-dag)")
    stamp = years * 10000 + month.fillna(1) * 100 + day.fillna(1)
    future = (stamp > today.year * 10000 + today.month * 100 + today.day) | (years > today.year)
    if future.any():
        row = int(np.flatnonzero(known.to_numpy())[np.flatnonzero(future.to_numpy())[0]])
        raise InputError(f"{path.name}: kolom {str(column)!r} rij {row + 2}: {text.iloc[row]!r} ligt in de toekomst; "
                         "klopt de datum (dag-maand-jaar)?")
    return column, known, years, month, day


def _count_records(assigned: pd.DataFrame, raw: pd.DataFrame, category: str | None, path: Path):
    """Records per buurtcode (and per category): factorised and counted with one bincount."""
    codes, code_index = np.unique(assigned["buurtcode"].to_numpy(dtype=object).astype(str), return_inverse=True)
    if category is None:
        name = path.stem
        return pd.DataFrame({"buurtcode": codes, name: np.bincount(code_index, minlength=len(codes))}), {name: name}
    cats = raw.loc[assigned.index, category].astype("string").str.strip().fillna("onbekend").to_numpy(dtype=object)
    names, cat_index = np.unique(cats.astype(str), return_inverse=True)
    counts = np.bincount(code_index * len(names) + cat_index, minlength=len(codes) * len(names))
    table = pd.DataFrame(counts.reshape(len(codes), len(names)), columns=list(names))
    table.insert(0, "buurtcode", codes)
    return table, {c: c for c in names}


def _counts(column: pd.Series, name: str, decimal_comma: bool, path: Path) -> pd.Series:
    """A count column: whole numbers from 0 up; anything else is refused with its row."""
    values = to_number(column, decimal_comma)
    bad = values.notna() & ((values < 0) | (values != values.round()) | np.isinf(values))
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise InputError(f"{path.name}: kolom {name!r} rij {row + 2}: {column.iloc[row]!r} is geen aantal (een geheel "
                         "getal van 0 of meer); een score of gemiddelde hoort als eigen indicator in het projectbestand")
    return values


def _read_coordinates_fast(path: Path):
    """Records with x/y or lon/lat read by pandas' C parser (seconds faster on a million rows).

    Returns None when the file is not such a CSV, or has values the fast parser does not take
    (then the careful text reader reads it and names the bad value).
    """
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    try:
        head = path.open("rb").read(65536)
    except OSError:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    first = text.split("\n", 1)[0].strip("\r")
    sep = max([";", ",", "\t"], key=first.count)
    header = [c.strip().strip('"') for c in first.split(sep)]
    from .tabular import refuse_duplicate_headers

    refuse_duplicate_headers(header, path)
    lower = {c.lower(): c for c in header}
    if buurtcode_column(header) is not None:
        return None
    xy = _find_pair(lower, _XY_NAMES + _LONLAT_NAMES)
    if xy is None:
        return None
    category = next((lower[n] for n in _CATEGORY_NAMES if n in lower), None)
    try:
        sample = pd.read_csv(io.StringIO(text.rsplit("\n", 1)[0]), sep=sep, dtype=str, keep_default_na=False)
    except Exception:
        return None
    decimal = "," if _uses_decimal_comma(sample) else "."
    if decimal == "," and sep == ",":
        return None
    period = next((lower[n] for n in _PERIOD_NAMES if n in lower), None)
    texts = [c for c in (category, period) if c]
    usecols = [*xy, *texts]
    try:
        raw = pd.read_csv(path, sep=sep, decimal=decimal, encoding=encoding, usecols=usecols, engine="c",
                          dtype={xy[0]: float, xy[1]: float, **{c: str for c in texts}},
                          na_values=["", ".", "-", "x", "X", "?"], keep_default_na=False)
    except (ValueError, pd.errors.ParserError):
        return None
    return raw, xy, category


def _place_by_coordinates(raw, xy, category, buurten, path, decimal_comma):
    if buurten is None:
        raise InputError(f"{path.name}: regels met coördinaten hebben buurtgrenzen nodig (--grenzen)")
    xcol, ycol = xy
    x = raw[xcol].to_numpy(dtype=float) if raw[xcol].dtype == float else to_number(raw[xcol], decimal_comma).to_numpy()
    y = raw[ycol].to_numpy(dtype=float) if raw[ycol].dtype == float else to_number(raw[ycol], decimal_comma).to_numpy()
    lonlat = xcol.lower() in ("lon", "longitude", "lng")
    _refuse_swapped(x, y, xcol, ycol, lonlat, path)
    if lonlat:
        from pyproj import Transformer

        x, y = Transformer.from_crs("EPSG:4326", buurten.crs, always_xy=True).transform(x, y)
    usable = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    where = place_points(x[usable], y[usable], buurten.geometry.values)
    placed = where >= 0
    rows = usable[placed]
    codes = buurten["buurtcode"].to_numpy()[where[placed]]
    hits = pd.DataFrame({"buurtcode": codes}, index=raw.index[rows])
    table, labels = _count_records(hits, raw, category, path)
    lost = len(raw) - len(hits)
    summary = RegistrationSummary(
        path.name, "regels met coördinaten", len(raw), len(hits), lost,
        "zonder geldige coördinaten of buiten de buurtgrenzen",
    )
    return table, labels, summary


def _refuse_swapped(x: np.ndarray, y: np.ndarray, xcol: str, ycol: str, lonlat: bool, path: Path) -> None:
    """Coordinates that lie in the Netherlands only with the two columns exchanged are named as such.

    Examples
    --------
    >>> _refuse_swapped(np.array([51.92, 51.91, 51.93]), np.array([4.25, 4.24, 4.26]), "lon", "lat", True, Path("m.csv"))
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: m.csv: de kolommen 'lon' en 'lat' zijn verwisseld: 'lon' is meestal 51,92 en 'lat' 4,25, terwijl Nederland ligt op lon 3,2 tot 7,3 en lat 50,7 tot 53,6; wissel de kolomnamen om
    """
    from ..texts import nl_number

    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.any():
        return
    (xlo, xhi), (ylo, yhi) = _NL_RANGES["lonlat" if lonlat else "rd"]
    xs, ys = x[finite], y[finite]
    fits = np.mean((xs >= xlo) & (xs <= xhi) & (ys >= ylo) & (ys <= yhi))
    swapped = np.mean((ys >= xlo) & (ys <= xhi) & (xs >= ylo) & (xs <= yhi))
    if swapped > 0.5 and swapped > fits:
        decimals = 2 if lonlat else 0
        raise InputError(
            f"{path.name}: de kolommen {xcol!r} en {ycol!r} zijn verwisseld: {xcol!r} is meestal "
            f"{nl_number(float(np.median(xs)), decimals)} en {ycol!r} {nl_number(float(np.median(ys)), decimals)}, "
            f"terwijl Nederland ligt op {xcol} {nl_number(xlo, 1 if lonlat else 0)} tot {nl_number(xhi, 1 if lonlat else 0)} "
            f"en {ycol} {nl_number(ylo, 1 if lonlat else 0)} tot {nl_number(yhi, 1 if lonlat else 0)}; wissel de "
            "kolomnamen om")


def place_points(x: np.ndarray, y: np.ndarray, polygons) -> np.ndarray:
    """Index of the polygon that contains each point (-1: none); points on a border count nowhere.

    For a few polygons (one gemeente) a bounding-box filter and a prepared ``contains_xy`` per
    polygon; for many, an STR tree.

    Examples
    --------
    >>> squares = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> place_points(np.array([0.5, 1.5, 5.0]), np.array([0.5, 0.5, 0.5]), squares).tolist()
    [0, 1, -1]
    """
    polygons = np.asarray(polygons, dtype=object)
    result = np.full(len(x), -1, dtype=np.int64)
    if len(polygons) > 200:
        tree = shapely.STRtree(polygons)
        point_index, polygon_index = tree.query(shapely.points(x, y), predicate="within")
        result[point_index[::-1]] = polygon_index[::-1]  # the first polygon wins where borders overlap
        return result
    for i, polygon in enumerate(polygons):
        if polygon is None or polygon.is_empty:
            continue
        xmin, ymin, xmax, ymax = polygon.bounds
        candidates = np.flatnonzero((result < 0) & (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        if candidates.size:
            shapely.prepare(polygon)
            inside = shapely.contains_xy(polygon, x[candidates], y[candidates])
            result[candidates[inside]] = i
    return result


def _place_by_address(raw, lower, category, address_table, path):
    found = buurtcodes_by_address(raw, lower, address_table, path)
    placed = found.notna()
    counted, labels = _count_records(pd.DataFrame({"buurtcode": found[placed]}, index=raw.index[placed]), raw,
                                     category, path)
    summary = RegistrationSummary(
        path.name, "regels met adres", len(raw), int(placed.sum()), int((~placed).sum()),
        "adres niet in de adrestabel",
    )
    return counted, labels, summary


def buurtcodes_by_address(raw: pd.DataFrame, lower: dict, address_table, path: Path) -> pd.Series:
    """The buurtcode of each record with ``postcode`` and ``huisnummer`` (NaN: not in the address table)."""
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
    found = _address_key(raw[lower["postcode"]], raw[lower["huisnummer"]]).map(table)
    placed = found.notna()
    codes = pd.Series(np.nan, index=raw.index, dtype=object)
    codes[placed] = normalise_buurtcodes(found[placed], Path(address_table).name).to_numpy()
    return codes


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
    """A column of numbers (missing symbols allowed); whether they are counts :func:`_counts` decides."""
    filled = column.astype("string").str.strip()
    filled = filled[~filled.isin(list(MISSING_TOKENS)) & filled.notna()]
    return bool(len(filled)) and bool(to_number(filled, decimal_comma).notna().all())


def _column_name(label: str) -> str:
    slug = slugify(label, "registratie")
    return slug if slug.startswith("reg_") else f"reg_{slug}"


def _label(name: str) -> str:
    text = re.sub(r"^reg_", "", str(name)).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
