"""Wall time and peak memory of a command, summed over its process tree (a helper process counts)."""

from __future__ import annotations

import os
import resource
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
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(interval)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the tree's CPU: its workers are reaped by it
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    stderr = process.stderr.read()
    return {"seconds": wall, "cpu": cpu, "peak_mb": peak / 1024, "returncode": process.returncode, "stderr": stderr}


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


def interleaved(commands: dict[str, list[str]], runs: int, before=None) -> dict[str, dict]:
    """Run every command once per round, `runs` rounds, so that the machine's noise hits all alike.

    Returns per name the minimum and median wall time and the largest peak memory of the tree.
    `before(name)` runs before each command (e.g. to empty an output folder).
    """
    results: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            if before:
                before(name)
            results[name].append(run_measured(args))
    summary = {}
    for name, rows in results.items():
        seconds = sorted(r["seconds"] for r in rows)
        cpu = sorted(r["cpu"] for r in rows)
        summary[name] = {"min": seconds[0], "median": seconds[len(seconds) // 2], "cpu": cpu[len(cpu) // 2],
                         "peak_mb": max(r["peak_mb"] for r in rows),
                         "returncode": max(r["returncode"] for r in rows), "stderr": rows[-1]["stderr"]}
    return summary


def old_checkout(rev: str) -> Path:
    """A checkout of `rev` of this repository in a temporary folder (for 'today's command')."""
    import tempfile

    target = Path(tempfile.gettempdir()) / f"sociale-kaart-{rev}"
    if not target.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), rev], check=True,
                       capture_output=True)
    return target


def print_table(title: str, summary: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"  {'':<44} {'min s':>7} {'median s':>9} {'CPU s':>7} {'peak MB':>8}")
    for name, row in summary.items():
        flag = "" if row["returncode"] == 0 else f"  (exit {row['returncode']}: {row['stderr'].strip()[-120:]})"
        cpu = f"{row['cpu']:7.2f}" if "cpu" in row else f"{'':>7}"
        print(f"  {name:<44} {row['min']:7.2f} {row['median']:9.2f} {cpu} {row['peak_mb']:8.0f}{flag}")
