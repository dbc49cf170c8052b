"""Every file a run writes, and the output folder as a unit.

A run writes into a staging folder inside the output folder; :meth:`OutputFolder.commit` moves the
files into place under a lock and records them in a manifest with a fingerprint of the run's
settings and inputs. Products of an earlier run with *other* settings or inputs are removed then,
so that a folder never holds a GeoPackage of one run next to CSVs of another; products of a run
with the same settings and inputs stay (they agree: one orchestrator made them). SIGTERM and
SIGINT remove the staging folder; the next run removes what a SIGKILL left behind.

Tables leave through :func:`table_for_output`: registration counts below the minimum are blanked
here, once, and numbers are rounded to the precision they carry.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import atomic_path
from .errors import InputError

MANIFEST = ".sociale-kaart.json"
LOCK = ".sociale-kaart.lock"
STAGING_PREFIX = ".sociale-kaart-bezig-"


class OutputFolder:
    """The output folder of one run, written as a unit.

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
        path = self.staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name not in self.names:
            self.names.append(name)
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        path.write_text(text, encoding="utf-8")
        return path

    def write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        """A table as Dutch CSV (``;``, decimal comma), as Excel in the Netherlands opens it."""
        path = self.path(name)
        frame.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")
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

    def save_figure(self, name: str, fig, *, dpi: int | None = None) -> Path:
        """A matplotlib figure as PNG, SVG or PDF (from the suffix)."""
        path = self.path(name)
        fmt = path.suffix[1:].lower()
        with _pdf_fonts():
            fig.savefig(path, dpi=dpi, format=fmt)
        return path

    def save_pdf(self, name: str, figures, *, title: str) -> tuple[Path, int]:
        """Several figures as the pages of one PDF; returns the path and the page count."""
        from matplotlib.backends.backend_pdf import PdfPages

        path = self.path(name)
        pages = 0
        with _pdf_fonts(), PdfPages(path, metadata={"Title": title, "Creator": "sociale-kaart"}) as pdf:
            for fig in figures:
                pdf.savefig(fig)
                pages += 1
        return path, pages

    # --- committing ----------------------------------------------------------------------------

    def commit(self) -> list[Path]:
        """Move the staged files into place as one unit; return their final paths."""
        if self.staging is None:
            raise RuntimeError("OutputFolder is not open")
        with _locked(self.target / LOCK):
            previous = _read_manifest(self.target)
            keep = previous.get("bestanden", []) if previous.get("vingerafdruk") == self.fingerprint else []
            for old in previous.get("bestanden", []):
                if old not in keep and old not in self.names:
                    with contextlib.suppress(FileNotFoundError):
                        (self.target / old).unlink()
            written = []
            for name in self.names:
                final = self.target / name
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / name, final)
                written.append(final)
            names = list(dict.fromkeys([*keep, *self.names]))
            manifest = {"vingerafdruk": self.fingerprint, "bestanden": names, "pid": os.getpid()}
            with atomic_path(self.target / MANIFEST) as tmp:
                tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging = None
        return written


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove staging folders and temporary files of runs that no longer exist (killed)."""
    removed = []
    for entry in folder.glob(f"{STAGING_PREFIX}*"):
        pid = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


@contextlib.contextmanager
def terminate_cleanly():
    """Turn SIGTERM into SystemExit, so that context managers clean up as they do on Ctrl-C."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

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

def table_for_output(frame: pd.DataFrame, *, protected_columns=(), min_count: int = 5,
                     count_columns=(), rate_columns=(), decimals: int | dict = 1) -> pd.DataFrame:
    """A copy of `frame` fit to leave the machine: protected counts blanked, numbers rounded.

    Parameters
    ----------
    frame : DataFrame
    protected_columns : sequence of str
        Registration counts: values from 1 to ``min_count - 1`` are blanked.
    count_columns : sequence of str
        Written as whole numbers.
    rate_columns : sequence of str
        Rounded to `decimals` (one number, or per column).

    Examples
    --------
    >>> t = pd.DataFrame({"n": [0.0, 3.0, 12.0], "r": [1.23456, 2.0, np.nan], "v": [True, False, True]})
    >>> out = table_for_output(t, protected_columns=["n"], count_columns=["n"], rate_columns=["r"])
    >>> out["n"].tolist(), out["r"].tolist(), out["v"].tolist()
    ([0, <NA>, 12], [1.2, 2.0, nan], ['ja', 'nee', 'ja'])
    """
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).copy()
    for col in protected_columns:
        if col in out:
            values = out[col].astype(float)
            out[col] = values.mask((values > 0) & (values < min_count))
    for col in count_columns:
        if col in out:
            out[col] = out[col].astype(float).round().astype("Int64")
    for col in rate_columns:
        if col in out:
            out[col] = out[col].astype(float).round(decimals.get(col, 1) if isinstance(decimals, dict) else decimals)
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col], "ja", "nee")
        elif out[col].dtype == float and col not in rate_columns:
            out[col] = out[col].round(4)
    if "geometry" in frame.columns:
        import geopandas as gpd

        return gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs)
    return out


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
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


@contextlib.contextmanager
def _pdf_fonts():
    import logging

    import matplotlib

    from .render.layout import print_rc

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context({**print_rc(), "svg.fonttype": "none"}):  # the print font, embedded
        yield
