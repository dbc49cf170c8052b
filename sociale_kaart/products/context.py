"""What every product of a run is given and what it gives back: :class:`RunContext` and :class:`ProductResult`.

A product is a function ``make(out, ctx) -> ProductResult | None``. The context is typed and frozen:
a product that asks for a field the run does not have fails at once (``AttributeError``), and one
product cannot leave something for another in it. What a product tells the run (the page count of
the briefing, the number of profiles) comes back in its :class:`ProductResult`; the orchestrator
collects those for the index page and :class:`~sociale_kaart.products.RunResult`.

Examples
--------
>>> ctx = RunContext(data=None, analysis=None, classes={}, indicators=(), settings=None, progress=None)
>>> ctx.change is None
True
>>> ctx.pages
Traceback (most recent call last):
...
AttributeError: 'RunContext' object has no attribute 'pages'
>>> RunContext(data=None, analysis=None, classes={}, indicators=(), settings=None, progress=None, pages={})
Traceback (most recent call last):
...
TypeError: RunContext.__init__() got an unexpected keyword argument 'pages'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the types only: importing them here would load the whole pipeline for --help
    import pandas as pd

    from ..analysis.need import Analysis
    from ..combine.dataset import Dataset
    from ..combine.indicators import Indicator
    from ..combine.series import Series
    from ..render.classes import Classes
    from ..reporter import Reporter
    from ..settings import RunSettings


@dataclass(frozen=True)
class Change:
    """The years of a run, judged once: change per area and the targets (for tables, profiles, briefing)."""

    series: Series
    table: pd.DataFrame  #: sociale_kaart.combine.change.change_table, every level
    targets: tuple  #: sociale_kaart.analysis.targets.TargetResult, in the order declared
    rules: str  #: ChangeSettings.describe()


def judge_change(series: Series | None, settings: RunSettings) -> Change | None:
    """The change table and the judged targets of `series` (None without earlier years)."""
    if series is None:
        return None
    from ..analysis.targets import judge_targets
    from ..combine.change import change_table

    targets = judge_targets(settings.targets, series, settings=settings.change) if settings.targets else ()
    return Change(series, change_table(series, settings=settings.change), targets, settings.change.describe())


@dataclass(frozen=True, kw_only=True)
class RunContext:
    """Everything a product may use, computed once per run.

    Attributes
    ----------
    data : Dataset
        Boundaries and figures, protected (never the true registration counts).
    analysis : Analysis or None
        The need analysis; None when no product of the run needs it.
    classes : mapping
        Indicator key -> :class:`~sociale_kaart.render.classes.Classes` of every map (empty when no
        product of the run needs classes).
    indicators : tuple of Indicator
        The indicators the maps show, in order.
    settings : RunSettings
    progress : Reporter
    change : Change or None
        The change since the nulmeting and the targets; None without earlier years.
    drawings : dict
        Drawings already made in this run, by what they show (``("statisch", key)``): a map that
        two products use (the embed PNG and the static map) is drawn once. Only the drawing
        helpers read and fill it; it holds pictures, never figures.
    """

    data: Dataset
    analysis: Analysis | None
    classes: Mapping[str, Classes]
    indicators: tuple[Indicator, ...]
    settings: RunSettings
    progress: Reporter
    change: Change | None = None
    drawings: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class ProductResult:
    """What a product tells the run besides its files."""

    pages: int | None = None  #: pages (briefing) or documents (profielen) made, for the index page
