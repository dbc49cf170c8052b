"""Simplifying a polygon coverage so that neighbours keep sharing their borders exactly.

Simplifying every polygon on its own moves a shared border differently on each side and leaves
gaps and overlaps. Here the borders are simplified once and shared, the way TopoJSON works:

1. coordinates are snapped to a grid (1 m in RD New by default), so that vertices shared by two
   buurten are equal;
2. *junctions* are found: vertices where the set of neighbouring vertices differs between the
   rings that pass through them (where three buurten meet, or a border reaches the outline);
3. every ring is cut at its junctions into *arcs*; an arc shared by two buurten is stored once;
4. every arc is simplified once (Douglas-Peucker in GEOS, endpoints fixed), and rings are
   rebuilt from the simplified arcs.

Because both neighbours use the same simplified arc, their border stays identical. The arcs also
give wijk and gemeente borders for free: an arc whose two sides lie in different wijken is a
wijk border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass
class Topology:
    """Arcs and the rings that use them.

    Attributes
    ----------
    arcs : list of ndarray
        Simplified arc coordinates, each (n, 2) float, in the input CRS.
    shapes : list
        Per feature: list of polygons; per polygon: list of rings (exterior first); per ring: arc
        references, ``i`` for arc i forwards and ``~i`` (``-i - 1``) for arc i backwards.
    arc_features : list of tuple
        Per arc, the features whose rings use it (one for an outline, two for a shared border).
    n_input_vertices, n_output_vertices : int
        Vertex counts before and after (arcs counted once).
    """

    arcs: list[np.ndarray]
    shapes: list[list[list[list[int]]]]
    arc_features: list[tuple[int, ...]]
    n_input_vertices: int
    n_output_vertices: int

    def borders_between(self, groups: np.ndarray) -> list[int]:
        """Arcs that separate different groups (e.g. wijkcodes per feature), or lie on the outline.

        Examples
        --------
        >>> topo = build_topology([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], tolerance=0)
        >>> len(topo.borders_between(np.array(["A", "A"]))) < len(topo.borders_between(np.array(["A", "B"])))
        True
        """
        borders = []
        for index, users in enumerate(self.arc_features):
            if len(users) == 1 or len({groups[u] for u in users}) > 1:
                borders.append(index)
        return borders

    def ring_coordinates(self, refs: list[int]) -> np.ndarray:
        """Coordinates of a ring rebuilt from arc references (closed: first == last)."""
        parts = []
        for ref in refs:
            arc = self.arcs[ref] if ref >= 0 else self.arcs[~ref][::-1]
            parts.append(arc if not parts else arc[1:])
        return np.concatenate(parts)

    def to_geometries(self) -> list:
        """Rebuild shapely (Multi)Polygons, mainly for checks and static maps."""
        out = []
        for polys in self.shapes:
            built = [shapely.Polygon(self.ring_coordinates(rings[0]), [self.ring_coordinates(r) for r in rings[1:]])
                     for rings in polys]
            out.append(shapely.MultiPolygon(built) if len(built) != 1 else built[0])
        return out


def build_topology(geometries, tolerance: float, grid: float = 1.0) -> Topology:
    """Cut a polygon coverage into shared arcs and simplify each arc once.

    Parameters
    ----------
    geometries : array-like of Polygon or MultiPolygon
        The coverage (buurten), in a projected CRS such as EPSG:28992.
    tolerance : float
        Douglas-Peucker tolerance in CRS units (metres); 0 keeps every snapped vertex.
    grid : float
        Snapping grid in CRS units.

    Returns
    -------
    Topology

    Examples
    --------
    >>> left, right = shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)
    >>> topo = build_topology([left, right], tolerance=1)
    >>> shared = [a for a, users in enumerate(topo.arc_features) if len(users) == 2]
    >>> len(shared)
    1
    """
    geoms = np.asarray(geometries, dtype=object)
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    n_input = len(coords)
    ring_of = ring_of.astype(np.int32)

    # Drop each ring's closing vertex, snap to the grid and drop consecutive duplicates.
    starts = np.searchsorted(ring_of, np.arange(len(rings), dtype=np.int32))
    keep = np.ones(len(coords), dtype=bool)
    keep[np.r_[starts[1:], len(coords)] - 1] = False
    coords /= grid
    np.rint(coords, out=coords)
    key = (coords[:, 0].astype(np.int64) << 32) + coords[:, 1].astype(np.int64)
    del coords
    keep[1:] &= (key[1:] != key[:-1]) | (ring_of[1:] != ring_of[:-1])
    key, ring_of = key[keep], ring_of[keep]
    del keep

    # Rings that collapsed below a triangle are dropped (slivers under the grid size).
    n_rings = len(rings)
    counts = np.bincount(ring_of, minlength=n_rings).astype(np.int32)
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int32)
    valid_ring = counts >= 3
    index = np.arange(len(key), dtype=np.int32)
    pos = index - starts[ring_of]
    length = counts[ring_of]
    neighbour = np.where(pos == 0, index + length - 1, index - 1)
    prev_key = key[neighbour]
    neighbour = np.where(pos == length - 1, index - length + 1, index + 1)
    next_key = key[neighbour]
    del neighbour
    lo = np.minimum(prev_key, next_key)
    np.maximum(prev_key, next_key, out=prev_key)
    del next_key
    is_junction = _junctions(key, lo, prev_key)
    del lo, prev_key

    # Rings without a junction (islands, enclaves) get two, chosen by coordinate so that an enclave
    # and the hole it fills pick the same two.
    n_junctions = np.bincount(ring_of, weights=is_junction, minlength=n_rings)
    for ring in np.flatnonzero(valid_ring & (n_junctions < 2)):
        lo, hi = starts[ring], starts[ring] + counts[ring]
        is_junction[lo + int(np.argmin(key[lo:hi]))] = True
        is_junction[lo + int(np.argmax(key[lo:hi]))] = True

    # Rotate every ring to start at its first junction, then lay the rings out closed (first vertex
    # repeated) in one array, so that every arc is a contiguous slice of it.
    first_junction = np.zeros(n_rings, dtype=np.int32)
    junction_rings, first_at = np.unique(ring_of[is_junction], return_index=True)
    first_junction[junction_rings] = pos[np.flatnonzero(is_junction)[first_at]]
    rotated = starts[ring_of] + (pos + first_junction[ring_of]) % length
    del pos, length
    closed_at = index + ring_of  # room for one closing vertex after every ring
    del index
    closed_len = len(key) + n_rings
    closed_keys = np.empty(closed_len, dtype=np.int64)
    closed_keys[closed_at] = key[rotated]
    closed_keys[starts + np.arange(n_rings) + counts] = key[starts + first_junction]
    closed_junction = np.zeros(closed_len, dtype=bool)
    closed_junction[closed_at] = is_junction[rotated]
    del rotated, closed_at, key
    arc_starts = np.flatnonzero(closed_junction)
    ring_of_arc = np.repeat(np.arange(n_rings), np.bincount(ring_of[is_junction], minlength=n_rings))
    ring_end = starts + np.arange(n_rings) + counts  # the closing vertex
    arc_ends = np.r_[arc_starts[1:], 0]
    last_of_ring = np.r_[ring_of_arc[1:] != ring_of_arc[:-1], True]
    arc_ends[last_of_ring] = ring_end[ring_of_arc[last_of_ring]]

    feature_of_ring = part_feature[ring_part]
    arc_index: dict[bytes, int] = {}
    arc_slices: list[tuple[int, int]] = []
    arc_users: list[set[int]] = []
    ring_refs: list[list[int] | None] = [None] * n_rings
    for ring, a, b in zip(ring_of_arc.tolist(), arc_starts.tolist(), arc_ends.tolist()):
        if not valid_ring[ring]:
            continue
        chain = closed_keys[a:b + 1]
        forward = chain.tobytes()
        found = arc_index.get(forward)
        if found is None:
            backward = chain[::-1].tobytes()
            found = arc_index.get(backward)
            if found is None:
                found = len(arc_slices)
                arc_index[forward] = found
                arc_slices.append((a, b + 1))
                arc_users.append(set())
            else:
                found = ~found
        refs = ring_refs[ring]
        if refs is None:
            refs = ring_refs[ring] = []
        refs.append(found)
        arc_users[found if found >= 0 else ~found].add(int(feature_of_ring[ring]))

    arcs = _simplify_arcs(closed_keys, arc_slices, ring_refs, tolerance, grid)
    shapes: list[list[list[list[int]]]] = [[] for _ in range(len(geoms))]
    part_rings: dict[int, list[list[int]]] = {}
    exterior = np.r_[True, ring_part[1:] != ring_part[:-1]]
    for ring, refs in enumerate(ring_refs):
        part = int(ring_part[ring])
        if exterior[ring]:
            if refs is not None:
                part_rings[part] = [refs]
        elif refs is not None and part in part_rings:
            part_rings[part].append(refs)
    for part, rings_of_part in part_rings.items():
        shapes[int(part_feature[part])].append(rings_of_part)
    return Topology(
        arcs=arcs,
        shapes=shapes,
        arc_features=[tuple(sorted(u)) for u in arc_users],
        n_input_vertices=n_input,
        n_output_vertices=int(sum(len(a) for a in arcs)),
    )


def _junctions(key: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """True where a coordinate is passed with more than one distinct pair of neighbours."""
    # One 64-bit fingerprint per neighbour pair; a collision could only add a junction, which
    # costs a vertex, never a gap.
    pair = (lo.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (hi.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))
    order = np.argsort(key)
    k, p = key[order], pair[order]
    del pair
    group_start = np.r_[True, k[1:] != k[:-1]]
    first_pair = p[np.maximum.accumulate(np.where(group_start, np.arange(len(k)), 0))]
    differs = p != first_pair
    group_id = np.cumsum(group_start) - 1
    multi_group = np.bincount(group_id, weights=differs) > 0
    result = np.empty(len(key), dtype=bool)
    result[order] = multi_group[group_id]
    return result


def _simplify_arcs(closed_keys, arc_slices, ring_refs, tolerance, grid) -> list[np.ndarray]:
    lengths = np.array([b - a for a, b in arc_slices], dtype=np.int64)
    begin = np.array([a for a, _ in arc_slices], dtype=np.int64)
    gather = np.repeat(begin - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(lengths.sum())
    keys = closed_keys[gather]
    flat = np.column_stack((keys >> 32, keys & 0xFFFFFFFF)).astype(float) * grid
    split_at = np.cumsum(lengths)[:-1]
    if tolerance <= 0:
        return np.split(flat, split_at)
    lines = shapely.linestrings(flat, indices=np.repeat(np.arange(len(lengths)), lengths))
    simple, which = shapely.get_coordinates(shapely.simplify(lines, tolerance, preserve_topology=False), return_index=True)
    pieces = np.split(simple, np.flatnonzero(np.diff(which)) + 1)
    # A ring of two arcs (a lens) must keep an inner point on each, or it collapses to a line.
    needs_middle = np.zeros(len(lengths), dtype=bool)
    for refs in ring_refs:
        if refs is not None and len(refs) <= 2:
            needs_middle[[r if r >= 0 else ~r for r in refs]] = True
    for arc in np.flatnonzero(needs_middle & (lengths >= 3)):
        if len(pieces[arc]) < 3:
            original = flat[split_at[arc - 1] if arc else 0:][: lengths[arc]]
            pieces[arc] = np.vstack([original[0], _farthest(original), original[-1]])
    return pieces


def _farthest(line: np.ndarray) -> np.ndarray:
    start, end = line[0], line[-1]
    direction = end - start
    norm = np.hypot(*direction)
    inner = line[1:-1]
    if norm == 0:
        distance = np.hypot(*(inner - start).T)
    else:
        distance = np.abs(np.cross(direction, inner - start)) / norm
    return inner[int(np.argmax(distance))]
