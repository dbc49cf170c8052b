"""The walkthrough notebook runs from top to bottom on the bundled sample."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "walkthrough.ipynb"


def test_walkthrough_executes():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "gekoppeld:" in text and "kB geschreven" in text
    tables = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "Werfkwartier" in tables  # the fictional harbour buurt with the most need is flagged
