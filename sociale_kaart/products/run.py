"""The orchestrator: build once, analyse once, classify once, then make any set of products.

Every command of the CLI is :func:`make` with a subset of the products of
:data:`~sociale_kaart.products.registry.REGISTRY`, so that ``aandacht``,
``kaart``, ``kaarten``, ``profiel`` and ``briefing`` given the same settings always agree: the same
aandachtsbuurten, the same classes, the same figures. What a run computes follows from what its
products declare they need; each product is given a typed
:class:`~sociale_kaart.products.context.RunContext` and returns what it tells the run.

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
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path

from ..errors import InputError
from ..outputs import OutputFolder, terminate_cleanly
from ..render.map_choice import map_classes, map_indicators
from ..reporter import Reporter
from ..settings import RunSettings
from ..texts import dutch_date, plural
from .context import ProductResult, RunContext, judge_change
from .registry import ANALYSIS, ANALYSIS_IF_POSSIBLE, CLASSES, DRAWINGS, REGISTRY, WIJK_SHAPES, Product
from .report import write_report

INDEX = "index.html"


@dataclass(frozen=True)
class RunResult:
    """What one run made."""

    data: object  #: sociale_kaart.combine.dataset.Dataset
    analysis: object | None  #: sociale_kaart.analysis.need.Analysis, None when no product needed it
    written: tuple[Path, ...]
    products: tuple[str, ...]
    pages: dict[str, int] = field(default_factory=dict)  #: product key -> its ProductResult.pages


def chosen(products, registry: tuple[Product, ...] = REGISTRY) -> tuple[Product, ...]:
    """The products of `registry` named by `products` (keys), with the products they build on, in
    the registry's order; an unknown key is an :class:`InputError`.

    Examples
    --------
    >>> [p.key for p in chosen(("insluiten", "tabellen"))]
    ['tabellen', 'kaart', 'insluiten']
    """
    keys = {p.key for p in registry}
    wanted = set(products)
    unknown = wanted - keys
    if unknown:
        raise InputError(f"onbekend product {sorted(unknown)[0]!r}; kies uit {', '.join(p.key for p in registry)}")
    for p in registry:
        if p.key in wanted:
            wanted |= set(p.with_products)
    return tuple(p for p in registry if p.key in wanted)


def make(settings: RunSettings, *, products=None, index: bool = True, progress: Reporter | None = None,
         registry: tuple[Product, ...] | None = None) -> RunResult:
    """Make `products` for the run that `settings` describe, into ``settings.output``.

    Parameters
    ----------
    settings : RunSettings
    products : iterable of str, optional
        Keys of the registry's products (default: every product).
    index : bool
        Also write ``index.html``: what was made, the join report summary, years, sources, warnings.
    progress : Reporter, optional
        Where to report stages (default: stderr unless ``settings.quiet``).
    registry : tuple of Product, optional
        The products to choose from, in the order they are made (default:
        :data:`~sociale_kaart.products.registry.REGISTRY`; a script may add its own).
    """
    registry = REGISTRY if registry is None else tuple(registry)
    made = chosen([p.key for p in registry] if products is None else products, registry)
    needs = set().union(*(p.needs for p in made))
    progress = progress or Reporter(quiet=settings.quiet)
    from ..combine.dataset import build
    from ..combine.series import run_series

    with terminate_cleanly(), OutputFolder(settings.output, fingerprint=fingerprint(settings)) as out:
        data = build(settings.sources, small_numbers=settings.small_numbers, indicators=settings.indicators,
                     units=settings.units, domains=settings.domains, comparison_group=settings.comparison_group,
                     comparison_name=settings.comparison_name, wijk_shapes=WIJK_SHAPES in needs,
                     layouts=settings.layouts, wijk_layout=settings.wijk_layout)
        progress.say(f"grenzen en cijfers gekoppeld: {plural(len(data.buurten), 'buurt', 'buurten')}, "
                     f"{plural(len(data.indicators), 'indicator', 'indicatoren')}")
        series = run_series(data, settings, progress)
        change = judge_change(series, settings)
        write_report(out, data, series)
        analysis = None
        if ANALYSIS in needs or (ANALYSIS_IF_POSSIBLE in needs and _has_need(data)):
            from ..analysis.need import analyse  # the tables alone are made without need indicators too

            analysis = analyse(data, settings.need)
            progress.say(f"aandachtsbuurten bepaald: {len(analysis.flagged)} van {len(data.buurten)}")
        shown = tuple(map_indicators(data, settings.map))
        classes = map_classes(data, analysis, shown, settings.map) if CLASSES in needs else {}
        ctx = RunContext(data=data, analysis=analysis, classes=classes, indicators=shown, settings=settings,
                         progress=progress, change=change)
        pages: dict[str, int] = {}
        results = _make_products(made, out, ctx)
        for product in made:
            result = results[product.key]
            if result is not None and not isinstance(result, ProductResult):
                raise TypeError(f"product {product.key!r} gave {type(result).__name__}, not a ProductResult or None")
            if result is not None and result.pages is not None:
                pages[product.key] = result.pages
        keys = tuple(p.key for p in made)
        if index:
            from ..render.index import render_index

            names = [n for n in (*out.kept(), *out.names) if n != INDEX]  # an earlier run's index is replaced
            out.write_text(INDEX, render_index(data=data, analysis=analysis, names=names,
                                               products=keys, pages=pages, date=dutch_date(),
                                               kinds=tuple(f for p in registry for f in p.files)))
        written = out.commit()
    if out.note:
        progress.say(out.note)
    progress.say(f"klaar: {plural(len(written), 'bestand', 'bestanden')} in {settings.output}")
    return RunResult(data=data, analysis=analysis, written=tuple(written), products=keys, pages=pages)


def _make_products(made: tuple[Product, ...], out: OutputFolder, ctx: RunContext) -> dict:
    """What each product of `made` returns: the products of a lane one after another in one
    process, the lanes side by side, each using every core it can get (a run's tables need not
    wait for its documents)."""
    from ..render.cores import side_by_side

    lanes: dict[str, list[Product]] = {}
    for product in made:
        lanes.setdefault(product.lane or product.key, []).append(product)

    def make_lane(products: list[Product]):
        first = len(out.names)
        return [(p.key, p.make(out, ctx)) for p in products], out.names[first:]

    def draws(products: list[Product]) -> bool:
        return any(DRAWINGS in p.needs for p in products)

    def warm_up() -> None:  # once, before the first lane that draws, so that no lane or worker starts cold
        from ..render.document.drawings import warm_up

        warm_up()

    results = {}
    order = sorted(lanes.values(), key=draws)  # the lanes that draw nothing run while matplotlib warms up
    for made_here, names in side_by_side(order, make_lane, prepare=warm_up, prepared_for=draws):
        for name in names:  # written into the staging folder by a lane's own process
            out.path(name)
        results.update(made_here)
    return results


#: Settings that change no figure: how maps look, which wijken get a profile, one briefing or one per
#: gemeente, where and how quietly. Runs that differ only in these add their products to one folder.
_PRESENTATION = ("output", "quiet", "map", "wijken", "briefing_per_gemeente")


def fingerprint(settings: RunSettings) -> str:
    """``"<settings>-<inputs>"``: a hash of every setting that decides the figures, and a hash of
    the content of every input file (a new extract with the same size and time is another input)."""
    described = asdict(settings)
    for key in _PRESENTATION:
        described.pop(key, None)
    # every input file: boundaries, figures, registrations, linked extracts, declared sources, years, ...
    files = _input_files((settings.sources, settings.indicators, settings.layouts, settings.years))
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


def _input_files(value) -> list:
    """Every file named anywhere in `value` (dataclasses, tuples, (key, path) pairs), in order.

    Examples
    --------
    >>> from sociale_kaart.settings import Sources
    >>> from sociale_kaart.sources.linked import LinkedSpec
    >>> _input_files((Sources(grenzen=Path("g.gpkg"), kwb=Path("k.csv"), extra=(("overlast", Path("o.csv")),),
    ...                       linked=(LinkedSpec(source=Path("wmo.csv"), area="Wmo", key="bsn"),)),))
    [PosixPath('g.gpkg'), PosixPath('k.csv'), PosixPath('o.csv'), PosixPath('wmo.csv')]
    """
    if is_dataclass(value) and not isinstance(value, type):
        return [f for field_ in fields(value) for f in _input_files(getattr(value, field_.name))]
    if isinstance(value, (tuple, list)):
        return [f for item in value for f in _input_files(item)]
    if isinstance(value, (str, Path)) and Path(value).suffix:
        return [value]
    return []


def _without_paths(value, paths: set[str]):
    """`value` (from ``asdict``) with every input file path replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: _without_paths(v, paths) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_paths(v, paths) for v in value]
    return "<bestand>" if isinstance(value, (str, Path)) and str(value) in paths else value


def _has_need(data) -> bool:
    """Whether the run has a need indicator, so that aandachtsbuurten can be judged at all."""
    return any(i.role == "behoefte" for i in data.indicators)

