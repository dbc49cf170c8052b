"""Write notebooks/walkthrough.ipynb (without outputs); CI executes it top to bottom (tests/test_notebook.py)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Sociale kaart: van CBS-cijfers naar aandachtsbuurten\n\n"
        "Deze notebook loopt de hele keten door op **Voorbeeldstad**, een *fictieve* gemeente die met het "
        "project wordt meegeleverd: grenzen laden, cijfers koppelen, indicatoren berekenen, aandachtsbuurten "
        "aanwijzen en kaarten maken. Met echte data werkt het precies zo: vervang de paden door een Wijk- en "
        "Buurtkaart en een KWB-tabel van het CBS.\n\n"
        "De stappen zijn dezelfde als die van de opdrachtregel: **bronnen** lezen, een **dataset** bouwen, de "
        "**analyse** doen en **producten** tekenen."
    ),
    new_code_cell(
        "from pathlib import Path\n\n"
        "from sociale_kaart.build.dataset import build\n"
        "from sociale_kaart.settings import Sources\n"
        "from sociale_kaart.sources.sample import sample_path\n\n"
        "sources = Sources(\n"
        "    grenzen=sample_path('grenzen'),\n"
        "    kwb=sample_path('kwb'),\n"
        "    registraties=(sample_path('registraties'), sample_path('meldingen')),\n"
        "    bron='Fictieve voorbeelddata: Voorbeeldstad bestaat niet',\n"
        ")\n"
        "data = build(sources)\n"
        "print(data.report_text())"
    ),
    new_markdown_cell(
        "## Indicatoren per buurt\n\nElke indicator is teller / noemer; de kolom `<indicator>_status` zegt of het "
        "cijfer er is (`ok`), ontbreekt of is onderdrukt omdat de aantallen te klein zijn. Wijk- en "
        "gemeentecijfers zijn berekend uit opgetelde aantallen, niet als gemiddelde van buurtcijfers."
    ),
    new_code_cell(
        "columns = ['buurtnaam', 'wijknaam', 'inwoners', 'wmo_per_1000', 'wmo_per_1000_status', 'bijstand_per_1000', 'pct_huur']\n"
        "data.buurten[columns].round(1)"
    ),
    new_code_cell("data.wijken[['wijknaam', 'inwoners', 'wmo_per_1000', 'bijstand_per_1000']].round(1)"),
    new_markdown_cell(
        "## Aandachtsbuurten\n\nStapeling (hoeveel behoefte-indicatoren hoog zijn ten opzichte van de gemeente), "
        "een behoefte-index en hot spots (Local Moran's I en Getis-Ord Gi*, 999 permutaties, vaste seed)."
    ),
    new_code_cell(
        "from sociale_kaart.analysis.need import analyse\n"
        "from sociale_kaart.settings import NeedSettings\n\n"
        "settings = NeedSettings(hotspots=True)\n"
        "analysis = analyse(data, settings)\n"
        "print(analysis.summary_text(data.indicators))\n"
        "analysis.flagged[['buurtnaam', 'stapeling', 'behoefte_index', 'lisa_klasse', 'reden']]"
    ),
    new_code_cell("analysis.relations.round(3)"),
    new_markdown_cell(
        "## Kaarten\n\nEen interactieve kaart (één HTML-bestand, werkt offline) en een statische kaart voor print, "
        "met dezelfde klassen."
    ),
    new_code_cell(
        "from sociale_kaart.render.classes import classify\n"
        "from sociale_kaart.render.webmap import render_html\n\n"
        "classes = {ind.key: classify(analysis.table[ind.key]) for ind in data.indicators}\n"
        "page = render_html(analysis.table, [(ind, classes[ind.key]) for ind in data.indicators],\n"
        "                   title='Sociale kaart Voorbeeldstad (fictief)', subtitle=data.subtitle)\n"
        "out = Path('..') / 'maps'\n"
        "out.mkdir(exist_ok=True)\n"
        "(out / 'notebook_kaart.html').write_text(page, encoding='utf-8')\n"
        "print(f'{len(page) / 1e3:.0f} kB geschreven naar', out / 'notebook_kaart.html')"
    ),
    new_code_cell(
        "from IPython.display import Image\n"
        "from sociale_kaart.render.static import map_figure\n\n"
        "first = data.indicators[0]\n"
        "fig = map_figure(analysis.table, data.wijken, first, classes[first.key],\n"
        "                 title=f'{first.label} – {data.title}', subtitle=data.subtitle)\n"
        "fig.savefig(out / 'notebook_kaart.png', dpi=150)\n"
        "Image(filename=str(out / 'notebook_kaart.png'), width=700)"
    ),
    new_markdown_cell(
        "## Alles in één keer\n\nDe opdrachtregel (`sociale-kaart maak`) doet hetzelfde met één functie: bouwen, "
        "analyseren en elk gevraagd product maken, met een `index.html` die zegt wat er gemaakt is."
    ),
    new_code_cell(
        "from sociale_kaart.products import make\n"
        "from sociale_kaart.settings import RunSettings\n\n"
        "result = make(RunSettings(sources=sources, need=settings, output=out / 'voorbeeldstad', quiet=True),\n"
        "              products=('tabellen', 'aandachtsbuurten', 'kaart'))\n"
        "print('\\n'.join(path.name for path in result.written))"
    ),
]


def main() -> None:
    notebook = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = Path(__file__).resolve().parent.parent / "notebooks" / "walkthrough.ipynb"
    nbformat.write(notebook, path)
    print(path)


if __name__ == "__main__":
    main()
