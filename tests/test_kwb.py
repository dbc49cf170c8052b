import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.sources.kwb import normalise_column_name, read_kwb
from tests.conftest import raw_number


def test_reads_real_kwb_with_stable_names(kwb_2024, kwb_rows):
    kwb = read_kwb(kwb_2024)
    assert len(kwb) == len(kwb_rows)
    row = kwb.set_index("buurtcode").loc["BU05560101"]
    raw = kwb_rows["BU05560101"]
    assert row["inwoners"] == raw_number(raw, "AantalInwoners_5")
    assert row["wmo_clienten"] == raw_number(raw, "WmoClienten_93")
    assert row["bijstand"] == raw_number(raw, "PersonenPerSoortUitkeringBijstand_87")
    assert row["pct_huurwoningen"] == raw_number(raw, "HuurwoningenTotaal_48")
    assert row["gemeentenaam"] == raw["Gemeentenaam_1"].strip() == "Maassluis"
    assert row["wijkcode"] == "WK055601" and row["gemeentecode"] == "GM0556"
    assert kwb.attrs["jaar"] == 2024


def test_empty_and_dot_cells_are_missing(kwb_2024, kwb_rows):
    kwb = read_kwb(kwb_2024).set_index("buurtcode")
    raw = kwb_rows["BU05560702"]  # De Dijk: 10 inhabitants, almost everything empty
    assert raw["WmoClienten_93"].strip() == ""
    assert kwb.loc["BU05560702", "wmo_clienten"] != kwb.loc["BU05560702", "wmo_clienten"]  # NaN
    dots = [(code, col) for code, r in kwb_rows.items() for col, v in r.items() if v.strip() == "."]
    assert dots, "the real file has secret values written as '.'"
    stable = {"HuurwoningenTotaal_48": "pct_huurwoningen", "WmoClienten_93": "wmo_clienten"}
    for code, col in dots:
        if col in stable:
            assert kwb.loc[code, stable[col]] != kwb.loc[code, stable[col]]


def test_gemeente_filter(kwb_2024, kwb_rows):
    kwb = read_kwb(kwb_2024, ["GM0556", "GM0622"])
    expected = sum(code[2:6] in ("0556", "0622") for code in kwb_rows)
    assert len(kwb) == expected == 19 + 40


def test_suffix_of_another_release_and_statline_headers(tmp_path):
    # bijstand is _94 in another release; StatLine exports use labels with units and latin-1.
    odata = tmp_path / "kwb_2023.csv"
    odata.write_text(
        "Codering_3;SoortRegio_2;AantalInwoners_6;PersonenPerSoortUitkeringBijstand_94\n"
        "BU05560101  ;Buurt     ;2915;60\n", encoding="utf-8")
    assert read_kwb(odata).loc[0, "bijstand"] == 60
    statline = tmp_path / "statline.csv"
    statline.write_bytes(
        "Wijken en buurten,Regioaanduiding/Codering (code),Aantal inwoners (aantal),65 jaar of ouder (aantal),Wmo-cliënten (aantal)\n"
        "Taanschuurpolder,BU05560101,2915,515,.\n".encode("latin-1"))
    table = read_kwb(statline)
    assert table.loc[0, "inwoners_65plus"] == 515
    assert table.loc[0, "buurtcode"] == "BU05560101"


def test_wijk_and_gemeente_rows_are_left_out(tmp_path):
    path = tmp_path / "kwb.csv"
    path.write_text(
        "SoortRegio_2;Codering_3;AantalInwoners_5\n"
        "Gemeente  ;GM0556    ;35825\nWijk      ;WK055601  ;2915\nBuurt     ;BU05560101;2915\n")
    table = read_kwb(path)
    assert table["buurtcode"].tolist() == ["BU05560101"]


def test_not_a_kwb_table(tmp_path):
    no_code = tmp_path / "lijst.csv"
    no_code.write_text("naam;aantal\nA;1\n")
    with pytest.raises(InputError, match=r"lijst\.csv: geen kolom met de buurtcode"):
        read_kwb(no_code)
    no_inwoners = tmp_path / "codes.csv"
    no_inwoners.write_text("Codering_3;Iets_4\nBU05560101;1\n")
    with pytest.raises(InputError, match=r"codes\.csv: dit is geen KWB-tabel"):
        read_kwb(no_inwoners)


def test_column_name_normalisation():
    assert normalise_column_name("WmoClienten_93") == normalise_column_name("Wmo clienten (aantal)")
    assert normalise_column_name("k_0Tot15Jaar_8") == "0tot15jaar"
