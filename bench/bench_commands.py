"""Single-gemeente commands on real data (Maassluis), against today's commands and the import floor.

    python bench/bench_commands.py [--runs 5] [--vs REV]

Every round runs every command once (interleaved), so that the noise of this shared machine hits
all of them alike; figures are min and median wall time and the peak memory of the process tree.
The floors are the imports a run needs, measured in the same rounds. With ``--vs REV`` the same
commands of revision REV (default 1dba533, before the single orchestrator) run beside them, from a
git worktree of that revision.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from _measure import SHARED, interleaved, old_checkout, print_table

GRENZEN = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
KWB = SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv"
OUT = Path(tempfile.mkdtemp(prefix="bench-commands-"))

COMMANDS = {
    "join": ["join"],
    "map": ["map"],
    "flag": ["flag"],
    "plot": ["plot"],
    "profiel": ["profiel"],
    "briefing --met-profielen": ["briefing", "--met-profielen"],
}
FLOORS = {
    "floor: python": "pass",
    "floor: geopandas": "import geopandas",
    "floor: geopandas+pyplot": "import geopandas, matplotlib.pyplot",
    "floor: + folium": "import geopandas, matplotlib.pyplot, folium",
    "floor: import mapclassify": "import mapclassify",
    "floor: import esda": "import esda",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vs", default="1dba533", help="revision of 'today's commands'; '' to skip")
    args = parser.parse_args()
    data = ["--grenzen", str(GRENZEN), "--kwb", str(KWB), "--gemeente", "Maassluis"]
    commands = {}
    for name, cmd in COMMANDS.items():
        commands[f"new {name}"] = [sys.executable, "-m", "sociale_kaart.cli", *cmd, *data, "--uitvoer", str(OUT / "new"), "--stil"]
    commands["new maak (alles)"] = [sys.executable, "-m", "sociale_kaart.cli", "maak", *data, "--uitvoer", str(OUT / "new"),
                                    "--stil"]
    if args.vs:
        old = old_checkout(args.vs)
        env_python = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(old)!r}); "
                      "from sociale_kaart.cli import main; sys.argv[0] = 'sociale-kaart'; main()"]
        for name, cmd in COMMANDS.items():
            commands[f"old {name}"] = [*env_python, *cmd, *data, "--uitvoer", str(OUT / "old")]
        commands["old demo (alles, voorbeeld)"] = [*env_python, "demo", "--uitvoer", str(OUT / "old")]
    commands["new demo (alles, voorbeeld)"] = [sys.executable, "-m", "sociale_kaart.cli", "demo", "--uitvoer",
                                               str(OUT / "new"), "--stil"]
    for name, code in FLOORS.items():
        commands[name] = [sys.executable, "-c", code]

    def clean(name):
        shutil.rmtree(OUT, ignore_errors=True)

    summary = interleaved(commands, args.runs, before=clean)
    print(f"Maassluis (19 buurten), {args.runs} interleaved rounds; cpu {os.cpu_count()} cores")
    print_table("Commands and floors", summary)
    new_maak = summary["new maak (alles)"]["median"]
    floor = summary["floor: + folium"]["median"] if "floor: + folium" in summary else 0
    print(f"\n  maak above the floor of geopandas+pyplot: "
          f"{new_maak - summary['floor: geopandas+pyplot']['median']:.2f} s (median)")
    del floor


if __name__ == "__main__":
    main()
