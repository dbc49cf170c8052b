"""The maps of a run: the interactive web map, its embed snippet, and a static map per indicator."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..outputs import OutputFolder
from ..render.map_choice import map_subtitle as _subtitle
from ..render.map_choice import map_title
from ..settings import RunSettings
from ..texts import border_labels
from .context import RunContext

if TYPE_CHECKING:  # drawing code loads only when a map is drawn, not for --help
    from ..render.document.drawings import VectorDrawing


def web_map(out: OutputFolder, ctx: RunContext) -> None:
    """The interactive map: one HTML file that works offline."""
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    indicators, settings, progress = ctx.indicators, ctx.settings, ctx.progress
    from ..render.webmap import render_html

    page = render_html(analysis.table, [(ind, classes[ind.key]) for ind in indicators], title=_title(data, settings),
                       subtitle=_subtitle(data), background=settings.map.background,
                       tolerance=settings.map.tolerance, border_labels=border_labels(data.wijk_layout))
    out.write_text(f"{data.slug}_kaart.html", page)
    progress.say("interactieve kaart gemaakt")


def embed(out: OutputFolder, ctx: RunContext) -> None:
    """A PNG of the map (the static map of its first indicator, 300 dpi) and an HTML snippet (iframe)
    for reports."""
    data, indicators, settings, progress = ctx.data, ctx.indicators, ctx.settings, ctx.progress
    from ..render.webmap import embed_snippet

    png = _static_maps(ctx, indicators[:1], ("png",))[indicators[0].key].png
    out.write_bytes(f"{data.slug}_kaart.png", png)
    snippet = embed_snippet(f"{data.slug}_kaart.html", f"{data.slug}_kaart.png", _title(data, settings), _subtitle(data))
    out.write_text(f"{data.slug}_kaart_insluiten.html", snippet)
    progress.say("PNG en insluitfragment gemaakt")


def static_maps(out: OutputFolder, ctx: RunContext) -> None:
    """A static map per shown indicator in every asked format (PNG 300 dpi, SVG, tagged PDF)."""
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    indicators, settings, progress = ctx.indicators, ctx.settings, ctx.progress
    from ..render.document.drawings import map_alt
    from ..render.document.model import Document, Figure, Section, Text
    from ..render.document.typeset import typeset_all

    formats = settings.map.formats
    drawn = _static_maps(ctx, indicators, formats, say=lambda ind: progress.say(f"statische kaart {ind.label}"))
    documents = []
    for ind in indicators:
        if "png" in formats:
            out.write_bytes(f"{data.slug}_{ind.key}.png", drawn[ind.key].png)
        if "svg" in formats:
            out.write_text(f"{data.slug}_{ind.key}.svg", drawn[ind.key].svg)
        title = f"{ind.label} – {data.title}"
        figure = Figure(drawn[ind.key].svg, map_alt(data.title, analysis.table, ind, classes[ind.key]))
        documents.append(Document(title=title, footer=_subtitle(data, [ind.key]), kind="kaart", sections=(
            Section(title, blocks=(figure, Text(_subtitle(data, [ind.key]), style="note"))),)))
    if "pdf" in formats:  # the same vector drawing as a tagged PDF with its alternative text
        for ind, pdf in zip(indicators, typeset_all(documents, settings.huisstijl)):
            out.write_bytes(f"{data.slug}_{ind.key}.pdf", pdf.data)


@dataclass(frozen=True)
class StaticMap:
    """One indicator's static map: the drawing (SVG, also in its PDF) and the PNG at 300 dpi."""

    drawing: VectorDrawing
    png: bytes | None = None  #: None until a product asks for the PNG

    @property
    def svg(self) -> str:
        return self.drawing.svg


def _static_maps(ctx: RunContext, indicators, formats, say=lambda ind: None) -> dict[str, StaticMap]:
    """The static map of each of `indicators`, drawn once per run for every format and product
    (the embed PNG is the first one's): matplotlib draws the SVG on every core, Typst renders the
    PNGs from them here, in threads, while the workers draw."""
    data, analysis, classes, memo = ctx.data, ctx.analysis, ctx.classes, ctx.drawings
    from ..render.cores import on_all_cores
    from ..render.document.drawings import vector_drawing, with_pngs
    from ..render.static import PRINT_DPI, map_figure

    def draw(ind) -> VectorDrawing:
        return vector_drawing(lambda: map_figure(analysis.table, data.wijken, ind, classes[ind.key],
                                                 title=f"{ind.label} – {data.title}",
                                                 subtitle=_subtitle(data, [ind.key]),
                                                 border_label=border_labels(data.wijk_layout)[0]), dpi=PRINT_DPI)

    wanted = [ind for ind in indicators if ("statisch", ind.key) not in memo]
    for (ind, drawing), png in with_pngs(zip(wanted, on_all_cores(wanted, draw)), PRINT_DPI, wanted="png" in formats):
        memo[("statisch", ind.key)] = StaticMap(drawing, png)
    for ind in indicators:
        drawn = memo[("statisch", ind.key)]
        if "png" in formats and drawn.png is None:  # drawn by a product that wanted no PNG
            memo[("statisch", ind.key)] = replace(drawn, png=drawn.drawing.png(PRINT_DPI))
        say(ind)
    return {ind.key: memo[("statisch", ind.key)] for ind in indicators}


def _title(data, settings: RunSettings) -> str:
    return map_title(data, settings.map)

