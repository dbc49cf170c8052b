"""Memory of reading a whole-country KWB CSV with every column, against its size and plain pandas.

    python bench/bench_kwb_memory.py [--runs 3] [--rows 120000]

Writes a KWB table in the OData shape with every column of the real Rijnmond table in
``../shared/geodata/kwb/kwb_2024_buurten_rijnmond.csv`` (543 buurten, 120 columns), its rows repeated
under new buurtcodes to `rows` rows (120.000 rows make about 60 MB; a whole-country table with every
column, as the issue met it, was 185 MB). Then, in fresh processes and interleaved:
- ours: ``read_kwb`` (header, matching, numbers checked per column);
- the plain way: ``pandas.read_csv(sep=";", dtype=str)`` of every column;
- the floor: the imports.
Prints min/median wall time and peak memory, and the peak above the floor as a multiple of the file size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _measure import SHARED, interleaved, print_table

KWB = SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv"
FLOOR = "import pandas, numpy\nfrom sociale_kaart.sources import kwb"
OURS = FLOOR + "\ntable = kwb.read_kwb({path!r})\nassert len(table.buurten) == {rows}"
PLAIN = FLOOR + "\nframe = pandas.read_csv({path!r}, sep=';', dtype=str)\nassert len(frame) == {rows}"


def make_table(path: Path, rows: int) -> int:
    """The Rijnmond rows again and again, each copy with its own gemeente codes (GM9000 and up)."""
    lines = KWB.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    code = header.split(";").index("Codering_3")
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        for copy in range(rows // len(body) + 1):
            for line in body:
                if written == rows:
                    return path.stat().st_size
                cells = line.split(";")
                old = cells[code].strip()
                cells[code] = f"BU{9000 + copy % 999:04d}{old[6:]}"
                handle.write(";".join(cells) + "\n")
                written += 1
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=120_000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "kwb_2024_alle_kolommen.csv"
    size_mb = make_table(path, args.rows) / 1024 / 1024
    commands = {
        "ours: read_kwb": [sys.executable, "-c", OURS.format(path=str(path), rows=args.rows)],
        "plain: pandas.read_csv(dtype=str)": [sys.executable, "-c", PLAIN.format(path=str(path), rows=args.rows)],
        "floor: imports": [sys.executable, "-c", FLOOR],
    }
    summary = interleaved(commands, args.runs)
    print_table(f"KWB CSV, {args.rows:,} rows x every column ({size_mb:.0f} MB), {args.runs} interleaved rounds",
                summary)
    floor = summary["floor: imports"]["peak_mb"]
    for name in ("ours: read_kwb", "plain: pandas.read_csv(dtype=str)"):
        above = summary[name]["peak_mb"] - floor
        print(f"  {name}: {above:.0f} MB above the floor = {above / size_mb:.1f} x the file size")


if __name__ == "__main__":
    main()
