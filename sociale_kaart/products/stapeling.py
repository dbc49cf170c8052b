"""Stapeling: households (or persons) with support on 1, 2, 3+ leefgebieden per buurt, wijk and gemeente.

Written from the *published* figures of the run (:attr:`Dataset.buurten`, ``wijken``, ``gemeenten``
after the disclosure rules: rounded, small counts and what would give them away suppressed), never
from :attr:`Dataset.stacking` ``.counts``, which holds the true counts. Per buurt the table has
1, 2+ and 3+ leefgebieden and the rate; "exactly 2", each leefgebied and each combination are
published per wijk and gemeente only (:attr:`Stacking.area_only`). An empty cell is suppressed.
"""

from __future__ import annotations

import pandas as pd

from ..combine.disclosure import publishable
from ..outputs import OutputFolder, write_xlsx
from .context import RunContext

DESCRIPTION = "stapeling van ondersteuning per buurt, wijk en gemeente, beschermd (CSV, XLSX)"
#: How the files end and what they hold (the index page).
FILES = (
    ("_stapeling_buurten.csv", "Stapeling van ondersteuning per buurt (afgeronde aantallen; leeg is onderdrukt)"),
    ("_stapeling_wijken.csv", "Stapeling van ondersteuning per wijk, met de combinaties van leefgebieden"),
    ("_stapeling_gemeente.csv", "Stapeling van ondersteuning per gemeente, met de combinaties van leefgebieden"),
    ("_stapeling.xlsx", "Stapeling van ondersteuning per buurt, wijk en gemeente (Excel, met definities)"),
)
_LEVELS = (("buurten", "buurten", ("buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode")),
           ("wijken", "wijken", ("wijkcode", "wijknaam", "gemeentecode")),
           ("gemeente", "gemeenten", ("gemeentecode", "gemeentenaam")))


def stacking_tables(out: OutputFolder, ctx: RunContext) -> None:
    """The stapeling per buurt, wijk and gemeente as CSV and one Excel file (skipped without linked registrations)."""
    from ..combine.stacking import DENOMINATOR, stacking_rate_key

    data, progress = ctx.data, ctx.progress
    stacking = data.stacking
    if stacking is None:
        progress.say("stapeling overgeslagen: geef gekoppelde registraties als [[registratie]] in het projectbestand")
        return
    figures = [c for c in stacking.counts.columns if c != "buurtcode"]  # the names only: the true counts stay unread
    rate = stacking_rate_key(stacking.unit)
    sheets = []
    for name, level, ids in _LEVELS:
        frame = getattr(data, level)
        keep = [c for c in (*ids, DENOMINATOR[stacking.unit], *figures, rate, f"{rate}_status") if c in frame]
        table = pd.DataFrame(publishable(frame[keep], data))
        out.write_csv(f"{data.slug}_stapeling_{name}.csv", table)
        sheets.append((name, table))
    one = "huishouden" if stacking.prefix == "huishoudens" else "persoon"
    write_xlsx(out, f"{data.slug}_stapeling.xlsx", sheets, data, notes={
        "Stapeling": f"Leefgebieden: {', '.join(stacking.areas)}. Elk {one} telt één keer, in de buurt waar de "
                     "meeste van zijn registraties liggen. Onderdrukt (in de CSV een leeg vak): een klein aantal, "
                     "of een aantal dat een klein aantal zou verraden.",
        "Per buurt": "Precies 2 leefgebieden, elk leefgebied en elke combinatie staan alleen per wijk en gemeente."})
    progress.say("stapeling per buurt, wijk en gemeente geschreven")
