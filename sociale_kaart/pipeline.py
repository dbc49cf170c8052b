"""The standard run: boundaries + KWB (+ registrations) -> buurt table with indicators.

Each step is a function of its own module; this one only wires them in the order every command
needs, so that ``join``, ``map``, ``flag`` and the print products all see the same table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import indicators as ind
from .boundaries import label_wijken, read_boundaries, wijken_from_buurten
from .errors import InputError
from .join import JoinReport, join_figures
from .kwb import read_kwb
from .registrations import RegistrationSummary, read_registrations


@dataclass
class BuurtData:
    """Everything one run produced: buurten with indicators, wijk and gemeente rates, reports."""

    buurten: gpd.GeoDataFrame
    wijken: gpd.GeoDataFrame
    gemeenten: pd.DataFrame
    indicators: list[ind.Indicator]
    rule: ind.SmallNumbers
    nederland: pd.DataFrame | None = None
    reports: list[JoinReport] = field(default_factory=list)
    registrations: list[RegistrationSummary] = field(default_factory=list)
    registration_columns: list[str] = field(default_factory=list)
    gemeentenamen: list[str] = field(default_factory=list)
    bron: str = "Bron: CBS/Kadaster (CC BY 4.0)"

    #: Above this many gemeenten a title names the count instead of every name.
    MAX_NAMES = 4

    @property
    def title(self) -> str:
        """Gemeente names for titles: "Maassluis", "Maassluis, Vlaardingen" or "390 gemeenten"."""
        if len(self.gemeentenamen) > self.MAX_NAMES:
            return f"{len(self.gemeentenamen)} gemeenten"
        return ", ".join(self.gemeentenamen) or "Nederland"

    @property
    def slug(self) -> str:
        """File-name stem for outputs: "maassluis" or "maassluis_vlaardingen"."""
        return re.sub(r"[^0-9a-z]+", "_", self.title.lower()).strip("_")[:60] or "kaart"

    @property
    def jaar_grenzen(self) -> int | None:
        """Year of the boundaries (from the KWB join report)."""
        return self.reports[0].jaar_grenzen if self.reports else None

    @property
    def jaar_cijfers(self) -> int | None:
        """Year of the KWB figures."""
        return self.reports[0].jaar_cijfers if self.reports else None

    @property
    def subtitle(self) -> str:
        """Data years and source, for every map and print product."""
        parts = []
        if self.jaar_cijfers:
            parts.append(f"Cijfers {self.jaar_cijfers}")
        if self.jaar_grenzen:
            parts.append(f"buurtgrenzen {self.jaar_grenzen}")
        if self.registrations:
            parts.append("met registraties van de gemeente")
        return " · ".join(parts + [self.bron])

    def report_text(self) -> str:
        parts = [r.to_text() for r in self.reports] + [s.to_text() for s in self.registrations]
        rule = (
            f"Kleine aantallen: cijfers op minder dan {self.rule.min_denominator} (inwoners, woningen) "
            f"of op 1 t/m {self.rule.min_count - 1} gevallen zijn onderdrukt."
        )
        return "\n\n".join(parts + [rule])


def build(
    grenzen: str | Path,
    kwb: str | Path,
    gemeenten: list[str] | None = None,
    registraties: list[str | Path] | None = None,
    adrestabel: str | Path | None = None,
    rule: ind.SmallNumbers = ind.DEFAULT_SMALL_NUMBERS,
    keep_water: bool = False,
    wijk_shapes: bool = True,
) -> BuurtData:
    """Load, join and compute indicators for the chosen gemeenten.

    Parameters
    ----------
    grenzen : path
        Wijk- en Buurtkaart (layers buurten and, optionally, wijken).
    kwb : path
        CBS Kerncijfers Wijken en Buurten table.
    gemeenten : list of str, optional
        Codes or names; ``None`` for every gemeente in the boundary file.
    registraties : list of path, optional
        The municipality's own extracts.
    adrestabel : path, optional
        CBS postcode-huisnummer table for extracts with addresses.
    rule : SmallNumbers
        Small-number protection.
    wijk_shapes : bool
        Read wijk polygons (print products need them; the HTML map draws wijk borders from the
        buurt arcs and skips this read).

    Examples
    --------
    >>> data = build("wijkenbuurten_2016.gpkg", "kwb_2024.csv", ["Maassluis"])  # doctest: +SKIP
    >>> len(data.buurten), len(data.wijken)  # doctest: +SKIP
    (19, 8)
    """
    buurten = read_boundaries(grenzen, gemeenten or None, "buurten", keep_water=keep_water)
    codes = buurten.attrs["gemeenten"] or sorted(buurten["gemeentecode"].dropna().unique())
    if buurten.empty:
        raise InputError(f"{Path(grenzen).name}: geen buurten gevonden voor {', '.join(codes)}")
    figures = read_kwb(kwb)
    joined, report = join_figures(buurten, figures, codes)
    if not report.gekoppeld:
        raise InputError(
            f"{Path(kwb).name}: geen enkele buurtcode komt overeen met {Path(grenzen).name} "
            f"voor {', '.join(codes)}; horen grenzen en cijfers bij dezelfde gemeente?"
        )
    reports, summaries, extra, reg_columns = [report], [], [], []
    kwb_status = joined.pop("koppeling")  # the map's "koppeling" is about the KWB; registrations report apart
    for path in registraties or []:
        counts = read_registrations(path, buurten, adrestabel)
        joined, reg_report = join_figures(joined, counts, codes)
        joined = joined.drop(columns="koppeling")
        reports.append(reg_report)
        summaries.append(counts.attrs["samenvatting"])
        for col, label in counts.attrs["labels"].items():
            extra.append(ind.registration_indicator(col, label))
            reg_columns.append(col)
    joined["koppeling"] = kwb_status.to_numpy()
    joined = ind.derive_counts(joined)
    chosen = ind.available(joined, extra)
    joined = ind.compute_rates(joined, chosen, rule)
    wijken = _wijken(grenzen, codes, joined, chosen, rule, wijk_shapes)
    gemeente_rates = ind.aggregate(joined, "gemeentecode", chosen, rule)
    names = joined.groupby("gemeentecode")["gemeentenaam"].first()
    gemeente_rates.insert(1, "gemeentenaam", gemeente_rates["gemeentecode"].map(names))
    nederland = None
    if figures.attrs.get("nederland"):
        land = ind.derive_counts(pd.DataFrame([figures.attrs["nederland"]]).assign(land="NL"))
        nederland = ind.aggregate(land, "land", [i for i in chosen if i.inputs_present(land)], rule)
    joined["wijknaam"] = joined["wijkcode"].map(wijken.set_index("wijkcode")["wijknaam"])
    return BuurtData(
        buurten=joined,
        wijken=wijken,
        gemeenten=gemeente_rates,
        indicators=chosen,
        nederland=nederland,
        rule=rule,
        reports=reports,
        registrations=summaries,
        registration_columns=reg_columns,
        gemeentenamen=[str(n) for n in names.reindex(codes).dropna()],
    )


def _wijken(grenzen, codes, buurten, chosen, rule, shapes: bool = True) -> gpd.GeoDataFrame:
    """Wijk polygons (the file's wijken layer, else dissolved buurten) with rates from buurt counts."""
    try:
        wijken = read_boundaries(grenzen, codes, "wijken", read_geometry=shapes)
    except InputError:
        wijken = wijken_from_buurten(buurten) if shapes else buurten[["wijkcode", "gemeentecode"]].drop_duplicates()
    wijken = wijken[wijken["wijkcode"].isin(buurten["wijkcode"])].copy()
    wijken["wijknaam"] = label_wijken(wijken)
    rates = ind.aggregate(buurten, "wijkcode", chosen, rule)
    keep = ["wijkcode", "wijknaam", "gemeentecode", "geometry"]
    return wijken[[c for c in keep if c in wijken.columns]].merge(rates, on="wijkcode", how="left")


def write_outputs(data: BuurtData, outdir: str | Path) -> list[Path]:
    """Write the buurt table (GeoPackage + CSV) and the join report (text + JSON) atomically.

    Registration counts below the small-number minimum are blanked in every file written.
    """
    from ._io import atomic_path, write_text

    outdir = Path(outdir)
    stem = outdir / data.slug
    buurten = ind.suppress_counts(data.buurten, data.registration_columns, data.rule)
    wijken = ind.suppress_counts(data.wijken, [c for c in data.registration_columns if c in data.wijken], data.rule)
    gemeenten = ind.suppress_counts(data.gemeenten, [c for c in data.registration_columns if c in data.gemeenten], data.rule)
    written = []
    gpkg = Path(f"{stem}_sociale_kaart.gpkg")
    with atomic_path(gpkg) as tmp:
        buurten.to_file(tmp, layer="buurten", driver="GPKG", engine="pyogrio")
        wijken.to_file(tmp, layer="wijken", driver="GPKG", engine="pyogrio")
    written.append(gpkg)
    for name, frame in (("buurten", buurten), ("wijken", wijken), ("gemeente", gemeenten)):
        path = Path(f"{stem}_{name}.csv")
        with atomic_path(path) as tmp:
            pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).to_csv(tmp, index=False, sep=";", decimal=",")
        written.append(path)
    written.append(write_text(f"{stem}_koppelrapport.txt", data.report_text() + "\n"))
    payload = {"koppelingen": [r.to_dict() for r in data.reports],
               "registraties": [vars(s) for s in data.registrations],
               "kleine_aantallen": vars(data.rule)}
    written.append(write_text(f"{stem}_koppelrapport.json", json.dumps(payload, ensure_ascii=False, indent=2)))
    return written
