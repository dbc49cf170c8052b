"""Queen contiguity of a polygon coverage, for the spatial statistics of the need analysis.

CBS buurten form a coverage with shared vertices, so neighbours are found from snapped vertex keys
in one sort, without the polygon-by-polygon comparisons of ``libpysal.weights.Queen``.
"""

from __future__ import annotations

import numpy as np
import shapely


def queen_neighbours(geometries, grid: float = 0.1) -> list[np.ndarray]:
    """Queen contiguity: features that share at least one vertex (snapped to `grid` units).

    CBS buurten form a coverage with shared vertices, so this finds the neighbours of
    ``libpysal.weights.Queen`` at a fraction of the time (no polygon-by-polygon comparison).
    The default 10 cm snap matters on real data: in the 2016 Wijk- en Buurtkaart neighbours often
    differ by less than a centimetre, and exact matching reports 209 islands where there are 104
    (the count is stable from 10 cm to 1 m).

    Returns
    -------
    list of ndarray
        Per feature, the sorted indices of its neighbours (empty for an island).

    Examples
    --------
    >>> [n.tolist() for n in queen_neighbours([shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2), shapely.box(5, 5, 6, 6)])]
    [[1], [0], []]
    """
    geoms = np.asarray(geometries, dtype=object)
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    coords, part_of = shapely.get_coordinates(parts, return_index=True)
    feature = part_feature[part_of].astype(np.int64)
    coords /= grid
    np.rint(coords, out=coords)
    key = (coords[:, 0].astype(np.int64) << 32) + coords[:, 1].astype(np.int64)
    del coords
    order = np.lexsort((feature, key))
    key, feature = key[order], feature[order]
    distinct = np.r_[True, (key[1:] != key[:-1]) | (feature[1:] != feature[:-1])]
    key, feature = key[distinct], feature[distinct]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    pairs = [np.column_stack((feature[starts[sizes >= 2]], feature[starts[sizes >= 2] + 1]))]
    for size in np.unique(sizes[sizes >= 3]):  # vertices where three or more features meet
        group = starts[sizes == size][:, None] + np.arange(size)
        members = feature[group]
        for i in range(size):
            for j in range(i + 1, size):
                if (i, j) != (0, 1):
                    pairs.append(np.column_stack((members[:, i], members[:, j])))
    pairs = np.concatenate(pairs)
    n = np.int64(len(geoms))
    codes = np.unique(np.concatenate([pairs[:, 0] * n + pairs[:, 1], pairs[:, 1] * n + pairs[:, 0]]))
    first, second = codes // n, codes % n
    counts = np.bincount(first, minlength=len(geoms))
    return np.split(second, np.cumsum(counts)[:-1])
