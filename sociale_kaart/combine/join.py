"""Joining per-buurt figures to boundaries, with a report of everything that did not match.

Boundaries and figures often come from different years (the Wijk- en Buurtkaart of 2016 with the
KWB of 2024). Buurtcodes then differ, and a join that hides this draws wrong maps. The
:class:`JoinReport` lists every code that matched, that exists on one side only, and that is
duplicated, and the CLI prints and saves it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import pandas as pd

#: Status per buurt in the ``koppeling`` column.
MATCHED, NO_FIGURES, DUPLICATE = "gekoppeld", "geen cijfers", "dubbele code"
REUSED, CHANGED, RENAMED = "code hergebruikt", "grens gewijzigd", "andere naam"


@dataclass
class JoinReport:
    """What a join of figures to boundaries found; codes are listed, never only counted."""

    bron_grenzen: str
    bron_cijfers: str
    jaar_grenzen: int | None
    jaar_cijfers: int | None
    gemeenten: list[str]
    gekoppeld: list[str] = field(default_factory=list)
    alleen_grenzen: list[str] = field(default_factory=list)
    alleen_cijfers: list[str] = field(default_factory=list)
    dubbel_grenzen: list[str] = field(default_factory=list)
    dubbel_cijfers: list[str] = field(default_factory=list)
    hergebruikt: list[str] = field(default_factory=list)
    gewijzigd: list[str] = field(default_factory=list)
    #: How shared codes were checked when the years differ: the map used, or "" when not checked.
    controle: str = ""
    #: Per refused code: (code, name on the boundaries, name in the figures' year, overlap).
    controle_details: list[tuple] = field(default_factory=list)
    #: Rows of the figures whose code is not a code: "rij 12: 'BU0556x101'". Never dropped silently.
    ongeldige_codes: list[str] = field(default_factory=list)
    #: The check was by name (no map of the figures' year): `hergebruikt` then holds codes with another name.
    controle_op_naam: bool = False
    #: Joined codes whose name is spelled slightly differently: (code, name on the boundaries, in the figures).
    anders_gespeld: list[tuple] = field(default_factory=list)
    #: The buurtindeling (map year) the figures' codes are on when it is not their own year (Politie tables).
    indeling: int | None = None
    #: How the figures were translated from that indeling to the boundaries of the run (the crosswalk, in Dutch).
    omzetting: str = ""

    @property
    def years_differ(self) -> bool:
        figures_map = self.indeling or self.jaar_cijfers
        return bool(self.jaar_grenzen and figures_map and self.jaar_grenzen != figures_map)

    @property
    def complete(self) -> bool:
        """True when every buurt matched once on both sides."""
        return not (self.alleen_grenzen or self.alleen_cijfers or self.dubbel_grenzen or self.dubbel_cijfers
                    or self.hergebruikt or self.gewijzigd)

    def to_dict(self) -> dict:
        return asdict(self) | {"volledig": self.complete}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        """The report in Dutch, as the CLI prints it."""
        years = f"grenzen {self.jaar_grenzen or 'jaar onbekend'}, cijfers {self.jaar_cijfers or 'jaar onbekend'}"
        if self.indeling:
            years += f" op de buurtindeling van {self.indeling}"
        checked = ""
        if self.years_differ:
            checked = f" (gecontroleerd met {self.controle})" if self.controle else ", niet gecontroleerd"
        lines = [
            f"Koppeling {self.bron_cijfers} aan {self.bron_grenzen} ({years})",
            f"  gemeente(n):                 {_gemeenten_text(self.gemeenten)}",
            f"  gekoppeld:                   {len(self.gekoppeld)} buurten{checked}",
            _listed("andere naam:", self.hergebruikt, "de naam verschilt tussen de jaren, niet gekoppeld")
            if self.controle_op_naam else
            _listed("code hergebruikt:", self.hergebruikt, "andere buurt in het jaar van de cijfers, niet gekoppeld")
            if self.controle else "",
            _listed("grens gewijzigd:", self.gewijzigd, "minder dan de helft overlapt, niet gekoppeld")
            if self.controle and not self.controle_op_naam else "",
            _listed("naam anders gespeld:", [r[0] for r in self.anders_gespeld], "wel gekoppeld")
            if self.anders_gespeld else "",
            _listed("alleen in de grenzen:", self.alleen_grenzen, "geen cijfers, grijs op de kaart"),
            _listed("alleen in de cijfers:", self.alleen_cijfers, "geen grens, niet op de kaart"),
            _listed("dubbele codes (grenzen):", self.dubbel_grenzen, "niet gekoppeld"),
            _listed("dubbele codes (cijfers):", self.dubbel_cijfers, "niet gekoppeld"),
            _listed("geen geldige code:", self.ongeldige_codes, "rij in de cijfers overgeslagen") if self.ongeldige_codes else "",
        ]
        for code, old, new, share in [*self.controle_details, *self.anders_gespeld]:
            overlap = "" if share is None else f", overlap {round(share * 100)}%"
            lines.append(f"    {code}: {old or '?'} ({self.jaar_grenzen}) / {new or '?'} ({self.jaar_cijfers}){overlap}")
        if self.omzetting:
            lines.append("  " + self.omzetting.replace("\n", "\n  "))
        if self.years_differ:
            lines.append(
                f"  Let op: grenzen en cijfers komen uit verschillende jaren ({self.jaar_grenzen} en "
                f"{self.jaar_cijfers}). Gebruik bij voorkeur de Wijk- en Buurtkaart van het jaar van de cijfers."
            )
        return "\n".join(line for line in lines if line)


def join_figures(
    boundaries: gpd.GeoDataFrame,
    figures: pd.DataFrame,
    *,
    gemeenten: list[str] | tuple[str, ...] | None = None,
    source_boundaries: str = "grenzen",
    source_figures: str = "cijfers",
    year_boundaries: int | None = None,
    year_figures: int | None = None,
    check=None,
    invalid_codes=(),
) -> tuple[gpd.GeoDataFrame, JoinReport]:
    """Left-join `figures` to `boundaries` on ``buurtcode`` and report every mismatch.

    Parameters
    ----------
    boundaries : GeoDataFrame
        Buurten with ``buurtcode`` (from :func:`sociale_kaart.sources.boundaries.read_boundaries`).
    figures : DataFrame
        One row per buurtcode (from :func:`sociale_kaart.sources.kwb.read_kwb` or registrations).
    gemeenten : list of str, optional
        Gemeentecodes of this run: figures of other gemeenten are not counted as unmatched.
    source_boundaries, source_figures : str
        File names, for the report.
    year_boundaries, year_figures : int or None
        Years of both sides, for the report.
    check : CodeCheck, optional
        Shared codes checked against the map of the figures' year
        (:func:`sociale_kaart.combine.years.check_shared_codes`): reused and changed codes are not joined.

    Returns
    -------
    (GeoDataFrame, JoinReport)
        Every boundary row, with the figures where the code matched once on both sides and a
        column ``koppeling`` ("gekoppeld", "geen cijfers" or "dubbele code").

    Examples
    --------
    >>> import shapely
    >>> grenzen = gpd.GeoDataFrame({"buurtcode": ["BU00010101", "BU00010102"]},
    ...                            geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> cijfers = pd.DataFrame({"buurtcode": ["BU00010101", "BU00010103"], "inwoners": [120.0, 80.0]})
    >>> joined, report = join_figures(grenzen, cijfers, gemeenten=["GM0001"])
    >>> joined["koppeling"].tolist(), report.alleen_grenzen, report.alleen_cijfers
    (['gekoppeld', 'geen cijfers'], ['BU00010102'], ['BU00010103'])
    """
    if gemeenten:
        figures = figures[figures["buurtcode"].str[2:6].isin([g[2:] for g in gemeenten])]
    left_codes = boundaries["buurtcode"]
    right_codes = figures["buurtcode"]
    dup_left = sorted(set(left_codes[left_codes.duplicated()]))
    dup_right = sorted(set(right_codes[right_codes.duplicated()]))
    refused = check.refused if check is not None else set()
    reused = sorted(r[0] for r in check.reused) if check is not None else []
    changed = sorted(r[0] for r in check.changed) if check is not None else []
    report = JoinReport(
        bron_grenzen=source_boundaries,
        bron_cijfers=source_figures,
        jaar_grenzen=year_boundaries,
        jaar_cijfers=year_figures,
        gemeenten=list(gemeenten or []),
        gekoppeld=sorted((set(left_codes) & set(right_codes)) - set(dup_left) - set(dup_right) - refused),
        alleen_grenzen=sorted(set(left_codes) - set(right_codes)),
        alleen_cijfers=sorted(set(right_codes) - set(left_codes)),
        dubbel_grenzen=dup_left,
        dubbel_cijfers=dup_right,
        hergebruikt=reused,
        gewijzigd=changed,
        controle=("" if check is None else check.map_source if check.by_name
                  else f"{check.map_source} ({check.map_year or 'jaar onbekend'})"),
        controle_details=sorted((*check.reused, *check.changed)) if check is not None else [],
        ongeldige_codes=[f"rij {row}: {value!r}" for row, value in invalid_codes],
        controle_op_naam=check is not None and check.by_name,
        anders_gespeld=sorted(check.respelled) if check is not None else [],
    )
    usable = figures[~figures["buurtcode"].isin([*dup_left, *dup_right, *refused])]
    shared = [c for c in usable.columns if c in boundaries.columns and c != "buurtcode"]
    joined = boundaries.merge(usable.drop(columns=shared), on="buurtcode", how="left", validate="m:1")
    status = pd.Series(NO_FIGURES, index=joined.index)
    status[joined["buurtcode"].isin(report.gekoppeld)] = MATCHED
    status[joined["buurtcode"].isin(dup_left + dup_right)] = DUPLICATE
    status[joined["buurtcode"].isin(reused)] = RENAMED if report.controle_op_naam else REUSED
    status[joined["buurtcode"].isin(changed)] = CHANGED
    joined["koppeling"] = status
    return joined, report


def _gemeenten_text(codes: list[str], show: int = 8) -> str:
    if not codes:
        return "alle in het bestand"
    if len(codes) <= show:
        return ", ".join(codes)
    return f"{len(codes)} gemeenten ({', '.join(codes[:3])}, ...)"


def _listed(title: str, codes: list[str], meaning: str, show: int = 12) -> str:
    if not codes:
        return f"  {title:<28} geen"
    shown = ", ".join(codes[:show]) + (f" en {len(codes) - show} meer" if len(codes) > show else "")
    return f"  {title:<28} {len(codes)} ({meaning}): {shown}"
