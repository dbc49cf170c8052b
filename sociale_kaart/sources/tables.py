"""Other tables keyed on buurtcode (a SES-WOA file, a municipal monitor): for own indicators.

The first column whose name says it holds a buurtcode is the key; every other column that holds
numbers (Dutch or plain notation, missing symbols allowed) is kept under its own name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .codes import buurtcode_column, normalise_buurtcodes
from .tabular import read_table
from .values import MISSING_TOKENS, to_number


def read_buurt_table(path: str | Path) -> pd.DataFrame:
    """Read a table with a buurtcode column; returns ``buurtcode`` + its numeric columns as floats.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "ses.csv"
    ...     _ = p.write_text("bu_code;ses_woa;toelichting\\n05560101;-0,12;tekst\\nBU05560102;.;x\\n")
    ...     read_buurt_table(p).to_dict("list")
    {'buurtcode': ['BU05560101', 'BU05560102'], 'ses_woa': [-0.12, nan]}
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [str(c).strip() for c in raw.columns]
    code = buurtcode_column(raw.columns)
    if code is None:
        raise InputError(f"{path.name}: geen kolom met de buurtcode (zoals buurtcode of bu_code)")
    out = pd.DataFrame({"buurtcode": normalise_buurtcodes(raw[code], path.name)})
    for col in raw.columns:
        if col == code:
            continue
        text = raw[col].astype("string").str.strip()
        filled = text[~text.isin(list(MISSING_TOKENS)) & text.notna()]
        comma = bool(filled.str.contains(",", regex=False).any())
        values = to_number(text, decimal_comma=comma)
        if len(filled) and values[filled.index].notna().all():
            out[col] = values.to_numpy()
    duplicated = out["buurtcode"].duplicated()
    if duplicated.any():
        raise InputError(f"{path.name}: buurtcode {out['buurtcode'][duplicated].iloc[0]} staat er meer dan eens in")
    return out
