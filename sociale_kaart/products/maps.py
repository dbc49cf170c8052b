"""The maps of a run: the interactive web map, its embed snippet, and a static map per indicator."""

from __future__ import annotations

from ..outputs import OutputFolder
from ..render.map_choice import map_subtitle as _subtitle
from ..render.map_choice import map_title
from ..settings import RunSettings
from ..texts import border_labels
from .context import RunContext


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
    """A PNG of the map and an HTML snippet (iframe) for reports."""
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    indicators, settings, progress = ctx.indicators, ctx.settings, ctx.progress
    from ..render.static import map_figure
    from ..render.webmap import embed_snippet

    first = indicators[0]
    fig = map_figure(analysis.table, data.wijken, first, classes[first.key], title=_title(data, settings),
                     subtitle=_subtitle(data, [first.key]), border_label=border_labels(data.wijk_layout)[0])
    out.save_figure(f"{data.slug}_kaart.png", fig, dpi=300)
    snippet = embed_snippet(f"{data.slug}_kaart.html", f"{data.slug}_kaart.png", _title(data, settings), _subtitle(data))
    out.write_text(f"{data.slug}_kaart_insluiten.html", snippet)
    progress.say("PNG en insluitfragment gemaakt")


def static_maps(out: OutputFolder, ctx: RunContext) -> None:
    """A static map per shown indicator in every asked format (PNG 300 dpi, SVG, tagged PDF)."""
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    indicators, settings, progress = ctx.indicators, ctx.settings, ctx.progress
    from ..render.cores import on_all_cores
    from ..render.document.drawings import map_alt
    from ..render.document.model import Document, Figure, Section, Text
    from ..render.document.typeset import typeset_all

    formats = settings.map.formats

    def draw(ind) -> str:  # one indicator in PNG and SVG, the figure built once; the SVG also feeds the PDF
        from ..render.document.drawings import drawing_fonts, svg_text
        from ..render.static import freeze_layout, map_figure

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


def _title(data, settings: RunSettings) -> str:
    return map_title(data, settings.map)

