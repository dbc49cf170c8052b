"""Address points (RD New x/y) from a postcode-huisnummer table, for weighing a crosswalk by addresses."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from .tabular import read_table
from .registrations import _XY_NAMES
from .values import to_number


def read_address_points(path: str | Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The x and y of every address with coordinates; None when the table has no x/y columns.

    A table with x/y columns but without one usable coordinate is an error, not an empty result.
    """
    path = Path(path)
    table = read_table(path)
    lower = {str(c).strip().lower(): c for c in table.columns}
    pair = next(((lower[x], lower[y]) for x, y in _XY_NAMES if x in lower and y in lower), None)
    if pair is None:
        return None
    comma = table[pair[0]].astype(str).str.contains(",").any()
    x, y = (to_number(table[c], decimal_comma=comma).to_numpy(dtype=float) for c in pair)
    usable = np.isfinite(x) & np.isfinite(y)
    if not usable.any():
        raise InputError(f"{path.name}: kolommen {pair[0]} en {pair[1]} bevatten geen bruikbare coördinaten")
    return x[usable], y[usable]
