"""The section "Stapeling van ondersteuning" as data: sentences and rows for a wijk or the gemeente.

Made of published figures only (the protected counts of :class:`~sociale_kaart.combine.dataset.Dataset`:
rounded, suppressed where small), never of :attr:`Dataset.stacking`'s true counts. The document
code lays it out; this module writes no file and draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..texts import nl_number

#: How many combinations the section lists at most.
TOP_COMBINATIONS = 5
#: CBS's own table beside the gemeente's (sociale_kaart.sources.social_domain).
CBS_COLUMN = "cbs_huishoudens_met_voorzieningen"


@dataclass(frozen=True)
class StackingSection:
    """What the section says about one area.

    Attributes
    ----------
    title : str
        ``"Stapeling van ondersteuning"``.
    sentences : tuple of str
        The text, in order.
    rows : tuple of (str, str)
        Label and published value: 1, 2+, 3+ leefgebieden, then the combinations that occur most.
    combinations : tuple of (str, float)
        The combinations of two or more leefgebieden with a published count, most first.
    """

    title: str
    sentences: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    combinations: tuple[tuple[str, float], ...]


def stacking_section(data, *, wijkcode: str | None = None, gemeentecode: str | None = None) -> StackingSection | None:
    """The section for a wijk (`wijkcode`) or a gemeente (default: the first of the run); None without linked registrations.

    Examples
    --------
    >>> stacking_section(type("D", (), {"stacking": None})()) is None
    True
    """
    stacking = getattr(data, "stacking", None)
    if stacking is None:
        return None
    if wijkcode is not None:
        row = data.wijken.set_index("wijkcode").loc[wijkcode]
        name = row.get("wijknaam", wijkcode)
    else:
        frame = data.gemeenten.set_index("gemeentecode")
        row = frame.loc[gemeentecode or frame.index[0]]
        name = row.get("gemeentenaam", gemeentecode)
    word = stacking.prefix
    rate_key = next((i.key for i in data.indicators if i.numerator == stacking.column("2plus")), None)

    def shown(column) -> str:
        value = row.get(column)
        return "onderdrukt" if value is None or pd.isna(value) else nl_number(value, 0)

    sentences = []
    two = row.get(stacking.column("2plus"))
    if two is not None and not pd.isna(two):
        text = f"In {name} krijgen {nl_number(two, 0)} {word} ondersteuning op twee of meer leefgebieden"
        rate = row.get(rate_key) if rate_key else None
        if rate is not None and not pd.isna(rate):
            text += f": {nl_number(rate, 0)} per 1.000 {data_denominator(stacking)}"
            if wijkcode is not None:
                ref = data.gemeenten[rate_key].iloc[0] if rate_key in data.gemeenten else None
                if ref is not None and not pd.isna(ref):
                    text += f", gemeente {nl_number(ref, 0)}"
        sentences.append(text + ".")
    else:
        sentences.append(f"Het aantal {word} met ondersteuning op twee of meer leefgebieden in {name} is klein of "
                         "zou een klein aantal verraden en wordt niet getoond.")
    sentences.append(f"Leefgebieden: {', '.join(stacking.areas)}. Elk {'huishouden' if word == 'huishoudens' else 'persoon'}"
                     " telt één keer, in de buurt waar de meeste van zijn registraties liggen.")
    rows = [(f"{word.capitalize()} met ondersteuning", shown(stacking.column("totaal"))),
            ("op 1 leefgebied", shown(stacking.column("1"))),
            ("op 2 of meer leefgebieden", shown(stacking.column("2plus"))),
            ("op 3 of meer leefgebieden", shown(stacking.column("3plus")))]
    combinations = sorted(((" + ".join(areas), float(row[col])) for col, areas in stacking.combinations.items()
                           if len(areas) >= 2 and col in row and not pd.isna(row[col]) and row[col] > 0),
                          key=lambda item: (-item[1], item[0]))[:TOP_COMBINATIONS]
    if combinations:
        sentences.append("Combinaties die het meest voorkomen: " + "; ".join(
            f"{label} ({nl_number(value, 0)})" for label, value in combinations) + ".")
        rows += [(label, nl_number(value, 0)) for label, value in combinations]
    elif wijkcode is None and (per_wijk := _wijk_combinations(data, stacking)):
        sentences.append("De combinaties zijn voor de hele gemeente niet te tonen zonder een klein aantal te "
                         "verraden; per wijk komen het meest voor: " + "; ".join(
                             f"{label} in {wijk} ({nl_number(value, 0)})" for label, wijk, value in per_wijk) + ".")
        rows += [(f"{label} ({wijk})", nl_number(value, 0)) for label, wijk, value in per_wijk]
    else:
        sentences.append("Geen combinatie van leefgebieden is groot genoeg om te tonen.")
    if CBS_COLUMN in data.wijken:
        cbs = data.wijken.set_index("wijkcode")[CBS_COLUMN]
        credit = next((text for key, text in getattr(data, "credit_lines", ()) if key == "cbs_stapeling"), "CBS")
        value = cbs.get(wijkcode) if wijkcode is not None else (cbs.sum(min_count=1) if cbs.notna().all() else None)
        if value is not None and not pd.isna(value):
            where = "deze wijk" if wijkcode is not None else "de wijken samen"
            sentences.append(f"Ter vergelijking, de gepubliceerde cijfers van het CBS ({credit}): {nl_number(value, 0)} "
                             f"huishoudens met jeugdhulp, Participatiewet of Wmo in {where} (het CBS telt andere "
                             "voorzieningen en een andere periode dan de registraties van de gemeente).")
    return StackingSection("Stapeling van ondersteuning", tuple(sentences), tuple(rows), tuple(combinations))


def _wijk_combinations(data, stacking) -> list[tuple[str, str, float]]:
    """The published wijk figures of combinations of two or more leefgebieden, most first."""
    found = []
    for _, wijk in data.wijken.iterrows():
        for col, areas in stacking.combinations.items():
            value = wijk.get(col)
            if len(areas) >= 2 and value is not None and not pd.isna(value) and value > 0:
                found.append((" + ".join(areas), str(wijk.get("wijknaam", wijk["wijkcode"])), float(value)))
    return sorted(found, key=lambda item: (-item[2], item[0], item[1]))[:TOP_COMBINATIONS]


def data_denominator(stacking) -> str:
    """``huishoudens`` or ``inwoners``: what the stapeling rate is per 1,000 of."""
    from ..combine.stacking import DENOMINATOR

    return DENOMINATOR[stacking.unit]
