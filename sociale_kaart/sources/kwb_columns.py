"""The KWB column table (``kwb_columns.csv``): every stable column, its names in each form, and name matching.

Names are compared as words (case, diacritics, units in parentheses, separators and the OData
``_<n>`` suffix do not count), and a StatLine label path is compared as a whole and by its last
parts; :func:`column_keys` gives the keys a source column name is looked up by.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

from .declarations import CBS, NEITHER, Figure


#: A unit row's cell above a KWB table's data ("aantal", "%", "per 1 000 inwoners").
UNIT_CELL = re.compile(r"(aantal|%|code|naam|omschrijving|km|ha|jaar|euro|x ?1[ .]?000 euro|per 1[ .]?000.*|"
                        r"per km2|m3|kwh|1 = .*)", re.IGNORECASE)

#: The naming conventions in ``kwb_columns.csv``, with a Dutch description for reports.
FORMS = {
    "odata": "OData-namen",
    "statline": "StatLine-labels",
    "map": "namen van de Wijk- en Buurtkaart",
    "map_upper": "namen van de Wijk- en Buurtkaart (tot 2016)",
    "xlsx": "namen van kwb-<jaar>.xlsx",
}


_NUMERIC_KINDS = ("count", "percentage", "rate", "amount", "class")


@dataclass(frozen=True)
class KwbColumn:
    """One row of ``kwb_columns.csv``: a stable column and the names each form gives it.

    Attributes
    ----------
    stable : str
        The name used downstream (``inwoners``, ``pct_65plus_cbs``, ...).
    kind : str
        ``count``, ``percentage``, ``rate`` (per 1.000), ``amount``, ``class``, ``code`` or ``text``.
    unit : str
        Dutch unit text (``aantal``, ``% van de inwoners``, ``per 1.000 inwoners``).
    label : str
        Dutch label.
    minimum, maximum : float or None
        Plausible range; a value outside it is an error.
    names : tuple of (form, name)
        Known source names per form (see :data:`FORMS`).
    derivation : str
        ``"a % b"`` (a percent of b) or ``"a + b"``: how to compute the column when no source
        column holds it; empty when it is never derived.
    direction : str
        ``higher_worse``, ``higher_better`` or ``neither``.
    universe : str
        The count this count never exceeds (``inwoners``); empty when none.
    lineage : str
        Who published it (``CBS``).
    """

    stable: str
    kind: str
    unit: str
    label: str
    minimum: float | None
    maximum: float | None
    names: tuple[tuple[str, str], ...]
    derivation: str = ""
    direction: str = NEITHER
    universe: str = ""
    lineage: str = CBS

    def figure(self) -> Figure:
        """The declaration of this column (:class:`~sociale_kaart.sources.declarations.Figure`)."""
        return Figure(self.stable, self.label, kind=self.kind, unit=self.unit, direction=self.direction,
                      lineage=self.lineage, universe=self.universe or None, minimum=self.minimum,
                      maximum=self.maximum)


def load_columns() -> dict[str, KwbColumn]:
    """The stable columns of ``kwb_columns.csv``, in file order (numeric, code and text kinds)."""
    text = resources.files("sociale_kaart.sources").joinpath("kwb_columns.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out = {}
    for row in csv.DictReader(lines):
        names = tuple((form, name.strip()) for form in FORMS for name in row[form].split("|") if name.strip())
        out[row["stable"]] = KwbColumn(
            stable=row["stable"], kind=row["kind"], unit=row["unit"], label=row["label"],
            minimum=float(row["min"]) if row["min"] else None, maximum=float(row["max"]) if row["max"] else None,
            names=names, derivation=row["derivation"].strip(), direction=row["direction"].strip() or NEITHER,
            universe=row["universe"].strip(), lineage=row["lineage"].strip() or CBS,
        )
    return out


ALL_COLUMNS = load_columns()


#: Stable name -> :class:`KwbColumn` for every figure (counts, percentages, rates, ...).
KWB_COLUMNS: dict[str, KwbColumn] = {k: c for k, c in ALL_COLUMNS.items() if c.kind in _NUMERIC_KINDS}


#: Codes, names, soort regio and period.
KWB_TEXT_COLUMNS: dict[str, KwbColumn] = {k: c for k, c in ALL_COLUMNS.items() if c.kind not in _NUMERIC_KINDS}


def _fold(text: str) -> str:
    """Case-folded text without diacritics (``Wmo-cliënten`` -> ``wmo-clienten``)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _word_key(part: str, strip_suffix: bool) -> str:
    part = part.strip()
    if strip_suffix:
        part = re.sub(r"_\d+$", "", part)  # OData version suffix: AantalInwoners_5
    part = re.sub(r"^k_(?=\d)", "", part)  # OData prefix of names that start with a digit
    return re.sub(r"[^0-9a-z]", "", part)


def _parts(name: str) -> list[str]:
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", _fold(name))  # units: "(aantal)", "(%)", "[x 1 000 euro]"
    return [p for p in text.split("/") if re.sub(r"[^0-9a-z]", "", p)]


#: A label as R's ``make.names`` leaves it: every space, slash, hyphen and parenthesis a dot.
_R_NAME = re.compile(r"X?[^\W\d_][\w]*(\.+[\w]*)+")


def r_words(name: str) -> list[str] | None:
    """The words of a StatLine label re-saved by R (``Zorg.Wmo.cliënten..aantal.``), without its unit;
    None for a name R did not make.

    Examples
    --------
    >>> r_words("Zorg.Wmo.cliënten..aantal."), r_words("Wonen.Eigendom.Huurwoningen.totaal....")
    (['Zorg', 'Wmo', 'cliënten'], ['Wonen', 'Eigendom', 'Huurwoningen', 'totaal'])
    >>> r_words("Bevolking.Leeftijdsgroepen.X65.jaar.of.ouder..aantal."), r_words("AantalInwoners_5")
    (['Bevolking', 'Leeftijdsgroepen', '65', 'jaar', 'of', 'ouder'], None)
    """
    name = str(name).strip()
    if not _R_NAME.fullmatch(name):
        return None
    core = name.removeprefix("X") if re.match(r"X\d", name) else name
    if core.endswith("...."):  # " (%)"
        core = core.rstrip(".")
    elif core.endswith(".") and ".." in core:
        head, unit = core[:-1].rsplit("..", 1)
        if UNIT_CELL.fullmatch(unit.replace(".", " ")):
            core = head
    return [re.sub(r"^X(?=\d)", "", w) for w in re.split(r"\.+", core) if w]


def column_keys(name: str) -> list[tuple[str, int]]:
    """Keys a column name is looked up by, most specific first, with the number of path parts used.

    A name R made of a label path has lost the difference between a slash and a space: it is looked
    up by its words from the first on, then from the second, and so on.

    Examples
    --------
    >>> [k for k, _n in column_keys("Sociale zekerheid/Personen per soort uitkering/Bijstand (aantal)")]
    ['socialezekerheidpersonenpersoortuitkeringbijstand', 'personenpersoortuitkeringbijstand', 'bijstand']
    >>> [k for k, _n in column_keys("k_65JaarOfOuder_12")]
    ['65jaarofouder12', '65jaarofouder']
    >>> [k for k, _n in column_keys("Zorg.Wmo.cliënten..aantal.")]
    ['zorgwmoclienten', 'wmoclienten', 'clienten']
    """
    words = r_words(name)
    if words is not None:
        folded = [_word_key(_fold(w), strip_suffix=False) for w in words]
        return [("".join(folded[i:]), len(folded) - i) for i in range(len(folded)) if "".join(folded[i:])]
    parts = _parts(name)
    keys: list[tuple[str, int]] = []
    for n in range(len(parts), 0, -1):
        head = "".join(_word_key(p, strip_suffix=False) for p in parts[-n:-1])
        for strip in (False, True):
            key = head + _word_key(parts[-1], strip_suffix=strip)
            if key and (key, n) not in keys:
                keys.append((key, n))
    return keys


def normalise_column_name(name: str) -> str:
    """The name part of a CBS column, lower case, without unit, suffix, diacritics or punctuation.

    Examples
    --------
    >>> normalise_column_name("PersonenPerSoortUitkeringBijstand_87")
    'personenpersoortuitkeringbijstand'
    >>> normalise_column_name("k_65JaarOfOuder_12"), normalise_column_name("65 jaar of ouder (aantal)")
    ('65jaarofouder', '65jaarofouder')
    >>> normalise_column_name("Regioaanduiding/Codering (code)"), normalise_column_name("Zorg/Wmo-cliënten (aantal)")
    ('codering', 'wmoclienten')
    """
    parts = _parts(name)
    return _word_key(parts[-1], strip_suffix=True) if parts else ""


def _pool(shapefile: bool = False) -> dict[str, list[tuple[str, str]]]:
    """Key -> [(stable, form)] for every known name; with `shapefile`, also snake names cut at 10."""
    pool: dict[str, list[tuple[str, str]]] = {}

    def add(key, stable, form):
        if key and (stable, form) not in pool.setdefault(key, []):
            pool[key].append((stable, form))

    for spec in ALL_COLUMNS.values():
        for form, name in spec.names:
            if form == "statline":
                add("".join(_word_key(p, False) for p in _parts(name)), spec.stable, form)
            else:
                add(_word_key(_fold(name), strip_suffix=False), spec.stable, form)
    if shapefile:
        cut: dict[str, set[str]] = {}
        for spec in ALL_COLUMNS.values():
            for form, name in spec.names:
                if form == "map" and len(name) > 10:
                    cut.setdefault(_word_key(name[:10].lower(), False), set()).add(spec.stable)
        for key, stables in cut.items():
            if len(stables) == 1 and key not in pool:
                add(key, next(iter(stables)), "map")
    return pool


POOL = _pool()


POOL_SHAPEFILE = _pool(shapefile=True)
