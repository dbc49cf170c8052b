import math

import pandas as pd
import pytest

from sociale_kaart.codes import normalise_buurtcodes
from sociale_kaart.errors import InputError
from sociale_kaart.values import to_number


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
