"""Class breaks and colours for choropleths, shared by the HTML and print maps.

Quantiles, equal interval and manual breaks are computed here in plain numpy, with the exact
arithmetic of mapclassify (``Quantiles``, ``EqualInterval``, ``UserDefined``): same bins, same
class for every value. Only natural breaks (Fisher-Jenks) import mapclassify, which takes
seconds to import (scikit-learn, scipy).

Examples
--------
>>> c = classify([4.0, 1.0, 3.0, 2.0, 5.0], "kwantielen", k=5)
>>> c.bins, c.classes.tolist()
([1.8, 2.6, 3.4, 4.2, 5.0], [3, 0, 2, 1, 4])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..settings import SCHEMES
from ..texts import nl_number

__all__ = [
    "FISHER_JENKS_EXACT_MAX", "MISSING_COLOUR", "ORDERED", "PALETTES", "SCHEMES", "SUPPRESSED_COLOUR", "Classes",
    "classes_for", "classify", "ordered_classes", "palette",
]
#: The scheme of an ordered class shown in its own classes (the Leefbaarometer's nine).
ORDERED = "eigen klassen"

#: ColorBrewer OrRd: sequential with monotone lightness, so it survives greyscale print and is
#: distinguishable for the common forms of colour blindness.
PALETTES = {
    3: ["#fee8c8", "#fdbb84", "#e34a33"],
    4: ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"],
    5: ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
    6: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"],
    7: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
    8: ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
    9: ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"],
}
MISSING_COLOUR = "#d9d9d9"
SUPPRESSED_COLOUR = "#f2f2f2"
#: Above this many values Fisher-Jenks runs on a quantile-spaced sample of this size: the exact
#: method is O(n²) (about 8 minutes on the 11,638 buurten of the Netherlands without numba).
FISHER_JENKS_EXACT_MAX = 500


@dataclass
class Classes:
    """Upper bounds of each class, the lowest value, and the class of every value (-1: no value).

    `names` are the labels of an ordered class (``"9 uitstekend"``), shown instead of ranges;
    `reverse` puts the dark end at the low values (a figure where higher is better).
    """

    bins: list[float]
    minimum: float | None
    classes: np.ndarray
    scheme: str
    names: tuple[str, ...] = ()
    reverse: bool = False

    @property
    def colours(self) -> list[str]:
        colours = palette(len(self.bins))
        return colours[::-1] if self.reverse else colours

    def labels(self, decimals: int = 1) -> list[str]:
        """Legend labels with Dutch numbers: ``"8,3 – 44,6"``; an ordered class's own names."""
        if self.names:
            return list(self.names)
        lows = [self.minimum] + self.bins[:-1]
        return [f"{nl_number(lo, decimals)} – {nl_number(hi, decimals)}" for lo, hi in zip(lows, self.bins)]


def palette(k: int) -> list[str]:
    """A sequential palette of `k` colours (1..9), light to dark."""
    if k <= 0:
        return []
    if k in PALETTES:
        return PALETTES[k]
    return PALETTES[5][-k:] if k < 3 else PALETTES[9]


def ordered_classes(values, names, *, reverse: bool = False) -> Classes:
    """An ordered class (1..n with `names`) in its own n classes, never in quantiles.

    Examples
    --------
    >>> c = ordered_classes([9.0, 4.0, None], ["1 slecht", "2 matig", "3 redelijk", "4 goed", "5 prima", "6", "7",
    ...                                         "8", "9 uitstekend"], reverse=True)
    >>> c.classes.tolist(), c.labels()[-1], c.colours[0], c.colours[-1]
    ([8, 3, -1], '9 uitstekend', '#7f0000', '#fff7ec')
    """
    numbers = _numbers(values)
    known = ~np.isnan(numbers)
    classes = np.full(len(numbers), -1, dtype=int)
    classes[known] = np.clip(np.rint(numbers[known]).astype(int), 1, len(names)) - 1
    return Classes([float(n) for n in range(1, len(names) + 1)], 1.0, classes, ORDERED, tuple(names), reverse)


def classes_for(indicator, values, scheme: str = "kwantielen", k: int = 5, breaks=None) -> Classes:
    """The classes of `indicator` as its declaration asks: an ordered class in its own classes, else
    `scheme`; the dark end on the side that needs attention (reversed when higher is better).

    Examples
    --------
    >>> from sociale_kaart.combine.indicators import registry
    >>> classes_for(registry()["wmo_per_1000"], [1.0, 2.0, 3.0], "gelijk", 3).colours[-1]
    '#e34a33'
    """
    from ..sources.declarations import HIGHER_BETTER

    reverse = indicator.direction == HIGHER_BETTER
    if indicator.classes:
        return ordered_classes(values, indicator.classes, reverse=reverse)
    found = classify(values, "handmatig" if breaks is not None else scheme, k, breaks)
    found.reverse = reverse
    return found


def classify(values, scheme: str = "kwantielen", k: int = 5, breaks: list[float] | None = None) -> Classes:
    """Classify `values` (NaN stays unclassified) into classes with inclusive upper bounds.

    A value equal to a bound belongs to the class below it (``bins[j-1] < value <= bins[j]``),
    as in mapclassify. Tied bounds (quantiles on many equal values) are merged, so no class is
    empty by construction.

    Parameters
    ----------
    values : Series or array-like
        Rates; NaN (or None) for missing or suppressed. A Series of text is coerced, text
        that is not a number counting as missing.
    scheme : {"kwantielen", "natuurlijk", "gelijk", "handmatig"}
        Quantiles, Fisher-Jenks natural breaks, equal interval, or the user's `breaks`.
        Only ``"natuurlijk"`` imports mapclassify.
    k : int
        Number of classes (3..7); fewer when there are fewer distinct values.
    breaks : list of float
        Upper bounds for ``"handmatig"``; the maximum is added when it lies above the last.

    Returns
    -------
    Classes
        Bins (upper bounds), the minimum and the class of every value (-1: no value).

    Raises
    ------
    InputError
        Unknown scheme, `k` outside 3..7, or ``"handmatig"`` without usable breaks.

    Examples
    --------
    >>> c = classify([1.0, 2.0, 3.0, 4.0, None], "gelijk", k=3)
    >>> c.classes.tolist(), c.labels()
    ([0, 0, 1, 2, -1], ['1,0 – 2,0', '2,0 – 3,0', '3,0 – 4,0'])
    >>> classify([10.0, 45.0, 70.0, 130.0], "handmatig", breaks=[40, 60, 80]).bins
    [40.0, 60.0, 80.0, 130.0]
    """
    if scheme not in SCHEMES:
        raise InputError(f"onbekende klasse-indeling {scheme!r}; kies uit {', '.join(SCHEMES)}")
    if not 3 <= k <= 7 and scheme != "handmatig":
        raise InputError("het aantal klassen moet tussen 3 en 7 liggen")
    numbers = _numbers(values)
    known = ~np.isnan(numbers)
    classes = np.full(len(numbers), -1, dtype=int)
    present = numbers[known]
    if present.size == 0:
        return Classes([], None, classes, scheme)
    k = min(k, len(np.unique(present)))
    if scheme == "handmatig":
        bins = _user_bins(present, breaks)
    elif k < 2:
        bins = np.array([present.max()])
    elif scheme == "kwantielen":
        bins = _quantile_bins(present, k)
    elif scheme == "gelijk":
        bins = _equal_interval_bins(present, k)
    elif present.size > FISHER_JENKS_EXACT_MAX:
        # A quantile-spaced sample (deterministic, unlike FisherJenksSampled's random one) keeps the
        # shape of the distribution; its breaks are then applied to all values.
        sample = np.quantile(present, np.linspace(0, 1, FISHER_JENKS_EXACT_MAX))
        bins = np.append(_fisher_jenks_bins(sample, k)[:-1], present.max())
    else:
        bins = _fisher_jenks_bins(present, k)
    upper = _distinct(bins)
    classes[known] = _bin(present, upper)
    return Classes([float(b) for b in upper], float(present.min()), classes, scheme)


def _numbers(values) -> np.ndarray:
    """`values` as a float array, NaN for missing; pandas is used only if `values` is a pandas object."""
    if hasattr(values, "to_numpy"):
        import pandas as pd  # already imported: `values` is a pandas object

        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return np.asarray(values, dtype=float).ravel()


def _quantile_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of `k` quantile classes, as ``mapclassify.classifiers.quantile``.

    mapclassify takes ``scipy.stats.scoreatpercentile`` (interpolation ``"fraction"``) at the
    percentiles ``np.arange(w, 100 + w, w)``, ``w = 100 / k``, and drops repeated values with
    ``np.unique``; the same floating-point operations are repeated here, in the same order.
    """
    w = 100.0 / k
    percentiles = np.arange(w, 100 + w, w)
    if percentiles[-1] > 100.0:
        percentiles[-1] = 100.0
    ordered = np.sort(values)
    return np.unique(np.array([_score_at_percentile(ordered, per) for per in percentiles]))


def _score_at_percentile(ordered: np.ndarray, per: float) -> float:
    """``scipy.stats.scoreatpercentile(values, per)`` on sorted values, operation for operation."""
    idx = per / 100.0 * (ordered.size - 1)
    i = int(idx)
    if i == idx:
        return ordered[i]
    weights = np.array([(i + 1) - idx, idx - i], dtype=float)
    return np.add.reduce(ordered[i:i + 2] * weights) / weights.sum()


def _equal_interval_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of `k` classes of equal width, as ``mapclassify.EqualInterval``."""
    max_y = values.max()
    min_y = values.min()
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # floating point can make arange overshoot by one
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return cuts


def _user_bins(values: np.ndarray, breaks) -> np.ndarray:
    """The user's upper bounds, sorted, with the maximum appended when it lies above the last."""
    if breaks is None or len(breaks) == 0:
        raise InputError("klasse-indeling 'handmatig' heeft klassegrenzen nodig, bijvoorbeeld 40,60,80")
    upper = []
    for value in breaks:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if np.isnan(number):
            raise InputError(f"klassegrens {value!r} is geen getal; geef getallen, bijvoorbeeld 40,60,80")
        upper.append(number)
    upper.sort()
    if values.max() > upper[-1]:
        upper.append(float(values.max()))
    return np.array(upper)


def _distinct(bins: np.ndarray) -> np.ndarray:
    """Sorted bins without repeats: a repeated bound would only make an empty class."""
    bins = np.asarray(bins, dtype=float)
    keep = np.ones(len(bins), dtype=bool)
    keep[1:] = bins[1:] > bins[:-1]
    return bins[keep]


def _bin(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Class of every value for increasing upper bounds: ``j`` where ``bins[j-1] < value <= bins[j]``.

    This is mapclassify's ``bin1d`` for every value up to the last bound, which is always at
    least the maximum here.
    """
    return np.searchsorted(bins, values, side="left")


def _fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    import warnings

    import mapclassify

    # Without numba mapclassify warns that it uses pure Python; that is a deliberate choice here
    # (numba makes every mapclassify import take seconds longer), and the sample keeps it fast.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        return np.asarray(mapclassify.FisherJenks(values, k=k).bins, dtype=float)
