"""Wall time and peak memory of a command, summed over its process tree (a helper process counts)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SOCIALE_KAART_SHARED", ROOT.parent / "shared" / "geodata"))


def _tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo += [int(c) for c in handle.read().split()]
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total


def run_measured(args: list[str], interval: float = 0.02) -> dict:
    """Run `args`; return wall seconds, peak RSS (MB) of the whole process tree and the exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(interval)
    wall = time.perf_counter() - start
    stderr = process.stderr.read()
    return {"seconds": wall, "peak_mb": peak / 1024, "returncode": process.returncode, "stderr": stderr}


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop: how fast this (shared, noisy) machine is right now.

    On the 2-core machines here it ranged from 2.9 s to 4.6 s within minutes, so every figure of a
    bench should be read beside it.
    """
    start = time.perf_counter()
    sum(i * i for i in range(20_000_000))
    return time.perf_counter() - start


def repeated(args: list[str], runs: int) -> dict:
    """`run_measured` `runs` times; minimum and median wall time, largest peak memory."""
    results = [run_measured(args) for _ in range(runs)]
    seconds = sorted(r["seconds"] for r in results)
    return {
        "min": seconds[0],
        "median": seconds[len(seconds) // 2],
        "peak_mb": max(r["peak_mb"] for r in results),
        "returncode": max(r["returncode"] for r in results),
        "stderr": results[-1]["stderr"],
    }
