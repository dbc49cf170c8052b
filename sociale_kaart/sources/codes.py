"""CBS region codes: ``GM0556`` (gemeente), ``WK055603`` (wijk), ``BU05560301`` (buurt), ``NL00`` (land).

A buurtcode holds its wijk and gemeente: ``BU`` + 4 digits gemeente + 2 wijk + 2 buurt; Amsterdam
uses letters in the wijk and buurt parts since 2023 (``WK0363AF``, ``BU0363AF08``).
Codes arrive space-padded (CBS OData), in lower case, without prefix (``05560301``) or as numbers
that lost their leading zero (``5560301``, ``5560301.0``); :func:`region_codes` and
:func:`normalise_buurtcodes` mend all of these.

A code without prefix only says its level through its column (``BU_CODE``, ``buurtcode``) or the
table's "soort regio". Without either, only 7 or 8 digits are read as a buurtcode: ``30000`` may be
wijk ``WK055601`` without its zero or buurt ``BU00030000`` without three, so it is not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import InputError

#: Buurt- and wijkcodes: 4 digits gemeente, then 2 + 2 digits, or letters (Amsterdam since 2023: BU0363AF08).
BUURTCODE = re.compile(r"^BU\d{4}[0-9A-Z]{4}$")
WIJKCODE = re.compile(r"^WK\d{4}[0-9A-Z]{2}$")
GEMEENTECODE = re.compile(r"^GM\d{4}$")

#: Names of a column that holds buurtcodes (in any case), the most telling first: the one list every
#: reader of a table keyed on buurtcode looks in (KWB tables have their own column table).
BUURTCODE_COLUMNS = ("buurtcode", "bu_code", "buurt_code", "wijkenenbuurten", "gwb_code", "codering", "regiocode",
                     "code", "buurt")

#: Level name -> (prefix, number of digits).
LEVELS: dict[str, tuple[str, int]] = {"buurt": ("BU", 8), "wijk": ("WK", 6), "gemeente": ("GM", 4)}
LAND = "land"
_BY_PREFIX = {prefix: level for level, (prefix, _n) in LEVELS.items()}
_SOORT = {"buurt": "buurt", "wijk": "wijk", "gemeente": "gemeente", "land": LAND, "nederland": LAND}


def region_codes(
    values: pd.Series,
    *,
    level: str | None = None,
    soort: pd.Series | None = None,
) -> pd.DataFrame:
    """Normalise region codes of every level; invalid codes become missing, never guesses.

    Parameters
    ----------
    values : pandas.Series
        Raw codes: strings or numbers, with or without prefix, any case, possibly padded.
    level : {"buurt", "wijk", "gemeente"}, optional
        The level of every row, when the column says it (``BU_CODE``, ``buurtcode``): codes without
        prefix are padded to it, and a code of another level is invalid.
    soort : pandas.Series, optional
        The table's "soort regio" per row (``Buurt``, ``Wijk``, ``Gemeente``, ``Land``), aligned
        with `values`: gives the level of codes without prefix, and a prefix that contradicts it
        makes the code invalid.

    Returns
    -------
    DataFrame
        Indexed like `values`, with ``code`` (``BU05560101``, ``WK055601``, ``GM0556``, ``NL00``;
        missing when invalid) and ``niveau`` (``buurt``, ``wijk``, ``gemeente``, ``land``; missing
        when invalid).

    Examples
    --------
    >>> raw = pd.Series([" bu05560101 ", "05560102", 5560103, 5560104.0, "WK055601", "GM0556", "NL00", "Maassluis"])
    >>> out = region_codes(raw)
    >>> out["code"].tolist()
    ['BU05560101', 'BU05560102', 'BU05560103', 'BU05560104', 'WK055601', 'GM0556', 'NL00', None]
    >>> out["niveau"].tolist()
    ['buurt', 'buurt', 'buurt', 'buurt', 'wijk', 'gemeente', 'land', None]
    >>> region_codes(pd.Series(["556", "55601"]), soort=pd.Series(["Gemeente", "Wijk"]))["code"].tolist()
    ['GM0556', 'WK055601']
    >>> region_codes(pd.Series(["bu0363af08", "0363AF01", "WK0363AF", "30000", "BU123456789"]))["code"].tolist()
    ['BU0363AF08', 'BU0363AF01', 'WK0363AF', None, None]
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    text = pd.Series([_code_text(v) for v in values], index=values.index, dtype=object)
    expected: list[str | None] = [level] * len(values)
    if soort is not None and level is None:
        expected = [None if _is_missing(s) else _SOORT.get(str(s).strip().casefold()) for s in soort]
    codes, levels = [], []
    for raw, want in zip(text, expected):
        code, found = _one_code(raw, want)
        codes.append(code)
        levels.append(found)
    return pd.DataFrame({"code": codes, "niveau": levels}, index=values.index, dtype=object)


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
    >>> normalise_buurtcodes(pd.Series([" BU05560101 ", "5560102", 5560103, "bu05560104", 5560105.0])).tolist()
    ['BU05560101', 'BU05560102', 'BU05560103', 'BU05560104', 'BU05560105']
    """
    codes = region_codes(values, level="buurt")["code"]
    bad = values[codes.isna().to_numpy()]
    if len(bad):
        row = bad.index[0]
        raise InputError(
            f"{source}: ongeldige buurtcode {str(bad.iloc[0])!r} (rij {_row_label(row)}); "
            "verwacht BU gevolgd door 8 cijfers (Amsterdam: cijfers en letters), bijvoorbeeld BU05560101"
        )
    return codes.astype(object)


def buurtcode_column(columns: Iterable, frame: pd.DataFrame | None = None) -> str | None:
    """The column, as written, whose name says it holds buurtcodes (:data:`BUURTCODE_COLUMNS`); None without one.

    With `frame` (the table itself), a name that may also mean something else (``code``,
    ``regiocode``, ``codering``, ``gwb_code``, ``wijkenenbuurten``, ``buurt``) counts only when every
    filled value looks like a buurtcode, so that a registration with a column ``code`` of its own
    is still placed by its coordinates or address; a name that says buurtcode always counts (its
    values are checked, loudly, by whoever reads them).

    Examples
    --------
    >>> buurtcode_column(["Naam", "BU_CODE", "code"]), buurtcode_column(["straat", "huisnummer"])
    ('BU_CODE', None)
    >>> table = pd.DataFrame({"code": ["A1", "HH"], "x": [1, 2], "y": [3, 4]})
    >>> buurtcode_column(table.columns, table), buurtcode_column(["code", "x", "y"])
    (None, 'code')
    >>> buurtcode_column(["regiocode"], pd.DataFrame({"regiocode": ["BU05560101", "05560102", ""]}))
    'regiocode'
    """
    lower = {str(c).strip().lower(): c for c in columns}
    for name in BUURTCODE_COLUMNS:
        if name not in lower:
            continue
        if frame is None or name in _SAYS_BUURTCODE:
            return lower[name]
        filled = frame[lower[name]].astype("string").str.strip().str.upper().dropna()
        filled = filled[filled.ne("")]
        if len(filled) and filled.str.fullmatch(r"(BU)?\d{4}[0-9A-Z]{4}|\d{7}").all():
            return lower[name]
    return None


#: The names of :data:`BUURTCODE_COLUMNS` that cannot mean anything but a buurtcode.
_SAYS_BUURTCODE = ("buurtcode", "bu_code", "buurt_code")


def wijkcode_of(buurtcodes: pd.Series) -> pd.Series:
    """The wijkcode a buurtcode belongs to (``BU05560301`` -> ``WK055603``)."""
    return "WK" + buurtcodes.str[2:8]


def gemeentecode_of(codes: pd.Series) -> pd.Series:
    """The gemeentecode of buurt- or wijkcodes (``BU05560301`` -> ``GM0556``)."""
    return "GM" + codes.str[2:6]


# --- internals -------------------------------------------------------------------------------

def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _code_text(value) -> str:
    """A code as upper-case text without padding; a float that holds an integer loses its ``.0``."""
    if _is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(value).upper()
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip().upper()
    return re.sub(r"^(\d+)\.0+$", r"\1", text)  # 5560101.0 written as text


def _one_code(text: str, want: str | None) -> tuple[str | None, str | None]:
    if re.fullmatch(r"NL\d{0,2}", text):
        return ((text if len(text) == 4 else "NL00"), LAND) if want in (None, LAND) else (None, None)
    match = re.fullmatch(r"(BU|WK|GM)([0-9A-Z]+)", text)
    if match:
        found, body = _BY_PREFIX[match.group(1)], match.group(2)
        if want not in (None, found):
            return None, None
    elif re.fullmatch(r"[0-9A-Z]+", text):
        body = text
        found = want if want in LEVELS else _level_of_bare(body)
    else:
        return None, None
    if found is None:
        return None, None
    prefix, n = LEVELS[found]
    if body.isdigit() and len(body) <= n:
        body = body.zfill(n)  # a number that lost its leading zeros
    if len(body) != n or not body[:4].isdigit() or (found == "gemeente" and not body.isdigit()):
        return None, None
    return prefix + body, found


def _level_of_bare(body: str) -> str | None:
    """Level of a code without prefix and without a column or soort regio that says it."""
    if body.isdigit():
        return "buurt" if len(body) in (7, 8) else None  # 30000 may be a wijk or a buurt: no guess
    return {8: "buurt", 6: "wijk"}.get(len(body))  # Amsterdam since 2023: 0363AF01, 0363AF


def _row_label(index) -> str:
    # Data rows are shown 1-based and after the header, as a spreadsheet user counts them.
    return str(index + 2) if isinstance(index, (int, np.integer)) else str(index)
