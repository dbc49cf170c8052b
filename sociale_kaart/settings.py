"""Everything a run can be told, as frozen dataclasses built by keyword.

A :class:`RunSettings` is what the project file (``sociale-kaart.toml``) and the command-line
options describe together; the orchestrator (:mod:`sociale_kaart.products`) takes nothing else.
Each rule that products print (small numbers, flag rules) is written here once, as a method.

Examples
--------
>>> rule = SmallNumbers(min_denominator=100)
>>> rule.min_denominator, rule.min_count
(100, 5)
>>> NeedSettings(rule="kwintiel").rule
'kwintiel'
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .texts import nl_number

RULES = ("marge", "kwintiel")
REFERENCES = ("gemeente", "nederland")
SCHEMES = ("kwantielen", "natuurlijk", "gelijk", "handmatig")


@dataclass(frozen=True, kw_only=True)
class SmallNumbers:
    """Small-number protection, after CBS practice for the Kerncijfers Wijken en Buurten.

    A rate is suppressed when its denominator is below ``min_denominator`` (a rate on a few
    residents is noise and can identify people) or its numerator is a registration count from
    1 to ``min_count - 1``. Such registration counts are never shown either.
    """

    min_denominator: int = 50
    min_count: int = 5
    rounding: int = 5  #: registration counts are published as multiples of this (CBS: 5)
    secondary: bool = True  #: complementary suppression, so that no small count follows by subtraction
    #: registration columns that are one registration in several periods: hidden in one, hidden in all
    periods: tuple[str, ...] = ()

    def __post_init__(self):
        if self.min_denominator < 1 or self.min_count < 1 or self.rounding < 1:
            raise InputError("min-noemer, min-aantal en afronding moeten minstens 1 zijn")
        if self.rounding > 2 * self.min_count:
            raise InputError(f"afronding op {self.rounding} zou een aantal van {self.min_count} als 0 tonen; kies "
                             f"een afronding van hoogstens {2 * self.min_count}")

    def describe(self) -> str:
        """The rules in Dutch, for every product that shows figures (written once, here)."""
        text = (f"Een cijfer op minder dan {self.min_denominator} inwoners of woningen wordt onderdrukt: het staat als "
                "'onderdrukt' in tabellen en gearceerd op kaarten, nooit als getal.")
        if self.rounding > 1:
            text += (f" Aantallen uit registraties van de gemeente zijn afgerond op een veelvoud van {self.rounding} "
                     "(een totaal vanuit het echte totaal, dus de delen tellen niet altijd precies op), en cijfers "
                     "per inwoners zijn berekend uit die afgeronde aantallen.")
        if self.min_count > 1:
            text += f" Registratieaantallen en -totalen van 1 t/m {self.min_count - 1} worden nooit getoond"
            text += (", en ook andere aantallen of totalen waaruit zo'n klein aantal terug te rekenen zou zijn."
                     if self.secondary else ".")
        return text


@dataclass(frozen=True, kw_only=True)
class NeedSettings:
    """The rules of the need analysis (see :mod:`sociale_kaart.analysis.need`)."""

    rule: str = "marge"  #: "marge" (above the reference) or "kwintiel" (top fifth of the gemeente)
    margin: float = 0.25  #: "marge": 25 % above the reference
    reference: str = "gemeente"  #: "gemeente" or "nederland" (the NL00 row of a full KWB table)
    min_stapeling: int = 2
    min_inwoners: int = 200
    weights: dict[str, float] = field(default_factory=dict)  #: indicator key -> weight (default 1)
    indicators: tuple[str, ...] = ()  #: need indicators; empty: every indicator with role "behoefte"
    extreme_factor: float | None = 2.0  #: one indicator at least this many times the reference flags alone; None: off
    hotspots: bool = False  #: Local Moran's I and Gi* (imports esda and libpysal: seconds)
    hotspot_indicator: str | None = None  #: None: the need index
    permutations: int = 999
    seed: int = 12345
    alpha: float = 0.05

    def __post_init__(self):
        if self.rule not in RULES:
            raise InputError(f"onbekende regel {self.rule!r}; kies uit {', '.join(RULES)}")
        if self.reference not in REFERENCES:
            raise InputError(f"onbekende referentie {self.reference!r}; kies uit {', '.join(REFERENCES)}")
        if self.reference == "nederland" and self.rule != "marge":
            raise InputError("de referentie nederland hoort bij de regel marge (een kwintiel is altijd binnen de gemeente)")
        if self.permutations < 99:
            raise InputError("permutaties moet minstens 99 zijn")
        if self.margin < 0:
            raise InputError("de marge kan niet negatief zijn")
        if self.extreme_factor is not None and self.extreme_factor <= 1:
            raise InputError("de factor voor een uitschieter moet groter zijn dan 1 (bijvoorbeeld 2)")

    def describe(self) -> str:
        """The rules in plain Dutch, for reports and sources pages."""
        if self.rule == "marge":
            of = "Nederland" if self.reference == "nederland" else "de gemeente"
            high = f"meer dan {nl_number(self.margin * 100, 0)}% boven het cijfer van {of}"
        else:
            high = "bij de hoogste 20% van de buurten van de gemeente"
        of = "Nederland" if self.reference == "nederland" else "de gemeente"
        text = (f"Een indicator is hoog als de buurt {high} zit. Stapeling = aantal hoge indicatoren. "
                f"Aandachtsbuurt: minstens {self.min_inwoners} inwoners en minstens {self.min_stapeling} hoge "
                "indicatoren")
        if self.extreme_factor is not None:
            text += (f", of één behoefte-indicator die minstens {nl_number(self.extreme_factor, 1)} keer het cijfer "
                     f"van {of} is (een uitschieter)")
        if self.hotspots:
            text += (", of onderdeel van een significante hot spot (Local Moran's I, HH, "
                     f"{self.permutations} permutaties, FDR {nl_number(self.alpha * 100, 0)}%) met minstens één "
                     "hoge indicator")
        return text + "."


@dataclass(frozen=True, kw_only=True)
class MapSettings:
    """How maps are classed and drawn (HTML and static alike)."""

    scheme: str = "kwantielen"
    k: int = 5
    breaks: dict[str, list[float]] = field(default_factory=dict)  #: indicator key -> upper bounds
    indicators: tuple[str, ...] = ()  #: empty: every indicator
    tolerance: float | None = None  #: simplification of the HTML map in metres; None: from the extent
    background: bool = False  #: OpenStreetMap tiles (the page then contacts openstreetmap.org)
    title: str | None = None
    formats: tuple[str, ...] = ("png", "svg", "pdf")  #: static maps

    def __post_init__(self):
        if self.scheme not in SCHEMES:
            raise InputError(f"onbekende klasse-indeling {self.scheme!r}; kies uit {', '.join(SCHEMES)}")
        if not 3 <= self.k <= 7:
            raise InputError("het aantal klassen moet tussen 3 en 7 liggen")
        if self.scheme == "handmatig" and not self.breaks:
            raise InputError("klasse-indeling handmatig vraagt grenswaarden, bijvoorbeeld wmo_per_1000=40;60;80")
        unknown = [f for f in self.formats if f not in ("png", "svg", "pdf")]
        if unknown:
            raise InputError(f"onbekend formaat {unknown[0]!r}; kies uit png, svg, pdf")


@dataclass(frozen=True, kw_only=True)
class IndicatorSpec:
    """An own indicator, declared in the project file (``[[indicator]]``).

    Either a ratio (`numerator` / `denominator` x `scale`) or a score per buurt (`column`). Scores
    are never summed: weighted by inhabitants (``aggregation="gewogen"``) or shown per buurt only.
    """

    key: str
    label: str
    unit: str
    column: str | None = None  #: a score per buurt
    numerator: str | None = None
    denominator: str = "inwoners"
    scale: float = 1000
    direction: str = "meer"  #: "meer": higher = more need; "minder": higher = less need; "context"
    aggregation: str = "geen"  #: scores: "gewogen" (by inhabitants) or "geen" (per buurt only)
    source: Path | None = None  #: a table keyed on buurtcode; None: the KWB or a registration
    protected: bool = False  #: the numerator counts cases of the municipality's own registrations

    def __post_init__(self):
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.key):
            raise InputError(f"indicator {self.key!r}: een sleutel is kleine letters, cijfers en _ (bijv. ses_woa)")
        if bool(self.column) == bool(self.numerator):
            raise InputError(f"indicator {self.key!r}: geef óf kolom (een score) óf teller en noemer")
        if self.direction not in ("meer", "minder", "context"):
            raise InputError(f"indicator {self.key!r}: richting is meer, minder of context, niet {self.direction!r}")
        if self.aggregation not in ("gewogen", "geen"):
            raise InputError(f"indicator {self.key!r}: optellen is gewogen of geen, niet {self.aggregation!r}")


@dataclass(frozen=True, kw_only=True)
class LayoutSpec:
    """An own area layout ("eigen indeling"), declared in the project file (``[[indeling]]``).

    A table buurtcode -> area name (CSV, XLSX), or polygons (GeoPackage, Shapefile, GeoJSON) to which
    buurten are assigned by largest overlap (see :mod:`sociale_kaart.combine.layouts`).
    """

    name: str  #: how products and the project file name it ("Wijken gemeenteatlas")
    source: Path
    column: str | None = None  #: column with the area name; None: "gebied", "naam", or the one other column
    layer: str | None = None  #: polygons: the layer of a file with several
    code: str | None = None  #: polygons: a column that tells areas of the same name apart

    def __post_init__(self):
        if not self.name.strip():
            raise InputError("een eigen indeling heeft een naam nodig (naam = \"...\")")


@dataclass(frozen=True, kw_only=True)
class Sources:
    """The input files of a run."""

    grenzen: Path
    kwb: Path
    gemeenten: tuple[str, ...] = ()  #: codes or names; empty: every gemeente in the boundary file
    registraties: tuple[Path, ...] = ()
    adrestabel: Path | None = None
    grenzen_cijferjaar: Path | None = None  #: map of the figures' year, to check shared codes when years differ
    kwb_gemeenten: Path | None = None  #: a KWB table with the published gemeente rows (the reference values)
    misdrijven: Path | None = None  #: police-registered crime per buurt (Politie 47018NED)
    leefbaarometer: Path | None = None  #: Leefbaarometer 3.0 buurtscores
    bron: str | None = None  #: overrides the attribution line (the fictional sample says so)
    #: (key, file) of declared extra sources without a field here (sources.declarations.EXTRA_SOURCES)
    extra: tuple[tuple[str, Path], ...] = ()
    #: The Wijk- en Buurtkaart of the buurtindeling the police tables are on, to translate their counts
    #: to the buurten of `grenzen` when the years differ
    grenzen_politie: Path | None = None
    #: (key, year) of extra sources whose buurtindeling is given (``misdrijven_indeling = 2025``);
    #: the JSON that fetch writes beside a table says it too
    indelingen: tuple[tuple[str, int], ...] = ()
    #: linked registrations (``[[registratie]]``: sources.linked.LinkedSpec), one per leefgebied
    linked: tuple = ()
    #: what the key of the linked registrations counts: "huishouden" or "persoon"
    linked_unit: str = "huishouden"

    def __post_init__(self):
        if self.linked_unit not in ("huishouden", "persoon"):
            raise InputError(f"[stapeling] eenheid: 'huishouden' of 'persoon', niet {self.linked_unit!r}")


DIRECTIONS = ("daling", "stijging", "gelijk")
LEVELS = ("buurt", "wijk", "gemeente")


@dataclass(frozen=True, kw_only=True)
class YearSource:
    """The KWB of one year and the Wijk- en Buurtkaart its codes belong to (``[[jaar]]``).

    Each year is joined to its own map, then translated to the areas of the run's map
    (``[bronnen] grenzen``) through a crosswalk (:mod:`sociale_kaart.combine.crosswalk`).
    """

    year: int
    kwb: Path
    grenzen: Path | None = None  #: the map of that year's codes; None: the run's own map
    kwb_gemeenten: Path | None = None  #: that year's published gemeente rows (when `kwb` has none)

    def __post_init__(self):
        if isinstance(self.year, bool) or not isinstance(self.year, int) or not 1990 <= self.year <= 2100:
            raise InputError(f"jaar {self.year!r}: geef een jaartal, bijvoorbeeld 2015")


@dataclass(frozen=True, kw_only=True)
class Target:
    """A policy target (``[[doel]]``): an indicator in an area, against a baseline year.

    Either a `direction` ("daling", "stijging", "gelijk") or a target `value` (in the indicator's
    unit, e.g. 40 per 1.000), to be reached in `target_year`.
    """

    area: str  #: buurt, wijk or gemeente: code (BU05560502) or name (Burgemeesterswijk)
    indicator: str  #: indicator key, e.g. bijstand_per_1000
    baseline_year: int
    target_year: int
    direction: str | None = None
    value: float | None = None
    level: str | None = None  #: "buurt", "wijk" or "gemeente" when a name is ambiguous
    margin: float | None = None  #: "gelijk": the band (in the indicator's unit) beside the rounding of the source
    label: str | None = None  #: the policy text the target comes from

    def __post_init__(self):
        where = f"doel {self.indicator} in {self.area}"
        if (self.direction is None) == (self.value is None):
            raise InputError(f"{where}: geef óf een richting (daling, stijging, gelijk) óf een doelwaarde")
        if self.direction is not None and self.direction not in DIRECTIONS:
            raise InputError(f"{where}: richting is {', '.join(DIRECTIONS)}, niet {self.direction!r}")
        if self.level is not None and self.level not in LEVELS:
            raise InputError(f"{where}: niveau is {', '.join(LEVELS)}, niet {self.level!r}")
        if self.target_year < self.baseline_year:
            raise InputError(f"{where}: doeljaar {self.target_year} ligt voor de nulmeting {self.baseline_year}")
        if self.margin is not None and self.margin < 0:
            raise InputError(f"{where}: de marge kan niet negatief zijn")


@dataclass(frozen=True, kw_only=True)
class ChangeSettings:
    """When a change between two years is judged (:mod:`sociale_kaart.combine.change`).

    A change is not judged on a baseline of fewer than `min_inwoners` inhabitants (Wilgenrijk in
    Maassluis had 90 in 2015 and 1.805 in 2024: any rate on the first figure is noise), nor in an
    area whose translation from another boundary year rests mostly on assumption.
    """

    min_inwoners: int = 200  #: minimum inhabitants in the baseline year for a change to be judged
    baseline_year: int | None = None  #: None: the earliest year of the run
    noise_width: float = 25.0  #: metres; thinner overlaps between two maps are differences of drawing

    def __post_init__(self):
        if self.min_inwoners < 0:
            raise InputError("min-inwoners van de nulmeting kan niet negatief zijn")
        if self.noise_width < 0:
            raise InputError("de ruisbreedte kan niet negatief zijn")

    def describe(self) -> str:
        return (f"Een verandering wordt niet beoordeeld als het gebied in de nulmeting minder dan "
                f"{nl_number(self.min_inwoners, 0)} inwoners had, of als de omzetting naar de buurtgrenzen van "
                "de kaart grotendeels op aanname rust. Een verschil dat de afronding van de bron (CBS rondt "
                "aantallen af op 5) kan veroorzaken, heet 'gelijk (binnen de afronding)'. Een wijk of de gemeente "
                "gebruikt het gepubliceerde cijfer van het gebied als de bron dat heeft (één keer afgerond), anders "
                "de som van haar buurten: hun afrondingen heffen elkaar deels op, dus de marge is twee "
                "standaardafwijkingen van de opgetelde afrondingen (hoogstens hun som). De basis staat bij elk "
                "oordeel.")


HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, kw_only=True)
class Huisstijl:
    """How a gemeente's documents look (``[huisstijl]``): colours, typeface, logo, own template.

    The defaults are neutral (dark blue-grey, the print font, no logo). The colours dress the
    document (titles, rules, table headers), never the classes of a map.
    """

    primary: str = "#1f3a5f"
    secondary: str = "#5b7083"
    font: Path | None = None  #: a TrueType/OpenType file the gemeente supplies
    logo: Path | None = None  #: SVG or PNG
    logo_alt: str = "logo"
    template: Path | None = None  #: an own Typst template reading the same input
    author: str = "sociale-kaart"

    def __post_init__(self):
        for name, colour in (("kleur", self.primary), ("tweede_kleur", self.secondary)):
            if not HEX_COLOUR.match(str(colour)):
                raise InputError(f"[huisstijl] {name}: verwacht een kleur als #1f3a5f, gevonden {colour!r}")
        if self.logo is not None and Path(self.logo).suffix.lower() not in (".svg", ".png"):
            raise InputError(f"[huisstijl] logo: verwacht een SVG- of PNG-bestand, gevonden {self.logo}")
        if self.font is not None and Path(self.font).suffix.lower() not in (".ttf", ".otf"):
            raise InputError(f"[huisstijl] lettertype: verwacht een TTF- of OTF-bestand, gevonden {self.font}")


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """One run: sources, rules and where the products go."""

    sources: Sources
    small_numbers: SmallNumbers = SmallNumbers()
    need: NeedSettings = NeedSettings()
    map: MapSettings = MapSettings()
    output: Path = Path("maps")
    indicators: tuple[IndicatorSpec, ...] = ()  #: own indicators beside the core ones
    units: dict[str, float] = field(default_factory=dict)  #: indicator key -> scale (100, 1000, 10000)
    domains: dict[str, str] = field(default_factory=dict)  #: indicator key -> sociaal | veiligheid | leefbaarheid
    comparison_group: tuple[str, ...] = ()  #: gemeentecodes of an own comparison group
    comparison_name: str = "eigen groep"
    wijken: tuple[str, ...] = ()  #: wijk profiles and briefing pages for these wijken only
    quiet: bool = False
    layouts: tuple[LayoutSpec, ...] = ()  #: own area layouts; each gets a table of its areas
    wijk_layout: str | None = None  #: name of a layout whose areas take the place of the CBS wijken in this run
    years: tuple[YearSource, ...] = ()  #: earlier (and later) years beside the run's own KWB: change over time
    targets: tuple[Target, ...] = ()  #: policy targets, judged against the years given
    change: ChangeSettings = ChangeSettings()
    huisstijl: Huisstijl = Huisstijl()  #: the look of every document

    def __post_init__(self):
        names = [layout.name for layout in self.layouts]
        twice = [n for n in names if names.count(n) > 1]
        if twice:
            raise InputError(f"twee eigen indelingen heten {twice[0]!r}; geef elke indeling een eigen naam")
        if self.wijk_layout is not None and self.wijk_layout not in names:
            known = ", ".join(repr(n) for n in names) or "geen (zet ze als [[indeling]] in het projectbestand)"
            raise InputError(f"eigen indeling {self.wijk_layout!r} is niet gedeclareerd; bekend: {known}")
