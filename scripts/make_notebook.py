"""Write notebooks/walkthrough.ipynb (without outputs); CI executes it top to bottom (tests/api/test_notebook.py)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Sociale kaart: van CBS-cijfers naar aandachtsbuurten\n\n"
        "Deze notebook loopt de hele keten door op **Voorbeeldstad**, een *fictieve* gemeente die met het "
        "project wordt meegeleverd: grenzen laden, cijfers koppelen, indicatoren berekenen, aandachtsbuurten "
        "aanwijzen en kaarten maken. Met echte data werkt het precies zo: geef een Wijk- en Buurtkaart en een "
        "KWB-tabel van het CBS, als bestand of als (Geo)DataFrame.\n\n"
        "Eén import is genoeg: `sk.build` (koppelen), `sk.analyse` (aandachtsbuurten), `sk.explore` (de "
        "interactieve kaart), `sk.plot` (een statische kaart) en `sk.make` (alle producten, zoals "
        "`sociale-kaart maak`)."
    ),
    new_code_cell("import sociale_kaart as sk"),
    new_markdown_cell(
        "## Koppelen\n\n`sk.sample_sources()` geeft de bestanden van Voorbeeldstad: grenzen, kerncijfers en twee "
        "registraties van de gemeente. Het koppelrapport zegt wat er gekoppeld is, waar elk cijfer vandaan komt en "
        "hoe kleine aantallen beschermd zijn."
    ),
    new_code_cell(
        "sources = sk.sample_sources()\n"
        "data = sk.build(sources=sources)\n"
        "print(data.report_text())"
    ),
    new_markdown_cell(
        "Heeft u de grenzen en cijfers al als frames (bijvoorbeeld na een eigen selectie)? Geef die dan; de "
        "controles zijn dezelfde als voor bestanden."
    ),
    new_code_cell(
        "import geopandas as gpd\n"
        "import pandas as pd\n\n"
        "buurten = gpd.read_file(sources.grenzen, layer='buurten')\n"
        "kerncijfers = pd.read_csv(sources.kwb, sep=';')\n"
        "from_frames = sk.build(buurten, kerncijfers)\n"
        "from_frames.buurten[['buurtcode', 'buurtnaam', 'inwoners', 'wmo_per_1000']].head()"
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
        "een behoefte-index en hot spots (Local Moran's I en Getis-Ord Gi*, 999 permutaties, vaste seed). De regels "
        "zijn de velden van `sk.NeedSettings`, hier als trefwoorden."
    ),
    new_code_cell(
        "analysis = sk.analyse(data, hotspots=True)\n"
        "print(analysis.summary_text(data.indicators))\n"
        "analysis.flagged[['buurtnaam', 'stapeling', 'behoefte_index', 'lisa_klasse', 'reden']]"
    ),
    new_code_cell("analysis.relations.round(3)"),
    new_markdown_cell(
        "## Kaarten\n\n`sk.explore` toont de interactieve kaart hier in de notebook: dezelfde pagina als "
        "`sociale-kaart map`, met een laag per indicator, de aandachtsbuurten, zoeken en tooltips. De pagina heeft "
        "geen netwerk nodig; `.save(...)` schrijft haar als één HTML-bestand."
    ),
    new_code_cell("sk.explore(data, analysis)"),
    new_markdown_cell("`sk.plot` maakt een statische kaart van één indicator voor print, met dezelfde klassen."),
    new_code_cell(
        "fig = sk.plot(data, 'bijstand_per_1000', analysis)\n"
        "fig"
    ),
    new_markdown_cell(
        "## Alles in één keer\n\n`sk.make` doet wat `sociale-kaart maak` doet: bouwen, analyseren en elk gevraagd "
        "product maken, met een `index.html` die zegt wat er gemaakt is. De instellingen zijn een `sk.RunSettings` "
        "(of het pad van een projectbestand `sociale-kaart.toml`)."
    ),
    new_code_cell(
        "from pathlib import Path\n\n"
        "settings = sk.RunSettings(sources=sources, need=sk.NeedSettings(hotspots=True),\n"
        "                          output=Path('..') / 'maps' / 'voorbeeldstad', quiet=True)\n"
        "result = sk.make(settings, products=('tabellen', 'aandachtsbuurten', 'kaart'))\n"
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
