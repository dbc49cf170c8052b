"""What every figure is, said once: declarations of sources and their figures.

Each source module declares its own :class:`SourceDeclaration` with a :class:`Figure` per column it
can deliver (the KWB reads its figures from ``kwb_columns.csv``). Everything downstream reads these
declarations (the kind of a figure, its direction, its lineage, its classes, its credit line)
instead of deciding from a column's name. This module imports nothing heavy: it is the bottom of
the package.

Examples
--------
>>> crime = Figure("misdrijven_totaal", "Misdrijven", kind=COUNT, direction=HIGHER_WORSE, lineage=POLITIE,
...                denominator="inwoners", scale=1000)
>>> crime.protected, crime.universe
(False, None)
>>> src = SourceDeclaration("misdrijven", "Politie, geregistreerde misdrijven", publisher=POLITIE,
...                         licence="CC BY 4.0", figures=(crime,))
>>> src.credit(2023)
'Politie, geregistreerde misdrijven 2023 (CC BY 4.0)'
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Kinds of figure.
COUNT, RATE, PERCENTAGE, SCORE, CLASS, AMOUNT = "count", "rate", "percentage", "score", "class", "amount"
#: Directions: does a higher value ask for attention, signal less need, or neither?
HIGHER_WORSE, HIGHER_BETTER, NEITHER = "higher_worse", "higher_better", "neither"
DIRECTIONS = (HIGHER_WORSE, HIGHER_BETTER, NEITHER)
#: What a direction means for a reader of a legend.
DIRECTION_TEXT = {HIGHER_WORSE: "hoger = ongunstiger", HIGHER_BETTER: "hoger = gunstiger", NEITHER: ""}
#: Lineages: who published (and protected) a figure; REGISTRATION is the municipality's own, which
#: this toolkit must protect.
CBS, POLITIE, LEEFBAAROMETER, REGISTRATION, OWN_TABLE = "CBS", "Politie", "Leefbaarometer", "registratie", "eigen tabel"
#: Levels a source can cover.
BUURT, WIJK, GEMEENTE = "buurt", "wijk", "gemeente"
#: Universe columns a count can belong to (a count never exceeds its universe).
UNIVERSES = ("inwoners", "huishoudens", "woningvoorraad", "jongeren_0_25")


@dataclass(frozen=True)
class Figure:
    """One figure (column) of a source, as its publisher defines it.

    Attributes
    ----------
    key : str
        Stable column name (``misdrijven_totaal``, ``lbm_klasse``, ``wmo_clienten``).
    label : str
        Dutch label.
    kind : str
        COUNT, RATE (per `scale` of `denominator`), PERCENTAGE (of `denominator`), SCORE, CLASS
        (ordered, with `classes`), AMOUNT.
    unit : str
        Dutch unit as published (``"aantal"``, ``"per 1.000 inwoners"``, ``"klasse 1-9"``).
    direction : str
        HIGHER_WORSE, HIGHER_BETTER or NEITHER.
    lineage : str
        Who published it: CBS, POLITIE, LEEFBAAROMETER (already protected by them), REGISTRATION
        (own counts this toolkit must protect) or OWN_TABLE.
    universe : str or None
        For counts: the column it belongs to and never exceeds (``inwoners``).
    numerator, denominator : str or None
        For rates and percentages: the count it was made of, and of what. For a count: what it
        is shown per (``inwoners``).
    scale : float or None
        Rates: per how many (1000, 10000); percentages: 100; a count: per how many of
        `denominator` it is shown.
    minimum, maximum : float or None
        Plausible range; outside it the reader refuses the value.
    classes : tuple of str
        Ordered classes: the name of class 1, 2, ... (``"zeer onvoldoende"`` ..).
    part_of : str or None
        The total this count adds up to with its siblings.
    description : str
        How the figure is made, for the definitions page; ``{year}`` is filled with the data's year.
    domain, role : str
        Where the toolkit shows it: domain ``sociaal``, ``veiligheid`` or ``leefbaarheid``; role
        ``behoefte`` or ``context``.
    """

    key: str
    label: str
    kind: str = COUNT
    unit: str = ""
    direction: str = NEITHER
    lineage: str = CBS
    universe: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    scale: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    classes: tuple[str, ...] = ()
    part_of: str | None = None
    description: str = ""
    domain: str = "sociaal"
    role: str = "behoefte"

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"{self.key}: direction {self.direction!r}")

    @property
    def protected(self) -> bool:
        """An own registration: its small numbers must stay hidden in every output."""
        return self.lineage == REGISTRATION

    def class_labels(self) -> tuple[str, ...]:
        """``"1 zeer onvoldoende"`` .. ``"9 uitstekend"`` for an ordered class; empty otherwise."""
        return tuple(f"{n} {name}" for n, name in enumerate(self.classes, start=1))


@dataclass(frozen=True)
class SourceDeclaration:
    """One source: who publishes it, under which licence, at which levels, with which figures.

    Attributes
    ----------
    key : str
        Stable key, also the field of :class:`~sociale_kaart.settings.Sources` and the project
        key that name its file (``misdrijven``).
    name : str
        Dutch name for credit lines (``"Politie, geregistreerde misdrijven"``).
    publisher : str
        The lineage of its figures (CBS, POLITIE, ...).
    licence : str
        ``"CC BY 4.0"``; empty when the publisher states none the toolkit knows of.
    levels : tuple of str
        Levels it covers: (BUURT,), (WIJK,) for a wijk-only table, ...
    keys : str
        How its region keys look, for messages (``"buurtcode BU + 8 cijfers"``).
    year : str
        How its year is read, for messages.
    figures : tuple of Figure
        Every figure it can deliver.
    """

    key: str
    name: str
    publisher: str
    licence: str = ""
    levels: tuple[str, ...] = (BUURT,)
    keys: str = "buurtcode (BU + 8 cijfers)"
    year: str = ""
    figures: tuple[Figure, ...] = field(default=())
    credit_format: str = "{name} {year}"  #: how name and year read in a credit line

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def credit(self, year: int | None) -> str:
        """``"Politie, geregistreerde misdrijven 2023 (CC BY 4.0)"``: name, year, licence."""
        text = self.credit_format.format(name=self.name, year=year) if year else self.name
        return f"{text} ({self.licence})" if self.licence else text


def lineage_of(figures) -> frozenset[str]:
    """The union of the lineages of `figures` (an own indicator inherits all of its inputs').

    Examples
    --------
    >>> sorted(lineage_of([Figure("a", "A"), Figure("b", "B", lineage=REGISTRATION)]))
    ['CBS', 'registratie']
    """
    return frozenset(f.lineage for f in figures)


def join_credits(credits) -> str:
    """One credit line: ``"Bron: A; B"`` with each distinct credit once, in order."""
    return "Bron: " + "; ".join(dict.fromkeys(c for c in credits if c))


#: The sources read beside the boundaries, the KWB and the registrations: the key of each (its
#: field in ``Sources`` and its project key) -> ``module:DECLARATION:reader`` of its own module.
#: A new source is its module (declaration + reader returning ``SafetyTable``-like tables with
#: ``table``, ``year``, ``source``, ``figures``) and one line here.
EXTRA_SOURCES = {
    "misdrijven": "sociale_kaart.sources.safety:CRIME:read_crime",
    "leefbaarometer": "sociale_kaart.sources.safety:LIVEABILITY_SOURCE:read_liveability",
    "overlast": "sociale_kaart.sources.overlast:OVERLAST:read_overlast",
    "cbs_stapeling": "sociale_kaart.sources.social_domain:STACKING:read_stacking_table",
    "cbs_wmo_wijken": "sociale_kaart.sources.social_domain:WMO:read_wmo_table",
    "cbs_jeugdhulp_wijken": "sociale_kaart.sources.social_domain:YOUTH:read_youth_table",
    "cbs_uitkeringen": "sociale_kaart.sources.social_domain:BENEFITS:read_benefits_table",
}


def extra_source(key: str):
    """The declaration and reader of the extra source `key` (imported when a run asks for it)."""
    from importlib import import_module

    module, declaration, reader = EXTRA_SOURCES[key].split(":")
    loaded = import_module(module)
    return getattr(loaded, declaration), getattr(loaded, reader)
