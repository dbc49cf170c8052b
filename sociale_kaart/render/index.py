"""The index page of an output folder: what was made, from what, and what to watch out for.

One self-contained HTML file (no scripts, no requests): links to every product, the join report
summary, the data years and sources, the rules, and every warning of the run.
"""

from __future__ import annotations

import html
from pathlib import PurePosixPath

from ..texts import decimals_for, nl_number, plural, slugify

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.8rem;border-bottom:2px solid #b30000}
h3{font-size:1rem;margin:1.2rem 0 .3rem 0}a{color:#0b5394}a:focus-visible{outline:3px solid #0b5394;outline-offset:1px}
.sub{color:#555}.warn{background:#fff4e5;border-left:4px solid #e6a100;padding:.5rem .8rem;margin:.4rem 0}
.begin{background:#f2f6fb;border-left:4px solid #0b5394;padding:.4rem 1rem .6rem 1rem}.begin li{margin:.3rem 0}
table{border-collapse:collapse}td,th{padding:.2rem .7rem .2rem 0;text-align:left;vertical-align:top}
table.bestanden{width:100%}table.bestanden td:first-child{width:50%;word-break:break-all}
caption{text-align:left;font-weight:bold;padding:.8rem 0 .2rem 0}
code{background:#f3f3f3;padding:0 .2rem}ul{padding-left:1.2rem}
"""

#: What each kind of file is, by how its name ends.
_KINDS = (
    ("_kaart.html", "Interactieve kaart (werkt offline, ook op telefoon; met een tabel van alle buurten)"),
    ("_kaart_insluiten.html", "HTML-fragment om de kaart in een intranetpagina op te nemen"),
    ("_kaart.png", "Afbeelding van de kaart"),
    ("_briefing.pdf", "Briefing stuurgroep Integrale Veiligheid"),
    ("_aandachtsbuurten.csv", "Aandachtsbuurten met redenen (tabel)"),
    ("_aandachtsbuurten.gpkg", "Aandachtsbuurten (GeoPackage voor QGIS)"),
    ("_samenhang.csv", "Samenhang van behoefte met wonen en vergrijzing"),
    ("_sociale_kaart.gpkg", "Buurten en wijken met alle cijfers (GeoPackage voor QGIS)"),
    ("_sociale_kaart.qml", "QGIS-stijl van de buurtenlaag (de klassen van de kaart)"),
    ("_sociale_kaart.xlsx", "Cijfers per buurt, wijk en gemeente, aandachtsbuurten en definities (Excel)"),
    ("_buurten.csv", "Cijfers per buurt"),
    ("_wijken.csv", "Cijfers per wijk"),
    ("_gemeente.csv", "Cijfers per gemeente"),
    ("_vergelijking.csv", "De gemeente naast haar grootteklasse, Nederland en een eigen groep"),
    ("_verandering.csv", "Verandering per gebied en indicator sinds de nulmeting"),
    ("_voortgang.csv", "Doelen: de stand ten opzichte van de nulmeting (tabel)"),
    ("_voortgang.xlsx", "Doelen en verandering (Excel, met toelichting)"),
    ("_koppelrapport.txt", "Koppelrapport: welke buurten gekoppeld zijn en waar de cijfers vandaan komen"),
    ("_koppelrapport.json", "Koppelrapport (machineleesbaar, met alle codes)"),
)
_FORMATS = {".png": "PNG, 300 dpi", ".svg": "SVG, te bewerken", ".pdf": "PDF"}
#: The groups of the index page, in order, and which files belong to each (by :func:`kind`).
GROUPS = ("Kaarten", "Documenten", "Tabellen", "Grafieken", "Voor QGIS", "Verantwoording")


def describe(name: str, labels: dict[str, str] | None = None, kinds=()) -> str:
    """What a file of the output folder holds, in Dutch; `labels` (key -> label) names the
    indicator of a static map; `kinds` are more (name ending, description) pairs, tried first
    (what a product declares of its files).

    Examples
    --------
    >>> describe("maassluis_briefing.pdf")
    'Briefing stuurgroep Integrale Veiligheid'
    >>> describe("maassluis_verandering_bijstand_per_1000.png"), describe("maassluis_voortgang.csv")
    ('Veranderingskaart sinds de nulmeting', 'Doelen: de stand ten opzichte van de nulmeting (tabel)')
    >>> describe("maassluis_wmo_per_1000.svg", {"wmo_per_1000": "Wmo-cliënten"})
    'Statische kaart Wmo-cliënten (SVG, te bewerken)'
    """
    for suffix, text in (*kinds, *_KINDS):
        if name.endswith(suffix):
            return text
    if "_wijkbezoek_" in name:
        return "Pakket voor een wijkbezoek van de stuurgroep Integrale Veiligheid"
    if "_verandering_" in name:
        return "Veranderingskaart sinds de nulmeting"
    if "_indeling_" in name:
        return "Cijfers per gebied van een eigen indeling"
    if "/wijkprofiel_" in name:
        return "Wijkprofiel"
    if "_samenhang_" in name:
        return "Spreidingsdiagram"
    if "_vergelijking" in name:
        return "Vergelijking met grootteklasse en Nederland (grafiek)"
    stem, dot, suffix = name.rpartition(".")
    label = next((text for key, text in (labels or {}).items() if stem.endswith(f"_{key}")), "")
    return f"Statische kaart {label}".rstrip() + f" ({_FORMATS.get(dot + suffix, suffix.upper())})"


def kind(name: str) -> str:
    """The group of :data:`GROUPS` a file of the output folder belongs to.

    Examples
    --------
    >>> kind("maassluis_sociale_kaart.qml"), kind("maassluis_sociale_kaart.xlsx"), kind("a_wijkprofielen/wijkprofiel_x.pdf")
    ('Voor QGIS', 'Tabellen', 'Documenten')
    """
    if "_koppelrapport." in name:
        return "Verantwoording"
    if name.endswith((".gpkg", ".qml")):
        return "Voor QGIS"
    if name.endswith((".csv", ".xlsx")):
        return "Tabellen"
    if name.endswith("_briefing.pdf") or "/wijkprofiel_" in name or "_wijkbezoek_" in name:
        return "Documenten"
    if "_samenhang_" in name or "_vergelijking" in name:
        return "Grafieken"
    return "Kaarten"


def _order(name: str, kinds=()) -> tuple:
    """Files of one group: the kinds of :data:`_KINDS` in their order, then those of `kinds` (a
    product's own, see :func:`describe`), then the rest by name."""
    own = next((len(_KINDS) + i for i, (suffix, _) in enumerate(kinds) if name.endswith(suffix)), None)
    rank = own if own is not None else next((i for i, (suffix, _) in enumerate(_KINDS) if name.endswith(suffix)),
                                            len(_KINDS) + len(kinds))
    return ("/" in name, rank, name)


def _wijk_name(name: str, wijken: dict) -> str:
    """The wijk of a profile's file name (``.../wijkprofiel_<code>_<slug>.pdf``): its name, else the slug."""
    _, code, slug = (PurePosixPath(name).stem.split("_", 2) + ["", ""])[:3]
    found = wijken.get(code)
    return str(found) if isinstance(found, str) and found.strip() else (slug.replace("_", " ") or code)


def render_index(*, data, analysis, names: list[str], products, pages: dict, date: str, kinds=()) -> str:
    """The page as one HTML string; every name and value is escaped. `kinds`: see :func:`describe`."""
    e = html.escape
    report = data.reports[0]
    labels = {ind.key: ind.label for ind in data.indicators}

    def link(name: str, text: str | None = None) -> str:
        href = "/".join(e(part) for part in PurePosixPath(name).parts)
        return f"<a href='{href}'>{e(text or name)}</a>"

    parts = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Sociale kaart {e(data.title)}</title><style>{_CSS}</style></head><body>",
             f"<header><h1>Sociale kaart {e(data.title)}</h1><p class='sub'>{e(data.subtitle)} · gemaakt op {e(date)}</p>"
             "</header><main>"]
    for label, text in [("Let op", w) for w in data.warnings] + [("Wat u kunt doen", a) for a in data.advice]:
        parts.append(f"<div class='warn'><strong>{label}:</strong> {e(text)}</div>")
    briefings = sorted(n for n in names if n.endswith("_briefing.pdf"))
    briefing = f", {'samen ' if len(briefings) > 1 else ''}{pages['briefing']} pagina's" if pages.get("briefing") else ""
    begin = [(n, "Briefing stuurgroep Integrale Veiligheid", f"PDF{briefing}") for n in briefings if len(briefings) == 1]
    begin += [(n, "Interactieve kaart", "werkt offline en op een telefoon, met een tabel van alle buurten")
              for n in names if n.endswith("_kaart.html")]
    profiles = sorted(n for n in names if "/wijkprofiel_" in n)
    if begin or profiles or briefings:
        parts.append("<section class='begin' aria-labelledby='begin'><h2 id='begin'>Begin hier</h2><ul>")
        if len(briefings) > 1:  # a briefing per gemeente, each by the name of its gemeente
            gemeenten = {slugify(name): name for name in data.gemeentenamen}
            parts.append(f"<li>Briefing stuurgroep Integrale Veiligheid per gemeente (PDF{e(briefing)}): "
                         + ", ".join(link(n, gemeenten.get(n.removesuffix("_briefing.pdf"))) for n in briefings) + "</li>")
        parts += [f"<li>{link(n, text)} ({e(note)})</li>" for n, text, note in begin]
        if profiles:
            wijken = dict(zip(data.wijken.get("wijkcode", ()), data.wijken.get("wijknaam", ())))
            parts.append("<li>Wijkprofielen (PDF): " + ", ".join(link(n, _wijk_name(n, wijken)) for n in profiles) + "</li>")
        parts.append("</ul></section>")
    parts.append("<section aria-labelledby='bestanden'><h2 id='bestanden'>Alle bestanden</h2>")
    for group in GROUPS:
        members = sorted((n for n in names if kind(n) == group), key=lambda n: _order(n, kinds))
        if not members:
            continue
        parts.append(f"<table class='bestanden'><caption>{e(group)}</caption><tr><th scope='col'>Bestand</th><th scope='col'>Inhoud</th></tr>")
        parts += [f"<tr><td>{link(n)}</td><td>{e(describe(n, labels, kinds))}</td></tr>" for n in members]
        parts.append("</table>")
    parts.append("</section>")
    if analysis is not None:
        flagged = analysis.flagged
        parts.append(f"<h2>Aandachtsbuurten</h2><p>{len(flagged)} van de {e(plural(len(data.buurten), 'buurt', 'buurten'))}. "
                     f"{e(analysis.settings.describe())}</p><ul>")
        for _, row in flagged.iterrows():
            parts.append(f"<li><strong>{e(str(row.get('buurtnaam', '')))}</strong> ({e(row['buurtcode'])}): "
                         f"{e(str(row['reden']))}</li>")
        parts.append("</ul>")
    parts.append("<h2>Koppeling</h2><table>")
    rows = [("Grenzen", f"{report.bron_grenzen} ({report.jaar_grenzen or 'jaar onbekend'})"),
            ("Cijfers", f"{report.bron_cijfers} ({report.jaar_cijfers or 'jaar onbekend'})"),
            ("Gekoppeld", plural(len(report.gekoppeld), "buurt", "buurten")),
            ("Alleen in de grenzen", plural(len(report.alleen_grenzen), "buurt", "buurten") + " (geen cijfers, grijs op de kaart)"),
            ("Alleen in de cijfers", plural(len(report.alleen_cijfers), "buurt", "buurten") + " (geen grens, niet op de kaart)")]
    for row in data.gemeenten.itertuples(index=False):
        if row.dekking == row.dekking:  # not NaN
            rows.append((f"Dekking {row.gemeentenaam}", f"{nl_number(row.dekking * 100, 1)}% van de inwoners op de kaart"))
    for summary in data.registrations:
        rows.append(("Registratie", summary.to_text().removeprefix("Registratie ")))
    parts += [f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows]
    parts.append("</table><p>Alle codes staan in het koppelrapport.</p>")
    if data.comparison is not None:
        keys = [i for i in data.indicators if i.key in data.comparison]
        parts.append("<h2>Vergelijking</h2><table><tr><td></td>" + "".join(f"<th scope='col'>{e(i.label)}<br><small>{e(i.unit)}"
                                                                             "</small></th>" for i in keys) + "</tr>")
        for row in data.comparison.itertuples(index=False):
            cells = []
            for i in keys:
                value = getattr(row, i.key)
                have, total = getattr(row, f"{i.key}_gemeenten"), row.gemeenten
                gap = "" if row.vergelijking == "gemeente" or have == total else f" ({have} van {total} gemeenten)"
                cells.append(f"<td>{e(nl_number(value, decimals_for(i.unit)))}{e(gap)}</td>")
            parts.append(f"<tr><th scope='row'>{e(row.naam)}</th>{''.join(cells)}</tr>")
        parts.append("</table><p>Uit opgetelde aantallen van de gemeenten van elke groep, nooit als gemiddelde van "
                     "hun cijfers.</p>")
    parts.append("<h2>Indicatoren</h2><ul>")
    parts += [f"<li><strong>{e(ind.label)}</strong> ({e(ind.unit)}): {e(ind.description)}</li>" for ind in data.indicators]
    parts.append(f"</ul><h2>Kleine aantallen</h2><p>{e(data.small_numbers.describe())}</p>")
    parts.append(f"</main><footer><p class='sub'>{e(data.bron)}. Gemaakt met sociale-kaart.</p></footer></body></html>\n")
    return "".join(parts)
