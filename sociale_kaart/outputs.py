"""Every file a run writes, and the output folder as a unit.

A run writes into a staging folder inside the output folder; :meth:`OutputFolder.commit` moves the
files into place under a lock and records them in a manifest (``.sociale-kaart.json``) with a
fingerprint of what decides the figures (settings and the inputs' content) and the content hash of
every file. The folder is the tool's and only the tool's:

* it removes or replaces only files the manifest names, whose path stays inside the folder (no
  ``..``, no absolute path, no symbolic link on the way) and whose content is still the one it
  wrote; anything else the manifest says is ignored;
* a symbolic link where a product or a product's subfolder goes stops the run with an
  :class:`InputError` before anything moved; the lock is opened without following links;
* the commit is all or nothing: a journal is written before the first move, old files are moved
  aside, new ones in, and the manifest written last (the commit point). A file that cannot be
  replaced (open in another program, read-only share) rolls everything back and stops the run
  with one :class:`InputError` naming the file; after a SIGKILL the next run finishes the commit
  (manifest written) or rolls it back (not written);
* products of an earlier run with the *same* fingerprint stay (they agree: ``map``, ``plot`` and
  ``profiel`` add up); those of a run with other figures are removed, and :attr:`OutputFolder.note`
  says which and why in one line.

SIGTERM and SIGINT remove the staging folder; the next run removes what a SIGKILL left behind.

Tables leave through :func:`table_for_output`: registration counts below the minimum are blanked
here, once, and numbers are rounded to the precision they carry. Every text cell leaves through
:func:`safe_cell`, so that no CSV or XLSX cell opens as a formula.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import stat
import tempfile
import uuid
from pathlib import Path, PurePosixPath

import pandas as pd

from .atomic import atomic_path
from .errors import InputError

MANIFEST = ".sociale-kaart.json"
LOCK = ".sociale-kaart.lock"
JOURNAL = ".sociale-kaart-journaal.json"
STAGING_PREFIX = ".sociale-kaart-bezig-"
BACKUP_PREFIX = ".sociale-kaart-vorige-"
#: Text cells beginning with one of these open as a formula (or a DDE command) in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputFolder:
    """The output folder of one run, written as a unit.

    Parameters
    ----------
    target : path
        The output folder (made when missing).
    fingerprint : str
        What decides the figures of the run; runs with the same fingerprint add their products to
        the folder, a run with another one replaces them. ``"<settings>-<inputs>"`` (two hashes)
        lets :attr:`note` say which of the two changed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with OutputFolder(Path(tmp) / "uit", fingerprint="abc") as out:
    ...         _ = out.write_text("a.txt", "hallo")
    ...         written = out.commit()
    ...     [p.name for p in written], sorted(p.name for p in (Path(tmp) / "uit").iterdir())
    (['a.txt'], ['.sociale-kaart.json', '.sociale-kaart.lock', 'a.txt'])
    """

    def __init__(self, target: str | os.PathLike, *, fingerprint: str) -> None:
        self.target = Path(target)
        self.fingerprint = fingerprint
        self.staging: Path | None = None
        self.names: list[str] = []
        self.removed: list[str] = []  #: files of an earlier run with other figures, removed by the commit
        self.note: str = ""  #: one line: what the commit removed and why ("" when nothing)

    def __enter__(self) -> OutputFolder:
        if self.target.exists() and not self.target.is_dir():
            raise InputError(f"uitvoermap {self.target} is een bestand, geen map; kies een andere --uitvoer")
        try:
            self.target.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.target)
            self.staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.target))
        except PermissionError:
            raise InputError(f"uitvoermap {self.target}: geen schrijfrechten; kies een andere --uitvoer") from None
        except OSError as exc:
            raise InputError(f"uitvoermap {self.target}: kan er niet in schrijven ({exc.strerror})") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None

    # --- writing into the staging folder -------------------------------------------------------

    def path(self, name: str) -> Path:
        """Where to write `name` (a path relative to the output folder)."""
        if self.staging is None:
            raise RuntimeError("OutputFolder is not open")
        if not _safe_name(name):
            raise InputError(f"uitvoerbestand {name!r}: geen geldige naam binnen de uitvoermap")
        path = self.staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name not in self.names:
            self.names.append(name)
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        path.write_text(text, encoding="utf-8")
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path(name)
        path.write_bytes(data)
        return path

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        """A table as Dutch CSV (``;``, decimal comma), as Excel in the Netherlands opens it; text
        cells and column names through :func:`safe_cell`."""
        path = self.path(name)
        safe_frame(frame).to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")
        return path
    def write_gpkg(self, name: str, layers: dict[str, pd.DataFrame]) -> Path:
        path = self.path(name)
        for layer, frame in layers.items():
            frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path

    def add_layer_style(self, name: str, *, layer: str, style_name: str, qml: str) -> None:
        """Store a QGIS style as the default of `layer` in the GeoPackage `name` (table layer_styles)."""
        import sqlite3

        path = self.path(name)
        with sqlite3.connect(path) as db:
            db.execute("""CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT,
                f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
                f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN,
                description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT CURRENT_TIMESTAMP)""")
            db.execute("""INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
                VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS-stijlen')""")
            column = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)).fetchone()
            db.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                       "styleName, styleQML, useAsDefault, description) VALUES ('', '', ?, ?, ?, ?, 1, ?)",
                       (layer, column[0] if column else "geom", style_name, qml, "sociale-kaart: klassen van de kaart"))

    def kept(self) -> list[str]:
        """Files of an earlier run with the same fingerprint that the commit will leave in place (for
        the index; a file changed since is found out, and dropped, by :meth:`commit`)."""
        previous = _read_manifest(self.target)
        if previous.get("vingerafdruk") != self.fingerprint:
            return []
        return [n for n in previous.get("bestanden", {}) if n not in self.names and _kind(self.target, n) == "file"]

    # --- committing ----------------------------------------------------------------------------

    def commit(self) -> list[Path]:
        """Move the staged files into place as one unit; return their final paths.

        Raises
        ------
        InputError
            A symbolic link or a folder where a product goes, or a file that cannot be replaced;
            the folder is then left as the previous complete run.
        """
        if self.staging is None:
            raise RuntimeError("OutputFolder is not open")
        stop_if_asked()  # a stopped run publishes nothing
        with _locked(self.target / LOCK):
            recover(self.target)
            previous = _read_manifest(self.target)
            same = previous.get("vingerafdruk") == self.fingerprint
            new = {name: _file_hash(self.staging / name) for name in self.names}
            keep, remove = {}, []
            for name, digest in previous.get("bestanden", {}).items():
                if name in new or _kind(self.target, name) != "file":
                    continue
                if digest is None or _file_hash(self.target / name) != digest:
                    continue  # not the file this tool wrote: never removed, no longer listed
                if same:
                    keep[name] = digest
                else:
                    remove.append(name)
            for name in new:
                _check_destination(self.target, name)
                if _kind(self.target, name) == "file" and not _ours(self.target, name, previous):
                    raise InputError(f"{self.target / name} staat er al, maar is niet door sociale-kaart geschreven "
                                     "of is daarna gewijzigd; verplaats het of kies een andere --uitvoer")
            run = uuid.uuid4().hex
            backup = Path(tempfile.mkdtemp(prefix=f"{BACKUP_PREFIX}{os.getpid()}-", dir=self.target))
            journal = {"run": run, "vorige": backup.name, "nieuw": new}
            _write_json(self.target / JOURNAL, journal)
            aside, moved_in, current = [], [], None
            try:
                for current in [*new, *remove]:
                    if _kind(self.target, current) == "file":
                        (backup / current).parent.mkdir(parents=True, exist_ok=True)
                        os.replace(self.target / current, backup / current)
                        aside.append(current)
                for current in new:
                    _make_parents(self.target, current)
                    os.replace(self.staging / current, self.target / current)
                    moved_in.append(current)
                current = MANIFEST
                _write_json(self.target / MANIFEST, {"versie": 2, "vingerafdruk": self.fingerprint, "run": run,
                                                     "bestanden": {**keep, **new}})
            except (OSError, InputError) as exc:
                for name in reversed(moved_in):
                    with contextlib.suppress(OSError):
                        os.replace(self.target / name, self.staging / name)
                    _remove_empty_parents(self.target, name)
                for name in reversed(aside):
                    with contextlib.suppress(OSError):
                        os.replace(backup / name, self.target / name)
                _finish(self.target, backup)
                if isinstance(exc, InputError):  # a folder turned into a link while moving: refused as ever
                    raise
                reason = exc.strerror or type(exc).__name__
                raise InputError(f"{self.target / current} kan niet worden vervangen ({reason}); mogelijk geopend "
                                 "in een ander programma. De uitvoermap is gebleven zoals de vorige run hem "
                                 "achterliet; sluit het bestand en draai opnieuw") from None
            _finish(self.target, backup)
            for name in remove:
                _remove_empty_parents(self.target, name)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging = None
        self.removed = remove
        self.note = _removal_note(remove, previous.get("vingerafdruk"), self.fingerprint)
        return [self.target / name for name in self.names]


def recover(folder: Path) -> str:
    """Finish or roll back a commit that a killed run left half done; return what was done.

    The journal names the run and its new files. When the manifest already names that run (the
    commit point was passed), only the moved-aside old files are removed ("voltooid"); otherwise
    the new files are taken out and the old ones put back ("teruggedraaid"). Every name in the
    journal is checked as the manifest's are: a folder others can write to proves nothing. The
    staging folders of runs that no longer exist go as well.
    """
    folder = Path(folder)
    remove_leftovers(folder)
    done = _replay(folder)
    for entry in folder.glob(f"{BACKUP_PREFIX}*"):  # moved-aside files of a run killed before its journal
        pid = entry.name[len(BACKUP_PREFIX):].split("-", 1)[0]
        if not (pid.isdigit() and _alive(int(pid))) and not entry.is_symlink() and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
    return done


def _replay(folder: Path) -> str:
    if _kind(folder, JOURNAL, names=False) != "file":
        return ""
    try:
        journal = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
        run, backup_name, new = journal["run"], journal["vorige"], dict(journal["nieuw"])
    except (OSError, ValueError, KeyError, TypeError):
        (folder / JOURNAL).unlink(missing_ok=True)
        return ""
    backup = folder / backup_name
    valid_backup = (isinstance(backup_name, str) and backup_name.startswith(BACKUP_PREFIX) and "/" not in backup_name
                    and _kind(folder, backup_name, names=False) == "dir")
    if _read_manifest(folder).get("run") == run:
        aside = [Path(root, file).relative_to(backup).as_posix()
                 for root, _, files in os.walk(backup, followlinks=False) for file in files] if valid_backup else []
        _finish(folder, backup if valid_backup else None)
        for name in aside:  # a subfolder the finished run emptied goes too
            _remove_empty_parents(folder, name)
        return "voltooid"
    for name, digest in new.items():
        if _safe_name(name) and _kind(folder, name) == "file" and _file_hash(folder / name) == digest:
            (folder / name).unlink()
            _remove_empty_parents(folder, name)
    if valid_backup:
        for root, dirs, files in os.walk(backup, followlinks=False):
            for file in files:
                source = Path(root) / file
                name = source.relative_to(backup).as_posix()
                if not source.is_symlink() and _safe_name(name) and _kind(folder, name) == "missing":
                    with contextlib.suppress(OSError):
                        _make_parents(folder, name)
                        os.replace(source, folder / name)
    _finish(folder, backup if valid_backup else None)
    return "teruggedraaid"


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove staging folders and temporary files of runs that no longer exist (killed)."""
    removed = []
    for entry in folder.glob(f"{STAGING_PREFIX}*"):
        pid = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


#: The signals that asked this process to stop. The SystemExit of the handler is lost when the
#: signal comes while a finalizer (``__del__``) runs ("Exception ignored"); the run then goes on,
#: but :meth:`OutputFolder.commit` finds the signal here and publishes nothing.
_STOPPED: list[int] = []


def stop_if_asked() -> None:
    """Raise the SystemExit of a SIGTERM this process received, also when its handler's was lost."""
    if _STOPPED:
        raise SystemExit(128 + _STOPPED[0])


@contextlib.contextmanager
def terminate_cleanly():
    """Turn SIGTERM into SystemExit, so that context managers clean up as they do on Ctrl-C."""

    def handler(signum, frame):
        _STOPPED.append(signum)
        raise SystemExit(128 + signum)

    _STOPPED.clear()
    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


# --- tables --------------------------------------------------------------------------------------

def safe_cell(value):
    """`value` as a cell that no spreadsheet opens as a formula: text beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading apostrophe; numbers stay numbers.

    Examples
    --------
    >>> [safe_cell(v) for v in ("=SUM(A1)", "-2+3", "Oost", -2.5, None)]
    ["'=SUM(A1)", "'-2+3", 'Oost', -2.5, None]
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with :func:`safe_cell` on every text cell and column name (numbers untouched)."""
    out = pd.DataFrame(frame).rename(columns=lambda c: safe_cell(c) if isinstance(c, str) else c)
    for col in out.columns[[not (pd.api.types.is_numeric_dtype(t) or pd.api.types.is_bool_dtype(t))
                            for t in out.dtypes]]:
        out[col] = out[col].map(safe_cell, na_action="ignore")
    return out


def safe_sheet(worksheet) -> None:
    """Make every text cell of an openpyxl worksheet a string cell, never a formula (the value is
    kept as it is; Excel shows it as typed text)."""
    for row in worksheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_STARTS)):
                cell.data_type = "s"
                cell.quotePrefix = True


def write_xlsx(out: OutputFolder, name: str, frames, data, *, notes: dict[str, str] | None = None) -> None:
    """One sheet per table with Dutch headers, suppressed figures as the word "onderdrukt" (with a
    note), and a sheet of definitions: every indicator, every column's code key, then `notes`
    (title -> text). Every sheet has a frozen header row, a filter and widths by content."""
    from .combine.indicators import SUPPRESSED
    from .render.workbook import column_labels, column_rows, finish_sheet, number_formats

    note = f"Onderdrukt: {data.small_numbers.describe()}"
    sheets: dict[str, list[str]] = {}
    with pd.ExcelWriter(out.path(name), engine="openpyxl") as writer:
        for sheet, frame in frames:
            table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).astype(object)
            for ind in data.indicators:
                status = f"{ind.key}_status"
                if status in table and ind.key in table:
                    hidden = table[status].eq(SUPPRESSED)
                    table.loc[hidden, ind.key] = SUPPRESSED
                    if ind.protected and ind.numerator in table:
                        table.loc[hidden & table[ind.numerator].isna(), ind.numerator] = SUPPRESSED
            sheets[sheet] = list(table.columns)
            formats = number_formats(table.columns, data)
            table.where(table.notna(), None).rename(columns=column_labels(table.columns, data)).to_excel(
                writer, sheet_name=sheet, index=False)
            safe_sheet(writer.sheets[sheet])
            finish_sheet(writer.sheets[sheet], [formats.get(c) for c in table.columns], marker=SUPPRESSED, note=note)
        every = list(dict.fromkeys(c for columns in sheets.values() for c in columns))
        definitions = pd.DataFrame(
            column_rows(column_labels(every, data), data, sheets)
            + [{"Kolom": "Kleine aantallen", "Betekenis": data.small_numbers.describe()},
               {"Kolom": "Bron", "Betekenis": data.subtitle}]
            + [{"Kolom": title, "Betekenis": text} for title, text in (notes or {}).items()])
        definitions.to_excel(writer, sheet_name="definities", index=False)
        safe_sheet(writer.sheets["definities"])
        finish_sheet(writer.sheets["definities"], [])


# --- internals -----------------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on `path`, opened without following a symbolic link."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{path} is een symbolische koppeling; de uitvoermap volgt geen koppelingen. "
                             "Verwijder de koppeling of kies een andere --uitvoer") from None
        raise InputError(f"{path}: kan het slot niet openen ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{path} is geen gewoon bestand; verwijder het of kies een andere --uitvoer")
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_manifest(folder: Path) -> dict:
    """The manifest as ``{"vingerafdruk", "run", "bestanden": {name: hash or None}}``; names that
    could lead outside the folder are dropped, a list of names (older manifests) has no hashes."""
    if _kind(folder, MANIFEST, names=False) != "file":
        return {}
    try:
        raw = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    files = raw.get("bestanden", {})
    if isinstance(files, list):
        files = dict.fromkeys(files)
    if not isinstance(files, dict):
        files = {}
    files = {n: (h if isinstance(h, str) else None) for n, h in files.items() if _safe_name(n)}
    return {"vingerafdruk": raw.get("vingerafdruk"), "run": raw.get("run"), "bestanden": files}


def _safe_name(name) -> bool:
    """A relative POSIX path without ``..``, ``.``, hidden parts or absolute start."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = name.split("/")
    return all(part and not part.startswith(".") for part in parts) and not PurePosixPath(name).is_absolute()


def _kind(folder: Path, name: str, *, names: bool = True) -> str:
    """What is at `name` inside `folder`, without following links: ``"file"``, ``"dir"``,
    ``"missing"``, ``"link"`` (a symbolic link on the way) or ``"other"``."""
    if names and not _safe_name(name):
        return "other"
    path = folder
    parts = name.split("/")
    for i, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return "missing"
        except OSError:
            return "other"
        if stat.S_ISLNK(mode):
            return "link"
        if i < len(parts) - 1 and not stat.S_ISDIR(mode):
            return "other"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def _check_destination(folder: Path, name: str) -> None:
    """Refuse a product whose place holds a link, a folder or anything but a regular file."""
    path = folder
    parts = name.split("/")
    for i in range(len(parts)):
        kind = _kind(folder, "/".join(parts[:i + 1]))
        path = folder.joinpath(*parts[:i + 1])
        if kind == "link":
            raise InputError(f"{path} is een symbolische koppeling; de uitvoermap schrijft er niet doorheen. "
                             "Verwijder de koppeling of kies een andere --uitvoer")
        if kind == "missing":
            return
        last = i == len(parts) - 1
        if (last and kind != "file") or (not last and kind != "dir"):
            what = "een map" if kind == "dir" else "geen gewoon bestand"
            raise InputError(f"{path} is {what}; daar hoort een bestand van sociale-kaart. Verwijder het "
                             "of kies een andere --uitvoer")


def _make_parents(folder: Path, name: str) -> None:
    parts = name.split("/")[:-1]
    for i in range(len(parts)):
        sub = "/".join(parts[:i + 1])
        if _kind(folder, sub) == "missing":
            (folder / sub).mkdir()
        if _kind(folder, sub) != "dir":
            raise InputError(f"{folder / sub} is geen gewone map; de uitvoermap schrijft er niet doorheen")


def _remove_empty_parents(folder: Path, name: str) -> None:
    parts = name.split("/")[:-1]
    for i in range(len(parts), 0, -1):
        sub = "/".join(parts[:i])
        if _kind(folder, sub) != "dir":
            return
        try:
            (folder / sub).rmdir()
        except OSError:
            return


def _finish(folder: Path, backup: Path | None) -> None:
    """Remove the moved-aside files, then the journal (in that order: a kill between them is finished again)."""
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    (folder / JOURNAL).unlink(missing_ok=True)


def _write_json(path: Path, payload) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def _ours(folder: Path, name: str, manifest: dict) -> bool:
    """Whether the file at `name` is the one the manifest says this tool wrote there (older
    manifests without hashes: listed is enough to replace it, never to remove it)."""
    files = manifest.get("bestanden", {})
    return name in files and (files[name] is None or _file_hash(folder / name) == files[name])


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _removal_note(removed: list[str], before, now: str) -> str:
    """One line: which files of the previous run were removed, and why."""
    if not removed:
        return ""
    why = "andere cijfers"
    if isinstance(before, str) and before.count("-") == 1 and now.count("-") == 1:
        changed = [what for what, a, b in zip(("instellingen", "invoerbestanden"), before.split("-"), now.split("-"))
                   if a != b]
        why = f"andere {' en '.join(w.removeprefix('andere ') for w in changed)}" if changed else why
    shown = ", ".join(sorted(removed)[:5]) + (f" en {len(removed) - 5} andere" if len(removed) > 5 else "")
    return (f"{len(removed)} {'bestand' if len(removed) == 1 else 'bestanden'} van de vorige run verwijderd "
            f"({why} dan deze run): {shown}")
