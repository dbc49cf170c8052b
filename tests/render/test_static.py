"""Static maps and scatter plots: what is drawn stays inside the picture."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from sociale_kaart.render.static import SCATTER_AREA, map_figure, relation_figure


def margins_are_white(path, border: int = 3) -> bool:
    pixels = np.asarray(Image.open(path).convert("L"))
    edges = [pixels[:border], pixels[-border:], pixels[:, :border], pixels[:, -border:]]
    return all((edge > 245).all() for edge in edges)


@pytest.mark.parametrize("gemeente", ["GM0556", "GM0606"])
def test_the_png_legend_and_everything_else_is_inside_the_image(gemeente, tmp_path, buurten_2016, kwb_2024):
    from sociale_kaart.analysis.need import analyse
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.render.classes import classify
    from sociale_kaart.settings import Sources

    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=(gemeente,)))
    table = analyse(data).table
    ind = data.indicators[0]
    fig = map_figure(table, data.wijken, ind, classify(table[ind.key]), title="Titel", subtitle=data.subtitle)
    path = tmp_path / "kaart.png"
    fig.savefig(path, dpi=300)
    assert margins_are_white(path), "something touches the edge of the PNG (a cut legend)"
    renderer = fig.canvas.get_renderer()
    legend = fig.axes[0].get_legend().get_window_extent(renderer)
    assert legend.x0 >= 0 and legend.y0 >= 0 and legend.x1 <= fig.bbox.width and legend.y1 <= fig.bbox.height
    assert "onderdrukt (klein aantal)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_the_scatter_legend_covers_no_buurt_label(maassluis, maassluis_analysis):
    by_key = {i.key: i for i in maassluis.indicators}
    row = maassluis_analysis.relations.iloc[0]
    fig = relation_figure(maassluis_analysis.table, by_key[row["behoefte"]], by_key[row["context"]], row)
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    ax = fig.axes[0]
    legend = ax.get_legend()
    if legend is None:
        pytest.skip("no aandachtsbuurt in this pair")
    box = legend.get_window_extent(renderer)
    labels = [t for t in ax.texts if t.get_text()]
    assert labels and not any(box.overlaps(t.get_window_extent(renderer)) for t in labels)


def test_map_labels_cover_no_marker_and_no_other_label(maassluis, maassluis_analysis):
    """Measured on the drawn map: every buurt name's box is clear of every "!" marker and every other name."""
    from matplotlib.text import Annotation

    from sociale_kaart.render.classes import classify
    from sociale_kaart.render.static import draw_choropleth, label_buurten, new_figure

    table = maassluis_analysis.table
    indicator = maassluis.indicators[0]
    for wijk in sorted(table["wijkcode"].unique()):
        buurten = table[table["wijkcode"] == wijk]
        fig = new_figure(figsize=(3.0, 2.4))  # small, so that names and markers compete for room
        ax = fig.add_axes((0, 0, 1, 1))
        draw_choropleth(ax, buurten, None, indicator, classify(buurten[indicator.key]), labels=False, legend=False)
        ax.set_xlim(*buurten.total_bounds[[0, 2]])
        ax.set_ylim(*buurten.total_bounds[[1, 3]])
        label_buurten(ax, buurten, 7.0)
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        names = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Annotation)]
        markers = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts
                   if t.get_text() == "!" and t.get_bbox_patch() is not None]
        assert len(markers) == int(buurten["aandachtsbuurt"].sum())
        for i, box in enumerate(names):
            assert not any(box.overlaps(m) for m in markers), (wijk, i)
            assert not any(box.overlaps(other) for other in names[i + 1:]), (wijk, i)


def test_a_frozen_layout_gives_the_same_pixels_from_one_draw_per_save():
    import io

    from sociale_kaart.render.static import freeze_layout, new_figure

    def figure():
        fig = new_figure(figsize=(4, 3), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0, 1000, 2000], [3, 1, 2])
        ax.set_xlabel("een lang label onder de as")
        ax.set_ylabel("aantal per 1.000 inwoners")
        fig.suptitle("Titel boven de figuur")
        return fig

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=150)
        return np.asarray(Image.open(io.BytesIO(buffer.getvalue())))

    plain, frozen = figure(), figure()
    draws = {"plain": 0, "frozen": 0}
    plain.canvas.mpl_connect("draw_event", lambda _: draws.__setitem__("plain", draws["plain"] + 1))
    freeze_layout(frozen, 150)
    frozen.canvas.mpl_connect("draw_event", lambda _: draws.__setitem__("frozen", draws["frozen"] + 1))
    expected, got = png(plain), png(frozen)
    assert draws == {"plain": 2, "frozen": 1}  # a laid-out figure is drawn twice per save, a frozen one once
    assert got.shape == expected.shape and (got == expected).all()
    png(frozen)
    assert draws["frozen"] == 2 and frozen.get_layout_engine() is None  # the layout is kept, not redone


def test_every_scatter_name_sits_beside_its_own_dot_and_covers_no_other(maassluis, maassluis_analysis):
    """Measured on the drawn plots: no name over a dot (its own or another) or over another name,
    and each name within a few points of the dot it names, so a reader can match them."""
    from matplotlib.text import Annotation

    by_key = {i.key: i for i in maassluis.indicators}
    table = maassluis_analysis.table
    for _, row in maassluis_analysis.relations.iterrows():
        need, context = by_key[row["behoefte"]], by_key[row["context"]]
        fig = relation_figure(table, need, context, row)
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        ax = fig.axes[0]
        both = (table[f"{need.key}_status"] == "ok") & (table[f"{context.key}_status"] == "ok")
        dots = ax.transData.transform(np.column_stack([table.loc[both, context.key], table.loc[both, need.key]]))
        radius = SCATTER_AREA ** 0.5 / 2 * fig.dpi / 72  # the dot's radius in pixels
        names = [t for t in ax.texts if isinstance(t, Annotation)]
        shown = sum(1 for t in fig.texts if "weggelaten" in t.get_text())
        assert names or shown, row["context"]
        boxes = [t.get_window_extent(renderer) for t in names]
        for i, (name, box) in enumerate(zip(names, boxes)):
            assert not any(box.overlaps(other) for other in boxes[i + 1:]), name.get_text()
            for x, y in dots:  # the nearest point of the box to each dot's centre lies outside the dot
                dx, dy = max(box.x0 - x, 0, x - box.x1), max(box.y0 - y, 0, y - box.y1)
                assert dx * dx + dy * dy >= radius * radius, (name.get_text(), context.key)
            own = ax.transData.transform(name.xy)
            dx, dy = max(box.x0 - own[0], 0, own[0] - box.x1), max(box.y0 - own[1], 0, own[1] - box.y1)
            assert (dx * dx + dy * dy) ** 0.5 <= 10 * fig.dpi / 72, name.get_text()  # beside its own dot


def test_every_scatter_plot_fits_its_picture(maassluis, maassluis_analysis, tmp_path):
    """Laid out by measure: tick labels, axis labels, title, legend and source all inside the PNG
    (as the product renders it), and the axes' texts inside the figure at a screen's resolution."""
    from sociale_kaart.render.document.drawings import vector_drawing

    by_key = {i.key: i for i in maassluis.indicators}
    table = maassluis_analysis.table
    source = "Bron: CBS/Kadaster wijk- en buurtkaart 2016 (CC BY 3.0), kerncijfers 2024 (CC BY 4.0); 1 buurtnaam weggelaten"
    for _, row in maassluis_analysis.relations.iterrows():
        def figure():
            return relation_figure(table, by_key[row["behoefte"]], by_key[row["context"]], row, source=source)
        path = tmp_path / f"{row['behoefte']}_{row['context']}.png"
        path.write_bytes(vector_drawing(figure, dpi=200).png(200))
        assert margins_are_white(path), path.name
        fig = figure()
        fig.dpi = 72  # hinted text is widest at a screen's resolution
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        box = fig.axes[0].get_tightbbox(renderer)  # ticks, labels, title and legend of the axes
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height


def test_a_text_is_measured_in_the_font_it_is_drawn_in():
    """The print font (documents) and matplotlib's default (notebooks) give the same legend other
    widths; measuring one must not hand its width to the other (matplotlib keeps measured sizes
    per renderer and font *family*, so a renderer kept across figures would)."""
    from matplotlib.figure import Figure

    from sociale_kaart.render.document.drawings import drawing_fonts
    from sociale_kaart.render.static import _measured
    from sociale_kaart.render.style import FLAG_LEGEND

    def legend_width() -> float:
        fig = Figure(figsize=(4, 3))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], label=FLAG_LEGEND)
        return _measured(fig, ax.legend(fontsize=7))[0]

    with drawing_fonts():
        printed = legend_width()
    plain = legend_width()
    with drawing_fonts():
        printed_again = legend_width()
    assert plain == legend_width() and printed == printed_again
    assert abs(printed - plain) > 5, "one font was given the width measured in the other"
