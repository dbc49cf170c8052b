"""Indicator definitions, rates with small-number protection, and aggregation to wijk and gemeente.

Every indicator is a ratio of two counts, ``numerator / denominator * scale``. Keeping the counts
makes aggregation honest: a wijk's rate is the sum of its buurten's numerators over the sum of
their denominators, never an average of buurt rates.

Each rate column ``<key>`` comes with ``<key>_status``:

``"ok"``          a number;
``"ontbreekt"``   the source has no figure (empty, ``.``, CBS sentinel);
``"onderdrukt"``  suppressed because the numbers are too small to show (see :class:`SmallNumbers`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..settings import SmallNumbers
from ..sources.declarations import (CBS, CLASS, COUNT, HIGHER_BETTER, HIGHER_WORSE, NEITHER, RATE, REGISTRATION,
                                    Figure)
from ..sources.kwb_columns import KWB_COLUMNS

OK, MISSING, SUPPRESSED = "ok", "ontbreekt", "onderdrukt"
#: The three domains of a wijkbezoek, in the order the briefing shows them.
DOMAINS = ("sociaal", "veiligheid", "leefbaarheid")
#: Status of a score at wijk or gemeente level when it is shown per buurt only (never summed).
PER_BUURT = "alleen per buurt"
#: What a wijk's or gemeente's figure rests on: the area's published figure, or its buurten summed.
PUBLISHED, SUMMED = "gepubliceerd", "som van de buurten"


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``numerator / denominator * scale``.

    Attributes
    ----------
    key : str
        Column name of the rate.
    label : str
        Dutch label for maps and tables.
    numerator, denominator : str
        Count columns.
    scale : float
        100 for a percentage, 1000 for "per 1.000".
    unit : str
        Dutch unit text, e.g. ``"per 1.000 inwoners"``.
    more_is_need : bool
        True when a higher value signals more need for support.
    role : {"behoefte", "context"}
        "behoefte" (use of help and support) counts in stapeling and the need index; "context"
        (housing, ageing) is what need is related to.
    description : str
        How the figure is made, for the sources page.
    kind : {"ratio", "score"}
        A ratio of two counts, or a score per buurt (SES-WOA, a liveability class) in `numerator`
        with `denominator` the inhabitants (for weighting and the small-number rule).
    protected : bool
        The numerator is a count from the municipality's own registrations: counts of 1 to
        ``min_count - 1`` are suppressed. Published CBS figures (and counts derived from CBS
        percentages) are already protected by CBS and are not.
    aggregation : {"som", "gewogen", "geen"}
        How wijk and gemeente values are made: summed counts (ratios), the inhabitant-weighted
        mean of a score, or none (a score shown per buurt only).
    direction : str
        From the declaration: higher is worse, better or neither
        (:data:`~sociale_kaart.sources.declarations.DIRECTIONS`); by default from `more_is_need`.
    lineage : frozenset of str
        Who published the figures it is made of (CBS, Politie, ...); ``registratie`` (an own
        registration among its inputs) makes it `protected`, and `protected` adds it.
    classes : tuple of str
        An ordered class: the labels of class 1, 2, ... (``"9 uitstekend"``); its map shows these
        classes, never quantiles.
    sources : tuple of str
        Keys of the sources that feed it (``kwb``, ``misdrijven``), for its credit line.
    """

    key: str
    label: str
    numerator: str
    denominator: str
    scale: float
    unit: str
    more_is_need: bool = True
    description: str = ""
    role: str = "behoefte"
    domain: str = "sociaal"  #: one of DOMAINS: reasons and the briefing say which domain a value belongs to
    kind: str = "ratio"
    protected: bool = False
    aggregation: str = "som"
    direction: str = ""
    lineage: frozenset = frozenset({CBS})
    classes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ("kwb",)

    def __post_init__(self):
        if not self.direction:
            object.__setattr__(self, "direction", HIGHER_WORSE if self.more_is_need else HIGHER_BETTER)
        lineage = frozenset(self.lineage)
        if self.protected:
            lineage |= {REGISTRATION}
        object.__setattr__(self, "lineage", lineage)
        object.__setattr__(self, "protected", REGISTRATION in lineage)

    def inputs_present(self, table: pd.DataFrame) -> bool:
        return self.numerator in table.columns and self.denominator in table.columns


#: The core indicators of the sociaal domein, in display order.
CORE_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "wmo_per_1000", "Wmo-cliënten", "wmo_clienten", "inwoners", 1000, "per 1.000 inwoners",
        description="Personen met een Wmo-maatwerkvoorziening (CBS) per 1.000 inwoners.",
    ),
    Indicator(
        "bijstand_per_1000", "Bijstand", "bijstand", "inwoners", 1000, "per 1.000 inwoners",
        description="Personen met een bijstandsuitkering (CBS) per 1.000 inwoners.",
    ),
    Indicator(
        "pct_huur", "Huurwoningen", "huurwoningen", "woningvoorraad", 100, "% van de woningen",
        description="Huurwoningen als percentage van de woningvoorraad (CBS). Het aantal "
        "huurwoningen is afgeleid uit het CBS-percentage maal de woningvoorraad.",
        role="context",
    ),
    Indicator(
        "pct_65plus", "65 jaar en ouder", "inwoners_65plus", "inwoners", 100, "% van de inwoners",
        description="Inwoners van 65 jaar en ouder als percentage van alle inwoners (CBS).",
        role="context",
    ),
    Indicator(
        "pct_75plus", "75 jaar en ouder", "inwoners_75plus", "inwoners", 100, "% van de inwoners",
        description="Inwoners van 75 jaar en ouder als percentage van alle inwoners, als de bron "
        "dit aantal heeft.",
        role="context",
    ),
    Indicator(
        "pct_80plus", "80 jaar en ouder", "inwoners_80plus", "inwoners", 100, "% van de inwoners",
        description="Inwoners van 80 jaar en ouder als percentage van alle inwoners (CBS, kerncijfers vanaf 2026).",
        role="context",
    ),
    Indicator(
        "pct_jeugdzorg", "Jeugdzorg", "jeugdzorg", "jongeren_0_25", 100, "% van de jongeren 0-24 jaar",
        description="Jongeren met jeugdzorg in natura (CBS) als percentage van de inwoners van 0 tot "
        "25 jaar. Het CBS-eigen percentage gebruikt jongeren tot 23 jaar; die noemer staat niet in "
        "de kerncijfers en kan dus niet per wijk worden opgeteld.",
    ),
)


#: Their directions are those the KWB declares for their counts (``kwb_columns.csv``), said once there.
CORE_INDICATORS = tuple(dataclasses.replace(i, direction=KWB_COLUMNS[i.numerator].direction)
                        for i in CORE_INDICATORS)


DEFAULT_SMALL_NUMBERS = SmallNumbers()

#: Where a core indicator's counts can be found when the input lacks them (said in the warning).
WHERE_TO_FIND = {
    "wmo_per_1000": "WmoClienten in de KWB-tabel van het CBS (OData 85984NED voor 2024; 'sociale-kaart fetch'); "
                    "de Wijk- en Buurtkaart zelf heeft geen Wmo-kolom",
    "bijstand_per_1000": "PersonenPerSoortUitkeringBijstand in de KWB-tabel, of "
                         "aantal_personen_met_een_alg_bijstandsuitkering_tot in de Wijk- en Buurtkaart",
    "pct_huur": "HuurwoningenTotaal (%) en Woningvoorraad in de KWB-tabel of de Wijk- en Buurtkaart",
    "pct_65plus": "k_65JaarOfOuder in de KWB-tabel, of het percentage 65+ in de Wijk- en Buurtkaart",
    "pct_jeugdzorg": "JongerenMetJeugdzorgInNatura en de leeftijdsgroepen 0-15 en 15-25 in de KWB-tabel",
}


def registry() -> dict[str, Indicator]:
    """The core indicators by key."""
    return {ind.key: ind for ind in CORE_INDICATORS}


def registration_indicator(column: str, label: str) -> Indicator:
    """An indicator "<registration count> per 1.000 inwoners" for a municipal registration column.

    Examples
    --------
    >>> reg = registration_indicator("reg_schuldhulp", "Schuldhulp")
    >>> reg.key, reg.protected, reg.sources
    ('reg_schuldhulp_per_1000', True, ('kwb', 'registraties'))
    """
    from ..sources.registrations import registration_figure

    return from_figure(registration_figure(column, label), source="registraties", year=None)


def from_figure(figure: Figure, *, source: str, year: int | None) -> Indicator | None:
    """The indicator a declared figure makes, or None for a figure that only rides along (a score).

    A count is shown per `scale` of its `denominator` (crime per 1.000 inhabitants); a rate is kept
    as published (never divided again; wijk and gemeente values weighted by the denominator, which
    equals their summed counts); an ordered class keeps its classes and is never summed.

    Examples
    --------
    >>> from sociale_kaart.sources.safety import CRIME, crime_figure
    >>> count = from_figure(crime_figure("misdrijven_totaal"), source="misdrijven", year=2023)
    >>> count.key, count.numerator, count.scale, count.kind, count.sources
    ('misdrijven_totaal_per_1000', 'misdrijven_totaal', 1000, 'ratio', ('kwb', 'misdrijven'))
    >>> rate = from_figure(crime_figure("misdrijven_totaal", rate_scale=1000), source="misdrijven", year=2023)
    >>> rate.key, rate.numerator, rate.scale, rate.kind, rate.aggregation
    ('misdrijven_totaal_per_1000', 'misdrijven_totaal_per_1000', 1, 'score', 'gewogen')
    """
    common = dict(more_is_need=figure.direction != HIGHER_BETTER, direction=figure.direction, role=figure.role,
                  domain=figure.domain, description=figure.description.replace("{year}", str(year or "?")),
                  lineage=frozenset({figure.lineage}), sources=("kwb", source))
    if figure.kind == COUNT:
        scale = figure.scale or 1000
        per = f"{scale:,.0f}".replace(",", ".")
        return Indicator(f"{figure.key}_per_{scale:.0f}", figure.label, figure.key, figure.denominator or "inwoners",
                         scale, f"per {per} {figure.denominator or 'inwoners'}", **common)
    if figure.kind == RATE:
        return Indicator(figure.key, figure.label, figure.key, figure.denominator or "inwoners", 1, figure.unit,
                         kind="score", aggregation="gewogen", **common)
    if figure.kind == CLASS:
        return Indicator(figure.key, figure.label, figure.key, "inwoners", 1, figure.unit, kind="score",
                         aggregation="geen", classes=figure.class_labels(), **common)
    return None


def declared_indicator(spec, *, lineage=frozenset({CBS}), sources: tuple[str, ...] = ("kwb",)) -> Indicator:
    """The :class:`Indicator` of an own indicator declared in the project file (an ``IndicatorSpec``).

    `lineage` is the union of the lineages of the columns it is made of: with an own registration
    among them it is protected, whichever role the column plays (score, numerator, denominator). A
    protected score is shown per buurt only (a weighted mean of published counts says nothing true).

    Examples
    --------
    >>> from sociale_kaart.settings import IndicatorSpec
    >>> ses = declared_indicator(IndicatorSpec(key="ses", label="SES-WOA", unit="score", column="ses_woa",
    ...                                        direction="minder", aggregation="gewogen"))
    >>> ses.kind, ses.more_is_need, ses.aggregation, ses.denominator, ses.direction
    ('score', False, 'gewogen', 'inwoners', 'higher_better')
    >>> reg = declared_indicator(IndicatorSpec(key="s", label="S", unit="aantal", column="reg_schuld",
    ...                                        aggregation="gewogen"), lineage=frozenset({"registratie"}))
    >>> reg.protected, reg.aggregation
    (True, 'geen')
    """
    role = "context" if spec.direction == "context" else "behoefte"
    more = spec.direction != "minder"
    direction = NEITHER if spec.direction == "context" else HIGHER_WORSE if more else HIGHER_BETTER
    source = f" Bron: {spec.source.name}." if spec.source else ""
    common = dict(more_is_need=more, role=role, direction=direction, lineage=frozenset(lineage), sources=sources,
                  protected=spec.protected)
    if spec.column:
        weighted = spec.aggregation == "gewogen" and REGISTRATION not in lineage and not spec.protected
        how = ("gewogen naar inwoners opgeteld per wijk en gemeente" if weighted
               else "alleen per buurt getoond, nooit opgeteld")
        return Indicator(spec.key, spec.label, spec.column, "inwoners", 1, spec.unit, kind="score",
                         aggregation="gewogen" if weighted else "geen",
                         description=f"Eigen indicator: score uit kolom {spec.column}, {how}.{source}", **common)
    return Indicator(spec.key, spec.label, spec.numerator, spec.denominator, spec.scale, spec.unit,
                     description=f"Eigen indicator: {spec.numerator} / {spec.denominator} x {spec.scale:g}.{source}",
                     **common)


def derive_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Add counts that the KWB gives only indirectly: ``huurwoningen`` and ``jongeren_0_25``.

    Examples
    --------
    >>> t = pd.DataFrame({"pct_huurwoningen": [32.0], "woningvoorraad": [1372.0]})
    >>> derive_counts(t)["huurwoningen"].round(2).tolist()
    [439.04]
    """
    table = table.copy()
    if {"pct_huurwoningen", "woningvoorraad"} <= set(table.columns) and "huurwoningen" not in table:
        table["huurwoningen"] = table["pct_huurwoningen"] / 100 * table["woningvoorraad"]
    if {"inwoners_0_15", "inwoners_15_25"} <= set(table.columns) and "jongeren_0_25" not in table:
        table["jongeren_0_25"] = table["inwoners_0_15"] + table["inwoners_15_25"]
    return table


def available(table: pd.DataFrame, extra: list[Indicator] | None = None) -> list[Indicator]:
    """The indicators (core plus `extra`) whose counts are columns of `table`."""
    return [ind for ind in [*CORE_INDICATORS, *(extra or [])] if ind.inputs_present(table)]


def compute_rates(
    table: pd.DataFrame,
    indicators: list[Indicator],
    rule: SmallNumbers = DEFAULT_SMALL_NUMBERS,
) -> pd.DataFrame:
    """Add a rate column and a status column per indicator.

    Parameters
    ----------
    table : DataFrame
        Counts per area (buurt, wijk or gemeente).
    indicators : list of Indicator
        What to compute; see :func:`available`.
    rule : SmallNumbers
        When to suppress.

    Examples
    --------
    >>> t = pd.DataFrame({"wmo_clienten": [130.0, 5.0, 3.0], "inwoners": [2915.0, 10.0, 900.0]})
    >>> out = compute_rates(t, [registry()["wmo_per_1000"]])
    >>> out["wmo_per_1000"].round(2).tolist(), out["wmo_per_1000_status"].tolist()
    ([44.6, nan, 3.33], ['ok', 'onderdrukt', 'ok'])
    >>> reg = registration_indicator("wmo_clienten", "Wmo")  # the same 3 from a registration is protected
    >>> compute_rates(t, [reg])["wmo_clienten_per_1000_status"].tolist()
    ['ok', 'onderdrukt', 'onderdrukt']
    """
    table = table.copy()
    for ind in indicators:
        num = table[ind.numerator].astype(float)
        den = table[ind.denominator].astype(float)
        if ind.kind == "score":
            known = num.notna()
            small = den.notna() & (den < rule.min_denominator)
            table[ind.key] = num.where(known & ~small)
            table[f"{ind.key}_status"] = np.where(small, SUPPRESSED, np.where(known, OK, MISSING))
            continue
        known = num.notna() & den.notna() & (den > 0)
        few = (num > 0) & (num < rule.min_count) if ind.protected else False
        small = known & ((den < rule.min_denominator) | few)
        # A denominator below the minimum suppresses even when the numerator is unknown:
        # "onderdrukt" tells the reader more than "ontbreekt" there.
        small |= den.notna() & (den < rule.min_denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = num / den * ind.scale
        table[ind.key] = rate.where(known & ~small)
        status = np.where(small, SUPPRESSED, np.where(known, OK, MISSING))
        table[f"{ind.key}_status"] = status
    return table


def suppress_counts(
    table: pd.DataFrame, columns: list[str], rule: SmallNumbers = DEFAULT_SMALL_NUMBERS
) -> pd.DataFrame:
    """Blank out counts from 1 to ``rule.min_count - 1`` in `columns` (for output of registrations).

    Examples
    --------
    >>> suppress_counts(pd.DataFrame({"n": [0, 3, 12]}), ["n"])["n"].tolist()
    [0.0, nan, 12.0]
    """
    table = table.copy()
    for col in columns:
        values = table[col].astype(float)
        table[col] = values.mask((values > 0) & (values < rule.min_count))
    return table


def aggregate(
    table: pd.DataFrame,
    by: str,
    indicators: list[Indicator],
    rule: SmallNumbers = DEFAULT_SMALL_NUMBERS,
) -> pd.DataFrame:
    """Rates per group (``wijkcode`` or ``gemeentecode``) from summed counts.

    Per indicator only the areas where numerator and denominator are both known are summed, so a
    buurt without a figure does not pull the rate down. ``<key>_dekking`` tells what share of the
    group's denominator that covers.

    Examples
    --------
    >>> t = pd.DataFrame({"wijkcode": ["WK01", "WK01"], "wmo_clienten": [10.0, 30.0],
    ...                   "inwoners": [100.0, 900.0]})
    >>> aggregate(t, "wijkcode", [registry()["wmo_per_1000"]])["wmo_per_1000"].tolist()
    [40.0]
    """
    groups = table[by]
    parts = {}
    for ind in indicators:
        num = table[ind.numerator].astype(float)
        den = table[ind.denominator].astype(float)
        both = num.notna() & den.notna()
        if ind.kind == "score":  # summed as score x inhabitants, so the weighted mean follows
            num = num * den
        parts[ind.numerator] = num.where(both).groupby(groups).sum(min_count=1)
        parts[f"__den_{ind.key}"] = den.where(both).groupby(groups).sum(min_count=1)
        parts[f"__all_{ind.key}"] = den.groupby(groups).sum(min_count=1)
    for col in ("inwoners", "woningvoorraad", "huishoudens"):
        if col in table.columns and col not in parts:
            parts[col] = table[col].astype(float).groupby(groups).sum(min_count=1)
    sums = pd.DataFrame(parts)
    out = pd.DataFrame(index=sums.index)
    for col in ("inwoners", "woningvoorraad", "huishoudens"):
        if col in sums:
            out[col] = sums[col]
    for ind in indicators:
        if ind.kind == "score" and ind.aggregation != "gewogen":
            out[ind.key] = np.nan
            out[f"{ind.key}_status"] = PER_BUURT
            continue
        block = pd.DataFrame({ind.numerator: sums[ind.numerator], ind.denominator: sums[f"__den_{ind.key}"]})
        if ind.kind == "score":
            block[ind.numerator] = block[ind.numerator] / block[ind.denominator]
        rated = compute_rates(block, [ind], rule)
        out[ind.key] = rated[ind.key]
        out[f"{ind.key}_status"] = rated[f"{ind.key}_status"]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{ind.key}_dekking"] = (sums[f"__den_{ind.key}"] / sums[f"__all_{ind.key}"]).round(3)
    return out.reset_index()

