"""The orchestrator: build once, analyse once, classify once, then render any set of products.

Every command of the CLI is :func:`make` with a subset of :data:`PRODUCTS`, so that ``aandacht``,
``kaart``, ``kaarten``, ``profiel`` and ``briefing`` given the same settings always agree: the same
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

from .combine.indicators import SUPPRESSED, Indicator
from .errors import InputError
from .outputs import OutputFolder, safe_sheet, table_for_output, terminate_cleanly
from .reporter import Reporter
from .settings import MapSettings, RunSettings
from .sources.declarations import LEEFBAAROMETER, POLITIE
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
#: Products that need the need analysis (every map shows the aandachtsbuurten; the workbook lists them).
_NEEDS_ANALYSIS = {"tabellen", "aandachtsbuurten", "samenhang", "kaart", "insluiten", "statisch", "profielen", "briefing"}
_NEEDS_WIJK_SHAPES = {"statisch", "insluiten", "profielen", "briefing", "voortgang"}
INDEX = "index.html"


@dataclass(frozen=True)
class RunResult:
    """What one run made."""

    data: object  #: sociale_kaart.combine.dataset.Dataset
    analysis: object | None  #: sociale_kaart.analysis.need.Analysis, None when no product needed it
    written: tuple[Path, ...]
    products: tuple[str, ...]
    pages: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """The years of a run, judged once: change per area and the targets (for tables, profiles, briefing)."""

    series: object  #: sociale_kaart.combine.series.Series
    table: pd.DataFrame  #: sociale_kaart.combine.change.change_table, every level
    targets: tuple  #: sociale_kaart.analysis.targets.TargetResult, in the order declared
    rules: str  #: ChangeSettings.describe()


def _change(series, settings: RunSettings) -> Change | None:
    if series is None:
        return None
    from .analysis.targets import judge_targets
    from .combine.change import change_table

    targets = judge_targets(settings.targets, series, settings=settings.change) if settings.targets else ()
    return Change(series, change_table(series, settings=settings.change), targets, settings.change.describe())


def make(settings: RunSettings, *, products=tuple(PRODUCTS), index: bool = True, progress: Reporter | None = None
         ) -> RunResult:
    """Make `products` for the run that `settings` describe, into ``settings.output``.

    Parameters
    ----------
    settings : RunSettings
    products : iterable of str
        Keys of :data:`PRODUCTS`.
    index : bool
        Also write ``index.html``: what was made, the join report summary, years, sources, warnings.
    progress : Reporter, optional
        Where to report stages (default: stderr unless ``settings.quiet``).
    """
    unknown = set(products) - set(PRODUCTS)
    products = tuple(p for p in PRODUCTS if p in set(products))
    if unknown:
        raise InputError(f"onbekend product {sorted(unknown)[0]!r}; kies uit {', '.join(PRODUCTS)}")
    if "insluiten" in products and "kaart" not in products:
        products = tuple(p for p in PRODUCTS if p in {*products, "kaart"})
    progress = progress or Reporter(quiet=settings.quiet)
    from .combine.dataset import build

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
        if _NEEDS_ANALYSIS & set(products) and (set(products) != {"tabellen"} or _has_need(data)):
            from .analysis.need import analyse  # the tables alone are made without need indicators too

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

            out.write_text(INDEX, render_index(data=data, analysis=analysis, names=[*out.kept(), *out.names],
                                               products=products, pages=pages, date=dutch_date()))
        written = out.commit()
    if out.note:
        progress.say(out.note)
    progress.say(f"klaar: {plural(len(written), 'bestand', 'bestanden')} in {settings.output}")
    return RunResult(data=data, analysis=analysis, written=tuple(written), products=products, pages=pages)


#: Settings that change no figure: how maps look, which wijken get a profile, where and how quietly.
#: Runs that differ only in these add their products to one folder.
_PRESENTATION = ("output", "quiet", "map", "wijken")


def fingerprint(settings: RunSettings) -> str:
    """``"<settings>-<inputs>"``: a hash of every setting that decides the figures, and a hash of
    the content of every input file (a new extract with the same size and time is another input)."""
    described = asdict(settings)
    for key in _PRESENTATION:
        described.pop(key, None)
    files = []
    for value in vars(settings.sources).values():  # every input file: boundaries, figures, registrations, ...
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, (str, Path)) and Path(item).suffix:
                files.append(item)
    files += [spec.source for spec in settings.indicators if spec.source is not None]
    files += [layout.source for layout in settings.layouts]
    files += [p for y in settings.years for p in (y.kwb, y.grenzen) if p is not None]
    contents = []
    for path in files:  # in the order the settings name them: each file keeps its role
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            contents.append(digest.hexdigest())
        except OSError:
            contents.append(None)
    # Where a file is (relative, absolute, copied elsewhere) decides nothing: its content does.
    text = json.dumps(_without_paths(described, {str(f) for f in files}), default=str, sort_keys=True)
    return (f"{hashlib.sha256(text.encode()).hexdigest()[:16]}-"
            f"{hashlib.sha256(json.dumps(contents).encode()).hexdigest()[:16]}")


def _without_paths(value, paths: set[str]):
    """`value` (from ``asdict``) with every input file path replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: _without_paths(v, paths) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_paths(v, paths) for v in value]
    return "<bestand>" if isinstance(value, (str, Path)) and str(value) in paths else value


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
        "adviezen": list(data.advice),
        "geometrie": list(data.geometry_notes),
        "kleine_aantallen": asdict(data.small_numbers),
        "indelingen": [layout.to_dict() for layout in data.layouts],
    }
    if series is not None:
        payload["jaren"] = series.to_dict()
    out.write_text(f"{stem}_koppelrapport.json", json.dumps(payload, ensure_ascii=False, indent=2))


def _tables(out: OutputFolder, *, data, analysis, classes, indicators, settings, **_) -> None:
    stem = data.slug
    buurten, wijken, gemeenten = (_publishable(frame, data) for frame in (data.buurten, data.wijken, data.gemeenten))
    named = _unit_names(data)
    xlsx = (("buurten", buurten), ("wijken", wijken), ("gemeente", gemeenten))
    buurten, wijken, gemeenten = (frame.rename(columns=named) for frame in (buurten, wijken, gemeenten))
    layers = {"buurten": buurten}
    if "geometry" in data.wijken:
        layers["wijken"] = wijken
    out.write_gpkg(f"{stem}_sociale_kaart.gpkg", layers)
    if indicators:  # QGIS opens the buurten with the map's classes of the first indicator
        from .render.classes import classes_for
        from .render.qgis import qml

        first = indicators[0]
        cls = classes.get(first.key) or classes_for(first, data.buurten[first.key], settings.map.scheme, settings.map.k)
        out.add_layer_style(f"{stem}_sociale_kaart.gpkg", layer="buurten", style_name=first.label, qml=qml(first, cls))
        out.write_text(f"{stem}_sociale_kaart.qml", qml(first, cls))
    frames = (("buurten", buurten), ("wijken", wijken), ("gemeente", gemeenten))
    for name, frame in frames:
        out.write_csv(f"{stem}_{name}.csv", pd.DataFrame(frame.drop(columns="geometry", errors="ignore")))
    if analysis is not None:  # the flagged buurten, with their reasons, beside the figures
        flags = _flag_table(analysis, data)
        xlsx += (("aandachtsbuurten", flags[flags["aandachtsbuurt"] == "ja"]),)
    _write_xlsx(out, f"{stem}_sociale_kaart.xlsx", xlsx, data)  # its definitions sheet names every unit
    for layout in data.layouts:  # every own layout: its figures per area, also when it is not the wijk level
        out.write_csv(f"{stem}_indeling_{layout.slug}.csv", pd.DataFrame(_publishable(layout.areas, data)))


def _has_need(data) -> bool:
    """Whether the run has a need indicator, so that aandachtsbuurten can be judged at all."""
    return any(i.role == "behoefte" for i in data.indicators)


def _unit_names(data) -> dict[str, str]:
    """Column names that say the unit an indicator is shown in: ``bijstand_per_1000`` holding values per
    10,000 inhabitants (``[eenheden]``) is written as ``bijstand_per_10000``, with its status and coverage.

    Examples
    --------
    >>> import dataclasses
    >>> from types import SimpleNamespace
    >>> from sociale_kaart.combine.indicators import registry
    >>> per_10000 = dataclasses.replace(registry()["bijstand_per_1000"], scale=10000)
    >>> _unit_names(SimpleNamespace(indicators=(per_10000, registry()["wmo_per_1000"])))["bijstand_per_1000"]
    'bijstand_per_10000'
    """
    import re

    names = {}
    for ind in data.indicators:
        found = re.fullmatch(r"(.+)_per_(\d+)", ind.key)
        if ind.kind != "ratio" or not found or float(found.group(2)) == ind.scale:
            continue
        key = f"{found.group(1)}_pct" if ind.scale == 100 else f"{found.group(1)}_per_{ind.scale:.0f}"
        names.update({ind.key + end: key + end for end in ("", "_status", "_dekking")})
    return names


def _write_xlsx(out: OutputFolder, name: str, frames, data, *, notes: dict[str, str] | None = None) -> None:
    """One sheet per table with Dutch headers, suppressed figures as the word "onderdrukt" (with a
    note), and a sheet of definitions: every indicator, every column's code key, then `notes`
    (title -> text). Every sheet has a frozen header row, a filter and widths by content."""
    from .render.workbook import column_labels, column_rows, finish_sheet, number_formats

    note = f"Onderdrukt: {data.small_numbers.describe()}"
    sheets: dict[str, list[str]] = {}
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
            sheets[sheet] = list(table.columns)
            formats = number_formats(table.columns, data)
            table.where(table.notna(), None).rename(columns=column_labels(table.columns, data)).to_excel(
                writer, sheet_name=sheet, index=False)
            safe_sheet(writer.sheets[sheet])
            finish_sheet(writer.sheets[sheet], [formats.get(c) for c in table.columns], marker=SUPPRESSED, note=note)
        every = list(dict.fromkeys(c for columns in sheets.values() for c in columns))
        definitions = pd.DataFrame(
            column_rows(column_labels(every, data), data, sheets)
            + [{"Kolom": "Kleine aantallen", "Betekenis": data.small_numbers.describe()},
               {"Kolom": "Bron", "Betekenis": data.subtitle}]
            + [{"Kolom": title, "Betekenis": text} for title, text in (notes or {}).items()])
        definitions.to_excel(writer, sheet_name="definities", index=False)
        safe_sheet(writer.sheets["definities"])
        finish_sheet(writer.sheets["definities"], [])


#: The columns of the aandachtsbuurten table besides the indicators' own.
_FLAG_COLUMNS = ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "inwoners")
_FLAG_RESULTS = ("stapeling", "stapeling_basis", "behoefte_index", "uitschieter", "lisa_i", "lisa_p", "lisa_klasse",
                 "gi_z", "gi_p", "gi_klasse", "aandachtsbuurt", "reden")


def _flag_table(analysis, data):
    """Every buurt with what the judgement rests on (each indicator's figure, status, high or not,
    z-score), the result and the reason; aandachtsbuurten first. No source counts."""
    keys = [ind.key for ind in data.indicators]
    wanted = [*_FLAG_COLUMNS, *(c for k in keys for c in (k, f"{k}_status", f"hoog_{k}", f"z_{k}")), *_FLAG_RESULTS]
    table = analysis.table.sort_values(["aandachtsbuurt", "stapeling", "buurtcode"], ascending=[False, False, True])
    table = _publishable(table, data)
    return table[[c for c in dict.fromkeys(wanted) if c in table] + (["geometry"] if "geometry" in table else [])]


def _flags(out: OutputFolder, *, data, analysis, progress, **_) -> None:
    stem = data.slug
    table = _flag_table(analysis, data)
    out.write_gpkg(f"{stem}_aandachtsbuurten.gpkg", {"buurten": table})
    out.write_csv(f"{stem}_aandachtsbuurten.csv", pd.DataFrame(table.drop(columns="geometry")))
    out.write_csv(f"{stem}_samenhang.csv", analysis.relations.round({"rho": 3, "p": 4}))
    progress.say("aandachtsbuurten en samenhang geschreven")


def _relation_plots(out: OutputFolder, *, data, analysis, progress, **_) -> None:
    from .render.cores import on_all_cores

    by_key = {ind.key: ind for ind in data.indicators}
    rows = [row for _, row in analysis.relations[analysis.relations["n"] >= 3].iterrows()]
    names = [f"{data.slug}_samenhang_{row['behoefte']}_{row['context']}.png" for row in rows]
    for name in names:  # the names first, so that the output folder knows every file the workers write
        out.path(name)

    def draw(i: int) -> None:
        from .render.static import relation_figure

        row = rows[i]
        fig = relation_figure(analysis.table, by_key[row["behoefte"]], by_key[row["context"]], row,
                              source=data.subtitle_for([row["behoefte"], row["context"]]))
        out.save_figure(names[i], fig, dpi=200)
    list(on_all_cores(list(range(len(rows))), draw))
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
                                source=data.subtitle_for(keys))
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
                     subtitle=_subtitle(data, [first.key]), border_label=border_labels(data.wijk_layout)[0])
    out.save_figure(f"{data.slug}_kaart.png", fig, dpi=300)
    snippet = embed_snippet(f"{data.slug}_kaart.html", f"{data.slug}_kaart.png", _title(data, settings), _subtitle(data))
    out.write_text(f"{data.slug}_kaart_insluiten.html", snippet)
    progress.say("PNG en insluitfragment gemaakt")


def _static_maps(out: OutputFolder, *, data, analysis, classes, indicators, settings, progress, **_) -> None:
    from .render.cores import on_all_cores
    from .render.document.drawings import map_alt
    from .render.document.model import Document, Figure, Section, Text
    from .render.document.typeset import typeset_all

    formats = settings.map.formats

    def draw(ind) -> str:  # one indicator in PNG and SVG, the figure built once; the SVG also feeds the PDF
        from .render.document.drawings import drawing_fonts, svg_text
        from .render.static import freeze_layout, map_figure

        with drawing_fonts():
            fig = map_figure(analysis.table, data.wijken, ind, classes[ind.key], title=f"{ind.label} – {data.title}",
                             subtitle=_subtitle(data, [ind.key]),
                             border_label=border_labels(data.wijk_layout)[0])
            freeze_layout(fig, 300)  # laid out once (as the PNG would be), for the SVG and the PNG
            svg = svg_text(fig) if {"svg", "pdf"} & set(formats) else ""
        if "png" in formats:
            out.save_figure(f"{data.slug}_{ind.key}.png", fig, dpi=300)
        if "svg" in formats:
            out.write_text(f"{data.slug}_{ind.key}.svg", svg)
        return svg

    for ind in indicators:  # the names first, so that the output folder knows every file the workers write
        for fmt in formats:
            out.path(f"{data.slug}_{ind.key}.{fmt}")
    documents = []
    for ind, svg in zip(indicators, on_all_cores(list(indicators), draw)):
        progress.say(f"statische kaart {ind.label}")
        title = f"{ind.label} – {data.title}"
        figure = Figure(svg, map_alt(data.title, analysis.table, ind, classes[ind.key]))
        documents.append(Document(title=title, footer=_subtitle(data, [ind.key]), kind="kaart", sections=(
            Section(title, blocks=(figure, Text(_subtitle(data, [ind.key]), style="note"))),)))
    if "pdf" in formats:  # the same vector drawing as a tagged PDF with its alternative text
        for ind, pdf in zip(indicators, typeset_all(documents, settings.huisstijl)):
            out.path(f"{data.slug}_{ind.key}.pdf").write_bytes(pdf.data)


def _progress_context(change: Change | None) -> dict:
    """The judged targets, the years and the change per area, for profiles and briefing."""
    if change is None:
        return {}
    return {"targets": change.targets, "series": change.series, "change_rules": change.rules, "change": change.table}


def _profiles(out: OutputFolder, *, data, analysis, classes, settings, progress, pages, change=None, **_) -> None:
    from .render.document.typeset import typeset_all
    from .render.printing import PrintContext, profile_documents, select_wijken

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    folder = f"{data.slug}_wijkprofielen"
    names, documents = [], []
    for name, _, document in profile_documents(ctx, wijken):
        names.append(name)
        documents.append(document)
    for name, pdf in zip(names, typeset_all(documents, settings.huisstijl)):  # maps and charts on every core
        out.path(f"{folder}/{name}").write_bytes(pdf.data)
    progress.say(f"wijkprofielen: {plural(len(names), 'wijk', 'wijken')}")
    pages["profielen"] = len(wijken)


def _briefing(out: OutputFolder, *, data, analysis, classes, settings, progress, pages, change=None, **_) -> None:
    from .render.document.typeset import typeset
    from .render.printing import PrintContext, briefing_document, select_wijken, visit_title

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    visit = bool(settings.wijken)  # chosen wijken: the pack for a wijkbezoek
    name = f"{data.slug}_{slugify(visit_title(wijken))}.pdf" if visit else f"{data.slug}_briefing.pdf"
    pdf = typeset(briefing_document(ctx, wijken, visit=visit), settings.huisstijl)
    out.path(name).write_bytes(pdf.data)
    pages["briefing"] = pdf.pages
    progress.say("briefing: " + plural(pdf.pages, "pagina", "pagina's"))


NO_YEARS = ("verandering en doelen vragen minstens twee jaren: geef eerdere jaren als [[jaar]] in het projectbestand "
            "(jaar, kwb, grenzen) of --nulmeting en --nulmeting-jaar")


def _core(data) -> tuple:
    """The run's core KWB indicators, with the units the run shows them in (``[eenheden]``)."""
    from .combine.indicators import CORE_INDICATORS

    core = {i.key for i in CORE_INDICATORS}
    return tuple(i for i in data.indicators if i.key in core)


def _series(data, settings: RunSettings, progress):
    """Every year of the run on the run's buurten (None without [[jaar]]): the figures behind change."""
    from .settings import YearSource

    if not settings.years:
        if settings.targets:
            raise InputError(NO_YEARS)
        return None
    from .combine.series import build_series

    entries = tuple(settings.years)
    if data.jaar_cijfers not in {y.year for y in entries}:  # the run's own KWB is the latest year unless listed
        entries += (YearSource(year=data.jaar_cijfers, kwb=settings.sources.kwb,
                               kwb_gemeenten=settings.sources.kwb_gemeenten),)
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
    from .render.change_map import change_map_figure

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
    counts = [c for c in ("inwoners", "woningvoorraad", "huishoudens", *data.registration_columns,
                          *(s.stable for s in data.columns if s.kind in ("count", "class"))) if c in frame]
    return table_for_output(frame, protected_columns=data.registration_columns, min_count=data.small_numbers.min_count,
                            count_columns=counts, rate_columns=list(decimals), decimals=decimals)


#: Lineages whose counts are published as they are, also where a rate on them is suppressed (police crime).
PUBLISHED_COUNTS = frozenset({POLITIE, LEEFBAAROMETER})


def _without_raw_inputs(frame, data):
    """Blank, per row, the numerator of every suppressed indicator and the source columns it came from."""
    inputs = {c.stable: c.inputs for c in data.columns}
    frame = frame.copy()
    for ind in data.indicators:
        status = f"{ind.key}_status"
        if status not in frame or ind.numerator == ind.denominator or ind.lineage & PUBLISHED_COUNTS or ind.protected:
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
    from .render.classes import classes_for, classify

    table = analysis.table if analysis is not None else data.buurten
    unknown = set(map_settings.breaks) - {ind.key for ind in data.indicators}
    if unknown:
        raise InputError(f"grenswaarden voor onbekende indicator {sorted(unknown)[0]!r}")
    result = {}
    for ind in {*indicators, *(analysis.need if analysis is not None else ())}:
        result[ind.key] = classes_for(ind, table[ind.key], map_settings.scheme, map_settings.k,
                                      map_settings.breaks.get(ind.key))
    if analysis is not None:
        result["behoefte_index"] = classify(table["behoefte_index"], "kwantielen", 5)
    return result


def map_title(data, map_settings: MapSettings) -> str:
    """The title of every map: the one asked for, else "Sociale kaart <gemeenten>"."""
    return map_settings.title or f"Sociale kaart {data.title}"


def _title(data, settings: RunSettings) -> str:
    return map_title(data, settings.map)


def _subtitle(data, keys=None) -> str:
    """The subtitle of every map: years and the sources of the indicators `keys` (None: all), and the
    warnings where the numbers are."""
    return " · ".join([data.subtitle if keys is None else data.subtitle_for(keys), *data.warnings])
