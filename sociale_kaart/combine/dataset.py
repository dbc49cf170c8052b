"""The build stage: boundaries + KWB (+ registrations) -> one immutable :class:`Dataset`.

Each step is a function of its own module; :func:`build` only wires them in order, so that every
product of a run (tables, maps, profiles, briefing) sees the same figures.

Reference values are honest: a gemeente's rates come from the table's own published gemeente rows
when it has them, otherwise from *all* buurten of the gemeente in the table, never from the
buurten that happened to match the boundaries. Coverage says how much of the gemeente's
inhabitants lies in buurten that are on the map.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..settings import IndicatorSpec, SmallNumbers, Sources
from ..sources.boundaries import Boundaries, label_wijken, read_boundaries, wijken_from_buurten
from ..sources.kwb import UNIVERSE_MARGIN, ColumnSource, KwbTable, read_kwb
from ..sources.declarations import BUURT, CBS, COUNT, EXTRA_SOURCES, OWN_TABLE, REGISTRATION, extra_source, join_credits
from ..sources.registrations import REGISTRATIONS, RegistrationSummary, check_new_columns, read_registrations
from ..texts import CBS_SOURCE, decimals_for, nl_number, plural, slugify
from . import indicators as ind
from .disclosure import published_summary
from .join import MATCHED, JoinReport, join_figures

#: Below this share of a gemeente's inhabitants on the map, every product says so.
MIN_COVERAGE = 0.99
#: Licence of the Wijk- en Buurtkaart per year: CC BY 4.0, except the 2016 map (CC BY 3.0).
_LICENCE_EXCEPTIONS = {2016: "CC BY 3.0"}


@dataclass(frozen=True)
class Dataset:
    """Everything the build stage produced; nothing changes it afterwards.

    Registration counts in every frame are the *published* ones (suppressed, rounded,
    secondary suppression across buurt, wijk and gemeente; :mod:`sociale_kaart.combine.disclosure`),
    and their rates are computed from them: no product can show more than that.

    Attributes
    ----------
    buurten : GeoDataFrame
        One row per buurt of the boundaries: figures, ``<key>`` rate and ``<key>_status`` per
        indicator, ``koppeling`` (join status), ``wijknaam``.
    wijken : GeoDataFrame
        Wijk polygons (when read) with rates from summed counts.
    gemeenten : DataFrame
        Rates per gemeente (the reference of the need analysis) and ``dekking``: the share of
        its inhabitants that lies in buurten on the map.
    nederland : DataFrame or None
        Rates of the whole country, when the table has an NL00 row.
    indicators : tuple of Indicator
        Indicators whose counts the inputs have.
    small_numbers : SmallNumbers
        The suppression rule applied.
    reports : tuple of JoinReport
        The KWB join first, then one per registration.
    registrations : tuple of RegistrationSummary
        How each registration's records were placed.
    registration_columns : tuple of str
        Count columns that come from the municipality's registrations (to be protected).
    gemeentenamen : tuple of str
        Names of the gemeenten of the run, in the order asked.
    columns : tuple of ColumnSource
        Which source column fed each count.
    warnings : tuple of str
        Dutch sentences every product shows where its numbers are.
    advice : tuple of str
        What the operator can do about a warning: only in the join report, the terminal and the index
        page, never on a map or in a document for readers.
    bron : str
        Attribution line of everything the run read (:meth:`credits`).
    credit_lines : tuple of (str, str)
        Source key (``kwb``: boundaries and KWB; ``misdrijven``, ``registraties``, ...) -> its
        credit with year and licence, as the declarations give it.
    """

    buurten: gpd.GeoDataFrame
    wijken: gpd.GeoDataFrame
    gemeenten: pd.DataFrame
    indicators: tuple[ind.Indicator, ...]
    small_numbers: SmallNumbers
    reports: tuple[JoinReport, ...]
    nederland: pd.DataFrame | None = None
    registrations: tuple[RegistrationSummary, ...] = ()
    registration_columns: tuple[str, ...] = ()
    gemeentenamen: tuple[str, ...] = ()
    columns: tuple[ColumnSource, ...] = ()
    warnings: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    geometry_notes: tuple[str, ...] = ()
    name_notes: tuple[str, ...] = ()  #: where names came from that the boundaries lack (wijknamen from the KWB)
    bron: str = f"{CBS_SOURCE} (CC BY 4.0)"
    disclosure: object | None = None  #: the Protected result of the registration counts (counts only in reports)
    comparison: pd.DataFrame | None = None  #: the gemeente beside its size class, the Netherlands and an own group
    layouts: tuple = ()  #: own area layouts (sociale_kaart.combine.layouts.AreaLayout), each with its figures per area
    wijk_layout: str | None = None  #: the own layout whose areas are the wijken of this run; None: CBS wijken
    credit_lines: tuple[tuple[str, str], ...] = ()
    wijk_indicators: tuple = ()  #: indicators of sources published per wijk only: columns of `wijken`, not `buurten`
    stacking: object | None = None  #: stapeling per huishouden (sociale_kaart.combine.stacking.Stacking, true counts: never publish them)
    key_notes: tuple[str, ...] = ()  #: how the keys of linked registrations were used (the report says it)

    #: Above this many gemeenten a title names the count instead of every name.
    MAX_NAMES = 4

    @property
    def title(self) -> str:
        """Gemeente names for titles: "Maassluis", "Maassluis, Vlaardingen" or "390 gemeenten"."""
        if len(self.gemeentenamen) > self.MAX_NAMES:
            return f"{len(self.gemeentenamen)} gemeenten"
        return ", ".join(self.gemeentenamen) or "Nederland"

    @property
    def slug(self) -> str:
        """File-name stem for outputs: "maassluis" or "maassluis_vlaardingen"."""
        return slugify(self.title)

    @property
    def jaar_grenzen(self) -> int | None:
        """Year of the boundaries (from the KWB join report)."""
        return self.reports[0].jaar_grenzen if self.reports else None

    @property
    def jaar_cijfers(self) -> int | None:
        """Year of the KWB figures."""
        return self.reports[0].jaar_cijfers if self.reports else None

    @property
    def subtitle(self) -> str:
        """Data years and source, for every map and print product: the credit line of every source,
        each with its own year and licence (:meth:`credits`)."""
        if self.credit_lines:
            return self.bron
        parts = []
        if self.jaar_cijfers:
            parts.append(f"Cijfers {self.jaar_cijfers}")
        if self.jaar_grenzen:
            parts.append(f"buurtgrenzen {self.jaar_grenzen}")
        if self.registrations:
            parts.append("met registraties van de gemeente")
        return " · ".join(parts + [self.bron])

    def credits(self, keys=None) -> str:
        """The credit line of the sources that feed the indicators `keys` (all sources: None).

        Every product that shows a figure names its sources with year and licence:
        ``"Bron: CBS/Kadaster wijk- en buurtkaart 2016 (CC BY 3.0), kerncijfers 2024 (CC BY 4.0);
        Politie, geregistreerde misdrijven 2023 (CC BY 4.0)"``.
        """
        if not self.credit_lines:
            return self.bron
        wanted = None if keys is None else {s for i in self.indicators if i.key in set(keys) for s in i.sources}
        return join_credits(text for key, text in self.credit_lines if key == "kwb" or wanted is None or key in wanted)

    def subtitle_for(self, keys) -> str:
        """:attr:`subtitle` with the credits of the sources of the indicators `keys` only."""
        return self.credits(keys) if self.credit_lines else self.subtitle

    def provenance_text(self) -> str:
        """Where each count came from: source column, file and year."""
        year = self.jaar_cijfers or "jaar onbekend"
        source = self.reports[0].bron_cijfers if self.reports else "cijfers"
        lines = ["Herkomst van de cijfers:"]
        for col in self.columns:
            derived = ", afgeleid" if col.derived else ""
            lines.append(f"  {col.stable:<24} <- {col.column} ({source}, {year}; {col.unit}{derived})")
        return "\n".join(lines)

    def coverage_text(self) -> str:
        lines = []
        for row in self.gemeenten.itertuples(index=False):
            dekking = getattr(row, "dekking", np.nan)
            if not pd.isna(dekking):
                lines.append(f"  {row.gemeentenaam}: {nl_number(dekking * 100, 1)}% van de inwoners ligt in buurten op de kaart")
        return "Dekking:\n" + "\n".join(lines) if lines else ""

    def disclosure_text(self) -> str:
        """What was protected and why, in words that give nothing away: no count per reason (how
        many cells are small would narrow them), the related columns protected together."""
        if self.disclosure is None:
            return ""
        lines = ["Bescherming van registratieaantallen (buurt, wijk, gemeente en elke eigen indeling):",
                 f"  {', '.join(self.registration_columns)}: kleine aantallen en alles waaruit ze terug te rekenen "
                 "zouden zijn, zijn onderdrukt en de rest is afgerond (zie 'Kleine aantallen'). Om welke reden een "
                 "cijfer is onderdrukt, staat nergens: ook dat zou een klein aantal verraden."]
        for total, parts in self.disclosure.relations:
            lines.append(f"  Samen beschermd, want ze tellen op: {total} = {' + '.join(parts)}")
        for group in self.disclosure.together:
            lines.append(f"  Samen beschermd als perioden (wat in de ene onderdrukt is, is in alle onderdrukt): "
                         f"{', '.join(group)}")
        return "\n".join(lines)

    def report_text(self) -> str:
        """The join report in Dutch, as printed and saved beside the outputs."""
        parts = [r.to_text() for r in self.reports] + [s.to_text() for s in self.registrations] + list(self.key_notes)
        if self.layouts:
            names = dict(zip(self.buurten["buurtcode"], self.buurten.get("buurtnaam", self.buurten["buurtcode"])))
            parts += [layout.to_text(names) for layout in self.layouts]
        parts += [t for t in (self.disclosure_text(),) if t]
        parts += [t for t in (self.coverage_text(), self.provenance_text()) if t]
        if self.geometry_notes:
            parts.append("Geometrie:\n" + "\n".join(f"  {n}" for n in self.geometry_notes))
        if self.name_notes:
            parts.append("Namen:\n" + "\n".join(f"  {n}" for n in self.name_notes))
        if self.warnings or self.advice:
            parts.append("Let op:\n" + "\n".join(f"  {w}" for w in (*self.warnings, *self.advice)))
        parts.append("Kleine aantallen: " + self.small_numbers.describe())
        return "\n\n".join(parts)


def build(sources: Sources, *, small_numbers: SmallNumbers = SmallNumbers(), indicators: tuple[IndicatorSpec, ...] = (),
          units: dict[str, float] | None = None, domains: dict[str, str] | None = None,
          comparison_group: tuple[str, ...] = (), comparison_name: str = "eigen groep", wijk_shapes: bool = True,
          layouts=(), wijk_layout: str | None = None) -> Dataset:
    """Load, join and compute indicators for the chosen gemeenten.

    Parameters
    ----------
    sources : Sources
        Boundary file, KWB table, gemeenten, registrations.
    small_numbers : SmallNumbers
        Small-number protection.
    indicators : tuple of IndicatorSpec
        Own indicators: any numeric column of the KWB, a registration or another table keyed on
        buurtcode.
    units : dict, optional
        Indicator key -> scale: per 1,000 or per 10,000 inhabitants as the reports use them.
    comparison_group, comparison_name : tuple of str, str
        An own group of gemeenten (codes or names) to compare with, beside the size class and the Netherlands.
    wijk_shapes : bool
        Read wijk polygons (print products need them; the HTML map draws wijk borders from the
        buurt arcs and skips this read).
    layouts : tuple of LayoutSpec
        Own area layouts: each gets its figures per area (:mod:`sociale_kaart.combine.layouts`).
    wijk_layout : str, optional
        The name of one of `layouts` whose areas take the place of the CBS wijken in every product.

    Examples
    --------
    >>> from sociale_kaart.sources.sample import sample_path
    >>> data = build(Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb")))
    >>> len(data.buurten), len(data.wijken), data.title
    (16, 4, 'Voorbeeldstad (fictief)')
    >>> [i.key for i in data.indicators][:3]
    ['wmo_per_1000', 'bijstand_per_1000', 'pct_huur']
    """
    read = read_boundaries(sources.grenzen, list(sources.gemeenten) or None, level="buurten")
    buurten = read.frame
    if read.emptied:  # no area left after repair: reported below, and off the map
        buurten = buurten[~buurten["buurtcode"].isin(read.emptied)].reset_index(drop=True)
    codes = list(read.gemeenten) or sorted(buurten["gemeentecode"].dropna().unique())
    if buurten.empty:
        raise InputError(f"{read.source}: geen buurten gevonden voor {', '.join(codes)}")
    kwb = read_kwb(sources.kwb)
    figures, conflicting, duplicate_notes = _without_duplicates(kwb.buurten, kwb.source)
    check = _check_years(read, kwb, sources, codes)
    joined, report = join_figures(buurten, figures, gemeenten=codes, source_boundaries=read.source,
                                  source_figures=kwb.source, year_boundaries=read.year, year_figures=kwb.year,
                                  check=check, invalid_codes=kwb.invalid_codes)
    if not report.gekoppeld and not figures["gemeentecode"].isin(codes).any():
        raise InputError(f"{kwb.source}: geen buurten van {_named(buurten, codes)}; het bestand heeft buurten van "
                         f"{_named(figures, sorted(figures['gemeentecode'].dropna().unique()))}")
    if not report.gekoppeld:
        raise InputError(
            f"{kwb.source}: geen enkele buurtcode komt overeen met {read.source} "
            f"voor {', '.join(codes)}; horen grenzen en cijfers bij dezelfde gemeente?"
        )
    # A code with differing rows is joined to nothing (the join report) and counts in no aggregate either.
    universe = figures[figures["gemeentecode"].isin(codes) & ~figures["buurtcode"].isin(conflicting)].copy()
    reports, summaries, extra, reg_columns = [report], [], [], []
    kwb_status = joined.pop("koppeling")  # the map's "koppeling" is about the KWB; registrations report apart
    for path in sources.registraties:
        reg = read_registrations(path, buurten, address_table=sources.adrestabel, period=sources.period)
        _check_registration_area(reg, buurten, codes)
        check_new_columns(reg, reg_columns)
        joined, reg_report = join_figures(joined, reg.counts, gemeenten=codes, source_boundaries=read.source,
                                          source_figures=reg.source, year_boundaries=read.year, year_figures=reg.year)
        joined = joined.drop(columns="koppeling")
        universe = universe.merge(reg.counts, on="buurtcode", how="left")
        reports.append(reg_report)
        summaries.append(published_summary(reg.summary, small_numbers.rounding))
        for col, label in reg.labels.items():
            extra.append(ind.registration_indicator(col, label))
            reg_columns.append(col)
    stacking, stacking_notes = None, []
    if sources.linked:
        stacking, linked = _linked(sources, buurten, reg_columns + list(joined.columns))
        joined = joined.merge(stacking.counts, on="buurtcode", how="left")
        universe = universe.merge(stacking.counts, on="buurtcode", how="left")
        summaries += [published_summary(s, small_numbers.rounding) for s in linked.summaries]
        stacking_notes = list(linked.notes)
        reg_columns += [c for c in stacking.counts.columns if c != "buurtcode"]
        extra.append(stacking_indicator(stacking))
    lineage = {col: REGISTRATION for col in reg_columns}
    credits = []
    given = dict(sources.extra)
    unknown = set(given) - set(EXTRA_SOURCES)
    if unknown:
        raise InputError(f"onbekende bron {sorted(unknown)[0]!r}; bekend: {', '.join(EXTRA_SOURCES)}")
    wijk_tables = []
    for key in EXTRA_SOURCES:
        path = getattr(sources, key, None) or given.get(key)
        if path is None:
            continue
        declaration, reader = extra_source(key)
        if BUURT not in declaration.levels:  # a table per wijk only: joined to the wijken below
            wijk_tables.append((key, reader(path)))
            continue
        joined, universe, report_, made, table = _extra_source(key, path, joined, universe, codes, read,
                                                               sources=sources, figures_year=kwb.year)
        reports.append(report_)
        extra += made
        lineage.update({f.key: f.lineage for f in table.figures})
        credits.append((key, table.declaration.credit(table.year)))
    joined, universe, extra, filled = _fill_bijstand(joined, universe, extra, kwb.source)
    joined["koppeling"] = kwb_status.to_numpy()
    joined = ind.derive_counts(joined)
    universe = ind.derive_counts(universe)
    joined, universe, own = _own_indicators(indicators, joined, universe, kwb, lineage)
    extra += own
    chosen = [_with_unit(i, (units or {}).get(i.key)) for i in ind.available(joined, extra)]
    chosen = [dataclasses.replace(i, domain=(domains or {}).get(i.key, i.domain)) for i in chosen]
    for what, keys in (("eenheid", units), ("domein", domains)):
        unknown = set(keys or {}) - {i.key for i in chosen}
        if unknown:
            raise InputError(f"{what} voor onbekende indicator {sorted(unknown)[0]!r}; bekend: "
                             f"{', '.join(i.key for i in chosen)}")
    joined = ind.compute_rates(joined, chosen, small_numbers)
    empty = [i for i in chosen if joined[i.numerator].isna().all()]  # no buurt on the map has a figure
    chosen = [i for i in chosen if i not in empty]
    # Wijkcodes are reused between years as buurtcodes are: across years only the buurten on the map count.
    wijk_universe = joined.iloc[0:0] if report.years_differ else universe
    wijken = _wijken(sources.grenzen, codes, joined, wijk_universe, chosen, small_numbers, wijk_shapes)
    wijken, name_notes = _wijk_names(wijken, kwb, same_year=not report.years_differ)
    wijken, wijk_only, wijk_notes = _wijk_sources(wijk_tables, wijken, small_numbers)
    credits += [(key, table.declaration.credit(table.year)) for key, table in wijk_tables]
    published = read_kwb(sources.kwb_gemeenten, require_buurten=False).gemeenten if sources.kwb_gemeenten else kwb.gemeenten
    gemeenten = _gemeenten(codes, joined, universe, published, chosen, small_numbers)
    nederland = None
    if kwb.nederland:
        land = ind.derive_counts(pd.DataFrame([kwb.nederland]).assign(land="NL"))
        nederland = ind.aggregate(land, "land", [i for i in chosen if i.inputs_present(land)], small_numbers)
    comparison = None
    if published is not None and len(published) > len(codes):  # rows of other gemeenten too: compare
        from ..sources.areas import resolve_areas
        from .compare import compare

        group = tuple(area.code for area in resolve_areas(published, comparison_group, levels=("gemeente",),
                                                          source="[vergelijking] gemeenten"))
        comparison = compare(published, codes, chosen, group=group, group_name=comparison_name)
        if nederland is None:  # the Netherlands as the sum of all gemeenten (never the mean of their rates)
            land = ind.derive_counts(published).assign(land="NL")
            nederland = ind.aggregate(land, "land", [i for i in chosen if i.inputs_present(land) and not i.protected],
                                      small_numbers)
    joined["wijknaam"] = joined["wijkcode"].map(wijken.set_index("wijkcode")["wijknaam"])
    own, joined, wijken = _layouts(layouts, wijk_layout, joined, wijken, chosen, small_numbers, read.source, wijk_shapes)
    disclosure = None
    if reg_columns:
        protected = [i for i in chosen if i.protected]
        joined, wijken, gemeenten, disclosure = _protect(joined, wijken, gemeenten, protected, small_numbers,
                                                         layouts={l.name: l for l in own}, columns=reg_columns,
                                                         relations=stacking.relations if stacking else (),
                                                         area_only=stacking.area_only if stacking else ())
        if stacking:  # the fine breakdowns are published per wijk, gemeente and own area only
            joined = joined.drop(columns=list(stacking.area_only))
        own = _protected_layouts(own, disclosure, wijken, wijk_layout, protected, small_numbers)
    elif wijk_layout:
        own = _protected_layouts(own, None, wijken, wijk_layout, [], small_numbers)
    names = gemeenten.set_index("gemeentecode")["gemeentenaam"]
    missing, where_to_find = _missing_indicators(chosen, empty, kwb)
    warnings = duplicate_notes + _warnings(gemeenten, report) + missing
    warnings += _all_zero(chosen, joined, kwb.source) + wijk_notes
    warnings += [w for layout in own for w in layout.warnings()]
    notes = [f"{plural(len(read.repaired), 'ongeldige buurtgrens', 'ongeldige buurtgrenzen')} hersteld: "
             f"{', '.join(read.repaired)}"] if read.repaired else []
    if read.emptied:
        notes.append(f"Geen vlak over na herstel, daarom niet op de kaart en niet gekoppeld: {', '.join(read.emptied)}")
    credit_lines = [] if sources.bron else [("kwb", _base_credit(read.year, kwb.year)), *credits]
    warnings += filled
    if reg_columns and credit_lines:
        credit_lines.append(("registraties", REGISTRATIONS.credit(None)))
    bron = sources.bron or join_credits(text for _key, text in credit_lines)
    return Dataset(
        buurten=joined,
        wijken=wijken,
        gemeenten=gemeenten,
        indicators=tuple(chosen),
        small_numbers=small_numbers,
        reports=tuple(reports),
        nederland=nederland,
        registrations=tuple(summaries),
        registration_columns=tuple(reg_columns),
        gemeentenamen=tuple(str(n) for n in names.reindex(codes).dropna()),
        columns=kwb.columns,
        warnings=tuple(warnings),
        advice=tuple(_advice(report) + where_to_find),
        geometry_notes=tuple(notes),
        name_notes=tuple(name_notes),
        bron=bron,
        credit_lines=tuple(credit_lines),
        wijk_indicators=tuple(wijk_only),
        disclosure=disclosure,
        stacking=stacking,
        key_notes=tuple(stacking_notes),
        comparison=comparison,
        layouts=tuple(own),
        wijk_layout=wijk_layout,
    )


def _fill_bijstand(joined, universe, extra, kwb_source: str):
    """Bijstand from the CBS uitkeringen table where the KWB has none (the 2023 KWB publishes "."),
    with a sentence for the report; the table's own figure is never a second bijstand indicator."""
    column = "bijstand_uitkeringen"
    if column not in joined:
        return joined, universe, extra, []
    extra = [i for i in extra if i.numerator != column]
    empty = "bijstand" not in joined or joined["bijstand"].isna().all()
    if not empty:
        return joined, universe, extra, [f"De KWB ({kwb_source}) geeft zelf bijstand; de uitkeringentabel van het "
                                         "CBS is daarom niet gebruikt."]
    joined = joined.assign(bijstand=joined[column])
    universe = universe.assign(bijstand=universe[column]) if column in universe else universe
    return joined, universe, extra, [f"Bijstand: {kwb_source} geeft geen bijstand (leeg of '.'); ingevuld uit de "
                                     "CBS-tabel Personen met een uitkering per buurt."]


def _linked(sources: Sources, buurten, taken):
    """Linked registrations read and counted per buurt (:mod:`sociale_kaart.combine.stacking`)."""
    from ..sources.linked import read_linked
    from .stacking import stacking_counts

    linked = read_linked(sources.linked, buurten, address_table=sources.adrestabel, period=sources.period)
    stacking = stacking_counts(linked.records, buurten["buurtcode"], areas=linked.areas, unit=sources.linked_unit)
    clash = [c for c in stacking.counts.columns if c != "buurtcode" and c in set(taken)]
    if clash:
        raise InputError(f"kolom {clash[0]} van de gekoppelde registraties bestaat al in de KWB of een registratie")
    if not stacking.counts.drop(columns="buurtcode").to_numpy().any():
        raise InputError(f"{', '.join(Path(s.source).name for s in sources.linked)}: geen enkele regel valt in een "
                         "buurt van de kaart; is dit de registratie van een andere gemeente?")
    return stacking, linked


def stacking_indicator(stacking) -> ind.Indicator:
    """``stapeling_per_1000_huishoudens``: households with support on 2+ leefgebieden per 1,000 KWB households."""
    from .stacking import DENOMINATOR, stacking_rate_key

    denominator = DENOMINATOR[stacking.unit]
    word = "Huishoudens" if denominator == "huishoudens" else "Personen"
    return ind.Indicator(
        stacking_rate_key(stacking.unit), f"{word} met ondersteuning op 2+ leefgebieden", stacking.column("2plus"),
        denominator, 1000, f"per 1.000 {denominator}",
        description=f"{word} met een registratie op twee of meer leefgebieden ({', '.join(stacking.areas)}), "
                    f"gekoppeld op een sleutel die alleen in het geheugen is gebruikt, per 1.000 {denominator} (CBS).",
        lineage=frozenset({REGISTRATION}), sources=("kwb", "registraties"))


def _base_credit(year_boundaries: int | None, year_figures: int | None) -> str:
    """``CBS/Kadaster wijk- en buurtkaart 2016 (CC BY 3.0), kerncijfers 2024 (CC BY 4.0)``."""
    from ..sources.kwb import KWB

    licence = _LICENCE_EXCEPTIONS.get(year_boundaries, "CC BY 4.0")
    kaart = f"wijk- en buurtkaart {year_boundaries}" if year_boundaries else "wijk- en buurtkaart"
    figures = KWB.credit(year_figures).removeprefix("CBS, ")
    return f"{CBS_SOURCE.removeprefix('Bron: ')} {kaart} ({licence}), {figures}"


def _named(frame: pd.DataFrame, codes, show: int = 12) -> str:
    """Gemeenten by name and code, as far as `frame` names them: "Leiden (GM0546)"; many: the first and a count."""
    names = frame.groupby("gemeentecode")["gemeentenaam"].first() if "gemeentenaam" in frame else pd.Series(dtype=object)
    shown = [f"{names[c]} ({c})" if c in names.index and pd.notna(names[c]) else c for c in codes[:show]]
    return ", ".join(shown) + (f" en {len(codes) - show} andere" if len(codes) > show else "")


def _with_unit(indicator, scale):
    """The indicator per 1,000 or per 10,000 inhabitants (its key stays: settings and tables keep working)."""
    if scale is None or scale == indicator.scale:
        return indicator
    if not indicator.unit.startswith("per ") and scale != 100:
        raise InputError(f"eenheid van {indicator.key}: alleen cijfers per inwoners kunnen per {nl_number(scale, 0)}")
    unit = "%" + indicator.unit.split("inwoners")[-1] if scale == 100 else f"per {nl_number(scale, 0)} inwoners"
    return dataclasses.replace(indicator, scale=scale, unit=unit,
                               description=indicator.description.replace("per 1.000 inwoners", unit))


def _protect(joined, wijken, gemeenten, protected, rule: SmallNumbers, layouts=None, columns=(), relations=(),
             area_only=()):
    """Replace registration counts and the values made of them by what may be published, at every level.

    The registration `columns` of the buurten on the map are protected together with the totals
    the run publishes (per wijk, per gemeente and per area of every own layout in `layouts`, name
    -> AreaLayout), and always with the CBS wijken and every declared layout, also the one that is
    the run's wijk level: two runs of one project then publish the same protected cells, whichever
    layout they show as wijken. Columns that add up (`relations`, and every column found to be the
    sum of others) are protected together. Every `protected` indicator (a registration as score,
    numerator or denominator) is computed from the published counts only.
    """
    from .disclosure import find_relations, protect_counts

    counts = joined.set_index("buurtcode")[list(columns)]
    wijk = joined.set_index("buurtcode")["wijkcode"]
    groupings = {"wijk": wijk.where(wijk.isin(set(wijken["wijkcode"]))),  # "buiten de indeling" is no area
                 "gemeente": joined.set_index("buurtcode")["gemeentecode"]}
    if "cbs_wijkcode" in joined:  # an own layout is the wijk level: the CBS wijken are protected all the same
        groupings["cbs-wijk"] = joined.set_index("buurtcode")["cbs_wijkcode"]
    groupings.update({_grouping(name): layout.assignment for name, layout in (layouts or {}).items()})
    relations = list(dict.fromkeys([*((t, tuple(parts)) for t, parts in relations), *find_relations(counts)]))
    periods = [name if name in counts else f"reg_{slugify(name, name)}" for name in rule.periods]
    result = protect_counts(counts, groupings=groupings, min_count=rule.min_count, rounding=rule.rounding,
                            secondary=rule.secondary, relations=relations, together=[periods] if periods else [],
                            area_only=area_only)
    joined = joined.copy()
    frames = [(joined, "buurtcode", result.buurten, result.buurt_status)]
    wijken, gemeenten = wijken.copy(), gemeenten.copy()
    frames += [(wijken, "wijkcode", result.totals["wijk"], result.total_status["wijk"]),
               (gemeenten, "gemeentecode", result.totals["gemeente"], result.total_status["gemeente"])]
    _publish(frames, protected, rule)
    return joined, wijken, gemeenten, result


def _grouping(layout_name: str) -> str:
    """The name under which a layout's areas are protected (:attr:`Protected.totals`)."""
    return f"indeling {layout_name}"


def _layouts(specs, chosen_name, joined, wijken, chosen, rule, boundaries, shapes):
    """Every own layout with its figures; with `chosen_name`, that layout's areas become the wijken."""
    if not specs:
        return [], joined, wijken
    from .layouts import as_wijk_level, read_layouts

    own = read_layouts(specs, joined, chosen, rule, boundaries=boundaries)
    if chosen_name is not None:
        layout = next(l for l in own if l.name == chosen_name)
        joined, wijken = as_wijk_level(layout, joined, shapes=shapes)
    return own, joined, wijken


def _protected_layouts(own, result, wijken, chosen_name, protected, rule):
    """The layouts' tables with their published registration counts (the chosen one: the wijken)."""
    import dataclasses

    from .layouts import from_wijk_level

    out = []
    for layout in own:
        if layout.name == chosen_name:
            out.append(from_wijk_level(layout, wijken))
            continue
        if result is None:  # no registration: nothing to protect
            out.append(layout)
            continue
        areas = layout.areas.copy()
        name = _grouping(layout.name)
        _publish([(areas, "gebiedcode", result.totals[name], result.total_status[name])], protected, rule)
        out.append(dataclasses.replace(layout, areas=areas))
    return out


def _publish(frames, protected, rule: SmallNumbers) -> None:
    """Put published counts, and the values and statuses made of them, in each (frame, key, published, status).

    In place. A value of a protected indicator is made of published counts only: a count's rate
    per inhabitants as :func:`~sociale_kaart.combine.disclosure.publish_rates` makes it, a published
    count as a score, or a ratio with a published count as denominator; suppressed when any
    registration count it is made of is.
    """
    from .disclosure import publish_rates

    for frame, key, published, status in frames:
        codes = frame[key]
        states = {}
        for col in published.columns:
            frame[col] = codes.map(published[col]).to_numpy()
            states[col] = codes.map(status[col]).fillna("onbekend").to_numpy()
        for ind_ in protected:
            if ind_.kind == "score" and ind_.aggregation == "geen" and key != "buurtcode":
                continue  # shown per buurt only: the aggregate has no value
            hidden = np.zeros(len(frame), dtype=bool)
            for col in {ind_.numerator, ind_.denominator} & set(states):
                hidden |= states[col] == "onderdrukt"
            num, den = (frame[c].astype(float) if c in frame else pd.Series(np.nan, index=frame.index)
                        for c in (ind_.numerator, ind_.denominator))
            if ind_.denominator in states and f"{ind_.key}_dekking" in frame:
                frame[f"{ind_.key}_dekking"] = np.nan  # a share of the true registration counts
            decimals = decimals_for(ind_.unit)
            if ind_.kind == "score":
                rates = num.where(~(den < rule.min_denominator))
            elif ind_.denominator not in states:
                rates = publish_rates(num, den, scale=ind_.scale, decimals=decimals,
                                      min_denominator=rule.min_denominator)
            else:  # a registration as denominator: the ratio of published figures only
                with np.errstate(divide="ignore", invalid="ignore"):
                    rates = (num / den * ind_.scale).where((den > 0) & ~(den < rule.min_denominator)).round(decimals)
            rates = rates.where(~hidden)
            frame[ind_.key] = rates.to_numpy()
            frame[f"{ind_.key}_status"] = np.where(hidden, ind.SUPPRESSED,
                                                   np.where(rates.notna(), ind.OK,
                                                            np.where(den < rule.min_denominator, ind.SUPPRESSED,
                                                                     ind.MISSING)))


def _wijk_sources(tables, wijken: gpd.GeoDataFrame, rule: SmallNumbers):
    """Sources published per wijk only (their ``table`` keyed on ``wijkcode``) joined to the wijken.

    Their indicators are computed on the wijken frame (rates on the wijk's summed KWB
    denominators); no buurt gets a value it does not have. Returns the wijken, those indicators and
    a sentence per source on how many wijken it covers.
    """
    made, notes = [], []
    for key, table in tables:
        codes = table.table["wijkcode"]
        on_map = codes.isin(set(wijken["wijkcode"]))
        if not on_map.any():
            raise InputError(f"{table.source}: geen enkele wijkcode komt overeen met de wijken op de kaart")
        if codes.duplicated().any():
            raise InputError(f"{table.source}: wijkcode {codes[codes.duplicated()].iloc[0]} staat er meer dan eens in")
        wijken = wijken.merge(table.table, on="wijkcode", how="left")
        for figure in table.figures:  # a count never exceeds its universe (beyond CBS rounding)
            if figure.universe in wijken and figure.key in wijken:
                above = wijken[figure.key] > wijken[figure.universe] + UNIVERSE_MARGIN
                if above.any():
                    row = wijken[above].iloc[0]
                    raise InputError(f"{table.source}: kolom {figure.key!r} heeft {row[figure.key]:.0f} bij "
                                     f"{row['wijkcode']}, meer dan de {row[figure.universe]:.0f} {figure.universe} "
                                     "van die wijk; een aantal kan niet boven zijn totaal liggen")
        mine = [i for i in (ind.from_figure(f, source=key, year=table.year) for f in table.figures) if i is not None]
        wijken = ind.compute_rates(wijken, [i for i in mine if i.inputs_present(wijken)], rule)
        made += [i for i in mine if i.inputs_present(wijken)]
        missing = sorted(set(wijken["wijkcode"]) - set(codes))
        notes.append(f"{table.source} ({table.year or 'jaar onbekend'}) geeft cijfers per wijk, niet per buurt: "
                     f"{int(on_map.sum())} van {len(wijken)} wijken"
                     + (f"; zonder cijfers: {', '.join(missing)}" if missing else "") + ".")
    return wijken, made, notes


def _extra_source(key, path, joined, universe, codes, read: Boundaries, *, sources: Sources, figures_year=None):
    """A declared extra source (crime, Leefbaarometer, ...) joined to the buurten, with the indicators of its figures.

    A table on another buurtindeling than the boundaries (Politie tables: every year on the indeling
    of their latest year) is translated to the run's buurten through the crosswalk
    (:func:`_translated`); the gemeente totals take the table's counts where the KWB is on the
    table's own indeling.
    """
    declaration, reader = extra_source(key)
    safety = reader(path)
    indeling = _indeling(key, safety, sources)
    if indeling and read.year and indeling != read.year:
        translated, report = _translated(safety, indeling, joined, read, codes, sources)
        joined = joined.merge(translated, on="buurtcode", how="left")
        by_code = {indeling: safety.table, read.year: translated}.get(figures_year)
        if by_code is None:  # the KWB is on a third indeling: no gemeente total from mismatched codes
            by_code = translated.iloc[0:0]
            report.omzetting += (f"\n  Geen gemeentecijfer: de kerncijfers ({figures_year}) staan op een andere "
                                 f"buurtindeling dan de tabel ({indeling}) en de kaart ({read.year}).")
        universe = universe.merge(by_code, on="buurtcode", how="left")
    else:
        joined, report = join_figures(joined, safety.table, gemeenten=codes, source_boundaries=read.source,
                                      source_figures=safety.source, year_boundaries=read.year,
                                      year_figures=safety.year)
        joined = joined.drop(columns="koppeling")
        report.indeling = indeling
        universe = universe.merge(safety.table, on="buurtcode", how="left")
    if not report.gekoppeld:
        raise InputError(f"{safety.source}: geen enkele buurtcode komt overeen met "
                         f"{report.bron_grenzen} voor {', '.join(codes)}")
    made = [i for i in (ind.from_figure(f, source=key, year=safety.year) for f in safety.figures) if i is not None]
    return joined, universe, report, made, safety


def _indeling(key: str, safety, sources: Sources) -> int | None:
    """The buurtindeling a table is on: from the JSON beside it, or the setting ``<key>_indeling``; both must agree."""
    given = dict(sources.indelingen).get(key)
    found = getattr(safety, "indeling", None)
    if given and found and given != found:
        raise InputError(f"{safety.source}: het bestand ernaast zegt buurtindeling {found}, de instelling "
                         f"{key}_indeling zegt {given}; verwijder de instelling of kies het goede bestand")
    return found or given


def _translated(safety, indeling: int, joined, read: Boundaries, codes, sources: Sources):
    """The counts of a table on buurtindeling `indeling`, translated to the run's buurten through the crosswalk.

    The table is joined to the map of its own indeling (``grenzen_politie``, or ``grenzen_cijferjaar``
    when that is of the same year), its counts are spread over the run's buurten by overlap, and rates
    follow from the translated counts (a rate is never translated). Returns the translated table and
    the join report on the table's own map, with the crosswalk in ``omzetting``.
    """
    from ..sources.boundaries import year_from_name
    from .crosswalk import crosswalk

    given = [p for p in (sources.grenzen_politie, sources.grenzen_cijferjaar) if p is not None]
    found = next((p for p in given if year_from_name(p) == indeling), None)
    if found is None and sources.grenzen_politie is not None and year_from_name(sources.grenzen_politie) is None:
        found = sources.grenzen_politie  # no year in its name: the user says it is the police's indeling
    if found is None:
        other = f"; {sources.grenzen_politie.name} is van {year_from_name(sources.grenzen_politie)}" \
            if sources.grenzen_politie is not None else ""
        raise InputError(f"{safety.source}: de tabel staat op de buurtindeling van {indeling}, de kaart {read.source} "
                         f"is van {read.year}; geef de Wijk- en Buurtkaart {indeling} met --grenzen-politie (of "
                         f"[bronnen] grenzen_politie) om de aantallen om te zetten{other}")
    rates = [f for f in safety.figures if f.kind != COUNT]
    if rates:
        raise InputError(f"{safety.source}: kolom {rates[0].key!r} is een cijfer {rates[0].unit}; dat kan niet naar "
                         f"de buurten van {read.year} worden omgezet (alleen aantallen): geef de aantallen")
    own = read_boundaries(found, codes, level="buurten")
    on_map, report = join_figures(own.frame, safety.table, gemeenten=codes, source_boundaries=own.source,
                                  source_figures=safety.source, year_boundaries=indeling, year_figures=safety.year)
    report.indeling = indeling
    counts = pd.DataFrame(on_map.set_index("buurtcode")[[f.key for f in safety.figures]])
    walk = crosswalk(own.frame, joined[["buurtcode", "geometry"]], source_name=f"{own.source} ({indeling})",
                     target_name=f"{read.source} ({read.year})")
    report.omzetting = (f"De tabel staat op de buurtindeling van {indeling}; de aantallen zijn omgezet naar de buurten "
                        f"van {read.source} ({read.year}).\n" + walk.describe())
    return walk.translate(counts).reset_index(names="buurtcode"), report


def _own_indicators(specs, joined, universe, kwb: KwbTable, lineage: dict[str, str]):
    """Columns and :class:`Indicator` of every own indicator; a column that is nowhere is an error.

    An own indicator's lineage is the union of its columns' (`lineage`: column -> lineage of the
    registrations and extra sources; KWB columns are CBS's, columns of its own table the table's):
    one registration column among them, in any role, protects it.
    """
    from ..sources.tables import read_buurt_table

    from ..sources.kwb_columns import normalise_column_name

    by_source = {normalise_column_name(c.column): c.stable for c in kwb.columns}
    own = []
    for spec in specs:
        mine = {}
        if spec.source is not None:
            table = read_buurt_table(spec.source)
            new = [c for c in table.columns if c != "buurtcode" and c not in joined.columns]
            joined = joined.merge(table[["buurtcode", *new]], on="buurtcode", how="left")
            universe = universe.merge(table[["buurtcode", *new]], on="buurtcode", how="left")
            mine = {c: OWN_TABLE for c in new}
        names = {}
        for role in ("column", "numerator", "denominator"):
            name = getattr(spec, role)
            if name is None:
                continue
            name = name if name in joined.columns else by_source.get(normalise_column_name(name), name)
            if name not in joined.columns:
                where = spec.source.name if spec.source else f"{kwb.source} of de registraties"
                raise InputError(f"indicator {spec.key!r}: kolom {getattr(spec, role)!r} niet gevonden in {where}")
            if not pd.api.types.is_numeric_dtype(joined[name]):
                raise InputError(f"indicator {spec.key!r}: kolom {name!r} bevat geen getallen")
            names[role] = name
        inputs = {mine.get(n) or lineage.get(n, CBS) for n in names.values()}
        keys = ("kwb", *(k for k, v in (("registraties", REGISTRATION),) if v in inputs))
        keys += tuple(k for k in EXTRA_SOURCES if any(lineage.get(n) and lineage.get(n) == _publisher(k)
                                                       for n in names.values()))
        spec = type(spec)(**{**vars(spec), **names})
        own.append(ind.declared_indicator(spec, lineage=frozenset(inputs), sources=keys))
    return joined, universe, own


def _publisher(key: str) -> str:
    """The lineage of the figures of extra source `key`."""
    return extra_source(key)[0].publisher


def _check_years(read: Boundaries, kwb: KwbTable, sources: Sources, codes):
    """When boundaries and figures are of different years, check shared codes against the figures' map.

    That map is the one given (``grenzen_cijferjaar``), or the KWB file itself when it is a map.
    Without such a map, the names of shared codes are the evidence (:func:`~.years.check_names`).
    Returns None when the years agree, or when there is neither such a map nor names on both sides.
    """
    from .years import check_names, check_shared_codes

    if not (read.year and kwb.year and read.year != kwb.year):
        return None
    candidates = [sources.grenzen_cijferjaar]
    if isinstance(sources.kwb, (str, Path)) and Path(sources.kwb).suffix.lower() in (".gpkg", ".shp", ".geojson", ".json"):
        candidates.append(sources.kwb)
    for path in filter(None, candidates):
        try:
            other = read_boundaries(path, codes, level="buurten")
        except InputError:
            if path == sources.grenzen_cijferjaar:
                raise
            continue
        if other.year and other.year != kwb.year:
            raise InputError(f"{other.source}: deze kaart is van {other.year}, de cijfers van {kwb.year}; geef de "
                             f"Wijk- en Buurtkaart van {kwb.year}")
        return check_shared_codes(read.frame, other.frame, map_source=other.source, map_year=other.year)
    return check_names(read.frame, kwb.buurten, source=kwb.source)


def _missing_indicators(chosen, empty, kwb: KwbTable) -> tuple[list[str], list[str]]:
    """A sentence for every core indicator the run cannot show, and (advice) where its figures are."""
    have = {i.key for i in chosen}
    warnings, advice = [], []
    for core in ind.CORE_INDICATORS:
        if core.key in have or core.key in ("pct_75plus", "pct_80plus"):  # only where the source has them
            continue
        if core in empty:
            warnings.append(f"{core.label}: de kolommen staan in {kwb.source}, maar geen enkele buurt van deze "
                            "gemeente(n) heeft een waarde; de indicator wordt niet getoond.")
        else:
            warnings.append(f"{core.label} ontbreekt in {kwb.source}.")
            advice.append(f"{core.label} is te vinden als {ind.WHERE_TO_FIND[core.key]}.")
    return warnings, advice


def _without_duplicates(figures: pd.DataFrame, source: str):
    """The figures with every repeated identical row once; the codes whose rows differ; a sentence for each.

    A buurt whose rows are copies of each other counts once, everywhere. A buurt with differing rows
    cannot be placed: the join leaves it without figures and it counts in no wijk or gemeente total.
    """
    repeated = figures["buurtcode"].duplicated(keep=False)
    if not repeated.any():
        return figures, [], []
    repeated_codes = set(figures.loc[repeated, "buurtcode"])
    figures = figures.drop_duplicates().reset_index(drop=True)
    conflicting = sorted(set(figures.loc[figures["buurtcode"].duplicated(), "buurtcode"]))
    copies = sorted(repeated_codes - set(conflicting))
    notes = []
    if copies:
        notes.append(f"{source}: {', '.join(copies)} {'staat' if len(copies) == 1 else 'staan'} meer dan eens in "
                     "het bestand met dezelfde cijfers; één keer geteld, in de buurt en in elk wijk- en gemeentecijfer.")
    if conflicting:
        notes.append(f"{source}: {', '.join(conflicting)} {'staat' if len(conflicting) == 1 else 'staan'} meer dan "
                     "eens in het bestand met verschillende cijfers; niet gekoppeld en in geen enkel wijk- of "
                     "gemeentecijfer meegeteld.")
    return figures, conflicting, notes


def _all_zero(chosen, joined: pd.DataFrame, source: str) -> list[str]:
    """A sentence for every indicator whose figure is 0 in every buurt that has one: possible, but rarely true."""
    warnings = []
    for i in chosen:
        values = joined[i.numerator]
        if i.kind == "ratio" and values.notna().any() and values.fillna(0).eq(0).all():
            warnings.append(f"{i.label}: in elke buurt 0 volgens {source if not i.protected else 'de registratie'}; "
                            "klopt de bron? De kaart toont het zoals het staat.")
    return warnings


def _check_registration_area(reg, buurten, codes) -> None:
    """A registration of another gemeente is an error, not a map of zeros."""
    values = reg.counts.drop(columns="buurtcode").fillna(0)
    nonzero = reg.counts.loc[values.sum(axis=1).to_numpy() > 0, "buurtcode"]
    where = ", ".join(codes)
    if reg.summary.records and (reg.summary.geplaatst == 0 or (len(nonzero) and not nonzero.isin(buurten["buurtcode"]).any())):
        found = sorted({"GM" + str(c)[2:6] for c in nonzero})
        hint = f" (de regels horen bij {', '.join(found[:5])})" if found else ""
        raise InputError(f"{reg.source}: geen enkele regel valt in een buurt van {where}{hint}; "
                         "is dit de registratie van een andere gemeente?")


def _wijken(grenzen, codes, buurten, universe, chosen, rule, shapes: bool) -> gpd.GeoDataFrame:
    """Wijk polygons (the file's wijken layer, else dissolved buurten) with rates from buurt counts.

    A wijk's counts are those of every buurt of that wijkcode in `universe` (the figures), also
    buurten whose boundary is missing from the map, plus the buurten on the map that the figures lack.
    """
    try:
        wijken = read_boundaries(grenzen, codes, level="wijken", read_geometry=shapes).frame
    except InputError:
        wijken = wijken_from_buurten(buurten) if shapes else buurten[["wijkcode", "gemeentecode"]].drop_duplicates()
    wijken = wijken[wijken["wijkcode"].isin(buurten["wijkcode"])].copy()
    wijken["wijknaam"] = label_wijken(wijken)
    rates = ind.aggregate(_counts_for_aggregation(buurten, universe), "wijkcode", chosen, rule)
    keep = ["wijkcode", "wijknaam", "gemeentecode", "geometry"]
    return wijken[[c for c in keep if c in wijken.columns]].merge(rates, on="wijkcode", how="left")


def _wijk_names(wijken: pd.DataFrame, kwb: KwbTable, *, same_year: bool) -> tuple[pd.DataFrame, list[str]]:
    """Names from the KWB's own wijk rows for the wijken the map leaves unnamed ("Wijk 03").

    Only when the figures are of the boundaries' year: a wijkcode of another year may be another
    wijk. Returns the wijken and a sentence for the report saying which names came from where.

    Examples
    --------
    >>> w = pd.DataFrame({"wijkcode": ["WK055601", "WK055602"], "wijknaam": ["Wijk 01", "Dijkpolder"]})
    >>> k = KwbTable(buurten=pd.DataFrame(), source="kwb.csv", year=2024,
    ...              wijken=pd.DataFrame({"wijkcode": ["WK055601"], "wijknaam": ["Wijk 01 Centrum"]}))
    >>> named, notes = _wijk_names(w, k, same_year=True)
    >>> named["wijknaam"].tolist(), notes
    (['Wijk 01 Centrum', 'Dijkpolder'], ['1 wijknaam uit de wijkrijen van kwb.csv (de kaart heeft er geen): WK055601'])
    """
    if kwb.wijken is None or "wijknaam" not in kwb.wijken or "wijknaam" not in wijken:
        return wijken, []
    unnamed = wijken["wijknaam"].astype(str).str.fullmatch(r"Wijk \d\d")
    names = kwb.wijken.dropna(subset=["wijknaam"]).drop_duplicates("wijkcode").set_index("wijkcode")["wijknaam"]
    names = names[~names.astype(str).str.strip().str.fullmatch(r"(Wijk \d\d)?")]
    found = unnamed & wijken["wijkcode"].isin(names.index)
    if not found.any():
        return wijken, []
    codes = sorted(wijken.loc[found, "wijkcode"])
    if not same_year:
        return wijken, [f"wijknamen niet overgenomen uit {kwb.source}: de cijfers zijn van een ander jaar dan de kaart, "
                        f"dus een wijkcode kan een andere wijk zijn ({', '.join(codes)})"]
    wijken = wijken.copy()
    wijken.loc[found, "wijknaam"] = wijken.loc[found, "wijkcode"].map(names).astype(str).str.strip()
    return wijken, [f"{plural(len(codes), 'wijknaam', 'wijknamen')} uit de wijkrijen van {kwb.source} (de kaart heeft "
                    f"er geen): {', '.join(codes)}"]


def _counts_for_aggregation(buurten: pd.DataFrame, universe: pd.DataFrame) -> pd.DataFrame:
    """Every buurt of the figures, plus buurten on the map that the figures lack (for registrations)."""
    missing = buurten[~buurten["buurtcode"].isin(universe["buurtcode"])]
    cols = [c for c in universe.columns if c in missing.columns]
    return pd.concat([universe, pd.DataFrame(missing[cols])], ignore_index=True)


def _gemeenten(codes, joined, universe, published_rows, chosen, rule) -> pd.DataFrame:
    """Rates per gemeente: the published gemeente rows when there are, else all its buurten in the table."""
    counts = _counts_for_aggregation(joined, universe)
    rates = ind.aggregate(counts, "gemeentecode", chosen, rule)
    for i in chosen:  # which reference each figure is: every reason and profile says it
        rates[f"{i.key}_referentie"] = ind.SUMMED
    if published_rows is not None and not published_rows.empty:
        published = ind.derive_counts(published_rows[published_rows["gemeentecode"].isin(codes)])
        usable = [i for i in chosen if i.inputs_present(published)]
        if len(published):
            from_table = ind.aggregate(published, "gemeentecode", usable, rule).set_index("gemeentecode")
            rates = rates.set_index("gemeentecode")
            rates.update(from_table)
            for i in usable:
                rates.loc[from_table.index[from_table[i.key].notna()], f"{i.key}_referentie"] = ind.PUBLISHED
            rates = rates.reset_index()
    names = joined.groupby("gemeentecode")["gemeentenaam"].first() if "gemeentenaam" in joined else pd.Series(dtype=object)
    rates.insert(1, "gemeentenaam", rates["gemeentecode"].map(names).fillna(rates["gemeentecode"]))
    on_map = joined.loc[joined["koppeling"].eq(MATCHED)].groupby("gemeentecode")["inwoners"].sum(min_count=1) \
        if "inwoners" in joined else pd.Series(dtype=float)
    total = rates.set_index("gemeentecode")["inwoners"] if "inwoners" in rates else pd.Series(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates["dekking"] = (rates["gemeentecode"].map(on_map) / rates["gemeentecode"].map(total)).clip(upper=1).round(4)
    return rates


def _advice(report: JoinReport) -> list[str]:
    """What the operator can do about the warnings of `report` (not for the readers of a map)."""
    if report.years_differ and not report.controle:
        return [f"Haal de kaart van het jaar van de cijfers op met 'sociale-kaart ophalen --jaar {report.jaar_cijfers}' "
                "en geef die als --grenzen-cijferjaar."]
    return []


def _warnings(gemeenten: pd.DataFrame, report: JoinReport) -> list[str]:
    warnings = []
    for row in gemeenten.itertuples(index=False):
        if not pd.isna(row.dekking) and row.dekking < MIN_COVERAGE:
            warnings.append(f"{row.gemeentenaam}: maar {nl_number(row.dekking * 100, 1)}% van de inwoners ligt in "
                            "buurten op de kaart; de gemeentecijfers gelden voor de hele gemeente.")
    if report.years_differ and not report.controle:
        warnings.append(f"Buurtgrenzen ({report.jaar_grenzen}) en cijfers ({report.jaar_cijfers}) komen uit verschillende "
                        "jaren; gedeelde buurtcodes zijn niet gecontroleerd op een andere betekenis.")
    elif report.controle_op_naam and report.hergebruikt:
        warnings.append(f"{plural(len(report.hergebruikt), 'buurtcode heeft', 'buurtcodes hebben')} in "
                        f"{report.jaar_cijfers} een andere naam dan in {report.jaar_grenzen}; die buurten hebben geen "
                        "cijfers (zie het koppelrapport).")
    elif report.hergebruikt or report.gewijzigd:
        n = len(report.hergebruikt) + len(report.gewijzigd)
        warnings.append(f"{plural(n, 'buurtcode duidt', 'buurtcodes duiden')} in {report.jaar_cijfers} een ander gebied "
                        f"aan dan in {report.jaar_grenzen}; die buurten hebben geen cijfers (zie het koppelrapport).")
    return warnings
