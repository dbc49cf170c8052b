"""Police-registered *overlast* per buurt: Politie table 47024NED, a second safety source beside crime.

Read as CBS's OData client writes its rows (long: ``WijkenEnBuurten``, ``Perioden``,
``GeregistreerdeOverlast_1`` and the dimension ``Overlast``; periods ``2023JJ00`` or the months
``2023MM01`` .. ``2023MM12``) or as ``sociale-kaart fetch --ook overlast`` saves it (wide:
``buurtcode;overlast_totaal``, the year in the file name). A year of months is the sum of its twelve
months only when all twelve are in the table; a buurt with a month without a figure (not published)
gets no yearly figure, never a sum around the gap. Like crime, every year of the table is on the
buurtindeling of 1 January of its latest year; ``fetch`` writes that year beside the file
(:func:`~sociale_kaart.sources.safety.table_indeling`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from .boundaries import year_from_name
from .codes import buurtcode_column, normalise_buurtcodes
from .declarations import BUURT, COUNT, HIGHER_WORSE, POLITIE, Figure, SourceDeclaration
from .tabular import read_table
from .safety import SafetyTable, check_figures, choose_year, table_indeling
from .values import to_number

#: Names of the count column: the OData measure, and what fetch writes.
_MEASURES = ("geregistreerdeoverlast_1", "overlast_totaal", "geregistreerde_overlast", "overlast")

OVERLAST_FIGURE = Figure(
    "overlast_totaal", "Overlast", kind=COUNT, unit="aantal", direction=HIGHER_WORSE, lineage=POLITIE,
    denominator="inwoners", scale=1000, minimum=0, domain="veiligheid", role="context",
    description="Overlast: meldingen van overlast die de politie in {year} registreerde (Politie, tabel 47024NED), "
                "per 1.000 inwoners. Overlast wordt geregistreerd waar die zich voordoet: een centrum of uitgaansgebied "
                "scoort hoog zonder veel inwoners.")

#: Politie 47024NED: registered overlast per buurt, a count shown per 1.000 inhabitants.
OVERLAST = SourceDeclaration(
    "overlast", "Politie, geregistreerde overlast", publisher=POLITIE, licence="CC BY 4.0", levels=(BUURT,),
    keys="buurtcode (BU + 8 cijfers) in WijkenEnBuurten of buurtcode",
    year="Perioden (2023JJ00, of alle twaalf maanden 2023MM01 .. 2023MM12) of een kolom jaar; "
         "anders het jaar in de bestandsnaam",
    figures=(OVERLAST_FIGURE,),
)


def read_overlast(path: str | Path, *, year: int | None = None) -> SafetyTable:
    """Registered overlast per buurt (``overlast_totaal``) from the verbatim 47024NED rows or fetch's wide CSV.

    Examples
    --------
    >>> import tempfile
    >>> rows = "".join(f'"A00   ","BU05560101","2023MM{m:02d}",{m}\\n' for m in range(1, 13))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "o.csv"
    ...     _ = p.write_text('"Overlast","WijkenEnBuurten","Perioden","GeregistreerdeOverlast_1"\\n' + rows)
    ...     read = read_overlast(p)
    >>> read.table.to_dict("list"), read.year
    ({'buurtcode': ['BU05560101'], 'overlast_totaal': [78.0]}, 2023)
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    lower = {c.lower(): c for c in raw.columns}
    measure = next((lower[m] for m in _MEASURES if m in lower), None)
    code_col = buurtcode_column(raw.columns)
    if measure is None or code_col is None:
        raise InputError(f"{path.name}: geen tabel 47024NED (WijkenEnBuurten, Perioden, GeregistreerdeOverlast_1) en "
                         "geen kolommen buurtcode + overlast_totaal (aantallen)")
    region = raw[code_col].astype("string").str.strip()
    raw = raw[region.str.startswith("BU").fillna(False).to_numpy()].copy()
    if "Overlast" in raw.columns:
        raw = _total_rows(raw, path)
    raw["buurtcode"] = normalise_buurtcodes(raw[code_col], path.name).to_numpy()
    raw["aantal"] = to_number(raw[measure]).to_numpy()
    period = next((lower[k] for k in ("perioden", "jaar", "year", "periode") if k in lower), None)
    if period is None:
        year = year or year_from_name(path)
        if year is None:
            raise InputError(f"{path.name}: geen jaar gevonden; verwacht een kolom Perioden (2023JJ00 of 2023MM01) "
                             "of jaar, of het jaar in de bestandsnaam")
        periods = pd.Series(str(year), index=raw.index)
    else:
        periods = raw[period].astype("string").str.strip().fillna("")
    keep, year, months = _periods_of_year(periods, path, year)
    raw = raw.assign(periode=periods.to_numpy())[keep]
    if months:  # all twelve months per buurt, else no yearly figure for that buurt
        wide = raw.groupby(["buurtcode", "periode"])["aantal"].sum(min_count=1).unstack().reindex(columns=months)
        counts = wide.sum(axis=1, min_count=len(months)).where(wide.notna().all(axis=1))
    else:
        counts = raw.groupby("buurtcode")["aantal"].sum(min_count=1)
    table = pd.DataFrame({"buurtcode": counts.index.astype(str), "overlast_totaal": counts.to_numpy(dtype=float)})
    if table.empty:
        raise InputError(f"{path.name}: geen buurten in de overlasttabel")
    check_figures(table, (OVERLAST_FIGURE,), path.name, names={"overlast_totaal": measure})
    return SafetyTable(table, {"overlast_totaal": OVERLAST_FIGURE.label}, year, path.name, (OVERLAST_FIGURE,),
                       OVERLAST, indeling=table_indeling(path))


def _total_rows(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The rows of the total of all kinds of overlast (column ``Overlast``), never a sum of its kinds."""
    kinds = raw["Overlast"].astype("string").str.strip()
    found = list(dict.fromkeys(kinds.dropna()))
    if len(found) <= 1:
        return raw
    totals = [k for k in found if "totaal" in k.lower()]
    if len(totals) != 1:
        raise InputError(f"{path.name}: kolom Overlast heeft meerdere soorten ({', '.join(found[:6])}) en geen "
                         "herkenbaar totaal; laat alleen de rijen van 'Overlast, totaal' staan of haal de tabel op "
                         "met sociale-kaart fetch --ook overlast")
    return raw[kinds.eq(totals[0]).fillna(False).to_numpy()].copy()


def _periods_of_year(periods: pd.Series, path: Path, year: int | None):
    """Rows that make up one year, the year, and its twelve month keys when it is made of months (else None).

    A year is its ``JJ00`` row or all twelve ``MM`` rows; quarters are refused, a year with months
    missing is refused, and several years in one file are refused unless `year` is chosen.
    """
    if periods.str.fullmatch(r"\d{4}KW\d{1,2}").any():
        raise InputError(f"{path.name}: de tabel heeft kwartaalcijfers ({periods.iloc[0]}); geef jaarcijfers "
                         "(Perioden 2023JJ00) of alle twaalf maanden (2023MM01 .. 2023MM12)")
    found = periods.str.extract(r"((?:19|20)\d\d)")[0]
    year = choose_year(found, path, year, "2023, 2023JJ00 of 2023MM01")
    mine = found.eq(str(year)).fillna(False).to_numpy()
    monthly = periods.str.fullmatch(rf"{year}MM\d\d").fillna(False).to_numpy()
    if (mine & ~monthly).any():  # a yearly figure: the year itself, never months beside it
        return mine & ~monthly, year, None
    months = [f"{year}MM{m:02d}" for m in range(1, 13)]
    present = set(periods[mine])
    if not set(months) <= present:
        missing = [m for m in months if m not in present]
        raise InputError(f"{path.name}: {year} heeft maar {12 - len(missing)} van de 12 maanden (ontbreekt: "
                         f"{', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}); een jaar is de som van "
                         "alle twaalf maanden, anders niets")
    return np.asarray(mine & monthly), year, months
