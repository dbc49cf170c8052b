"""The bundled fictional sample (geodata/voorbeeldstad) is what scripts/make_sample.py writes, and says it is fictional."""

import csv
from pathlib import Path

import pyogrio

from sociale_kaart.sources.sample import FILES, GEMEENTECODE, GEMEENTENAAM, NOTICE, sample_dir, sample_path, write_sample

#: The checkout's geodata folder, where scripts/make_sample.py writes the bundled sample.
BUNDLED = Path(__file__).resolve().parents[2] / "geodata"
LEESMIJ = "voorbeeldstad/LEESMIJ.txt"


def test_sample_is_reproducible_from_the_script(tmp_path):
    paths = write_sample(tmp_path)
    assert set(paths) == set(FILES)
    for key in ("kwb", "registraties", "meldingen"):
        assert paths[key].read_bytes() == (BUNDLED / FILES[key]).read_bytes(), key
    assert (tmp_path / LEESMIJ).read_bytes() == (BUNDLED / LEESMIJ).read_bytes()
    # A GeoPackage holds timestamps, so its bytes differ per run: compare what it holds instead.
    fresh, bundled = paths["grenzen"], BUNDLED / FILES["grenzen"]
    assert [name for name, _ in pyogrio.list_layers(fresh)] == [name for name, _ in pyogrio.list_layers(bundled)]
    for layer, _ in pyogrio.list_layers(bundled):
        new, old = pyogrio.read_dataframe(fresh, layer=layer), pyogrio.read_dataframe(bundled, layer=layer)
        assert new.crs == old.crs, layer
        assert new.drop(columns="geometry").equals(old.drop(columns="geometry")), layer
        assert new.geometry.geom_equals_exact(old.geometry, tolerance=0).all(), layer


def test_sample_paths_are_the_bundled_files():
    assert sample_dir() == BUNDLED
    for key, relative in FILES.items():
        assert sample_path(key) == BUNDLED / relative, key


def test_sample_is_labelled_fictional():
    assert "fictief" in GEMEENTENAAM and "FICTIEF" in NOTICE
    assert (BUNDLED / LEESMIJ).read_text(encoding="utf-8").startswith(NOTICE + "\n")
    with open(BUNDLED / FILES["kwb"], encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    buurten = [r for r in rows if r["SoortRegio_2"].strip() == "Buurt"]  # the first row is the (made-up) Nederland row
    assert len(buurten) == len(rows) - 1
    prefix = "BU" + GEMEENTECODE[2:]  # a buurtcode holds the digits of its gemeentecode
    assert all(r["Gemeentenaam_1"].strip() == GEMEENTENAAM for r in buurten)
    assert all(r["Codering_3"].strip().startswith(prefix) for r in buurten)
    shapes = pyogrio.read_dataframe(BUNDLED / FILES["grenzen"], layer="buurten", read_geometry=False)
    assert shapes["gemeentecode"].eq(GEMEENTECODE).all() and shapes["gemeentenaam"].eq(GEMEENTENAAM).all()
    assert shapes["buurtcode"].str.startswith(prefix).all()
    assert sorted(shapes["buurtcode"]) == sorted(r["Codering_3"].strip() for r in buurten)


def test_sample_gemeentecode_is_no_cbs_code(shared):
    with open(shared / "kwb" / "kwb_2024_gemeenten.csv", encoding="utf-8") as handle:
        text = handle.read()
    assert "GM0556" in text  # the file does list gemeentecodes
    assert GEMEENTECODE not in text
