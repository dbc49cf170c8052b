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

import datetime
import re

from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Callable

from .errors import InputError
from .texts import nl_number

#: How a value is written in the project file; the words are those of its messages ("verwacht ...").
TEXT, INT, NUMBER, BOOL, TABLE = "tekst", "geheel getal", "getal", "true of false", "tabel"
PATH, PATHS, TEXTS = "pad (tekst)", "lijst van paden", "lijst van teksten"


@dataclass(frozen=True)
class Conversion:
    """From the value as written (file, option) to the field's value and back (for the template)."""

    to_field: Callable
    to_written: Callable


#: A percentage in the file and on the command line, a fraction in the settings.
PERCENT = Conversion(lambda v: v / 100, lambda v: round(v * 100, 10))


@dataclass(frozen=True, kw_only=True)
class Setting:
    """How one setting is written, declared once beside its field (see :func:`setting`).

    The project-file schema and template (:mod:`sociale_kaart.project`), the command-line options
    and the merge of both (:mod:`sociale_kaart.cli`) are generated from these declarations.

    Attributes
    ----------
    key, section : str or None
        The Dutch key and its ``[section]`` in the project file; None: an option only.
    kind : str
        TEXT, INT, NUMBER, BOOL, TABLE, PATH, PATHS or TEXTS (as written).
    help : str
        One Dutch line: the option's help and the template's comment.
    flag : str or None
        The command-line option (``--min-noemer``, ``--hotspots/--geen-hotspots``); None: file only.
    group : str or None
        The group of the option in ``--help``: Bronnen, Regels, Kaart or Uitvoer.
    param : str or None
        The option's parameter name, when not the flag's.
    choices : tuple of str
        The values allowed on the command line.
    conversion : Conversion or None
        Written value -> field value, applied once for file and option alike.
    parse_option : callable or None
        The texts of a repeated option -> the written value (``--gewicht wmo_per_1000=2``).
    shown : str or None
        How help shows the default when the field's default says nothing ("automatisch").
    example : str or None
        TOML text of a commented example in the template, for a setting without a default value.
    must_exist : bool
        A path that must exist (False: a folder that is written).
    """

    key: str | None
    section: str | None
    kind: str
    help: str
    flag: str | None = None
    group: str | None = None
    param: str | None = None
    choices: tuple[str, ...] = ()
    conversion: Conversion | None = None
    parse_option: Callable | None = None
    shown: str | None = None
    example: str | None = None
    must_exist: bool = True

    def to_field(self, written):
        """The field's value of a written value (file or option)."""
        return written if self.conversion is None or written is None else self.conversion.to_field(written)

    def to_written(self, value):
        """The written value of a field's value (for the template and for help)."""
        return value if self.conversion is None or value is None else self.conversion.to_written(value)


def setting(default=MISSING, *, factory=MISSING, **declaration):
    """A dataclass field with its :class:`Setting` declaration (key, section, flag, help, ...)."""
    return field(default=default, default_factory=factory, metadata={"setting": Setting(**declaration)})


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a period written as a year, a month or two dates.

    Examples
    --------
    >>> parse_period("2024")
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    >>> parse_period("2024-02")[1], parse_period("2024-01-01/2024-06-30")[1]
    (datetime.date(2024, 2, 29), datetime.date(2024, 6, 30))
    """
    import calendar

    text = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return datetime.date(int(text), 1, 1), datetime.date(int(text), 12, 31)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
        first, sep, last = text.partition("/")
        if sep:
            start, end = datetime.date.fromisoformat(first.strip()), datetime.date.fromisoformat(last.strip())
            if end >= start:
                return start, end
    except ValueError:
        pass
    raise InputError(f"{text!r} is geen periode; schrijf een jaar (2024), een maand (2024-03) of van/tot "
                     "(2024-01-01/2024-06-30)")


#: A period: written as text, a pair of dates in the settings.
PERIOD = Conversion(parse_period, lambda v: f"{v[0].isoformat()}/{v[1].isoformat()}")


def _per_indicator(example: str, many: bool):
    """Parse options written as ``indicator=value`` (or ``indicator=v1;v2;v3`` when `many`)."""

    def parse(values, option: str) -> dict:
        parsed = {}
        for item in values:
            key, sep, text = item.partition("=")
            try:
                if not sep:
                    raise ValueError
                numbers = [float(v.replace(",", ".")) for v in text.split(";") if v.strip()]
                if not numbers or (len(numbers) > 1 and not many):
                    raise ValueError
                parsed[key.strip()] = numbers if many else numbers[0]
            except ValueError:
                raise InputError(f"{option} {item!r}: schrijf als indicator={example} "
                                 f"(bijv. wmo_per_1000={example})") from None
        return parsed

    return parse

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

    min_denominator: int = setting(50, key="min_noemer", section="kleine_aantallen", kind=INT, flag="--min-noemer",
                                   group="Regels", help="Onderdruk cijfers op minder inwoners/woningen dan dit.")
    min_count: int = setting(5, key="min_aantal", section="kleine_aantallen", kind=INT, flag="--min-aantal",
                             group="Regels", help="Onderdruk registratieaantallen van 1 tot dit getal.")
    #: registration counts are published as multiples of this (CBS: 5)
    rounding: int = setting(5, key="afronding", section="kleine_aantallen", kind=INT, flag="--afronding",
                            group="Regels", help="Registratieaantallen als veelvoud hiervan (CBS: 5).")
    #: complementary suppression, so that no small count follows by subtraction
    secondary: bool = setting(True, key="secundair", section="kleine_aantallen", kind=BOOL,
                              help="Ook onderdrukken wat een klein aantal terug zou laten rekenen (aan laten!).")
    #: registration columns that are one registration in several periods: hidden in one, hidden in all
    periods: tuple[str, ...] = setting((), key="perioden", section="kleine_aantallen", kind=TEXTS,
                                       example='["schuldhulp_jan", "schuldhulp_feb", "schuldhulp_mrt"]',
                                       help="Eén registratie in meer perioden (kolommen in één bestand): wat in "
                                            "één periode onderdrukt is, in alle.")

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

    #: "marge" (above the reference) or "kwintiel" (top fifth of the gemeente)
    rule: str = setting("marge", key="regel", section="aandacht", kind=TEXT, flag="--regel", group="Regels",
                        choices=RULES, help="Wanneer is een indicator hoog: marge boven de referentie, of hoogste "
                                            "kwintiel (20%) van de gemeente.")
    #: "marge": 25 % above the reference (written in percent, a fraction here)
    margin: float = setting(0.25, key="marge", section="aandacht", kind=NUMBER, flag="--marge", group="Regels",
                            conversion=PERCENT, help="Marge boven de referentie, in procent.")
    #: "gemeente" or "nederland" (the NL00 row of a full KWB table)
    reference: str = setting("gemeente", key="referentie", section="aandacht", kind=TEXT, flag="--referentie",
                             group="Regels", choices=REFERENCES,
                             help="Waarmee de marge vergelijkt (nederland vraagt de NL00-rij van een volledige "
                                  "KWB-tabel).")
    min_stapeling: int = setting(2, key="min_stapeling", section="aandacht", kind=INT, flag="--min-stapeling",
                                 group="Regels", help="Hoge indicatoren voor een aandachtsbuurt.")
    min_inwoners: int = setting(200, key="min_inwoners", section="aandacht", kind=INT, flag="--min-inwoners",
                                group="Regels", help="Minimum aantal inwoners van een aandachtsbuurt.")
    #: indicator key -> weight (default 1)
    weights: dict[str, float] = setting(factory=dict, key="gewichten", section="aandacht", kind=TABLE,
                                        flag="--gewicht", group="Regels", parse_option=_per_indicator("2", False),
                                        example="{ wmo_per_1000 = 2 }",
                                        help="Gewicht in de behoefte-index: indicator=2 (standaard 1).")
    #: need indicators; empty: every indicator with role "behoefte"
    indicators: tuple[str, ...] = setting((), key="indicatoren", section="aandacht", kind=TEXTS, flag="--behoefte",
                                          group="Regels", param="need_keys",
                                          example='["wmo_per_1000", "bijstand_per_1000", "misdrijven_totaal_per_1000"]',
                                          help="Behoefte-indicatoren voor de stapeling (standaard alle).")
    #: one indicator at least this many times the reference flags alone; None: off
    extreme_factor: float | None = setting(2.0, key="uitschieter", section="aandacht", kind=NUMBER,
                                           flag="--uitschieter", group="Regels",
                                           help="Eén behoefte-indicator minstens zoveel keer de gemeente maakt ook "
                                                "een aandachtsbuurt.")
    #: Local Moran's I and Gi* (imports esda and libpysal: seconds)
    hotspots: bool = setting(False, key="hotspots", section="aandacht", kind=BOOL, flag="--hotspots/--geen-hotspots",
                             group="Regels", help="Hot spots (Local Moran's I, Gi*) meenemen (duurt enkele seconden).")
    #: None: the need index
    hotspot_indicator: str | None = setting(None, key="hotspot_indicator", section="aandacht", kind=TEXT,
                                            flag="--hotspot-indicator", group="Regels", example='"wmo_per_1000"',
                                            help="Hot spots op deze indicator in plaats van de behoefte-index.")
    permutations: int = setting(999, key="permutaties", section="aandacht", kind=INT, flag="--permutaties",
                                group="Regels", help="Permutaties voor de significantie van de hot spots.")
    seed: int = setting(12345, key="seed", section="aandacht", kind=INT, flag="--seed", group="Regels",
                        help="Startwaarde van de permutaties.")
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

    scheme: str = setting("kwantielen", key="indeling", section="kaart", kind=TEXT, flag="--indeling", group="Kaart",
                          choices=SCHEMES, help="Klasse-indeling.")
    k: int = setting(5, key="klassen", section="kaart", kind=INT, flag="--klassen", group="Kaart",
                     help="Aantal klassen, 3-7 (ook van de behoefte-index).")
    #: indicator key -> upper bounds
    breaks: dict[str, list[float]] = setting(factory=dict, key="grenswaarden", section="kaart", kind=TABLE,
                                             flag="--grenswaarden", group="Kaart",
                                             parse_option=_per_indicator("40;60;80", True),
                                             example="{ wmo_per_1000 = [40, 60, 80] }",
                                             help="Eigen klassegrenzen: indicator=40;60;80.")
    #: empty: every indicator
    indicators: tuple[str, ...] = setting((), key="indicatoren", section="kaart", kind=TEXTS, flag="--indicator",
                                          group="Kaart", param="map_keys", example='["wmo_per_1000"]',
                                          help="Indicatoren op de kaarten (standaard alle).")
    #: simplification of the HTML map in metres; None: from the extent
    tolerance: float | None = setting(None, key="vereenvoudig", section="kaart", kind=NUMBER, flag="--vereenvoudig",
                                      group="Kaart", shown="automatisch", example="5",
                                      help="Vereenvoudiging van de HTML-kaart in meters.")
    #: OpenStreetMap tiles (the page then contacts openstreetmap.org)
    background: bool = setting(False, key="achtergrond", section="kaart", kind=BOOL,
                               flag="--achtergrond/--geen-achtergrond", group="Kaart",
                               help="OpenStreetMap-achtergrond (de kaart haalt dan tegels op bij openstreetmap.org).")
    title: str | None = setting(None, key="titel", section="kaart", kind=TEXT, flag="--titel", group="Kaart",
                                example='"Sociale kaart"', help="Titel boven de kaarten.")
    #: static maps
    formats: tuple[str, ...] = setting(("png", "svg", "pdf"), key="formaten", section="kaart", kind=TEXTS,
                                       flag="--formaat", group="Kaart", param="formats", choices=("png", "svg", "pdf"),
                                       help="Formaten van de statische kaarten.")

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

    key: str = setting(key="sleutel", section="indicator", kind=TEXT, help="Korte naam (a-z, 0-9, _).")
    label: str = setting(key="label", section="indicator", kind=TEXT, help="Naam in kaarten en tabellen.")
    unit: str = setting(key="eenheid", section="indicator", kind=TEXT, help="Eenheid (per 1.000 inwoners, %, score).")
    column: str | None = setting(None, key="kolom", section="indicator", kind=TEXT,
                                 help="Kolom met een score per buurt.")  #: a score per buurt
    numerator: str | None = setting(None, key="teller", section="indicator", kind=TEXT, help="Kolom van de teller.")
    denominator: str = setting("inwoners", key="noemer", section="indicator", kind=TEXT, help="Kolom van de noemer.")
    scale: float = setting(1000, key="schaal", section="indicator", kind=NUMBER, help="Per 100, 1.000 of 10.000.")
    #: "meer": higher = more need; "minder": higher = less need; "context"
    direction: str = setting("meer", key="richting", section="indicator", kind=TEXT, help="meer, minder of context.")
    #: scores: "gewogen" (by inhabitants) or "geen" (per buurt only)
    aggregation: str = setting("geen", key="optellen", section="indicator", kind=TEXT, help="gewogen of geen.")
    #: a table keyed on buurtcode; None: the KWB or a registration
    source: Path | None = setting(None, key="bron", section="indicator", kind=PATH, help="Tabel met een buurtcodekolom.")
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

    #: how products and the project file name it ("Wijken gemeenteatlas")
    name: str = setting(key="naam", section="indeling", kind=TEXT, help="Naam van de indeling.")
    source: Path = setting(key="bron", section="indeling", kind=PATH, help="Tabel buurtcode -> gebied, of vlakken.")
    #: column with the area name; None: "gebied", "naam", or the one other column
    column: str | None = setting(None, key="kolom", section="indeling", kind=TEXT, help="Kolom met de gebiedsnaam.")
    #: polygons: the layer of a file with several
    layer: str | None = setting(None, key="laag", section="indeling", kind=TEXT, help="Laag met de vlakken.")
    #: polygons: a column that tells areas of the same name apart
    code: str | None = setting(None, key="code", section="indeling", kind=TEXT, help="Kolom met een gebiedscode.")

    def __post_init__(self):
        if not self.name.strip():
            raise InputError("een eigen indeling heeft een naam nodig (naam = \"...\")")


@dataclass(frozen=True, kw_only=True)
class Sources:
    """The input files of a run."""

    grenzen: Path = setting(key="grenzen", section="bronnen", kind=PATH, flag="--grenzen", group="Bronnen",
                            help="Wijk- en Buurtkaart van het CBS (GeoPackage, GeoJSON of Shapefile); "
                                 "'sociale-kaart ophalen' haalt hem op.")
    kwb: Path = setting(key="kwb", section="bronnen", kind=PATH, flag="--kwb", group="Bronnen",
                        help="Kerncijfers Wijken en Buurten (CSV of XLSX van het CBS).")
    #: codes or names; empty: every gemeente in the boundary file
    gemeenten: tuple[str, ...] = setting((), key="gemeenten", section="gebied", kind=TEXTS, flag="--gemeente",
                                         group="Bronnen", param="gemeenten",
                                         help="Gemeentecode (GM0556) of naam (Maassluis); zonder: alle gemeenten in "
                                              "het grenzenbestand.")
    registraties: tuple[Path, ...] = setting((), key="registraties", section="bronnen", kind=PATHS,
                                             flag="--registraties", group="Bronnen",
                                             help="Eigen registratie (CSV/XLSX) per buurtcode, adres of x/y. Ze "
                                                  "verlaten deze computer niet.")
    #: only the records dated in this period are counted (first and last day)
    period: tuple[datetime.date, datetime.date] | None = setting(
        None, key="periode", section="bronnen", kind=TEXT, flag="--periode", group="Bronnen", conversion=PERIOD,
        example='"2024"', help="Tel alleen registratieregels met een datum in deze periode: een jaar (2024), een "
                               "maand (2024-03) of van/tot (2024-01-01/2024-06-30).")
    adrestabel: Path | None = setting(None, key="adrestabel", section="bronnen", kind=PATH, flag="--adrestabel",
                                      group="Bronnen", example='"pc6hnr.csv"',
                                      help="CBS-tabel buurt per postcode en huisnummer, voor registraties met een "
                                           "adres.")
    #: map of the figures' year, to check shared codes when years differ
    grenzen_cijferjaar: Path | None = setting(None, key="grenzen_cijferjaar", section="bronnen", kind=PATH,
                                              flag="--grenzen-cijferjaar", group="Bronnen",
                                              example='"geodata/wijkenbuurten_2024.gpkg"',
                                              help="Wijk- en Buurtkaart van het jaar van de cijfers, om gedeelde "
                                                   "buurtcodes te controleren.")
    #: a KWB table with the published gemeente rows (the reference values)
    kwb_gemeenten: Path | None = setting(None, key="kwb_gemeenten", section="bronnen", kind=PATH,
                                         flag="--kwb-gemeenten", group="Bronnen",
                                         example='"geodata/kwb_2024_gemeenten.csv"',
                                         help="KWB-tabel met de gepubliceerde gemeentecijfers (referentie).")
    #: police-registered crime per buurt (Politie 47018NED)
    misdrijven: Path | None = setting(None, key="misdrijven", section="bronnen", kind=PATH, flag="--misdrijven",
                                      group="Bronnen", example='"geodata/politie_47018NED_2023.csv"',
                                      help="Geregistreerde misdrijven per buurt (Politie 47018NED).")
    #: Leefbaarometer 3.0 buurtscores
    leefbaarometer: Path | None = setting(None, key="leefbaarometer", section="bronnen", kind=PATH,
                                          flag="--leefbaarometer", group="Bronnen",
                                          example='"geodata/leefbaarometer_2024.csv"',
                                          help="Leefbaarometer 3.0, scores per buurt.")
    #: overrides the attribution line (the fictional sample says so)
    bron: str | None = setting(None, key="bron", section="bronnen", kind=TEXT, example='"Gemeente Maassluis"',
                               help="Bronvermelding in plaats van de gewone (CBS en de gebruikte bronnen).")
    #: (key, file) of declared extra sources without a field here (sources.declarations.EXTRA_SOURCES)
    extra: tuple[tuple[str, Path], ...] = ()
    #: The Wijk- en Buurtkaart of the buurtindeling the police tables are on, to translate their counts
    #: to the buurten of `grenzen` when the years differ
    grenzen_politie: Path | None = setting(None, key="grenzen_politie", section="bronnen", kind=PATH,
                                           flag="--grenzen-politie", group="Bronnen",
                                           example='"geodata/wijkenbuurten_2025.gpkg"',
                                           help="Wijk- en Buurtkaart van de buurtindeling van de politietabellen, om "
                                                "hun aantallen om te zetten.")
    #: (key, year) of extra sources whose buurtindeling is given (``misdrijven_indeling = 2025``);
    #: the JSON that fetch writes beside a table says it too
    indelingen: tuple[tuple[str, int], ...] = ()
    #: linked registrations (``[[registratie]]``: sources.linked.LinkedSpec), one per leefgebied
    linked: tuple = ()
    #: what the key of the linked registrations counts: "huishouden" or "persoon"
    linked_unit: str = setting("huishouden", key="eenheid", section="stapeling", kind=TEXT,
                               help="Wat de sleutel van de gekoppelde registraties telt: huishouden of persoon.")

    def __post_init__(self):
        if isinstance(self.period, str):  # written as in the project file: "2024", "2024-03", "van/tot"
            object.__setattr__(self, "period", parse_period(self.period))
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

    year: int = setting(key="jaar", section="jaar", kind=INT, help="Het jaar van de cijfers.")
    kwb: Path = setting(key="kwb", section="jaar", kind=PATH, help="Kerncijfers van dat jaar.")
    #: the map of that year's codes; None: the run's own map
    grenzen: Path | None = setting(None, key="grenzen", section="jaar", kind=PATH,
                                   help="Wijk- en Buurtkaart van de codes van dat jaar.")
    #: that year's published gemeente rows (when `kwb` has none)
    kwb_gemeenten: Path | None = setting(None, key="kwb_gemeenten", section="jaar", kind=PATH,
                                         help="Gemeentecijfers van dat jaar.")

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

    #: minimum inhabitants in the baseline year for a change to be judged
    min_inwoners: int = setting(200, key="min_inwoners", section="voortgang", kind=INT,
                                help="Een verandering op minder inwoners in de nulmeting wordt niet beoordeeld.")
    #: None: the earliest year of the run
    baseline_year: int | None = setting(None, key="nulmeting", section="voortgang", kind=INT, example="2015",
                                        help="Jaar van de nulmeting (standaard het eerste jaar).")
    #: metres; thinner overlaps between two maps are differences of drawing
    noise_width: float = setting(25.0, key="ruisbreedte", section="voortgang", kind=NUMBER,
                                 help="Meters: dunnere overlappen tussen twee kaarten zijn tekenverschillen.")

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

    primary: str = setting("#1f3a5f", key="kleur", section="huisstijl", kind=TEXT,
                           help="Hoofdkleur van titels, lijnen en tabelkoppen (#rrggbb).")
    secondary: str = setting("#5b7083", key="tweede_kleur", section="huisstijl", kind=TEXT,
                             help="Tweede kleur (#rrggbb).")
    #: a TrueType/OpenType file the gemeente supplies
    font: Path | None = setting(None, key="lettertype", section="huisstijl", kind=PATH, example='"huisstijl/letter.ttf"',
                                help="Lettertype van de documenten (TTF of OTF).")
    #: SVG or PNG
    logo: Path | None = setting(None, key="logo", section="huisstijl", kind=PATH, example='"huisstijl/logo.svg"',
                                help="Logo op de documenten (SVG of PNG).")
    logo_alt: str = setting("logo", key="logo_tekst", section="huisstijl", kind=TEXT,
                            help="Tekst bij het logo (voor schermlezers).")
    #: an own Typst template reading the same input
    template: Path | None = setting(None, key="sjabloon", section="huisstijl", kind=PATH,
                                    example='"huisstijl/sjabloon.typ"',
                                    help="Eigen Typst-sjabloon dat dezelfde invoer leest.")
    author: str = setting("sociale-kaart", key="organisatie", section="huisstijl", kind=TEXT,
                          help="Maker van de documenten (de organisatie).")

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
    output: Path = setting(Path("maps"), key="map", section="uitvoer", kind=PATH, flag="--uitvoer", group="Uitvoer",
                           must_exist=False, help="Map voor de uitvoer.")
    indicators: tuple[IndicatorSpec, ...] = ()  #: own indicators beside the core ones
    units: dict[str, float] = field(default_factory=dict)  #: indicator key -> scale (100, 1000, 10000)
    domains: dict[str, str] = field(default_factory=dict)  #: indicator key -> sociaal | veiligheid | leefbaarheid
    #: gemeentecodes of an own comparison group
    comparison_group: tuple[str, ...] = setting((), key="gemeenten", section="vergelijking", kind=TEXTS,
                                                example='["GM0556", "GM0606", "GM0622"]',
                                                help="Een eigen vergelijkingsgroep van gemeenten.")
    comparison_name: str = setting("eigen groep", key="naam", section="vergelijking", kind=TEXT,
                                   help="Naam van de eigen vergelijkingsgroep.")
    #: wijk profiles and briefing pages for these wijken only
    wijken: tuple[str, ...] = setting((), key="wijken", section="gebied", kind=TEXTS, flag="--wijk", group="Uitvoer",
                                      param="wijken", help="Alleen deze wijken in profielen en briefing (code of "
                                                           "naam); zonder: alle.")
    #: the briefing as one document per gemeente of the run instead of one for all of them
    briefing_per_gemeente: bool = setting(False, key="briefing_per_gemeente", section="uitvoer", kind=BOOL,
                                          flag="--briefing-per-gemeente", group="Uitvoer",
                                          help="Een briefing per gemeente van de run (<gemeente>_briefing.pdf) in "
                                               "plaats van één voor alle gemeenten samen; niet bij een wijkbezoek "
                                               "(--wijk).")
    quiet: bool = setting(False, key=None, section=None, kind=BOOL, flag="--stil", group="Uitvoer",
                          help="Geen voortgang tonen.")
    layouts: tuple[LayoutSpec, ...] = ()  #: own area layouts; each gets a table of its areas
    #: name of a layout whose areas take the place of the CBS wijken in this run
    wijk_layout: str | None = setting(None, key="indeling", section="gebied", kind=TEXT, flag="--eigen-indeling",
                                      group="Uitvoer", param="wijk_layout", example='"Wijken gemeenteatlas"',
                                      help="Profielen, briefing en kaarten per gebied van deze eigen indeling "
                                           "([[indeling]] in het projectbestand) in plaats van per CBS-wijk.")
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


@dataclass(frozen=True)
class Declared:
    """A declared setting with its place: the part of the run (``"need"``, ``"run"``, ...) and the field."""

    part: str
    name: str
    setting: Setting
    default: object = None  #: the field's default (MISSING: required)

    @property
    def param(self) -> str:
        """The parameter name of its command-line option."""
        return self.setting.param or self.setting.flag.split("/")[0].lstrip("-").replace("-", "_")


#: Settings of a run that are no field of :class:`RunSettings`: what 'maak' makes and a file of targets.
RUN_EXTRAS = (
    ("products", Setting(key="producten", section="uitvoer", kind=TEXTS,
                         example='["tabellen", "aandachtsbuurten", "kaart", "statisch", "profielen", "briefing"]',
                         help="Welke producten 'maak' maakt (zie 'sociale-kaart producten'); standaard alle.")),
    ("targets_file", Setting(key="doelen", section="voortgang", kind=PATH, flag="--doelen", group="Bronnen",
                             example='"doelen.csv"', help="Doelen (CSV/XLSX: gebied, indicator, nulmeting, doeljaar, "
                                                          "richting of waarde; niveau, marge, tekst).")),
)
#: The parts of a run: the RunSettings field -> its class ("run": the fields of RunSettings itself).
PARTS = {"sources": Sources, "small_numbers": SmallNumbers, "need": NeedSettings, "map": MapSettings,
         "change": ChangeSettings, "huisstijl": Huisstijl}


def declared_settings() -> tuple[Declared, ...]:
    """Every declared setting, part by part in the order of the fields.

    Examples
    --------
    >>> margin = next(d for d in declared_settings() if d.setting.key == "marge")
    >>> margin.part, margin.name, margin.setting.flag, margin.setting.to_field(25)
    ('need', 'margin', '--marge', 0.25)
    """
    found = []
    for part, cls in (*PARTS.items(), ("run", RunSettings)):
        for f in fields(cls):
            if "setting" in f.metadata:
                default = f.default_factory() if f.default_factory is not MISSING else f.default
                found.append(Declared(part, f.name, f.metadata["setting"], default))
    found.extend(Declared("run", name, declaration) for name, declaration in RUN_EXTRAS)
    return tuple(found)


def table_keys(cls) -> dict[str, Declared]:
    """The keys of a ``[[table]]`` of the project file (``[[jaar]]``, ``[[indicator]]``, ...), declared on
    the fields of `cls`: key -> its field (``default`` MISSING: the key is required).

    Examples
    --------
    >>> keys = table_keys(YearSource)
    >>> list(keys), keys["jaar"].name, keys["grenzen"].default
    (['jaar', 'kwb', 'grenzen', 'kwb_gemeenten'], 'year', None)
    """
    return {f.metadata["setting"].key: Declared(f.metadata["setting"].section, f.name, f.metadata["setting"], f.default)
            for f in fields(cls) if "setting" in f.metadata}
