"""Maps and charts for documents: matplotlib drawings as SVG text, with the alternative text that
says what they show.

Each map draws only the buurten near its view as grey context (not every buurt of the run), so a
wijk map costs the same in a run of one gemeente and of a whole region. Texts stay text in the SVG
(``svg.fonttype`` none) in the print font, which the typesetter embeds once per document.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...combine.indicators import OK, SUPPRESSED, Indicator
from ...texts import MISSING_LABEL, SUPPRESSED_LABEL, border_labels, decimals_for, nl_number, plural
from ..classes import Classes
from ..style import FLAG_LEGEND, GEMEENTE_BORDER_COLOUR, GEMEENTE_BORDER_WIDTH, HALO_COLOUR, HALO_GID, HALO_WIDTH, \
    WIJK_BORDER_COLOUR, WIJK_BORDER_WIDTH
from .typeset import FONT_DIR, PRINT_FONT

#: The family list of every drawn text: glyphs the reduced print font lacks come from the full font.
PRINT_FAMILIES = [PRINT_FONT, "DejaVu Sans"]
LABEL_SIZE = 7.0
BAR_COLOUR, BAR_EDGE = "#fc8d59", "#7f2704"
CONTEXT_FILL, CONTEXT_EDGE = "#f0f0f0", "#c8c8c8"
#: The overview fills an aandachtsbuurt with a light tint of the marking's purple.
FLAG_TINT = "#e4dcef"


@contextlib.contextmanager
def drawing_fonts():
    """Draw with the print font; SVG keeps texts as text (the PDF embeds the font once)."""
    import matplotlib

    _register_print_font()
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "sans-serif",
                                "font.sans-serif": PRINT_FAMILIES, "svg.hashsalt": "sociale-kaart",
                                "axes.formatter.use_locale": False}):
        yield


def _register_print_font() -> None:
    """Make the print font known to matplotlib (once per process)."""
    import logging

    from matplotlib import font_manager

    if PRINT_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        for path in sorted(FONT_DIR.glob("*.ttf")):
            font_manager.fontManager.addfont(str(path))
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def svg_text(fig) -> str:
    """A figure as SVG text (no metadata date, so the same drawing gives the same bytes).

    Names with a white halo (artists whose ``gid`` starts with :data:`~..style.HALO_GID`) stay
    text: their halo becomes a stroke painted under the letters (``paint-order``), where
    matplotlib's path effect would turn each name into two outlines (nine tenths of a map's SVG,
    and no text to search or read aloud in its PDF). The same drawing, to the eye. A name in a
    form this does not foresee (mathtext, a clipped or boxed text) is saved as outlines, with the
    halo of the path effect.
    """
    halos = [t for ax in fig.axes for t in ax.texts if str(t.get_gid() or "").startswith(HALO_GID)]
    effects = [t.get_path_effects() for t in halos]
    for text in halos:
        text.set_path_effects([])
    try:
        svg = _saved_svg(fig)
    finally:
        for text, effect in zip(halos, effects):
            text.set_path_effects(effect)
    stroke = (f'<text stroke="{HALO_COLOUR}" stroke-width="{HALO_WIDTH:g}" stroke-linejoin="round" '
              'paint-order="stroke" ')
    groups = _HALO_GROUP.findall(svg)
    if len(groups) != sum(1 for t in halos if t.get_text()) or any("<g" in g[2:] for g in groups):
        return _saved_svg(fig)  # a form not foreseen (matplotlib draws no empty text): the outlines
    return _HALO_GROUP.sub(lambda group: group.group(0).replace("<text ", stroke), svg)  # every line of a name


#: The group the SVG writer makes of a name with a halo: one text per line.
_HALO_GROUP = re.compile(rf'<g id="{HALO_GID}[\w-]*">.*?</g>', re.S)


def _saved_svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


@dataclass(frozen=True)
class VectorDrawing:
    """A finished matplotlib drawing as SVG text and its size in points; :meth:`png` renders it."""

    svg: str
    width: float
    height: float

    def png(self, dpi: int) -> bytes:
        """The drawing as a PNG at `dpi` (rendered by the typesetter: call it in the run's process)."""
        from .typeset import rasterise

        return rasterise(self.svg, width=self.width, height=self.height, ppi=dpi)


def with_pngs(drawings: Iterable[tuple], dpi: int, *, wanted: bool = True) -> Iterator[tuple]:
    """``((what, drawing), png)`` for each ``(what, drawing)`` of `drawings`, in order; the PNGs are
    rendered in threads of this process while the drawings still come in (Typst leaves Python's
    lock as it renders, so they use every core). Without `wanted` the PNG is None."""
    from concurrent.futures import ThreadPoolExecutor

    from ..cores import core_count

    with ThreadPoolExecutor(core_count()) as rendering:
        pending = [(pair, rendering.submit(pair[1].png, dpi) if wanted else None) for pair in drawings]
        for pair, future in pending:
            yield pair, future.result() if future is not None else None


def vector_drawing(make_figure, *, dpi: int) -> VectorDrawing:
    """The figure `make_figure()` builds, in the print font, laid out for `dpi` once and kept as SVG:
    the one drawing behind its PNG, SVG and PDF (a PNG drawn again by matplotlib costs several
    times the rendering of this SVG)."""
    from ..static import freeze_layout

    with drawing_fonts():
        fig = make_figure()
        freeze_layout(fig, dpi)
        width, height = fig.get_size_inches() * 72
        return VectorDrawing(svg_text(fig), float(width), float(height))


@functools.lru_cache(maxsize=1)
def warm_up() -> None:
    """Draw a small figure once in this process (both print fonts, Agg and SVG), before a run forks
    its lanes and workers, so that none starts cold: a cold one spends about 0,3 s on its first
    drawing."""
    from ..static import new_figure

    for vector in (False, True):
        fig = new_figure(figsize=(2, 1), layout="constrained")
        ax = fig.add_subplot()
        ax.scatter([0, 1], [0, 1], label="a")
        ax.set_title("Wmo 1,5", fontweight="bold")
        ax.legend()
        fig.text(0, 0, "b")
        if vector:
            with drawing_fonts():
                svg_text(fig)
        else:
            fig.savefig(io.BytesIO(), format="png", dpi=50)


def dutch_ticks(ax, axis: str = "x", decimals: int | None = None) -> None:
    """Tick labels with a decimal comma and a dot for thousands."""
    from matplotlib.ticker import FuncFormatter

    def fmt(value, _):
        places = decimals if decimals is not None else (0 if float(value).is_integer() else 1)
        return nl_number(value, places)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(FuncFormatter(fmt))


# --- bar charts ----------------------------------------------------------------------------------

TITLE_SIZE = 7.5
#: Points a title line takes in a chart.
TITLE_LINE = 9.5


def title_lines(title: str, width: float) -> list[str]:
    """`title` broken between words into lines that fit `width` points in the bold chart title.

    Examples
    --------
    >>> title_lines("Huishoudens met ondersteuning op 2+ leefgebieden (per 1.000 huishoudens)", 200)
    ['Huishoudens met ondersteuning op 2+', 'leefgebieden (per 1.000 huishoudens)']
    """
    lines: list[str] = []
    for word in title.split():
        if lines and text_width(f"{lines[-1]} {word}", TITLE_SIZE) * 1.1 <= width:  # bold is about 10 % wider
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _bar_layout(title: str, names: list[str], values: list, statuses: list[str], reference: float | None,
                width: float) -> tuple[list[bool], bool, list[str], float]:
    """What a bar chart shows and how tall it is: which bars have a value, whether the gemeente line
    is there, the title's lines and the height in points."""
    shown = [s == OK and v is not None and not pd.isna(v) for v, s in zip(values, statuses)]
    has_ref = reference is not None and not pd.isna(reference)
    lines = title_lines(title, width)
    height = 30 + 13 * max(1, len(names)) + (10 if has_ref else 0) + _title_extra(lines)
    return shown, has_ref, lines, float(height)


def _title_extra(lines: list[str]) -> float:
    """The height (points) a chart title takes beyond its first line."""
    return TITLE_LINE * (len(lines) - 1)


def _no_values_note(statuses: list[str]) -> str:
    """What a chart without any value says instead of its bars."""
    every = set(statuses)
    return ("alle waarden onderdrukt (kleine aantallen)" if every == {SUPPRESSED}
            else "geen gegevens" if SUPPRESSED not in every else "alle waarden onderdrukt of zonder gegevens")


def _bar_alt(title, names, values, statuses, reference, decimals, shown, has_ref) -> str:
    if not any(shown):
        return f"{title}: {_no_values_note(statuses)}."
    parts = [f"{n} {nl_number(v, decimals) if ok else ('onderdrukt' if s == SUPPRESSED else 'geen cijfer')}"
             for n, v, ok, s in zip(names, values, shown, statuses)]
    alt = f"Staafdiagram {title} per buurt: " + "; ".join(parts)
    return alt + (f"; gemeente {nl_number(reference, decimals)}." if has_ref else ".")


def bar_chart_text(title: str, names: list[str], values: list, statuses: list[str], reference: float | None,
                   decimals: int, *, width: float) -> tuple[str, float]:
    """The alternative text and the height (points) of :func:`bar_chart`, without drawing it."""
    shown, has_ref, _, height = _bar_layout(title, names, values, statuses, reference, width)
    return _bar_alt(title, names, values, statuses, reference, decimals, shown, has_ref), height


def bar_chart(title: str, names: list[str], values: list, statuses: list[str], reference: float | None,
              decimals: int, *, width: float) -> tuple[str, str, float]:
    """Horizontal bars per buurt with the value at the end and the gemeente as a dashed line.

    Returns the SVG, its alternative text and its height in points. Suppressed and missing buurten
    get a word instead of a bar; when no buurt has a value the chart says so.
    """
    from ..static import new_figure

    shown, has_ref, lines, height = _bar_layout(title, names, values, statuses, reference, width)
    extra = _title_extra(lines)
    with drawing_fonts():
        fig = new_figure(figsize=(width / 72, height / 72))
        ax = _Sheet(fig, height)
        label_width = min(max((len(n) for n in names), default=4) * 4.3 + 6, width * 0.42)
        left = label_width / width
        right = 1 - 34 / width
        ax.text(0, 2, "\n".join(lines), fontsize=TITLE_SIZE, fontweight="bold", va="top", ha="left",
                linespacing=TITLE_LINE / TITLE_SIZE / 1.2)
        y = 16 + extra
        if has_ref:
            ax.plot([0, 14 / width], [y + 4, y + 4], color="#1a1a1a", linewidth=0.8, linestyle=(0, (3, 2)))
            ax.text(18 / width, y + 4, f"gemeente {nl_number(reference, decimals)}", fontsize=LABEL_SIZE, va="center")
            y += 12
        numbers = [float(v) for v, ok in zip(values, shown) if ok]
        if not numbers:
            ax.text(0, y + 6, _no_values_note(statuses), fontsize=LABEL_SIZE, color="#555555", va="center")
        else:
            high = max(numbers + ([float(reference)] if has_ref else []) + [0.0])
            scale = lambda v: left + (v / (high or 1.0)) * (right - left)  # noqa: E731
            line = scale(float(reference)) * width if has_ref else None
            for name, value, ok, status in zip(names, values, shown, statuses):
                ax.text(left - 4 / width, y + 6, name, fontsize=LABEL_SIZE, va="center", ha="right")
                if ok:
                    end = scale(float(value))
                    ax.add_patch(_rect(left, y + 1.5, max(end - left, 0.002), 9))
                    text = nl_number(value, decimals)
                    ax.text(value_label_x(end * width, line, text_width(text, LABEL_SIZE)) / width, y + 6, text,
                            fontsize=LABEL_SIZE, va="center")
                else:
                    ax.text(left + 2 / width, y + 6, "onderdrukt" if status == SUPPRESSED else MISSING_LABEL,
                            fontsize=LABEL_SIZE, color="#555555", va="center")
                y += 13
            top = 16 + extra + (12 if has_ref else 0)
            ax.plot([left, left], [top, y], color="#666666", linewidth=0.5)
            if has_ref:
                ax.plot([scale(float(reference))] * 2, [top, y], color="#1a1a1a", linewidth=0.8, linestyle=(0, (3, 2)),
                        zorder=3)
        svg = svg_text(fig)
    return svg, _bar_alt(title, names, values, statuses, reference, decimals, shown, has_ref), height


class _Sheet:
    """Draws on a figure without axes (an Axes costs half a small chart's time in ticks it never
    shows): x is a share of the width, y points from the top, as in the charts below."""

    def __init__(self, fig, height: float):
        from matplotlib.transforms import Affine2D

        self.fig = fig
        self.transform = Affine2D().scale(1, -1 / height).translate(0, 1) + fig.transFigure

    def text(self, x, y, text, **kwargs):
        return self.fig.text(x, y, text, transform=self.transform, **kwargs)

    def plot(self, xs, ys, **kwargs):
        from matplotlib.lines import Line2D

        return self.fig.add_artist(Line2D(xs, ys, transform=self.transform, **kwargs))

    def add_patch(self, patch):
        patch.set_transform(self.transform)
        return self.fig.add_artist(patch)


@functools.lru_cache(maxsize=16384)
def text_width(text: str, size: float) -> float:
    """The width (points) of `text` in the print font at `size`, from the font's advance widths.

    Measured once per text and size (a document asks the same titles and names many times).

    >>> text_width("Maassluis", 10.0) == text_width("Maassluis", 10.0) > text_width("Maassluis", 7.0)
    True
    """
    from matplotlib.font_manager import FontProperties

    _register_print_font()
    prop = FontProperties(family=PRINT_FAMILIES, size=size)
    width, _, _ = _text_to_path().get_text_width_height_descent(text, prop, ismath=False)
    return width


@functools.lru_cache(maxsize=1)
def _text_to_path():
    from matplotlib.textpath import TextToPath

    return TextToPath()


def value_label_x(end: float, line: float | None, width: float, gap: float = 2.0) -> float:
    """Where (points) a bar's value label starts: `gap` after the bar's `end`, or `gap` after the
    gemeente `line` when the label would cross it (a label is never cut by the dashed line).

    >>> value_label_x(100.0, None, 20.0), value_label_x(100.0, 110.0, 20.0), value_label_x(100.0, 130.0, 20.0)
    (102.0, 112.0, 102.0)
    """
    start = end + gap
    if line is not None and start - gap / 2 <= line <= start + width + gap / 2:
        return line + gap
    return start


def _rect(x, y, w, h):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=BAR_COLOUR, edgecolor=BAR_EDGE, linewidth=0.3, zorder=2)


# --- maps ----------------------------------------------------------------------------------------

def near(table, bounds):
    """The rows of `table` whose shapes touch the box `bounds` (xmin, ymin, xmax, ymax)."""
    xmin, ymin, xmax, ymax = bounds
    return table.cx[xmin:xmax, ymin:ymax] if len(table) else table


def view_of(focus, pad_share: float = 0.06):
    xmin, ymin, xmax, ymax = focus.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * pad_share + 50
    return xmin - pad, ymin - pad, xmax + pad, ymax + pad


def map_alt(area: str, focus: pd.DataFrame, indicator: Indicator | None, classes: Classes | None) -> str:
    """What a map shows, in words: indicator and classes, highest and lowest buurt, the aandachtsbuurten."""
    parts = []
    if indicator is not None and classes is not None:
        decimals = decimals_for(indicator.unit)
        parts.append(f"Kaart van {area}: {indicator.label} ({indicator.unit}) per buurt in "
                     f"{len(classes.bins)} klassen ({', '.join(classes.labels(decimals))}).")
        status = focus.get(f"{indicator.key}_status")
        ok = focus[status == OK] if status is not None else focus
        if len(ok):
            name = ok.get("buurtnaam", ok["buurtcode"])
            hi, lo = ok[indicator.key].idxmax(), ok[indicator.key].idxmin()
            parts.append(f"Hoogste: {name[hi]} ({nl_number(ok.at[hi, indicator.key], decimals)}); "
                         f"laagste: {name[lo]} ({nl_number(ok.at[lo, indicator.key], decimals)}).")
    else:
        parts.append(f"Kaart van {area} met de aandachtsbuurten en de wijkgrenzen.")
    flagged = focus[focus["aandachtsbuurt"].fillna(False).astype(bool)] if "aandachtsbuurt" in focus else focus.iloc[:0]
    names = [str(n) for n in flagged.get("buurtnaam", flagged["buurtcode"])]
    parts.append(f"Aandachtsbuurten: {', '.join(names)}." if names else "Geen aandachtsbuurten.")
    return " ".join(parts)


def area_map(table, wijken, codes, indicator: Indicator | None, classes: Classes | None, *, width: float,
             height: float, focus_wijk: str | None = None, gemeente_borders: bool = False,
             border_label: str = border_labels(None)[0], labels: str = "all") -> tuple[str, int]:
    """A map of the buurten `codes` as SVG, `width` x `height` points, legend in a band below.

    Without `indicator` the map shows the aandachtsbuurten on a neutral ground (the overview).
    `labels` names ``all`` buurten or only the ``flagged``. Returns the SVG and the number of names
    left out because they would cover a marker or another name.
    """
    from ..static import add_north_arrow, add_polygons, add_scale_bar, draw_choropleth, draw_flags, new_figure

    inside = table["buurtcode"].isin(codes).to_numpy()
    focus = table[inside]
    view = view_of(focus)
    context = near(table[~inside], view)
    with drawing_fonts():
        fig = new_figure(figsize=(width / 72, height / 72))
        handles = _legend_handles(focus, indicator, classes, border_label, gemeente_borders)
        ncol = 4 if width > 360 else 2
        legend_rows = -(-len(handles) // ncol)
        legend_height = (22 + legend_rows * 10) / height
        ax = fig.add_axes((0, legend_height, 1, 1 - legend_height))
        add_polygons(ax, context.geometry.values, facecolor=CONTEXT_FILL, edgecolor=CONTEXT_EDGE, linewidth=0.4, zorder=1)
        shown_wijken = None
        if wijken is not None and "geometry" in wijken:
            shown_wijken = wijken[wijken["wijkcode"] == focus_wijk] if focus_wijk is not None else near(wijken, view)
        if indicator is not None:
            sub = type(classes)(classes.bins, classes.minimum, classes.classes[inside], classes.scheme)
            draw_choropleth(ax, focus, shown_wijken, indicator, sub, labels=False, legend=False, fontsize=LABEL_SIZE)
        else:
            flagged = focus["aandachtsbuurt"].fillna(False).astype(bool).to_numpy()
            add_polygons(ax, focus.geometry.values, facecolor=np.where(flagged, FLAG_TINT, "#ffffff").tolist(),
                         edgecolor="#8c8c8c", linewidth=0.4)
            if shown_wijken is not None and len(shown_wijken):
                add_polygons(ax, shown_wijken.geometry.values, facecolor="none", edgecolor=WIJK_BORDER_COLOUR,
                             linewidth=WIJK_BORDER_WIDTH * 0.7, zorder=3)
            draw_flags(ax, focus.geometry.values[flagged], fontsize=LABEL_SIZE)
            ax.set_axis_off()
            ax.set_aspect("equal")
        if gemeente_borders:
            merged = focus.dissolve(by="gemeentecode")
            add_polygons(ax, merged.geometry.values, facecolor="none", edgecolor=GEMEENTE_BORDER_COLOUR,
                         linewidth=GEMEENTE_BORDER_WIDTH * 0.6, zorder=3.5)
        ax.set_xlim(view[0], view[2])
        ax.set_ylim(view[1], view[3])
        from ..static import label_buurten

        named = focus if labels == "all" else focus[focus["aandachtsbuurt"].fillna(False).astype(bool)]
        dropped = label_buurten(ax, named, LABEL_SIZE, markers=focus)
        add_scale_bar(ax, fontsize=LABEL_SIZE)
        add_north_arrow(ax, fontsize=LABEL_SIZE + 2)
        title = f"{indicator.label} ({indicator.unit})" if indicator is not None else "Aandachtsbuurten"
        fig.legend(handles=handles, title=title, loc="lower left", bbox_to_anchor=(0, 0), ncol=ncol,
                   fontsize=LABEL_SIZE, title_fontsize=LABEL_SIZE + 1, frameon=False, alignment="left",
                   handlelength=1.6, columnspacing=1.2)
        svg = svg_text(fig)
    return svg, dropped


def _legend_handles(focus, indicator, classes, border_label, gemeente_borders):
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D

    from ..static import MISSING_STYLE, SUPPRESSED_STYLE
    from ..style import FLAG_COLOUR

    handles = []
    if indicator is not None:
        handles += [mpatches.Patch(facecolor=c, edgecolor="#6b6b6b", label=label)
                    for c, label in zip(classes.colours, classes.labels(decimals_for(indicator.unit)))]
        handles.append(mpatches.Patch(label=MISSING_LABEL, **MISSING_STYLE))
        handles.append(mpatches.Patch(label=SUPPRESSED_LABEL, **SUPPRESSED_STYLE))
    if "aandachtsbuurt" in focus and focus["aandachtsbuurt"].fillna(False).astype(bool).any():
        handles.append(mpatches.Patch(facecolor="white", edgecolor=FLAG_COLOUR, linewidth=2.0, linestyle=(0, (3, 1.5)),
                                      label=FLAG_LEGEND))
    handles.append(Line2D([], [], color=WIJK_BORDER_COLOUR, linewidth=WIJK_BORDER_WIDTH * 0.7, label=border_label))
    if gemeente_borders:
        handles.append(Line2D([], [], color=GEMEENTE_BORDER_COLOUR, linewidth=GEMEENTE_BORDER_WIDTH * 0.6,
                              label="gemeentegrens"))
    return handles


def count_words(n: int) -> str:
    return plural(n, "buurt", "buurten")
