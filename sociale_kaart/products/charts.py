"""The charts of a run: relations of need with housing and ageing, and the comparison with other gemeenten."""

from __future__ import annotations

from ..outputs import OutputFolder
from ..texts import decimals_for
from .context import RunContext


def relation_plots(out: OutputFolder, ctx: RunContext) -> None:
    """A scatter plot per pair of need and context indicator with at least three buurten (PNG)."""
    data, analysis, progress = ctx.data, ctx.analysis, ctx.progress
    from ..render.cores import on_all_cores
    from ..render.document.drawings import vector_drawing, with_pngs
    from ..render.static import CHART_DPI

    by_key = {ind.key: ind for ind in data.indicators}
    rows = [row for _, row in analysis.relations[analysis.relations["n"] >= 3].iterrows()]

    def draw(row):
        from ..render.static import relation_figure

        return vector_drawing(lambda: relation_figure(analysis.table, by_key[row["behoefte"]], by_key[row["context"]],
                                                      row, source=data.subtitle_for([row["behoefte"], row["context"]])),
                              dpi=CHART_DPI)
    for (row, _), png in with_pngs(zip(rows, on_all_cores(rows, draw)), CHART_DPI):  # drawn on every core, rendered here
        out.write_bytes(f"{data.slug}_samenhang_{row['behoefte']}_{row['context']}.png", png)
    progress.say("spreidingsdiagrammen getekend")


def comparison(out: OutputFolder, ctx: RunContext) -> None:
    """The gemeente beside its size class, the Netherlands and an own group (CSV, PNG); skipped without them."""
    data, progress = ctx.data, ctx.progress
    if data.comparison is None:
        progress.say("vergelijking overgeslagen: geef gemeentecijfers van alle gemeenten (kwb_gemeenten)")
        return
    from ..render.document.drawings import vector_drawing
    from ..render.static import CHART_DPI, comparison_figure

    table = data.comparison
    keys = [i.key for i in data.indicators if i.key in table]
    rounded = table.round({k: decimals_for(i.unit) for i in data.indicators for k in (i.key,) if k in table})
    out.write_csv(f"{data.slug}_vergelijking.csv", rounded)
    for code, rows in table.groupby("gemeentecode", sort=False):
        name = rows["naam"].iloc[0]
        drawing = vector_drawing(lambda: comparison_figure(rows, [i for i in data.indicators if i.key in keys],
                                                           title=f"{name} vergeleken", source=data.subtitle_for(keys)),
                                 dpi=CHART_DPI)
        suffix = "" if table["gemeentecode"].nunique() == 1 else f"_{code}"
        out.write_bytes(f"{data.slug}_vergelijking{suffix}.png", drawing.png(CHART_DPI))
    progress.say("vergelijking met grootteklasse en Nederland gemaakt")

