"""CBS region codes: ``GM0556`` (gemeente), ``WK055603`` (wijk), ``BU05560301`` (buurt).

A buurtcode holds its wijk and gemeente: ``BU`` + 4 digits gemeente + 2 wijk + 2 buurt.
Codes arrive space-padded (CBS OData), without prefix (``05560301``) or as numbers that lost
their leading zero (``5560301``); :func:`normalise_buurtcodes` mends all of these.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import InputError

BUURTCODE = re.compile(r"^BU\d{8}$")
GEMEENTECODE = re.compile(r"^GM\d{4}$")


def normalise_buurtcodes(values: pd.Series, source: str = "invoer") -> pd.Series:
    """Return codes as ``BU`` + 8 digits; raise :class:`InputError` naming the first bad one.

    Parameters
    ----------
    values : pandas.Series
        Raw codes: strings or numbers, with or without ``BU`` prefix, possibly padded.
    source : str
        File name used in the error message.

    Examples
    --------
    >>> normalise_buurtcodes(pd.Series([" BU05560101 ", "5560102", 5560103])).tolist()
    ['BU05560101', 'BU05560102', 'BU05560103']
    """
    text = values.astype("string").str.strip().str.upper()
    text = text.str.replace(r"\.0$", "", regex=True)  # a number read as float: 5560101.0
    digits = text.str.removeprefix("BU")
    is_digits = digits.str.fullmatch(r"\d{1,8}").fillna(False)
    codes = ("BU" + digits.str.zfill(8)).where(is_digits)
    bad = values[~is_digits.to_numpy()]
    if len(bad):
        row = bad.index[0]
        raise InputError(
            f"{source}: ongeldige buurtcode {str(bad.iloc[0])!r} (rij {_row_label(row)}); "
            "verwacht BU gevolgd door 8 cijfers, bijvoorbeeld BU05560101"
        )
    return codes.astype(object)


def wijkcode_of(buurtcodes: pd.Series) -> pd.Series:
    """The wijkcode a buurtcode belongs to (``BU05560301`` -> ``WK055603``)."""
    return "WK" + buurtcodes.str[2:8]


def gemeentecode_of(codes: pd.Series) -> pd.Series:
    """The gemeentecode of buurt- or wijkcodes (``BU05560301`` -> ``GM0556``)."""
    return "GM" + codes.str[2:6]


def _row_label(index) -> str:
    # Data rows are shown 1-based and after the header, as a spreadsheet user counts them.
    return str(index + 2) if isinstance(index, int) else str(index)
