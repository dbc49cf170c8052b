import math

import numpy as np
import pandas as pd
import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.sources.codes import normalise_buurtcodes
from sociale_kaart.sources.values import check_range, number_format, parse_numbers, to_number


def parse(values, **kwargs):
    return parse_numbers(pd.Series(values, dtype=object), source="tabel.csv", column="kolom", **kwargs).tolist()


# --- the lenient parser that registrations and boundaries use ----------------------------------

def test_cbs_missing_markers_are_nan_not_numbers():
    parsed = to_number(pd.Series(["12", " 7 ", ".", "", "-99999999", "-99997", "-5"]))
    assert parsed.iloc[0] == 12 and parsed.iloc[1] == 7
    assert all(math.isnan(v) for v in parsed.iloc[2:6])
    assert parsed.iloc[6] == -5  # a real negative value (e.g. migration balance) stays


def test_numeric_sentinels_are_nan():
    assert to_number(pd.Series([1.0, -99999999.0])).isna().tolist() == [False, True]


def test_decimal_comma():
    assert to_number(pd.Series(["1.234,5", "3,25"]), decimal_comma=True).tolist() == [1234.5, 3.25]


def test_buurtcodes_are_normalised():
    codes = normalise_buurtcodes(pd.Series([" BU05560101 ", "05560102", "5560103", 5560104, "bu05560105"]))
    assert codes.tolist() == [f"BU0556010{i}" for i in range(1, 6)]


def test_bad_buurtcode_names_code_and_row():
    with pytest.raises(InputError, match=r"extract\.csv.*'BU05A60101'.*rij 3"):
        normalise_buurtcodes(pd.Series(["BU05560101", "BU05A60101"]), "extract.csv")


# --- the strict per-column parser of the KWB reader -------------------------------------------

def test_every_missing_marker_and_sentinel_is_nan():
    out = parse(["", " . ", "x", "X", "-", "?", "-99997", "-99999999", "-99999999.0", None, np.nan, -99997, "12"])
    assert all(math.isnan(v) for v in out[:-1]) and out[-1] == 12.0


def test_dutch_column_with_thousands_dots_and_decimal_comma():
    assert parse(["1.094,765", "12,5", "3", "1.000.000"]) == [1094.765, 12.5, 3.0, 1_000_000.0]


def test_decimal_point_column():
    assert parse(["1094.765", "12.5", "0.125", "3", "1e3"]) == [1094.765, 12.5, 0.125, 3.0, 1000.0]


def test_one_dot_three_digits_is_decided_by_the_column():
    # Beside a value that is only a decimal number (0.875), 1.094 is one point zero nine four.
    assert parse(["1.094", "0.875"]) == [1.094, 0.875]
    # Beside a decimal comma, the dot groups thousands.
    assert parse(["1.094", "7,5"]) == [1094.0, 7.5]
    # Beside integers below 1000 only, it is the Dutch thousands pattern (850, 2.915).
    assert parse(["2.915", "850", "1.094"]) == [2915.0, 850.0, 1094.0]
    # Beside 2915 written without a dot, the writer does not group thousands: a decimal point.
    assert parse(["1.094", "2915"]) == [1.094, 2915.0]


def test_the_file_decides_an_ambiguous_column():
    assert parse(["1.094", "850"], hint="en") == [1.094, 850.0]
    assert parse(["1.094", "2915"], hint="nl") == [1094.0, 2915.0]
    assert parse(["1,094", "3"], hint="en") == [1094.0, 3.0]
    assert parse(["1,094", "3"]) == [1.094, 3.0]  # a lone comma is a Dutch decimal comma


def test_undecidable_column_is_an_error_not_a_guess():
    with pytest.raises(InputError, match=r"tabel\.csv: kolom 'kolom' is niet eenduidig: '1\.094' in rij 2 kan"):
        parse(["1.094", "2.125"])


def test_mixed_notations_are_an_error():
    with pytest.raises(InputError, match=r"kolom 'kolom' mengt notaties: '1,5' in rij 3 heeft .*, '2\.5' in rij 2 een decimale punt"):
        parse(["2.5", "1,5"])


def test_bad_token_names_value_row_and_code():
    with pytest.raises(InputError, match=r"tabel\.csv: kolom 'kolom', rij 5 \(BU05560103\): 'n\.v\.t\.' is geen getal"):
        parse(["1", "2", "n.v.t."], rows=[3, 4, 5], codes=["BU05560101", "BU05560102", "BU05560103"])
    with pytest.raises(InputError, match=r"rij 3: '12%' is geen getal"):
        parse(["1", "12%"])


def test_numbers_and_text_mixed_as_in_a_spreadsheet():
    out = parse([2915, 12.5, "1.094,5", ".", None])
    assert out[:3] == [2915.0, 12.5, 1094.5] and math.isnan(out[3]) and math.isnan(out[4])


def test_infinity_is_kept_for_the_range_check():
    out = parse(["inf", "-Infinity", "3"])
    assert out[0] == math.inf and out[1] == -math.inf and out[2] == 3.0


def test_number_format_reports_what_the_column_proves():
    assert number_format(pd.Series(["12,5"])) == "nl"
    assert number_format(pd.Series(["12.5", "3"])) == "en"
    assert number_format(pd.Series(["1.094", "3", "."])) is None
    assert number_format(pd.Series([1.5, 2.5])) is None  # numbers stored as numbers prove nothing


@pytest.mark.parametrize(
    ("values", "bounds", "message"),
    [
        ([5.0, -5.0], {"minimum": 0}, r"kolom 'k' is een aantal, maar heeft -5 in rij 3 \(BU2\); toegestaan is minimaal 0"),
        ([50.0, 100.5], {"minimum": 0, "maximum": 100}, r"heeft 100\.5 in rij 3 \(BU2\); toegestaan is 0 tot en met 100"),
        ([1001.0, 5.0], {"minimum": 0, "maximum": 1000}, r"heeft 1001 in rij 2 \(BU1\)"),
        ([1.0, math.inf], {}, r"kolom 'k' heeft een oneindige waarde in rij 3 \(BU2\)"),
    ],
)
def test_range_check(values, bounds, message):
    with pytest.raises(InputError, match=message):
        check_range(pd.Series(values), source="t.csv", column="k", what="een aantal", codes=["BU1", "BU2"], **bounds)


def test_range_check_ignores_missing():
    check_range(pd.Series([np.nan, 0.0, 100.0]), source="t.csv", column="k", minimum=0, maximum=100)
