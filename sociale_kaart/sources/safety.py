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

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .boundaries import year_from_name
from .codes import normalise_buurtcodes
from .kwb import read_table
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


@dataclass(frozen=True)
class SafetyTable:
    """Counts or scores per buurtcode, with Dutch labels, year and source."""

    table: pd.DataFrame
    labels: dict[str, str]
    year: int | None
    source: str


def crime_column(code: str) -> str:
    """``misdrijven_totaal`` for all crimes, ``misdrijven_1_1_1`` for a type (as fetch names them)."""
    code = code.strip()
    return "misdrijven_totaal" if code == CRIME_TOTAL else "misdrijven_" + code.replace(".", "_")


def read_crime(path: str | Path, *, year: int | None = None) -> SafetyTable:
    """Registered crime per buurt from the verbatim 47018NED rows or a fetched table.

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
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    measure = next((c for c in raw.columns if c.lower().startswith("geregistreerdemisdrijven")), None)
    if {"SoortMisdrijf", "WijkenEnBuurten"} <= set(raw.columns) and measure:
        region = raw["WijkenEnBuurten"].astype("string").str.strip()
        raw = raw[region.str.startswith("BU").fillna(False).to_numpy()].copy()
        if "Perioden" in raw:
            periods = raw["Perioden"].astype("string").str.strip()
            years = periods.str.extract(r"^(\d{4})JJ00$")[0].dropna().astype(int)
            if years.empty:
                raise InputError(f"{path.name}: geen jaarcijfers (Perioden zoals 2023JJ00) gevonden")
            chosen = year or int(years.max())
            if year is None and years.nunique() > 1:
                raise InputError(f"{path.name}: het bestand heeft meer jaren ({', '.join(map(str, sorted(set(years))))});"
                                 " kies er één")
            raw = raw[periods.eq(f"{chosen}JJ00").to_numpy()]
            year = chosen
        raw["buurtcode"] = normalise_buurtcodes(raw["WijkenEnBuurten"], path.name).to_numpy()
        raw["soort"] = raw["SoortMisdrijf"].astype("string").str.strip().map(crime_column)
        raw["aantal"] = to_number(raw[measure]).to_numpy()
        table = raw.pivot_table(index="buurtcode", columns="soort", values="aantal", aggfunc="sum").reset_index()
        table.columns.name = None
    else:
        lower = {c.lower(): c for c in raw.columns}
        code = lower.get("buurtcode") or lower.get("bu_code")
        crime = [c for c in raw.columns if c.lower().startswith("misdrijven_")]
        if not code or not crime:
            raise InputError(f"{path.name}: geen tabel 47018NED (SoortMisdrijf, WijkenEnBuurten, "
                             "GeregistreerdeMisdrijven_1) en geen kolommen buurtcode + misdrijven_...")
        table = pd.DataFrame({"buurtcode": normalise_buurtcodes(raw[code], path.name)})
        for col in crime:
            table[col.lower()] = to_number(raw[col]).to_numpy()
        year = year or year_from_name(path)
    if table.empty:
        raise InputError(f"{path.name}: geen buurten in de misdrijftabel")
    labels = {}
    for col in table.columns[1:]:
        values = table[col]
        if (values < 0).any():
            raise InputError(f"{path.name}: negatief aantal misdrijven in {col} bij "
                             f"{table.loc[values < 0, 'buurtcode'].iloc[0]}")
        key = col.removeprefix("misdrijven_").replace("_", ".")
        labels[col] = CRIME_TITLES.get(CRIME_TOTAL if key == "totaal" else key, f"Misdrijven {key}")
    return SafetyTable(table, labels, year, path.name)


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
    code = next((c for c in ("bu_code", "buurtcode", "id") if c in raw), None)  # id: the live WFS layer
    if code is None or "kscore" not in raw:
        raise InputError(f"{path.name}: geen Leefbaarometer-buurtscores (kolommen bu_code en kscore)")
    table = pd.DataFrame({"buurtcode": normalise_buurtcodes(raw[code], path.name)})
    for field, column in LIVEABILITY.items():
        if field in raw:
            table[column] = to_number(raw[field]).to_numpy()
    bad = table["lbm_klasse"].notna() & ~table["lbm_klasse"].between(1, 9)
    if bad.any():
        raise InputError(f"{path.name}: kscore {table.loc[bad, 'lbm_klasse'].iloc[0]:g} bij "
                         f"{table.loc[bad, 'buurtcode'].iloc[0]} ligt niet tussen 1 en 9")
    year = None
    if "year" in raw and raw["year"].astype(str).str.fullmatch(r"\d{4}").any():
        year = int(raw["year"].astype(str).str.extract(r"(\d{4})")[0].dropna().iloc[0])
    labels = {"lbm_klasse": "Leefbaarometer-klasse"}
    return SafetyTable(table, labels, year or year_from_name(path), path.name)
