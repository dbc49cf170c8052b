"""Static choropleths (matplotlib) for print: PNG at 300 dpi, SVG and PDF.

The same classes and colours as the HTML map (:mod:`sociale_kaart.render.classes`); missing and
suppressed buurten are hatched in grey so that they read in greyscale print too.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np

from ..combine.indicators import SUPPRESSED, Indicator
from ..texts import MISSING_LABEL, SUPPRESSED_LABEL, border_labels, decimals_for, nl_number, p_value_text, plural, \
    shorten
from .classes import Classes
from .style import FLAG_COLOUR, FLAG_DASH, FLAG_GAP_COLOUR, FLAG_LEGEND, FLAG_SYMBOL, FLAG_WIDTH, HALO_COLOUR, \
    HALO_GID, HALO_WIDTH, WIJK_BORDER_COLOUR, WIJK_BORDER_WIDTH, flag_point

MISSING_STYLE = {"facecolor": "#e6e6e6", "hatch": "////", "edgecolor": "#8c8c8c"}
SUPPRESSED_STYLE = {"facecolor": "#ffffff", "hatch": "\\\\\\\\", "edgecolor": "#b0b0b0"}
#: The resolution of the static maps' PNG (for print), and the one texts are measured at.
PRINT_DPI = 300
#: The resolution of the charts' PNG (scatter plots, comparison, change maps).
CHART_DPI = 200
MAX_LABELS = 60  # beyond this many buurten, names no longer fit
MAX_SCATTER_LABELS = 40  # names in a scatter plot; beyond, only the aandachtsbuurten with the highest need
SCATTER_AREA = 28  # a scatter plot's dot (pt²); names keep clear of its diameter and white edge


def new_figure(**kwargs):
    """A matplotlib Figure on the Agg canvas, without pyplot's global state (nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def freeze_layout(fig, dpi: float | None = None) -> None:
    """Lay a finished figure out once, now, and keep that layout: each save (PNG, SVG, PDF) then
    draws it once, where a figure with a layout engine is drawn twice per save and laid out twice.

    `dpi`: the resolution of the save whose pixels must be exactly those of a save without this."""
    import matplotlib

    if fig.get_layout_engine() is None:
        return
    own = fig.dpi
    fig.dpi = dpi or own
    try:
        fig.draw_without_rendering()
    finally:
        fig.dpi = own
    # no engine at all ('none' leaves a placeholder, for which every save still draws twice)
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)


def draw_choropleth(ax, buurten, wijken, indicator: Indicator, classes: Classes, labels: bool = True,
                    legend: bool = True, legend_loc: str = "lower left", fontsize: float = 7.0,
                    legend_ax=None, border_label: str = border_labels(None)[0]) -> None:
    """Draw one indicator on `ax`: classes, hatched missing/suppressed, wijk borders, outlines.

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> draw_choropleth(ax, data.buurten, data.wijken, ind, classify(data.buurten[ind.key]))  # doctest: +SKIP
    """
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D

    status = buurten.get(f"{indicator.key}_status")
    suppressed = (status == SUPPRESSED).to_numpy() if status is not None else np.zeros(len(buurten), bool)
    cls = classes.classes
    colours = classes.colours
    has_class = cls >= 0
    geoms = buurten.geometry.values
    add_polygons(ax, geoms[has_class], facecolor=[colours[c] for c in cls[has_class]], edgecolor="#6b6b6b", linewidth=0.4)
    add_polygons(ax, geoms[~has_class & suppressed], linewidth=0.4, **SUPPRESSED_STYLE)
    add_polygons(ax, geoms[~has_class & ~suppressed], linewidth=0.4, **MISSING_STYLE)
    if wijken is not None and len(wijken):
        add_polygons(ax, wijken.geometry.values, facecolor="none", edgecolor=WIJK_BORDER_COLOUR,
                     linewidth=WIJK_BORDER_WIDTH * 0.7, zorder=3)
    flagged = buurten["aandachtsbuurt"].fillna(False).astype(bool).to_numpy() if "aandachtsbuurt" in buurten else None
    if flagged is not None and flagged.any():
        draw_flags(ax, geoms[flagged], fontsize=fontsize)
    ax.set_axis_off()
    ax.set_aspect("equal")
    if labels:
        label_buurten(ax, buurten, fontsize)
    if legend:
        from ..sources.declarations import DIRECTION_TEXT

        unit = ", ".join(filter(None, [indicator.unit, DIRECTION_TEXT.get(indicator.direction, "")]))
        decimals = decimals_for(indicator.unit)
        handles = [mpatches.Patch(facecolor=c, edgecolor="#6b6b6b", label=label)
                   for c, label in zip(colours, classes.labels(decimals))]
        handles.append(mpatches.Patch(label=MISSING_LABEL, **MISSING_STYLE))
        handles.append(mpatches.Patch(label=SUPPRESSED_LABEL, **SUPPRESSED_STYLE))
        if flagged is not None and flagged.any():
            handles.append(mpatches.Patch(facecolor="white", edgecolor=FLAG_COLOUR, linewidth=2.0, linestyle=(0, (3, 1.5)),
                                          label=FLAG_LEGEND))
        handles.append(Line2D([], [], color=WIJK_BORDER_COLOUR, linewidth=WIJK_BORDER_WIDTH * 0.7, label=border_label))
        if legend_ax is not None:  # print pages: a band of its own under the map
            legend_ax.set_axis_off()
            legend_ax.legend(handles=handles, title=f"{indicator.label} ({unit})", loc="upper left",
                             ncol=4, fontsize=fontsize, title_fontsize=fontsize + 1, frameon=False, alignment="left")
        else:
            ax.legend(handles=handles, title=f"{indicator.label}\n{unit}", loc=legend_loc, fontsize=fontsize + 0.5,
                      title_fontsize=fontsize + 1.5, frameon=True, framealpha=0.95, edgecolor="#999999",
                      bbox_to_anchor=(1.01, 0) if legend_loc == "lower left" else None)


def draw_flags(ax, geoms, fontsize: float = 7.0) -> None:
    """Aandachtsbuurten as on the HTML map: a dashed purple band just inside the buurt and a "!" symbol.

    The band is the buurt's outline drawn twice as wide and clipped to the buurt itself, so only
    its inner half shows and it never reads as a border between areas.
    """
    from matplotlib.patches import PathPatch

    for geom in geoms:
        path = _mpl_path(geom)
        if path is None:
            continue
        for colour, dash in ((FLAG_GAP_COLOUR, None), (FLAG_COLOUR, (0, (FLAG_DASH[0] / 2, FLAG_DASH[1] / 2)))):
            band = PathPatch(path, facecolor="none", edgecolor=colour, linewidth=FLAG_WIDTH * 0.9, zorder=4,
                             linestyle=dash or "solid")
            ax.add_patch(band)
            band.set_clip_path(PathPatch(path, transform=ax.transData))
        point = flag_point(geom)
        if point is not None:
            ax.text(point.x, point.y, FLAG_SYMBOL, ha="center", va="center", fontsize=fontsize + 1, fontweight="bold",
                    color=FLAG_GAP_COLOUR, zorder=7,
                    bbox={"boxstyle": "circle,pad=0.25", "facecolor": FLAG_COLOUR, "edgecolor": FLAG_GAP_COLOUR,
                          "linewidth": 0.8})


def _mpl_path(geom):
    import shapely
    from matplotlib.path import Path as MplPath

    if geom is None or geom.is_empty:
        return None
    vertices, codes = [], []
    for polygon in shapely.get_parts(geom):
        for ring in (polygon.exterior, *polygon.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            vertices.append(coords)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(coords) - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(vertices), np.concatenate(codes).astype(np.uint8))


def add_polygons(ax, geoms, facecolor, edgecolor, linewidth, hatch=None, zorder=2):
    """Draw (multi)polygons as one matplotlib PathCollection.

    geopandas' ``plot`` redraws the whole figure after every call (``draw_idle``), which made an
    A4 page with a dozen layers take seconds; a collection per layer is drawn once, at save time.
    """
    from matplotlib.collections import PathCollection

    paths = [p for p in (_mpl_path(geom) for geom in geoms) if p is not None]
    if not paths:
        return None
    collection = PathCollection(paths, facecolors=facecolor, edgecolors=edgecolor, linewidths=linewidth,
                                hatch=hatch, zorder=zorder)
    ax.add_collection(collection)
    ax.autoscale_view()
    return collection


def add_scale_bar(ax, fontsize: float = 7.0) -> None:
    """A metric scale bar of a round length, about a fifth of the map's width (RD New metres)."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    target = (xmax - xmin) / 5
    magnitude = 10 ** math.floor(math.log10(target))
    length = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    x0, y0 = xmin + (xmax - xmin) * 0.03, ymin + (ymax - ymin) * 0.03
    height = (ymax - ymin) * 0.012
    from matplotlib.patches import Rectangle

    for i in range(2):
        ax.add_patch(Rectangle(
            (x0 + i * length / 2, y0), length / 2, height, facecolor="black" if i == 0 else "white",
            edgecolor="black", linewidth=0.6, zorder=5))
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    text = text.replace(".", ",")
    ax.text(x0 + length / 2, y0 + height * 1.8, text, ha="center", va="bottom", fontsize=fontsize, zorder=5)


def add_north_arrow(ax, fontsize: float = 9.0) -> None:
    """An arrow with N in the top right; RD New grid north is within 2 degrees of true north."""
    ax.annotate("N", xy=(0.96, 0.97), xytext=(0.96, 0.87), xycoords="axes fraction", ha="center", va="center",
                fontsize=fontsize, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2})


def map_figure(buurten, wijken, indicator: Indicator, classes: Classes, *, title: str, subtitle: str,
               size=(8.27, 6.3), border_label: str = border_labels(None)[0]):
    """One choropleth of `indicator` as a matplotlib figure (the caller saves it as PNG, SVG or PDF).

    Parameters
    ----------
    buurten : GeoDataFrame
        Buurten with ``<key>``, ``<key>_status`` and, optionally, ``aandachtsbuurt``.
    wijken : GeoDataFrame or None
        Wijk polygons for the borders.
    indicator : Indicator
    classes : Classes
        The run's classes of this indicator (the same as the HTML map's).
    title, subtitle : str
    border_label : str
        The legend entry of the wijk borders ("wijkgrens", or the borders of an own layout).
    """
    fig = new_figure(figsize=size)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_choropleth(ax, buurten, wijken if wijken is not None and "geometry" in wijken else None, indicator, classes,
                    border_label=border_label, labels=False)
    add_scale_bar(ax)
    add_north_arrow(ax)
    _fit_map(fig, ax, *add_titles(fig, title, subtitle, size[0]))
    label_buurten(ax, buurten, 7.0)  # on the final axes, where the names are measured
    return fig


def _fit_map(fig, ax, title, source, pad: float = 6.0) -> None:
    """Place the map's axes between the title and the source lines, with its legend (anchored
    beside the axes) inside the figure; the texts are measured, the figure is not drawn."""
    width, height = fig.get_size_inches() * 72
    # the texts' heights hardly depend on the resolution; their places are their own (y in figure shares)
    top = _measured(fig, title, dpis=(PRINT_DPI,))[1] + (1 - title.get_position()[1]) * height + pad
    bottom = _measured(fig, source, dpis=(PRINT_DPI,))[1] + source.get_position()[1] * height + pad
    legend = ax.get_legend()
    beside = _measured(fig, legend)[0] * 1.02 if legend is not None else 0.0
    ax.set_position((pad / width, bottom / height, (width - 2 * pad - beside) / (1.01 * width),
                     1 - (top + bottom) / height))


def _measured(fig, artist, dpis=(72, PRINT_DPI)) -> tuple[float, float]:
    """The width and height (points) of `artist` at the largest of `dpis` (a screen's and a
    print's resolution): hinted text is a little wider at a low resolution."""
    own, sizes = fig.dpi, []
    try:
        for dpi in dpis:
            fig.dpi = dpi
            box = artist.get_window_extent(measuring_renderer(dpi))
            sizes.append((box.width * 72 / dpi, box.height * 72 / dpi))
    finally:
        fig.dpi = own
    return max(w for w, _ in sizes), max(h for _, h in sizes)


def measuring_renderer(dpi: float):
    """A renderer of one pixel that only measures texts and boxes at `dpi`: the canvas of a figure
    would make one with the whole picture's pixels (19 MB for a map at 300 dpi) each time the
    resolution changes. A new one per call: matplotlib keeps the sizes of texts per renderer and
    per font *family* ("sans-serif"), not per font file, so a renderer kept across figures would
    give a text measured in one font the size it had in another."""
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)


def _subtitle_lines(subtitle: str, width: float, *, per_inch: int = 17) -> list[str]:
    """The subtitle or source under a figure `width` inches wide, in lines of about `per_inch`
    characters per inch (17 of 7 pt, 18 of 6,5 pt)."""
    return textwrap.wrap(subtitle, int(width * per_inch)) if subtitle else []


def add_titles(fig, title: str, subtitle: str, width: float):
    """The title above a map and the wrapped subtitle (years, source, warnings) under it, as texts
    (title, subtitle); a layout engine of the figure leaves room for them."""
    title_text = fig.suptitle(title, fontsize=13, fontweight="bold")
    lines = _subtitle_lines(subtitle, width)
    if fig.get_layout_engine() is not None:
        fig.get_layout_engine().set(rect=(0, 0.012 + 0.022 * len(lines), 1, 0.99 - 0.012 - 0.022 * len(lines)))
    return title_text, fig.text(0.01, 0.005, "\n".join(lines), fontsize=7, color="#444444", ha="left", va="bottom")


def place_labels(ax, xs, ys, texts, fontsize: float, offsets=None, drop: bool = False, avoid=(),
                 own_symbol: bool = False) -> int:
    """Place text labels greedily so that they do not overlap each other or leave the axes.

    Each label tries a few offsets (points) around its anchor; a label that fits nowhere is put
    at its first offset, or left out when `drop` is set. Returns the number of labels left out.
    Every text is measured once and the candidate boxes are computed, so that only the chosen
    position becomes an artist (creating and removing an annotation per try took seconds).
    `avoid` holds (x, y, diameter in points) of symbols that labels must not cover; with
    `own_symbol` a label's own symbol (the one at its anchor, such as its dot in a scatter plot)
    only needs to stay clear of the label's text, which every offset away from the anchor keeps.
    """
    import matplotlib.patheffects as pe
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import Bbox

    offsets = offsets or [(0, 0, "center", "center"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
                          (6, 0, "left", "center"), (-6, 0, "right", "center")]
    fig = ax.figure
    renderer = measuring_renderer(fig.dpi)
    ax.apply_aspect()  # the final axes box, without drawing the whole figure
    axes_box = ax.get_window_extent(renderer)
    halo = [pe.withStroke(linewidth=HALO_WIDTH, foreground=HALO_COLOUR)]
    prop = FontProperties(size=fontsize)
    points = fig.dpi / 72
    anchors = ax.transData.transform(np.column_stack([xs, ys])) if len(xs) else np.empty((0, 2))
    placed, dropped, owners = [], 0, []
    for x, y, size in avoid:
        (sx, sy), half = ax.transData.transform((x, y)), size * points / 2
        placed.append(Bbox.from_extents(sx - half, sy - half, sx + half, sy + half))
        owners.append((x, y) if own_symbol else None)
    for (ax_x, ax_y), x, y, text in zip(anchors, xs, ys, texts):
        text = shorten(text)  # a name of hundreds of characters fits nowhere: it ends in an ellipsis
        width, height, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
        chosen = None
        for dx, dy, ha, va in offsets:
            cx, cy = ax_x + dx * points, ax_y + dy * points
            x0 = {"center": cx - width / 2, "left": cx, "right": cx - width}[ha]
            y0 = {"center": cy - height / 2, "bottom": cy, "top": cy - height}[va]
            box = Bbox.from_bounds(x0, y0, width, height).expanded(1.05, 1.15)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1 and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
            if inside and not any(box.overlaps(other) for other, owner in zip(placed, owners) if owner != (x, y)):
                chosen = (dx, dy, ha, va, box)
                break
        if chosen is None:
            if drop:
                dropped += 1
                continue
            dx, dy, ha, va = offsets[0]
            chosen = (dx, dy, ha, va, None)
        dx, dy, ha, va, box = chosen
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            fontsize=fontsize, path_effects=halo, zorder=6, annotation_clip=False,
                            gid=f"{HALO_GID}{fig.axes.index(ax)}-{len(ax.texts)}")
        label.set_in_layout(False)  # placed inside the axes already; the layout need not measure it
        if box is not None:
            placed.append(box)
            owners.append(None)
    return dropped


def label_buurten(ax, buurten, fontsize: float, *, markers=None) -> int:
    """Buurtnamen at a point inside each buurt, largest buurten first, never over another name or
    over the "!" of an aandachtsbuurt (of `markers`, default `buurten`): a name that fits nowhere
    is left out. Returns the number left out."""
    if len(buurten) > MAX_LABELS or "buurtnaam" not in buurten:
        return 0
    markers = buurten if markers is None else markers
    points = buurten.geometry.representative_point()
    named = [(p.x, p.y, n) for n, p in zip(buurten["buurtnaam"], points) if isinstance(n, str) and n]
    # Large buurten first: their labels matter most and have room.
    order = np.argsort(-buurten.geometry.area.to_numpy()[[i for i, n in enumerate(buurten["buurtnaam"]) if isinstance(n, str) and n]])
    named = [named[i] for i in order]
    avoid = []  # the "!" symbols of aandachtsbuurten stay readable
    if "aandachtsbuurt" in markers:
        for geom in markers.geometry.values[markers["aandachtsbuurt"].fillna(False).astype(bool).to_numpy()]:
            point = flag_point(geom)
            if point is not None:
                avoid.append((point.x, point.y, (fontsize + 1) * 2.0))
    if not named:
        return 0
    xs, ys, texts = zip(*named)
    offsets = [(0, 0, "center", "center"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
               (6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 13, "center", "bottom"),
               (0, -13, "center", "top"), (10, 8, "left", "bottom"), (-10, -8, "right", "top")]
    return place_labels(ax, xs, ys, texts, fontsize, offsets=offsets, drop=True, avoid=avoid)


def relation_figure(table, need: Indicator, context: Indicator, stats, *, source: str = ""):
    """Scatter plot of a need indicator against a context indicator, buurten labelled by name.

    Laid out by measure, not by a layout engine: the margins are the widths and heights of the
    texts around the axes (tick labels, axis labels, title, legend), which is exact for a plot of
    this one shape and draws the figure once instead of three times.
    """
    both = (table[f"{need.key}_status"] == "ok") & (table[f"{context.key}_status"] == "ok")
    points = table[both]
    fig = new_figure(figsize=(7.5, 5.5))
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    flagged = points["aandachtsbuurt"].to_numpy() if "aandachtsbuurt" in points else np.zeros(len(points), bool)
    ax.scatter(points[context.key], points[need.key], s=SCATTER_AREA, c=np.where(flagged, "#b30000", "#4d4d4d"),
               edgecolor="white", linewidth=0.5, zorder=3)
    ax.margins(x=0.08, y=0.08)
    # Every buurt is named on a small map; on a large one the aandachtsbuurten with the highest need.
    named = points if len(points) <= MAX_SCATTER_LABELS else \
        points[flagged].nlargest(MAX_SCATTER_LABELS, need.key) if need.more_is_need else \
        points[flagged].nsmallest(MAX_SCATTER_LABELS, need.key)
    names = named.get("buurtnaam", named["buurtcode"]).fillna(named["buurtcode"]).astype(str)
    chosen = list(zip(named[context.key], named[need.key], names))
    ax.set_xlabel(f"{context.label} ({context.unit})")
    ax.set_ylabel(f"{need.label} ({need.unit})")
    for ind, axis in ((context, ax.xaxis), (need, ax.yaxis)):
        if ind.classes:  # an ordered class: its own whole classes, never 4,5
            from matplotlib.ticker import MultipleLocator

            axis.set_major_locator(MultipleLocator(1))
    ax.grid(color="#e0e0e0", linewidth=0.6, zorder=0)
    p_text = p_value_text(stats["p"])
    rho_text = nl_number(stats["rho"], 2)
    ax.set_title(f"{need.label} en {context.label.lower()} per buurt\nSpearman rho = {rho_text}, n = {int(stats['n'])}, {p_text}",
                 fontsize=11)
    legend = None
    if flagged.any():
        ax.scatter([], [], s=SCATTER_AREA, c="#b30000", label="aandachtsbuurt")
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # beside, never on a label
    source_size = 6.5  # points, 18 characters to the inch
    room = _subtitle_lines(f"{source}; {_dropped_note(len(chosen))}", fig.get_figwidth(), per_inch=18)  # and the note
    _fit_axes(fig, ax, legend=legend, bottom_text=source_size * len(room))
    dropped = 0
    if chosen:
        xs, ys, texts = zip(*chosen)
        dots = [(x, y, SCATTER_AREA ** 0.5 + 0.5) for x, y in zip(points[context.key], points[need.key])]
        dropped = place_labels(ax, xs, ys, texts, 6.5, drop=True, avoid=dots, own_symbol=True,
                               offsets=[(4, 3, "left", "bottom"), (4, -3, "left", "top"), (-4, 3, "right", "bottom"),
                                        (-4, -3, "right", "top"), (0, 6, "center", "bottom"), (0, -6, "center", "top")])
    if dropped:  # a name that fits beside its own dot only, or not at all: never one that points at another dot
        source = f"{source}{'; ' if source else ''}{_dropped_note(dropped)}"
    fig.text(0.01, 0.01, "\n".join(_subtitle_lines(source, fig.get_figwidth(), per_inch=18)), fontsize=source_size,
             color="#444444", va="bottom")
    return fig


def _dropped_note(dropped: int) -> str:
    return f"{plural(dropped, 'buurtnaam', 'buurtnamen')} weggelaten (geen plek naast de eigen stip)"


def _fit_axes(fig, ax, *, legend=None, bottom_text: float = 0.0, pad: float = 6.0) -> None:
    """Place `ax` so that its tick labels, axis labels, title and a `legend` beside it just fit in
    the figure, with `pad` points around and a line of `bottom_text` points under it (a source).

    The texts are measured (the renderer's text extents), as a layout engine would, without
    drawing the figure; the ticks are those of the axes as placed (measured twice, as the ticks
    depend on the axes' length)."""
    import matplotlib

    renderer = measuring_renderer(fig.dpi)
    width, height = fig.get_size_inches() * 72
    points = fig.dpi / 72
    rc = matplotlib.rcParams

    def extent(text) -> tuple[float, float]:
        return _measured(fig, text, dpis=(fig.dpi,)) if text.get_text() else (0.0, 0.0)

    def tick_labels(axis) -> list[tuple[float, float]]:
        """Width and height (points) of each tick label the axis will show."""
        low, high = sorted(axis.get_view_interval())
        locs = [v for v in axis.get_majorticklocs() if low - 1e-9 * abs(high - low) <= v <= high + 1e-9 * abs(high - low)]
        prop = axis.get_major_ticks()[0].label1.get_fontproperties()
        sizes = []
        for text in axis.get_major_formatter().format_ticks(locs):
            w, h, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
            sizes.append((w / points, h / points))
        return sizes

    right = pad
    if legend is not None:
        right += _measured(fig, legend)[0] * 1.02 + 0.01 * width
    title = extent(ax.title)[1] + rc["axes.titlepad"] + pad
    bottom = pad + (bottom_text * 1.4 if bottom_text else 0.0)
    for _ in range(2):  # the ticks of the axes as placed, then placed again for those ticks
        ys, xs = tick_labels(ax.yaxis), tick_labels(ax.xaxis)
        left = (pad + extent(ax.yaxis.label)[0] + ax.yaxis.labelpad + max((w for w, _ in ys), default=0.0)
                + rc["ytick.major.size"] + rc["ytick.major.pad"])
        below = (bottom + extent(ax.xaxis.label)[1] + ax.xaxis.labelpad + max((h for _, h in xs), default=0.0)
                 + rc["xtick.major.size"] + rc["xtick.major.pad"])
        right_edge = max(right, (xs[-1][0] / 2 if xs else 0.0) + pad)  # the last x tick label reaches past the axes
        ax.set_position((left / width, below / height, 1 - (left + right_edge) / width, 1 - (below + title) / height))


#: Comparison bars: the gemeente where it is worse or better than its size class, or neither; the references.
COMPARISON_COLOURS = {"slechter": "#b30000", "beter": "#2c7fb8", "gelijk": "#636363", "referentie": "#bdbdbd"}


def comparison_colours(indicator: Indicator, rows) -> list[str]:
    """A colour per row: the gemeente by the indicator's direction against its size class, references grey.

    Examples
    --------
    >>> import pandas as pd
    >>> from sociale_kaart.combine.indicators import registry
    >>> rows = pd.DataFrame({"vergelijking": ["gemeente", "grootteklasse"], "wmo_per_1000": [40.0, 50.0]})
    >>> comparison_colours(registry()["wmo_per_1000"], rows)  # below its size class: better, not red
    ['#2c7fb8', '#bdbdbd']
    >>> comparison_colours(registry()["pct_huur"], rows.rename(columns={"wmo_per_1000": "pct_huur"}))[0]
    '#636363'
    """
    from ..sources.declarations import HIGHER_BETTER, HIGHER_WORSE

    reference = rows.loc[rows["vergelijking"].eq("grootteklasse"), indicator.key]
    out = []
    for kind, value in zip(rows["vergelijking"], rows[indicator.key]):
        if kind != "gemeente":
            out.append(COMPARISON_COLOURS["referentie"])
            continue
        diff = value - reference.iloc[0] if len(reference) else 0.0
        worse = diff > 0 if indicator.direction == HIGHER_WORSE else diff < 0 if indicator.direction == HIGHER_BETTER \
            else None
        out.append(COMPARISON_COLOURS["gelijk" if worse is None or diff == 0 else "slechter" if worse else "beter"])
    return out


def comparison_figure(comparison, indicators, *, title: str, source: str = ""):
    """One panel per indicator: the gemeente beside its size class, the Netherlands and an own group.

    Group values carry "(n van N gemeenten)" where some gemeenten lack the figure.
    """
    shown = [i for i in indicators if i.key in comparison]
    fig = new_figure(figsize=(8.27, 1.2 + 1.35 * max(1, len(shown))), layout="constrained")
    axes = fig.subplots(max(1, len(shown)), 1, squeeze=False)[:, 0]
    for ax, ind in zip(axes, shown):
        rows = comparison[comparison[ind.key].notna()]
        labels = []
        for row in rows.itertuples(index=False):
            have, total = getattr(row, f"{ind.key}_gemeenten"), row.gemeenten
            labels.append(row.naam + ("" if row.vergelijking == "gemeente" or have == total
                                      else f" ({have} van {total} gemeenten)"))
        y = np.arange(len(rows))[::-1]
        values = rows[ind.key].to_numpy(dtype=float)
        ax.barh(y, values, color=comparison_colours(ind, rows), height=0.6)
        decimals = decimals_for(ind.unit)
        for yy, value in zip(y, values):
            ax.text(value, yy, " " + nl_number(value, decimals), va="center", fontsize=8)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_title(f"{ind.label} ({ind.unit})", fontsize=9.5, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max(values.max() * 1.18, 1) if len(values) else 1)
        ax.tick_params(axis="x", labelsize=7.5)
    fig.suptitle(title, fontsize=12, fontweight="bold")
    key = ("Kleur van de gemeente: rood = ongunstiger dan de grootteklasse, blauw = gunstiger, "
           "donkergrijs = geen richting (context); lichtgrijs = vergelijkingsgroepen.")
    lines = textwrap.wrap(key, 150) + textwrap.wrap(source, 150)
    bottom = (0.1 + 0.12 * len(lines)) / fig.get_figheight()  # room for the key and source (rect: x, y, w, h)
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    fig.text(0.01, 0.002, "\n".join(lines), fontsize=6.5, color="#444444", va="bottom")
    return fig
