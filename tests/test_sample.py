import pandas as pd

from sociale_kaart.sample import FILES, GEMEENTENAAM, sample_dir, write_sample


def test_sample_is_reproducible_from_the_script(tmp_path):
    paths = write_sample(tmp_path)
    for key in ("kwb", "registraties", "meldingen"):
        assert paths[key].read_bytes() == (sample_dir() / FILES[key]).read_bytes(), key


def test_sample_is_labelled_fictional():
    assert "fictief" in GEMEENTENAAM
    assert "FICTIEF" in (sample_dir() / "voorbeeldstad" / "LEESMIJ.txt").read_text(encoding="utf-8")
    kwb = pd.read_csv(sample_dir() / FILES["kwb"], sep=";", dtype=str)
    kwb = kwb[kwb["SoortRegio_2"].str.strip() == "Buurt"]  # the first row is the (made-up) Nederland row
    assert kwb["Gemeentenaam_1"].str.strip().eq(GEMEENTENAAM).all()
    assert kwb["Codering_3"].str.startswith("BU9999").all()  # GM9999 is no CBS code
