"""The project file ``sociale-kaart.toml``: what a municipality sets once.

Read with the standard library (:mod:`tomllib`). Every key is checked: an unknown key, a value of the
wrong type or a file that does not exist is an :class:`InputError` naming the key and the file.
Paths are relative to the project file's folder. Command-line options override the file.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "sociale-kaart.toml"
...     _ = path.write_text('[bronnen]\\ngrenzen = "g.gpkg"\\nkwb = "k.csv"\\n[aandacht]\\nregel = "kwintiel"\\n')
...     project = read_project(path, check_files=False)
...     project["need"]["rule"], project["sources"]["grenzen"].name
('kwintiel', 'g.gpkg')
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import InputError
from .sources.declarations import EXTRA_SOURCES
from .settings import (ChangeSettings, Huisstijl, IndicatorSpec, LayoutSpec, MapSettings, NeedSettings, RunSettings,
                       SmallNumbers, Sources, YearSource)

PROJECT_FILE = "sociale-kaart.toml"

_STR, _INT, _NUM, _BOOL = (str,), (int,), (int, float), (bool,)
_PATH, _PATHS, _STRS = "pad", "paden", "teksten"
#: section -> key -> (settings part, field, type). The Dutch keys are what users write.
SCHEMA: dict[str, dict[str, tuple[str, str, object]]] = {
    "bronnen": {
        "grenzen": ("sources", "grenzen", _PATH),
        "kwb": ("sources", "kwb", _PATH),
        "registraties": ("sources", "registraties", _PATHS),
        "adrestabel": ("sources", "adrestabel", _PATH),
        "grenzen_cijferjaar": ("sources", "grenzen_cijferjaar", _PATH),
        "kwb_gemeenten": ("sources", "kwb_gemeenten", _PATH),
        "misdrijven": ("sources", "misdrijven", _PATH),
        "leefbaarometer": ("sources", "leefbaarometer", _PATH),
        "grenzen_politie": ("sources", "grenzen_politie", _PATH),
        "bron": ("sources", "bron", _STR),
    },
    "gebied": {
        "gemeenten": ("sources", "gemeenten", _STRS),
        "wijken": ("run", "wijken", _STRS),
        "indeling": ("run", "wijk_layout", _STR),
    },
    "aandacht": {
        "regel": ("need", "rule", _STR),
        "marge": ("need", "margin", _NUM),
        "referentie": ("need", "reference", _STR),
        "min_stapeling": ("need", "min_stapeling", _INT),
        "min_inwoners": ("need", "min_inwoners", _INT),
        "gewichten": ("need", "weights", dict),
        "indicatoren": ("need", "indicators", _STRS),
        "hotspots": ("need", "hotspots", _BOOL),
        "uitschieter": ("need", "extreme_factor", _NUM),
        "hotspot_indicator": ("need", "hotspot_indicator", _STR),
        "permutaties": ("need", "permutations", _INT),
        "seed": ("need", "seed", _INT),
    },
    "stapeling": {
        "eenheid": ("sources", "linked_unit", _STR),
    },
    "kleine_aantallen": {
        "min_noemer": ("small_numbers", "min_denominator", _INT),
        "min_aantal": ("small_numbers", "min_count", _INT),
        "afronding": ("small_numbers", "rounding", _INT),
        "secundair": ("small_numbers", "secondary", _BOOL),
        "perioden": ("small_numbers", "periods", _STRS),
    },
    "kaart": {
        "indeling": ("map", "scheme", _STR),
        "klassen": ("map", "k", _INT),
        "grenswaarden": ("map", "breaks", dict),
        "indicatoren": ("map", "indicators", _STRS),
        "vereenvoudig": ("map", "tolerance", _NUM),
        "achtergrond": ("map", "background", _BOOL),
        "titel": ("map", "title", _STR),
        "formaten": ("map", "formats", _STRS),
    },
    "vergelijking": {
        "gemeenten": ("run", "comparison_group", _STRS),
        "naam": ("run", "comparison_name", _STR),
    },
    "eenheden": {},  # indicator key = 100 | 1000 | 10000, checked below
    "domeinen": {},  # indicator key = "sociaal" | "veiligheid" | "leefbaarheid", checked below
    "uitvoer": {
        "map": ("run", "output", _PATH),
        "producten": ("run", "products", _STRS),
    },
    "huisstijl": {
        "logo": ("huisstijl", "logo", _PATH),
        "logo_tekst": ("huisstijl", "logo_alt", _STR),
        "kleur": ("huisstijl", "primary", _STR),
        "tweede_kleur": ("huisstijl", "secondary", _STR),
        "lettertype": ("huisstijl", "font", _PATH),
        "sjabloon": ("huisstijl", "template", _PATH),
        "organisatie": ("huisstijl", "author", _STR),
    },
    "voortgang": {
        "nulmeting": ("change", "baseline_year", _INT),
        "min_inwoners": ("change", "min_inwoners", _INT),
        "ruisbreedte": ("change", "noise_width", _NUM),
        "doelen": ("run", "targets_file", _PATH),
    },
}
#: Keys of a year (``[[jaar]]``) -> YearSource field and type.
#: Keys of a linked registration (``[[registratie]]``) -> LinkedSpec field and type.
LINKED_KEYS = {"bestand": ("source", _PATH), "leefgebied": ("area", _STR), "sleutel": ("key", _STR)}
YEAR_KEYS = {"jaar": ("year", _INT), "kwb": ("kwb", _PATH), "grenzen": ("grenzen", _PATH),
             "kwb_gemeenten": ("kwb_gemeenten", _PATH)}
#: Keys of an own indicator (``[[indicator]]``) -> IndicatorSpec field and type.
INDICATOR_KEYS = {
    "sleutel": ("key", _STR), "label": ("label", _STR), "eenheid": ("unit", _STR), "kolom": ("column", _STR),
    "teller": ("numerator", _STR), "noemer": ("denominator", _STR), "schaal": ("scale", _NUM),
    "richting": ("direction", _STR), "optellen": ("aggregation", _STR), "bron": ("source", _PATH),
}
#: Keys of an own area layout (``[[indeling]]``) -> LayoutSpec field and type.
LAYOUT_KEYS = {"naam": ("name", _STR), "bron": ("source", _PATH), "kolom": ("column", _STR), "laag": ("layer", _STR),
               "code": ("code", _STR)}
_TYPE_NAMES = {_STR: "tekst", _INT: "geheel getal", _NUM: "getal", _BOOL: "true of false", dict: "tabel",
               _PATH: "pad (tekst)", _PATHS: "lijst van paden", _STRS: "lijst van teksten"}

TEMPLATE = """\
# sociale-kaart: projectbestand. Wat hier staat, geldt voor elke opdracht in deze map
# ('sociale-kaart maak' maakt alles; opties op de opdrachtregel gaan voor). Paden zijn relatief
# aan deze map. Regels die met # beginnen zijn uitleg of een voorbeeld.

[bronnen]
# Wijk- en Buurtkaart van het CBS (GeoPackage, GeoJSON of Shapefile); 'sociale-kaart ophalen' haalt hem op.
grenzen = "{grenzen}"
# Kerncijfers Wijken en Buurten (CSV, XLSX of de kaart zelf met haar eigen kolommen).
kwb = "{kwb}"
# Eigen registraties (CSV/XLSX per buurtcode, adres of x/y). Ze verlaten deze computer niet.
registraties = []
# CBS-tabel buurt per postcode en huisnummer, voor registraties met een adres.
# adrestabel = "pc6hnr.csv"
# Komen grenzen en cijfers uit verschillende jaren? De kaart van het jaar van de cijfers laat zien welke
# buurtcodes inmiddels een ander gebied aanduiden (die worden dan niet gekoppeld).
# grenzen_cijferjaar = "geodata/wijkenbuurten_2024.gpkg"
# De gepubliceerde gemeentecijfers (KWB-tabel met gemeenterijen) als referentie van de gemeente:
# kwb_gemeenten = "geodata/kwb_2024_gemeenten.csv"
# Veiligheid en leefbaarheid (voor de briefing van de stuurgroep Integrale Veiligheid):
# misdrijven = "geodata/politie_47018NED_2023.csv"      # geregistreerde misdrijven per buurt
# leefbaarometer = "geodata/leefbaarometer_2024.csv"    # Leefbaarometer 3.0, buurtscores
# overlast = "geodata/politie_47024NED_2023.csv"        # geregistreerde overlast per buurt
# De politie publiceert alle jaren op de buurtindeling van haar laatste jaar (fetch schrijft dat ernaast).
# Is die anders dan de kaart, dan worden de aantallen omgezet met de kaart van die indeling:
# grenzen_politie = "geodata/wijkenbuurten_2025.gpkg"
# misdrijven_indeling = 2025                             # alleen nodig zonder het JSON-bestand van fetch

[gebied]
# Gemeentecode (GM0556) of naam (Maassluis); leeg = alle gemeenten in het grenzenbestand.
gemeenten = [{gemeenten}]
# Alleen deze wijken in de wijkprofielen en de briefing (code of naam); leeg = alle.
wijken = []
# Profielen, briefing en kaarten per gebied van een eigen indeling (zie [[indeling]] hieronder) in plaats
# van per CBS-wijk (ook: --eigen-indeling op de opdrachtregel):
# indeling = "Wijken gemeenteatlas"

[aandacht]
# Wanneer is een indicator hoog: "marge" (boven de referentie) of "kwintiel" (hoogste 20% van de gemeente).
regel = "marge"
marge = 25            # procent boven de referentie
referentie = "gemeente"  # of "nederland" (vraagt de NL00-rij van een volledige KWB-tabel)
min_stapeling = 2     # hoge indicatoren voor een aandachtsbuurt
min_inwoners = 200    # minimum aantal inwoners van een aandachtsbuurt
# Gewicht per indicator in de behoefte-index (standaard 1):
gewichten = {{}}      # bijvoorbeeld {{ wmo_per_1000 = 2 }}
hotspots = false      # Local Moran's I en Gi* (duurt enkele seconden langer)
uitschieter = 2       # één behoefte-indicator minstens zoveel keer de gemeente maakt ook een aandachtsbuurt
# Ook misdrijven als behoefte-indicator: indicatoren = ["wmo_per_1000", "bijstand_per_1000", "misdrijven_totaal_per_1000"]

[kleine_aantallen]
min_noemer = 50       # geen cijfer op minder inwoners of woningen dan dit
min_aantal = 5        # registratieaantallen van 1 tot dit getal worden nooit getoond
afronding = 5         # registratieaantallen worden getoond als veelvoud hiervan (CBS: 5)
secundair = true      # ook onderdrukken wat een klein aantal terug zou laten rekenen (aan laten!)
# Eén registratie in meer perioden (kolommen in één bestand): wat in één periode onderdrukt is, in alle:
# perioden = ["schuldhulp_jan", "schuldhulp_feb", "schuldhulp_mrt"]

# Stapeling per huishouden: extracten van meer leefgebieden, gekoppeld op een sleutel die alleen in
# het geheugen wordt gebruikt (ook een BSN mag; hij wordt nergens bewaard). Eén tabel per leefgebied:
# [[registratie]]
# bestand = "wmo.csv"          # één regel per voorziening: buurtcode, x/y of postcode + huisnummer
# leefgebied = "Wmo"
# sleutel = "bsn"              # de kolom die de extracten koppelt
# [stapeling]
# eenheid = "huishouden"       # of "persoon": wat de sleutel telt

[kaart]
indeling = "kwantielen"  # of "natuurlijk", "gelijk", "handmatig"
klassen = 5
# Eigen klassegrenzen per indicator: grenswaarden = {{ wmo_per_1000 = [40, 60, 80] }}
grenswaarden = {{}}
achtergrond = false   # true: OpenStreetMap-achtergrond (de kaart haalt dan tegels op bij openstreetmap.org)
# titel = "Sociale kaart"
formaten = ["png", "svg", "pdf"]

# Eigen indicatoren: elke getalkolom van de KWB, een registratie of een tabel per buurtcode.
# [[indicator]]
# sleutel = "ses_woa"
# label = "SES-WOA-score"
# eenheid = "score"
# kolom = "ses_woa"          # een score per buurt; of teller = "..." en noemer = "inwoners" (schaal = 1000)
# bron = "ses_woa.csv"       # een tabel met buurtcode; weglaten: de KWB of een registratie
# richting = "minder"        # meer (hoger = meer behoefte), minder, of context
# optellen = "gewogen"       # scores: gewogen naar inwoners per wijk en gemeente, of geen (alleen per buurt)

# Eigen gebiedsindelingen (wijkteamgebieden, woonservicezones, de wijken van de gemeenteatlas); elke
# indeling krijgt een tabel met cijfers per gebied (opgeteld uit de buurten). Meer indelingen mag.
# [[indeling]]
# naam = "Wijken gemeenteatlas"
# bron = "wijken_atlas.csv"     # tabel met buurtcode en gebied (CSV/XLSX)
# kolom = "gebied"              # kolom met de naam van het gebied (standaard gebied, naam, of de enige andere kolom)
# [[indeling]]
# naam = "Wijkteamgebieden"
# bron = "wijkteams.gpkg"       # of vlakken: elke buurt gaat naar het gebied met de grootste overlap
# laag = "wijkteams"            # bij een bestand met meer lagen
# kolom = "naam"
# code = "id"                   # optioneel: een kolom die gebieden met dezelfde naam uit elkaar houdt

[vergelijking]
# Vergelijk de gemeente met Nederland en haar grootteklasse (vraagt [bronnen] kwb_gemeenten), en met:
# gemeenten = ["GM0556", "GM0606", "GM0622"]
# naam = "Waterweggemeenten"

[eenheden]
# Per 1.000 of per 10.000 inwoners, zoals de begroting het zegt:
# bijstand_per_1000 = 10000

[domeinen]
# Tot welk domein een indicator hoort in de briefing en in de redenen (standaard: sociaal;
# misdrijven: veiligheid; Leefbaarometer: leefbaarheid). Bijvoorbeeld een eigen registratie:
# overlast_per_1000 = "veiligheid"

[voortgang]
# Verandering door de jaren: geef eerdere jaren als [[jaar]] (elk met de kaart van zijn eigen buurtcodes;
# alle jaren worden omgezet naar de buurtgrenzen van [bronnen] grenzen) en doelen als [[doel]] of in een CSV.
# nulmeting = 2015      # standaard het eerste jaar
min_inwoners = 200     # een verandering op minder inwoners in de nulmeting wordt niet beoordeeld
# doelen = "doelen.csv" # kolommen gebied, indicator, nulmeting, doeljaar, richting of waarde (niveau, marge, tekst)
# [[jaar]]
# jaar = 2015
# kwb = "geodata/kwb_2015_buurten_wbkaart.csv"
# grenzen = "geodata/wijkenbuurten_2016.gpkg"   # de kaart bij de buurtcodes van dat jaar
# kwb_gemeenten = "geodata/kwb_2015_gemeenten_wbkaart.csv"  # gepubliceerde gemeentecijfers van dat jaar
# [[doel]]
# gebied = "Burgemeesterswijk"   # buurt, wijk of gemeente (code of naam)
# indicator = "bijstand_per_1000"
# nulmeting = 2015
# doeljaar = 2024
# richting = "daling"            # daling, stijging of gelijk; of een doelwaarde: waarde = 40
# tekst = "Het aandeel mensen met een uitkering is gedaald ten opzichte van de nulmeting"

[uitvoer]
map = "maps"
# Welke producten 'maak' maakt (standaard alle):
# producten = ["tabellen", "aandachtsbuurten", "samenhang", "kaart", "insluiten", "statisch", "profielen", "briefing"]
"""


def find_project(path: str | Path | None) -> Path | None:
    """The project file to use: `path` if given, else ``sociale-kaart.toml`` in the current folder."""
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise InputError(f"projectbestand niet gevonden: {path}")
        return path
    default = Path(PROJECT_FILE)
    return default if default.exists() else None


def read_project(path: str | Path, *, check_files: bool = True) -> dict[str, dict]:
    """Read and check a project file; returns settings parts as keyword dictionaries.

    The result maps ``"sources"``, ``"need"``, ``"small_numbers"``, ``"map"`` and ``"run"`` to the
    keywords of the corresponding settings classes.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}: geen geldig TOML ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: kan het projectbestand niet lezen ({exc.strerror})") from None
    base = path.resolve().parent
    parts: dict[str, dict] = {name: {} for name in ("sources", "need", "small_numbers", "map", "run", "change", "huisstijl")}
    specs = _indicator_specs(raw.pop("indicator", []), path, base, check_files)
    layouts = _layout_specs(raw.pop("indeling", []), path, base, check_files)
    years = _year_sources(raw.pop("jaar", []), path, base, check_files)
    targets = _targets(raw.pop("doel", []), path)
    linked = _linked_specs(raw.pop("registratie", []), path, base, check_files)
    for section, values in raw.items():  # names first, so that a typo is reported before anything else
        if section not in SCHEMA:
            raise InputError(f"{path.name}: onbekende sectie [{section}]; bekend: {', '.join(SCHEMA)}")
        if not isinstance(values, dict):
            raise InputError(f"{path.name}: {section} moet een sectie [{section}] zijn")
        for key in values:
            if section in FREE_SECTIONS:
                continue
            declared = (*EXTRA_SOURCES, *(f"{k}_indeling" for k in EXTRA_SOURCES)) if section == "bronnen" else ()
            if key not in SCHEMA[section] and key not in declared:
                raise InputError(f"{path.name}: onbekende sleutel {key!r} in [{section}]; bekend: "
                                 f"{', '.join(dict.fromkeys([*SCHEMA[section], *declared]))}")
    for section, values in raw.items():
        if section in FREE_SECTIONS:
            field_, check = FREE_SECTIONS[section]
            parts["run"][field_] = check(values, path)
            continue
        for key, value in values.items():
            if key.endswith("_indeling") and key not in SCHEMA[section]:  # the buurtindeling of a source
                year = _convert(value, _INT, f"{path.name}: [{section}] {key}", base, check_files)
                if not 1990 <= year <= 2100:
                    raise InputError(f"{path.name}: [{section}] {key} = {year}: geef een jaartal, bijvoorbeeld 2025")
                parts["sources"]["indelingen"] = (*parts["sources"].get("indelingen", ()),
                                                  (key.removesuffix("_indeling"), year))
                continue
            if key not in SCHEMA[section]:  # a declared source without a field of its own: by its key
                found = _convert(value, _PATH, f"{path.name}: [{section}] {key}", base, check_files)
                parts["sources"]["extra"] = (*parts["sources"].get("extra", ()), (key, found))
                continue
            part, field_, kind = SCHEMA[section][key]
            parts[part][field_] = _convert(value, kind, f"{path.name}: [{section}] {key}", base, check_files)
    if "margin" in parts["need"]:
        parts["need"]["margin"] = parts["need"]["margin"] / 100
    if specs:
        parts["run"]["indicators"] = specs
    if layouts:
        parts["run"]["layouts"] = layouts
    if years:
        parts["run"]["years"] = years
    if targets:
        parts["run"]["targets"] = targets
    if linked:
        parts["sources"]["linked"] = linked
    return parts


def _layout_specs(tables, path: Path, base: Path, check_files: bool) -> tuple[LayoutSpec, ...]:
    return _declared(tables, path, base, check_files, section="indeling", what="eigen indelingen",
                     keys=LAYOUT_KEYS, required=("name", "source"), make=LayoutSpec)


def _linked_specs(tables, path: Path, base: Path, check_files: bool) -> tuple:
    """``[[registratie]]`` tables: bestand, leefgebied and sleutel of one linked extract."""
    from .sources.linked import LinkedSpec

    return _declared(tables, path, base, check_files, section="registratie", what="gekoppelde registraties",
                     keys=LINKED_KEYS, required=("source", "area", "key"), make=LinkedSpec)


def _year_sources(tables, path: Path, base: Path, check_files: bool) -> tuple[YearSource, ...]:
    """``[[jaar]]`` tables: jaar, kwb and (optional) grenzen of the codes of that year and its gemeente rows."""
    return _declared(tables, path, base, check_files, section="jaar", what="jaren (jaar, kwb, grenzen, kwb_gemeenten)",
                     keys=YEAR_KEYS, required=("year", "kwb"), make=YearSource)


def _targets(tables, path: Path):
    """``[[doel]]`` tables (keys as the columns of a targets CSV, see :mod:`sociale_kaart.sources.doelen`)."""
    from .sources.doelen import target_from_fields

    if not isinstance(tables, list):
        raise InputError(f"{path.name}: schrijf doelen als [[doel]]-tabellen")
    return tuple(target_from_fields(table, f"{path.name}: [[doel]] nummer {n}") for n, table in enumerate(tables, 1))


def _units(values: dict, path: Path) -> dict[str, float]:
    units = {}
    for key, value in values.items():
        if isinstance(value, bool) or value not in (100, 1000, 10000):
            raise InputError(f"{path.name}: [eenheden] {key}: verwacht 100 (procent), 1000 of 10000, gevonden {value!r}")
        units[key] = float(value)
    return units


def _domains(values: dict, path: Path) -> dict[str, str]:
    from .combine.indicators import DOMAINS

    for key, value in values.items():
        if value not in DOMAINS:
            raise InputError(f"{path.name}: [domeinen] {key}: verwacht {' of '.join(repr(d) for d in DOMAINS)}, "
                             f"gevonden {value!r}")
    return dict(values)


#: Sections whose keys are indicator keys (checked against the data when it is read), with the
#: RunSettings field they fill and their check.
FREE_SECTIONS = {"eenheden": ("units", _units), "domeinen": ("domains", _domains)}


def _indicator_specs(tables, path: Path, base: Path, check_files: bool) -> tuple[IndicatorSpec, ...]:
    return _declared(tables, path, base, check_files, section="indicator", what="eigen indicatoren",
                     keys=INDICATOR_KEYS, required=("key", "label", "unit"), make=IndicatorSpec)


def _declared(tables, path: Path, base: Path, check_files: bool, *, section: str, what: str, keys: dict,
              required: tuple[str, ...], make) -> tuple:
    """The specs of ``[[section]]`` tables: every key known and converted, the required ones present."""
    if not isinstance(tables, list):
        raise InputError(f"{path.name}: schrijf {what} als [[{section}]]-tabellen")
    specs = []
    for n, table in enumerate(tables, 1):
        where = f"{path.name}: [[{section}]] nummer {n}"
        fields = {}
        for key, value in table.items():
            if key not in keys:
                raise InputError(f"{where}: onbekende sleutel {key!r}; bekend: {', '.join(keys)}")
            field_, kind = keys[key]
            fields[field_] = _convert(value, kind, f"{where} {key}", base, check_files)
        missing = [k for k, (f, _) in keys.items() if f in required and f not in fields]
        if missing:
            raise InputError(f"{where}: {missing[0]} ontbreekt")
        try:
            specs.append(make(**fields))
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
    return tuple(specs)


def run_settings(parts: dict[str, dict]) -> RunSettings:
    """Settings from the parts of :func:`read_project` (with command-line overrides merged in)."""
    sources = parts.get("sources", {})
    missing = [k for k in ("grenzen", "kwb") if not sources.get(k)]
    if missing:
        raise InputError(f"geen {' en geen '.join('--' + m for m in missing)}: geef de optie, of zet "
                         f"[bronnen] {missing[0]} in {PROJECT_FILE} (maak er een met 'sociale-kaart init')")
    run = dict(parts.get("run", {}))
    run.pop("products", None)
    targets_file = run.pop("targets_file", None)
    if targets_file is not None:
        from .sources.doelen import read_targets

        run["targets"] = tuple(run.get("targets", ())) + read_targets(targets_file)
    return RunSettings(
        sources=Sources(**sources),
        small_numbers=SmallNumbers(**parts.get("small_numbers", {})),
        need=NeedSettings(**parts.get("need", {})),
        map=MapSettings(**parts.get("map", {})),
        change=ChangeSettings(**parts.get("change", {})),
        huisstijl=Huisstijl(**parts.get("huisstijl", {})),
        **run,
    )


def template(*, grenzen: str = "geodata/wijkenbuurten_2024.gpkg", kwb: str = "geodata/kwb_2024.csv",
             gemeenten: tuple[str, ...] = ()) -> str:
    """The commented project file that ``sociale-kaart init`` writes.

    Examples
    --------
    >>> text = template(gemeenten=("Maassluis",))
    >>> tomllib.loads(text)["gebied"]["gemeenten"], tomllib.loads(text)["aandacht"]["marge"]
    (['Maassluis'], 25)
    """
    quoted = ", ".join(f'"{_toml_text(g)}"' for g in gemeenten)
    return TEMPLATE.format(grenzen=_toml_text(grenzen), kwb=_toml_text(kwb), gemeenten=quoted)


def _toml_text(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"')


def _convert(value, kind, where: str, base: Path, check_files: bool):
    def wrong():
        return InputError(f"{where}: verwacht {_TYPE_NAMES[kind]}, gevonden {value!r}")

    if kind in (_PATH, _PATHS):
        items = value if kind == _PATHS else [value]
        if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
            raise wrong()
        paths = [(base / v) if not Path(v).is_absolute() else Path(v) for v in items]
        if check_files and not where.endswith("] map"):
            for p in paths:
                if not p.exists():
                    raise InputError(f"{where}: bestand niet gevonden: {p}")
        return tuple(paths) if kind == _PATHS else paths[0]
    if kind == _STRS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong()
        return tuple(value)
    if kind is dict:
        if not isinstance(value, dict):
            raise wrong()
        out = {}
        for key, item in value.items():
            numbers = item if isinstance(item, list) else [item]
            if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
                raise InputError(f"{where}.{key}: verwacht een getal of een lijst van getallen, gevonden {item!r}")
            out[key] = [float(n) for n in numbers] if isinstance(item, list) else float(item)
        return out
    if kind == _BOOL:
        if not isinstance(value, bool):
            raise wrong()
        return value
    if isinstance(value, bool) or not isinstance(value, kind):
        raise wrong()
    return value
