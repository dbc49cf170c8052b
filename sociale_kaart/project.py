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

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from .atomic import atomic_path
from .errors import InputError
from .sources.declarations import EXTRA_SOURCES
from .settings import (BOOL, INT, NUMBER, PARTS, PATH, PATHS, TABLE, TEXT, TEXTS, Declared, IndicatorSpec, LayoutSpec,
                       RunSettings, YearSource, declared_settings, table_keys)

PROJECT_FILE = "sociale-kaart.toml"

#: The sections of the project file, in the order of the template.
SECTIONS = ("bronnen", "gebied", "aandacht", "kleine_aantallen", "stapeling", "kaart", "vergelijking", "eenheden",
            "domeinen", "huisstijl", "voortgang", "uitvoer")
#: section -> key -> its declared setting (see :class:`sociale_kaart.settings.Setting`). The Dutch keys are what
#: users write; "eenheden" and "domeinen" take indicator keys (checked below).
SCHEMA: dict[str, dict[str, Declared]] = {
    section: {d.setting.key: d for d in declared_settings() if d.setting.key is not None and d.setting.section == section}
    for section in SECTIONS}
_PYTHON_TYPES = {TEXT: (str,), INT: (int,), NUMBER: (int, float), BOOL: (bool,)}

HEADER = """\
# sociale-kaart: projectbestand. Wat hier staat, geldt voor elke opdracht in deze map
# ('sociale-kaart maak' maakt alles; opties op de opdrachtregel gaan voor). Paden zijn relatief
# aan deze map. Regels die met # beginnen zijn uitleg of een voorbeeld.
"""
#: What the template says before and after the keys of a section (the keys say themselves).
SECTION_TEXT = {
    "bronnen": ("", """\
# Komen grenzen en cijfers uit verschillende jaren? De kaart van het jaar van de cijfers (grenzen_cijferjaar)
# laat zien welke buurtcodes inmiddels een ander gebied aanduiden (die worden dan niet gekoppeld).
# Geregistreerde overlast per buurt (Politie 47024NED):
# overlast = "geodata/politie_47024NED_2023.csv"
# De politie publiceert alle jaren op de buurtindeling van haar laatste jaar (fetch schrijft dat ernaast);
# is die anders dan de kaart, dan worden de aantallen omgezet met grenzen_politie. Zonder het JSON-bestand
# van fetch:
# misdrijven_indeling = 2025"""),
    "gebied": ("", ""),
    "aandacht": ("", ""),
    "kleine_aantallen": ("", ""),
    "stapeling": ("", """\
# Stapeling per huishouden: extracten van meer leefgebieden, gekoppeld op een sleutel die alleen in
# het geheugen wordt gebruikt (ook een BSN mag; hij wordt nergens bewaard). Eén tabel per leefgebied:
# [[registratie]]
# bestand = "wmo.csv"          # één regel per voorziening: buurtcode, x/y of postcode + huisnummer
# leefgebied = "Wmo"
# sleutel = "bsn"              # de kolom die de extracten koppelt"""),
    "kaart": ("", """\
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
# code = "id"                   # optioneel: een kolom die gebieden met dezelfde naam uit elkaar houdt"""),
    "vergelijking": ("# Vergelijk de gemeente met Nederland en haar grootteklasse (vraagt [bronnen] kwb_gemeenten), "
                     "en met een eigen groep.", ""),
    "eenheden": ("""\
# Per 1.000 of per 10.000 inwoners, zoals de begroting het zegt:
# bijstand_per_1000 = 10000""", ""),
    "domeinen": ("""\
# Tot welk domein een indicator hoort in de briefing en in de redenen (standaard: sociaal;
# misdrijven: veiligheid; Leefbaarometer: leefbaarheid). Bijvoorbeeld een eigen registratie:
# overlast_per_1000 = "veiligheid\"""", ""),
    "huisstijl": ("# Hoe de documenten eruitzien: kleuren, lettertype, logo (nooit de klassen van een kaart).", ""),
    "voortgang": ("""\
# Verandering door de jaren: geef eerdere jaren als [[jaar]] (elk met de kaart van zijn eigen buurtcodes;
# alle jaren worden omgezet naar de buurtgrenzen van [bronnen] grenzen) en doelen als [[doel]] of in een CSV.""",
                  """\
# [[jaar]]
# jaar = 2015
# kwb = "geodata/kwb_2015_buurten_wbkaart.csv"
# grenzen = "geodata/wijkenbuurten_2016.gpkg"   # de kaart bij de buurtcodes van dat jaar
# kwb_gemeenten = "geodata/kwb_2015_gemeenten_wbkaart.csv"  # gepubliceerde gemeentecijfers van dat jaar
# [[doel]]
# gebied = "Burgemeesterswijk"   # buurt, wijk of gemeente (code of naam)
# niveau = "buurt"               # nodig als een buurt en een wijk zo heten (of geef de code)
# indicator = "bijstand_per_1000"
# nulmeting = 2015
# doeljaar = 2024
# richting = "daling"            # daling, stijging of gelijk; of een doelwaarde: waarde = 40
# tekst = "Het aandeel mensen met een uitkering is gedaald ten opzichte van de nulmeting\""""),
    "uitvoer": ("", ""),
}


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
    parts = empty_parts()
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
                year = _convert(value, INT, f"{path.name}: [{section}] {key}", base, check_files)
                if not 1990 <= year <= 2100:
                    raise InputError(f"{path.name}: [{section}] {key} = {year}: geef een jaartal, bijvoorbeeld 2025")
                parts["sources"]["indelingen"] = (*parts["sources"].get("indelingen", ()),
                                                  (key.removesuffix("_indeling"), year))
                continue
            if key not in SCHEMA[section]:  # a declared source without a field of its own: by its key
                found = _convert(value, PATH, f"{path.name}: [{section}] {key}", base, check_files)
                parts["sources"]["extra"] = (*parts["sources"].get("extra", ()), (key, found))
                continue
            declared = SCHEMA[section][key]
            where = f"{path.name}: [{section}] {key}"
            if (declared.setting.kind == TEXT and declared.setting.conversion is not None and isinstance(value, int)
                    and not isinstance(value, bool)):
                value = str(value)  # a number is text to its conversion (the year 2024 written as 2024)
            written = _convert(value, declared.setting.kind, where, base, check_files and declared.setting.must_exist)
            parts[declared.part][declared.name] = _to_field(declared, written, where)
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
    return _declared(tables, path, base, check_files, section="indeling", what="eigen indelingen", make=LayoutSpec)


def _linked_specs(tables, path: Path, base: Path, check_files: bool) -> tuple:
    """``[[registratie]]`` tables: bestand, leefgebied and sleutel of one linked extract."""
    from .sources.linked import LinkedSpec

    return _declared(tables, path, base, check_files, section="registratie", what="gekoppelde registraties",
                     make=LinkedSpec)


def _year_sources(tables, path: Path, base: Path, check_files: bool) -> tuple[YearSource, ...]:
    """``[[jaar]]`` tables: jaar, kwb and (optional) grenzen of the codes of that year and its gemeente rows."""
    return _declared(tables, path, base, check_files, section="jaar", what="jaren (jaar, kwb, grenzen, kwb_gemeenten)",
                     make=YearSource)


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
    return _declared(tables, path, base, check_files, section="indicator", what="eigen indicatoren", make=IndicatorSpec)


def _declared(tables, path: Path, base: Path, check_files: bool, *, section: str, what: str, make) -> tuple:
    """The specs of ``[[section]]`` tables: every key known and converted, the required ones present.

    The keys are declared on the fields of `make` (:func:`~sociale_kaart.settings.table_keys`)."""
    from dataclasses import MISSING

    keys = {key: (d.name, d.setting.kind) for key, d in table_keys(make).items()}
    required = tuple(d.name for d in table_keys(make).values() if d.default is MISSING)
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


def empty_parts() -> dict[str, dict]:
    """Keyword dictionaries of every part of a run, empty (nothing set)."""
    return {name: {} for name in (*PARTS, "run")}


def with_options(parts: dict[str, dict], options: dict) -> dict[str, dict]:
    """`parts` with the declared command-line options on top: an option given overrides the project file.

    `options` maps the options' parameter names to their values as click gives them (None, an
    empty tuple or an unset flag: not given).

    Examples
    --------
    >>> with_options(empty_parts(), {"marge": 40.0, "klassen": None})["need"]
    {'margin': 0.4}
    """
    for declared in declared_settings():
        flag = declared.setting.flag
        value = options.get(declared.param) if flag is not None else None
        if value is None or value == () or (value is False and "/" not in flag):
            continue
        if declared.setting.parse_option is not None:
            value = declared.setting.parse_option(value, flag)
        parts.setdefault(declared.part, {})[declared.name] = _to_field(declared, value, flag)
    return parts


def _to_field(declared: Declared, written, where: str):
    try:
        return declared.setting.to_field(written)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def run_settings(parts: dict[str, dict]) -> RunSettings:
    """Settings from the parts of :func:`read_project` (with command-line overrides merged in)."""
    sources = parts.get("sources", {})
    missing = [k for k in ("grenzen", "kwb") if not sources.get(k)]
    if missing:
        raise InputError(f"geen {' en geen '.join('--' + m for m in missing)}: geef de optie, of zet "
                         f"[bronnen] {missing[0]} in {PROJECT_FILE} (maak er een met 'sociale-kaart init')")
    run = dict(parts.get("run", {}))
    run.pop("products", None)  # what 'maak' makes: the caller's
    targets_file = run.pop("targets_file", None)
    if targets_file is not None:
        from .sources.doelen import read_targets

        run["targets"] = tuple(run.get("targets", ())) + read_targets(targets_file)
    return RunSettings(**{name: cls(**parts.get(name, {})) for name, cls in PARTS.items()}, **run)


def template(*, grenzen: str = "geodata/wijkenbuurten_2024.gpkg", kwb: str = "geodata/kwb_2024.csv",
             gemeenten: tuple[str, ...] = ()) -> str:
    """The commented project file that ``sociale-kaart init`` writes, generated from the declared settings.

    Every key is there with its help: with its default, or as a commented example where it has none.

    Examples
    --------
    >>> text = template(gemeenten=("Maassluis",))
    >>> tomllib.loads(text)["gebied"]["gemeenten"], tomllib.loads(text)["aandacht"]["marge"]
    (['Maassluis'], 25)
    """
    import textwrap

    given = {("bronnen", "grenzen"): grenzen, ("bronnen", "kwb"): kwb, ("gebied", "gemeenten"): list(gemeenten)}
    lines = [HEADER.rstrip("\n")]
    for section in SECTIONS:
        before, after = SECTION_TEXT[section]
        lines += ["", f"[{section}]", *([before] if before else [])]
        for key, declared in SCHEMA[section].items():
            setting = declared.setting
            lines += textwrap.wrap(setting.help, 100, initial_indent="# ", subsequent_indent="# ")
            default = declared.default
            if (section, key) in given:
                lines.append(f"{key} = {_toml_value(given[section, key])}")
            elif setting.example is not None and default in (None, (), {}):
                lines.append(f"# {key} = {setting.example}")
            else:
                lines.append(f"{key} = {_toml_value(setting.to_written(default))}")
        lines += ["", after] if after else []
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    """A value as TOML writes it (the template's defaults)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    return f'"{_toml_text(value)}"'


def _toml_text(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"')


def _convert(value, kind, where: str, base: Path, check_files: bool):
    """A value of the project file checked against its kind; paths relative to `base`."""
    def wrong():
        return InputError(f"{where}: verwacht {kind}, gevonden {value!r}")

    if kind in (PATH, PATHS):
        items = value if kind == PATHS else [value]
        if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
            raise wrong()
        paths = [(base / v) if not Path(v).is_absolute() else Path(v) for v in items]
        if check_files:
            for p in paths:
                if not p.exists():
                    raise InputError(f"{where}: bestand niet gevonden: {p}")
        return tuple(paths) if kind == PATHS else paths[0]
    if kind == TEXTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong()
        return tuple(value)
    if kind == TABLE:
        if not isinstance(value, dict):
            raise wrong()
        out = {}
        for key, item in value.items():
            numbers = item if isinstance(item, list) else [item]
            if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
                raise InputError(f"{where}.{key}: verwacht een getal of een lijst van getallen, gevonden {item!r}")
            out[key] = [float(n) for n in numbers] if isinstance(item, list) else float(item)
        return out
    if kind == BOOL:
        if not isinstance(value, bool):
            raise wrong()
        return value
    if isinstance(value, bool) or not isinstance(value, _PYTHON_TYPES[kind]):
        raise wrong()
    return value


# --- editing the project file (fetch writes what it fetched into [bronnen]) ----------------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-]+)\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


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
    check: bool = True,
) -> tuple[str, ...]:
    """Write `entries` (``grenzen``, ``kwb``, ``grenzen_cijferjaar``) into ``[bronnen]`` of a project file.

    Paths inside the project's folder are written relative to it. The file is edited in place,
    comments and layout kept; with `check` the edited text is read as a project file (:func:`read_project`)
    before it replaces the file, so a file that would no longer read is never written.

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
    try:
        current = tomllib.loads(text).get("bronnen", {})
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path.name}: geen geldig TOML ({exc}); niet bijgewerkt") from None
    folder = path.resolve().parent
    literals, changed = {}, []
    for key, value in entries.items():
        shown = _project_path_text(Path(value), folder)
        literals[key] = _toml_value(shown)
        if current.get(key) != shown:
            changed.append(key)
    if not changed:
        return ()
    new = set_toml_keys(text, "bronnen", {k: v for k, v in literals.items() if k in changed})
    with atomic_path(path) as tmp:
        tmp.write_bytes(new.encode("utf-8"))
        if check:
            try:
                read_project(tmp, check_files=False)
            except InputError as exc:
                raise InputError(f"{path.name}: niet bijgewerkt, want het zou onleesbaar worden ({exc})") from None
    return tuple(changed)
