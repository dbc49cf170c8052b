"""Registrations on small synthetic extracts and buurten: no shared data needed."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from tests.helpers import assert_refused
from sociale_kaart.errors import InputError
from sociale_kaart.sources.registrations import Registration, read_registrations

X0, Y0 = 84_000.0, 431_000.0  # RD New, in the Netherlands
CODES = ["BU05560101", "BU05560102", "BU05560201", "BU05560202"]


@pytest.fixture(scope="module")
def buurten():
    """Four 500 m squares side by side, in RD New."""
    return gpd.GeoDataFrame({"buurtcode": CODES},
                            geometry=[shapely.box(X0 + i * 500, Y0, X0 + (i + 1) * 500, Y0 + 500) for i in range(4)],
                            crs=28992)


def test_counts_per_buurt_dutch_csv(tmp_path):
    path = tmp_path / "wmo_extract_2024.csv"
    text = "Buurtcode;Schuldhulp;Huurachterstand;Opmerking\n05560101;12;3;één\nBU05560101;8;1;\n5560202;1.204;7;x\n"
    path.write_bytes(text.encode("cp1252"))
    reg = read_registrations(path)
    assert isinstance(reg, Registration)
    table = reg.counts.set_index("buurtcode")
    assert table.loc["BU05560101", "reg_schuldhulp"] == 12 + 8  # two rows for one buurt are summed
    assert table.loc["BU05560101", "reg_huurachterstand"] == 3 + 1
    assert table.loc["BU05560202", "reg_schuldhulp"] == 1204  # thousands separator
    assert "reg_opmerking" not in table.columns  # a text column is no count
    assert reg.labels == {"reg_schuldhulp": "Schuldhulp", "reg_huurachterstand": "Huurachterstand"}
    assert reg.source == path.name and reg.year == 2024
    assert (reg.summary.records, reg.summary.geplaatst, reg.summary.niet_geplaatst) == (3, 3, 0)
    assert "BU05560101" in reg.summary.reden and "Opmerking" in reg.summary.reden  # summed, and ignored: said


def test_bom_and_dutch_number_notation(tmp_path):
    path = tmp_path / "uren.csv"
    path.write_bytes("buurtcode;uren\nBU05560101;1.250\nBU05560102;12\n".encode("utf-8-sig"))
    reg = read_registrations(path)
    assert reg.counts.set_index("buurtcode")["reg_uren"].to_dict() == {"BU05560101": 1250, "BU05560102": 12}
    assert reg.year is None  # no year in the file name


def test_a_score_is_no_registration(tmp_path):
    # A decimal comma means a score or a mean, not a number of cases: it belongs in the project file.
    path = tmp_path / "uren.csv"
    path.write_bytes("buurtcode;uren\nBU05560101;12,5\n".encode("utf-8-sig"))
    with pytest.raises(InputError, match=r"uren\.csv: .*kolom 'uren' .*eigen indicator in het projectbestand"):
        read_registrations(path)


def test_records_with_coordinates_are_placed_by_spatial_join(tmp_path, buurten):
    inside = buurten.set_index("buurtcode").geometry.representative_point()
    points = [inside["BU05560101"]] * 3 + [inside["BU05560201"]] * 2
    records = pd.DataFrame({
        "x": [f"{p.x:.2f}".replace(".", ",") for p in points] + ["1000,0"],
        "y": [f"{p.y:.2f}".replace(".", ",") for p in points] + ["1000,0"],
        "voorziening": ["huishoudelijke hulp", "rolstoel", "rolstoel", "rolstoel", "huishoudelijke hulp", "rolstoel"],
    })
    path = tmp_path / "clienten.csv"
    records.to_csv(path, sep=";", index=False)
    reg = read_registrations(path, buurten)
    table = reg.counts.set_index("buurtcode")
    assert table.loc["BU05560101", "reg_rolstoel"] == 2
    assert table.loc["BU05560101", "reg_huishoudelijke_hulp"] == 1
    assert table.loc["BU05560201", "reg_rolstoel"] == 1
    assert table.loc["BU05560201", "reg_huishoudelijke_hulp"] == 1
    assert table.loc["BU05560202", "reg_rolstoel"] == 0  # no records: zero, not unknown
    assert sorted(table.index) == CODES
    assert reg.labels["reg_huishoudelijke_hulp"] == "Huishoudelijke hulp"
    summary = reg.summary
    assert (summary.records, summary.geplaatst, summary.niet_geplaatst) == (6, 5, 1)
    assert "1 niet geplaatst" in summary.to_text()


def test_records_with_lon_lat(tmp_path, buurten):
    point = gpd.GeoSeries([buurten.geometry.iloc[2].representative_point()], crs=28992).to_crs(4326).iloc[0]
    path = tmp_path / "meldingen.csv"
    path.write_text(f"lat,lon\n{point.y},{point.x}\n")
    table = read_registrations(path, buurten).counts.set_index("buurtcode")
    assert table.loc[CODES[2], "reg_meldingen"] == 1  # no category: the file name names the count
    assert table["reg_meldingen"].sum() == 1


def test_records_with_address_use_the_cbs_address_table(tmp_path):
    lookup = tmp_path / "pc6hnr20240801_gwb.csv"
    lookup.write_text("PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n3142AB;1;05560101;055601;0556\n3142AB;3;05560201;055602;0556\n")
    records = tmp_path / "schuldhulp.csv"
    records.write_text("postcode;huisnummer\n3142 ab;1\n3142AB;1\n3142AB;3\n9999ZZ;1\n")
    reg = read_registrations(records, address_table=lookup)
    table = reg.counts.set_index("buurtcode")
    assert table.loc["BU05560101", "reg_schuldhulp"] == 2  # "3142 ab" is 3142AB
    assert table.loc["BU05560201", "reg_schuldhulp"] == 1
    assert reg.summary.niet_geplaatst == 1 and reg.summary.geplaatst == 3
    with pytest.raises(InputError, match="--adrestabel"):
        read_registrations(records)


def test_bad_extracts_get_clear_errors(tmp_path, buurten):
    assert_refused(read_registrations, tmp_path, [
        ("a.csv", "buurtcode;aantal\nBU05560101;1\nonbekend;2\n", r"a\.csv: ongeldige buurtcode 'onbekend' \(rij 3\)"),
        ("b.csv", "naam;aantal\nx;1\n", r"b\.csv: geen kolom buurtcode"),
        ("d.csv", "x;y\n84100;431100\n", r"d\.csv: .*--grenzen"),
    ])


@pytest.mark.parametrize("rows", ["BU05560101;-3\n", "BU05560101;-3\nBU05560101;5\nBU05560102;4\n",
                                  "BU05560101;5\nBU05560101;2,5\n"], ids=["negatief", "negatief-dubbel", "breuk-dubbel"])
def test_a_bad_count_is_refused_naming_column_and_row(tmp_path, rows):
    path = tmp_path / "c.csv"
    path.write_text("buurtcode;aantal\n" + rows)
    bad = next(i for i, line in enumerate(rows.splitlines()) if "-" in line or "," in line) + 2  # header is row 1
    with pytest.raises(InputError, match=rf"c\.csv: .*'aantal'.* rij {bad}\b"):  # file, column and row
        read_registrations(path)


def test_xlsx(tmp_path):
    path = tmp_path / "extract.xlsx"
    pd.DataFrame({"buurtcode": ["BU05560101", "BU05560102"], "schuldhulp": [7, 9]}).to_excel(path, index=False)
    assert read_registrations(path).counts.set_index("buurtcode")["reg_schuldhulp"].to_dict() == {
        "BU05560101": 7, "BU05560102": 9}


# --- what used to be a traceback ------------------------------------------------------------------


def test_two_categories_with_one_column_name_become_two_columns_with_a_note(tmp_path):
    path = tmp_path / "wmo.csv"
    rows = ["BU05560101;Wmo HH", "BU05560101;wmo-hh", "BU05560101;wmo-hh", "BU05560102;Wmo HH"]
    path.write_text("buurtcode;voorziening\n" + "\n".join(rows) + "\n", encoding="utf-8")
    reg = read_registrations(path)
    table = reg.counts.set_index("buurtcode")
    columns = sorted(c for c in table.columns)
    assert columns == ["reg_wmo_hh", "reg_wmo_hh_2"]
    # by hand: BU05560101 has 1 "Wmo HH" and 2 "wmo-hh", BU05560102 one "Wmo HH"
    by_label = {reg.labels[c]: table[c].to_dict() for c in columns}
    assert sorted(by_label.values(), key=str) == sorted([{"BU05560101": 1, "BU05560102": 1},
                                                         {"BU05560101": 2, "BU05560102": 0}], key=str)
    assert "dezelfde kolomnaam" in reg.summary.reden and "reg_wmo_hh_2" in reg.summary.reden


def test_a_count_beside_its_rate_is_refused(tmp_path):
    path = tmp_path / "wmo.csv"
    path.write_text("buurtcode;wmo;wmo_per_1000\nBU05560101;3;30\nBU05560102;4;40\n", encoding="utf-8")
    with pytest.raises(InputError, match="'wmo_per_1000' is het cijfer per inwoners van 'wmo'"):
        read_registrations(path)


def test_the_same_registration_column_in_two_files_is_one_fout_line(sample_paths, tmp_path):
    import subprocess
    import sys

    lines = sample_paths["registraties"].read_text(encoding="utf-8-sig").splitlines()
    codes = [line.split(";")[0] for line in lines[1:]]
    files = []
    for name, start in (("januari.csv", 3), ("februari.csv", 5)):
        files.append(tmp_path / name)
        files[-1].write_text("buurtcode;schuldhulp\n" + "".join(f"{c};{start + i}\n" for i, c in enumerate(codes)),
                             encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sociale_kaart", "join", "--grenzen", str(sample_paths["grenzen"]),
                           "--kwb", str(sample_paths["kwb"]), "--registraties", str(files[0]), "--registraties",
                           str(files[1]), "--uitvoer", str(tmp_path / "uit"), "--stil"], capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("fout: februari.csv: kolom reg_schuldhulp staat ook in een eerder"), lines


def test_two_columns_with_one_name_are_refused(tmp_path):
    path = tmp_path / "meldingen.csv"
    path.write_text("buurtcode;meldingen;meldingen\nBU05560101;4;7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meldingen\.csv: de kolomnaam 'meldingen' staat 2 keer in de kop "
                                         r"\(kolommen 2 en 3\)"):
        read_registrations(path)
    xlsx = tmp_path / "meldingen.xlsx"
    pd.DataFrame([["BU05560101", 4, 7]], columns=["buurtcode", "Meldingen", "meldingen "]).to_excel(xlsx, index=False)
    with pytest.raises(InputError, match=r"meldingen\.xlsx: de kolomnaam 'Meldingen' staat 2 keer"):
        read_registrations(xlsx)


@pytest.mark.parametrize("column, values, years", [
    ("datum", ["2023-12-31", "2024-01-01", "2024-06-30"], "2 jaren \\(2023 en 2024\\)"),
    ("meldingsdatum", ["31-12-2022", "1-1-2023", "15/06/2024", "01.02.2024"], "3 jaren \\(2022, 2023 en 2024\\)"),
    ("jaar", ["2021", "2022", "2023", "2024"], "4 jaren \\(2021 tot en met 2024\\)"),
])
def test_an_extract_over_several_years_is_refused(tmp_path, column, values, years):
    path = tmp_path / "schuldhulp.csv"
    lines = [f"buurtcode;{column}"] + [f"BU0556010{i % 2 + 1};{v}" for i, v in enumerate(values)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"schuldhulp\.csv: kolom '{column}' loopt over {years}; een registratie "
                                         "telt één periode"):
        read_registrations(path)


def test_a_year_column_beside_counts_is_the_period_not_a_count(tmp_path):
    path = tmp_path / "wmo.csv"
    path.write_text("buurtcode;jaar;wmo\nBU05560101;2024;12\nBU05560102;2024;30\n", encoding="utf-8")
    reg = read_registrations(path)
    assert list(reg.counts.columns) == ["buurtcode", "reg_wmo"]  # not reg_jaar with 2024 "cases"
    assert reg.year == 2024 and reg.summary.periode == "2024" and "periode 2024" in reg.summary.to_text()


def test_a_date_in_the_future_or_no_date_is_refused_with_its_row(tmp_path, buurten):
    import datetime

    later = datetime.date.today() + datetime.timedelta(days=40)
    path = tmp_path / "meldingen.csv"
    path.write_text(f"x;y;datum\n{X0 + 10};{Y0 + 10};{later:%d-%m-%Y}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meldingen\.csv: kolom 'datum' rij 2: .* ligt in de toekomst"):
        read_registrations(path, buurten)
    path.write_text(f"x;y;datum\n{X0 + 10};{Y0 + 10};2024-02-01\n{X0 + 20};{Y0 + 10};gisteren\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meldingen\.csv: kolom 'datum' rij 3: 'gisteren' is geen datum of jaar"):
        read_registrations(path, buurten)


def test_swapped_coordinates_are_named(tmp_path, buurten):
    from pyproj import Transformer

    inside = buurten.geometry.representative_point()
    lon, lat = Transformer.from_crs(28992, 4326, always_xy=True).transform(inside.x.to_numpy(), inside.y.to_numpy())
    path = tmp_path / "meldingen.csv"
    rows = "\n".join(f"{b:.6f};{a:.6f}" for a, b in zip(lon, lat))  # lat written under lon: every row swapped
    path.write_text(f"lon;lat\n{rows}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meldingen\.csv: de kolommen 'lon' en 'lat' zijn verwisseld"):
        read_registrations(path, buurten)
    rows = "\n".join(f"{p.y:.1f};{p.x:.1f}" for p in inside)
    path.write_text(f"x;y\n{rows}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"de kolommen 'x' en 'y' zijn verwisseld"):
        read_registrations(path, buurten)
    rows = "\n".join(f"{a:.6f};{b:.6f}" for a, b in zip(lon, lat))  # the right way round: placed
    path.write_text(f"lon;lat\n{rows}\n", encoding="utf-8")
    assert read_registrations(path, buurten).summary.geplaatst == len(buurten)


def test_an_impossible_date_is_refused_with_its_row(tmp_path, buurten):
    """A date the reader did not expect (month 13, or month-day-year as some systems export) is no date."""
    path = tmp_path / "meldingen.csv"
    path.write_text(f"x;y;datum\n{X0 + 10};{Y0 + 10};2024-02-01\n{X0 + 20};{Y0 + 10};12-31-2024\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meldingen\.csv: kolom 'datum' rij 3: '12-31-2024' is geen datum"):
        read_registrations(path, buurten)


def _record_rows(located: str = "buurtcode"):
    """Records of 2023 and 2024 with a date (both Dutch and ISO) and a buurtcode, or (``xy``) the
    centre of that buurt's square as x/y, which the fast coordinate reader takes."""
    dates = ["2024-01-01", "15-02-2024", "2024-06-30", "01-07-2024", "2023-12-31", "2024-03-15", "2024-06-01",
             "2024-09-09", "2024-02-29", "31-05-2024"]
    codes = ["BU05560101", "BU05560101", "BU05560102", "BU05560101", "BU05560102", "BU05560201", "BU05560201",
             "BU05560202", "BU05560102", "BU05560101"]
    if located == "xy":
        return [{"x": X0 + CODES.index(code) * 500 + 250, "y": Y0 + 250, "datum": date} for code, date in zip(codes, dates)]
    return [{"buurtcode": code, "datum": date} for code, date in zip(codes, dates)]


def _by_hand_in_period(path, start, end):
    """Records per buurtcode whose date falls in [start, end], counted with the csv module."""
    import csv
    import datetime

    counts = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            text = row["datum"]
            day = (datetime.date.fromisoformat(text) if text[4] == "-"
                   else datetime.datetime.strptime(text, "%d-%m-%Y").date())
            if start <= day <= end:
                # a buurtcode, or the 500 m square the x lies in (hand arithmetic on the synthetic buurten)
                code = row["buurtcode"] if "buurtcode" in row else CODES[int((float(row["x"]) - X0) // 500)]
                counts[code] = counts.get(code, 0) + 1
    return counts


@pytest.mark.parametrize("located", ["buurtcode", "xy"])
def test_a_period_counts_only_the_records_dated_in_it(tmp_path, buurten, located):
    import datetime

    path = tmp_path / "meldingen.csv"
    pd.DataFrame(_record_rows(located)).to_csv(path, sep=";", index=False)
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)
    expected = _by_hand_in_period(path, start, end)
    assert sum(expected.values()) == 7  # 2023-12-31, 01-07-2024 and 2024-09-09 fall outside
    reg = read_registrations(path, buurten, period=(start, end))
    counted = reg.counts.set_index("buurtcode")["reg_meldingen"]
    assert {code: n for code, n in counted.items() if n} == expected
    assert reg.summary.records == sum(expected.values()) and reg.summary.periode == "2024-01-01 t/m 2024-06-30"
    with pytest.raises(InputError, match="loopt over 2 jaren"):  # without a period the extract is refused
        read_registrations(path, buurten)


def test_a_period_asks_a_date_of_every_record(tmp_path, buurten):
    import datetime

    first_half = (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
    path = tmp_path / "zonder_datum.csv"
    path.write_text("buurtcode;datum\nBU05560101;2024-02-01\nBU05560102;\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"zonder_datum\.csv: kolom 'datum' rij 3: geen datum"):
        read_registrations(path, buurten, period=first_half)
    path.write_text("buurtcode;datum\nBU05560101;2024-02-01\nBU05560102;2024\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rij 3: '2024' ligt deels in de periode"):  # a year across its edge
        read_registrations(path, buurten, period=first_half)
    path.write_text("buurtcode;aantal\nBU05560101;4\n", encoding="utf-8")
    with pytest.raises(InputError, match="vraagt een kolom met de datum"):
        read_registrations(path, buurten, period=first_half)
