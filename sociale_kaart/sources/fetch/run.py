"""Everything for a project: one fetch run, names resolved, and the project file updated in place."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ...atomic import atomic_path
from ...errors import InputError
from .catalog import kwb_tables
from .cbs import fetch_kwb, fetch_kwb_gemeenten
from .client import Fetched, FetchOptions
from .leefbaarometer import fetch_leefbaarometer
from .pdok import check_map_year, fetch_boundaries
from .politie import CRIME_TOTAL, fetch_crime, fetch_overlast

@dataclass(frozen=True)
class FetchRun:
    """Everything one ``sociale-kaart fetch`` brought into the cache."""

    grenzen: Fetched
    kwb: Fetched
    grenzen_cijferjaar: Fetched | None = None  #: the map of the figures' year, when that differs
    extra: tuple[Fetched, ...] = ()  #: gemeente rows of all gemeenten, crime, overlast, Leefbaarometer
    year: int | None = None  #: the year of the map
    codes: tuple[str, ...] = ()  #: the gemeentecodes, names resolved

    @property
    def project_entries(self) -> dict[str, Path]:
        """The ``[bronnen]`` keys of the project file and the paths to put there.

        Overlast has no key of its own yet: its file is listed, not written into the project.
        """
        entries = {"grenzen": self.grenzen.path, "kwb": self.kwb.path}
        if self.grenzen_cijferjaar is not None:
            entries["grenzen_cijferjaar"] = self.grenzen_cijferjaar.path
        for item in self.extra:
            name = item.path.name
            key = ("kwb_gemeenten" if name.startswith("kwb_") else "misdrijven" if name.startswith("misdrijven_")
                   else "leefbaarometer" if name.startswith("leefbaarometer_") else None)
            if key:
                entries[key] = item.path
        return entries

    @property
    def files(self) -> tuple[Fetched, ...]:
        main = (self.grenzen, self.kwb) + ((self.grenzen_cijferjaar,) if self.grenzen_cijferjaar else ())
        return main + self.extra


# --- everything for a project -------------------------------------------------------------------

#: What ``--ook`` can add, with a Dutch description.
EXTRAS = {
    "gemeenten": "kerncijfers van alle gemeenten en Nederland (vergelijking; wordt altijd opgehaald)",
    "misdrijven": "geregistreerde misdrijven per buurt (Politie 47018NED)",
    "overlast": "geregistreerde overlast per buurt (Politie 47024NED)",
    "leefbaarometer": "Leefbaarometer 3.0-scores per buurt",
}


def resolve_selectors(selectors: Iterable[str], reference: Fetched) -> list[str]:
    """Gemeentecodes for codes or names (``Maassluis``, ``den haag``, ``0556``), from the fetched gemeente rows.

    The gemeente rows of the KWB of the year list every gemeente of that year with its name, so a
    name resolves as in every other command, and a gemeente that does not exist that year is refused
    here with suggestions.
    """
    from ..areas import resolve_areas
    from ..kwb import read_kwb

    known = read_kwb(reference.path, require_buurten=False).gemeenten
    year = reference.metadata.get("jaar")
    source = f"{reference.path.name} (de gemeenten van {year} volgens het CBS)"
    return [area.code for area in resolve_areas(known, selectors, source=source, levels=("gemeente",))]


def fetch_for_project(
    gemeenten: Iterable[str],
    year: int | None = None,
    *,
    figures_year: int | None = None,
    extra: Iterable[str] = (),
    crime_types: Iterable[str] = (CRIME_TOTAL,),
    all_columns: bool = False,
    options: FetchOptions = FetchOptions(),
) -> FetchRun:
    """Boundaries of `year`, KWB of `figures_year` (default `year`), the gemeente rows and the `extra` tables.

    `gemeenten` are codes or names; names are looked up in the gemeente rows of all gemeenten of the
    figures' year (fetched first; they are also the published reference of the gemeente). Without
    `year`, the newest year the CBS catalogue lists. When the years differ, the map of
    `figures_year` is fetched too (``grenzen_cijferjaar``), so that the build can check which
    buurtcodes changed meaning.
    """
    selectors = [str(g).strip() for g in gemeenten if str(g).strip()]
    if not selectors:
        raise InputError("fetch wil minstens één gemeente (code zoals GM0556 of naam zoals Maassluis)")
    unknown = [e for e in extra if e not in EXTRAS]
    if unknown:
        raise InputError(f"onbekend bij --ook: {unknown[0]}; kies uit {', '.join(EXTRAS)}")
    options = options.connected()  # one client for every service
    tables = kwb_tables(options)
    if year is None:
        year = tables.newest
        options.progress.say(f"jaar: {year}, het nieuwste jaar met kerncijfers ({tables.source})")
    year = check_map_year(year)
    figures_year = check_map_year(figures_year or year)
    table = tables.table(figures_year)
    reference = fetch_kwb_gemeenten(figures_year, table=table, all_columns=all_columns, options=options)
    codes = resolve_selectors(selectors, reference)
    grenzen = fetch_boundaries(codes, year, options=options)
    kwb = fetch_kwb(codes, figures_year, table=table, all_columns=all_columns, options=options)
    other_map = fetch_boundaries(codes, figures_year, options=options) if figures_year != year else None
    more = [reference]
    for item in dict.fromkeys(extra):
        if item == "misdrijven":
            more.append(fetch_crime(codes, figures_year, types=crime_types, options=options))
        elif item == "overlast":
            more.append(fetch_overlast(codes, figures_year, options=options))
        elif item == "leefbaarometer":
            more.append(fetch_leefbaarometer(codes, options=options))
    return FetchRun(grenzen=grenzen, kwb=kwb, grenzen_cijferjaar=other_map, extra=tuple(more), year=year, codes=tuple(codes))


# --- the project file ----------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-]+)\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _project_path_text(path: Path, folder: Path) -> str:
    path, folder = Path(path).resolve(), folder.resolve()
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def set_toml_keys(text: str, section: str, values: Mapping[str, str]) -> str:
    """`text` with ``key = value`` set in ``[section]``, changing as little as possible.

    An existing line keeps its indentation and its trailing comment; a missing key goes after its
    commented example (``# key = ...``) or at the end of the section; a missing section is added at
    the end. `values` are TOML literals (already quoted).

    Examples
    --------
    >>> text = '[bronnen]\\n# uitleg\\ngrenzen = "oud.gpkg"  # kaart\\n# kwb = "k.csv"\\n\\n[gebied]\\ngemeenten = []\\n'
    >>> print(set_toml_keys(text, "bronnen", {"grenzen": '"nieuw.gpkg"', "kwb": '"k2.csv"'}), end="")
    [bronnen]
    # uitleg
    grenzen = "nieuw.gpkg"  # kaart
    # kwb = "k.csv"
    kwb = "k2.csv"
    <BLANKLINE>
    [gebied]
    gemeenten = []
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    start = next((i for i, line in enumerate(lines) if (m := _HEADER.match(line.rstrip("\r\n"))) and m.group(1) == section), None)
    if start is None:
        tail = "" if not text or text.endswith(("\n", "\r")) else newline
        gap = newline if text.strip() else ""
        body = "".join(f"{key} = {value}{newline}" for key, value in values.items())
        return f"{text}{tail}{gap}[{section}]{newline}{body}"
    for key, value in values.items():
        end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
        assignment = re.compile(rf"^(\s*){re.escape(key)}(\s*=\s*)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#\r\n]*?)(\s*(?:#[^\r\n]*)?)(\r?\n)?$")
        example = re.compile(rf"^\s*#\s*{re.escape(key)}\s*=")
        done = False
        for i in range(start + 1, end):
            m = assignment.match(lines[i])
            if m:
                lines[i] = f"{m.group(1)}{key}{m.group(2)}{value}{m.group(4)}{m.group(5) or ''}"
                done = True
                break
        if done:
            continue
        at = next((i + 1 for i in range(start + 1, end) if example.match(lines[i])), None)
        if at is None:
            at = end
            while at - 1 > start and not lines[at - 1].strip():
                at -= 1
        if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
            lines[at - 1] += newline
        lines.insert(at, f"{key} = {value}{newline}")
    return "".join(lines)


def update_project_sources(
    path: str | Path,
    entries: Mapping[str, str | Path],
    *,
    check: Callable[[Path], object] | None = None,
) -> tuple[str, ...]:
    """Write `entries` (``grenzen``, ``kwb``, ``grenzen_cijferjaar``) into ``[bronnen]`` of a project file.

    Paths inside the project's folder are written relative to it. The file is edited in place,
    comments and layout kept; `check` (e.g. ``read_project(p, check_files=False)``) reads the edited
    text before it replaces the file, so a file that would no longer read is never written.

    Returns
    -------
    tuple of str
        The keys whose value changed.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: kan het projectbestand niet lezen ({exc})") from None
    import tomllib

    try:
        current = tomllib.loads(text).get("bronnen", {})
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}: geen geldig TOML ({exc}); niet bijgewerkt") from None
    folder = path.resolve().parent
    literals, changed = {}, []
    for key, value in entries.items():
        shown = _project_path_text(Path(value), folder)
        literals[key] = _toml_string(shown)
        if current.get(key) != shown:
            changed.append(key)
    if not changed:
        return ()
    new = set_toml_keys(text, "bronnen", {k: v for k, v in literals.items() if k in changed})
    with atomic_path(path) as tmp:
        tmp.write_bytes(new.encode("utf-8"))
        if check is not None:
            try:
                check(tmp)
            except InputError as exc:
                raise InputError(f"{path.name}: niet bijgewerkt, want het zou onleesbaar worden ({exc})") from None
    return tuple(changed)
