"""One million registration records with coordinates, placed in buurten and counted.

    python bench/bench_registrations.py [--runs 3] [--records 1000000]

Writes a synthetic extract (x;y;categorie with decimal commas, as municipal exports are) over the
Maassluis buurten of the 2016 map, then times in fresh processes, interleaved:
- ours: ``read_registrations`` (reading, checking, placing, counting);
- the plain way: ``pd.read_csv(decimal=",")`` + ``geopandas.sjoin`` + a crosstab;
- the floor: the imports and reading the boundaries.
Prints min/median wall time and the peak memory of each process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from _measure import SHARED, interleaved, print_table

GRENZEN = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
SETUP = f"""
import time
from sociale_kaart.sources.boundaries import read_boundaries
buurten = read_boundaries({str(GRENZEN)!r}, ["GM0556"]).frame
"""
OURS = SETUP + """
from sociale_kaart.sources.registrations import read_registrations
reg = read_registrations({path!r}, buurten)
assert reg.summary.geplaatst > 0
"""
PLAIN = SETUP + """
import pandas as pd, geopandas as gpd
raw = pd.read_csv({path!r}, sep=";", decimal=",")
points = gpd.GeoDataFrame(raw[["categorie"]], geometry=gpd.points_from_xy(raw["x"], raw["y"]), crs="EPSG:28992")
hits = gpd.sjoin(points, buurten[["buurtcode", "geometry"]], predicate="within")
table = pd.crosstab(hits["buurtcode"], hits["categorie"])
"""


def make_extract(path: Path, n: int) -> None:
    import geopandas as gpd

    buurten = gpd.read_file(GRENZEN, layer="buurten", where="gemeentecode = 'GM0556'")
    xmin, ymin, xmax, ymax = buurten.total_bounds
    rng = np.random.default_rng(1)
    x = rng.uniform(xmin, xmax, n).round(2)
    y = rng.uniform(ymin, ymax, n).round(2)
    cats = rng.choice(["wmo", "schuldhulp", "jeugd", "overlast"], n)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("x;y;categorie\n")
        for chunk in range(0, n, 100_000):
            rows = [f"{a:.2f};{b:.2f};{c}".replace(".", ",") for a, b, c in
                    zip(x[chunk:chunk + 100_000], y[chunk:chunk + 100_000], cats[chunk:chunk + 100_000])]
            handle.write("\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "meldingen.csv"
    make_extract(path, args.records)
    commands = {
        "ours: read_registrations": [sys.executable, "-c", OURS.format(path=str(path))],
        "plain: read_csv + sjoin + crosstab": [sys.executable, "-c", PLAIN.format(path=str(path))],
        "floor: imports + boundaries": [sys.executable, "-c", SETUP],
    }
    summary = interleaved(commands, args.runs)
    print_table(f"{args.records:,} records with x/y (decimal comma), {args.runs} interleaved rounds", summary)
    ours = summary["ours: read_registrations"]["median"] - summary["floor: imports + boundaries"]["median"]
    plain = summary["plain: read_csv + sjoin + crosstab"]["median"] - summary["floor: imports + boundaries"]["median"]
    print(f"\n  above the floor (median): ours {ours:.2f} s, plain {plain:.2f} s")


if __name__ == "__main__":
    main()
