"""Dutch number formatting: decimal comma and a dot for thousands, as in every Dutch report."""

from __future__ import annotations

import math


def nl_number(value: float | None, decimals: int = 1, missing: str = "–") -> str:
    """Format a number the Dutch way.

    Examples
    --------
    >>> nl_number(1234.56), nl_number(44.6), nl_number(35825, 0), nl_number(float("nan"))
    ('1.234,6', '44,6', '35.825', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def decimals_for(unit: str) -> int:
    """Decimals that suit a unit: one for rates and percentages."""
    return 0 if unit.startswith("aantal") else 1
