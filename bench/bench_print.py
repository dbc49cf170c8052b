"""Print products for Maassluis (8 wijken, 19 buurten): wall time and peak memory of the CLI.

Target (issue 5): all wijk profiles plus the briefing pack in under 15 s on this 2-core machine.
`briefing --met-profielen` does both in one run (one import, one analysis, profiles drawn in a
helper process while the briefing is drawn); the separate commands are shown beside it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import SHARED, cpu_reference, repeated  # noqa: E402

GRENZEN = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
KWB = SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv"


def main() -> None:
    base = ["--grenzen", str(GRENZEN), "--kwb", str(KWB), "--gemeente", "Maassluis"]
    runs = [
        ("briefing --met-profielen (8 profielen + briefing)", ["briefing", "--met-profielen"]),
        ("profiel (8 profielen)", ["profiel"]),
        ("briefing (12 pagina's)", ["briefing"]),
    ]
    print(f"Maassluis: 2016 buurtgrenzen, KWB 2024, 2 cores; CPU reference loop {cpu_reference():.1f} s")
    print(f"{'':52} {'min s':>7} {'median s':>9} {'peak MB':>8}")
    for name, args in runs:
        out = tempfile.mkdtemp(prefix="bench_print_")
        result = repeated(["sociale-kaart", *args, *base, "--uitvoer", out], 3)
        status = "" if result["returncode"] == 0 else f"  (exit {result['returncode']}: {result['stderr'][-200:]})"
        print(f"{name:52} {result['min']:7.1f} {result['median']:9.1f} {result['peak_mb']:8.0f}{status}")
    print("target: profiles + briefing < 15 s")


if __name__ == "__main__":
    main()
