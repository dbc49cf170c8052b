"""Import plus one quantile classification of 19 values (Maassluis has 19 buurten), in a fresh process.

Each run starts a new interpreter, so the import is counted as a user of the CLI pays it. The
commands are interleaved (one run of each per round, 5 rounds) so that a slow moment of this
shared machine hits all of them alike; ``python -c pass`` is the floor of starting Python.

- ours, list: ``sociale_kaart.render.classes`` (numpy only) on a list of floats;
- ours, Series: the same on a pandas Series, so pandas' import is counted too (the maps pass one);
- mapclassify: ``import mapclassify`` and ``mapclassify.Quantiles``, what classes.py did before.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

VALUES = [83.1, 12.5, 40.0, 40.0, 55.7, 61.2, 9.8, 33.3, 47.9, 70.0, 40.0, 28.6, 91.4, 18.2, 66.7, 50.0,
          50.0, 22.1, 35.5]
ROUNDS = 5

COMMANDS = {
    "python -c pass (floor)": "pass",
    "ours, list": (
        "import sys\n"
        "from sociale_kaart.render.classes import classify\n"
        f"classify({VALUES!r}, 'kwantielen', 5)\n"
        "assert 'mapclassify' not in sys.modules and 'pandas' not in sys.modules\n"
    ),
    "ours, pandas Series": (
        "import sys\n"
        "import pandas as pd\n"
        "from sociale_kaart.render.classes import classify\n"
        f"classify(pd.Series({VALUES!r}), 'kwantielen', 5)\n"
        "assert 'mapclassify' not in sys.modules\n"
    ),
    "import mapclassify + Quantiles": (
        "import mapclassify\n"
        f"mapclassify.Quantiles({VALUES!r}, k=5)\n"
    ),
}


def run(code: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed:\n{code}\n{done.stderr}")
    return seconds


def main() -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(ROUNDS):
        for name, code in COMMANDS.items():
            times[name].append(run(code))
    print(f"import + quantiles (k=5) of {len(VALUES)} values in a new process, {ROUNDS} interleaved runs")
    print(f"{'':34} {'min s':>7} {'median s':>9}")
    for name, seconds in times.items():
        print(f"{name:34} {min(seconds):7.3f} {statistics.median(seconds):9.3f}")
    floor = statistics.median(times["python -c pass (floor)"])
    ours = statistics.median(times["ours, pandas Series"]) - floor
    theirs = statistics.median(times["import mapclassify + Quantiles"]) - floor
    print(f"above the floor (medians): ours with a Series {ours:.3f} s, mapclassify {theirs:.3f} s")


if __name__ == "__main__":
    main()
