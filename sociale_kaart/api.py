"""The Python API: the pipeline as a handful of functions, for notebooks and scripts.

``import sociale_kaart as sk`` gives these functions and the settings classes; nothing else needs
importing. Each function is a thin layer over the stages of the package (build, analysis, render,
products), so that a notebook shows the same figures, classes and aandachtsbuurten as the command
line with the same settings.

The package docstring (:mod:`sociale_kaart`) shows the functions together; each has its own example
on the bundled fictional sample.
"""

from __future__ import annotations

import html as _html
import io
import types
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from .analysis.need import Analysis
from .analysis.need import analyse as _analyse
from .combine.dataset import Dataset
from .combine.dataset import build as _build
from .combine.indicators import Indicator
from .errors import InputError
from .products import PRODUCTS, RunResult
from .products import make as _make
from .render.map_choice import map_classes, map_indicators, map_title
from .render.map_choice import map_subtitle as _subtitle
from .settings import MapSettings, NeedSettings, RunSettings, SmallNumbers, Sources

__all__ = ["MapPage", "analyse", "build", "explore", "make", "plot", "sample_sources"]

#: The attribution line of the fictional sample (it says that Voorbeeldstad does not exist).
SAMPLE_SOURCE = "Fictieve voorbeelddata: Voorbeeldstad bestaat niet"


def sample_sources() -> Sources:
    """The bundled fictional municipality *Voorbeeldstad*: boundaries, KWB and two registrations.

    Returns
    -------
    Sources
        Paths of the sample files (no network, no ``../shared`` needed).

    Examples
    --------
    >>> sources = sample_sources()
    >>> sources.grenzen.name, len(sources.registraties)
    ('voorbeeldstad_grenzen_2024.gpkg', 2)
    """
    from .sources.sample import sample_path

    return Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb"),
                   registraties=(sample_path("registraties"), sample_path("meldingen")), bron=SAMPLE_SOURCE)


def build(grenzen=None, kwb=None, *, gemeenten=(), registraties=(), sources: Sources | None = None,
          small_numbers: SmallNumbers | None = None, indicators=(), units: dict[str, float] | None = None,
          domains: dict[str, str] | None = None, bron: str | None = None) -> Dataset:
    """Join boundaries and KWB figures (and registrations) into a :class:`Dataset`.

    Parameters
    ----------
    grenzen : str, Path, GeoDataFrame or dict of GeoDataFrame
        A Wijk- en Buurtkaart file, or the buurten an analyst already has as a GeoDataFrame (any
        CRS; CBS column names such as ``buurtcode`` or ``bu_code``). A dict ``{"buurten": ...,
        "wijken": ...}`` adds the wijk polygons and names; without it wijken are the dissolved
        buurten, named "Wijk 01", ... A frame has no year: the report says "jaar onbekend".
    kwb : str, Path or DataFrame
        A KWB table file, or the table as a DataFrame (columns and rows as CBS publishes them).
    gemeenten : sequence of str
        Codes (``GM0556``) or names (``Maassluis``); empty: every gemeente in `grenzen`.
    registraties : sequence of path
        The municipality's own extracts (counts per buurt are protected, see `small_numbers`).
    sources : Sources, optional
        Instead of `grenzen`, `kwb`, `gemeenten`, `registraties` and `bron`: all sources at once.
    small_numbers : SmallNumbers, optional
        Small-number protection (default: CBS practice).
    indicators : sequence of IndicatorSpec
        Own indicators beside the core ones.
    units, domains : dict, optional
        Indicator key -> scale (100, 1000, 10000); indicator key -> sociaal, veiligheid, leefbaarheid.
    bron : str, optional
        Overrides the attribution line.

    Returns
    -------
    Dataset
        ``buurten``, ``wijken`` and ``gemeenten`` with every indicator and its status, the join
        report (:meth:`Dataset.report_text`).

    Raises
    ------
    InputError
        Input that cannot be read right, with the file (or frame), column, row or code.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> files = sample_sources()
    >>> data = build(files.grenzen, files.kwb)
    >>> data.title, len(data.buurten), len(data.wijken)
    ('Voorbeeldstad (fictief)', 16, 4)

    The same from frames an analyst already has:

    >>> buurten = gpd.read_file(files.grenzen, layer="buurten")
    >>> table = pd.read_csv(files.kwb, sep=";")
    >>> same = build(buurten, table)
    >>> same.buurten["wmo_per_1000"].equals(data.buurten["wmo_per_1000"])
    True
    """
    if sources is not None:
        given = [name for name, value in (("grenzen", grenzen), ("kwb", kwb), ("bron", bron)) if value is not None]
        given += [name for name, value in (("gemeenten", gemeenten), ("registraties", registraties)) if len(value)]
        if given:
            raise InputError(f"geef óf sources óf {', '.join(given)}, niet allebei")
    elif grenzen is None or kwb is None:
        raise InputError("geef grenzen en kwb (een pad of een frame), of sources")
    else:
        sources = Sources(grenzen=_path_or_frame(grenzen), kwb=_path_or_frame(kwb), gemeenten=tuple(gemeenten),
                          registraties=tuple(Path(p) for p in registraties), bron=bron)
    return _build(sources, small_numbers=small_numbers or SmallNumbers(), indicators=tuple(indicators),
                  units=units, domains=domains)


def analyse(data: Dataset, settings: NeedSettings | None = None, /, **rules) -> Analysis:
    """Stapeling, need index, aandachtsbuurten (and hot spots when asked for) of a :class:`Dataset`.

    Parameters
    ----------
    data : Dataset
        From :func:`build`.
    settings : NeedSettings, optional
        The rules; or give them as keywords (the fields of :class:`NeedSettings`: ``rule``,
        ``margin``, ``min_stapeling``, ``hotspots``, ...).

    Returns
    -------
    Analysis
        ``table`` (the buurten with ``stapeling``, ``behoefte_index``, ``aandachtsbuurt``,
        ``reden``), ``flagged`` and ``relations``; :meth:`Analysis.summary_text` says it in Dutch.

    Examples
    --------
    >>> data = build(sources=sample_sources())
    >>> result = analyse(data, rule="kwintiel", min_stapeling=3)
    >>> result.settings.rule, result.settings.min_stapeling
    ('kwintiel', 3)
    """
    if settings is not None and rules:
        raise InputError("geef óf een NeedSettings óf de regels als trefwoorden, niet allebei")
    return _analyse(data, settings if settings is not None else _settings(NeedSettings, rules))


@dataclass(frozen=True)
class MapPage:
    """The offline map page: shown inline in Jupyter (in an iframe), saved as one HTML file.

    Attributes
    ----------
    html : str
        The complete page (Leaflet and the data inlined: it contacts no host unless the map was
        asked with a background).
    height : int
        Height of the inline view in pixels.
    """

    html: str
    height: int = 600

    def _repr_html_(self) -> str:
        # srcdoc keeps the page in the notebook (no file, no server); the sandbox without
        # allow-same-origin keeps the page's script away from the notebook.
        return (f'<iframe srcdoc="{_html.escape(self.html, quote=True)}" style="width:100%;height:{int(self.height)}px;'
                'border:1px solid #ccc" sandbox="allow-scripts allow-modals allow-popups"></iframe>')

    def save(self, path: str | Path) -> Path:
        """Write the page to `path` (one file that works offline) and return the path."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path


def explore(data: Dataset, analysis: Analysis | None = None, *, map_settings: MapSettings | None = None,
            height: int = 600) -> MapPage:
    """The interactive map of :func:`build` (and :func:`analyse`), inline in a notebook.

    The same page as ``sociale-kaart map`` makes: a layer per indicator, the aandachtsbuurten,
    search and tooltips, all in one page that needs no network.

    Parameters
    ----------
    data : Dataset
    analysis : Analysis, optional
        Default: :func:`analyse` with the default rules (every map shows the aandachtsbuurten).
    map_settings : MapSettings, optional
        Classes, indicators, title, background.
    height : int
        Height of the inline view in pixels.

    Returns
    -------
    MapPage
        Jupyter shows it; :meth:`MapPage.save` writes the HTML file.

    Examples
    --------
    >>> data = build(sources=sample_sources())
    >>> page = explore(data, map_settings=MapSettings(indicators=("wmo_per_1000",), k=4))
    >>> "wmo_per_1000" in page.html, "openstreetmap.org/{z}" in page.html  # no background: no host contacted
    (True, False)
    """
    from .render.webmap import render_html
    from .texts import border_labels

    map_settings = map_settings or MapSettings()
    analysis = analysis if analysis is not None else _analyse(data)
    shown = map_indicators(data, map_settings)
    classes = map_classes(data, analysis, shown, map_settings)
    page = render_html(analysis.table, [(ind, classes[ind.key]) for ind in shown], title=map_title(data, map_settings),
                       subtitle=_subtitle(data), background=map_settings.background, tolerance=map_settings.tolerance,
                       border_labels=border_labels(data.wijk_layout))
    return MapPage(page, height)


def plot(data: Dataset, indicator: str | Indicator | None = None, analysis: Analysis | None = None, *,
         map_settings: MapSettings | None = None, title: str | None = None):
    """A static map of one indicator, with the run's classes, wijk borders and aandachtsbuurten.

    Parameters
    ----------
    data : Dataset
    indicator : str or Indicator, optional
        Key (``"bijstand_per_1000"``) or :class:`Indicator`; default the first indicator shown.
    analysis : Analysis, optional
        Default: :func:`analyse` with the default rules.
    map_settings : MapSettings, optional
        Classes (scheme, number of classes, own breaks).
    title : str, optional
        Default: "<indicator> – <gemeenten>".

    Returns
    -------
    matplotlib.figure.Figure
        Save it with ``fig.savefig("kaart.png", dpi=300)``; a notebook shows it.

    Examples
    --------
    >>> data = build(sources=sample_sources())
    >>> fig = plot(data, "bijstand_per_1000")
    >>> fig.texts[0].get_text(), fig._repr_png_()[:4]  # a notebook shows it as PNG
    ('Bijstand – Voorbeeldstad (fictief)', b'\\x89PNG')
    """
    from .render.static import map_figure
    from .texts import border_labels

    map_settings = map_settings or MapSettings()
    analysis = analysis if analysis is not None else _analyse(data)
    shown = map_indicators(data, map_settings)
    known = {ind.key: ind for ind in data.indicators}
    key = indicator.key if isinstance(indicator, Indicator) else (indicator or shown[0].key)
    if key not in known:
        raise InputError(f"onbekende indicator {key!r}; beschikbaar: {', '.join(known)}")
    chosen = known[key]
    classes = map_classes(data, analysis, [chosen], map_settings)
    fig = map_figure(analysis.table, data.wijken, chosen, classes[key], title=title or f"{chosen.label} – {data.title}",
                     subtitle=_subtitle(data), border_label=border_labels(data.wijk_layout)[0])
    fig._repr_png_ = types.MethodType(_figure_png, fig)  # drawn without pyplot: Jupyter shows it through this
    return fig


def make(settings: RunSettings | str | Path, *, products=tuple(PRODUCTS), index: bool = True) -> RunResult:
    """Make products into a folder, as ``sociale-kaart maak`` does: build, analyse, render, index.

    Parameters
    ----------
    settings : RunSettings, or path of a project file
        Everything the run is told; a ``sociale-kaart.toml`` is read as the command line reads it.
    products : iterable of str
        Keys of the products (``sociale-kaart producten`` lists them): ``tabellen``,
        ``aandachtsbuurten``, ``kaart``, ``statisch``, ``profielen``, ``briefing``, ...
    index : bool
        Also write ``index.html``: what was made, sources, years and warnings.

    Returns
    -------
    RunResult
        ``written`` (the files), ``data`` and ``analysis``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = make(RunSettings(sources=sample_sources(), output=Path(folder) / "kaart", quiet=True),
    ...                   products=("kaart",))
    ...     sorted(path.name for path in result.written if path.suffix == ".html")
    ['index.html', 'voorbeeldstad_fictief_kaart.html']
    """
    if not isinstance(settings, RunSettings):
        from .project import read_project, run_settings

        settings = run_settings(read_project(Path(settings)))
    frames = [name for name, value in vars(settings.sources).items() if isinstance(value, (pd.DataFrame, dict))]
    if frames:  # the output folder is kept or replaced by a fingerprint of the input files
        raise InputError(f"sk.make leest bestanden, zoals 'sociale-kaart maak'; {frames[0]} is een frame: sla het op "
                         "als bestand, of gebruik sk.build met sk.explore en sk.plot")
    return _make(settings, products=products, index=index)


def _figure_png(fig) -> bytes:
    """A figure as PNG at screen resolution, for a notebook."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _path_or_frame(value):
    """A frame as given (the readers take frames), anything else as a path."""
    return value if isinstance(value, (pd.DataFrame, dict)) else Path(value)


def _settings(kind, given: dict):
    """`kind` (a settings dataclass) from keywords, with an unknown keyword named in Dutch."""
    known = {f.name for f in fields(kind)}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InputError(f"onbekende instelling {unknown[0]!r} voor {kind.__name__}; bekend: {', '.join(sorted(known))}")
    return kind(**given)

