"""The walkthrough notebook runs from top to bottom on the bundled sample, and is what its script writes."""

import csv
import html
import runpy
from pathlib import Path

import nbformat
import pyogrio
from nbclient import NotebookClient

from sociale_kaart.sources.sample import FILES

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def test_notebook_is_generated_by_the_script():
    script = runpy.run_path(str(ROOT / "scripts" / "make_notebook.py"))  # defines CELLS, writes nothing
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert [(c.cell_type, c.source) for c in notebook.cells] == [(c.cell_type, c.source) for c in script["CELLS"]]
    assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")  # stored without outputs


def highest_bijstand_buurt() -> str:
    """The sample buurt with the highest bijstand rate, from the raw files (CBS sentinels and empty cells skipped)."""
    geodata = ROOT / "geodata"
    with open(geodata / FILES["kwb"], encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["SoortRegio_2"].strip() == "Buurt"]
    rates = {}
    for r in rows:
        bijstand, inwoners = r["PersonenPerSoortUitkeringBijstand_87"].strip(), float(r["AantalInwoners_5"])
        if bijstand not in ("", ".") and float(bijstand) > -99990:
            rates[r["Codering_3"].strip()] = float(bijstand) / inwoners
    names = pyogrio.read_dataframe(geodata / FILES["grenzen"], layer="buurten", read_geometry=False)
    return names.set_index("buurtcode").loc[max(rates, key=rates.get), "buurtnaam"]


def test_notebook_imports_the_package_once():
    """The first cell is the one import of the package; no other cell imports from it."""
    import ast

    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    assert cells[0].source == "import sociale_kaart as sk"
    imported = [(node.module if isinstance(node, ast.ImportFrom) else alias.name)
                for cell in cells[1:] for node in ast.walk(ast.parse(cell.source))
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in (node.names if isinstance(node, ast.Import) else node.names[:1])]
    assert imported and not [name for name in imported if name.split(".")[0] == "sociale_kaart"]


def test_walkthrough_executes(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Run in a copy of the notebooks folder's place, so that '../maps' lands in a temporary folder.
    workdir = tmp_path / "notebooks"
    workdir.mkdir()
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}).execute()
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = [o for cell in cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "gekoppeld:" in text
    # The table of aandachtsbuurten (not just any table) has the buurt with the most bijstand.
    flagged_cell = next(cell for cell in cells if "analysis.flagged[" in cell.source)
    flagged = "".join(o.get("data", {}).get("text/plain", "") for o in flagged_cell.outputs)
    neediest = highest_bijstand_buurt()
    assert neediest == "Werfkwartier"  # the harbour buurt that the sample generator gives the most need
    assert neediest in flagged and "stapeling" in flagged
    # sk.explore shows the map inline: an iframe whose page holds every buurt of the raw boundary file.
    shown = next(cell for cell in cells if cell.source.startswith("sk.explore("))
    page = html.unescape("".join(o.get("data", {}).get("text/html", "") for o in shown.outputs))
    names = pyogrio.read_dataframe(ROOT / "geodata" / FILES["grenzen"], layer="buurten", read_geometry=False)
    assert page.startswith("<iframe srcdoc=") and all(name in page for name in names["buurtnaam"])
    plotted = next(cell for cell in cells if "sk.plot(" in cell.source)
    assert any("image/png" in o.get("data", {}) for o in plotted.outputs)
    made = next(cell for cell in cells if "sk.make(" in cell.source)
    written = "".join(o.get("text", "") for o in made.outputs).split()
    assert "index.html" in written and "voorbeeldstad_fictief_kaart.html" in written
    assert (tmp_path / "maps" / "voorbeeldstad" / "voorbeeldstad_fictief_kaart.html").exists()
