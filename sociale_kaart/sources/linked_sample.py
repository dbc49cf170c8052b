"""Synthetic linked extracts with a known truth, for tests and the demo (never real people).

Households are drawn in the given buurten; each gets support on a random set of leefgebieden
(more often several in buurten of higher need), and appears in the extract of each of them: Wmo
and schuldhulp placed by buurtcode, jeugdhulp by x/y inside its buurt, bijstand by postcode +
huisnummer (with an address table written beside them). Keys are nine-digit numbers that pass the
elfproef (BSN-like, as municipal systems export them) or household numbers; some households have
two records in one extract (two voorzieningen), which count once.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import shapely

#: leefgebied -> (file stem, key column, how placed)
EXTRACTS = {
    "Wmo": ("wmo_clienten", "bsn", "buurtcode"),
    "jeugdhulp": ("jeugdhulp", "BSN", "xy"),
    "bijstand": ("bijstand", "burgerservicenummer", "adres"),
    "schuldhulp": ("schuldhulp", "bsn", "buurtcode"),
}
#: Base chance of support per leefgebied (scaled by a buurt's need).
_CHANCE = {"Wmo": 0.09, "jeugdhulp": 0.06, "bijstand": 0.05, "schuldhulp": 0.03}


def bsn_like(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct nine-digit numbers that pass the elfproef (not real BSNs: drawn at random)."""
    found: set[str] = set()
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2])
    while len(found) < n:
        digits = rng.integers(0, 10, size=(4 * n, 8))
        digits[:, 0] = rng.integers(1, 10, size=4 * n)
        last = (digits @ weights) % 11
        ok = last < 10
        for row, d9 in zip(digits[ok], last[ok]):
            if (row @ weights - d9) != 0:
                found.add("".join(map(str, row)) + str(d9))
    return sorted(found)[:n]


def make_linked_extracts(buurten, folder: str | Path, *, households: int = 3000, seed: int = 23,
                         bsn: bool = True, weights=None) -> dict[str, Path]:
    """Write the extracts (one CSV per leefgebied) and ``adrestabel.csv`` in `folder`.

    Parameters
    ----------
    buurten : GeoDataFrame
        ``buurtcode`` and polygons in EPSG:28992.
    folder : str or Path
        Where the files go (created).
    households : int
        How many households are drawn (those without support appear in no extract).
    seed : int
        For the random generator: the same seed gives the same files.
    bsn : bool
        Keys BSN-like (nine digits, elfproef) or household numbers (``HH000123``).
    weights : array-like, optional
        Relative number of households per buurt (the KWB's); default: equal.

    Returns
    -------
    dict
        leefgebied -> path, and ``"adrestabel"`` -> path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    codes = buurten["buurtcode"].to_numpy()
    need = rng.gamma(2.0, 0.5, size=len(codes))  # some buurten need more
    if weights is None:
        home = rng.integers(0, len(codes), size=households)
    else:
        share = np.asarray(weights, dtype=float)
        home = rng.choice(len(codes), size=households, p=share / share.sum())
    keys = bsn_like(rng, households) if bsn else [f"HH{n:06d}" for n in range(1, households + 1)]
    rows = {area: [] for area in EXTRACTS}
    addresses = []
    for h in range(households):
        b = home[h]
        factor = need[b]
        chosen = [a for a in EXTRACTS if rng.random() < min(0.9, _CHANCE[a] * factor)]
        if chosen and rng.random() < 0.25 * factor:  # stacking: one more leefgebied where need is high
            chosen = sorted(set(chosen) | {str(rng.choice(list(EXTRACTS)))}, key=list(EXTRACTS).index)
        if not chosen:
            continue
        postcode = f"{3140 + b % 60:04d}{chr(65 + b % 26)}{chr(65 + (h // 26) % 26)}"
        number = str(1 + h % 200)
        x, y = _point_in(buurten.geometry.iloc[b], rng)
        for area in chosen:
            times = 2 if rng.random() < 0.15 else 1
            for _ in range(times):
                rows[area].append((keys[h], codes[b], x, y, postcode, number))
        if "bijstand" in chosen:
            addresses.append((postcode, number, codes[b]))
    paths = {}
    for area, (stem, key, how) in EXTRACTS.items():
        path = folder / f"{stem}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, delimiter=";")
            if how == "buurtcode":
                out.writerow([key, "buurtcode", "voorziening"])
                out.writerows([(k, c, "hulp") for k, c, *_ in rows[area]])
            elif how == "xy":
                out.writerow([key, "x", "y"])
                out.writerows([(k, f"{x:.1f}", f"{y:.1f}") for k, _c, x, y, *_ in rows[area]])
            else:
                out.writerow([key, "postcode", "huisnummer"])
                out.writerows([(k, p, n) for k, _c, _x, _y, p, n in rows[area]])
        paths[area] = path
    path = folder / "adrestabel.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(["postcode", "huisnummer", "buurtcode"])
        out.writerows(sorted(set(addresses)))
    paths["adrestabel"] = path
    return paths


def _point_in(polygon, rng: np.random.Generator) -> tuple[float, float]:
    """A random point well inside `polygon` (never on a border)."""
    inner = polygon.buffer(-5)
    inner = inner if not inner.is_empty else polygon
    xmin, ymin, xmax, ymax = inner.bounds
    for _ in range(200):
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        if inner.contains(shapely.Point(x, y)):
            return round(x, 1), round(y, 1)
    point = inner.representative_point()
    return round(point.x, 1), round(point.y, 1)
