"""Voortgang: the change per area since the nulmeting and the state of every target (CSV, Excel, change maps)."""

from __future__ import annotations

import pandas as pd

from ..outputs import OutputFolder, write_xlsx
from ..texts import decimals_for
from .context import RunContext


def progress_tables(out: OutputFolder, ctx: RunContext) -> None:
    """The change per area and the state of every target, as CSV and one Excel file."""
    data, settings, progress, change = ctx.data, ctx.settings, ctx.progress, ctx.change
    from ..analysis.targets import targets_table

    if change is None:  # every product was asked for, without earlier years
        progress.say("voortgang overgeslagen: geef eerdere jaren als [[jaar]] in het projectbestand")
        return
    series, results = change.series, change.targets
    change = change.table
    change_out = change.copy()
    for col in ("nulmeting", "laatste", "verschil", "marge_afronding"):
        change_out[col] = [round(v, decimals_for(u)) if pd.notna(v) else v for v, u in zip(change[col], change["eenheid"])]
    change_out["verschil_pct"] = change["verschil_pct"].round(1)
    change_out["deel_aanname"] = change["deel_aanname"].round(3)
    change_out["inwoners_nulmeting"] = change["inwoners_nulmeting"].round().astype("Int64")
    out.write_csv(f"{data.slug}_verandering.csv", change_out)
    sheets = [("verandering", change_out)]
    if results:
        table = targets_table(results)
        out.write_csv(f"{data.slug}_voortgang.csv", table)
        sheets.insert(0, ("doelen", table))
        counts = table["status"].value_counts()
        progress.say("doelen: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    write_xlsx(out, f"{data.slug}_voortgang.xlsx", sheets, data, notes={
        "Verandering": settings.change.describe(),
        "Jaren": f"{', '.join(map(str, series.year_numbers))}; alle cijfers op de buurtgrenzen van {series.reference} "
                 "(zie het koppelrapport)."})
    progress.say("verandering en voortgang geschreven")
    from ..render.change_map import change_map_figure
    from ..render.cores import on_all_cores
    from ..render.document.drawings import vector_drawing, with_pngs
    from ..render.static import CHART_DPI

    buurten = change[change["niveau"] == "buurt"]
    indicators = {i.key: i for y in series.years for i in y.indicators}
    first, last = int(change["jaar_nulmeting"].iloc[0]), int(change["jaar_laatste"].iloc[0])
    groups = list(buurten.groupby("indicator", sort=False))

    def draw(group):
        key, rows = group
        ind = indicators[key]
        return vector_drawing(lambda: change_map_figure(
            data.buurten, data.wijken, rows, ind, title=f"{ind.label}: verandering {first}-{last} – {data.title}",
            subtitle=f"Cijfers {first} en {last} op de buurtgrenzen van {series.reference} · "
                     f"{settings.change.describe()} · {data.bron}"), dpi=CHART_DPI)
    for ((key, _), _), png in with_pngs(zip(groups, on_all_cores(groups, draw)), CHART_DPI):  # drawn on every core
        out.write_bytes(f"{data.slug}_verandering_{key}.png", png)
    progress.say("veranderingskaarten getekend")

