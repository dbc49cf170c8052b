"""The progress page (voortgang) of the briefing and of each wijk profile, and the trend table.

The targets come judged (:func:`sociale_kaart.analysis.targets.judge_targets`); these functions
only put them in blocks of :mod:`sociale_kaart.render.document.model`: a table with the nulmeting, the
last figure, the change and the status of every target, and under it the sentence of each target
that is not judged, so that its reason is on the page. A wijk profile shows the targets of the wijk
and of its buurten; the briefing all of them.
"""

from __future__ import annotations

import pandas as pd

from ..texts import cell, decimals_for, nl_number
from .document.model import Block, Heading, Section, Table, Text

#: The sign before each status, so that the table reads in greyscale and without colour.
STATUS_MARK = {"gehaald": "+", "op koers": "+", "niet op koers": "−", "niet gehaald": "−", "niet te beoordelen": "?"}
HEADER = ("Gebied", "Indicator", "Doel", "Nulmeting", "Laatste", "Verandering", "Status")


def _figure(value, year, unit: str) -> str:
    if value is None:
        return f"– ({year})" if year else "–"
    return f"{nl_number(value, decimals_for(unit))} ({year})"


def target_rows(results) -> list[list[str]]:
    """One table row per target: area, indicator, goal, nulmeting, last figure, change, status.

    Examples
    --------
    >>> target_rows([])
    []
    """
    rows = []
    for r in results:
        t = r.target
        goal = t.direction if t.value is None else f"naar {nl_number(t.value, decimals_for(r.unit))}"
        rows.append([f"{r.name} ({r.level})", f"{r.label} ({r.unit})", f"{goal} in {t.target_year}",
                     _figure(r.baseline_value, r.baseline_year, r.unit), _figure(r.value, r.year, r.unit),
                     r.change, f"{STATUS_MARK.get(r.status, '')} {r.status}"])
    return rows


def progress_blocks(results, *, heading: str, rules: str) -> list[Block]:
    """Heading, the targets table, the sentences of targets that are not judged, and the rules."""
    if not results:
        return []
    blocks: list[Block] = [Heading(heading), Table(HEADER, tuple(map(tuple, target_rows(results))),
                                                   ("left", "left", "left", "right", "right", "left", "left"),
                                                   caption="Per doel de nulmeting, het laatste cijfer en de stand")]
    counts = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    blocks.append(Text(f"Stand: {summary}."))
    blocks += [Text(r.sentence) for r in results if r.status == "niet te beoordelen"]
    blocks.append(Text(f"Leeswijzer: + gehaald of op koers, − niet gehaald of niet op koers, ? niet te "
                       f"beoordelen. {rules}", style="note"))
    return blocks


def results_for_wijk(results, wijkcode: str) -> tuple:
    """The targets of a wijk and of its buurten."""
    return tuple(r for r in results if r.level != "gemeente" and (r.code == wijkcode or r.wijkcode == wijkcode))


def progress_section(results, *, title: str, subtitle: str, rules: str) -> Section | None:
    """The progress page of the briefing (None when the run has no targets)."""
    if not results:
        return None
    return Section(title, subtitle, tuple(progress_blocks(results, heading="Doelen en de stand ten opzichte van de "
                                                          "nulmeting", rules=rules)), outline=title)


def change_rows(change, wijkcode: str, keys: list[str]) -> tuple[list[str], list[list[str]], list[int]]:
    """Per buurt of a wijk (and the wijk) each need indicator's nulmeting, latest figure and verdict.

    `change` is :func:`sociale_kaart.combine.change.change_table`; a cell reads "51,8 → 33,1
    gedaald", or "niet te beoordelen: <reason>", for the indicators `keys` (the need indicators).
    Returns header, rows and the index of the wijk row.
    """
    part = change[(change["wijkcode"] == wijkcode) & change["niveau"].isin(["buurt", "wijk"])]
    need = [k for k in keys if k in set(part["indicator"])]
    if part.empty or not need:
        return [], [], []
    first = part.iloc[0]
    header = ["Gebied"] + [f"{part.loc[part['indicator'] == k, 'label'].iloc[0]} ({first['jaar_nulmeting']} → "
                           f"{first['jaar_laatste']})" for k in need]
    rows, bold = [], []
    areas = part.drop_duplicates("code")
    areas = pd.concat([areas[areas["niveau"] == "buurt"].sort_values("code"), areas[areas["niveau"] == "wijk"]])
    for _, area in areas.iterrows():
        row = [str(area["naam"])]
        for key in need:
            hit = part[(part["code"] == area["code"]) & (part["indicator"] == key)]
            if hit.empty:
                row.append("–")
                continue
            r = hit.iloc[0]
            if r["verandering"] == "niet te beoordelen":
                row.append(f"niet te beoordelen: {r['reden']}")
            else:
                row.append(f"{cell(r['nulmeting'], 'ok', r['eenheid'])} → {cell(r['laatste'], 'ok', r['eenheid'])} "
                           f"{r['verandering']}")
        if area["niveau"] == "wijk":
            bold.append(len(rows))
        rows.append(row)
    return header, rows, bold


def change_blocks(change, wijkcode: str, keys: list[str], *, rules: str) -> list[Block]:
    """The change since the nulmeting per buurt of a wijk (a wijkbezoek page), or nothing."""
    if change is None:
        return []
    header, rows, bold = change_rows(change, wijkcode, keys)
    if not rows:
        return []
    return [Heading("Verandering sinds de nulmeting"),
            Table(tuple(header), tuple(map(tuple, rows)), ("left",) * len(header), tuple(bold),
                  caption="Per buurt de verandering sinds de nulmeting"),
            Text(rules, style="note")]


def trend_blocks(series, wijkcode: str) -> list[Block]:
    """A table of every indicator of the wijk in every year, when a run has more than two years."""
    if series is None or len(series.years) <= 2:
        return []
    keys = {}
    for year in series.years:
        for indicator in year.indicators:
            keys.setdefault(indicator.key, indicator)
    header = ["Indicator", *(str(y.year) for y in series.years)]
    rows = []
    for key, indicator in keys.items():
        row = [f"{indicator.label} ({indicator.unit})"]
        for year in series.years:
            wijk = year.wijken.set_index("wijkcode")
            status = wijk[f"{key}_status"].get(wijkcode) if f"{key}_status" in wijk else None
            value = wijk[key].get(wijkcode) if key in wijk else None
            row.append(cell(value, status, indicator.unit))
        rows.append(row)
    return [Heading("Trend per indicator (wijk)"),
            Table(tuple(header), tuple(map(tuple, rows)), ("left",) + ("right",) * (len(header) - 1),
                  caption="Elke indicator van de wijk in elk jaar")]
