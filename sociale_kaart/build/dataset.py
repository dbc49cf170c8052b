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

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..settings import IndicatorSpec, SmallNumbers, Sources
from ..sources.boundaries import Boundaries, label_wijken, read_boundaries, wijken_from_buurten
from ..sources.kwb import ColumnSource, KwbTable, read_kwb
from ..sources.registrations import RegistrationSummary, read_registrations
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
    secondary suppression across buurt, wijk and gemeente; :mod:`sociale_kaart.build.disclosure`),
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
    bron : str
        Attribution line.
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
    geometry_notes: tuple[str, ...] = ()
    bron: str = f"{CBS_SOURCE} (CC BY 4.0)"
    disclosure: object | None = None  #: the Protected result of the registration counts (counts only in reports)
    comparison: pd.DataFrame | None = None  #: the gemeente beside its size class, the Netherlands and an own group
    layouts: tuple = ()  #: own area layouts (sociale_kaart.build.layouts.AreaLayout), each with its figures per area
    wijk_layout: str | None = None  #: the own layout whose areas are the wijken of this run; None: CBS wijken

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
        """Data years and source, for every map and print product."""
        parts = []
        if self.jaar_cijfers:
            parts.append(f"Cijfers {self.jaar_cijfers}")
        if self.jaar_grenzen:
            parts.append(f"buurtgrenzen {self.jaar_grenzen}")
        if self.registrations:
            parts.append("met registraties van de gemeente")
        return " · ".join(parts + [self.bron])

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
        """How many registration figures were suppressed, and why, per registration."""
        if self.disclosure is None:
            return ""
        lines = ["Bescherming van registratieaantallen (buurt, wijk, gemeente):"]
        for col in self.registration_columns:
            lines.append(f"  {col}: {int(self.disclosure.primary[col])} onderdrukt als klein aantal, "
                         f"{int(self.disclosure.secondary[col])} extra onderdrukt tegen terugrekenen")
        return "\n".join(lines)

    def report_text(self) -> str:
        """The join report in Dutch, as printed and saved beside the outputs."""
        parts = [r.to_text() for r in self.reports] + [s.to_text() for s in self.registrations]
        if self.layouts:
            names = dict(zip(self.buurten["buurtcode"], self.buurten.get("buurtnaam", self.buurten["buurtcode"])))
            parts += [layout.to_text(names) for layout in self.layouts]
        parts += [t for t in (self.disclosure_text(),) if t]
        parts += [t for t in (self.coverage_text(), self.provenance_text()) if t]
        if self.geometry_notes:
            parts.append("Geometrie:\n" + "\n".join(f"  {n}" for n in self.geometry_notes))
        if self.warnings:
            parts.append("Let op:\n" + "\n".join(f"  {w}" for w in self.warnings))
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
        An own group of gemeenten to compare with, beside the size class and the Netherlands.
    wijk_shapes : bool
        Read wijk polygons (print products need them; the HTML map draws wijk borders from the
        buurt arcs and skips this read).
    layouts : tuple of LayoutSpec
        Own area layouts: each gets its figures per area (:mod:`sociale_kaart.build.layouts`).
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
    figures = kwb.buurten
    check = _check_years(read, kwb, sources, codes)
    joined, report = join_figures(buurten, figures, gemeenten=codes, source_boundaries=read.source,
                                  source_figures=kwb.source, year_boundaries=read.year, year_figures=kwb.year,
                                  check=check, invalid_codes=kwb.invalid_codes)
    if not report.gekoppeld:
        raise InputError(
            f"{kwb.source}: geen enkele buurtcode komt overeen met {read.source} "
            f"voor {', '.join(codes)}; horen grenzen en cijfers bij dezelfde gemeente?"
        )
    universe = figures[figures["gemeentecode"].isin(codes)].copy()
    reports, summaries, extra, reg_columns = [report], [], [], []
    kwb_status = joined.pop("koppeling")  # the map's "koppeling" is about the KWB; registrations report apart
    for path in sources.registraties:
        reg = read_registrations(path, buurten, address_table=sources.adrestabel)
        _check_registration_area(reg, buurten, codes)
        joined, reg_report = join_figures(joined, reg.counts, gemeenten=codes, source_boundaries=read.source,
                                          source_figures=reg.source, year_boundaries=read.year, year_figures=reg.year)
        joined = joined.drop(columns="koppeling")
        universe = universe.merge(reg.counts, on="buurtcode", how="left")
        reports.append(reg_report)
        summaries.append(published_summary(reg.summary, small_numbers.rounding))
        for col, label in reg.labels.items():
            extra.append(ind.registration_indicator(col, label))
            reg_columns.append(col)
    for path, reader in ((sources.misdrijven, "crime"), (sources.leefbaarometer, "liveability")):
        if path is None:
            continue
        joined, universe, report_, made = _safety(path, reader, joined, universe, codes, read)
        reports.append(report_)
        extra += made
    joined["koppeling"] = kwb_status.to_numpy()
    joined = ind.derive_counts(joined)
    universe = ind.derive_counts(universe)
    joined, universe, own = _own_indicators(indicators, joined, universe, kwb, reg_columns)
    extra += own
    chosen = [_with_unit(i, (units or {}).get(i.key)) for i in ind.available(joined, extra)]
    chosen = [dataclasses.replace(i, domain=(domains or {}).get(i.key, i.domain)) for i in chosen]
    for what, keys in (("eenheid", units), ("domein", domains)):
        unknown = set(keys or {}) - {i.key for i in chosen}
        if unknown:
            raise InputError(f"{what} voor onbekende indicator {sorted(unknown)[0]!r}; bekend: "
                             f"{', '.join(i.key for i in chosen)}")
    joined = ind.compute_rates(joined, chosen, small_numbers)
    empty = [i for i in chosen if joined[i.key].isna().all() and not joined[f"{i.key}_status"].eq(ind.SUPPRESSED).any()]
    chosen = [i for i in chosen if i not in empty]
    # Wijkcodes are reused between years as buurtcodes are: across years only the buurten on the map count.
    wijk_universe = joined.iloc[0:0] if report.years_differ else universe
    wijken = _wijken(sources.grenzen, codes, joined, wijk_universe, chosen, small_numbers, wijk_shapes)
    published = read_kwb(sources.kwb_gemeenten, require_buurten=False).gemeenten if sources.kwb_gemeenten else kwb.gemeenten
    gemeenten = _gemeenten(codes, joined, universe, published, chosen, small_numbers)
    nederland = None
    if kwb.nederland:
        land = ind.derive_counts(pd.DataFrame([kwb.nederland]).assign(land="NL"))
        nederland = ind.aggregate(land, "land", [i for i in chosen if i.inputs_present(land)], small_numbers)
    comparison = None
    if published is not None and len(published) > len(codes):  # rows of other gemeenten too: compare
        from .compare import compare

        comparison = compare(published, codes, chosen, group=comparison_group, group_name=comparison_name)
        if nederland is None:  # the Netherlands as the sum of all gemeenten (never the mean of their rates)
            land = ind.derive_counts(published).assign(land="NL")
            nederland = ind.aggregate(land, "land", [i for i in chosen if i.inputs_present(land) and not i.protected],
                                      small_numbers)
    joined["wijknaam"] = joined["wijkcode"].map(wijken.set_index("wijkcode")["wijknaam"])
    own, joined, wijken = _layouts(layouts, wijk_layout, joined, wijken, chosen, small_numbers, read.source, wijk_shapes)
    disclosure = None
    if reg_columns:
        joined, wijken, gemeenten, disclosure = _protect(joined, wijken, gemeenten,
                                                         [i for i in chosen if i.protected], small_numbers,
                                                         layouts={l.name: l for l in own if l.name != wijk_layout})
        own = _protected_layouts(own, disclosure, wijken, wijk_layout, [i for i in chosen if i.protected], small_numbers)
    elif wijk_layout:
        own = _protected_layouts(own, None, wijken, wijk_layout, [], small_numbers)
    names = gemeenten.set_index("gemeentecode")["gemeentenaam"]
    warnings = _warnings(gemeenten, report) + _missing_indicators(chosen, empty, kwb)
    warnings += [w for layout in own for w in layout.warnings()]
    notes = [f"{plural(len(read.repaired), 'ongeldige buurtgrens', 'ongeldige buurtgrenzen')} hersteld: "
             f"{', '.join(read.repaired)}"] if read.repaired else []
    if read.emptied:
        notes.append(f"Geen vlak over na herstel, daarom niet op de kaart en niet gekoppeld: {', '.join(read.emptied)}")
    bron = sources.bron or f"{CBS_SOURCE} ({_LICENCE_EXCEPTIONS.get(read.year, 'CC BY 4.0')})"
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
        geometry_notes=tuple(notes),
        bron=bron,
        disclosure=disclosure,
        comparison=comparison,
        layouts=tuple(own),
        wijk_layout=wijk_layout,
    )


def _with_unit(indicator, scale):
    """The indicator per 1,000 or per 10,000 inhabitants (its key stays: settings and tables keep working)."""
    if scale is None or scale == indicator.scale:
        return indicator
    if not indicator.unit.startswith("per ") and scale != 100:
        raise InputError(f"eenheid van {indicator.key}: alleen cijfers per inwoners kunnen per {nl_number(scale, 0)}")
    unit = "%" + indicator.unit.split("inwoners")[-1] if scale == 100 else f"per {nl_number(scale, 0)} inwoners"
    return dataclasses.replace(indicator, scale=scale, unit=unit,
                               description=indicator.description.replace("per 1.000 inwoners", unit))


def _protect(joined, wijken, gemeenten, protected, rule: SmallNumbers, layouts=None):
    """Replace registration counts and their rates by what may be published, at every level.

    The counts of the buurten on the map are protected together with the totals the run publishes
    (per wijk, per gemeente and per area of every own layout in `layouts`, name -> AreaLayout);
    rates everywhere are computed from the published counts.
    """
    from .disclosure import protect_counts

    columns = [i.numerator for i in protected]
    counts = joined.set_index("buurtcode")[columns]
    wijk = joined.set_index("buurtcode")["wijkcode"]
    groupings = {"wijk": wijk.where(wijk.isin(set(wijken["wijkcode"]))),  # "buiten de indeling" is no area
                 "gemeente": joined.set_index("buurtcode")["gemeentecode"]}
    groupings.update({_grouping(name): layout.assignment for name, layout in (layouts or {}).items()})
    result = protect_counts(counts, groupings=groupings, min_count=rule.min_count, rounding=rule.rounding,
                            secondary=rule.secondary)
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
    """Put published counts, their rates and statuses in each (frame, key, published, status), in place."""
    from .disclosure import publish_rates

    for frame, key, published, status in frames:
        codes = frame[key]
        for ind_ in protected:
            col = ind_.numerator
            values = codes.map(published[col])
            frame[col] = values.to_numpy()
            den = frame[ind_.denominator].astype(float) if ind_.denominator in frame else pd.Series(np.nan, index=frame.index)
            rates = publish_rates(pd.Series(values.to_numpy(), index=frame.index), den, scale=ind_.scale,
                                  decimals=decimals_for(ind_.unit), min_denominator=rule.min_denominator)
            state = codes.map(status[col]).fillna("onbekend").to_numpy()
            frame[ind_.key] = rates.to_numpy()
            frame[f"{ind_.key}_status"] = np.where(state == "onderdrukt", ind.SUPPRESSED,
                                                   np.where(rates.notna(), ind.OK,
                                                            np.where(den < rule.min_denominator, ind.SUPPRESSED,
                                                                     ind.MISSING)))


def _safety(path, reader, joined, universe, codes, read: Boundaries):
    """Police-registered crime or Leefbaarometer scores joined to the buurten, with their indicators."""
    from ..sources.safety import CRIME_CAVEAT, read_crime, read_liveability

    safety = read_crime(path) if reader == "crime" else read_liveability(path)
    joined, report = join_figures(joined, safety.table, gemeenten=codes, source_boundaries=read.source,
                                  source_figures=safety.source, year_boundaries=read.year, year_figures=safety.year)
    joined = joined.drop(columns="koppeling")
    if not report.gekoppeld:
        raise InputError(f"{safety.source}: geen enkele buurtcode komt overeen met {read.source} voor {', '.join(codes)}")
    universe = universe.merge(safety.table, on="buurtcode", how="left")
    made = []
    if reader == "crime":
        for col, label in safety.labels.items():
            made.append(ind.Indicator(f"{col}_per_1000", label, col, "inwoners", 1000, "per 1.000 inwoners",
                                      role="context", domain="veiligheid",
                                      description=f"{label}: door de politie geregistreerd in {safety.year or '?'} "
                                                  f"(Politie, tabel 47018NED), per 1.000 inwoners. {CRIME_CAVEAT}"))
    else:
        made.append(ind.Indicator("lbm_klasse", "Leefbaarometer-klasse", "lbm_klasse", "inwoners", 1, "klasse 1-9",
                                  more_is_need=False, role="context", domain="leefbaarheid", kind="score",
                                  aggregation="geen",
                                  description="Leefbaarometer 3.0 (meting "
                                              f"{safety.year or '?'}): klasse 1 (zeer onvoldoende) tot 9 "
                                              "(uitstekend), per buurt; een score, nooit opgeteld. Als "
                                              "behoefte-indicator telt klasse 4 (zwak) of lager als hoog. Buurten met "
                                              "te weinig adressen hebben geen score."))
    return joined, universe, report, made


def _own_indicators(specs, joined, universe, kwb: KwbTable, reg_columns):
    """Columns and :class:`Indicator` of every own indicator; a column that is nowhere is an error."""
    from ..sources.tables import read_buurt_table

    from ..sources.kwb import normalise_column_name

    by_source = {normalise_column_name(c.column): c.stable for c in kwb.columns}
    own = []
    for spec in specs:
        if spec.source is not None:
            table = read_buurt_table(spec.source)
            new = [c for c in table.columns if c != "buurtcode" and c not in joined.columns]
            joined = joined.merge(table[["buurtcode", *new]], on="buurtcode", how="left")
            universe = universe.merge(table[["buurtcode", *new]], on="buurtcode", how="left")
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
        protected = spec.protected or names.get("numerator") in reg_columns
        spec = type(spec)(**{**vars(spec), **names, "protected": protected})
        own.append(ind.declared_indicator(spec))
    return joined, universe, own


def _check_years(read: Boundaries, kwb: KwbTable, sources: Sources, codes):
    """When boundaries and figures are of different years, check shared codes against the figures' map.

    That map is the one given (``grenzen_cijferjaar``), or the KWB file itself when it is a map.
    Returns None when the years agree or no such map is at hand.
    """
    from .years import check_shared_codes

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
    return None


def _missing_indicators(chosen, empty, kwb: KwbTable) -> list[str]:
    """A sentence for every core indicator the run cannot show, saying where its figures are."""
    have = {i.key for i in chosen}
    warnings = []
    for core in ind.CORE_INDICATORS:
        if core.key in have or core.key == "pct_75plus":
            continue
        if core in empty:
            warnings.append(f"{core.label}: de kolommen staan in {kwb.source}, maar geen enkele buurt van deze "
                            "gemeente(n) heeft een waarde; de indicator wordt niet getoond.")
        else:
            warnings.append(f"{core.label} ontbreekt in {kwb.source}; te vinden als {ind.WHERE_TO_FIND[core.key]}.")
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


def _counts_for_aggregation(buurten: pd.DataFrame, universe: pd.DataFrame) -> pd.DataFrame:
    """Every buurt of the figures, plus buurten on the map that the figures lack (for registrations)."""
    missing = buurten[~buurten["buurtcode"].isin(universe["buurtcode"])]
    cols = [c for c in universe.columns if c in missing.columns]
    return pd.concat([universe, pd.DataFrame(missing[cols])], ignore_index=True)


def _gemeenten(codes, joined, universe, published_rows, chosen, rule) -> pd.DataFrame:
    """Rates per gemeente: the published gemeente rows when there are, else all its buurten in the table."""
    counts = _counts_for_aggregation(joined, universe)
    rates = ind.aggregate(counts, "gemeentecode", chosen, rule)
    if published_rows is not None and not published_rows.empty:
        published = ind.derive_counts(published_rows[published_rows["gemeentecode"].isin(codes)])
        usable = [i for i in chosen if i.inputs_present(published)]
        if len(published):
            from_table = ind.aggregate(published, "gemeentecode", usable, rule).set_index("gemeentecode")
            rates = rates.set_index("gemeentecode")
            rates.update(from_table)
            rates = rates.reset_index()
    names = joined.groupby("gemeentecode")["gemeentenaam"].first() if "gemeentenaam" in joined else pd.Series(dtype=object)
    rates.insert(1, "gemeentenaam", rates["gemeentecode"].map(names).fillna(rates["gemeentecode"]))
    on_map = joined.loc[joined["koppeling"].eq(MATCHED)].groupby("gemeentecode")["inwoners"].sum(min_count=1) \
        if "inwoners" in joined else pd.Series(dtype=float)
    total = rates.set_index("gemeentecode")["inwoners"] if "inwoners" in rates else pd.Series(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates["dekking"] = (rates["gemeentecode"].map(on_map) / rates["gemeentecode"].map(total)).clip(upper=1).round(4)
    return rates


def _warnings(gemeenten: pd.DataFrame, report: JoinReport) -> list[str]:
    warnings = []
    for row in gemeenten.itertuples(index=False):
        if not pd.isna(row.dekking) and row.dekking < MIN_COVERAGE:
            warnings.append(f"{row.gemeentenaam}: maar {nl_number(row.dekking * 100, 1)}% van de inwoners ligt in "
                            "buurten op de kaart; de gemeentecijfers gelden voor de hele gemeente.")
    if report.years_differ and not report.controle:
        warnings.append(f"Buurtgrenzen ({report.jaar_grenzen}) en cijfers ({report.jaar_cijfers}) komen uit verschillende "
                        "jaren; gedeelde buurtcodes zijn niet gecontroleerd op een andere betekenis. Haal de kaart van "
                        f"het jaar van de cijfers op met 'sociale-kaart fetch --jaar {report.jaar_cijfers}' en geef die "
                        "als --grenzen-cijferjaar.")
    elif report.hergebruikt or report.gewijzigd:
        n = len(report.hergebruikt) + len(report.gewijzigd)
        warnings.append(f"{plural(n, 'buurtcode duidt', 'buurtcodes duiden')} in {report.jaar_cijfers} een ander gebied "
                        f"aan dan in {report.jaar_grenzen}; die buurten hebben geen cijfers (zie het koppelrapport).")
    return warnings
