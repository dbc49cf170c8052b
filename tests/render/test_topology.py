import itertools

import numpy as np
import pytest
import shapely

from sociale_kaart.sources.boundaries import read_boundaries
from sociale_kaart.render.topology import build_topology


def test_neighbours_share_identical_borders_after_simplification(buurten_2016):
    vlaardingen = read_boundaries(buurten_2016, ["GM0622"]).frame
    original = vlaardingen.geometry.values
    topo = build_topology(original, tolerance=15)
    simplified = np.array(topo.to_geometries(), dtype=object)
    assert topo.n_output_vertices < topo.n_input_vertices / 2
    tree = shapely.STRtree(original)
    pairs = {(a, b) for a, b in tree.query(original, predicate="touches").T if a < b}
    shared = [(a, b) for a, b in pairs if shapely.intersection(original[a], original[b]).length > 1]
    assert len(shared) > 50
    for a, b in shared:
        border = shapely.intersection(shapely.boundary(simplified[a]), shapely.boundary(simplified[b]))
        assert border.length > 0, (a, b)
        # No overlap from simplification: the two buurten meet on a line, not on an area.
        overlap = shapely.intersection(shapely.make_valid(simplified[a]), shapely.make_valid(simplified[b])).area
        assert overlap < 1.0, (a, b, overlap)
    # No gaps: the simplified buurten cover the same land as the original within the tolerance band.
    original_union = shapely.union_all(original)
    simplified_union = shapely.union_all(shapely.make_valid(simplified))
    assert shapely.difference(original_union.buffer(-20), simplified_union).area < 1.0


def test_enclave_and_its_hole_use_the_same_arc():
    outer = shapely.Polygon(shapely.box(0, 0, 100, 100).exterior.coords, [shapely.Point(50, 50).buffer(20).exterior.coords])
    inner = shapely.Point(50, 50).buffer(20)
    topo = build_topology([outer, inner], tolerance=2)
    inner_arcs = {r if r >= 0 else ~r for r in itertools.chain.from_iterable(topo.shapes[1][0])}
    hole_arcs = {r if r >= 0 else ~r for r in itertools.chain.from_iterable(topo.shapes[0][0][1:])}
    assert inner_arcs == hole_arcs
    rebuilt = topo.to_geometries()
    assert rebuilt[0].is_valid and rebuilt[1].is_valid
    assert rebuilt[0].area + rebuilt[1].area == pytest.approx(100 * 100, rel=1e-3)


def test_zero_tolerance_keeps_every_vertex():
    square = shapely.box(0, 0, 10, 10)
    topo = build_topology([square], tolerance=0)
    assert shapely.equals(topo.to_geometries()[0], square)


def test_queen_neighbours_match_libpysal_on_real_buurten(buurten_2016):
    import warnings

    import libpysal

    from sociale_kaart.analysis.neighbours import queen_neighbours

    area = read_boundaries(buurten_2016, ["GM0556", "GM0622"]).frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = libpysal.weights.Queen.from_dataframe(area, use_index=False)
    mine = queen_neighbours(area.geometry.values)
    assert [n.tolist() for n in mine] == [sorted(reference.neighbors[i]) for i in range(len(area))]
