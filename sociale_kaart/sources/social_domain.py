"""CBS sociaal-domein tables per wijk: stapeling of voorzieningen, Wmo-cliënten, jeugdhulp.

Read by content, not by table id: the OData CSV (``TypedDataSet``, column names such as
``HuishoudensMetVoorzieningen_6``, keys or titles of the dimensions) and the StatLine export (Dutch
headers such as ``Huishoudens met voorzieningen (aantal)``, ``Regioaanduiding/Codering (code)``).
The rows of a wijk (``SoortRegio`` "Wijk", ``Codering`` WK + 6 digits) are kept; every dimension
other than the one that splits a figure (the combination of voorzieningen) is taken at its total;
of several periods the year (``2022``) is taken, otherwise the last one in the file. A missing or
secret value (empty, ``.``, a CBS sentinel) stays missing.

Each table is a declared source (:data:`~sociale_kaart.sources.declarations.EXTRA_SOURCES`) at the
level wijk: it is joined to the wijken of the run and credited with its table id (from the file
name, ``85994NED``) and period. Fetching a table by id is not done here.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..texts import slugify
from .declarations import BUURT, CBS, COUNT, HIGHER_WORSE, WIJK, Figure, SourceDeclaration
from .tabular import read_table
from .safety import SafetyTable
from .values import to_number

_WIJK_KEYS = "wijkcode (WK + 6 cijfers) in Codering"
_PERIOD = "Perioden: het jaar, anders de laatste periode in het bestand"

STACKING = SourceDeclaration(
    "cbs_stapeling", "CBS, Gebruik voorzieningen sociaal domein per wijk", publisher=CBS, licence="CC BY 4.0",
    levels=(WIJK,), keys=_WIJK_KEYS, year=_PERIOD,
    figures=(
        Figure("cbs_huishoudens_met_voorzieningen", "Huishoudens met voorzieningen sociaal domein (CBS)",
               kind=COUNT, unit="aantal", direction=HIGHER_WORSE, universe="huishoudens", denominator="huishoudens",
               scale=1000, minimum=0, description="Huishoudens met jeugdhulp, Participatiewet of Wmo (CBS, {year})."),
        Figure("cbs_clienten_met_voorzieningen", "Personen met voorzieningen sociaal domein (CBS)", kind=COUNT,
               unit="aantal", direction=HIGHER_WORSE, universe="inwoners", denominator="inwoners", scale=1000,
               minimum=0, description="Personen met jeugdhulp, Participatiewet of Wmo (CBS, {year})."),
    ),
)
WMO = SourceDeclaration(
    "cbs_wmo_wijken", "CBS, Wmo-cliënten per wijk", publisher=CBS, licence="CC BY 4.0", levels=(WIJK,),
    keys=_WIJK_KEYS, year=_PERIOD,
    figures=(Figure("cbs_wmo_clienten", "Wmo-cliënten (CBS, per wijk)", kind=COUNT, unit="aantal",
                    direction=HIGHER_WORSE, universe="inwoners", denominator="inwoners", scale=1000, minimum=0,
                    description="Personen met een Wmo-maatwerkvoorziening (CBS, {year})."),),
)
YOUTH = SourceDeclaration(
    "cbs_jeugdhulp_wijken", "CBS, Jongeren met jeugdzorg in natura per wijk", publisher=CBS, licence="CC BY 4.0",
    levels=(WIJK,), keys=_WIJK_KEYS, year=_PERIOD,
    figures=(Figure("cbs_jongeren_jeugdzorg", "Jongeren met jeugdzorg (CBS, per wijk)", kind=COUNT, unit="aantal",
                    direction=HIGHER_WORSE, universe="inwoners", denominator="inwoners", scale=1000, minimum=0,
                    description="Jongeren met jeugdzorg in natura (CBS, {year})."),),
)

BENEFITS = SourceDeclaration(
    "cbs_uitkeringen", "CBS, Personen met een uitkering per buurt", publisher=CBS, licence="CC BY 4.0",
    levels=(BUURT,), keys="buurtcode (BU + 8 cijfers) in Codering", year="Perioden: de laatste in het bestand",
    figures=(Figure("bijstand_uitkeringen", "Personen met bijstand (CBS, uitkeringen per buurt)", kind=COUNT,
                    unit="aantal", direction=HIGHER_WORSE, universe="inwoners", denominator="inwoners", scale=1000,
                    minimum=0, description="Personen met een bijstandsuitkering (CBS, {year})."),),
)

#: Per declaration: figure key -> the names its count column has (OData name without the number
#: suffix, StatLine export header in lower case), and the dimension whose categories are split out.
_COLUMNS = {
    "cbs_stapeling": ({"cbs_huishoudens_met_voorzieningen": ("huishoudensmetvoorzieningen",
                                                             "huishoudens met voorzieningen (aantal)"),
                       "cbs_clienten_met_voorzieningen": ("clientenmetvoorzieningen",
                                                          "cliënten met voorzieningen (aantal)")},
                      "soortvoorzieningsociaaldomein"),
    "cbs_wmo_wijken": ({"cbs_wmo_clienten": ("wmoclienten", "wmo-cliënten (aantal)")}, None),
    "cbs_uitkeringen": ({"bijstand_uitkeringen": ("bijstandsuitkering", "bijstandsuitkering (aantal)")}, None),
    "cbs_jeugdhulp_wijken": ({"cbs_jongeren_jeugdzorg": ("totaaljongerenmetjeugdzorginnatura",
                                                         "totaal jongeren met jeugdzorg in natura (aantal)")}, None),
}


def read_stacking_table(path) -> SafetyTable:
    """The CBS table *Gebruik voorzieningen sociaal domein; aantal voorzieningen, wijken* per wijk.

    Households and persons with any voorziening (``Totaal``), and each combination the table splits
    out (``Alleen Jeugd``, ``Jeugd en Wmo``, ...) as ``cbs_huishoudens_<combination>``.
    """
    return _read_wijk_table(path, STACKING)


def read_wmo_table(path) -> SafetyTable:
    """The CBS table *Wmo-cliënten; type maatwerkvoorziening, wijken* (the total of every type)."""
    return _read_wijk_table(path, WMO)


def read_youth_table(path) -> SafetyTable:
    """The CBS table *Jongeren met jeugdzorg in natura; wijken* (all jeugdzorg in natura)."""
    return _read_wijk_table(path, YOUTH)


def read_benefits_table(path) -> SafetyTable:
    """The CBS table *Personen met een uitkering; soort uitkering, wijken en buurten* per buurt.

    The last period of the file (``2023 december``); only bijstand is used: it fills the KWB's
    bijstand where the KWB publishes none (the 2023 KWB has ``.`` for it).
    """
    return _read_wijk_table(path, BENEFITS, level=BUURT)


def _read_wijk_table(path, declaration: SourceDeclaration, level: str = WIJK) -> SafetyTable:
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    base = {c: re.sub(r"_\d+$", "", c).lower() for c in raw.columns}
    number = {c: int(m.group(1)) if (m := re.search(r"_(\d+)$", c)) else 0 for c in raw.columns}

    def find(*names) -> str | None:
        hits = [c for c in raw.columns if base[c] in names or c.lower() in names]
        return min(hits, key=lambda c: number[c]) if hits else None  # the count comes before its rate

    code = find("codering", "regioaanduiding/codering (code)", "codering (code)")
    kind = find("soortregio", "regioaanduiding/soort regio (omschrijving)", "soort regio (omschrijving)")
    period = find("perioden")
    if code is None or period is None:
        raise InputError(f"{path.name}: geen kolommen Codering en Perioden; is dit een CBS-tabel per wijk "
                         f"({declaration.name})?")
    wanted, split = _COLUMNS[declaration.key]
    columns = {key: find(*names) for key, names in wanted.items()}
    missing = [key for key, col in columns.items() if col is None]
    if len(missing) == len(columns):
        raise InputError(f"{path.name}: geen kolom {' of '.join(wanted[missing[0]])}; is dit {declaration.name}?")
    codes = raw[code].astype("string").str.strip().str.upper()
    region, pattern = ("wijkcode", r"WK\d{6}") if level == WIJK else ("buurtcode", r"BU\d{8}")
    rows = codes.str.fullmatch(pattern).fillna(False)
    if kind is not None:
        rows &= raw[kind].astype("string").str.strip().str.lower().isin([level, ""]).fillna(False)
    split_col = next((c for c in raw.columns if base[c] == split), None) if split else None
    region_titles = {"wijken", "wijkenenbuurten", "gemeentenaam", "id"}
    dimensions = [c for c in raw.columns[:raw.columns.get_loc(period)]
                  if base[c] not in region_titles and c != split_col]
    for dim in dimensions:  # every other dimension at its total
        values = raw[dim].astype("string").str.strip()
        total = values.str.lower().str.startswith("totaal").fillna(False) | values.str.upper().eq("T001")
        if total.any():
            rows &= total
    periods = raw.loc[rows, period].astype("string").str.strip()
    if periods.empty:
        raise InputError(f"{path.name}: geen rijen van {level}en (Codering {pattern[:2]} + cijfers)")
    years = periods[periods.str.fullmatch(r"\d{4}(JJ00)?").fillna(False)]
    chosen = years.iloc[-1] if len(years) else periods.iloc[-1]
    rows &= raw[period].astype("string").str.strip().eq(chosen).fillna(False)
    year = int(re.search(r"(\d{4})", chosen).group(1)) if re.search(r"(\d{4})", chosen) else None
    part = raw[rows]
    categories = part[split_col].astype("string").str.strip() if split_col else pd.Series("Totaal", index=part.index)
    table = pd.DataFrame({region: sorted(set(codes[rows]))})
    figures, labels = [], {}
    for category in dict.fromkeys(categories):
        mine = part[categories.eq(category).to_numpy()]
        total = category.lower().startswith("totaal") or category.upper() == "T001"
        for key, col in columns.items():
            if col is None:
                continue
            figure = declaration.figure(key)
            if not total:
                name = slugify(category, "categorie")
                figure = dataclasses.replace(figure, key=f"{key.replace('_met_voorzieningen', '')}_{name}",
                                             label=f"{figure.label.split(' met ')[0]}: {category.lower()} (CBS)")
            values = to_number(mine[col].astype("string").str.strip(), False)
            values = values.where(values > -99990)
            table[figure.key] = table[region].map(dict(zip(codes[mine.index], values)))
            figures.append(figure)
            labels[figure.key] = col
    if table[region].duplicated().any():
        raise InputError(f"{path.name}: {region} {table[region][table[region].duplicated()].iloc[0]} staat "
                         "er meer dan eens in voor dezelfde periode")
    table_id = re.match(r"(\d{5}[A-Z]{3})", path.name)
    name = f"{declaration.name} ({table_id.group(1)})" if table_id else declaration.name
    mine = dataclasses.replace(declaration, name=name, credit_format="{name} " + chosen.replace("JJ00", ""),
                               figures=tuple(figures))
    return SafetyTable(table, labels, year, path.name, tuple(figures), mine)
