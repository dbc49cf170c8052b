import pandas as pd
import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.sources.codes import (
    BUURTCODE,
    GEMEENTECODE,
    WIJKCODE,
    gemeentecode_of,
    normalise_buurtcodes,
    region_codes,
    wijkcode_of,
)


def test_every_written_form_of_one_buurtcode():
    # As CBS, spreadsheets and number-typed columns write BU05560101.
    forms = ["BU05560101", "05560101", "5560101", 5560101, 5560101.0, "5560101.0", "bu05560101",
             "  BU05560101   ", "Bu05560101"]
    out = region_codes(pd.Series(forms, dtype=object))
    assert out["code"].tolist() == ["BU05560101"] * len(forms)
    assert out["niveau"].tolist() == ["buurt"] * len(forms)


def test_levels_by_prefix_and_amsterdam_letters():
    raw = pd.Series(["WK055601", "wk055601 ", "GM0556", "gm556", "NL00", "NL01  ", "BU0363AF08", "WK0363AF"])
    out = region_codes(raw)
    assert out["code"].tolist() == ["WK055601", "WK055601", "GM0556", "GM0556", "NL00", "NL01", "BU0363AF08",
                                    "WK0363AF"]
    assert out["niveau"].tolist() == ["wijk", "wijk", "gemeente", "gemeente", "land", "land", "buurt", "wijk"]
    assert all(BUURTCODE.match(c) for c in ["BU05560101", "BU0363AF08"])
    assert WIJKCODE.match("WK0363AF") and GEMEENTECODE.match("GM0556") and not GEMEENTECODE.match("GM05A6")


def test_invalid_codes_are_missing_not_guessed():
    raw = pd.Series(["Maassluis", "", None, "BU055601011", "BU05A60101", "GM05A6", "30000", "XX0556", "12.5"],
                    dtype=object)
    out = region_codes(raw)
    assert out["code"].isna().all() and out["niveau"].isna().all()


def test_column_level_pads_codes_without_prefix_and_refuses_other_levels():
    # A BU_CODE column says the level: 30000 is BU00030000 there (Appingedam lost three zeros).
    out = region_codes(pd.Series(["30000", "WK055601", "GM0556", "NL00"]), level="buurt")
    assert out["code"].tolist() == ["BU00030000", None, None, None]
    assert region_codes(pd.Series(["55601"]), level="wijk")["code"].tolist() == ["WK055601"]
    assert region_codes(pd.Series([3]), level="gemeente")["code"].tolist() == ["GM0003"]


def test_soort_regio_gives_the_level_and_contradictions_are_invalid():
    raw = pd.Series(["5560101", "55601", "556", "BU05560101", "GM0556"])
    soort = pd.Series(["Buurt     ", "Wijk", "Gemeente", "Wijk", "Gemeente"])
    out = region_codes(raw, soort=soort)
    assert out["code"].tolist() == ["BU05560101", "WK055601", "GM0556", None, "GM0556"]


def test_normalise_buurtcodes_keeps_its_contract():
    codes = normalise_buurtcodes(pd.Series([" BU05560101 ", "05560102", "5560103", 5560104, "bu05560105"]))
    assert codes.tolist() == [f"BU0556010{i}" for i in range(1, 6)]
    with pytest.raises(InputError, match=r"extract\.csv.*'WK055601'.*rij 4"):
        normalise_buurtcodes(pd.Series(["BU05560101", "BU05560102", "WK055601"]), "extract.csv")


def test_wijk_and_gemeente_of_a_buurtcode():
    codes = pd.Series(["BU05560301", "BU0363AF08"])
    assert wijkcode_of(codes).tolist() == ["WK055603", "WK0363AF"]
    assert gemeentecode_of(codes).tolist() == ["GM0556", "GM0363"]


@pytest.mark.parametrize("column", ["buurtcode", "BU_CODE", "Buurt_code", "WijkenEnBuurten", "gwb_code", "Codering",
                                    "regiocode", "Code", "buurt"])
def test_every_table_reader_finds_the_buurtcode_under_every_listed_name(column, tmp_path):
    from sociale_kaart.settings import LayoutSpec
    from sociale_kaart.sources.codes import BUURTCODE_COLUMNS
    from sociale_kaart.sources.indelingen import read_layout
    from sociale_kaart.sources.registrations import read_registrations
    from sociale_kaart.sources.tables import read_buurt_table

    assert column.lower() in BUURTCODE_COLUMNS
    path = tmp_path / "tabel.csv"
    path.write_text(f"{column};aantal;gebied\n05560101;7;Noord\nBU05560102;3;Zuid\n", encoding="utf-8")
    assert read_buurt_table(path)["buurtcode"].tolist() == ["BU05560101", "BU05560102"]
    layout = read_layout(LayoutSpec(name="Eigen", source=path, column="gebied"))
    assert layout.table["buurtcode"].tolist() == ["BU05560101", "BU05560102"]
    assert read_registrations(path).summary.records == 2  # one record a row, placed by its buurtcode
