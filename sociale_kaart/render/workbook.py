"""Tables as an analyst keeps them in Excel: Dutch headers, a frozen header row with a filter,
columns as wide as their content, numbers in the format of their unit, suppressed cells explained.

The code key of every column stays findable: :func:`column_rows` lists label, key, unit and meaning
for the definitions sheet.
"""

from __future__ import annotations

from ..texts import decimals_for

#: Headers of the columns every level shares (the indicator columns take their labels from the indicators).
FIXED_LABELS = {
    "buurtcode": "Buurtcode", "buurtnaam": "Buurt", "wijkcode": "Wijkcode", "wijknaam": "Wijk",
    "gemeentecode": "Gemeentecode", "gemeentenaam": "Gemeente", "naam": "Naam", "koppeling": "Koppeling",
    "inwoners": "Inwoners", "woningvoorraad": "Woningvoorraad", "huishoudens": "Huishoudens",
    "dekking": "Dekking (deel van de inwoners in buurten op de kaart)",
    "stapeling": "Stapeling (aantal hoge indicatoren)", "stapeling_basis": "Beoordeelde indicatoren",
    "behoefte_index": "Behoefte-index", "uitschieter": "Uitschieter", "aandachtsbuurt": "Aandachtsbuurt",
    "reden": "Reden", "lisa_i": "Local Moran's I", "lisa_p": "Local Moran's I: p", "lisa_klasse": "Local Moran's I: klasse",
    "gi_z": "Gi*: z", "gi_p": "Gi*: p", "gi_klasse": "Gi*: klasse",
}
#: Meaning of the columns of :data:`FIXED_LABELS` that need one, for the definitions sheet.
FIXED_MEANINGS = {
    "koppeling": "gekoppeld: grens en cijfers; alleen grenzen: geen cijfers voor deze buurtcode",
    "dekking": "aandeel van de inwoners van de gemeente dat in buurten op de kaart woont",
    "stapeling": "aantal behoefte-indicatoren waarop de buurt hoog is",
    "stapeling_basis": "aantal behoefte-indicatoren met een gepubliceerd cijfer voor de buurt",
    "behoefte_index": "gemiddelde z-score van de behoefte-indicatoren (met hun gewicht)",
    "uitschieter": "één behoefte-indicator ver boven de referentie",
    "reden": "waarom de buurt een aandachtsbuurt is",
}
COUNT_FORMAT, SHARE_FORMAT, SCORE_FORMAT = "#,##0", "0.0%", "0.00"
_COUNTS = {"inwoners", "woningvoorraad", "huishoudens", "stapeling", "stapeling_basis", "inwoners_nulmeting"}
_SCORES = {"behoefte_index", "lisa_i", "lisa_p", "gi_z", "gi_p", "rho", "p"}


def decimal_format(decimals: int) -> str:
    """Excel's number format for `decimals` decimals, with thousands grouping.

    Examples
    --------
    >>> decimal_format(0), decimal_format(1), decimal_format(2)
    ('#,##0', '#,##0.0', '#,##0.00')
    """
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def column_labels(columns, data) -> dict[str, str]:
    """A Dutch header for every column of `columns`, unique within them.

    Indicators give ``label (unit)``, their status, coverage, judgement and z-score columns
    ``label: status`` and so on; KWB columns their label from the column list; the rest a fixed
    label or the key itself.
    """
    indicators = {ind.key: ind for ind in data.indicators}
    sources = {c.stable: c for c in getattr(data, "columns", ())}
    stacking = getattr(getattr(data, "stacking", None), "labels", {})
    labels = {}
    for col in columns:
        key, _, suffix = col.rpartition("_")
        prefix, _, rest = col.partition("_")
        if col in indicators:
            label = f"{indicators[col].label} ({indicators[col].unit})"
        elif key in indicators and suffix in ("status", "dekking"):
            label = f"{indicators[key].label}: {suffix}"
        elif prefix in ("hoog", "z") and rest in indicators:
            label = f"{indicators[rest].label}: {'hoog' if prefix == 'hoog' else 'z-score'}"
        elif col in FIXED_LABELS:
            label = FIXED_LABELS[col]
        elif col in sources and sources[col].label:
            label = sources[col].label + (f" ({sources[col].unit})" if sources[col].unit else "")
        elif col in stacking:  # the stapeling counts: their names only, never their values
            label = stacking[col]
        else:
            label = col[:1].upper() + col[1:].replace("_", " ")
        labels[col] = label if label not in labels.values() else f"{label} [{col}]"
    return labels


def number_formats(columns, data) -> dict[str, str]:
    """Excel's number format per column: whole numbers for counts, the unit's decimals for rates,
    a percentage for shares of one; nothing for text."""
    indicators = {ind.key: ind for ind in data.indicators}
    sources = {c.stable: c for c in getattr(data, "columns", ())}
    counts = _COUNTS | set(getattr(data, "registration_columns", ()))
    formats = {}
    for col in columns:
        source = sources.get(col)
        if col in indicators:
            formats[col] = decimal_format(decimals_for(indicators[col].unit))
        elif col in counts or (source is not None and source.kind in ("count", "class")):
            formats[col] = COUNT_FORMAT
        elif col == "dekking" or col.endswith("_dekking"):
            formats[col] = SHARE_FORMAT
        elif col in _SCORES or col.startswith("z_"):
            formats[col] = SCORE_FORMAT
        elif source is not None and source.kind in ("percentage", "rate", "amount"):
            formats[col] = decimal_format(decimals_for(source.unit or ""))
    return formats


def column_rows(labels: dict[str, str], data, sheets: dict[str, list[str]]) -> list[dict]:
    """One row per column of the workbook for the definitions sheet: header, code key, unit, meaning."""
    indicators = {ind.key: ind for ind in data.indicators}
    sources = {c.stable: c for c in getattr(data, "columns", ())}
    rows = []
    for col, label in labels.items():
        ind = indicators.get(col)
        source = sources.get(col)
        if ind is not None:
            unit, meaning = ind.unit, ind.description
        elif source is not None:
            unit, meaning = source.unit, f"uit {source.column}" + (" (afgeleid)" if source.derived else "")
        else:
            unit, meaning = "", FIXED_MEANINGS.get(col, "")
        rows.append({"Kolom": label, "Sleutel": col, "Eenheid": unit, "Rol": ind.role if ind else "",
                     "Betekenis": meaning, "Bladen": ", ".join(s for s, cols in sheets.items() if col in cols)})
    return rows


def finish_sheet(sheet, formats: list[str | None], *, marker: str = "", note: str = "") -> None:
    """Header row bold and frozen, a filter over the table, widths by content, number formats per
    column, and `note` as a comment on every cell that reads `marker` (a suppressed figure)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if sheet.max_row < 1 or sheet.max_column < 1:
        return
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for n, column in enumerate(sheet.iter_cols(min_row=1), start=1):
        fmt = formats[n - 1] if n - 1 < len(formats) else None
        widest = 0
        for cell in column[1:]:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and fmt:
                cell.number_format = fmt
                text = f"{cell.value:,.{fmt.count('0') - 1 if '.' in fmt else 0}f}"
            else:
                text = "" if cell.value is None else str(cell.value)
                if fmt and marker and text == marker and note:  # a figure's place, not its status column
                    cell.comment = Comment(note, "sociale-kaart", width=320, height=140)
                if len(text) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            widest = max(widest, len(text))
        header = str(column[0].value or "")
        # Wide enough for the content and for the header's longest word, at most 60 characters.
        width = max(widest, min(len(header), 24), max((len(w) for w in header.split()), default=0)) + 2
        sheet.column_dimensions[get_column_letter(n)].width = min(60, max(8, width))
