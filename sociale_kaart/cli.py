"""The ``sociale-kaart`` command: a thin layer over the package's functions.

Heavy libraries (geopandas, folium, matplotlib) are imported inside the commands, so that
``sociale-kaart --help`` starts at once.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .errors import InputError

DEFAULT_OUT = "maps"


_USAGE_DUTCH = (
    (r"^Missing option '(.+)'\.?", r"de optie \1 ontbreekt"),
    (r"^No such option: (\S+)", r"onbekende optie \1"),
    (r"^No such command '(.+)'\.?", r"onbekende opdracht '\1'"),
    (r"^Invalid value for '(.+)': ", r"ongeldige waarde voor \1: "),
    (r"^Option '(.+)' requires an argument\.?", r"de optie \1 vraagt een waarde"),
    (r"^Got unexpected extra arguments? \((.+)\)", r"onverwachte extra invoer: \1"),
    (r" is not one of ", r" is geen van "),
    (r"\. Did you mean '(.+)'\?", r"; bedoelde u '\1'?"),
    (r" is not a valid integer\.?", r" is geen geheel getal"),
    (r" is not a valid float\.?", r" is geen getal"),
)


def _dutch(message: str) -> str:
    import re

    for pattern, replacement in _USAGE_DUTCH:
        message = re.sub(pattern, replacement, message)
    return message


class _Group(click.Group):
    """Prints an :class:`InputError` as one Dutch line (exit status 1) and usage errors in Dutch (2)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.secho(f"fout: {exc}", fg="red", err=True)
            ctx.exit(1)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = f" (zie '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.secho(f"fout: {_dutch(exc.format_message())}{where}", fg="red", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("afgebroken", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sociale-kaart")
def cli():
    """Sociale kaart: CBS-grenzen en -kerncijfers en eigen registraties per buurt.

    Begin met 'sociale-kaart demo' (voorbeeldgemeente, geen netwerk nodig).
    """


def _options(*options):
    """A decorator that applies several click options, for groups of options shared by commands."""

    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


#: Options of every command that builds the buurt table.
data_options = _options(
    click.option("--grenzen", "grenzen", required=True, type=click.Path(path_type=Path),
                 help="Wijk- en Buurtkaart van het CBS (GeoPackage, GeoJSON of Shapefile)."),
    click.option("--kwb", "kwb", required=True, type=click.Path(path_type=Path),
                 help="Kerncijfers Wijken en Buurten (CSV of XLSX van het CBS)."),
    click.option("--gemeente", "gemeenten", multiple=True,
                 help="Gemeentecode (GM0556) of naam (Maassluis); herhaal voor meer. Zonder: alle."),
    click.option("--registraties", multiple=True, type=click.Path(path_type=Path),
                 help="Eigen registratie (CSV/XLSX) per buurtcode, adres of x/y; herhaal voor meer."),
    click.option("--adrestabel", type=click.Path(path_type=Path),
                 help="CBS-tabel buurt per postcode en huisnummer (voor registraties met adres)."),
    click.option("--min-noemer", default=50, show_default=True,
                 help="Onderdruk cijfers op minder inwoners/woningen dan dit."),
    click.option("--min-aantal", default=5, show_default=True,
                 help="Onderdruk cijfers op 1 tot dit aantal gevallen."),
    click.option("--uitvoer", default=DEFAULT_OUT, show_default=True, type=click.Path(path_type=Path),
                 help="Map voor de uitvoer."),
)


def _build(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, wijk_shapes=True):
    from .indicators import SmallNumbers
    from .pipeline import build

    if min_noemer < 1 or min_aantal < 1:
        raise InputError("--min-noemer en --min-aantal moeten minstens 1 zijn")
    return build(
        grenzen, kwb, list(gemeenten) or None, list(registraties), adrestabel,
        rule=SmallNumbers(min_denominator=min_noemer, min_count=min_aantal), wijk_shapes=wijk_shapes,
    )



def _echo_outputs(paths) -> None:
    click.echo("Geschreven:")
    for path in paths:
        click.echo(f"  {path}")


@cli.command()
@data_options
def join(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, uitvoer):
    """Koppel cijfers aan buurtgrenzen en bereken de indicatoren.

    Schrijft een GeoPackage (buurten, wijken), CSV's per buurt, wijk en gemeente en het
    koppelrapport naar de uitvoermap.
    """
    from .pipeline import write_outputs

    data = _build(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal)
    click.echo(data.report_text())
    click.echo()
    _echo_outputs(write_outputs(data, uitvoer))


def _parse_per_indicator(values: tuple[str, ...], option: str, example: str, many: bool) -> dict:
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


def _parse_breaks(values: tuple[str, ...]) -> dict[str, list[float]]:
    return _parse_per_indicator(values, "--grenswaarden", "40;60;80", many=True)


def _select_indicators(data, keys: tuple[str, ...]):
    if not keys:
        return data.indicators
    known = {ind.key: ind for ind in data.indicators}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InputError(f"onbekende indicator {unknown[0]!r}; beschikbaar: {', '.join(known)}")
    return [known[k] for k in keys]


def _write_map(data, indicators, uitvoer, options, embed: bool, helper=None):
    from ._io import write_text
    from .classes import classify
    from .webmap import embed_snippet, render_html

    html_path = Path(uitvoer) / f"{data.slug}_kaart.html"
    classify_fn = functools.partial(helper.run, classify) if helper else classify
    page = render_html(data.buurten, indicators, options, classify_fn)
    written = [write_text(html_path, page)]
    if embed:
        from .static import plot_map

        png = Path(uitvoer) / f"{data.slug}_kaart.png"
        written += plot_map(data, indicators[0], [png], scheme=options.scheme, k=options.k,
                            breaks=options.breaks.get(indicators[0].key))
        snippet = embed_snippet(html_path.name, png.name, options.title, options.subtitle)
        written.append(write_text(Path(uitvoer) / f"{data.slug}_kaart_insluiten.html", snippet))
    return written


@cli.command(name="map")
@data_options
@click.option("--indicator", "indicator_keys", multiple=True,
              help="Indicator om te tonen (zie 'sociale-kaart indicatoren'); herhaal. Standaard: alle.")
@click.option("--indeling", type=click.Choice(["kwantielen", "natuurlijk", "gelijk", "handmatig"]),
              default="kwantielen", show_default=True, help="Klasse-indeling (mapclassify).")
@click.option("--klassen", default=5, show_default=True, help="Aantal klassen (3-7).")
@click.option("--grenswaarden", multiple=True, help="Eigen klassegrenzen: indicator=40;60;80.")
@click.option("--titel", default=None, help="Titel boven de kaart.")
@click.option("--vereenvoudig", type=float, default=None, help="Vereenvoudiging in meters (standaard automatisch).")
@click.option("--achtergrond", is_flag=True,
              help="Voeg een OpenStreetMap-achtergrond toe. Let op: de kaart haalt dan tegels op bij openstreetmap.org.")
@click.option("--insluiten", is_flag=True, help="Schrijf ook een PNG en een HTML-fragment (iframe) voor rapporten.")
@click.option("--aandacht", is_flag=True, help="Omlijn aandachtsbuurten (analyse zoals 'sociale-kaart flag', standaardregels).")
def map_command(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, uitvoer,
                indicator_keys, indeling, klassen, grenswaarden, titel, vereenvoudig, achtergrond, insluiten, aandacht):
    """Maak een interactieve kaart (één HTML-bestand dat ook offline werkt)."""
    from ._helper import HelperProcess

    breaks = _parse_breaks(grenswaarden)
    if indeling == "handmatig" and not breaks:
        raise InputError("--indeling handmatig vraagt --grenswaarden, bijvoorbeeld wmo_per_1000=40;60;80")
    modules = ("mapclassify", "esda", "libpysal") if aandacht else ("mapclassify",)
    with HelperProcess(modules) as helper:  # forked now, before the data take memory
        from .webmap import MapOptions

        data = _build(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, wijk_shapes=insluiten)
        indicators = _select_indicators(data, indicator_keys)
        if aandacht:
            from .need import analyse

            data.buurten = analyse(data, run=helper.run)
        options = MapOptions(titel or f"Sociale kaart {data.title}", data.subtitle, indeling, klassen, breaks,
                             vereenvoudig, achtergrond)
        click.echo(data.report_text())
        click.echo()
        _echo_outputs(_write_map(data, indicators, uitvoer, options, insluiten, helper))


#: Options of the need analysis (flag, profiel, briefing).
need_options = _options(
    click.option("--regel", type=click.Choice(["marge", "kwintiel"]), default="marge", show_default=True,
                 help="Wanneer is een indicator hoog: een marge boven de referentie, of het hoogste kwintiel."),
    click.option("--marge", default=25.0, show_default=True, help="Marge boven de referentie, in procent."),
    click.option("--referentie", type=click.Choice(["gemeente", "nederland"]), default="gemeente", show_default=True,
                 help="Waarmee de marge vergelijkt (nederland: de NL00-rij van een volledige KWB-tabel)."),
    click.option("--min-stapeling", default=2, show_default=True, help="Hoge indicatoren voor een aandachtsbuurt."),
    click.option("--min-inwoners", default=200, show_default=True, help="Minimum aantal inwoners van een aandachtsbuurt."),
    click.option("--gewicht", multiple=True, help="Gewicht in de behoefte-index: indicator=2 (standaard 1)."),
    click.option("--hotspot-indicator", default=None, help="Hot spots op deze indicator in plaats van de behoefte-index."),
    click.option("--permutaties", default=999, show_default=True, help="Permutaties voor de significantie."),
    click.option("--seed", default=12345, show_default=True, help="Startwaarde van de permutaties (reproduceerbaar)."),
)


def _need_settings(regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed):
    from .need import NeedSettings

    weights = _parse_per_indicator(gewicht, "--gewicht", "2", many=False)
    if permutaties < 99:
        raise InputError("--permutaties moet minstens 99 zijn")
    return NeedSettings(regel, marge / 100, referentie, min_stapeling, min_inwoners, weights, hotspot_indicator,
                        permutaties, seed)


@cli.command()
@data_options
@need_options
@click.option("--indicator", "indicator_keys", multiple=True,
              help="Behoefte-indicator voor de stapeling; herhaal. Standaard: Wmo, bijstand, jeugdzorg en registraties.")
def flag(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, uitvoer,
         regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed, indicator_keys):
    """Wijs aandachtsbuurten aan: stapeling, behoefte-index, hot spots en samenhang met wonen en vergrijzing."""
    from ._helper import HelperProcess
    from .need import analyse, relations, summary_text, write_outputs

    settings = _need_settings(regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed)
    with HelperProcess(("esda", "libpysal", "mapclassify")) as helper:
        data = _build(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal)
        table = analyse(data, settings, list(indicator_keys) or None, run=helper.run)
    related = relations(table, data.indicators)
    click.echo(summary_text(table, related, data.indicators, settings))
    click.echo()
    _echo_outputs(write_outputs(table, related, data, uitvoer, settings))


def _print_context(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, need_args, helper):
    import matplotlib

    from .classes import classify
    from .need import analyse
    from .printing import PrintContext, dutch_date

    settings = _need_settings(*need_args)
    data = _build(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal)
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  -- now, while the helper is still importing esda
    table = analyse(data, settings, run=helper.run)
    ctx = PrintContext(data, table, settings, dutch_date())
    for column in (ctx.need[0].key, "behoefte_index"):  # classed once, in the helper that has mapclassify
        ctx.classes[column] = helper.run(classify, table[column], "kwantielen", 5)
    return ctx


@cli.command()
@data_options
@click.option("--indicator", "indicator_keys", multiple=True, help="Indicator; herhaal. Standaard: alle.")
@click.option("--formaat", "formats", multiple=True, type=click.Choice(["png", "svg", "pdf"]),
              help="Bestandsformaat; herhaal. Standaard png, svg en pdf.")
@click.option("--indeling", type=click.Choice(["kwantielen", "natuurlijk", "gelijk", "handmatig"]), default="kwantielen",
              show_default=True)
@click.option("--klassen", default=5, show_default=True)
@click.option("--grenswaarden", multiple=True, help="Eigen klassegrenzen: indicator=40;60;80.")
@click.option("--aandacht", is_flag=True, help="Omlijn aandachtsbuurten (standaardregels van 'flag').")
def plot(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, uitvoer,
         indicator_keys, formats, indeling, klassen, grenswaarden, aandacht):
    """Maak statische kaarten voor print en rapporten (PNG 300 dpi, SVG, PDF)."""
    from .static import plot_map

    breaks = _parse_breaks(grenswaarden)
    data = _build(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal)
    if aandacht:
        from .need import analyse

        data.buurten = analyse(data)
    written = []
    for ind in _select_indicators(data, indicator_keys):
        paths = [Path(uitvoer) / f"{data.slug}_{ind.key}.{fmt}" for fmt in (formats or ("png", "svg", "pdf"))]
        written += plot_map(data, ind, paths, scheme=indeling, k=klassen, breaks=breaks.get(ind.key))
    _echo_outputs(written)


@cli.command()
@data_options
@need_options
@click.option("--wijk", "wijk_selectors", multiple=True, help="Wijkcode of -naam; herhaal. Standaard: alle wijken.")
def profiel(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, uitvoer,
            regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed, wijk_selectors):
    """Maak een wijkprofiel (A4-PDF) per wijk: kaart, tabel, grafieken en aandachtsbuurten."""
    from ._helper import HelperProcess
    from .printing import select_wijken, write_profiles

    with HelperProcess(("esda", "libpysal", "mapclassify")) as helper:
        ctx = _print_context(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal,
                             (regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed),
                             helper)
        wijken = select_wijken(ctx.data.wijken, list(wijk_selectors))
        outdir = Path(uitvoer) / f"{ctx.data.slug}_wijkprofielen"
        # Half of the wijken are drawn in the helper, half here.
        half = helper.submit(write_profiles, ctx, wijken.iloc[::2], outdir)
        written = write_profiles(ctx, wijken.iloc[1::2], outdir) + half.result()
    _echo_outputs(sorted(written))


@cli.command()
@data_options
@need_options
@click.option("--wijk", "wijk_selectors", multiple=True, help="Alleen deze wijken (code of naam); herhaal.")
@click.option("--met-profielen", is_flag=True, help="Schrijf in dezelfde run ook de wijkprofielen.")
def briefing(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal, uitvoer,
             regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed, wijk_selectors,
             met_profielen):
    """Maak het briefingpakket (PDF) voor de stuurgroep Integrale Veiligheid."""
    from ._helper import HelperProcess
    from .printing import select_wijken, write_briefing, write_profiles

    with HelperProcess(("esda", "libpysal", "mapclassify")) as helper:
        ctx = _print_context(grenzen, kwb, gemeenten, registraties, adrestabel, min_noemer, min_aantal,
                             (regel, marge, referentie, min_stapeling, min_inwoners, gewicht, hotspot_indicator, permutaties, seed),
                             helper)
        wijken = select_wijken(ctx.data.wijken, list(wijk_selectors))
        profiles = None
        if met_profielen:  # drawn in the helper while the briefing is drawn here
            profiles = helper.submit(write_profiles, ctx, wijken, Path(uitvoer) / f"{ctx.data.slug}_wijkprofielen")
        path, pages = write_briefing(ctx, wijken, Path(uitvoer) / f"{ctx.data.slug}_briefing.pdf")
        written = [path] + (profiles.result() if profiles else [])
    click.echo(f"Briefing: {pages} pagina's, {int(ctx.table['aandachtsbuurt'].sum())} aandachtsbuurten")
    _echo_outputs(written)


@cli.command()
@click.option("--uitvoer", default=DEFAULT_OUT, show_default=True, type=click.Path(path_type=Path))
def demo(uitvoer):
    """Draai alles op de fictieve voorbeeldgemeente Voorbeeldstad (geen netwerk nodig)."""
    from .pipeline import build, write_outputs
    from .sample import FILES, NOTICE, sample_dir, write_sample

    base = sample_dir()
    if not (base / FILES["grenzen"]).exists():  # installed without the checkout's geodata/
        base = Path(uitvoer) / "voorbeelddata"
        write_sample(base)
    click.secho(NOTICE, fg="yellow")
    data = build(
        base / FILES["grenzen"], base / FILES["kwb"], None,
        [base / FILES["registraties"], base / FILES["meldingen"]],
    )
    data.bron = "Fictieve voorbeelddata: Voorbeeldstad bestaat niet"
    click.echo(data.report_text())
    click.echo()
    from .need import analyse, relations, summary_text
    from .need import write_outputs as write_need_outputs
    from .webmap import MapOptions

    written = write_outputs(data, uitvoer)
    table = analyse(data)
    related = relations(table, data.indicators)
    click.echo(summary_text(table, related, data.indicators))
    click.echo()
    written += write_need_outputs(table, related, data, uitvoer)
    data.buurten = table
    options = MapOptions(f"Sociale kaart {data.title}", data.subtitle)
    written += _write_map(data, data.indicators, uitvoer, options, embed=True)
    from .need import NeedSettings
    from .printing import PrintContext, dutch_date, write_briefing, write_profiles

    ctx = PrintContext(data, table, NeedSettings(), dutch_date())
    written += write_profiles(ctx, data.wijken, Path(uitvoer) / f"{data.slug}_wijkprofielen")
    written.append(write_briefing(ctx, data.wijken, Path(uitvoer) / f"{data.slug}_briefing.pdf")[0])
    _echo_outputs(written)


@cli.command()
@click.option("--grenzen", required=True, type=click.Path(path_type=Path), help="Wijk- en Buurtkaart.")
def gemeenten(grenzen):
    """Toon de gemeenten (code en naam) in een grenzenbestand."""
    from .boundaries import list_gemeenten

    table = list_gemeenten(grenzen)
    for row in table.itertuples(index=False):
        click.echo("  ".join(str(v) for v in row))
    click.echo(f"{len(table)} gemeenten")


@cli.command()
def indicatoren():
    """Toon de definities van de kernindicatoren."""
    from .indicators import CORE_INDICATORS, DEFAULT_SMALL_NUMBERS

    for ind in CORE_INDICATORS:
        click.echo(f"{ind.key:<20} {ind.label} ({ind.unit})")
        click.echo(f"{'':<20} {ind.description}")
    rule = DEFAULT_SMALL_NUMBERS
    click.echo(f"\nOnderdrukt: noemer < {rule.min_denominator} of teller 1 t/m {rule.min_count - 1}.")


@cli.command()
@click.option("--gemeente", "gemeenten", multiple=True, required=True, help="Gemeentecode, bijv. GM0556.")
@click.option("--jaar", default=2024, show_default=True, help="Jaar van grenzen en kerncijfers.")
@click.option("--cache", default=None, type=click.Path(path_type=Path),
              help="Map voor downloads (standaard geodata/cache).")
@click.option("--opnieuw", is_flag=True, help="Download opnieuw, ook als het bestand al in de cache staat.")
def fetch(gemeenten, jaar, cache, opnieuw):
    """Download grenzen (PDOK) en kerncijfers (CBS) voor gemeenten, met cache."""
    from .fetch import fetch_boundaries, fetch_kwb
    from .sample import sample_dir

    cache = cache or sample_dir() / "cache"
    say = lambda msg: click.echo(f"  {msg}", err=True)
    grenzen = fetch_boundaries(list(gemeenten), jaar, cache, opnieuw, say)
    kwb = fetch_kwb(list(gemeenten), jaar, cache, opnieuw, say)
    click.echo(f"Grenzen:  {grenzen}\nCijfers:  {kwb}")
    click.echo(f"Verder met: sociale-kaart join --grenzen {grenzen} --kwb {kwb}")


def main() -> None:
    cli(prog_name="sociale-kaart")


if __name__ == "__main__":
    sys.exit(main())
