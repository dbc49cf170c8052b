"""HTML map: render_html on the whole country and on one gemeente, against the floor.

Every measured run is a fresh Python process (imports count, as they do for a user). Per scope:

- ``render``: import the package, read the buurten (pyogrio), compute five indicators from the
  KWB CSV, classify them, render the page and write it;
- ``floor``: only ``import geopandas, pyogrio`` and a plain ``pyogrio.read_dataframe`` of the same
  buurten: what no map command can go below.

Targets: whole country under 8 s, under 8 MB of HTML, under 1 GB peak memory; one gemeente
(``sociale-kaart map``) under 2 s. Optionally the CLI and ``GeoDataFrame.explore()`` side by side.

    python bench/bench_map.py                    # render + floor, land and Maassluis, 3 runs each
    python bench/bench_map.py --cli --explore    # also the CLI and explore()
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, cpu_reference, run_measured  # noqa: E402

GRENZEN = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
KWB = SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv"
SCOPES = {"land": None, "Maassluis": "GM0556"}

EXPLORE = """
import sys, geopandas as gpd, pandas as pd
buurten = gpd.read_file(sys.argv[1], layer="buurten", engine="pyogrio")
kwb = pd.read_csv(sys.argv[2], sep=";", dtype={"Codering_3": str})
kwb["buurtcode"] = kwb["Codering_3"].str.strip()
kwb["wmo"] = pd.to_numeric(kwb["WmoClienten_93"], errors="coerce") / pd.to_numeric(kwb["AantalInwoners_5"], errors="coerce") * 1000
joined = buurten.merge(kwb[["buurtcode", "wmo"]], on="buurtcode", how="left")
joined.explore(column="wmo", scheme="quantiles", k=5, tooltip=["buurtnaam", "wmo"]).save(sys.argv[3])
"""

# Indicator key -> (numerator column(s), denominator column(s), scale) in the KWB CSV.
RATES = {
    "wmo_per_1000": (["WmoClienten_93"], ["AantalInwoners_5"], 1000),
    "bijstand_per_1000": (["PersonenPerSoortUitkeringBijstand_87"], ["AantalInwoners_5"], 1000),
    "pct_65plus": (["k_65JaarOfOuder_12"], ["AantalInwoners_5"], 100),
    "pct_jeugdzorg": (["JongerenMetJeugdzorgInNatura_91"], ["k_0Tot15Jaar_8", "k_15Tot25Jaar_9"], 100),
}


def child_floor(gemeente: str | None, timings: Path) -> None:
    start = time.perf_counter()
    import geopandas  # noqa: F401
    import pyogrio

    imported = time.perf_counter()
    where = f"gemeentecode = '{gemeente}'" if gemeente else None
    frame = pyogrio.read_dataframe(GRENZEN, layer="buurten", where=where)
    timings.write_text(json.dumps({"imports": imported - start, "read": time.perf_counter() - imported, "rows": len(frame)}))


def child_render(gemeente: str | None, timings: Path, out: Path) -> None:
    start = time.perf_counter()
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from sociale_kaart.combine.indicators import registry
    from sociale_kaart.render.classes import classify
    from sociale_kaart.render.webmap import render_html

    t = {"imports": time.perf_counter() - start}
    mark = time.perf_counter()
    where = f"gemeentecode = '{gemeente}'" if gemeente else None
    buurten = gpd.read_file(GRENZEN, layer="buurten", engine="pyogrio", where=where)
    buurten["wijknaam"] = "Wijk " + buurten["wijkcode"].str[-2:]
    t["read"], mark = time.perf_counter() - mark, time.perf_counter()

    kwb = pd.read_csv(KWB, sep=";", dtype=str)
    kwb.index = kwb["Codering_3"].str.strip()
    kwb = kwb.reindex(buurten["buurtcode"])
    number = lambda columns: sum(pd.to_numeric(kwb[c].str.strip(), errors="coerce") for c in columns)  # noqa: E731
    inhabitants = number(["AantalInwoners_5"]).to_numpy()
    small = inhabitants < 50
    columns = {}
    for key, (num, den, scale) in RATES.items():
        columns[key] = (number(num) / number(den) * scale).to_numpy()
    columns["pct_huur"] = number(["HuurwoningenTotaal_48"]).to_numpy()
    for key, values in columns.items():
        values = np.where(small, np.nan, values)
        buurten[key] = values
        buurten[f"{key}_status"] = np.where(small, "onderdrukt", np.where(np.isnan(values), "ontbreekt", "ok"))
    buurten["koppeling"] = np.where(kwb["Codering_3"].notna().to_numpy(), "gekoppeld", "alleen grenzen")
    indicators = registry()
    layers = [(indicators[key], classify(buurten[key], "kwantielen", 5)) for key in
              ("wmo_per_1000", "bijstand_per_1000", "pct_huur", "pct_65plus", "pct_jeugdzorg")]
    t["figures"], mark = time.perf_counter() - mark, time.perf_counter()

    page = render_html(buurten, layers, title="Sociale kaart", subtitle="Bron: CBS/Kadaster")
    t["render"], mark = time.perf_counter() - mark, time.perf_counter()
    out.write_text(page, encoding="utf-8")
    t["write"] = time.perf_counter() - mark
    t["rows"] = len(buurten)
    t["bytes"] = out.stat().st_size
    timings.write_text(json.dumps(t))


def measure(kind: str, scope: str, runs: int, work: Path) -> dict:
    """`runs` fresh processes of one child; wall min/median, stage medians, peak memory."""
    walls, stages, peak, code, stderr = [], [], 0.0, 0, ""
    for n in range(runs):
        timings = work / f"{kind}_{scope}_{n}.json"
        args = [sys.executable, __file__, "--child", kind, scope, str(timings), str(work / f"{scope}_kaart.html")]
        result = run_measured(args)
        walls.append(result["seconds"])
        peak = max(peak, result["peak_mb"])
        code, stderr = max(code, result["returncode"]), result["stderr"] or stderr
        if timings.exists():
            stages.append(json.loads(timings.read_text()))
    walls.sort()
    median_stages = {k: statistics.median(s[k] for s in stages) for k in (stages[0] if stages else {})}
    return {"min": walls[0], "median": walls[len(walls) // 2], "peak_mb": peak, "returncode": code,
            "stderr": stderr, "stages": median_stages}


def topology_check() -> str:
    import geopandas as gpd
    import numpy as np
    import shapely

    from sociale_kaart.render.topology import build_topology
    from sociale_kaart.render.webmap import auto_tolerance

    buurten = gpd.read_file(GRENZEN, layer="buurten", engine="pyogrio")
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


def _row(name: str, result: dict, size: float | None = None) -> str:
    status = "" if result["returncode"] == 0 else f"  (exit {result['returncode']}: {result['stderr'].strip()[-160:]})"
    size_text = f"{size / 1e6:8.1f}" if size is not None else f"{'':8}"
    return f"{name:52} {result['min']:7.2f} {result['median']:9.2f} {result['peak_mb']:8.0f} {size_text}{status}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli", action="store_true", help="also time `sociale-kaart map` (whole country)")
    parser.add_argument("--explore", action="store_true", help="also time GeoDataFrame.explore() (whole country)")
    parser.add_argument("--skip-topology", action="store_true")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "SCOPE", "TIMINGS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, scope, timings, out = args.child
        if kind == "floor":
            child_floor(SCOPES[scope], Path(timings))
        else:
            child_render(SCOPES[scope], Path(timings), Path(out))
        return

    work = Path(tempfile.mkdtemp(prefix="bench_map_"))
    print(f"{GRENZEN.name} (land: 11,638 buurten; Maassluis: 19), 5 indicators, {args.runs} fresh processes each, "
          f"2 cores; CPU reference loop {cpu_reference():.1f} s")
    print(f"{'':52} {'min s':>7} {'median s':>9} {'peak MB':>8} {'HTML MB':>8}")
    details = []
    for scope in SCOPES:
        floor = measure("floor", scope, args.runs, work)
        ours = measure("render", scope, args.runs, work)
        print(_row(f"{scope}: floor (import geopandas + pyogrio read)", floor))
        print(_row(f"{scope}: render_html, imports to file", ours, ours["stages"].get("bytes")))
        stages = ", ".join(f"{k} {v:.2f}" for k, v in ours["stages"].items() if k not in ("rows", "bytes"))
        details.append(f"  {scope} render stages (median s): {stages}; floor: imports {floor['stages'].get('imports', 0):.2f}, "
                       f"read {floor['stages'].get('read', 0):.2f}")
    if args.cli:
        out = work / "cli"
        result = run_measured(["sociale-kaart", "map", "--grenzen", str(GRENZEN), "--kwb", str(KWB), "--uitvoer", str(out)])
        result.update(min=result["seconds"], median=result["seconds"])
        html = next(out.glob("*_kaart.html"), None)
        print(_row("land: sociale-kaart map (CLI), 1 run", result, html.stat().st_size if html else None))
    if args.explore:
        plain = work / "explore.html"
        result = run_measured([sys.executable, "-c", EXPLORE, str(GRENZEN), str(KWB), str(plain)])
        result.update(min=result["seconds"], median=result["seconds"])
        print(_row("land: GeoDataFrame.explore() (1 indicator), 1 run", result, plain.stat().st_size if plain.exists() else None))
    print("\n".join(details))
    print("targets: land < 8 s, < 1,024 MB, < 8 MB HTML; one gemeente < 2 s")
    if not args.skip_topology:
        print("Shared borders after simplification:")
        print("  " + topology_check())


if __name__ == "__main__":
    main()
