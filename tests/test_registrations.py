import geopandas as gpd
import pandas as pd
import pytest

from sociale_kaart.boundaries import read_boundaries
from sociale_kaart.errors import InputError
from sociale_kaart.registrations import read_registrations


@pytest.fixture(scope="module")
def maassluis_buurten(buurten_2016):
    return read_boundaries(buurten_2016, ["GM0556"])


def test_counts_per_buurt_dutch_csv(tmp_path):
    path = tmp_path / "wmo_extract.csv"
    text = "Buurtcode;Schuldhulp;Huurachterstand;Opmerking\n05560101;12;3;één\nBU05560101;8;1;\n5560202;1.204;7;x\n"
    path.write_bytes(text.encode("cp1252"))
    table = read_registrations(path).set_index("buurtcode")
    assert table.loc["BU05560101", "reg_schuldhulp"] == 20  # two rows for one buurt are summed
    assert table.loc["BU05560202", "reg_schuldhulp"] == 1204  # thousands separator
    assert "reg_opmerking" not in table.columns
    assert table.attrs["labels"]["reg_huurachterstand"] == "Huurachterstand"


def test_decimal_comma_and_bom(tmp_path):
    path = tmp_path / "uren.csv"
    path.write_bytes("buurtcode;uren\nBU05560101;12,5\n".encode("utf-8-sig"))
    assert read_registrations(path).loc[0, "reg_uren"] == 12.5


def test_records_with_coordinates_are_placed_by_spatial_join(tmp_path, maassluis_buurten):
    inside = maassluis_buurten.set_index("buurtcode").geometry.representative_point()
    points = [inside["BU05560101"]] * 3 + [inside["BU05560303"]] * 2
    records = pd.DataFrame({
        "x": [f"{p.x:.2f}".replace(".", ",") for p in points] + ["1000,0"],
        "y": [f"{p.y:.2f}".replace(".", ",") for p in points] + ["1000,0"],
        "voorziening": ["huishoudelijke hulp", "rolstoel", "rolstoel", "rolstoel", "huishoudelijke hulp", "rolstoel"],
    })
    path = tmp_path / "clienten.csv"
    records.to_csv(path, sep=";", index=False)
    table = read_registrations(path, maassluis_buurten).set_index("buurtcode")
    assert table.loc["BU05560101", "reg_rolstoel"] == 2
    assert table.loc["BU05560101", "reg_huishoudelijke_hulp"] == 1
    assert table.loc["BU05560303", "reg_rolstoel"] == 1
    assert table.loc["BU05560801", "reg_rolstoel"] == 0  # no records: zero, not unknown
    assert len(table) == len(maassluis_buurten)
    summary = table.attrs["samenvatting"]
    assert (summary.records, summary.geplaatst, summary.niet_geplaatst) == (6, 5, 1)


def test_records_with_lon_lat(tmp_path, maassluis_buurten):
    point = gpd.GeoSeries([maassluis_buurten.geometry.iloc[4].representative_point()], crs=28992).to_crs(4326).iloc[0]
    path = tmp_path / "meldingen.csv"
    path.write_text(f"lat,lon\n{point.y},{point.x}\n")
    table = read_registrations(path, maassluis_buurten).set_index("buurtcode")
    assert table.loc[maassluis_buurten.buurtcode.iloc[4], "reg_meldingen"] == 1


def test_records_with_address_use_the_cbs_address_table(tmp_path):
    lookup = tmp_path / "pc6hnr20240801_gwb.csv"
    lookup.write_text("PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n3142AB;1;05560101;055601;0556\n3142AB;3;05560201;055602;0556\n")
    records = tmp_path / "schuldhulp.csv"
    records.write_text("postcode;huisnummer\n3142 ab;1\n3142AB;1\n3142AB;3\n9999ZZ;1\n")
    table = read_registrations(records, address_table=lookup).set_index("buurtcode")
    assert table.loc["BU05560101", "reg_schuldhulp"] == 2
    assert table.loc["BU05560201", "reg_schuldhulp"] == 1
    assert table.attrs["samenvatting"].niet_geplaatst == 1
    with pytest.raises(InputError, match="--adrestabel"):
        read_registrations(records)


def test_bad_extracts_get_clear_errors(tmp_path):
    bad_code = tmp_path / "a.csv"
    bad_code.write_text("buurtcode;aantal\nBU05560101;1\nonbekend;2\n")
    with pytest.raises(InputError, match=r"a\.csv: ongeldige buurtcode 'onbekend' \(rij 3\)"):
        read_registrations(bad_code)
    nothing = tmp_path / "b.csv"
    nothing.write_text("naam;aantal\nx;1\n")
    with pytest.raises(InputError, match=r"b\.csv: geen kolom buurtcode"):
        read_registrations(nothing)
    negative = tmp_path / "c.csv"
    negative.write_text("buurtcode;aantal\nBU05560101;-3\n")
    with pytest.raises(InputError, match="negatief aantal"):
        read_registrations(negative)


def test_xlsx(tmp_path):
    path = tmp_path / "extract.xlsx"
    pd.DataFrame({"buurtcode": ["BU05560101", "BU05560102"], "schuldhulp": [7, 9]}).to_excel(path, index=False)
    assert read_registrations(path)["reg_schuldhulp"].tolist() == [7, 9]
