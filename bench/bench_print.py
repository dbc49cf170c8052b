"""Documents and the whole run: Maassluis against the import floor, the 12 gemeenten of Rijnmond,
and an extrapolation to every wijkprofiel of the Netherlands and a briefing per gemeente.

    python bench/bench_print.py [--runs 3] [--skip-region] [--documents-only] [--before DIR]

1. ``maak`` for Maassluis (everything: tables, maps, static maps, 8 profiles, briefing) and the
   floor ``import geopandas, matplotlib.pyplot``, interleaved in the same rounds, so that the noise
   of this shared machine hits both alike. Targets: median within 5 s and within 3x the floor.
   With ``--before DIR`` (a checkout of an earlier revision, e.g. ``git archive main | tar -x``) the
   same ``maak`` of that code runs in the same rounds, and once for the 12 gemeenten.
2. ``maak`` for the 12 gemeenten of ``kwb_2024_buurten_rijnmond.csv`` on the 2024 Rijnmond map
   (once): wall time (target 60 s), the briefing's pages and size (target < 20 MB), and the size
   of each Maassluis wijkprofiel beside the same profile in a Maassluis run (target within 20 %).
3. The extrapolation of every product: the cost above Maassluis' run grows with the wijken; with
   the wijken of the national 2016 map and one run per gemeente for the fixed cost.
4. The extrapolation of what the target asks, every wijkprofiel and a briefing per gemeente in
   ONE run (``--product profielen --product briefing --briefing-per-gemeente``)::

       national = per_wijk * wijken of the country + per_gemeente * 342 + fixed

   ``fixed`` is what any run pays once (imports, reading, analysis, starting the typesetter);
   ``per_wijk`` a wijkprofiel and a wijk's pages in its briefing; ``per_gemeente`` what one more
   gemeente's briefing costs beyond its wijken (its cover, Kernpunten, overview map, list of
   aandachtsbuurten and annex). The difference of two runs is too small and too noisy for it
   (one more briefing against the noise of a shared machine), so it is measured directly: the 12
   gemeenten's briefings made and set in this process as the product makes them (one
   typesetter), without their wijk sections, per briefing (building a document builds its wijk
   sections too: their time, measured again, is taken off). Then the runs of Maassluis (1 briefing, 8 wijken) and of the 12
   gemeenten of Rijnmond (12 briefings, counted in the output, 157 wijken, which carry the growth
   of reading and analysing more buurten into ``per_wijk``) give ``per_wijk`` and ``fixed``.
   Maassluis and the direct measurement alternate in ``--runs`` rounds (median); the 12 gemeenten
   run once. For wall time (the target) and for CPU time (steadier on a shared machine). The model
   is linear: it leaves out what grows with the size of the country beyond the wijken (reading
   the national tables), and the 2016 map has fewer wijken than today's.

    python bench/bench_print.py --documents-only   # only 4 (a few minutes)
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
    parser.add_argument("--documents-only", action="store_true",
                        help="only the extrapolation of every wijkprofiel and a briefing per gemeente")
    args = parser.parse_args()
    _env()
    if args.documents_only:
        return documents_per_gemeente(args.runs)
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
    documents_per_gemeente(args.runs)


GEMEENTEN_2024 = 342
#: The options of the documents extrapolation: every wijkprofiel and a briefing per gemeente.
DOCUMENTS = ["--product", "profielen", "--product", "briefing", "--briefing-per-gemeente", "--stil"]


def documents_per_gemeente(runs: int) -> None:
    """Every wijkprofiel and a briefing per gemeente in one run: the model of the module's docstring,
    for wall time and for CPU time."""
    small = [*CLI, "maak", "--grenzen", str(REGION), "--kwb", str(KWB), "--gemeente", "Maassluis", *DOCUMENTS,
             "--uitvoer", str(OUT / "documenten_maassluis")]
    parts = []
    for _ in range(runs):  # the runs of Maassluis and the briefings without wijk pages, in the same rounds
        shutil.rmtree(OUT / "documenten_maassluis", ignore_errors=True)
        parts.append((run_measured(small), briefing_parts()))
    large = run_measured([*CLI, "maak", "--grenzen", str(REGION), "--kwb", str(KWB), *DOCUMENTS,
                          "--uitvoer", str(OUT / "documenten_12")])
    if large["returncode"] or any(run["returncode"] for run, _ in parts):
        raise SystemExit(f"a run failed: {large['stderr'].strip()[-300:]}")
    briefings = len(list((OUT / "documenten_12").glob("*_briefing.pdf")))
    n_small, n_large, n_land = wijken_in(REGION, "gemeentecode='GM0556'"), wijken_in(REGION), wijken_in(LAND)
    print(f"\nEvery wijkprofiel and a briefing per gemeente ({runs} rounds, load {os.getloadavg()[0]:.1f}):")
    for measure, key, index in (("wall", "seconds", 0), ("CPU", "cpu", 1)):
        maassluis = median([run[key] for run, _ in parts])
        per_gemeente = median([part[index] for _, part in parts])
        per_wijk = (large[key] - maassluis - (briefings - 1) * per_gemeente) / (n_large - n_small)
        fixed = maassluis - per_gemeente - per_wijk * n_small
        country = per_wijk * n_land + per_gemeente * GEMEENTEN_2024 + fixed
        print(f"  {measure}: Maassluis ({n_small} wijken) {maassluis:.1f} s, 12 gemeenten ({n_large} wijken, "
              f"{briefings} briefings) {large[key]:.1f} s, a briefing without its wijk pages {per_gemeente:.2f} s -> "
              f"{per_wijk:.3f} s per wijk, {fixed:.1f} s fixed; {n_land} wijken (2016 map) x {per_wijk:.3f} + "
              f"{GEMEENTEN_2024} x {per_gemeente:.2f} + {fixed:.1f} = {country / 60:.1f} min in one run"
              + (" (target 15 min)" if key == "seconds" else "")
              + f"; a run per gemeente: {(per_wijk * n_land + (per_gemeente + fixed) * GEMEENTEN_2024) / 60:.0f} min")


def briefing_parts() -> tuple[float, float]:
    """Wall and CPU seconds per gemeente of what a briefing holds beyond its wijk pages (cover,
    Kernpunten, overview map, the aandachtsbuurten, the annex), made and set for the 12 gemeenten in
    this process as the product makes them (one typesetter), their wijk sections left out (set
    out, and the time of building them taken off)."""
    import resource
    import time
    from dataclasses import replace

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from sociale_kaart.analysis.need import analyse
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.render.document.typeset import typeset_all
    from sociale_kaart.render.map_choice import map_classes, map_indicators
    from sociale_kaart.render.printing import PrintContext, _wijk_section, briefing_document, per_gemeente
    from sociale_kaart.settings import MapSettings, NeedSettings, Sources

    data = build(Sources(grenzen=REGION, kwb=KWB))
    analysis = analyse(data, NeedSettings())
    ctx = PrintContext(data, analysis, map_classes(data, analysis, map_indicators(data, MapSettings()), MapSettings()),
                       "1 januari 2026")

    def cpu() -> float:
        return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                   for f in ("ru_utime", "ru_stime"))

    start, used = time.perf_counter(), cpu()
    documents, parts = [], per_gemeente(ctx)
    for part in parts:
        wijken = set(part.data.wijken["wijknaam"])
        document = briefing_document(part, part.data.wijken)
        kept = tuple(s for s in document.sections if s.title not in wijken)
        assert len(document.sections) - len(kept) == len(wijken), "a wijk section has another title"
        documents.append(replace(document, sections=kept))
    typeset_all(documents)
    wall, busy = time.perf_counter() - start, cpu() - used
    start, used = time.perf_counter(), cpu()  # the wijk sections were built with the documents: that is per wijk
    for part in parts:
        for _, wijk in part.data.wijken.iterrows():
            _wijk_section(part, wijk)
    wall, busy = wall - (time.perf_counter() - start), busy - (cpu() - used)
    return wall / len(documents), busy / len(documents)


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


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
