"""Several years of KWB figures on one set of areas: the figures behind change over time.

Each year (:class:`~sociale_kaart.settings.YearSource`) is read in its own form (the 2015 map
attributes, the 2024 OData table, ...), joined to the Wijk- en Buurtkaart of its own codes, and
translated to the areas of the run's map (the reference) through a
:class:`~sociale_kaart.combine.crosswalk.Crosswalk`: counts only, rates recomputed on the reference
areas with the same small-number rule in every year. Wijk and gemeente figures are sums of the
translated buurt counts, so that every year is aggregated over the same areas.

Next to each count the series keeps ``<count>_marge``: the half-width of the uncertainty the
rounding of the source leaves (CBS rounds counts to 5: +-2,5; a percentage published as a whole
number: +-0,5 percentage point), carried through derivations, the crosswalk and the sums. The change
module uses it to tell a real change from rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..settings import SmallNumbers, YearSource
from ..sources.boundaries import label_wijken, read_boundaries
from ..sources.kwb import ColumnSource, read_kwb
from ..sources.kwb_columns import KWB_COLUMNS
from ..texts import NO_YEARS, plural
from . import indicators as ind
from .crosswalk import Crosswalk, crosswalk, identity_crosswalk
from .join import JoinReport, join_figures
from .years import check_names

MARGIN = "_marge"


@dataclass(frozen=True)
class YearFigures:
    """One year's figures on the reference areas, and how they got there.

    Attributes
    ----------
    year : int
    kwb_source, map_source : str
        File names of the figures and of the map of their codes.
    report : JoinReport
        The join of the figures to that map.
    crosswalk : Crosswalk
        From that map to the reference map.
    columns : tuple of ColumnSource
        Which source column fed each count.
    buurten, wijken, gemeenten : DataFrame
        Per reference area (``buurtcode``, ``wijkcode``, ``gemeentecode``): counts, ``<count>_marge``,
        rate and ``<key>_status`` per indicator.
    indicators : tuple of Indicator
        The indicators whose counts this year has.
    """

    year: int
    kwb_source: str
    map_source: str
    report: JoinReport
    crosswalk: Crosswalk
    columns: tuple[ColumnSource, ...]
    buurten: pd.DataFrame
    wijken: pd.DataFrame
    gemeenten: pd.DataFrame
    indicators: tuple[ind.Indicator, ...]

    def level(self, level: str) -> pd.DataFrame:
        """The frame of ``"buurt"``, ``"wijk"`` or ``"gemeente"``."""
        return {"buurt": self.buurten, "wijk": self.wijken, "gemeente": self.gemeenten}[level]

    def text(self) -> str:
        """Where this year's figures came from, for the koppelrapport."""
        lines = [f"Jaar {self.year}: {self.kwb_source} ({self.report.jaar_cijfers or 'jaar onbekend'}), gekoppeld aan "
                 f"{self.map_source}: {plural(len(self.report.gekoppeld), 'buurt', 'buurten')} gekoppeld"]
        if self.report.years_differ:
            how = (f"alleen op naam gecontroleerd ({len(self.report.hergebruikt)} met een andere naam, niet gekoppeld: "
                   f"{', '.join(self.report.hergebruikt) or 'geen'})" if self.report.controle_op_naam
                   else "niet gecontroleerd op een ander gebied")
            lines.append(f"  cijfers van {self.report.jaar_cijfers} op de kaart van {self.report.jaar_grenzen}: gedeelde "
                         f"buurtcodes zijn {how}; geef bij dit jaar de kaart van "
                         f"{self.report.jaar_cijfers} als grenzen, dan zet de omzetting ze om")
        if self.report.alleen_cijfers:
            lines.append(f"  alleen in de cijfers (geen grens, niet meegeteld): {', '.join(self.report.alleen_cijfers)}")
        if self.report.alleen_grenzen:
            lines.append(f"  alleen op de kaart (geen cijfers): {', '.join(self.report.alleen_grenzen)}")
        for col in self.columns:
            if any(col.stable in (i.numerator, i.denominator) for i in self.indicators):
                derived = ", afgeleid" if col.derived else ""
                lines.append(f"  {col.stable:<24} <- {col.column} ({col.unit}{derived})")
        for level, frame in (("wijk", self.wijken), ("gemeente", self.gemeenten)):
            basis = [c for c in frame.columns if c.endswith("_basis")]
            if basis and frame[basis].eq(ind.PUBLISHED).any().any():
                lines.append(f"  {level}cijfers: het gepubliceerde cijfer van het gebied waar de bron het heeft, "
                             "anders de som van de buurten")
            elif basis:
                lines.append(f"  {level}cijfers: de som van de buurten (de bron heeft geen {level}rijen)")
        lines.append("  " + self.crosswalk.describe().replace("\n", "\n  "))
        return "\n".join(lines)


@dataclass(frozen=True)
class Series:
    """Every year of a run on the areas of the run's map.

    Attributes
    ----------
    years : tuple of YearFigures
        Sorted by year.
    areas : DataFrame
        The reference buurten: ``buurtcode``, ``buurtnaam``, ``wijkcode``, ``wijknaam``,
        ``gemeentecode``, ``gemeentenaam``.
    reference : str
        The reference map (file name).
    small_numbers : SmallNumbers
    """

    years: tuple[YearFigures, ...]
    areas: pd.DataFrame
    reference: str
    small_numbers: SmallNumbers

    def year(self, year: int) -> YearFigures:
        for figures in self.years:
            if figures.year == year:
                return figures
        raise InputError(f"geen cijfers van {year}; jaren in deze run: {', '.join(str(y.year) for y in self.years)}")

    @property
    def year_numbers(self) -> tuple[int, ...]:
        return tuple(y.year for y in self.years)

    def report_text(self) -> str:
        head = (f"Verandering door de jaren: {', '.join(map(str, self.year_numbers))}, alle jaren op de buurtgrenzen "
                f"van {self.reference}")
        return "\n\n".join([head, *(y.text() for y in self.years)])

    def to_dict(self) -> dict:
        return {"referentie": self.reference,
                "jaren": [{"jaar": y.year, "cijfers": y.kwb_source, "grenzen": y.map_source,
                           "koppeling": y.report.to_dict(), "omzetting": y.crosswalk.to_dict(),
                           "herkomst": [{"kolom": c.stable, "bron": c.column, "afgeleid": c.derived} for c in y.columns]}
                          for y in self.years]}


def build_series(entries: tuple[YearSource, ...], *, reference: gpd.GeoDataFrame, reference_path: Path,
                 gemeenten: list[str], small_numbers: SmallNumbers = SmallNumbers(), noise_width: float = 25.0,
                 addresses: tuple[np.ndarray, np.ndarray] | None = None,
                 indicators: tuple[ind.Indicator, ...] | None = None) -> Series:
    """Read, join, translate and rate every year on the `reference` buurten.

    Parameters
    ----------
    entries : tuple of YearSource
        One per year; ``grenzen=None`` is the reference map itself.
    reference : GeoDataFrame
        The run's buurten (``buurtcode``, ``wijkcode``, ``gemeentecode``, names, geometry).
    reference_path : Path
        Its file: a year on the same file needs no overlay (the identity).
    gemeenten : list of str
        Gemeentecodes of the run.
    small_numbers : SmallNumbers
        The same rule in every year.
    noise_width : float
        See :func:`~sociale_kaart.combine.crosswalk.crosswalk`.
    addresses : (x, y), optional
        Address points for the crosswalk.
    indicators : tuple of Indicator, optional
        The run's indicators (with their units, e.g. bijstand per 10.000); by default the core
        indicators. Only public KWB ratios take part: never a registration.
    """
    years = [e.year for e in entries]
    if len(set(years)) != len(years):
        double = sorted({y for y in years if years.count(y) > 1})[0]
        raise InputError(f"jaar {double} staat meer dan eens in de jaren ([[jaar]])")
    areas = _areas(reference, Path(reference_path), gemeenten)
    made = []
    for entry in sorted(entries, key=lambda e: e.year):
        made.append(_year(entry, reference, Path(reference_path), areas, gemeenten, small_numbers, noise_width,
                          addresses, indicators))
    return Series(years=tuple(made), areas=areas, reference=Path(reference_path).name, small_numbers=small_numbers)


def _core(data) -> tuple:
    """The run's core KWB indicators, with the units the run shows them in (``[eenheden]``)."""
    core = {i.key for i in ind.CORE_INDICATORS}
    return tuple(i for i in data.indicators if i.key in core)


def run_series(data, settings, progress) -> Series | None:
    """Every year of the run on the run's buurten (None without [[jaar]]): the figures behind change.

    Parameters
    ----------
    data : Dataset
        The run's figures (its buurten are the reference of every year).
    settings : RunSettings
        ``years``, ``targets``, ``sources`` and ``change`` are read.
    progress : Reporter
    """
    if not settings.years:
        if settings.targets:
            raise InputError(NO_YEARS)
        return None
    entries = tuple(settings.years)
    if data.jaar_cijfers not in {y.year for y in entries}:  # the run's own KWB is the latest year unless listed
        entries += (YearSource(year=data.jaar_cijfers, kwb=settings.sources.kwb,
                               kwb_gemeenten=settings.sources.kwb_gemeenten),)
    codes = sorted(data.buurten["gemeentecode"].dropna().unique())
    addresses = None
    if settings.sources.adrestabel is not None:  # with x/y, the crosswalk spreads by addresses instead of area
        from ..sources.addresses import read_address_points

        addresses = read_address_points(settings.sources.adrestabel)
    series = build_series(entries, reference=data.buurten, reference_path=settings.sources.grenzen, gemeenten=codes,
                          small_numbers=data.small_numbers, noise_width=settings.change.noise_width,
                          addresses=addresses, indicators=_core(data))
    if len(series.years) < 2:
        raise InputError("verandering vraagt minstens twee verschillende jaren ([[jaar]] en [bronnen] kwb)")
    progress.say(f"jaren {', '.join(map(str, series.year_numbers))} op de buurtgrenzen van {series.reference}")
    return series


def _areas(reference: pd.DataFrame, path: Path, gemeenten) -> pd.DataFrame:
    """Codes and names of the reference buurten, with the wijknaam of the map's wijken layer when it has one."""
    keep = [c for c in ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam")
            if c in reference.columns]
    areas = pd.DataFrame(reference[keep]).reset_index(drop=True)
    if "wijknaam" not in areas:
        try:
            wijken = read_boundaries(path, gemeenten, level="wijken", read_geometry=False).frame
            names = wijken.set_index("wijkcode").assign(wijknaam=label_wijken(wijken).to_numpy())["wijknaam"]
        except InputError:  # a map without a wijken layer
            names = pd.Series(dtype=object)
        fallback = "Wijk " + areas["wijkcode"].str[-2:]
        areas["wijknaam"] = areas["wijkcode"].map(names).fillna(fallback)
    return areas


def _year(entry: YearSource, reference, reference_path: Path, areas, gemeenten, rule, noise_width, addresses,
          indicators=None):
    kwb = read_kwb(entry.kwb, gemeenten)
    if kwb.year and kwb.year != entry.year:
        raise InputError(f"{kwb.source}: de cijfers zijn van {kwb.year}, niet van {entry.year} (zie [[jaar]])")
    figures = _with_margins(ind.derive_counts(kwb.buurten), kwb.columns)
    map_path = Path(entry.grenzen) if entry.grenzen is not None else reference_path
    same_map = map_path.resolve() == reference_path.resolve()
    if same_map:
        boundaries, map_source, map_year = reference, reference_path.name, _map_year(reference_path)
    else:
        read = read_boundaries(map_path, gemeenten, level="buurten")
        boundaries, map_source, map_year = read.frame, read.source, read.year
    check = None
    if map_year and map_year != (kwb.year or entry.year):  # no map of the figures' year: names are the evidence
        check = check_names(boundaries, figures, source=kwb.source)
    joined, report = join_figures(boundaries[["buurtcode", "geometry"]], figures, gemeenten=gemeenten,
                                  source_boundaries=map_source, source_figures=kwb.source,
                                  year_boundaries=map_year, year_figures=kwb.year or entry.year,
                                  invalid_codes=kwb.invalid_codes, check=check)
    if not report.gekoppeld:
        raise InputError(f"{kwb.source}: geen enkele buurtcode komt overeen met {map_source} voor "
                         f"{', '.join(gemeenten)}; horen deze cijfers bij die kaart?")
    chosen = [i for i in (indicators or ind.CORE_INDICATORS)
              if i.kind == "ratio" and not i.protected and i.inputs_present(figures)]
    counts_cols = sorted({c for i in chosen for c in (i.numerator, i.denominator)} | {"inwoners"})
    columns = [c for c in counts_cols if c in joined] + [c + MARGIN for c in counts_cols if c + MARGIN in joined]
    counts = pd.DataFrame(joined.set_index("buurtcode")[columns])
    names = (f"{map_source} ({map_year or 'jaar onbekend'})", f"{reference_path.name} ({_map_year(reference_path)})")
    if same_map:
        walk = identity_crosswalk(areas["buurtcode"], source=names[0], target=names[1])
    else:
        walk = crosswalk(boundaries, reference, reference=counts["inwoners"], noise_width=noise_width,
                         addresses=addresses, source_name=names[0], target_name=names[1])
    translated = walk.translate(counts).reset_index(names="buurtcode")
    buurten = areas[["buurtcode", "wijkcode", "gemeentecode"]].merge(translated, on="buurtcode", how="left")
    for i in chosen:  # the counts each rate is made of, and their margins: summed per wijk and gemeente
        both = buurten[i.numerator].notna() & buurten[i.denominator].notna()
        for col in (i.numerator, i.denominator):
            buurten[part_column(col, i.key)] = buurten[col].where(both)
            buurten[margin_column(col, i.key)] = buurten.get(col + MARGIN, 0.0) * 1.0
            buurten[margin_column(col, i.key)] = buurten[margin_column(col, i.key)].where(both)
    rated = ind.compute_rates(buurten, chosen, rule)
    published = _published(kwb, entry, gemeenten)
    wijken = _aggregate(buurten, "wijkcode", chosen, rule, published=published["wijk"] if walk.identity else None)
    gemeente = _aggregate(buurten, "gemeentecode", chosen, rule,
                          published=published["gemeente"] if _within_gemeenten(walk, areas) else None)
    return YearFigures(year=entry.year, kwb_source=kwb.source, map_source=map_source, report=report, crosswalk=walk,
                       columns=kwb.columns, buurten=rated, wijken=wijken, gemeenten=gemeente, indicators=tuple(chosen))


def _map_year(path: Path) -> int | None:
    from ..sources.boundaries import year_from_name

    return year_from_name(path)


def _aggregate(buurten: pd.DataFrame, by: str, chosen, rule, *, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rates per wijk or gemeente: the published figure of the area where the table has one, else summed counts.

    A published figure was rounded once, so its margin is that of one count. A sum of n buurt counts
    carries n independent rounding errors, each uniform within +-h: their sum has a standard deviation
    of sqrt(sum h**2 / 3), and the margin is two of those (never more than the worst case, sum h).
    ``<key>_basis`` says which of the two each rate rests on (:data:`~.indicators.PUBLISHED` or
    :data:`~.indicators.SUMMED`).

    Examples
    --------
    >>> from sociale_kaart.combine.indicators import registry
    >>> b = pd.DataFrame({"gemeentecode": ["GM1"] * 4, "bijstand__bijstand_per_1000": [10.0] * 4,
    ...                   "inwoners__bijstand_per_1000": [1000.0] * 4, "bijstand_marge__bijstand_per_1000": [5.0] * 4,
    ...                   "inwoners_marge__bijstand_per_1000": [0.0] * 4, "bijstand": [10.0] * 4, "inwoners": [1000.0] * 4})
    >>> out = _aggregate(b, "gemeentecode", [registry()["bijstand_per_1000"]], SmallNumbers())
    >>> round(float(out["bijstand_marge__bijstand_per_1000"].iloc[0]), 2), out["bijstand_per_1000_basis"].iloc[0]
    (11.55, 'som van de buurten')
    """
    out = ind.aggregate(buurten, by, chosen, rule).set_index(by)
    groups = buurten[by]
    for i in chosen:
        for col in (i.numerator, i.denominator):
            out[part_column(col, i.key)] = buurten[part_column(col, i.key)].groupby(groups).sum(min_count=1)
            margins = buurten[margin_column(col, i.key)]
            worst = margins.groupby(groups).sum(min_count=1)
            spread = 2 * np.sqrt((margins ** 2).groupby(groups).sum(min_count=1) / 3)
            out[margin_column(col, i.key)] = np.minimum(worst, spread)
        out[f"{i.key}_basis"] = ind.SUMMED
        if published is not None:
            _use_published(out, published, i, rule)
    return out.reset_index()


def _use_published(out: pd.DataFrame, published: pd.DataFrame, indicator, rule) -> None:
    """Put the published counts of `indicator` (rounded once) in `out` where the table has both, in place."""
    num, den = indicator.numerator, indicator.denominator
    if num not in published or den not in published:
        return
    rows = published.reindex(out.index)
    both = rows[num].notna() & rows[den].notna()
    if not both.any():
        return
    block = pd.DataFrame({num: rows[num], den: rows[den]})[both]
    rated = ind.compute_rates(block, [indicator], rule)
    for col in (num, den):
        out.loc[both, part_column(col, indicator.key)] = rows.loc[both, col]
        out.loc[both, margin_column(col, indicator.key)] = rows.loc[both, col + MARGIN].fillna(0.0)
    out.loc[both, indicator.key] = rated[indicator.key]
    out.loc[both, f"{indicator.key}_status"] = rated[f"{indicator.key}_status"]
    if f"{indicator.key}_dekking" in out:
        out.loc[both, f"{indicator.key}_dekking"] = 1.0
    out.loc[both, f"{indicator.key}_basis"] = ind.PUBLISHED


def _published(kwb, entry: YearSource, gemeenten) -> dict[str, pd.DataFrame | None]:
    """The year's published wijk and gemeente rows (counts and margins by code), where there are.

    Gemeente rows come from the KWB table itself or from the year's ``kwb_gemeenten`` file; the
    margins of the latter are judged over every gemeente in it (the step all its counts share).
    """
    rows = {"wijk": (kwb.wijken, kwb.columns, "wijkcode"), "gemeente": (kwb.gemeenten, kwb.columns, "gemeentecode")}
    if kwb.gemeenten is None and entry.kwb_gemeenten is not None:
        table = read_kwb(entry.kwb_gemeenten, require_buurten=False)
        rows["gemeente"] = (table.gemeenten, table.columns, "gemeentecode")
    out = {}
    for level, (frame, columns, code) in rows.items():
        if frame is None or frame.empty:
            out[level] = None
            continue
        frame = _with_margins(ind.derive_counts(frame), columns)
        out[level] = frame[frame[code].isin(gemeenten) if level == "gemeente" else frame[code].str[2:6].isin(
            [g[2:] for g in gemeenten])].set_index(code)
    return out


def _within_gemeenten(walk: Crosswalk, areas: pd.DataFrame) -> bool:
    """True when no source buurt of the crosswalk is split across a gemeente border (then a published gemeente
    figure of that year covers the same area as the run's gemeente)."""
    if walk.identity:
        return True
    gemeente = areas.set_index("buurtcode")["gemeentecode"]
    pieces = walk.pieces.assign(gemeente=walk.pieces["naar"].map(gemeente))
    return bool(pieces.groupby("van")["gemeente"].nunique().le(1).all())


def part_column(count: str, key: str) -> str:
    """The column with `count` as indicator `key` uses it: only where both of its counts are known."""
    return f"{count}__{key}"


def margin_column(count: str, key: str) -> str:
    """The rounding margin of :func:`part_column` (summed over the buurten of a wijk or gemeente)."""
    return f"{count}{MARGIN}__{key}"


def rounding_step(values: pd.Series) -> float:
    """The step a column's values are published in: 10 (CBS rounds benefit counts to tens), 5 (other
    CBS counts), 1, 0,1 or 0,01; 0 when finer.

    Values that all happen to be multiples of 10 give 10: the wider margin, so a change is never
    claimed that the rounding could explain.

    Examples
    --------
    >>> rounding_step(pd.Series([2350.0, 15.0, None])), rounding_step(pd.Series([17.0, 12.0])), rounding_step(pd.Series([1.25]))
    (5.0, 1.0, 0.01)
    >>> rounding_step(pd.Series([120.0, 40.0, 0.0]))
    10.0
    """
    v = values.dropna().to_numpy(dtype=float)
    v = v[v != 0]
    if not len(v):
        return 0.0
    for step in (10.0, 5.0, 1.0, 0.1, 0.01):
        if np.allclose(v / step, np.round(v / step), atol=1e-6):
            return step
    return 0.0


def _with_margins(figures: pd.DataFrame, columns: tuple[ColumnSource, ...]) -> pd.DataFrame:
    """Add ``<count>_marge`` for every count: half the rounding step, through derivations.

    A count published in whole numbers is exact (margin 0); a count in steps of 5 is rounded (2,5);
    a percentage in whole numbers is +-0,5. A count derived as ``a % b`` gets
    ``(margin_a * b + a * margin_b) / 100``, a sum the sum of the margins.
    """
    figures = figures.copy()
    sources = {c.stable: c for c in columns}

    def half(col: str) -> pd.Series | float:
        source = sources.get(col)
        spec = KWB_COLUMNS.get(col)
        if source is not None and source.derived and spec is not None and spec.derivation:
            a, b = source.inputs
            if "%" in source.derivation:
                return (half(a) * figures[b] + figures[a] * half(b)) / 100
            return half(a) + half(b)
        step = rounding_step(figures[col])
        kind = spec.kind if spec is not None else "count"
        return 0.0 if kind == "count" and step < 5 else step / 2

    for col, spec in KWB_COLUMNS.items():
        if col in figures and spec.kind == "count":
            figures[col + MARGIN] = pd.Series(half(col), index=figures.index).where(figures[col].notna())
    return figures
