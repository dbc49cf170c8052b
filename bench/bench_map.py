"""Whole-country HTML map: `sociale-kaart map` against GeoDataFrame.explore(), side by side.

Targets (issue 4): under 8 s wall time for the CLI, under 8 MB of HTML, under 1 GB peak memory, and
neighbouring buurten sharing their borders exactly after simplification.

    python bench/bench_map.py              # both
    python bench/bench_map.py --skip-explore
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, cpu_reference, repeated, run_measured  # noqa: E402

GRENZEN = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
KWB = SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv"

EXPLORE = """
import sys, geopandas as gpd, pandas as pd
buurten = gpd.read_file(sys.argv[1], layer="buurten", engine="pyogrio")
kwb = pd.read_csv(sys.argv[2], sep=";", dtype={"Codering_3": str})
kwb["buurtcode"] = kwb["Codering_3"].str.strip()
kwb["wmo"] = pd.to_numeric(kwb["WmoClienten_93"], errors="coerce") / pd.to_numeric(kwb["AantalInwoners_5"], errors="coerce") * 1000
joined = buurten.merge(kwb[["buurtcode", "wmo"]], on="buurtcode", how="left")
joined.explore(column="wmo", scheme="quantiles", k=5, tooltip=["buurtnaam", "wmo"]).save(sys.argv[3])
"""


def topology_check() -> str:
    import numpy as np
    import shapely

    from sociale_kaart.boundaries import read_boundaries
    from sociale_kaart.topology import build_topology
    from sociale_kaart.webmap import auto_tolerance

    buurten = read_boundaries(GRENZEN)
    tolerance = auto_tolerance(buurten.total_bounds)
    topo = build_topology(buurten.geometry.values, tolerance)
    shared = sum(len(users) == 2 for users in topo.arc_features)
    rebuilt = shapely.make_valid(np.array(topo.to_geometries(), dtype=object))
    union = shapely.union_all(rebuilt).area
    overlap = shapely.area(rebuilt).sum() - union
    original = shapely.union_all(buurten.geometry.values).area
    return (
        f"tolerance {tolerance:.1f} m; vertices {topo.n_input_vertices:,} -> {topo.n_output_vertices:,}; "
        f"{len(topo.arcs):,} arcs, {shared:,} shared by two buurten (one arc, identical on both sides)\n"
        f"  overlap between simplified buurten: {overlap / 1e6:.3f} km2 of {union / 1e6:,.0f} km2; "
        f"covered area vs original: {(union - original) / 1e6:+.2f} km2 (outline simplification)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-explore", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench_map_"))
    rows = []
    print(f"Whole country, {GRENZEN.name} (11,638 buurten), 2 cores; CPU reference loop {cpu_reference():.1f} s")
    ours = repeated(["sociale-kaart", "map", "--grenzen", str(GRENZEN), "--kwb", str(KWB), "--uitvoer", str(out)], args.runs)
    html = next(out.glob("*_kaart.html"))
    rows.append((f"sociale-kaart map (CLI, 5 indicators), {args.runs} runs", ours, html.stat().st_size))
    if not args.skip_explore:
        plain = out / "explore.html"
        result = run_measured([sys.executable, "-c", EXPLORE, str(GRENZEN), str(KWB), str(plain)])
        result = {"min": result["seconds"], "median": result["seconds"], **result}
        rows.append(("GeoDataFrame.explore() + save (1 indicator), 1 run", result, plain.stat().st_size if plain.exists() else 0))
    print(f"{'':52} {'min s':>7} {'median s':>9} {'peak MB':>8} {'HTML MB':>8}")
    for name, result, size in rows:
        status = "" if result["returncode"] == 0 else f"  (exit {result['returncode']})"
        print(f"{name:52} {result['min']:7.1f} {result['median']:9.1f} {result['peak_mb']:8.0f} {size / 1e6:8.1f}{status}")
    print("targets: < 8 s, < 1,024 MB (whole process tree), < 8 MB")
    print("Shared borders after simplification:")
    print("  " + topology_check())


if __name__ == "__main__":
    main()
