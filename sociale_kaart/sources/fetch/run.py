"""Everything for a project: one fetch run of every source it needs, the names of the gemeenten resolved (the project file is edited by :func:`sociale_kaart.project.update_project_sources`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
