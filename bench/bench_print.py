"""Documents and the whole run: Maassluis against the import floor, the 12 gemeenten of Rijnmond,
and an extrapolation to every wijkprofiel of the Netherlands and a briefing per gemeente.

    python bench/bench_print.py [--runs 3] [--skip-region] [--before DIR]

1. ``maak`` for Maassluis (everything: tables, maps, static maps, 8 profiles, briefing) and the
   floor ``import geopandas, matplotlib.pyplot``, interleaved in the same rounds, so that the noise
   of this shared machine hits both alike. Targets: median within 5 s and within 3x the floor.
   With ``--before DIR`` (a checkout of an earlier revision, e.g. ``git archive main | tar -x``) the
   same ``maak`` of that code runs in the same rounds, and once for the 12 gemeenten.
2. ``maak`` for the 12 gemeenten of ``kwb_2024_buurten_rijnmond.csv`` on the 2024 Rijnmond map
   (once): wall time (target 60 s), the briefing's pages and size (target < 20 MB), and the size
   of each Maassluis wijkprofiel beside the same profile in a Maassluis run (target within 20 %).
3. The extrapolation: the cost above Maassluis' run grows with the wijken (a profile and a
   briefing page each); with the wijken of the national 2016 map and one run per gemeente for
   the fixed cost, it gives the hours of every wijkprofiel and every gemeente's briefing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import ROOT, SHARED, interleaved, print_table, run_measured  # noqa: E402

LAND = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
REGION = SHARED / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg"
KWB = SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv"
OUT = Path(tempfile.mkdtemp(prefix="bench-print-"))
CLI = [sys.executable, "-m", "sociale_kaart.cli"]


def _env() -> None:
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])  # this checkout


def wijken_in(path: Path, where: str | None = None) -> int:
    """The wijken of a map (from its buurten: the Rijnmond extract has no wijk layer)."""
    import pyogrio

    buurten = pyogrio.read_dataframe(path, layer="buurten", where=where, read_geometry=False, columns=["wijkcode"])
    return buurten["wijkcode"].nunique()


def profile_sizes(folder: Path) -> dict[str, int]:
    return {p.name.split("_")[1]: p.stat().st_size for p in folder.glob("*_wijkprofielen/*.pdf")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-region", action="store_true")
    parser.add_argument("--region-only", action="store_true", help="one Maassluis run instead of the rounds")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision, run beside this one")
    args = parser.parse_args()
    _env()
    maassluis = ["--grenzen", str(REGION), "--kwb", str(KWB), "--gemeente", "Maassluis"]
    commands = {"maak Maassluis (alles)": [*CLI, "maak", *maassluis, "--uitvoer", str(OUT / "m"), "--stil"],
                "floor: import geopandas, matplotlib.pyplot": [sys.executable, "-c",
                                                               "import geopandas, matplotlib.pyplot"]}
    before = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(args.before)!r}); "
              "from sociale_kaart.cli import main; sys.argv[0] = 'sociale-kaart'; main()"] if args.before else None
    if before and not args.region_only:
        commands["maak Maassluis, before"] = [*before, "maak", *maassluis, "--uitvoer", str(OUT / "b"), "--stil"]
    if args.region_only:
        maak = run_measured(commands["maak Maassluis (alles)"])["seconds"]
        print(f"maak Maassluis (one run): {maak:.1f} s, load {os.getloadavg()[0]:.1f}")
    else:
        def empty(_):
            for folder in ("m", "b"):
                shutil.rmtree(OUT / folder, ignore_errors=True)
        summary = interleaved(commands, args.runs, before=empty)
        print(f"{args.runs} interleaved rounds, {len(os.sched_getaffinity(0))} cores, load {os.getloadavg()[0]:.1f}")
        print_table("Maassluis against the floor", summary)
        maak, floor = (summary[k]["median"] for k in list(commands)[:2])
        print(f"  maak / floor: {maak / floor:.1f}x (target: maak <= 5 s and <= 3x the floor)")
        if before:
            old, new = summary["maak Maassluis, before"], summary["maak Maassluis (alles)"]
            print(f"  before / now: wall {old['median'] / new['median']:.2f}x, CPU {old['cpu'] / new['cpu']:.2f}x")
        run_measured(commands["maak Maassluis (alles)"])  # the output of one run stays for the sizes below
    if args.skip_region:
        return
    region = run_measured([*CLI, "maak", "--grenzen", str(REGION), "--kwb", str(KWB), "--uitvoer", str(OUT / "r"),
                           "--stil"])
    if before:
        old = run_measured([*before, "maak", "--grenzen", str(REGION), "--kwb", str(KWB), "--uitvoer", str(OUT / "rb"),
                            "--stil"])
        print(f"\n12 gemeenten, before: {old['seconds']:.1f} s wall, {old['cpu']:.0f} s CPU, load {os.getloadavg()[0]:.1f}")
    briefing = next((OUT / "r").glob("*_briefing.pdf"))
    from pikepdf import Pdf

    with Pdf.open(briefing) as pdf:
        pages = len(pdf.pages)
    n_region = wijken_in(REGION)
    print(f"\n12 gemeenten ({n_region} wijken): maak {region['seconds']:.1f} s ({region['cpu']:.0f} s CPU), load {os.getloadavg()[0]:.1f} (target 60 s), peak "
          f"{region['peak_mb']:.0f} MB; briefing {pages} pagina's, {briefing.stat().st_size / 1e6:.1f} MB (target < 20 MB)")
    own, in_region = profile_sizes(OUT / "m"), profile_sizes(OUT / "r")
    ratios = {code: in_region[code] / size for code, size in own.items() if code in in_region}
    print("  Maassluis profiles, size in the region run / in the Maassluis run: "
          + ", ".join(f"{c} {r:.2f}" for c, r in sorted(ratios.items())) + " (target 0,80-1,20)")
    n_maassluis = wijken_in(REGION, "gemeentecode='GM0556'")
    n_land, gemeenten = wijken_in(LAND), 342  # the 2016 map of the Netherlands; gemeenten of 2024
    extrapolate("every product", maak, region["seconds"], n_maassluis, n_region, n_land, gemeenten)
    # What the target asks: every wijkprofiel and a briefing per gemeente, nothing else.
    documents = ["--product", "profielen", "--product", "briefing", "--stil"]
    small = run_measured([*CLI, "maak", *maassluis, *documents, "--uitvoer", str(OUT / "dm")])["seconds"]
    large = run_measured([*CLI, "maak", "--grenzen", str(REGION), "--kwb", str(KWB), *documents,
                          "--uitvoer", str(OUT / "dr")])["seconds"]
    extrapolate("profiles and briefing only", small, large, n_maassluis, n_region, n_land, gemeenten)


def extrapolate(what: str, small: float, large: float, n_small: int, n_large: int, n_land: int, gemeenten: int):
    """The cost per wijk (from a small and a large run) and the fixed cost per run, for the whole country."""
    per_wijk = (large - small) / (n_large - n_small)
    fixed = max(small - per_wijk * n_small, 0.0)
    country = per_wijk * n_land + fixed * gemeenten
    print(f"\nExtrapolation, {what} (Maassluis {small:.1f} s, 12 gemeenten {large:.1f} s): {per_wijk:.2f} s per "
          f"wijk above a fixed {fixed:.1f} s per run; {n_land} wijken (2016 map) and {gemeenten} gemeenten, one run "
          f"each: {country / 60:.0f} min (target 15 min); one run of all: {(per_wijk * n_land + fixed) / 60:.0f} min")


if __name__ == "__main__":
    main()
