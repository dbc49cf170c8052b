"""The change map: per buurt, how an indicator changed since the nulmeting.

Diverging classes around zero: "gelijk (binnen de afronding)" in the middle, then a fall and a rise,
each split into a smaller and a larger change at the median size of the changes of this map.
Colours follow what a change means: for a need indicator (Wmo, bijstand) a fall is an
improvement (blue-green) and a rise a deterioration (orange-red); for a context indicator
(housing, ageing) neither is better, and both directions get neutral hues (purple, brown).

Without colour, and in greyscale, the map still reads: a triangle in every buurt points up for a
rise and down for a fall (a larger triangle for the larger class), a circle marks "gelijk", the
lightness grows with the size of the change on both sides, and buurten that are not judged
(suppressed, too few inhabitants in the nulmeting, boundary changed too much) are hatched grey.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..combine.change import FALLEN, LEVEL, NOT_JUDGED, RISEN
from ..combine.indicators import Indicator
from ..texts import decimals_for, nl_number
from .static import add_north_arrow, add_polygons, add_scale_bar, add_titles, label_buurten, new_figure
from .style import WIJK_BORDER_COLOUR, WIJK_BORDER_WIDTH, flag_point

#: Fill per class: (small, large) for a better and a worse change, and for neutral falls and rises.
BETTER = ("#9ecae1", "#2c7fb8")
WORSE = ("#fdae6b", "#d94801")
NEUTRAL_FALL = ("#cbc9e2", "#756bb1")
NEUTRAL_RISE = ("#dfc27d", "#8c510a")
LEVEL_COLOUR = "#f7f7f7"
NOT_JUDGED_STYLE = {"facecolor": "#e6e6e6", "hatch": "xxxx", "edgecolor": "#8c8c8c"}
#: Marker size (points) of the small and the large class; "gelijk" is a small circle.
MARKER_SIZES = (22, 60)


def change_classes(rows: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Class, fill, marker and legend text per row of a change table (one indicator).

    Returns columns ``klasse`` (-2 .. 2, NaN when not judged), ``kleur``, ``teken`` ("^", "v",
    "o" or "") and ``grootte``, and ``grens``: the size of change between the smaller and the
    larger class (the median size of the falls and rises; the same value in every row).

    Examples
    --------
    >>> from sociale_kaart.combine.indicators import registry
    >>> rows = pd.DataFrame({"verandering": ["gedaald", "gedaald", "gestegen", "gelijk (binnen de afronding)",
    ...                                      "niet te beoordelen"], "verschil": [-10.0, -2.0, 4.0, 0.5, None]})
    >>> out = change_classes(rows, registry()["bijstand_per_1000"])
    >>> out["klasse"].tolist(), out["teken"].tolist()
    ([-2.0, -1.0, 1.0, 0.0, nan], ['v', 'v', '^', 'o', ''])
    >>> out["kleur"].tolist()[:3]
    ['#2c7fb8', '#9ecae1', '#fdae6b']
    """
    verdict = rows["verandering"].to_numpy()
    size = rows["verschil"].abs()
    moved = np.isin(verdict, [FALLEN, RISEN])
    limit = float(size[moved].median()) if moved.any() else np.nan
    large = (size > limit).to_numpy() if moved.any() else np.zeros(len(rows), bool)
    sign = np.where(verdict == FALLEN, -1, np.where(verdict == RISEN, 1, 0))
    klasse = np.where(verdict == NOT_JUDGED, np.nan, sign * np.where(large, 2, 1))
    fall, rise = _palettes(indicator)
    colours = []
    for k in klasse:
        if np.isnan(k):
            colours.append(None)
        elif k == 0:
            colours.append(LEVEL_COLOUR)
        else:
            colours.append((fall if k < 0 else rise)[int(abs(k)) - 1])
    marker = np.where(np.isnan(klasse), "", np.where(klasse > 0, "^", np.where(klasse < 0, "v", "o")))
    grootte = np.where(np.abs(np.nan_to_num(klasse)) == 2, MARKER_SIZES[1], MARKER_SIZES[0])
    return pd.DataFrame({"klasse": klasse, "kleur": colours, "teken": marker, "grootte": grootte, "grens": limit},
                        index=rows.index)


def _palettes(indicator: Indicator):
    if indicator.role != "behoefte":
        return NEUTRAL_FALL, NEUTRAL_RISE
    return (BETTER, WORSE) if indicator.more_is_need else (WORSE, BETTER)


def _legend_texts(indicator: Indicator, limit: float, unit_decimals: int) -> list[tuple[int, str]]:
    need = indicator.role == "behoefte"
    fall_word = (" (verbeterd)" if indicator.more_is_need else " (verslechterd)") if need else ""
    rise_word = (" (verslechterd)" if indicator.more_is_need else " (verbeterd)") if need else ""
    edge = nl_number(limit, unit_decimals)
    return [(-2, f"gedaald, meer dan {edge}{fall_word}"), (-1, f"gedaald, tot {edge}{fall_word}"),
            (0, LEVEL), (1, f"gestegen, tot {edge}{rise_word}"), (2, f"gestegen, meer dan {edge}{rise_word}")]


def change_map_figure(buurten, wijken, rows: pd.DataFrame, indicator: Indicator, *, title: str, subtitle: str,
                      size=(8.27, 6.8)):
    """The change map of one indicator (the caller saves it).

    Parameters
    ----------
    buurten : GeoDataFrame
        The run's buurten (``buurtcode``, ``buurtnaam``, geometry).
    wijken : GeoDataFrame or None
        Wijk polygons for the borders.
    rows : DataFrame
        The buurt rows of :func:`~sociale_kaart.combine.change.change_table` for this indicator.
    indicator : Indicator
    title, subtitle : str
    """
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D

    rows = rows.set_index("code").reindex(buurten["buurtcode"])
    styled = change_classes(rows.reset_index(drop=True), indicator)
    fig = new_figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    geoms = buurten.geometry.values
    judged = styled["klasse"].notna().to_numpy()
    add_polygons(ax, geoms[judged], facecolor=list(styled["kleur"][judged]), edgecolor="#6b6b6b", linewidth=0.4)
    add_polygons(ax, geoms[~judged], linewidth=0.4, **NOT_JUDGED_STYLE)
    if wijken is not None and "geometry" in wijken and len(wijken):
        add_polygons(ax, wijken.geometry.values, facecolor="none", edgecolor=WIJK_BORDER_COLOUR,
                     linewidth=WIJK_BORDER_WIDTH * 0.7, zorder=3)
    points = [flag_point(g) for g in geoms]
    for marker in ("^", "v", "o"):
        chosen = (styled["teken"] == marker).to_numpy()
        if chosen.any():
            xs = [points[i].x for i in np.flatnonzero(chosen)]
            ys = [points[i].y for i in np.flatnonzero(chosen)]
            ax.scatter(xs, ys, s=styled["grootte"][chosen] * (0.5 if marker == "o" else 1), marker=marker,
                       facecolor="black" if marker != "o" else "white", edgecolor="white" if marker != "o" else "black",
                       linewidth=0.8, zorder=6)
    ax.set_axis_off()
    ax.set_aspect("equal")
    label_buurten(ax, buurten, 6.5)
    decimals = decimals_for(indicator.unit)
    limit = styled["grens"].iloc[0] if len(styled) else np.nan
    fall, rise = _palettes(indicator)
    colour_of = {-2: fall[1], -1: fall[0], 0: LEVEL_COLOUR, 1: rise[0], 2: rise[1]}
    handles = []
    for k, text in _legend_texts(indicator, limit, decimals):
        if np.isnan(limit) and k != 0:
            continue
        handles.append(mpatches.Patch(facecolor=colour_of[k], edgecolor="#6b6b6b", label=text))
    handles.append(mpatches.Patch(label=f"{NOT_JUDGED} (zie de tabel)", **NOT_JUDGED_STYLE))
    handles += [Line2D([], [], marker="^", linestyle="", color="black", markersize=7, label="gestegen"),
                Line2D([], [], marker="v", linestyle="", color="black", markersize=7, label="gedaald"),
                Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="black", markersize=5,
                       label="gelijk (binnen de afronding)"),
                Line2D([], [], color=WIJK_BORDER_COLOUR, linewidth=WIJK_BORDER_WIDTH * 0.7, label="wijkgrens")]
    unit = indicator.unit
    ax.legend(handles=handles, title=f"Verandering {indicator.label}\n{unit}", loc="lower left", fontsize=7,
              title_fontsize=8, frameon=True, framealpha=0.95, edgecolor="#999999", bbox_to_anchor=(1.01, 0))
    add_scale_bar(ax)
    add_north_arrow(ax)
    add_titles(fig, title, subtitle, size[0])
    return fig
