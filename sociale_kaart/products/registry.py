"""Every product, declared once, in the order a run makes them.

A product is a :class:`Product`: its key (``--product``), its Dutch description (``sociale-kaart
producten``, ``--help``), what it needs of the run, the function that makes it, and what its files
are (the index page). Adding a product is a module with its ``make`` function and one line in
:data:`REGISTRY`.

Examples
--------
>>> [p.key for p in REGISTRY][:3]
['tabellen', 'aandachtsbuurten', 'samenhang']
>>> sorted(next(p for p in REGISTRY if p.key == "statisch").needs)
['analyse', 'klassen', 'tekeningen', 'wijkvlakken']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import charts, documents, maps, stapeling, tables, voortgang

#: The need analysis (aandachtsbuurten, need index, relations).
ANALYSIS = "analyse"
#: The need analysis where the run has a need indicator at all (the tables show it then, else not).
ANALYSIS_IF_POSSIBLE = "analyse_waar_mogelijk"
#: The class breaks of the maps (computed once for every product that draws or styles a map).
CLASSES = "klassen"
#: The wijk polygons (not only the wijk figures).
WIJK_SHAPES = "wijkvlakken"
#: Drawings (matplotlib): the run warms the drawing library once, before the first lane that draws forks.
DRAWINGS = "tekeningen"
NEEDS = frozenset({ANALYSIS, ANALYSIS_IF_POSSIBLE, CLASSES, WIJK_SHAPES, DRAWINGS})


@dataclass(frozen=True, kw_only=True)
class Product:
    """One product of a run.

    Attributes
    ----------
    key : str
        Its name on the command line and in the project file (``--product tabellen``).
    description : str
        What it holds, in Dutch (``sociale-kaart producten``).
    make : callable
        ``make(out, ctx)`` with the :class:`~sociale_kaart.outputs.OutputFolder` and the
        :class:`~sociale_kaart.products.context.RunContext`; returns a
        :class:`~sociale_kaart.products.context.ProductResult` or None.
    needs : frozenset of str
        What the run must compute for it: :data:`ANALYSIS`, :data:`ANALYSIS_IF_POSSIBLE`,
        :data:`CLASSES`, :data:`WIJK_SHAPES`, :data:`DRAWINGS`.
    with_products : tuple of str
        Products it builds on, made with it (the embed snippet points at the web map).
    files : tuple of (str, str)
        How its file names end and what such a file holds, for the index page (the products of
        the first versions are described there already).
    lane : str
        The products of one lane are made one after another in one process, and the lanes side
        by side (:func:`~sociale_kaart.render.cores.side_by_side`). Light products that draw nothing
        share the lane :data:`LIGHT`; a product that uses another's drawings takes that one's lane.
        Empty: a lane of its own.
    """

    key: str
    description: str
    make: Callable
    needs: frozenset[str] = frozenset()
    with_products: tuple[str, ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    lane: str = ""

    def __post_init__(self):
        unknown = set(self.needs) - NEEDS
        if unknown:
            raise ValueError(f"product {self.key!r}: unknown need {sorted(unknown)[0]!r}; known: {sorted(NEEDS)}")
        if not callable(self.make):
            raise TypeError(f"product {self.key!r}: make must be callable")


_MAPS = frozenset({ANALYSIS, CLASSES})
_DRAWN = _MAPS | {WIJK_SHAPES, DRAWINGS}
#: The lane of the products that take a fraction of a second and draw nothing (tables, the web
#: map): it runs while the run warms up for the lanes that draw.
LIGHT = "licht"

#: Every product, in the order they are made.
REGISTRY: tuple[Product, ...] = (
    Product(key="tabellen", make=tables.tables, needs=frozenset({ANALYSIS_IF_POSSIBLE, CLASSES}), lane=LIGHT,
            description="GeoPackage en CSV's per buurt, wijk en gemeente"),
    Product(key="aandachtsbuurten", make=tables.flags, needs=frozenset({ANALYSIS}), lane=LIGHT,
            description="aandachtsbuurten met redenen (CSV, GeoPackage) en samenhang (CSV)"),
    Product(key="samenhang", make=charts.relation_plots, needs=frozenset({ANALYSIS, DRAWINGS}),
            description="spreidingsdiagrammen van behoefte tegen wonen en vergrijzing (PNG)"),
    Product(key="vergelijking", make=charts.comparison, needs=frozenset({DRAWINGS}),
            description="de gemeente naast haar grootteklasse, Nederland en een eigen groep (CSV, PNG)"),
    Product(key="kaart", make=maps.web_map, needs=_MAPS, lane=LIGHT,
            description="interactieve kaart (één HTML-bestand, werkt offline)"),
    Product(key="statisch", make=maps.static_maps, needs=_DRAWN,
            description="statische kaarten per indicator (PNG 300 dpi, SVG, PDF)"),
    Product(key="insluiten", make=maps.embed, needs=_DRAWN, with_products=("kaart",), lane="statisch",
            description="PNG van de kaart en een HTML-fragment (iframe) voor rapporten"),
    Product(key="profielen", make=documents.profiles, needs=_DRAWN,
            description="wijkprofiel per wijk (A4-PDF)"),
    Product(key="briefing", make=documents.briefing, needs=_DRAWN,
            description="briefingpakket voor de stuurgroep Integrale Veiligheid (PDF)"),
    Product(key="voortgang", make=voortgang.progress_tables, needs=frozenset({WIJK_SHAPES, DRAWINGS}),
            description="verandering sinds de nulmeting per gebied en de stand van de doelen (CSV, XLSX)"),
    Product(key="stapeling", make=stapeling.stacking_tables, description=stapeling.DESCRIPTION, files=stapeling.FILES,
            lane=LIGHT),
)

#: Every product key with what it holds (shown by ``--help``, ``sociale-kaart producten`` and the index).
PRODUCTS: dict[str, str] = {p.key: p.description for p in REGISTRY}

