"""The output folder as a unit: runs do not mix, killed runs leave nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.outputs import MANIFEST, STAGING_PREFIX, OutputFolder, remove_leftovers


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}


def cli(args, **kwargs):
    return subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args], capture_output=True, text=True, **kwargs)


def sample_args(sample_paths, out):
    return ["--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]), "--uitvoer", str(out), "--stil"]


def test_runs_with_other_settings_replace_what_was_there(sample_paths, tmp_path):
    """The bug: a GeoPackage of a --min-noemer 3000 run next to CSVs of a default run, both exit 0."""
    first = cli(["join", *sample_args(sample_paths, tmp_path), "--min-noemer", "3000"])
    assert first.returncode == 0, first.stderr
    tables = listing(tmp_path)
    second = cli(["map", *sample_args(sample_paths, tmp_path)])
    assert second.returncode == 0, second.stderr
    now = listing(tmp_path)
    assert not tables - {"index.html"} - {n for n in tables if "koppelrapport" in n} & now
    assert not any(n.endswith(".gpkg") or n.endswith("_buurten.csv") for n in now), now
    report = json.loads(next(tmp_path.glob("*_koppelrapport.json")).read_text(encoding="utf-8"))
    assert report["kleine_aantallen"]["min_denominator"] == 50


def test_runs_with_the_same_settings_add_up(sample_paths, tmp_path):
    assert cli(["join", *sample_args(sample_paths, tmp_path)]).returncode == 0
    assert cli(["map", *sample_args(sample_paths, tmp_path)]).returncode == 0
    names = listing(tmp_path)
    assert any(n.endswith("_kaart.html") for n in names) and any(n.endswith("_buurten.csv") for n in names)
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["bestanden"]) == names


def test_concurrent_runs_leave_the_complete_output_of_one(sample_paths, tmp_path):
    runs = [subprocess.Popen([sys.executable, "-m", "sociale_kaart.cli", "join", *sample_args(sample_paths, tmp_path),
                              "--min-noemer", str(n)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for n in (50, 3000)]
    for proc in runs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["bestanden"]) == listing(tmp_path)
    report = json.loads(next(tmp_path.glob("*_koppelrapport.json")).read_text(encoding="utf-8"))
    wanted = report["kleine_aantallen"]["min_denominator"]
    assert wanted in (50, 3000)
    import csv

    with open(next(tmp_path.glob("*_buurten.csv")), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    # the table belongs to the run whose report is beside it: its rule decided every status
    for row in rows:
        if row["inwoners"] and row["wmo_per_1000_status"] != "ontbreekt":
            small = int(row["inwoners"]) < wanted
            assert (row["wmo_per_1000_status"] == "onderdrukt") == small, (wanted, row["buurtcode"])
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def test_sigterm_removes_the_staging_folder_and_leaves_no_process(sample_paths, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "sociale_kaart.cli", "maak", *sample_args(sample_paths, tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(f"{STAGING_PREFIX}*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) != 0
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))
    assert listing(tmp_path) == set(), "an interrupted run publishes nothing"
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.strip()
    assert children == ""


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{STAGING_PREFIX}{dead.pid}-abc"
    stale.mkdir()
    (stale / "half.gpkg").write_bytes(b"x" * 100)
    mine = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-def"
    mine.mkdir()
    assert remove_leftovers(tmp_path) == [stale]
    assert not stale.exists() and mine.exists()


def test_output_folder_problems_are_input_errors(tmp_path):
    afile = tmp_path / "bestand"
    afile.write_text("x")
    with pytest.raises(InputError, match="is een bestand"):
        OutputFolder(afile, fingerprint="x").__enter__()
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only folders")
    locked = tmp_path / "alleen_lezen"
    locked.mkdir()
    locked.chmod(0o500)
    with pytest.raises(InputError, match="geen schrijfrechten"):
        OutputFolder(locked / "uit", fingerprint="x").__enter__()


def test_uitvoer_that_is_a_file_is_a_fout_line(sample_paths, tmp_path):
    target = tmp_path / "kaart.html"
    target.write_text("oud")
    done = cli(["map", *sample_args(sample_paths, target)])
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"fout: uitvoermap {target} is een bestand, geen map; kies een andere --uitvoer"]
    assert target.read_text() == "oud"
