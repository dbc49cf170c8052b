"""The orchestrator: build once, analyse once, classify once, then render any set of products.

Every command of the CLI is :func:`make` with a subset of :data:`PRODUCTS`, so that ``flag``,
``map``, ``plot``, ``profiel`` and ``briefing`` given the same settings always agree: the same
aandachtsbuurten, the same classes, the same figures.

Examples
--------
>>> import tempfile
>>> from sociale_kaart.settings import RunSettings, Sources
>>> from sociale_kaart.sources.sample import sample_path
>>> with tempfile.TemporaryDirectory() as tmp:
...     settings = RunSettings(sources=Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb")),
...                            output=Path(tmp), quiet=True)
...     result = make(settings, products=("tabellen", "kaart"))
...     sorted(p.name for p in result.written)[:3]
['index.html', 'voorbeeldstad_fictief_buurten.csv', 'voorbeeldstad_fictief_gemeente.csv']
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from .build.indicators import SUPPRESSED, Indicator
from .errors import InputError
from .outputs import OutputFolder, table_for_output, terminate_cleanly
from .progress import Progress
from .settings import MapSettings, RunSettings
from .texts import border_labels, decimals_for, dutch_date, plural, slugify

#: Every product, in the order they are made, with what it holds (shown by ``--help`` and the index).
PRODUCTS: dict[str, str] = {
    "tabellen": "GeoPackage en CSV's per buurt, wijk en gemeente",
    "aandachtsbuurten": "aandachtsbuurten met redenen (CSV, GeoPackage) en samenhang (CSV)",
    "samenhang": "spreidingsdiagrammen van behoefte tegen wonen en vergrijzing (PNG)",
    "vergelijking": "de gemeente naast haar grootteklasse, Nederland en een eigen groep (CSV, PNG)",
    "kaart": "interactieve kaart (één HTML-bestand, werkt offline)",
    "insluiten": "PNG van de kaart en een HTML-fragment (iframe) voor rapporten",
    "statisch": "statische kaarten per indicator (PNG 300 dpi, SVG, PDF)",
    "profielen": "wijkprofiel per wijk (A4-PDF)",
    "briefing": "briefingpakket voor de stuurgroep Integrale Veiligheid (PDF)",
    "voortgang": "verandering sinds de nulmeting per gebied en de stand van de doelen (CSV, XLSX)",
}
#: Products that need the need analysis (every map shows the aandachtsbuurten).
_NEEDS_ANALYSIS = {"aandachtsbuurten", "samenhang", "kaart", "insluiten", "statisch", "profielen", "briefing"}
_NEEDS_WIJK_SHAPES = {"statisch", "insluiten", "profielen", "briefing", "voortgang"}
INDEX = "index.html"


@dataclass(frozen=True)
class RunResult:
    """What one run made."""

    data: object  #: sociale_kaart.build.dataset.Dataset
    analysis: object | None  #: sociale_kaart.analysis.need.Analysis, None when no product needed it
    written: tuple[Path, ...]
    products: tuple[str, ...]
    pages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """The years of a run, judged once: change per area and the targets (for tables, profiles, briefing)."""

    series: object  #: sociale_kaart.build.series.Series
    table: pd.DataFrame  #: sociale_kaart.build.change.change_table, every level
    targets: tuple  #: sociale_kaart.analysis.targets.TargetResult, in the order declared
    rules: str  #: ChangeSettings.describe()


def _change(series, settings: RunSettings) -> Change | None:
    if series is None:
        return None
    from .analysis.targets import judge_targets
    from .build.change import change_table

    targets = judge_targets(settings.targets, series, settings=settings.change) if settings.targets else ()
    return Change(series, change_table(series, settings=settings.change), targets, settings.change.describe())


def make(settings: RunSettings, *, products=tuple(PRODUCTS), index: bool = True, progress: Progress | None = None
         ) -> RunResult:
    """Make `products` for the run that `settings` describe, into ``settings.output``.

    Parameters
    ----------
    settings : RunSettings
    products : iterable of str
        Keys of :data:`PRODUCTS`.
    index : bool
        Also write ``index.html``: what was made, the join report summary, years, sources, warnings.
    progress : Progress, optional
        Where to report stages (default: stderr unless ``settings.quiet``).
    """
    unknown = set(products) - set(PRODUCTS)
    products = tuple(p for p in PRODUCTS if p in set(products))
    if unknown:
        raise InputError(f"onbekend product {sorted(unknown)[0]!r}; kies uit {', '.join(PRODUCTS)}")
    if "insluiten" in products and "kaart" not in products:
        products = tuple(p for p in PRODUCTS if p in {*products, "kaart"})
    progress = progress or Progress(quiet=settings.quiet)
    from .build.dataset import build

    with terminate_cleanly(), OutputFolder(settings.output, fingerprint=fingerprint(settings)) as out:
        data = build(settings.sources, small_numbers=settings.small_numbers, indicators=settings.indicators,
                     units=settings.units, domains=settings.domains, comparison_group=settings.comparison_group,
                     comparison_name=settings.comparison_name, wijk_shapes=bool(_NEEDS_WIJK_SHAPES & set(products)),
                     layouts=settings.layouts, wijk_layout=settings.wijk_layout)
        progress.say(f"grenzen en cijfers gekoppeld: {plural(len(data.buurten), 'buurt', 'buurten')}, "
                     f"{plural(len(data.indicators), 'indicator', 'indicatoren')}")
        series = _series(data, settings, progress)
        change = _change(series, settings)
        _write_report(out, data, series)
        analysis = None
        if _NEEDS_ANALYSIS & set(products):
            from .analysis.need import analyse

            analysis = analyse(data, settings.need)
            progress.say(f"aandachtsbuurten bepaald: {len(analysis.flagged)} van {len(data.buurten)}")
        shown = map_indicators(data, settings.map)
        classes = map_classes(data, analysis, shown, settings.map) if set(products) - {"aandachtsbuurten", "vergelijking", "voortgang"} else {}
        pages: dict[str, int] = {}
        for product in products:
            _RENDERERS[product](out, data=data, analysis=analysis, classes=classes, indicators=shown,
                                settings=settings, pages=pages, progress=progress, change=change)
        if index:
            from .render.index import render_index

            out.write_text(INDEX, render_index(data=data, analysis=analysis, names=list(out.names), products=products,
                                               pages=pages, date=dutch_date()))
        written = out.commit()
    progress.say(f"klaar: {plural(len(written), 'bestand', 'bestanden')} in {settings.output}")
    return RunResult(data=data, analysis=analysis, written=tuple(written), products=products, pages=pages)


def fingerprint(settings: RunSettings) -> str:
    """A hash of everything that decides the figures: settings and the inputs' sizes and times."""
    described = asdict(settings)
    for key in ("output", "quiet"):
        described.pop(key, None)
    files = []
    for value in vars(settings.sources).values():  # every input file: boundaries, figures, registrations, ...
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, (str, Path)) and Path(item).suffix:
                files.append(item)
    files += [spec.source for spec in settings.indicators if spec.source is not None]
    files += [layout.source for layout in settings.layouts]
    files += [p for y in settings.years for p in (y.kwb, y.grenzen) if p is not None]
    stats = []
    for path in files:
        try:
            st = Path(path).stat()
            stats.append([str(Path(path).resolve()), st.st_size, st.st_mtime_ns])
        except OSError:
            stats.append([str(path), None, None])
    text = json.dumps([described, stats], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- the products --------------------------------------------------------------------------------

def _write_report(out: OutputFolder, data, series=None) -> None:
    stem = data.slug
    text = data.report_text() + ("\n\n" + series.report_text() if series is not None else "")
    out.write_text(f"{stem}_koppelrapport.txt", text + "\n")
    payload = {
        "koppelingen": [r.to_dict() for r in data.reports],
        "registraties": [s.to_dict() for s in data.registrations],
        "herkomst": [asdict(c) for c in data.columns],
        "dekking": {row.gemeentecode: (None if pd.isna(row.dekking) else float(row.dekking))
                    for row in data.gemeenten.itertuples(index=False)},
        "waarschuwingen": list(data.warnings),
        "geometrie": list(data.geometry_notes),
        "kleine_aantallen": asdict(data.small_numbers),
        "indelingen": [layout.to_dict() for layout in data.layouts],
    }
    if series is not None:
        payload["jaren"] = series.to_dict()
    out.write_text(f"{stem}_koppelrapport.json", json.dumps(payload, ensure_ascii=False, indent=2))


def _tables(out: OutputFolder, *, data, classes, indicators, settings, **_) -> None:
    stem = data.slug
    buurten, wijken, gemeenten = (_publishable(frame, data) for frame in (data.buurten, data.wijken, data.gemeenten))
    layers = {"buurten": buurten}
    if "geometry" in data.wijken:
        layers["wijken"] = wijken
    out.write_gpkg(f"{stem}_sociale_kaart.gpkg", layers)
    if indicators:  # QGIS opens the buurten with the map's classes of the first indicator
        from .render.classes import classify
        from .render.qgis import qml

        first = indicators[0]
        cls = classes.get(first.key) or classify(data.buurten[first.key], settings.map.scheme, settings.map.k)
        out.add_layer_style(f"{stem}_sociale_kaart.gpkg", layer="buurten", style_name=first.label, qml=qml(first, cls))
        out.write_text(f"{stem}_sociale_kaart.qml", qml(first, cls))
    frames = (("buurten", buurten), ("wijken", wijken), ("gemeente", gemeenten))
    for name, frame in frames:
        out.write_csv(f"{stem}_{name}.csv", pd.DataFrame(frame.drop(columns="geometry", errors="ignore")))
    _write_xlsx(out, f"{stem}_sociale_kaart.xlsx", frames, data)
    for layout in data.layouts:  # every own layout: its figures per area, also when it is not the wijk level
        out.write_csv(f"{stem}_indeling_{layout.slug}.csv", pd.DataFrame(_publishable(layout.areas, data)))


def _write_xlsx(out: OutputFolder, name: str, frames, data, *, notes: dict[str, str] | None = None) -> None:
    """One sheet per level, suppressed figures as the word "onderdrukt", and a sheet of definitions
    (with `notes`, title -> text, under them)."""
    with pd.ExcelWriter(out.path(name), engine="openpyxl") as writer:
        for sheet, frame in frames:
            table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).astype(object)
            for ind in data.indicators:
                status = f"{ind.key}_status"
                if status in table and ind.key in table:
                    hidden = table[status].eq(SUPPRESSED)
                    table.loc[hidden, ind.key] = SUPPRESSED
                    if ind.protected and ind.numerator in table:
                        table.loc[hidden & table[ind.numerator].isna(), ind.numerator] = SUPPRESSED
            table.where(table.notna(), None).to_excel(writer, sheet_name=sheet, index=False)
        definitions = pd.DataFrame(
            [{"sleutel": i.key, "indicator": i.label, "eenheid": i.unit, "rol": i.role, "definitie": i.description}
             for i in data.indicators]
            + [{"sleutel": "", "indicator": "Kleine aantallen", "eenheid": "", "rol": "",
                "definitie": data.small_numbers.describe()},
               {"sleutel": "", "indicator": "Bron", "eenheid": "", "rol": "", "definitie": data.subtitle}]
            + [{"sleutel": "", "indicator": title, "eenheid": "", "rol": "", "definitie": text}
               for title, text in (notes or {}).items()])
        definitions.to_excel(writer, sheet_name="definities", index=False)


def _flags(out: OutputFolder, *, data, analysis, progress, **_) -> None:
    stem = data.slug
    table = _publishable(analysis.table, data)
    out.write_gpkg(f"{stem}_aandachtsbuurten.gpkg", {"buurten": table})
    out.write_csv(f"{stem}_aandachtsbuurten.csv", pd.DataFrame(table.drop(columns="geometry")))
    out.write_csv(f"{stem}_samenhang.csv", analysis.relations.round({"rho": 3, "p": 4}))
    progress.say("aandachtsbuurten en samenhang geschreven")


def _relation_plots(out: OutputFolder, *, data, analysis, progress, **_) -> None:
    from .render.static import relation_figure

    by_key = {ind.key: ind for ind in data.indicators}
    for _, row in analysis.relations[analysis.relations["n"] >= 3].iterrows():
        fig = relation_figure(analysis.table, by_key[row["behoefte"]], by_key[row["context"]], row, source=data.subtitle)
        out.save_figure(f"{data.slug}_samenhang_{row['behoefte']}_{row['context']}.png", fig, dpi=200)
    progress.say("spreidingsdiagrammen getekend")


def _comparison(out: OutputFolder, *, data, progress, **_) -> None:
    if data.comparison is None:
        progress.say("vergelijking overgeslagen: geef gemeentecijfers van alle gemeenten (kwb_gemeenten)")
        return
    from .render.static import comparison_figure

    table = data.comparison
    keys = [i.key for i in data.indicators if i.key in table]
    rounded = table.round({k: decimals_for(i.unit) for i in data.indicators for k in (i.key,) if k in table})
    out.write_csv(f"{data.slug}_vergelijking.csv", rounded)
    for code, rows in table.groupby("gemeentecode", sort=False):
        name = rows["naam"].iloc[0]
        fig = comparison_figure(rows, [i for i in data.indicators if i.key in keys], title=f"{name} vergeleken",
                                source=data.subtitle)
        suffix = "" if table["gemeentecode"].nunique() == 1 else f"_{code}"
        out.save_figure(f"{data.slug}_vergelijking{suffix}.png", fig, dpi=200)
    progress.say("vergelijking met grootteklasse en Nederland gemaakt")


def _web_map(out: OutputFolder, *, data, analysis, classes, indicators, settings, progress, **_) -> None:
    from .render.webmap import render_html

    page = render_html(analysis.table, [(ind, classes[ind.key]) for ind in indicators], title=_title(data, settings),
                       subtitle=_subtitle(data), background=settings.map.background,
                       tolerance=settings.map.tolerance, border_labels=border_labels(data.wijk_layout))
    out.write_text(f"{data.slug}_kaart.html", page)
    progress.say("interactieve kaart gemaakt")


def _embed(out: OutputFolder, *, data, analysis, classes, indicators, settings, progress, **_) -> None:
    from .render.static import map_figure
    from .render.webmap import embed_snippet

    first = indicators[0]
    fig = map_figure(analysis.table, data.wijken, first, classes[first.key], title=_title(data, settings),
                     subtitle=_subtitle(data), border_label=border_labels(data.wijk_layout)[0])
    out.save_figure(f"{data.slug}_kaart.png", fig, dpi=300)
    snippet = embed_snippet(f"{data.slug}_kaart.html", f"{data.slug}_kaart.png", _title(data, settings), _subtitle(data))
    out.write_text(f"{data.slug}_kaart_insluiten.html", snippet)
    progress.say("PNG en insluitfragment gemaakt")


def _static_maps(out: OutputFolder, *, data, analysis, classes, indicators, settings, progress, **_) -> None:
    from .render.static import map_figure

    for ind in indicators:  # drawn once, saved in every format
        fig = map_figure(analysis.table, data.wijken, ind, classes[ind.key],
                         title=f"{ind.label} – {data.title}", subtitle=_subtitle(data),
                         border_label=border_labels(data.wijk_layout)[0])
        for fmt in settings.map.formats:
            out.save_figure(f"{data.slug}_{ind.key}.{fmt}", fig, dpi=300 if fmt == "png" else None)
        progress.say(f"statische kaart {ind.label}")


def _progress_context(change: Change | None) -> dict:
    """The judged targets, the years and the change per area, for profiles and briefing."""
    if change is None:
        return {}
    return {"targets": change.targets, "series": change.series, "change_rules": change.rules, "change": change.table}


def _profiles(out: OutputFolder, *, data, analysis, classes, settings, progress, pages, change=None, **_) -> None:
    from .render.printing import PrintContext, profile_documents, select_wijken

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    folder = f"{data.slug}_wijkprofielen"
    for name, title, figures in progress.items(profile_documents(ctx, wijken), "wijkprofiel", len(wijken),
                                               name=lambda item: item[1]):
        out.save_pdf(f"{folder}/{name}", figures, title=title)
    pages["profielen"] = len(wijken)


def _briefing(out: OutputFolder, *, data, analysis, classes, settings, progress, pages, change=None, **_) -> None:
    from .render.printing import PrintContext, briefing_figures, select_wijken, visit_title

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    visit = bool(settings.wijken)  # chosen wijken: the pack for a wijkbezoek
    if visit:
        name = f"{data.slug}_{slugify(visit_title(wijken))}.pdf"
        _, n = out.save_pdf(name, briefing_figures(ctx, wijken, visit=True), title=visit_title(wijken))
    else:
        _, n = out.save_pdf(f"{data.slug}_briefing.pdf", briefing_figures(ctx, wijken), title=f"Briefing {data.title}")
    pages["briefing"] = n
    progress.say("briefing: " + plural(n, "pagina", "pagina's"))


NO_YEARS = ("verandering en doelen vragen minstens twee jaren: geef eerdere jaren als [[jaar]] in het projectbestand "
            "(jaar, kwb, grenzen) of --nulmeting en --nulmeting-jaar")


def _core(data) -> tuple:
    """The run's core KWB indicators, with the units the run shows them in (``[eenheden]``)."""
    from .build.indicators import CORE_INDICATORS

    core = {i.key for i in CORE_INDICATORS}
    return tuple(i for i in data.indicators if i.key in core)


def _series(data, settings: RunSettings, progress):
    """Every year of the run on the run's buurten (None without [[jaar]]): the figures behind change."""
    from .settings import YearSource

    if not settings.years:
        if settings.targets:
            raise InputError(NO_YEARS)
        return None
    from .build.series import build_series

    entries = tuple(settings.years)
    if data.jaar_cijfers not in {y.year for y in entries}:  # the run's own KWB is the latest year unless listed
        entries += (YearSource(year=data.jaar_cijfers, kwb=settings.sources.kwb),)
    codes = sorted(data.buurten["gemeentecode"].dropna().unique())
    addresses = None
    if settings.sources.adrestabel is not None:  # with x/y, the crosswalk spreads by addresses instead of area
        from .sources.addresses import read_address_points

        addresses = read_address_points(settings.sources.adrestabel)
    series = build_series(entries, reference=data.buurten, reference_path=settings.sources.grenzen, gemeenten=codes,
                          small_numbers=data.small_numbers, noise_width=settings.change.noise_width,
                          addresses=addresses, indicators=_core(data))
    if len(series.years) < 2:
        raise InputError("verandering vraagt minstens twee verschillende jaren ([[jaar]] en [bronnen] kwb)")
    progress.say(f"jaren {', '.join(map(str, series.year_numbers))} op de buurtgrenzen van {series.reference}")
    return series


def _progress_tables(out: OutputFolder, *, data, settings, progress, change: Change | None, **_) -> None:
    """The change per area and the state of every target, as CSV and one Excel file."""
    from .analysis.targets import targets_table

    if change is None:  # every product was asked for, without earlier years
        progress.say("voortgang overgeslagen: geef eerdere jaren als [[jaar]] in het projectbestand")
        return
    series, results = change.series, change.targets
    change = change.table
    change_out = change.copy()
    for col in ("nulmeting", "laatste", "verschil", "marge_afronding"):
        change_out[col] = [round(v, decimals_for(u)) if pd.notna(v) else v for v, u in zip(change[col], change["eenheid"])]
    change_out["verschil_pct"] = change["verschil_pct"].round(1)
    change_out["deel_aanname"] = change["deel_aanname"].round(3)
    change_out["inwoners_nulmeting"] = change["inwoners_nulmeting"].round().astype("Int64")
    out.write_csv(f"{data.slug}_verandering.csv", change_out)
    sheets = [("verandering", change_out)]
    if results:
        table = targets_table(results)
        out.write_csv(f"{data.slug}_voortgang.csv", table)
        sheets.insert(0, ("doelen", table))
        counts = table["status"].value_counts()
        progress.say("doelen: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    _write_xlsx(out, f"{data.slug}_voortgang.xlsx", sheets, data, notes={
        "Verandering": settings.change.describe(),
        "Jaren": f"{', '.join(map(str, series.year_numbers))}; alle cijfers op de buurtgrenzen van {series.reference} "
                 "(zie het koppelrapport)."})
    progress.say("verandering en voortgang geschreven")
    from .render.change import change_map_figure

    buurten = change[change["niveau"] == "buurt"]
    indicators = {i.key: i for y in series.years for i in y.indicators}
    first, last = int(change["jaar_nulmeting"].iloc[0]), int(change["jaar_laatste"].iloc[0])
    for key, rows in buurten.groupby("indicator", sort=False):
        ind = indicators[key]
        fig = change_map_figure(data.buurten, data.wijken, rows, ind,
                                title=f"{ind.label}: verandering {first}-{last} – {data.title}",
                                subtitle=f"Cijfers {first} en {last} op de buurtgrenzen van {series.reference} · "
                                         f"{settings.change.describe()} · {data.bron}")
        out.save_figure(f"{data.slug}_verandering_{key}.png", fig, dpi=200)
    progress.say("veranderingskaarten getekend")


_RENDERERS = {
    "tabellen": _tables,
    "aandachtsbuurten": _flags,
    "samenhang": _relation_plots,
    "vergelijking": _comparison,
    "kaart": _web_map,
    "insluiten": _embed,
    "statisch": _static_maps,
    "profielen": _profiles,
    "briefing": _briefing,
    "voortgang": _progress_tables,
}


# --- shared pieces -------------------------------------------------------------------------------

def _publishable(frame, data):
    """`frame` as every table leaves: registration counts protected, numbers rounded, and no raw
    column beside a suppressed figure (the count and percentage a suppressed rate was made of)."""
    frame = _without_raw_inputs(frame, data)
    decimals = {ind.key: decimals_for(ind.unit) for ind in data.indicators if ind.key in frame}
    counts = [c for c in ("inwoners", "woningvoorraad", "huishoudens", *data.registration_columns) if c in frame]
    return table_for_output(frame, protected_columns=data.registration_columns, min_count=data.small_numbers.min_count,
                            count_columns=counts, rate_columns=list(decimals), decimals=decimals)


def _without_raw_inputs(frame, data):
    """Blank, per row, the numerator of every suppressed indicator and the source columns it came from."""
    inputs = {c.stable: c.inputs for c in data.columns}
    frame = frame.copy()
    for ind in data.indicators:
        status = f"{ind.key}_status"
        if status not in frame or ind.numerator == ind.denominator or ind.domain == "veiligheid" or ind.protected:
            continue  # police counts are published figures; registration counts are governed by the disclosure rules
        hidden = (frame[status] == SUPPRESSED).to_numpy()
        if not hidden.any():
            continue
        columns = [ind.numerator, *inputs.get(ind.numerator, ())]
        for col in columns:
            if col in frame and col != ind.denominator and col not in ("inwoners", "woningvoorraad", "huishoudens"):
                frame.loc[hidden, col] = float("nan")
    return frame


def map_indicators(data, map_settings: MapSettings) -> list[Indicator]:
    """The indicators the maps show (``map_settings.indicators``, else every indicator of `data`)."""
    if not map_settings.indicators:
        return list(data.indicators)
    known = {ind.key: ind for ind in data.indicators}
    unknown = [k for k in map_settings.indicators if k not in known]
    if unknown:
        raise InputError(f"onbekende indicator {unknown[0]!r}; beschikbaar: {', '.join(known)}")
    return [known[k] for k in map_settings.indicators]


def map_classes(data, analysis, indicators, map_settings: MapSettings) -> dict:
    """Class breaks of every mapped indicator and of the need index, computed once for every product."""
    from .render.classes import classify

    table = analysis.table if analysis is not None else data.buurten
    unknown = set(map_settings.breaks) - {ind.key for ind in data.indicators}
    if unknown:
        raise InputError(f"grenswaarden voor onbekende indicator {sorted(unknown)[0]!r}")
    result = {}
    for ind in {*indicators, *(analysis.need if analysis is not None else ())}:
        if ind.key in map_settings.breaks:
            result[ind.key] = classify(table[ind.key], "handmatig", map_settings.k, map_settings.breaks[ind.key])
        else:
            result[ind.key] = classify(table[ind.key], map_settings.scheme, map_settings.k)
    if analysis is not None:
        result["behoefte_index"] = classify(table["behoefte_index"], "kwantielen", 5)
    return result


def map_title(data, map_settings: MapSettings) -> str:
    """The title of every map: the one asked for, else "Sociale kaart <gemeenten>"."""
    return map_settings.title or f"Sociale kaart {data.title}"


def _title(data, settings: RunSettings) -> str:
    return map_title(data, settings.map)


def _subtitle(data) -> str:
    """The subtitle of every map: years and source, and the warnings where the numbers are."""
    return " · ".join([data.subtitle, *data.warnings])
