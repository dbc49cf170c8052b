"""The ``sociale-kaart`` command: a thin layer over :func:`sociale_kaart.products.make`.

Every product command reads the project file (``sociale-kaart.toml``, when there is one), lets the
options override it, and asks the orchestrator for its products. Heavy libraries are imported
inside the commands, so that ``sociale-kaart --help`` starts at once.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .errors import InputError, SocialeKaartError

#: Click's own words in Dutch. Click translates through gettext; its modules get these instead.
_DUTCH = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "required": "verplicht",
    "default: {default}": "standaard: {default}",
    "Missing option": "Ontbrekende optie",
    "Missing argument": "Ontbrekend argument",
    "Missing parameter": "Ontbrekende waarde",
    "path": "pad",
    "file": "bestand",
    "directory": "map",
    "Missing command.": "Geef een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such option: {name}": "Onbekende optie: {name}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Option {name!r} does not take a value.": "De optie {name!r} neemt geen waarde.",
    "Option {name!r} requires an argument.": "De optie {name!r} vraagt een waarde.",
    "Option {name!r} requires {nargs} arguments.": "De optie {name!r} vraagt {nargs} waarden.",
    "Got unexpected extra argument ({args})": "Onverwachte extra invoer ({args})",
    "Got unexpected extra arguments ({args})": "Onverwachte extra invoer ({args})",
    "Did you mean {possibility}?": "Bedoelde u {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelde u een van: {possibilities}?)",
    "{value!r} is not {choice}.": "{value!r} is niet {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} is geen van {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "integer": "geheel getal",
    "float": "getal",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} is geen ja/nee-waarde ({states}).",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Error: {message}": "Fout: {message}",
    "Aborted!": "Afgebroken.",
}


def _nl(message: str) -> str:
    return _DUTCH.get(message, message)


def _nl_plural(singular: str, plural_form: str, n: int) -> str:
    return _nl(singular if n == 1 else plural_form)


def _speak_dutch() -> None:
    """Give Click's modules Dutch for its own words (usage, options, errors, [verplicht], ...)."""
    import importlib

    for name in ("click.core", "click.exceptions", "click.parser", "click.types", "click.decorators",
                 "click.formatting", "click.termui"):
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _nl
        if hasattr(module, "ngettext"):
            module.ngettext = _nl_plural
    # Metavars and type names in help and errors: TEKST, PAD, GEHEEL GETAL, GETAL.
    click.types.StringParamType.name = "tekst"
    click.types.IntParamType.name = "geheel getal"
    click.types.FloatParamType.name = "getal"


_speak_dutch()


#: The English names of earlier versions, kept as aliases of the Dutch commands.
ALIASES = {"koppel": "join", "aandacht": "flag", "kaart": "map", "kaarten": "plot", "ophalen": "fetch"}
#: The option groups of the product commands, in the order shown by --help (by parameter name).
OPTION_GROUPS = {
    "Bronnen": ("project", "grenzen", "kwb", "gemeenten", "registraties", "adrestabel", "kwb_gemeenten", "misdrijven",
                "leefbaarometer", "grenzen_cijferjaar", "nulmeting", "nulmeting_jaar", "nulmeting_grenzen", "doelen"),
    "Regels": ("min_noemer", "min_aantal", "afronding", "regel", "marge", "referentie", "min_stapeling", "min_inwoners",
               "uitschieter", "gewicht", "need_keys", "hotspots", "hotspot_indicator", "permutaties", "seed"),
    "Kaart": ("map_keys", "indeling", "klassen", "grenswaarden", "titel", "vereenvoudig", "achtergrond", "formats",
              "insluiten"),
    "Uitvoer": ("chosen", "wijken", "wijk_layout", "met_profielen", "uitvoer", "stil"),
}
#: Sources as the examples name them (the files 'sociale-kaart ophalen' writes, or your own).
_G, _K = "wijkenbuurten_2024.gpkg", "kwb_2024.csv"
_SOURCES = f"--grenzen {_G} --kwb {_K} --gemeente Maassluis"
#: One example per command, shown under its --help.
EXAMPLES = {
    "init": [f"sociale-kaart init {_SOURCES}"],
    "maak": ["sociale-kaart maak", "sociale-kaart maak --product kaart --product briefing --uitvoer ~/sociale-kaart/maassluis"],
    "koppel": [f"sociale-kaart koppel {_SOURCES} --uitvoer ~/sociale-kaart/maassluis"],
    "aandacht": [f"sociale-kaart aandacht {_SOURCES} --regel kwintiel"],
    "kaart": [f"sociale-kaart kaart {_SOURCES} --insluiten"],
    "kaarten": [f"sociale-kaart kaarten {_SOURCES} --indicator bijstand_per_1000 --formaat png"],
    "profiel": [f"sociale-kaart profiel {_SOURCES} --wijk Sluispolder"],
    "briefing": [f"sociale-kaart briefing {_SOURCES} --met-profielen"],
    "demo": ["sociale-kaart demo --uitvoer ~/sociale-kaart/demo"],
    "producten": ["sociale-kaart producten"],
    "gemeenten": [f"sociale-kaart gemeenten --grenzen {_G}"],
    "indicatoren": ["sociale-kaart indicatoren"],
    "ophalen": ["sociale-kaart ophalen --gemeente GM0556 --ook misdrijven --ook leefbaarometer"],
}


class _Command(click.Command):
    """A command whose help shows its description in full, its English alias and an example."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first paragraph of the help, whole (Click would cut it off with '...')."""
        import inspect

        return " ".join(inspect.cleandoc(self.short_help or self.help or "").split("\n\n")[0].split())

    def format_epilog(self, ctx, formatter) -> None:
        lines = EXAMPLES.get(self.name, [])
        if self.name in ALIASES:
            formatter.write_paragraph()
            formatter.write_text(f"Ook als 'sociale-kaart {ALIASES[self.name]}' (de naam van eerdere versies).")
        if lines:
            with formatter.section("Voorbeeld" if len(lines) == 1 else "Voorbeelden"):
                for line in lines:
                    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


class _RunCommand(_Command):
    """A product command: its many options shown in groups (bronnen, regels, kaart, uitvoer)."""

    def format_options(self, ctx, formatter) -> None:
        records = {p.name: p.get_help_record(ctx) for p in self.get_params(ctx)}
        width = min(30, max((len(rec[0]) for rec in records.values() if rec), default=0))
        records = {name: (rec[0].ljust(width), rec[1]) for name, rec in records.items() if rec is not None}
        placed = set()
        for title, names in [*OPTION_GROUPS.items(), ("Overig", tuple(records))]:
            rows = [records[n] for n in names if n in records and n not in placed]
            placed.update(names)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows, col_max=30)


class _Group(click.Group):
    """Prints a :class:`SocialeKaartError` as one Dutch line (exit status 1) and usage errors in Dutch (2).

    Takes the English names of earlier versions as aliases of the Dutch commands.
    """

    command_class = _Command

    def get_command(self, ctx, cmd_name):
        english = {old: new for new, old in ALIASES.items()}
        return super().get_command(ctx, english.get(cmd_name, cmd_name))

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # suggest an old name too
            raise click.exceptions.NoSuchCommand(str(args[0]), possibilities=[*self.commands, *ALIASES.values()],
                                                 ctx=ctx) from None

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            shown = f"{name} ({ALIASES[name]})" if name in ALIASES else name
            rows.append((shown, command.get_short_help_str()))
        if rows:
            with formatter.section(_nl("Commands")):
                formatter.write_dl(rows, col_max=22)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SocialeKaartError as exc:
            click.secho(f"fout: {exc}", fg="red", err=True)
            ctx.exit(1)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = f" (zie '{exc.ctx.command_path} --help')" if exc.ctx else ""
            message = exc.format_message()
            click.secho(f"fout: {message[:1].lower() + message[1:]}{where}", fg="red", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("afgebroken", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar="[OPTIES]", subcommand_metavar="OPDRACHT [ARGUMENTEN]")
@click.version_option(package_name="sociale-kaart", message="%(prog)s, versie %(version)s",
                      help="Toon de versie en stop.")
def cli():
    """Sociale kaart: CBS-grenzen en -kerncijfers en eigen registraties per buurt.

    Begin met 'sociale-kaart demo' (voorbeeldgemeente, geen netwerk nodig), of haal de bronnen
    op met 'sociale-kaart ophalen', maak een projectbestand met 'sociale-kaart init' en daarna
    alles met 'sociale-kaart maak'. Hulp bij een opdracht: 'sociale-kaart maak --help'.
    """


def _options(*options):
    """A decorator that applies several click options."""

    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


_path = click.Path(path_type=Path)
#: The options of every product command. None means "not given": the project file or the default holds.
run_options = _options(
    click.option("--project", "project", type=_path, help="Projectbestand (standaard sociale-kaart.toml in deze map)."),
    click.option("--grenzen", type=_path, help="Wijk- en Buurtkaart van het CBS (GeoPackage, GeoJSON of Shapefile)."),
    click.option("--kwb", type=_path, help="Kerncijfers Wijken en Buurten (CSV of XLSX van het CBS)."),
    click.option("--gemeente", "gemeenten", multiple=True,
                 help="Gemeentecode (GM0556) of naam (Maassluis); herhaal voor meer. Zonder: alle."),
    click.option("--registraties", multiple=True, type=_path,
                 help="Eigen registratie (CSV/XLSX) per buurtcode, adres of x/y; herhaal voor meer."),
    click.option("--adrestabel", type=_path, help="CBS-tabel buurt per postcode en huisnummer."),
    click.option("--kwb-gemeenten", type=_path, help="KWB-tabel met de gepubliceerde gemeentecijfers (referentie)."),
    click.option("--misdrijven", type=_path, help="Geregistreerde misdrijven per buurt (Politie 47018NED)."),
    click.option("--leefbaarometer", type=_path, help="Leefbaarometer 3.0, scores per buurt."),
    click.option("--overlast", type=_path, help="Geregistreerde overlast per buurt (Politie 47024NED)."),
    click.option("--grenzen-politie", type=_path,
                 help="Wijk- en Buurtkaart van de buurtindeling van de politietabellen, om hun aantallen om te zetten."),
    click.option("--grenzen-cijferjaar", type=_path,
                 help="Wijk- en Buurtkaart van het jaar van de cijfers, om gedeelde buurtcodes te controleren."),
    click.option("--min-noemer", type=int, help="Onderdruk cijfers op minder inwoners/woningen dan dit [50]."),
    click.option("--min-aantal", type=int, help="Onderdruk registratieaantallen van 1 tot dit getal [5]."),
    click.option("--afronding", type=int, help="Registratieaantallen als veelvoud hiervan [5]."),
    click.option("--regel", type=click.Choice(["marge", "kwintiel"]),
                 help="Wanneer is een indicator hoog: marge boven de referentie, of hoogste kwintiel [marge]."),
    click.option("--marge", type=float, help="Marge boven de referentie, in procent [25]."),
    click.option("--referentie", type=click.Choice(["gemeente", "nederland"]), help="Waarmee de marge vergelijkt [gemeente]."),
    click.option("--min-stapeling", type=int, help="Hoge indicatoren voor een aandachtsbuurt [2]."),
    click.option("--min-inwoners", type=int, help="Minimum aantal inwoners van een aandachtsbuurt [200]."),
    click.option("--uitschieter", type=float, help="Eén indicator minstens zoveel keer de gemeente: aandachtsbuurt [2]."),
    click.option("--gewicht", multiple=True, help="Gewicht in de behoefte-index: indicator=2 (standaard 1)."),
    click.option("--behoefte", "need_keys", multiple=True, help="Behoefte-indicator voor de stapeling; herhaal."),
    click.option("--hotspots/--geen-hotspots", default=None, help="Hot spots (Local Moran's I, Gi*) meenemen."),
    click.option("--hotspot-indicator", help="Hot spots op deze indicator in plaats van de behoefte-index."),
    click.option("--permutaties", type=int, help="Permutaties voor de significantie [999]."),
    click.option("--seed", type=int, help="Startwaarde van de permutaties [12345]."),
    click.option("--indicator", "map_keys", multiple=True, help="Indicator op de kaarten; herhaal. Standaard: alle."),
    click.option("--indeling", type=click.Choice(["kwantielen", "natuurlijk", "gelijk", "handmatig"]),
                 help="Klasse-indeling [kwantielen]."),
    click.option("--klassen", type=int, help="Aantal klassen, 3-7 [5]."),
    click.option("--grenswaarden", multiple=True, help="Eigen klassegrenzen: indicator=40;60;80."),
    click.option("--titel", help="Titel boven de kaarten."),
    click.option("--vereenvoudig", type=float, help="Vereenvoudiging van de HTML-kaart in meters [automatisch]."),
    click.option("--achtergrond/--geen-achtergrond", default=None,
                 help="OpenStreetMap-achtergrond (de kaart haalt dan tegels op bij openstreetmap.org)."),
    click.option("--formaat", "formats", multiple=True, type=click.Choice(["png", "svg", "pdf"]),
                 help="Formaat van statische kaarten; herhaal [png, svg, pdf]."),
    click.option("--wijk", "wijken", multiple=True, help="Alleen deze wijken in profielen en briefing (code of naam)."),
    click.option("--eigen-indeling", "wijk_layout",
                 help="Profielen, briefing en kaarten per gebied van deze eigen indeling ([[indeling]] in het "
                      "projectbestand) in plaats van per CBS-wijk."),
    click.option("--uitvoer", type=_path, help="Map voor de uitvoer [maps]."),
    click.option("--stil", is_flag=True, help="Geen voortgang tonen."),
    click.option("--nulmeting", type=_path, help="Kerncijfers van het jaar van de nulmeting (zoals [[jaar]] kwb)."),
    click.option("--nulmeting-jaar", type=int, help="Jaar van de nulmeting [uit de bestandsnaam]."),
    click.option("--nulmeting-grenzen", type=_path,
                 help="Wijk- en Buurtkaart bij de buurtcodes van de nulmeting [de kaart van --grenzen]."),
    click.option("--doelen", type=_path, help="Doelen (CSV/XLSX: gebied, indicator, nulmeting, doeljaar, richting of waarde)."),
)


def _parse_per_indicator(values, option: str, example: str, many: bool) -> dict:
    """Parse options written as ``indicator=value`` (or ``indicator=v1;v2;v3`` when `many`)."""
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
            raise InputError(f"{option} {item!r}: schrijf als indicator={example} (bijv. wmo_per_1000={example})") from None
    return parsed


def _settings(options: dict):
    """RunSettings from the project file (if any) with the given options on top."""
    from .project import find_project, read_project, run_settings

    project = find_project(options.get("project"))
    parts = read_project(project) if project else {k: {} for k in ("sources", "need", "small_numbers", "map", "run")}
    o = options

    def put(part: str, key: str, value) -> None:
        if value is not None and value != ():
            parts[part][key] = value

    put("sources", "grenzen", o.get("grenzen"))
    put("sources", "kwb", o.get("kwb"))
    put("sources", "gemeenten", tuple(o.get("gemeenten", ())))
    put("sources", "registraties", tuple(o.get("registraties", ())))
    put("sources", "adrestabel", o.get("adrestabel"))
    put("sources", "grenzen_cijferjaar", o.get("grenzen_cijferjaar"))
    put("sources", "kwb_gemeenten", o.get("kwb_gemeenten"))
    put("sources", "misdrijven", o.get("misdrijven"))
    put("sources", "leefbaarometer", o.get("leefbaarometer"))
    put("sources", "grenzen_politie", o.get("grenzen_politie"))
    if o.get("overlast"):  # a declared source without a field of its own: replaces the project's file
        parts["sources"]["extra"] = (*(e for e in parts["sources"].get("extra", ()) if e[0] != "overlast"),
                                     ("overlast", o["overlast"]))
    put("need", "extreme_factor", o.get("uitschieter"))
    put("small_numbers", "min_denominator", o.get("min_noemer"))
    put("small_numbers", "min_count", o.get("min_aantal"))
    put("small_numbers", "rounding", o.get("afronding"))
    put("need", "rule", o.get("regel"))
    put("need", "margin", None if o.get("marge") is None else o["marge"] / 100)
    put("need", "reference", o.get("referentie"))
    put("need", "min_stapeling", o.get("min_stapeling"))
    put("need", "min_inwoners", o.get("min_inwoners"))
    if o.get("gewicht"):
        parts["need"]["weights"] = _parse_per_indicator(o["gewicht"], "--gewicht", "2", many=False)
    put("need", "indicators", tuple(o.get("need_keys", ())))
    put("need", "hotspots", o.get("hotspots"))
    put("need", "hotspot_indicator", o.get("hotspot_indicator"))
    put("need", "permutations", o.get("permutaties"))
    put("need", "seed", o.get("seed"))
    put("map", "indicators", tuple(o.get("map_keys", ())))
    put("map", "scheme", o.get("indeling"))
    put("map", "k", o.get("klassen"))
    if o.get("grenswaarden"):
        parts["map"]["breaks"] = _parse_per_indicator(o["grenswaarden"], "--grenswaarden", "40;60;80", many=True)
    put("map", "title", o.get("titel"))
    put("map", "tolerance", o.get("vereenvoudig"))
    put("map", "background", o.get("achtergrond"))
    put("map", "formats", tuple(o.get("formats", ())))
    put("run", "wijken", tuple(o.get("wijken", ())))
    put("run", "wijk_layout", o.get("wijk_layout"))
    put("run", "output", o.get("uitvoer"))
    if o.get("stil"):
        parts["run"]["quiet"] = True
    _put_baseline(parts, o)
    products = parts["run"].get("products")
    return run_settings(parts), products


def _put_baseline(parts: dict, o: dict) -> None:
    """--nulmeting (with its year and map) as one more year, replacing a [[jaar]] of the same year; --doelen."""
    from .settings import YearSource
    from .sources.boundaries import year_from_name

    if o.get("doelen") is not None:
        parts["run"]["targets_file"] = o["doelen"]
    if o.get("nulmeting") is None:
        if o.get("nulmeting_jaar") is not None or o.get("nulmeting_grenzen") is not None:
            raise InputError("--nulmeting-jaar en --nulmeting-grenzen horen bij --nulmeting (de kerncijfers van dat jaar)")
        return
    year = o.get("nulmeting_jaar") or year_from_name(o["nulmeting"])
    if year is None:
        raise InputError(f"{o['nulmeting']}: geen jaartal in de bestandsnaam; geef --nulmeting-jaar")
    entry = YearSource(year=year, kwb=o["nulmeting"], grenzen=o.get("nulmeting_grenzen"))
    others = tuple(y for y in parts["run"].get("years", ()) if y.year != year)
    parts["run"]["years"] = (entry, *others)
    parts.setdefault("change", {})["baseline_year"] = year


def _make(options: dict, products, *, echo_report: bool = False, echo_summary: bool = False):
    """Settings from the project file and `options`, then the orchestrator; `products` may be a
    function of the project file's own product list."""
    from .products import make

    from .products import NO_YEARS, PRODUCTS

    settings, from_project = _settings(options)
    wanted = tuple(products(from_project) if callable(products) else products)
    if "voortgang" in wanted and not settings.years and set(wanted) != set(PRODUCTS):  # asked for by name
        raise InputError(NO_YEARS)
    result = make(settings, products=wanted)
    if echo_report:
        click.echo(result.data.report_text())
        click.echo()
    if echo_summary and result.analysis is not None:
        click.echo(result.analysis.summary_text(result.data.indicators))
        for warning in (*result.data.warnings, *result.data.advice):  # beside the aandachtsbuurten
            click.echo(f"Let op: {warning}")
        click.echo()
    click.echo("Geschreven:")
    for path in result.written:
        click.echo(f"  {path}")
    return result


@cli.command()
@click.option("--grenzen", help="Pad naar de grenzen.  [standaard: geodata/wijkenbuurten_<jaar>.gpkg]")
@click.option("--kwb", help="Pad naar de kerncijfers.  [standaard: geodata/kwb_<jaar>.csv]")
@click.option("--jaar", type=int, help="Jaar in de standaardpaden [het nieuwste bekende jaar met kerncijfers].")
@click.option("--gemeente", "gemeenten", multiple=True, help="Gemeentecode of naam; herhaal.")
@click.option("--overschrijf", is_flag=True, help="Vervang een bestaand projectbestand.")
def init(grenzen, kwb, jaar, gemeenten, overschrijf):
    """Schrijf een projectbestand sociale-kaart.toml (met uitleg) in deze map."""
    from .atomic import write_text
    from .project import PROJECT_FILE, template
    from .sources.fetch import newest_known_year

    path = Path(PROJECT_FILE)
    if path.exists() and not overschrijf:
        raise InputError(f"{PROJECT_FILE} bestaat al; gebruik --overschrijf om het te vervangen")
    jaar = jaar or newest_known_year()
    grenzen = grenzen or f"geodata/wijkenbuurten_{jaar}.gpkg"
    kwb = kwb or f"geodata/kwb_{jaar}.csv"
    write_text(path, template(grenzen=grenzen, kwb=kwb, gemeenten=tuple(gemeenten)))
    missing = [str(p) for p in (grenzen, kwb) if not Path(p).exists()]
    todo = f"Vul in [bronnen] de bestanden in die er nog niet zijn ({', '.join(missing)}). " if missing else ""
    click.echo(f"Geschreven: {path}. {todo}Maak {'daarna ' if missing else ''}alles met: sociale-kaart maak")


class _ProductChoice(click.Choice):
    """The keys of the product registry, read when the option is shown or checked, not at import
    (so that ``sociale-kaart --help`` starts at once)."""

    def __init__(self):
        super().__init__(())

    @property
    def choices(self):
        from .products import PRODUCTS

        return tuple(PRODUCTS)

    @choices.setter
    def choices(self, _value):
        pass


@cli.command(cls=_RunCommand)
@run_options
@click.option("--product", "chosen", multiple=True, type=_ProductChoice(),
              help="Alleen dit product; herhaal (zie 'sociale-kaart producten').")
def maak(chosen, **options):
    """Maak alles wat het projectbestand vraagt: tabellen, kaarten, profielen, briefing en index."""
    from .products import PRODUCTS

    _make(options, lambda from_project: chosen or from_project or tuple(PRODUCTS), echo_summary=True)


@cli.command(name="koppel", cls=_RunCommand)
@run_options
def join(**options):
    """Koppel de cijfers aan de buurtgrenzen: GeoPackage, CSV's en Excel per buurt, wijk en gemeente, en het koppelrapport."""
    _make(options, ("tabellen",), echo_report=True)


@cli.command(name="aandacht", cls=_RunCommand)
@run_options
def flag(**options):
    """Wijs aandachtsbuurten aan met hun redenen (stapeling, behoefte-index, hot spots) en toon de samenhang met wonen en vergrijzing."""
    _make(options, ("aandachtsbuurten", "samenhang"), echo_report=True, echo_summary=True)


@cli.command(name="kaart", cls=_RunCommand)
@run_options
@click.option("--insluiten", is_flag=True, help="Schrijf ook een PNG en een HTML-fragment (iframe) voor rapporten.")
def map_command(insluiten, **options):
    """Maak de interactieve kaart: één HTML-bestand dat ook offline en op een telefoon werkt, met een tabel van alle buurten."""
    _make(options, ("kaart", "insluiten") if insluiten else ("kaart",))


@cli.command(name="kaarten", cls=_RunCommand)
@run_options
def plot(**options):
    """Maak statische kaarten per indicator voor print en rapporten (PNG 300 dpi, SVG en PDF)."""
    _make(options, ("statisch",))


@cli.command(cls=_RunCommand)
@run_options
def profiel(**options):
    """Maak een wijkprofiel (A4-PDF) per wijk: kaart, tabel, grafieken en aandachtsbuurten."""
    _make(options, ("profielen",))


@cli.command(cls=_RunCommand)
@run_options
@click.option("--met-profielen", is_flag=True, help="Schrijf in dezelfde run ook de wijkprofielen.")
def briefing(met_profielen, **options):
    """Maak het briefingpakket (PDF) voor de stuurgroep Integrale Veiligheid."""
    result = _make(options, ("briefing", "profielen") if met_profielen else ("briefing",))
    click.echo(f"Briefing: {result.pages.get('briefing')} pagina's, {len(result.analysis.flagged)} aandachtsbuurten")


@cli.command()
@click.option("--uitvoer", default="maps", show_default=True, type=_path, help="Map voor de uitvoer.")
@click.option("--stil", is_flag=True, help="Geen voortgang tonen.")
def demo(uitvoer, stil):
    """Draai alles op de fictieve voorbeeldgemeente Voorbeeldstad (geen netwerk nodig)."""
    from .products import PRODUCTS, make
    from .settings import NeedSettings, RunSettings, Sources
    from .sources.sample import NOTICE, linked_sample, sample_path

    click.secho(NOTICE, fg="yellow")
    linked, address_table = linked_sample()  # stapeling per huishouden: linked extracts with a known truth
    sources = Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb"),
                      registraties=(sample_path("registraties"), sample_path("meldingen")),
                      linked=linked, adrestabel=address_table,
                      bron="Fictieve voorbeelddata: Voorbeeldstad bestaat niet")
    settings = RunSettings(sources=sources, need=NeedSettings(hotspots=True), output=uitvoer, quiet=stil,
                           domains={"reg_overlast_per_1000": "veiligheid"})  # overlast: safety in the briefing
    result = make(settings, products=tuple(PRODUCTS))
    click.echo(result.data.report_text())
    click.echo()
    click.echo(result.analysis.summary_text(result.data.indicators))
    click.echo(f"\n{len(result.written)} bestanden in {uitvoer}; begin bij {uitvoer / 'index.html'}")


@cli.command()
def producten():
    """Toon de producten die 'maak' kan maken."""
    from .products import PRODUCTS

    for key, text in PRODUCTS.items():
        click.echo(f"{key:<18} {text}")


@cli.command()
@click.option("--grenzen", required=True, type=_path, help="Wijk- en Buurtkaart.")
def gemeenten(grenzen):
    """Toon de gemeenten (code en naam) in een grenzenbestand."""
    from .sources.boundaries import list_gemeenten

    table = list_gemeenten(grenzen)
    for row in table.itertuples(index=False):
        click.echo("  ".join(str(v) for v in row))
    click.echo(f"{len(table)} gemeenten")


@cli.command()
def indicatoren():
    """Toon de definities van de indicatoren: de kernindicatoren, misdrijven en de Leefbaarometer."""
    from .combine.indicators import CORE_INDICATORS
    from .settings import SmallNumbers

    from .sources.safety import CRIME_CAVEAT, CRIME_TITLES, CRIME_TOTAL, LIVEABILITY_WEAKEST, crime_column

    for ind in CORE_INDICATORS:
        click.echo(f"{ind.key:<20} {ind.label} ({ind.unit})")
        click.echo(f"{'':<20} {ind.description}")
    click.echo("\nMet --misdrijven (Politie, tabel 47018NED; 'sociale-kaart ophalen --ook misdrijven'):")
    crime = f"{crime_column(CRIME_TOTAL)}_per_1000"
    click.echo(f"{crime:<20} {CRIME_TITLES[CRIME_TOTAL]} (per 1.000 inwoners); met --misdrijf een soort, bijv. "
               f"{crime_column('1.1.1')}_per_1000 ({CRIME_TITLES['1.1.1']})")
    click.echo(f"{'':<20} Door de politie geregistreerde misdrijven per 1.000 inwoners. {CRIME_CAVEAT}")
    click.echo("\nMet --leefbaarometer (Leefbaarometer 3.0; 'sociale-kaart ophalen --ook leefbaarometer'):")
    click.echo(f"{'lbm_klasse':<20} Leefbaarometer-klasse (klasse 1-9)")
    click.echo(f"{'':<20} {LIVEABILITY_WEAKEST}")
    click.echo("\n" + SmallNumbers().describe())


@cli.command(name="ophalen")
@click.option("--gemeente", "gemeenten", multiple=True, required=True,
              help="Gemeentecode of naam, bijv. GM0556 of Maassluis; herhaal voor meer.")
@click.option("--jaar", type=int,
              help="Jaar van de buurtgrenzen (2013 en later) [het nieuwste jaar in de CBS-catalogus].")
@click.option("--cijferjaar", type=int,
              help="Jaar van de kerncijfers, als dat anders is dan --jaar (dan ook de kaart van dat jaar, "
                   "om gedeelde buurtcodes te controleren).")
@click.option("--ook", "extra", multiple=True, type=click.Choice(["gemeenten", "misdrijven", "overlast", "leefbaarometer"]),
              help="Haal ook op: geregistreerde misdrijven of overlast per buurt (Politie) of Leefbaarometer-scores "
                   "per buurt; herhaal. De kerncijfers van alle gemeenten komen altijd mee.")
@click.option("--misdrijf", "crime_types", multiple=True,
              help="Soort misdrijf bij --ook misdrijven (code van de Politie, bijv. 1.1.1); herhaal [0.0.0 = totaal].")
@click.option("--alle-kolommen", is_flag=True, help="Alle kolommen van de KWB-tabel, niet alleen de kolommen die sociale-kaart kent.")
@click.option("--cache", default=None, type=_path, help="Map voor downloads (standaard de cachemap van de gebruiker).")
@click.option("--vernieuw", is_flag=True, help="Download opnieuw, ook als het bestand al in de cache staat.")
@click.option("--project", "project", type=_path,
              help="Projectbestand om bij te werken (standaard sociale-kaart.toml in deze map, als die er is).")
@click.option("--stil", is_flag=True, help="Geen voortgang tonen.")
def fetch(gemeenten, jaar, cijferjaar, extra, crime_types, alle_kolommen, cache, vernieuw, project, stil):
    """Download grenzen (PDOK) en kerncijfers (CBS), en desgewenst gemeentecijfers, misdrijven en Leefbaarometer (met cache).

    Staat er een sociale-kaart.toml in deze map, dan komen de paden in [bronnen], zodat 'maak' ze gebruikt.
    """
    from .reporter import Reporter
    from .project import find_project, read_project
    from .sources.fetch import Client, fetch_for_project, update_project_sources

    progress = Reporter(quiet=stil)
    run = fetch_for_project(list(gemeenten), jaar, figures_year=cijferjaar, extra=extra,
                            crime_types=crime_types or ("0.0.0",), all_columns=alle_kolommen, cache_dir=cache,
                            refresh=vernieuw, client=Client(progress=progress), progress=progress)
    width = max(len(item.label) for item in run.files) + 1
    for item in run.files:
        click.echo(f"{item.label + ':':<{width}} {item.path}" + ("  (uit de cache)" if item.from_cache else ""))
    for item in run.files:
        if item.metadata.get("collecties"):
            used = ", ".join(str(v) for v in item.metadata["collecties"].values())
            click.echo(f"{item.label}: {item.metadata.get('service')}, collectie {used}")
        if item.metadata.get("indeling"):
            click.echo(f"{item.label}: op de buurtindeling van 1 januari {item.metadata['indeling']}")
    path = find_project(project)
    if path is None:
        extra_option = f" --grenzen-cijferjaar {run.grenzen_cijferjaar.path}" if run.grenzen_cijferjaar else ""
        click.echo(f"Verder met: sociale-kaart maak --grenzen {run.grenzen.path} --kwb {run.kwb.path}{extra_option}")
        return
    changed = update_project_sources(path, run.project_entries, check=lambda p: read_project(p, check_files=False))
    if changed:
        click.echo(f"{path} bijgewerkt: [bronnen] {', '.join(changed)}. Verder met: sociale-kaart maak")
    else:
        click.echo(f"{path} wees hier al naar. Verder met: sociale-kaart maak")


def main() -> None:
    cli(prog_name="sociale-kaart")


if __name__ == "__main__":
    sys.exit(main())
