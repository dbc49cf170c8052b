"""Parsing numbers as CBS and Dutch spreadsheets write them."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: CBS codes unknown or secret values as large negative numbers (-99999999, -99997, ...).
CBS_SENTINEL_MAX = -99990


def to_number(values: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Parse a column to float; CBS sentinels (<= -99990), ``.``, ``-``, ``x`` and blanks become NaN.

    Parameters
    ----------
    values : pandas.Series
        Raw values, text or numeric.
    decimal_comma : bool
        Read ``1.234,5`` as 1234.5 (Dutch spreadsheets) instead of ``1234.5``.

    Examples
    --------
    >>> to_number(pd.Series(["12", " 3.5 ", ".", "", "-99999999"])).tolist()
    [12.0, 3.5, nan, nan, nan]
    >>> to_number(pd.Series(["1.234,5"]), decimal_comma=True).tolist()
    [1234.5]
    """
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
    else:
        text = values.astype("string").str.strip()
        if decimal_comma:
            text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        text = text.mask(text.isin(["", ".", "-", "x", "X", "?"]))
        numbers = pd.to_numeric(text, errors="coerce").astype(float)
    return numbers.mask(numbers <= CBS_SENTINEL_MAX, np.nan)
