"""Parsing numbers as CBS and Dutch spreadsheets write them, one column at a time.

Missing is never a number: empty cells, ``.`` (CBS: secret or unknown), ``x``, ``-``, ``?`` and the
CBS sentinels (every value <= -99990, such as ``-99997`` and ``-99999999``) become NaN.

The notation is decided per column (:func:`number_format`), from the column's own values:

* ``1.094,765``, ``12,5`` or ``1.094.765``: Dutch (dot groups thousands, comma is the decimal sign);
* ``12.5``, ``0.125``, ``4421.0``, ``1,094.5`` or ``1e3``: decimal point;
* both in one column: an error, the column cannot be read safely.

Only ``1.094`` (one dot, three digits after it, no leading zero) fits both readings. A column
with only such values and integers is ambiguous; it is decided, in this order, by the file's other
columns (``hint``), then by its integers: an integer of 1000 or more written without a dot means
the writer does not group thousands, so the dot is a decimal sign; integers that are all below 1000
beside dotted values are the Dutch pattern (``850``, ``2.915``). A column without any of this
evidence is an :class:`~sociale_kaart.errors.InputError` rather than a guess. A comma without a dot
(``1,094``) is read as a Dutch decimal comma unless the column or file uses decimal points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

#: CBS codes unknown or secret values as large negative numbers (-99999999, -99997, ...).
CBS_SENTINEL_MAX = -99990
#: Cells that mean "no figure", after stripping spaces.
MISSING_TOKENS = frozenset({"", ".", "x", "X", "-", "?", "NA", "N/A", "NaN", "nan", "#N/A", "#N/B"})
DUTCH, POINT = "nl", "en"

_SIGN = r"[+-]?"
_INT = re.compile(rf"{_SIGN}\d+")
_DOT_GROUPS = re.compile(rf"{_SIGN}[1-9]\d{{0,2}}(\.\d{{3}})+")  # 1.094 or 1.094.765
_MANY_DOT_GROUPS = re.compile(rf"{_SIGN}[1-9]\d{{0,2}}(\.\d{{3}}){{2,}}")  # 1.094.765
_COMMA_GROUPS = re.compile(rf"{_SIGN}[1-9]\d{{0,2}}(,\d{{3}})+")  # 1,094
_DUTCH = re.compile(rf"{_SIGN}(\d+|[1-9]\d{{0,2}}(\.\d{{3}})+),\d+")  # 12,5 / 1.094,765
_POINT = re.compile(rf"{_SIGN}(\d+|[1-9]\d{{0,2}}(,\d{{3}})+)?\.\d+")  # 12.5 / .5 / 1,094.5
_EXPONENT = re.compile(rf"{_SIGN}(\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_INFINITE = {"inf": np.inf, "+inf": np.inf, "-inf": -np.inf, "infinity": np.inf, "+infinity": np.inf,
             "-infinity": -np.inf, "∞": np.inf, "-∞": -np.inf}


def to_number(values: pd.Series, decimal_comma: bool = False) -> pd.Series:
    """Parse a column to float leniently; CBS sentinels, ``.``, ``-``, ``x``, ``?`` and blanks become NaN.

    Anything else that is not a number also becomes NaN; use :func:`parse_numbers` where a
    stray word must be an error.

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
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float)
    else:
        text = values.astype("string").str.strip()
        if decimal_comma:
            text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        text = text.mask(text.isin(list(MISSING_TOKENS)))
        numbers = pd.to_numeric(text, errors="coerce").astype(float)
    return numbers.mask(numbers <= CBS_SENTINEL_MAX, np.nan)


def number_format(values: pd.Series) -> str | None:
    """The notation a column's text proves: ``"nl"``, ``"en"``, or ``None`` when nothing decides it.

    Numbers stored as numbers (not text) prove nothing. A column with both notations returns
    ``"nl"`` and ``"en"`` joined as ``"nl+en"``.

    Examples
    --------
    >>> number_format(pd.Series(["12,5", "3"])), number_format(pd.Series(["12.5", "."]))
    ('nl', 'en')
    >>> number_format(pd.Series(["1.094", "850"])) is None, number_format(pd.Series(["1,5", "2.5"]))
    (True, 'nl+en')
    """
    dutch, point = _evidence(_text_tokens(values))
    dutch, point = bool(dutch.any()), bool(point.any())  # "1,094" beside "12.5" is a thousands comma: en
    return {(True, True): "nl+en", (True, False): DUTCH, (False, True): POINT}.get((dutch, point))


def parse_numbers(
    values: pd.Series,
    *,
    source: str,
    column: str,
    rows: Sequence[int] | None = None,
    codes: Sequence[str | None] | None = None,
    hint: str | None = None,
) -> pd.Series:
    """Parse one column to float, deciding its notation from its own values; refuse stray words.

    Parameters
    ----------
    values : pandas.Series
        Raw cells: text, numbers or a mix (spreadsheets).
    source, column : str
        File and column name, for the error message.
    rows : sequence of int, optional
        Row number of each value as the user sees it (spreadsheet row, header included);
        default: position + 2 (one header row).
    codes : sequence of str, optional
        Region code of each row, named in the error message beside the row.
    hint : {"nl", "en"}, optional
        The notation the file's other columns prove; decides columns that are ambiguous on their own.

    Returns
    -------
    pandas.Series
        Floats indexed like `values`; NaN for every missing marker and CBS sentinel.

    Raises
    ------
    InputError
        A value that is not a number nor a missing marker, a column with both notations, or a
        column whose notation cannot be decided.

    Examples
    --------
    >>> parse_numbers(pd.Series(["1.094,765", "3,5", "."]), source="a.csv", column="x").tolist()
    [1094.765, 3.5, nan]
    >>> parse_numbers(pd.Series(["2.915", "850", ""]), source="a.csv", column="x").tolist()
    [2915.0, 850.0, nan]
    >>> parse_numbers(pd.Series(["1.094", "0.875"]), source="a.csv", column="x").tolist()
    [1.094, 0.875]
    >>> parse_numbers(pd.Series(["12", "n.v.t."]), source="a.csv", column="x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: a.csv: kolom 'x', rij 3: 'n.v.t.' is geen getal (lege cel, '.', ...)
    """
    where = _Where(values.index, rows, codes)
    numbers = pd.Series(np.nan, index=values.index, dtype=float)
    if pd.api.types.is_bool_dtype(values) and len(values):
        _refuse(source, column, where, 0, values.iloc[0])
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
    else:
        cells = values.astype(object)
        is_number = cells.map(_is_number_object).to_numpy()
        numbers[is_number] = cells[is_number].astype(float).to_numpy()
        is_text = cells.map(lambda v: isinstance(v, str)).to_numpy()
        other = ~is_number & ~is_text & ~cells.isna().to_numpy()
        if other.any():
            position = int(np.flatnonzero(other)[0])
            _refuse(source, column, where, position, cells.iloc[position])
        if is_text.any():
            text = cells[is_text].astype(str).str.strip()
            numbers[is_text] = _parse_text(text, source, column, where, hint, values.index).to_numpy()
    return numbers.mask((numbers <= CBS_SENTINEL_MAX) & np.isfinite(numbers), np.nan)  # -inf stays, to be refused


def check_range(
    numbers: pd.Series,
    *,
    source: str,
    column: str,
    minimum: float | None = None,
    maximum: float | None = None,
    what: str = "",
    rows: Sequence[int] | None = None,
    codes: Sequence[str | None] | None = None,
) -> None:
    """Raise :class:`InputError` for an infinite value or one outside ``[minimum, maximum]``.

    Parameters
    ----------
    numbers : pandas.Series
        Parsed values (NaN = missing, never checked).
    source, column : str
        File and column, for the message.
    minimum, maximum : float, optional
        Plausible bounds (a count is not negative, a percentage not above 100).
    what : str
        What the column holds, in Dutch ("een aantal", "een percentage"), for the message.
    rows, codes : sequence, optional
        As in :func:`parse_numbers`.

    Examples
    --------
    >>> check_range(pd.Series([12.0, 101.0]), source="a.csv", column="p", minimum=0, maximum=100,
    ...             what="een percentage", codes=["BU05560101", "BU05560102"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: a.csv: kolom 'p' is een percentage, maar heeft 101 in rij 3 (BU05560102); ...
    """
    where = _Where(numbers.index, rows, codes)
    values = numbers.to_numpy(dtype=float)
    infinite = np.isinf(values)
    if infinite.any():
        position = int(np.flatnonzero(infinite)[0])
        raise InputError(f"{source}: kolom {column!r} heeft een oneindige waarde in {where.text(position)}")
    low = values < minimum if minimum is not None else np.zeros(len(values), bool)
    high = values > maximum if maximum is not None else np.zeros(len(values), bool)
    bad = low | high
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        allowed = (f"{_plain(minimum)} tot en met {_plain(maximum)}" if minimum is not None and maximum is not None
                   else f"minimaal {_plain(minimum)}" if minimum is not None else f"hoogstens {_plain(maximum)}")
        holds = f" is {what}, maar" if what else ""
        raise InputError(
            f"{source}: kolom {column!r}{holds} heeft {_plain(values[position])} in {where.text(position)}; "
            f"toegestaan is {allowed}"
        )


def is_number_text(text: str) -> bool:
    """True for a cell that reads as a number in either notation (used to find header rows).

    Examples
    --------
    >>> is_number_text("1.094,5"), is_number_text("2915"), is_number_text("65 jaar of ouder")
    (True, True, False)
    """
    text = str(text).strip()
    return any(p.fullmatch(text) for p in (_INT, _DOT_GROUPS, _DUTCH, _POINT, _EXPONENT))


# --- internals -------------------------------------------------------------------------------

class _Where:
    """Row number (and region code) of each position, as the user finds it."""

    def __init__(self, index, rows, codes):
        self.rows = list(rows) if rows is not None else [i + 2 for i in range(len(index))]
        self.codes = list(codes) if codes is not None else None

    def text(self, position: int) -> str:
        code = self.codes[position] if self.codes is not None else None
        return f"rij {self.rows[position]}" + (f" ({code})" if code else "")


def _is_number_object(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _plain(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _text_tokens(values: pd.Series) -> pd.Series:
    """The stripped text cells of a column that are not missing markers (numbers left out)."""
    cells = values.astype(object)
    text = cells[cells.map(lambda v: isinstance(v, str)).to_numpy()].astype(str).str.strip()
    return text[~text.isin(MISSING_TOKENS)].astype(object)


#: Token classes: "int", "nl" (proves Dutch), "en" (proves decimal point), "dots" (1.094),
#: "commas" (1,094), "inf", "bad".
def _token_class(token: str) -> str:
    if token.casefold() in _INFINITE:
        return "inf"
    if _INT.fullmatch(token):
        return "int"
    if _MANY_DOT_GROUPS.fullmatch(token):
        return "nl"
    if _DOT_GROUPS.fullmatch(token):
        return "dots"
    if _COMMA_GROUPS.fullmatch(token):
        return "commas"
    if _DUTCH.fullmatch(token):
        return "nl"
    if _POINT.fullmatch(token) or _EXPONENT.fullmatch(token):
        return "en"
    return "bad"


def _classes(tokens: pd.Series) -> pd.Series:
    """The class of every token, computed once per distinct value."""
    unique = pd.unique(tokens.to_numpy(dtype=object))
    return tokens.map(dict(zip(unique, map(_token_class, unique))))


def _evidence(tokens: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per token: proves Dutch notation, proves decimal point notation."""
    classes = _classes(tokens).to_numpy(dtype=object) if len(tokens) else np.zeros(0, dtype=object)
    return classes == "nl", classes == "en"


def _refuse(source, column, where: _Where, position: int, value):
    raise InputError(
        f"{source}: kolom {column!r}, {where.text(position)}: {str(value)!r} is geen getal "
        "(lege cel, '.', 'x', '-' en '?' gelden als ontbrekend)"
    )


def _parse_text(text: pd.Series, source, column, where: _Where, hint, index) -> pd.Series:
    """Parse stripped text cells (indexed as in the column) to floats."""
    positions = pd.Series(np.arange(len(index)), index=index)[text.index]
    out = pd.Series(np.nan, index=text.index, dtype=float)
    tokens = text[~text.isin(MISSING_TOKENS)].astype(object)
    classes = _classes(tokens)
    if classes.eq("bad").any():
        first = classes.index[classes.eq("bad").to_numpy()][0]
        _refuse(source, column, where, int(positions[first]), tokens[first])
    fmt = _decide(tokens, classes, source, column, where, hint, positions)
    unique = pd.unique(tokens.to_numpy(dtype=object))
    out[tokens.index] = tokens.map(dict(zip(unique, (_to_float(t, fmt) for t in unique)))).astype(float)
    return out


def _to_float(token: str, fmt: str) -> float:
    if token.casefold() in _INFINITE:
        return _INFINITE[token.casefold()]
    if fmt == DUTCH:
        return float(token.replace(".", "").replace(",", "."))
    return float(token.replace(",", ""))


def _decide(tokens: pd.Series, classes: pd.Series, source, column, where: _Where, hint, positions) -> str:
    dutch, point = classes.eq("nl").to_numpy(), classes.eq("en").to_numpy()
    if dutch.any() and point.any():
        first_dutch, first_point = tokens.index[dutch][0], tokens.index[point][0]
        raise InputError(
            f"{source}: kolom {column!r} mengt notaties: {tokens[first_dutch]!r} in "
            f"{where.text(int(positions[first_dutch]))} heeft een decimale komma of duizendtal-punten, "
            f"{tokens[first_point]!r} in {where.text(int(positions[first_point]))} een decimale punt"
        )
    if dutch.any() or point.any():
        return DUTCH if dutch.any() else POINT
    dotted = classes.eq("dots").to_numpy()
    if not dotted.any():
        return POINT if hint == POINT and classes.eq("commas").any() else DUTCH
    if hint in (DUTCH, POINT):
        return hint
    integers = tokens[classes.eq("int").to_numpy()].str.lstrip("+-")
    if (integers.str.len() >= 4).any():
        return POINT  # 2915 without a dot: this writer does not group thousands
    if len(integers):
        return DUTCH  # 850 beside 2.915: dots group the thousands
    first = tokens.index[dotted][0]
    raise InputError(
        f"{source}: kolom {column!r} is niet eenduidig: {tokens[first]!r} in {where.text(int(positions[first]))} "
        "kan een duizendtal met punt of een getal met drie decimalen zijn; schrijf decimalen met een komma "
        "of duizendtallen zonder punt"
    )
