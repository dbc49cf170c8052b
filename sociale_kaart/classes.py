"""Class breaks (mapclassify) and colours for choropleths, shared by the HTML and print maps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .formatting import nl_number

#: Scheme names as the CLI offers them.
SCHEMES = ("kwantielen", "natuurlijk", "gelijk", "handmatig")

#: ColorBrewer OrRd: sequential with monotone lightness, so it survives greyscale print and is
#: distinguishable for the common forms of colour blindness.
PALETTES = {
    3: ["#fee8c8", "#fdbb84", "#e34a33"],
    4: ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"],
    5: ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
    6: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"],
    7: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
}
MISSING_COLOUR = "#d9d9d9"
SUPPRESSED_COLOUR = "#f2f2f2"
#: Above this many values Fisher-Jenks runs on a quantile-spaced sample of this size: the exact
#: method is O(n²) (about 8 minutes on the 11,638 buurten of the Netherlands without numba).
FISHER_JENKS_EXACT_MAX = 500


@dataclass
class Classes:
    """Upper bounds of each class, the lowest value, and the class of every value (-1: no value)."""

    bins: list[float]
    minimum: float | None
    classes: np.ndarray
    scheme: str

    @property
    def colours(self) -> list[str]:
        return palette(len(self.bins))

    def labels(self, decimals: int = 1) -> list[str]:
        """Legend labels with Dutch numbers: ``"8,3 – 44,6"``."""
        lows = [self.minimum] + self.bins[:-1]
        return [f"{nl_number(lo, decimals)} – {nl_number(hi, decimals)}" for lo, hi in zip(lows, self.bins)]


def palette(k: int) -> list[str]:
    """A sequential palette of `k` colours (1..7)."""
    if k <= 0:
        return []
    if k in PALETTES:
        return PALETTES[k]
    return PALETTES[5][-k:] if k < 3 else PALETTES[7]


def classify(
    values: pd.Series, scheme: str = "kwantielen", k: int = 5, breaks: list[float] | None = None
) -> Classes:
    """Classify `values` (NaN stays unclassified) with a mapclassify scheme.

    Parameters
    ----------
    values : Series
        Rates; NaN for missing or suppressed.
    scheme : {"kwantielen", "natuurlijk", "gelijk", "handmatig"}
        Quantiles, Fisher-Jenks natural breaks, equal interval, or the user's `breaks`.
    k : int
        Number of classes (3..7); fewer when there are fewer distinct values.
    breaks : list of float
        Upper bounds for ``"handmatig"``; the maximum is added when it lies above the last.

    Examples
    --------
    >>> c = classify(pd.Series([1.0, 2.0, 3.0, 4.0, None]), "gelijk", k=3)
    >>> c.classes.tolist(), c.labels()
    ([0, 0, 1, 2, -1], ['1,0 – 2,0', '2,0 – 3,0', '3,0 – 4,0'])
    """
    import mapclassify

    if scheme not in SCHEMES:
        raise InputError(f"onbekende klasse-indeling {scheme!r}; kies uit {', '.join(SCHEMES)}")
    if not 3 <= k <= 7 and scheme != "handmatig":
        raise InputError("het aantal klassen moet tussen 3 en 7 liggen")
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(numbers)
    classes = np.full(len(numbers), -1, dtype=int)
    present = numbers[known]
    if present.size == 0:
        return Classes([], None, classes, scheme)
    k = min(k, len(np.unique(present)))
    if scheme == "handmatig":
        if not breaks:
            raise InputError("klasse-indeling 'handmatig' heeft klassegrenzen nodig, bijvoorbeeld 40,60,80")
        upper = sorted(float(b) for b in breaks)
        if present.max() > upper[-1]:
            upper.append(float(present.max()))
        result = mapclassify.UserDefined(present, upper)
    elif k < 2:
        result = None
    elif scheme == "kwantielen":
        result = mapclassify.Quantiles(present, k=k)
    elif scheme == "gelijk":
        result = mapclassify.EqualInterval(present, k=k)
    elif present.size > FISHER_JENKS_EXACT_MAX:
        # A quantile-spaced sample (deterministic, unlike FisherJenksSampled's random one) keeps the
        # shape of the distribution; its breaks are then applied to all values.
        sample = np.quantile(present, np.linspace(0, 1, FISHER_JENKS_EXACT_MAX))
        breaks_ = _fisher_jenks(sample, k).bins
        result = mapclassify.UserDefined(present, list(breaks_[:-1]) + [present.max()])
    else:
        result = _fisher_jenks(present, k)
    if result is None:
        classes[known] = 0
        return Classes([float(present.max())], float(present.min()), classes, scheme)
    bins = [float(b) for b in result.bins]
    keep = [i for i, b in enumerate(bins) if i == 0 or b > bins[i - 1]]  # quantiles on ties repeat bins
    yb = np.asarray(result.yb)
    remap = np.searchsorted(keep, yb, side="left")
    classes[known] = remap
    return Classes([bins[i] for i in keep], float(present.min()), classes, scheme)



def _fisher_jenks(values: np.ndarray, k: int):
    import warnings

    import mapclassify

    # Without numba mapclassify warns that it uses pure Python; that is a deliberate choice here
    # (numba makes every mapclassify import take seconds longer), and the sample keeps it fast.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        return mapclassify.FisherJenks(values, k=k)
