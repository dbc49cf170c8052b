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

#: Click's own messages (English templates) in Dutch. A message is matched whole; the values in it
#: ({message}, {base}) are translated in turn, so that composed messages read Dutch throughout.
_MESSAGES = (
    ("Invalid value for {param_hint}: {message}", "Ongeldige waarde voor {param_hint}: {message}"),
    ("Invalid value: {message}", "Ongeldige waarde: {message}"),
    ("{base} Did you mean {possibility}?", "{base} Bedoelde u {possibility}?"),
    ("{base} (Did you mean one of: {possibilities}?)", "{base} (Bedoelde u een van: {possibilities}?)"),
    ("No such command {name}.", "Onbekende opdracht {name}."),
    ("No such option {name}.", "Onbekende optie {name}."),
    ("No such option: {name}", "Onbekende optie: {name}"),
    ("Missing option {name}.", "Ontbrekende optie {name}."),
    ("Missing argument {name}.", "Ontbrekend argument {name}."),
    ("Missing parameter {name}.", "Ontbrekende waarde {name}."),
    ("Missing command.", "Geef een opdracht."),
    ("Option {name} does not take a value.", "De optie {name} neemt geen waarde."),
    ("Option {name} requires an argument.", "De optie {name} vraagt een waarde."),
    ("Option {name} requires {nargs} arguments.", "De optie {name} vraagt {nargs} waarden."),
    ("Got unexpected extra argument ({args})", "Onverwachte extra invoer ({args})"),
    ("Got unexpected extra arguments ({args})", "Onverwachte extra invoer ({args})"),
    ("{value} is not one of {choices}.", "{value} is geen van {choices}."),
    ("{value} is not a valid {number_type}.", "{value} is geen geldig {number_type}."),
    ("{value} is not in the range {range}.", "{value} ligt niet in het bereik {range}."),
    ("{value} is not a valid boolean. Recognized values: {states}", "{value} is geen ja/nee-waarde ({states})."),
    ("{value} is not {choice}.", "{value} is niet {choice}."),
)
_PATTERNS = [(re.compile("".join(f"(?P<{part[1:-1]}>.+?)" if part.startswith("{") else re.escape(part)
                                 for part in re.split(r"(\{\w+\})", english) if part)), dutch)
             for english, dutch in _MESSAGES]


def dutch_message(message: str) -> str:
    """One of click's messages in Dutch (unchanged when it is none of them).

    Examples
    --------
    >>> dutch_message("Invalid value for '--klassen': 'drie' is not a valid geheel getal.")
    "Ongeldige waarde voor '--klassen': 'drie' is geen geldig geheel getal."
    """
    for pattern, dutch in _PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return dutch.format(**{name: dutch_message(value) for name, value in found.groupdict().items()})
    return message


class _Text(click.types.StringParamType):
    name = "tekst"


class _Integer(click.types.IntParamType):
    name = "geheel getal"


class _Number(click.types.FloatParamType):
    name = "getal"


class _Path(click.Path):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.name = "pad"


#: Option types whose names (in help and errors) are Dutch: TEKST, GEHEEL GETAL, GETAL, PAD.
TEXT_TYPE, INT_TYPE, NUMBER_TYPE, PATH_TYPE = _Text(), _Integer(), _Number(), _Path(path_type=Path)


class _Option(click.Option):
    """An option with a help group (Bronnen, Regels, Kaart, Uitvoer) and Dutch words in its help."""

    def __init__(self, *args, group: str | None = None, **kwargs):
        if kwargs.get("type") is None and not kwargs.get("is_flag") and not any("/" in a for a in args[0]):
            kwargs["type"] = TEXT_TYPE
        super().__init__(*args, **kwargs)
        self.group = group

    def get_help_record(self, ctx):
        record = super().get_help_record(ctx)
        if record is None:
            return None
        words = {"default: ": "standaard: ", "required": "verplicht"}
        return record[0], re.sub(r"\[([^\[\]]*)\]$",
                                 lambda m: "[" + re.sub("|".join(words), lambda w: words[w[0]], m[1]) + "]",
                                 record[1])


def option(*decls, **kwargs):
    """``click.option`` with :class:`_Option`: Dutch type names and words, and a help group."""
    return click.option(*decls, cls=_Option, **kwargs)


#: The English names of earlier versions, kept as aliases of the Dutch commands.
ALIASES = {"koppel": "join", "aandacht": "flag", "kaart": "map", "kaarten": "plot", "ophalen": "fetch"}
#: The option groups of the product commands, in the order shown by --help (an option says its group).
OPTION_GROUPS = ("Bronnen", "Regels", "Kaart", "Uitvoer")
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


class _Dutch:
    """Click's own words in a command's help in Dutch, said by the command (click itself is left as it is)."""

    def get_help_option(self, ctx):
        help_option = super().get_help_option(ctx)
        if help_option is not None:
            help_option.help = "Toon deze hulp en stop."
        return help_option

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="Gebruik: ")

    def format_options(self, ctx, formatter) -> None:
        rows = [record for p in self.get_params(ctx) if (record := p.get_help_record(ctx)) is not None]
        if rows:
            with formatter.section("Opties"):
                formatter.write_dl(rows)


class _Command(_Dutch, click.Command):
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
        params = [(p, p.get_help_record(ctx)) for p in self.get_params(ctx)]
        params = [(getattr(p, "group", None), record) for p, record in params if record is not None]
        width = min(30, max((len(record[0]) for _, record in params), default=0))
        for title in (*OPTION_GROUPS, "Overig"):
            rows = [(record[0].ljust(width), record[1]) for group, record in params
                    if group == title or (title == "Overig" and group not in OPTION_GROUPS)]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows, col_max=30)


class _Group(_Dutch, click.Group):
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
        except click.exceptions.NoSuchCommand:  # suggest an old name too
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
            with formatter.section("Opdrachten"):
                formatter.write_dl(rows, col_max=22)

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

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
            message = dutch_message(exc.format_message())
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


def _declared_option(declared):
    """The click option of a declared setting: its flag, type, help group and help with its default."""
    from dataclasses import MISSING

    from .settings import BOOL, INT, NUMBER, PATH, PATHS, TABLE, TEXT, TEXTS

    setting = declared.setting
    shown = setting.shown
    if shown is None and setting.kind != BOOL and declared.default not in (None, (), {}, MISSING):
        shown = _shown(setting.to_written(declared.default))
    multiple = setting.kind in (PATHS, TEXTS, TABLE)
    text = setting.help + (" Herhaal voor meer." if multiple else "") + (f" [{shown}]" if shown else "")
    if setting.kind == BOOL:
        flag = {"default": None} if "/" in setting.flag else {"is_flag": True}
        return option(setting.flag, declared.param, group=setting.group, help=text, **flag)
    kinds = {TEXT: TEXT_TYPE, TEXTS: TEXT_TYPE, TABLE: TEXT_TYPE, INT: INT_TYPE, NUMBER: NUMBER_TYPE, PATH: PATH_TYPE,
             PATHS: PATH_TYPE}
    kind = click.Choice(setting.choices) if setting.choices else kinds[setting.kind]
    return option(setting.flag, declared.param, type=kind, multiple=multiple, group=setting.group, help=text)


def _shown(value) -> str:
    """A default as help shows it: 25, marge, png, svg, pdf."""
    if isinstance(value, (tuple, list)):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _extra_source_keys() -> list[str]:
    """The declared sources (:data:`~sociale_kaart.sources.declarations.EXTRA_SOURCES`) without a setting of their own."""
    from .settings import declared_settings
    from .sources.declarations import EXTRA_SOURCES

    own = {d.setting.key for d in declared_settings()}
    return [key for key in EXTRA_SOURCES if key not in own]


def _extra_source_options():
    """An option per declared source without a setting of its own, as ``[bronnen] <key>`` in the project file."""
    return [option(f"--{key.replace('_', '-')}", key, type=PATH_TYPE, group="Bronnen",
                   help=f"Tabel van de bron {key}, zoals [bronnen] {key} in het projectbestand.")
            for key in _extra_source_keys()]


def _run_options():
    """The options of every product command: each declared setting with a flag, and a few of their own.
    None means "not given": the project file or the default holds."""
    from .settings import declared_settings

    return _options(
        option("--project", "project", type=PATH_TYPE, group="Bronnen",
               help="Projectbestand (standaard sociale-kaart.toml in deze map)."),
        *(_declared_option(d) for d in declared_settings() if d.setting.flag is not None),
        *_extra_source_options(),
        option("--nulmeting", type=PATH_TYPE, group="Bronnen",
               help="Kerncijfers van het jaar van de nulmeting (zoals [[jaar]] kwb)."),
        option("--nulmeting-jaar", type=INT_TYPE, group="Bronnen", help="Jaar van de nulmeting [uit de bestandsnaam]."),
        option("--nulmeting-grenzen", type=PATH_TYPE, group="Bronnen",
               help="Wijk- en Buurtkaart bij de buurtcodes van de nulmeting [de kaart van --grenzen]."),
    )


run_options = _run_options()


def _settings(options: dict):
    """RunSettings from the project file (if any) with the given options on top."""
    from .project import empty_parts, find_project, read_project, run_settings, with_options

    project = find_project(options.get("project"))
    parts = with_options(read_project(project) if project else empty_parts(), options)
    for key in _extra_source_keys():  # a declared source without a field of its own: replaces the project's file
        if options.get(key):
            parts["sources"]["extra"] = (*(e for e in parts["sources"].get("extra", ()) if e[0] != key),
                                         (key, options[key]))
    _put_baseline(parts, options)
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
@option("--grenzen", help="Pad naar de grenzen.  [standaard: geodata/wijkenbuurten_<jaar>.gpkg]")
@option("--kwb", help="Pad naar de kerncijfers.  [standaard: geodata/kwb_<jaar>.csv]")
@option("--jaar", type=INT_TYPE, help="Jaar in de standaardpaden [het nieuwste bekende jaar met kerncijfers].")
@option("--gemeente", "gemeenten", multiple=True, help="Gemeentecode of naam; herhaal.")
@option("--overschrijf", is_flag=True, help="Vervang een bestaand projectbestand.")
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
@option("--product", "chosen", multiple=True, type=_ProductChoice(), group="Uitvoer",
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
@option("--insluiten", is_flag=True, group="Kaart", help="Schrijf ook een PNG en een HTML-fragment (iframe) voor rapporten.")
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
@option("--met-profielen", is_flag=True, group="Uitvoer", help="Schrijf in dezelfde run ook de wijkprofielen.")
def briefing(met_profielen, **options):
    """Maak het briefingpakket (PDF) voor de stuurgroep Integrale Veiligheid."""
    result = _make(options, ("briefing", "profielen") if met_profielen else ("briefing",))
    click.echo(f"Briefing: {result.pages.get('briefing')} pagina's, {len(result.analysis.flagged)} aandachtsbuurten")


@cli.command()
@option("--uitvoer", default="maps", show_default=True, type=PATH_TYPE, help="Map voor de uitvoer.")
@option("--stil", is_flag=True, help="Geen voortgang tonen.")
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
@option("--grenzen", required=True, type=PATH_TYPE, help="Wijk- en Buurtkaart.")
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
@option("--gemeente", "gemeenten", multiple=True, required=True,
              help="Gemeentecode of naam, bijv. GM0556 of Maassluis; herhaal voor meer.")
@option("--jaar", type=INT_TYPE,
              help="Jaar van de buurtgrenzen (2013 en later) [het nieuwste jaar in de CBS-catalogus].")
@option("--cijferjaar", type=INT_TYPE,
              help="Jaar van de kerncijfers, als dat anders is dan --jaar (dan ook de kaart van dat jaar, "
                   "om gedeelde buurtcodes te controleren).")
@option("--ook", "extra", multiple=True, type=click.Choice(["gemeenten", "misdrijven", "overlast", "leefbaarometer"]),
              help="Haal ook op: geregistreerde misdrijven of overlast per buurt (Politie) of Leefbaarometer-scores "
                   "per buurt; herhaal. De kerncijfers van alle gemeenten komen altijd mee.")
@option("--misdrijf", "crime_types", multiple=True,
              help="Soort misdrijf bij --ook misdrijven (code van de Politie, bijv. 1.1.1); herhaal [0.0.0 = totaal].")
@option("--alle-kolommen", is_flag=True, help="Alle kolommen van de KWB-tabel, niet alleen de kolommen die sociale-kaart kent.")
@option("--cache", default=None, type=PATH_TYPE, help="Map voor downloads (standaard de cachemap van de gebruiker).")
@option("--vernieuw", is_flag=True, help="Download opnieuw, ook als het bestand al in de cache staat.")
@option("--project", "project", type=PATH_TYPE,
              help="Projectbestand om bij te werken (standaard sociale-kaart.toml in deze map, als die er is).")
@option("--stil", is_flag=True, help="Geen voortgang tonen.")
def fetch(gemeenten, jaar, cijferjaar, extra, crime_types, alle_kolommen, cache, vernieuw, project, stil):
    """Download grenzen (PDOK) en kerncijfers (CBS), en desgewenst gemeentecijfers, misdrijven en Leefbaarometer (met cache).

    Staat er een sociale-kaart.toml in deze map, dan komen de paden in [bronnen], zodat 'maak' ze gebruikt.
    """
    from .reporter import Reporter
    from .project import find_project, update_project_sources
    from .sources.fetch import FetchOptions, fetch_for_project

    options = FetchOptions(cache_dir=cache, refresh=vernieuw, progress=Reporter(quiet=stil))
    run = fetch_for_project(list(gemeenten), jaar, figures_year=cijferjaar, extra=extra,
                            crime_types=crime_types or ("0.0.0",), all_columns=alle_kolommen, options=options)
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
    changed = update_project_sources(path, run.project_entries)
    if changed:
        click.echo(f"{path} bijgewerkt: [bronnen] {', '.join(changed)}. Verder met: sociale-kaart maak")
    else:
        click.echo(f"{path} wees hier al naar. Verder met: sociale-kaart maak")


def main() -> None:
    cli(prog_name="sociale-kaart")


if __name__ == "__main__":
    sys.exit(main())
