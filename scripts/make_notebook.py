"""Write notebooks/walkthrough.ipynb (without outputs); CI executes it top to bottom."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Sociale kaart: van CBS-cijfers naar aandachtsbuurten\n\n"
        "Deze notebook loopt de hele keten door op **Voorbeeldstad**, een *fictieve* gemeente die met het "
        "project wordt meegeleverd: grenzen laden, cijfers koppelen, indicatoren berekenen, aandachtsbuurten "
        "aanwijzen en kaarten maken. Met echte data werkt het precies zo: vervang de paden door een Wijk- en "
        "Buurtkaart en een KWB-tabel van het CBS."
    ),
    new_code_cell(
        "from pathlib import Path\n\n"
        "from sociale_kaart.sources.sample import FILES, sample_dir\n"
        "from sociale_kaart.build.dataset import build\n\n"
        "geodata = sample_dir()\n"
        "data = build(\n"
        "    geodata / FILES['grenzen'],\n"
        "    geodata / FILES['kwb'],\n"
        "    registraties=[geodata / FILES['registraties'], geodata / FILES['meldingen']],\n"
        ")\n"
        "data.bron = 'Fictieve voorbeelddata: Voorbeeldstad bestaat niet'\n"
        "print(data.report_text())"
    ),
    new_markdown_cell(
        "## Indicatoren per buurt\n\nElke indicator is teller / noemer; de kolom `<indicator>_status` zegt of het "
        "cijfer er is (`ok`), ontbreekt of is onderdrukt omdat de aantallen te klein zijn."
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
        "from sociale_kaart.analysis.need import NeedSettings, analyse, relations\n\n"
        "settings = NeedSettings()\n"
        "print(settings.describe())\n"
        "table = analyse(data, settings)\n"
        "table.loc[table['aandachtsbuurt'], ['buurtnaam', 'stapeling', 'behoefte_index', 'reden']]"
    ),
    new_code_cell("relations(table, data.indicators).round(3)"),
    new_markdown_cell("## Kaarten\n\nEen interactieve kaart (één HTML-bestand, werkt offline) en een statische kaart voor print."),
    new_code_cell(
        "from sociale_kaart.render.webmap import MapOptions, render_html\n\n"
        "out = Path('..') / 'maps'\n"
        "out.mkdir(exist_ok=True)\n"
        "page = render_html(table, data.indicators, MapOptions('Sociale kaart Voorbeeldstad (fictief)', data.subtitle))\n"
        "(out / 'notebook_kaart.html').write_text(page, encoding='utf-8')\n"
        "print(f'{len(page) / 1e3:.0f} kB geschreven naar', out / 'notebook_kaart.html')"
    ),
    new_code_cell(
        "from IPython.display import Image\n"
        "from sociale_kaart.render.static import plot_map\n\n"
        "data.buurten = table\n"
        "png = plot_map(data, data.indicators[0], [out / 'notebook_kaart.png'])[0]\n"
        "Image(filename=str(png), width=700)"
    ),
]


def main() -> None:
    notebook = new_notebook(cells=CELLS, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = Path(__file__).resolve().parent.parent / "notebooks" / "walkthrough.ipynb"
    nbformat.write(notebook, path)
    print(path)


if __name__ == "__main__":
    main()
