"""The tables of a run: figures per buurt, wijk, gemeente and own area (GeoPackage, CSV, Excel, QGIS style),
and the aandachtsbuurten with their reasons."""

from __future__ import annotations

import pandas as pd

from ..combine.disclosure import publishable
from ..outputs import OutputFolder, write_xlsx
from .context import RunContext


def tables(out: OutputFolder, ctx: RunContext) -> None:
    """GeoPackage (with the map's QGIS style), CSV per level and own layout, and the Excel workbook."""
    data, analysis, classes, indicators, settings = ctx.data, ctx.analysis, ctx.classes, ctx.indicators, ctx.settings
    stem = data.slug
    buurten, wijken, gemeenten = (publishable(frame, data) for frame in (data.buurten, data.wijken, data.gemeenten))
    named = unit_names(data)
    xlsx = (("buurten", buurten), ("wijken", wijken), ("gemeente", gemeenten))
    buurten, wijken, gemeenten = (frame.rename(columns=named) for frame in (buurten, wijken, gemeenten))
    layers = {"buurten": buurten}
    if "geometry" in data.wijken:
        layers["wijken"] = wijken
    out.write_gpkg(f"{stem}_sociale_kaart.gpkg", layers)
    if indicators:  # QGIS opens the buurten with the map's classes of the first indicator
        from ..render.classes import classes_for
        from ..render.qgis import qml

        first = indicators[0]
        cls = classes.get(first.key) or classes_for(first, data.buurten[first.key], settings.map.scheme, settings.map.k)
        out.add_layer_style(f"{stem}_sociale_kaart.gpkg", layer="buurten", style_name=first.label, qml=qml(first, cls))
        out.write_text(f"{stem}_sociale_kaart.qml", qml(first, cls))
    frames = (("buurten", buurten), ("wijken", wijken), ("gemeente", gemeenten))
    for name, frame in frames:
        out.write_csv(f"{stem}_{name}.csv", pd.DataFrame(frame.drop(columns="geometry", errors="ignore")))
    if analysis is not None:  # the flagged buurten, with their reasons, beside the figures
        flags = flag_table(analysis, data)
        xlsx += (("aandachtsbuurten", flags[flags["aandachtsbuurt"] == "ja"]),)
    write_xlsx(out, f"{stem}_sociale_kaart.xlsx", xlsx, data)  # its definitions sheet names every unit
    for layout in data.layouts:  # every own layout: its figures per area, also when it is not the wijk level
        out.write_csv(f"{stem}_indeling_{layout.slug}.csv", pd.DataFrame(publishable(layout.areas, data)))


def unit_names(data) -> dict[str, str]:
    """Column names that say the unit an indicator is shown in: ``bijstand_per_1000`` holding values per
    10,000 inhabitants (``[eenheden]``) is written as ``bijstand_per_10000``, with its status and coverage.

    Examples
    --------
    >>> import dataclasses
    >>> from types import SimpleNamespace
    >>> from sociale_kaart.combine.indicators import registry
    >>> per_10000 = dataclasses.replace(registry()["bijstand_per_1000"], scale=10000)
    >>> unit_names(SimpleNamespace(indicators=(per_10000, registry()["wmo_per_1000"])))["bijstand_per_1000"]
    'bijstand_per_10000'
    """
    import re

    names = {}
    for ind in data.indicators:
        found = re.fullmatch(r"(.+)_per_(\d+)", ind.key)
        if ind.kind != "ratio" or not found or float(found.group(2)) == ind.scale:
            continue
        key = f"{found.group(1)}_pct" if ind.scale == 100 else f"{found.group(1)}_per_{ind.scale:.0f}"
        names.update({ind.key + end: key + end for end in ("", "_status", "_dekking")})
    return names


#: The columns of the aandachtsbuurten table besides the indicators' own.
_FLAG_COLUMNS = ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "inwoners")

_FLAG_RESULTS = ("stapeling", "stapeling_basis", "behoefte_index", "uitschieter", "lisa_i", "lisa_p", "lisa_klasse",
                 "gi_z", "gi_p", "gi_klasse", "aandachtsbuurt", "reden")


def flag_table(analysis, data):
    """Every buurt with what the judgement rests on (each indicator's figure, status, high or not,
    z-score), the result and the reason; aandachtsbuurten first. No source counts."""
    keys = [ind.key for ind in data.indicators]
    wanted = [*_FLAG_COLUMNS, *(c for k in keys for c in (k, f"{k}_status", f"hoog_{k}", f"z_{k}")), *_FLAG_RESULTS]
    table = analysis.table.sort_values(["aandachtsbuurt", "stapeling", "buurtcode"], ascending=[False, False, True])
    table = publishable(table, data)
    return table[[c for c in dict.fromkeys(wanted) if c in table] + (["geometry"] if "geometry" in table else [])]


def flags(out: OutputFolder, ctx: RunContext) -> None:
    """The aandachtsbuurten with their reasons (GeoPackage, CSV) and the relations of need (CSV)."""
    data, analysis, progress = ctx.data, ctx.analysis, ctx.progress
    stem = data.slug
    table = flag_table(analysis, data)
    out.write_gpkg(f"{stem}_aandachtsbuurten.gpkg", {"buurten": table})
    out.write_csv(f"{stem}_aandachtsbuurten.csv", pd.DataFrame(table.drop(columns="geometry")))
    out.write_csv(f"{stem}_samenhang.csv", analysis.relations.round({"rho": 3, "p": 4}))
    progress.say("aandachtsbuurten en samenhang geschreven")

