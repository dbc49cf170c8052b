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


# --- the folder is the tool's only ----------------------------------------------------------------

def snapshot(folder: Path, *, skip: Path | None = None) -> dict[str, str]:
    """Every file and link under `folder` (outside `skip`) with its content hash or link target."""
    import hashlib

    found = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = "-> " + os.readlink(path)
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_manifest_edited_by_someone_else_touches_nothing_outside_the_folder(sample_paths, tmp_path):
    out = tmp_path / "uit"
    assert cli(["join", *sample_args(sample_paths, out)]).returncode == 0
    elders = tmp_path / "elders.txt"
    elders.write_text("van iemand anders")
    absolute = tmp_path / "absoluut.txt"
    absolute.write_text("ook van iemand anders")
    elsewhere = tmp_path / "ergens"
    elsewhere.mkdir()
    (elsewhere / "eigen.txt").write_text("niet van sociale-kaart")
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["bestanden"].update({"../elders.txt": sha(elders), str(absolute): sha(absolute),
                                  "sub/eigen.txt": sha(elsewhere / "eigen.txt")})
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    outside = snapshot(tmp_path, skip=out)
    again = cli(["map", *sample_args(sample_paths, out), "--min-noemer", "3000"])  # other settings: old files go
    assert again.returncode == 0, again.stderr
    assert snapshot(tmp_path, skip=out) == outside
    assert (out / "sub").is_symlink() and (elsewhere / "eigen.txt").exists()
    assert not list(out.glob("*_buurten.csv")), "the previous run's own files were removed"
    names = set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["bestanden"])
    assert names == listing(out) - {"sub/eigen.txt"}


def test_a_symlinked_lock_is_refused_and_its_target_never_made(sample_paths, tmp_path):
    out = tmp_path / "uit"
    out.mkdir()
    victim = tmp_path / "slachtoffer.txt"
    (out / ".sociale-kaart.lock").symlink_to(victim)
    done = cli(["join", *sample_args(sample_paths, out)])
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: ") and "symbolische koppeling" in lines[0], lines
    assert not victim.exists() and listing(out) == set()


def run_into(out: Path, fingerprint: str, files: dict[str, str]) -> OutputFolder:
    """One run of OutputFolder that writes `files` (name -> text) and commits."""
    with OutputFolder(out, fingerprint=fingerprint) as folder:
        for name, text in files.items():
            folder.write_text(name, text)
        folder.commit()
    return folder


def test_a_symlinked_product_folder_is_refused_before_anything_moves(tmp_path):
    out = tmp_path / "uit"
    run_into(out, "a-b", {"stad_wijkprofielen/centrum.pdf": "oud", "stad_buurten.csv": "oud"})
    before = snapshot(out)
    elsewhere = tmp_path / "ergens"
    elsewhere.mkdir()
    (elsewhere / "centrum.pdf").write_text("van iemand anders")
    (out / "stad_wijkprofielen" / "centrum.pdf").unlink()
    (out / "stad_wijkprofielen").rmdir()
    (out / "stad_wijkprofielen").symlink_to(elsewhere, target_is_directory=True)
    planted = snapshot(out)
    for fingerprint in ("a-b", "c-d"):
        with OutputFolder(out, fingerprint=fingerprint) as folder:
            folder.write_text("stad_wijkprofielen/centrum.pdf", "nieuw")
            folder.write_text("stad_buurten.csv", "nieuw")
            with pytest.raises(InputError, match="symbolische koppeling"):
                folder.commit()
        assert snapshot(out) == planted and (elsewhere / "centrum.pdf").read_text() == "van iemand anders"
    assert set(before) - set(planted) == {"stad_wijkprofielen/centrum.pdf"}
    (out / "stad_wijkprofielen").unlink()
    (out / "stad_buurten.csv").unlink()
    (out / "stad_buurten.csv").symlink_to(elsewhere / "centrum.pdf")  # a product file that is a link
    with OutputFolder(out, fingerprint="a-b") as folder:
        folder.write_text("stad_buurten.csv", "nieuw")
        with pytest.raises(InputError, match="stad_buurten.csv is een symbolische koppeling"):
            folder.commit()
    assert (elsewhere / "centrum.pdf").read_text() == "van iemand anders" and (out / "stad_buurten.csv").is_symlink()


def test_a_file_the_tool_did_not_write_is_neither_replaced_nor_removed(tmp_path):
    out = tmp_path / "uit"
    run_into(out, "a-b", {"tabel.csv": "van de run", "kaart.html": "van de run"})
    (out / "kaart.html").write_text("door iemand bewerkt")  # no longer the file the tool wrote
    assert run_into(out, "c-d", {"tabel.csv": "nieuw"}).removed == []  # other figures: kaart.html would go
    assert (out / "kaart.html").read_text() == "door iemand bewerkt"
    with OutputFolder(out, fingerprint="c-d") as folder:
        folder.write_text("kaart.html", "nieuw")
        with pytest.raises(InputError, match="niet door sociale-kaart geschreven"):
            folder.commit()
    assert (out / "kaart.html").read_text() == "door iemand bewerkt"


# --- commit is all or nothing ---------------------------------------------------------------------

FAILING_REPLACE = """
import os, sys
real = os.replace
def replace(src, dst, **kw):
    if str(dst).endswith({suffix!r}):
        raise PermissionError(13, "Permission denied", str(dst))
    return real(src, dst, **kw)
os.replace = replace
from sociale_kaart.cli import main
sys.argv = ["sociale-kaart", *sys.argv[1:]]
main()
"""


def test_a_file_that_cannot_be_replaced_leaves_the_previous_run_file_for_file(sample_paths, tmp_path):
    out = tmp_path / "uit"
    assert cli(["join", *sample_args(sample_paths, out)]).returncode == 0
    before = snapshot(out)
    assert any(n.endswith("_wijken.csv") for n in before)
    done = subprocess.run([sys.executable, "-c", FAILING_REPLACE.format(suffix="_wijken.csv"), "join",
                           *sample_args(sample_paths, out), "--min-noemer", "3000"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: ") and "_wijken.csv" in lines[0], lines
    assert "mogelijk geopend in een ander programma" in lines[0]
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".sociale-kaart-")]


def test_a_directory_where_a_product_goes_stops_the_run_before_anything_moves(sample_paths, tmp_path):
    out = tmp_path / "uit"
    assert cli(["join", *sample_args(sample_paths, out)]).returncode == 0
    (out / "voorbeeldstad_fictief_kaart.html").mkdir()
    (out / "voorbeeldstad_fictief_kaart.html" / "iets.txt").write_text("x")
    before = snapshot(out)
    done = cli(["map", *sample_args(sample_paths, out), "--min-noemer", "3000"])
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[0].startswith("fout: ") and "is een map" in done.stderr
    assert snapshot(out) == before


KILLED_IN_COMMIT = """
import os, signal, sys
import sociale_kaart.outputs as outputs
moves = []
real = os.replace
def replace(src, dst, **kw):
    result = real(src, dst, **kw)
    moves.append(dst)
    if {when!r} == "moving" and len(moves) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
os.replace = replace
if {when!r} == "manifest":
    outputs._finish = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
from sociale_kaart.cli import main
sys.argv = ["sociale-kaart", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("when", ["moving", "manifest"])
def test_the_run_after_a_sigkill_in_the_commit_rolls_back_or_finishes(sample_paths, tmp_path, when):
    from sociale_kaart.outputs import JOURNAL, recover

    out = tmp_path / "uit"
    assert cli(["join", *sample_args(sample_paths, out)]).returncode == 0
    before = snapshot(out)
    killed = subprocess.run([sys.executable, "-c", KILLED_IN_COMMIT.format(when=when), "map",
                             *sample_args(sample_paths, out), "--min-noemer", "3000"], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL
    assert (out / JOURNAL).exists()
    assert recover(out) == ("teruggedraaid" if when == "moving" else "voltooid")
    after = snapshot(out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["bestanden"]) == listing(out), "no orphan: every file is in the manifest"
    if when == "moving":
        assert {k: v for k, v in after.items() if not k.startswith(".")} == \
            {k: v for k, v in before.items() if not k.startswith(".")}
    else:
        assert any(n.endswith("_kaart.html") for n in after) and not any(n.endswith("_buurten.csv") for n in after)
    assert not [p for p in out.iterdir() if p.name.startswith(".sociale-kaart-")]


def test_inputs_are_fingerprinted_by_content_and_looks_do_not_count(sample_paths, tmp_path):
    import dataclasses
    import shutil

    from sociale_kaart.products import fingerprint
    from sociale_kaart.settings import MapSettings, RunSettings, Sources

    kwb = tmp_path / "kwb.csv"
    shutil.copy2(sample_paths["kwb"], kwb)
    settings = RunSettings(sources=Sources(grenzen=sample_paths["grenzen"], kwb=kwb), output=tmp_path / "a")
    first = fingerprint(settings)
    looks = dataclasses.replace(settings, output=tmp_path / "b", quiet=True, wijken=("WK999901",),
                                map=MapSettings(formats=("png",), title="Anders", k=4))
    assert fingerprint(looks) == first
    elsewhere = tmp_path / "elders" / "kwb_kopie.csv"
    elsewhere.parent.mkdir()
    shutil.copy(kwb, elsewhere)  # the same content in another place: the same figures
    assert fingerprint(dataclasses.replace(settings, sources=Sources(grenzen=sample_paths["grenzen"],
                                                                     kwb=elsewhere))) == first
    stat_before = kwb.stat()
    data = bytearray(kwb.read_bytes())
    at = data.index(b";1") + 1  # one digit of a figure, same size
    data[at:at + 1] = b"2"
    kwb.write_bytes(bytes(data))
    os.utime(kwb, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))  # as cp -p or unzip leave it
    assert kwb.stat().st_size == stat_before.st_size and kwb.stat().st_mtime_ns == stat_before.st_mtime_ns
    changed = fingerprint(settings)
    assert changed != first and changed.split("-")[0] == first.split("-")[0]


def test_map_plot_and_profiel_add_up_and_other_figures_replace_them_in_one_line(sample_paths, tmp_path):
    out = tmp_path / "uit"
    base = ["--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]), "--uitvoer", str(out)]
    for command in (["map"], ["plot", "--formaat", "png"], ["profiel"]):
        done = cli([*command, *base])
        assert done.returncode == 0, done.stderr
        assert "verwijderd" not in done.stderr
    names = listing(out)
    assert any(n.endswith("_kaart.html") for n in names)
    assert any(n.endswith("_wmo_per_1000.png") for n in names)
    assert any(n.startswith("voorbeeldstad_fictief_wijkprofielen/") and n.endswith(".pdf") for n in names)
    assert set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["bestanden"]) == names
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f">{n}<" in index for n in names if n != "index.html"), "the index lists every product in the folder"
    other = cli(["map", *base, "--min-noemer", "3000"])
    assert other.returncode == 0, other.stderr
    notes = [line for line in other.stderr.splitlines() if "van de vorige run verwijderd" in line]
    assert len(notes) == 1 and "andere instellingen" in notes[0], other.stderr
    left = listing(out)
    assert not any(n.endswith(".png") or n.endswith(".pdf") for n in left), left
    assert not (out / "voorbeeldstad_fictief_wijkprofielen").exists(), "the emptied subfolder went too"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed exit, on purpose
def test_a_sigterm_whose_exit_a_finalizer_swallowed_still_publishes_nothing(tmp_path):
    """A signal that comes while a ``__del__`` runs loses its SystemExit ("Exception ignored"): the
    run goes on, but the commit finds the signal and stops, with nothing published."""
    import gc

    from sociale_kaart.outputs import OutputFolder, terminate_cleanly

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # the handler runs here, inside the finalizer, and its exit is lost
                pass

    out = tmp_path / "uit"
    with pytest.raises(SystemExit) as stopped:
        with terminate_cleanly(), OutputFolder(out, fingerprint="a-b") as folder:
            folder.write_text("a.txt", "half")
            Finalized()  # collected at once: its __del__ swallows the handler's SystemExit
            gc.collect()
            folder.write_text("b.txt", "the run went on")
            folder.commit()
    assert stopped.value.code == 128 + signal.SIGTERM
    assert not (out / "a.txt").exists() and not (out / "b.txt").exists()
    assert not list(out.glob(f"{STAGING_PREFIX}*"))
