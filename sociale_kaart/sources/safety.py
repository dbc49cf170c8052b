"""Safety and liveability per buurt: police-registered crime (Politie 47018NED) and Leefbaarometer 3.0.

**Crime.** Table 47018NED "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers" is
read as CBS's OData client writes its rows (long: ``SoortMisdrijf``, ``WijkenEnBuurten``,
``Perioden``, ``GeregistreerdeMisdrijven_1``; padded text, ``"0.0.0 "`` = all crimes, periods like
``2023JJ00``) or as ``sociale-kaart fetch`` saves it (wide: ``buurtcode;misdrijven_totaal;...``).
Counts are the police's published figures, not the municipality's registrations.

**Leefbaarometer.** The fields of the WFS layer ``lbm3:buurtscore24`` (``bu_code``, ``kscore``
class 1-9, dimension scores ``won``, ``fys``, ``vrz``, ``soc``, ``onv`` and their classes). Scores,
not counts: never summed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .boundaries import year_from_name
from .codes import buurtcode_column, normalise_buurtcodes
from .declarations import (BUURT, CLASS, COUNT, HIGHER_BETTER, HIGHER_WORSE, LEEFBAAROMETER, POLITIE, RATE, SCORE,
                           Figure, SourceDeclaration)
from .tabular import read_table
from .values import to_number

CRIME_TOTAL = "0.0.0"
#: Titles of common crime types (the table's SoortMisdrijf codes); others keep their code.
CRIME_TITLES = {CRIME_TOTAL: "Misdrijven", "1.1.1": "Woninginbraak", "1.4.5": "Mishandeling",
                "2.2.1": "Vernieling en zaakbeschadiging", "1.4.4": "Bedreiging"}
CRIME_CAVEAT = ("Misdrijven worden geregistreerd waar ze gebeuren: een centrum of bedrijventerrein scoort hoog "
                "zonder veel inwoners; buurten met weinig inwoners tonen het aantal, geen cijfer per 1.000.")
#: The Leefbaarometer's own names of its nine classes (``kscore``).
LIVEABILITY_CLASSES = {1: "zeer onvoldoende", 2: "ruim onvoldoende", 3: "onvoldoende", 4: "zwak", 5: "voldoende",
                       6: "ruim voldoende", 7: "goed", 8: "zeer goed", 9: "uitstekend"}
LIVEABILITY_WEAKEST = ("Leefbaarometer-klasse 1 (zeer onvoldoende) tot 9 (uitstekend); 'zwakst op' is de dimensie "
                       "met de laagste score van de buurt (woningvoorraad, fysieke omgeving, voorzieningen, sociale "
                       "samenhang, overlast en onveiligheid). Buurten met te weinig adressen hebben geen score.")
LIVEABILITY = {"kscore": "lbm_klasse", "won": "lbm_won", "fys": "lbm_fys", "vrz": "lbm_vrz", "soc": "lbm_soc",
               "onv": "lbm_onv"}
_DIMENSIONS = {"lbm_won": "woningvoorraad", "lbm_fys": "fysieke omgeving", "lbm_vrz": "voorzieningen",
               "lbm_soc": "sociale samenhang", "lbm_onv": "overlast en onveiligheid"}


def crime_figure(column: str, *, rate_scale: float | None = None) -> Figure:
    """The declaration of a crime column: a count (``misdrijven_totaal``) or a published rate per `rate_scale`.

    Examples
    --------
    >>> f = crime_figure("misdrijven_1_1_1")
    >>> f.label, f.kind, f.denominator, f.universe, f.direction
    ('Woninginbraak', 'count', 'inwoners', None, 'higher_worse')
    >>> crime_figure("misdrijven_totaal", rate_scale=1000).unit
    'per 1.000 inwoners'
    """
    code = column.removeprefix("misdrijven_").replace("_", ".")
    label = CRIME_TITLES.get(CRIME_TOTAL if code == "totaal" else code, f"Misdrijven {code}")
    about = (f"{label}: door de politie geregistreerd in {{year}} (Politie, tabel 47018NED), "
             f"per 1.000 inwoners. {CRIME_CAVEAT}")
    if rate_scale is None:
        return Figure(column, label, kind=COUNT, unit="aantal", direction=HIGHER_WORSE, lineage=POLITIE,
                      denominator="inwoners", scale=1000, minimum=0, description=about, domain="veiligheid", role="context")
    per = f"{rate_scale:,.0f}".replace(",", ".")
    return Figure(f"{column}_per_{rate_scale:.0f}", label, kind=RATE, unit=f"per {per} inwoners",
                  direction=HIGHER_WORSE, lineage=POLITIE, numerator=column, denominator="inwoners", scale=rate_scale,
                  minimum=0, domain="veiligheid", role="context",
                  description=about.replace("per 1.000 inwoners", f"per {per} inwoners, zoals gepubliceerd"))


#: Politie 47018NED (and tables of its shape): counts per buurt, or rates per 1.000 inhabitants as published.
CRIME = SourceDeclaration(
    "misdrijven", "Politie, geregistreerde misdrijven", publisher=POLITIE, licence="CC BY 4.0", levels=(BUURT,),
    keys="buurtcode (BU + 8 cijfers) in WijkenEnBuurten, buurtcode of bu_code",
    year="Perioden (2023JJ00) of een kolom jaar/perioden; anders het jaar in de bestandsnaam",
    figures=(crime_figure("misdrijven_totaal"), crime_figure("misdrijven_totaal", rate_scale=1000)),
)

#: Leefbaarometer 3.0 (BZK): the class 1-9 and the dimension scores per buurt.
LIVEABILITY_SOURCE = SourceDeclaration(
    "leefbaarometer", "Leefbaarometer 3.0", publisher=LEEFBAAROMETER, licence="", levels=(BUURT,),
    keys="buurtcode (BU + 8 cijfers) in bu_code of buurtcode",
    year="kolom year; anders het jaar in de bestandsnaam", credit_format="{name}, meting {year}",
    figures=(Figure("lbm_klasse", "Leefbaarometer-klasse", kind=CLASS, unit="klasse 1-9", direction=HIGHER_BETTER,
                    lineage=LEEFBAAROMETER, minimum=1, maximum=9, classes=tuple(LIVEABILITY_CLASSES.values()),
                    domain="leefbaarheid", role="context",
                    description="Leefbaarometer 3.0 (meting {year}): klasse 1 (zeer onvoldoende) tot 9 (uitstekend), "
                                "per buurt; een klasse, nooit opgeteld. Als behoefte-indicator telt klasse 4 (zwak) "
                                "of lager als hoog. Buurten met te weinig adressen hebben geen score."),
             *(Figure(col, f"Leefbaarometer: {name}", kind=SCORE, unit="afwijking van het landelijk gemiddelde",
                      direction=HIGHER_BETTER, lineage=LEEFBAAROMETER, domain="leefbaarheid", role="context")
               for col, name in _DIMENSIONS.items())),
)


@dataclass(frozen=True)
class SafetyTable:
    """Figures per buurtcode as read, with the declaration of every column, year and source."""

    table: pd.DataFrame
    labels: dict[str, str]
    year: int | None
    source: str
    figures: tuple[Figure, ...] = ()
    declaration: SourceDeclaration | None = None
    #: The buurtindeling (year of the Wijk- en Buurtkaart) the codes are on, when the table says so.
    indeling: int | None = None


def table_indeling(path: str | Path) -> int | None:
    """The buurtindeling (year) a saved Politie table is on: ``indeling`` in the JSON beside it (``x.csv.json``).

    Politie publishes every year of a table on the buurtindeling of 1 January of its latest year;
    ``sociale-kaart fetch`` writes that year beside the file. None when there is no such file.

    Examples
    --------
    >>> table_indeling("/nonexistent/misdrijven_2023_GM0556.csv") is None
    True
    """
    import json

    path = Path(path)
    beside = path.with_name(path.name + ".json")
    if not beside.exists():
        return None
    try:
        meta = json.loads(beside.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"{beside.name}: geen leesbare JSON ({err})") from None
    value = meta.get("indeling") if isinstance(meta, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise InputError(f"{beside.name}: 'indeling' is {value!r}; verwacht een jaartal (zoals 2025)")
    return value


def check_figures(table: pd.DataFrame, figures, source: str, names: dict[str, str] | None = None) -> None:
    """Refuse a value outside the plausible range its declaration gives, naming file, column and buurtcode.

    Examples
    --------
    >>> t = pd.DataFrame({"buurtcode": ["BU05560101"], "lbm_klasse": [12.0]})
    >>> check_figures(t, LIVEABILITY_SOURCE.figures[:1], "l.csv", names={"lbm_klasse": "kscore"})
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: l.csv: kolom 'kscore' (Leefbaarometer-klasse) heeft 12 bij BU05560101; toegestaan is 1 tot en met 9
    """
    for figure in figures:
        values = table[figure.key]
        low = values < figure.minimum if figure.minimum is not None else pd.Series(False, index=values.index)
        high = values > figure.maximum if figure.maximum is not None else pd.Series(False, index=values.index)
        bad = (low | high).to_numpy()
        if bad.any():
            allowed = (f"{figure.minimum:g} tot en met {figure.maximum:g}" if figure.maximum is not None
                       else f"minimaal {figure.minimum:g}")
            raise InputError(f"{source}: kolom {(names or {}).get(figure.key, figure.key)!r} ({figure.label}) heeft "
                             f"{values[bad].iloc[0]:g} bij {table.loc[bad, 'buurtcode'].iloc[0]}; toegestaan is {allowed}")


def crime_column(code: str) -> str:
    """``misdrijven_totaal`` for all crimes, ``misdrijven_1_1_1`` for a type (as fetch names them)."""
    code = code.strip()
    return "misdrijven_totaal" if code == CRIME_TOTAL else "misdrijven_" + code.replace(".", "_")


#: A column that is already a rate: "per 1000", "per_1.000", "per1000inw", "relatief" (per 1.000).
_RATE = re.compile(r"[_ ]?(per[_ .]?(1\.?000|10\.?000|100\.?000)\w*|relatief)", re.IGNORECASE)
_WORDS = re.compile(r"geregistreerde|misdrijven|misdrijf|aantal|totaal|inwoners|inw\b|jaar", re.IGNORECASE)


def _crime_kind(name: str) -> tuple[str, float | None]:
    """The crime column (``misdrijven_totaal``, ``misdrijven_1_1_1``) a source column is about, and its rate scale.

    Examples
    --------
    >>> _crime_kind("misdrijven_per1000"), _crime_kind("GeregistreerdeMisdrijven_1")
    (('misdrijven_totaal', 1000.0), ('misdrijven_totaal', None))
    >>> _crime_kind("misdrijven_1_1_1"), _crime_kind("Misdrijven 1.4.5 per 10.000 inwoners")
    (('misdrijven_1_1_1', None), ('misdrijven_1_4_5', 10000.0))
    """
    text = re.sub(r"_\d+$", "", name.strip()) if re.search(r"[A-Z][a-z]+_\d+$", name.strip()) else name.strip()
    scale = None
    rate = _RATE.search(text)
    if rate:
        digits = re.sub(r"\D", "", rate.group(2) or "1000")
        scale = float(digits)
        text = text[:rate.start()] + text[rate.end():]
    code = re.sub(r"[^0-9]+", ".", _WORDS.sub(" ", text)).strip(".")
    return ("misdrijven_totaal" if code in ("", "0.0.0") else "misdrijven_" + code.replace(".", "_")), scale


def _one_year(periods: pd.Series, path: Path, year: int | None):
    """Rows of `year` (or of the only year in `periods`), and that year; refuses several years unchosen.

    Monthly or quarterly rows (``2023MM01``, ``2023KW1``) are never summed into a year here: beside
    yearly rows they are left out, alone they are refused.
    """
    text = periods.astype("string").str.strip()
    part = text.str.fullmatch(r"\d{4}(MM\d{2}|KW\d{1,2})").fillna(False)
    if part.all():
        raise InputError(f"{path.name}: de tabel heeft maand- of kwartaalcijfers ({text.iloc[0]}); geef jaarcijfers "
                         "(Perioden zoals 2023JJ00, of een kolom jaar)")
    found = text.where(~part).str.extract(r"((?:19|20)\d\d)")[0].astype("Int64")
    chosen = choose_year(found, path, year)
    return found.eq(chosen).fillna(False).to_numpy(), chosen


def choose_year(found: pd.Series, path: Path, year: int | None, examples: str = "2023 of 2023JJ00") -> int:
    """`year` when chosen, else the only year in `found` (years per row); refuses none, or several unchosen."""
    years = sorted(set(found.dropna().astype(int)))
    if not years:
        raise InputError(f"{path.name}: de jaarkolom bevat geen jaartal (zoals {examples})")
    if year is None and len(years) > 1:
        raise InputError(f"{path.name}: het bestand heeft meer jaren ({', '.join(map(str, years))}); kies er één")
    return year or years[0]


def read_crime(path: str | Path, *, year: int | None = None) -> SafetyTable:
    """Registered crime per buurt from the verbatim 47018NED rows or a wide table, as declared in :data:`CRIME`.

    A wide table has a buurtcode column and crime columns: counts (``misdrijven_totaal``,
    ``misdrijven_1_1_1``) and/or rates as published (``misdrijven_per1000``). Per crime type ONE
    figure is kept: the count when the table has it (its rate is then computed from the KWB
    inhabitants), else the published rate as it is, never divided again. The year comes from a
    ``jaar``/``Perioden`` column, else from the file name; without either the table is refused.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "p.csv"
    ...     _ = p.write_text('"SoortMisdrijf","WijkenEnBuurten","Perioden","GeregistreerdeMisdrijven_1"\\n'
    ...                      '"0.0.0 ","BU05560101","2023JJ00",107\\n"0.0.0 ","WK055601  ","2023JJ00",107\\n')
    ...     read = read_crime(p)
    >>> read.table.to_dict("list"), read.year
    ({'buurtcode': ['BU05560101'], 'misdrijven_totaal': [107.0]}, 2023)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "p.csv"
    ...     _ = p.write_text("buurtcode;jaar;misdrijven_totaal;misdrijven_per1000\\nBU05560101;2023;107;80.1\\n")
    ...     read = read_crime(p)
    >>> list(read.table.columns), read.year, [f.kind for f in read.figures]
    (['buurtcode', 'misdrijven_totaal'], 2023, ['count'])
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    measures = [c for c in raw.columns if "misdrij" in c.lower() and c != "SoortMisdrijf"]
    lower = {c.lower(): c for c in raw.columns}
    period = next((lower[k] for k in ("perioden", "jaar", "year", "periode") if k in lower), None)
    if {"SoortMisdrijf", "WijkenEnBuurten"} <= set(raw.columns) and measures:
        region = raw["WijkenEnBuurten"].astype("string").str.strip()
        raw = raw[region.str.startswith("BU").fillna(False).to_numpy()].copy()
        code_col, long = "WijkenEnBuurten", True
    else:
        code_col, long = buurtcode_column(raw.columns), False
        if not code_col or not measures:
            raise InputError(f"{path.name}: geen tabel 47018NED (SoortMisdrijf, WijkenEnBuurten, "
                             "GeregistreerdeMisdrijven_1) en geen kolommen buurtcode + misdrijven_... "
                             "(aantallen, of per 1.000 inwoners zoals misdrijven_per1000)")
    if period is not None:
        keep, year = _one_year(raw[period], path, year)
        raw = raw[keep].copy()
    else:
        year = year or year_from_name(path)
        if year is None:
            raise InputError(f"{path.name}: geen jaar gevonden; verwacht een kolom jaar of Perioden (2023JJ00), "
                             "of het jaar in de bestandsnaam")
    kinds = {col: _crime_kind(col) for col in measures}
    counts_of = {crime for crime, scale in kinds.values() if scale is None}
    raw["buurtcode"] = normalise_buurtcodes(raw[code_col], path.name).to_numpy()
    if long:
        measure = next((c for c, (_crime, scale) in kinds.items() if scale is None), None)
        if measure is None:
            raise InputError(f"{path.name}: geen kolom met aantallen misdrijven (GeregistreerdeMisdrijven_1)")
        raw["soort"] = raw["SoortMisdrijf"].astype("string").str.strip().map(crime_column)
        raw["aantal"] = to_number(raw[measure]).to_numpy()
        table = raw.pivot_table(index="buurtcode", columns="soort", values="aantal", aggfunc="sum").reset_index()
        table.columns.name = None
        figures = [crime_figure(col) for col in table.columns[1:]]
    else:
        table = pd.DataFrame({"buurtcode": raw["buurtcode"].to_numpy()})
        figures = []
        for col, (crime, scale) in kinds.items():
            if scale is not None and crime in counts_of:
                continue  # the count is there: its rate follows from it, the published one is not kept beside it
            figure = crime_figure(crime, rate_scale=scale)
            if figure.key in table:
                raise InputError(f"{path.name}: kolommen {col!r} en een andere geven allebei {figure.label} "
                                 f"({figure.unit}); laat er één staan")
            table[figure.key] = to_number(raw[col]).to_numpy()
            figures.append(figure)
    if table.empty:
        raise InputError(f"{path.name}: geen buurten in de misdrijftabel")
    check_figures(table, figures, path.name)
    labels = {f.key: f.label for f in figures}
    return SafetyTable(table, labels, year, path.name, tuple(figures), CRIME, indeling=table_indeling(path))


def read_liveability(path: str | Path) -> SafetyTable:
    """Leefbaarometer 3.0 per buurt: ``lbm_klasse`` (1-9) and the dimension scores ``lbm_won`` ...

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "l.csv"
    ...     _ = p.write_text("bu_code;kscore;won;fys;vrz;soc;onv;year\\nBU05560101;6;0.03;-0.02;-0.01;-0.04;-0.04;2024\\n")
    ...     read = read_liveability(p)
    >>> read.table["lbm_klasse"].tolist(), read.year
    ([6.0], 2024)
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    code = buurtcode_column(raw.columns) or ("id" if "id" in raw else None)  # id: the live WFS layer
    if code is None or "kscore" not in raw:
        raise InputError(f"{path.name}: geen Leefbaarometer-buurtscores (kolommen bu_code en kscore)")
    table = pd.DataFrame({"buurtcode": normalise_buurtcodes(raw[code], path.name)})
    for field, column in LIVEABILITY.items():
        if field in raw:
            table[column] = to_number(raw[field]).to_numpy()
    year = None
    if "year" in raw and raw["year"].astype(str).str.fullmatch(r"\d{4}").any():
        year = int(raw["year"].astype(str).str.extract(r"(\d{4})")[0].dropna().iloc[0])
    figures = tuple(f for f in LIVEABILITY_SOURCE.figures if f.key in table)
    check_figures(table, figures, path.name, names={v: k for k, v in LIVEABILITY.items()})
    return SafetyTable(table, {f.key: f.label for f in figures}, year or year_from_name(path), path.name, figures,
                       LIVEABILITY_SOURCE)
