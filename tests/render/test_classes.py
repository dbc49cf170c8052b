"""Class breaks: numpy quantiles, equal interval and manual breaks against mapclassify itself.

The reference is always mapclassify (Quantiles, EqualInterval, UserDefined) run in the test on
the same values; its tied bins are merged here by value (the class of a value is the position of
its mapclassify upper bound among the distinct bounds), independently of the code under test.
"""

import csv
import json
import subprocess
import sys
import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.render.classes import FISHER_JENKS_EXACT_MAX, classify, palette
from sociale_kaart.settings import SCHEMES

TOLERANCE = 1e-9


def reference(present: np.ndarray, scheme: str, k: int = 5, breaks=None) -> tuple[list[float], list[int]]:
    """mapclassify's bins (distinct, increasing) and the class of every value, for `present` values."""
    distinct_values = len(set(present.tolist()))
    k = min(k, distinct_values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Not enough unique values in array to form k classes"
        if scheme == "handmatig":
            result = mapclassify.UserDefined(present, sorted(float(b) for b in breaks))
        elif k < 2:  # one distinct value: mapclassify cannot classify it, one class holds everything
            return [float(present.max())], [0] * len(present)
        elif scheme == "kwantielen":
            result = mapclassify.Quantiles(present, k=k)
        else:
            result = mapclassify.EqualInterval(present, k=k)
    bins = [float(b) for b in result.bins]
    distinct = sorted(set(bins))
    return distinct, [distinct.index(bins[b]) for b in result.yb]


def assert_matches(values, scheme: str, k: int = 5, breaks=None, name: str = ""):
    numbers = np.array([np.nan if v is None else v for v in values], dtype=float)
    known = ~np.isnan(numbers)
    result = classify(pd.Series(numbers), scheme, k, breaks)
    expected_bins, expected_classes = reference(numbers[known], scheme, k, breaks)
    where = f"{name} {scheme} k={k} breaks={breaks}"
    assert result.bins == pytest.approx(expected_bins, rel=TOLERANCE, abs=TOLERANCE), where
    assert result.classes[known].tolist() == expected_classes, where
    assert (result.classes[~known] == -1).all(), where
    assert result.minimum == numbers[known].min(), where


# --- real values: every numeric column of the KWB 2024 (Rijnmond), as is and per inhabitants ----

def _number(text: str) -> float | None:
    text = text.strip()
    if text in ("", "."):
        return None
    value = float(text)
    return None if value <= -99990 else value


@pytest.fixture(scope="module")
def kwb_rates(kwb_2024) -> dict[str, list[float | None]]:
    """Every rate the raw table gives: each numeric column, and each column per 1000 and per 100 inhabitants."""
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    numeric = {}
    for column in rows[0]:
        try:
            numeric[column] = [_number(row[column]) for row in rows]
        except ValueError:  # names and codes
            continue
    inwoners = numeric["AantalInwoners_5"]
    rates = {}
    for column, cells in numeric.items():
        rates[column] = cells
        for per, factor in (("per_1000", 1000), ("pct", 100)):
            rates[f"{column}_{per}_inwoners"] = [
                None if v is None or not n else v / n * factor for v, n in zip(cells, inwoners)]
    assert len(rates) > 300
    return rates


def _present(cells) -> np.ndarray:
    return np.array([v for v in cells if v is not None], dtype=float)


@pytest.mark.shared
@pytest.mark.parametrize("scheme", ["kwantielen", "gelijk"])
@pytest.mark.parametrize("k", [3, 4, 5, 6, 7])
def test_quantiles_and_equal_interval_match_mapclassify_on_every_kwb_rate(kwb_rates, scheme, k):
    compared = 0
    for name, cells in kwb_rates.items():
        if _present(cells).size == 0:
            continue
        assert_matches(cells, scheme, k, name=name)
        compared += 1
    assert compared > 300


def test_the_named_kwb_rates_are_among_those_compared(kwb_rates, kwb_2024):
    with open(kwb_2024, encoding="utf-8") as handle:
        row = next(csv.DictReader(handle, delimiter=";"))
    wmo = _number(row["WmoClienten_93"]) / _number(row["AantalInwoners_5"]) * 1000
    assert kwb_rates["WmoClienten_93_per_1000_inwoners"][0] == pytest.approx(wmo)
    assert "HuurwoningenTotaal_48" in kwb_rates and "k_65JaarOfOuder_12_pct_inwoners" in kwb_rates


@pytest.mark.shared
def test_manual_breaks_match_mapclassify_on_every_kwb_rate(kwb_rates):
    compared = 0
    for name, cells in kwb_rates.items():
        present = np.sort(_present(cells))
        if len(set(present.tolist())) < 4:
            continue
        # Breaks taken from the values themselves, so values equal to a break exist.
        low, middle, high = (float(present[int(len(present) * f)]) for f in (0.25, 0.5, 0.75))
        top = float(present.max())
        cases = [
            [low, middle, high],  # maximum above the last break: mapclassify appends it
            [low, middle, top + abs(top) + 1.0],  # maximum below the last break
            [low, middle, top],  # last break is the maximum
            [middle, low, middle, high],  # unsorted, with a repeated break
            [float(present.min()), middle],  # first break is the minimum
        ]
        for breaks in cases:
            assert_matches(cells, "handmatig", breaks=breaks, name=name)
        compared += 1
    assert compared > 300


# --- synthetic cases: ties, fewer distinct values than k, negative numbers ---------------------------

SYNTHETIC = {
    "many ties": [1.0] * 50 + [2.0] * 3 + [3.0] * 30 + [7.5] * 10 + [8.0],
    "ties at every quantile": [0.0] * 20 + [1.0] * 20 + [2.0] * 20 + [3.0] * 20 + [4.0] * 20,
    "one outlier among ties": [5.0] * 99 + [1000.0],
    "two distinct": [3.0, 3.0, 3.0, 9.0],
    "three distinct": [1.0, 1.0, 2.0, 2.0, 2.0, 4.0],
    "fewer than k with missing": [2.0, None, 2.0, 6.0, None, 6.0, 9.0, 9.0],
    "negative and zero": [-4.5, -1.0, 0.0, 0.0, 0.0, 2.25, 3.0, 3.0, 10.0, -0.5, 7.0],
    "rounded counts": [float(v) for v in range(0, 200, 5)] * 3 + [17.0, 42.0],
    "nineteen rates": [83.1, 12.5, 40.0, 40.0, 55.7, 61.2, 9.8, 33.3, 47.9, 70.0, 40.0, 28.6,
                       91.4, 18.2, 66.7, 50.0, 50.0, 22.1, 35.5],
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
@pytest.mark.parametrize("scheme", ["kwantielen", "gelijk"])
@pytest.mark.parametrize("k", [3, 5, 7])
def test_synthetic_ties_and_few_distinct_values_match_mapclassify(name, scheme, k):
    assert_matches(SYNTHETIC[name], scheme, k, name=name)


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_manual_breaks_match_mapclassify(name):
    present = sorted(v for v in SYNTHETIC[name] if v is not None)
    for breaks in ([present[0]], [present[len(present) // 2], present[0]], [present[-1] + 1],
                   [present[1], present[1], present[-1]]):
        assert_matches(SYNTHETIC[name], "handmatig", breaks=breaks, name=name)


def test_fewer_distinct_values_than_k_gives_fewer_classes():
    result = classify(pd.Series([1.0, 1.0, 2.0, 2.0, 2.0]), "kwantielen", k=5)
    # k becomes 2: the 50th and 100th percentile of 1,1,2,2,2 are the 3rd and 5th values, 2 and 2.
    assert result.bins == [2.0]
    assert result.classes.tolist() == [0, 0, 0, 0, 0]
    result = classify(pd.Series([1.0, 1.0, 2.0, 2.0, 2.0]), "gelijk", k=5)
    # Two classes of width 0.5 from 1: bounds 1.5 and 2.
    assert result.bins == [1.5, 2.0]
    assert result.classes.tolist() == [0, 0, 1, 1, 1]


def test_one_distinct_value_is_one_class():
    for scheme in ("kwantielen", "gelijk", "natuurlijk"):
        result = classify(pd.Series([4.0, np.nan, 4.0]), scheme, k=5)
        assert result.bins == [4.0] and result.minimum == 4.0
        assert result.classes.tolist() == [0, -1, 0]


# --- hand-computed cases ---------------------------------------------------------------------

def test_quantiles_match_mapclassify_and_keep_missing_apart():
    values = pd.Series([5.0, np.nan, 1.0, 9.0, 3.0, 7.0, np.nan, 2.0, 8.0])
    result = classify(values, "kwantielen", k=4)
    present = values.dropna().to_numpy()
    reference_ = mapclassify.Quantiles(present, k=4)
    assert result.bins == pytest.approx(list(reference_.bins))
    assert result.classes[values.isna().to_numpy()].tolist() == [-1, -1]
    assert result.classes[~values.isna().to_numpy()].tolist() == list(reference_.yb)


def test_quantile_bounds_by_hand():
    # 1..5 at percentiles 20, 40, ..., 100: positions 0.8, 1.6, 2.4, 3.2, 4 of the sorted values.
    result = classify(pd.Series([4.0, 1.0, 3.0, 2.0, 5.0]), "kwantielen", k=5)
    assert result.bins == pytest.approx([1.8, 2.6, 3.4, 4.2, 5.0])
    assert result.classes.tolist() == [3, 0, 2, 1, 4]


def test_a_value_equal_to_a_bound_belongs_to_the_class_below():
    # Equal interval on 0..10, k=5: width 2, bounds 2, 4, 6, 8, 10 (all exact in binary).
    result = classify(pd.Series([0.0, 2.0, 2.5, 4.0, 10.0]), "gelijk", k=5)
    assert result.bins == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert result.classes.tolist() == [0, 0, 1, 1, 4]
    result = classify(pd.Series([40.0, 60.0, 80.0, 80.5]), "handmatig", breaks=[40, 60, 80])
    assert result.bins == [40.0, 60.0, 80.0, 80.5]
    assert result.classes.tolist() == [0, 1, 2, 3]


def test_user_breaks_get_the_maximum_appended():
    result = classify(pd.Series([10.0, 45.0, 70.0, 130.0]), "handmatig", breaks=[40, 60, 80])
    assert result.bins == [40, 60, 80, 130]
    assert result.classes.tolist() == [0, 1, 2, 3]
    assert result.labels(0) == ["10 – 40", "40 – 60", "60 – 80", "80 – 130"]


def test_user_breaks_above_the_maximum_are_kept_and_repeats_merged():
    result = classify(pd.Series([10.0, 45.0, 70.0]), "handmatig", breaks=[80, 40, 40, 100])
    assert result.bins == [40, 80, 100]
    assert result.classes.tolist() == [0, 1, 1]


def test_ties_do_not_make_empty_classes():
    result = classify(pd.Series([1.0, 1.0, 1.0, 1.0, 2.0]), "kwantielen", k=5)
    assert len(result.bins) == len(set(result.bins))
    assert set(result.classes.tolist()) <= set(range(len(result.bins)))


def test_plain_lists_and_text_series_are_accepted():
    assert classify([1.0, None, 3.0], "gelijk", 3).classes.tolist() == classify(
        pd.Series(["1", ".", "3"]), "gelijk", 3).classes.tolist() == [0, -1, 1]  # two values: two classes


def test_positional_arguments_still_work():
    result = classify(pd.Series([10.0, 45.0, 70.0, 130.0]), "handmatig", 5, [40, 60, 80])
    assert result.scheme == "handmatig" and result.bins == [40, 60, 80, 130]


def test_all_missing_and_bad_input():
    assert classify(pd.Series([np.nan, np.nan])).bins == []
    with pytest.raises(InputError, match="onbekende klasse-indeling"):
        classify(pd.Series([1.0]), "mooi")
    with pytest.raises(InputError, match="tussen 3 en 7"):
        classify(pd.Series([1.0, 2.0]), "kwantielen", k=9)
    with pytest.raises(InputError, match="klassegrenzen nodig"):
        classify(pd.Series([1.0, 2.0]), "handmatig")
    with pytest.raises(InputError, match="'veertig' is geen getal"):
        classify(pd.Series([1.0, 2.0]), "handmatig", breaks=["veertig"])


def test_scheme_names_come_from_settings():
    from sociale_kaart.render import classes

    assert classes.SCHEMES is SCHEMES


def test_palette_is_monotone_in_lightness():
    for k in range(3, 8):
        lightness = [sum(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in palette(k)]
        assert lightness == sorted(lightness, reverse=True)


# --- imports: only natural breaks may import mapclassify -------------------------------------------

def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_quantiles_equal_and_manual_do_not_import_mapclassify():
    out = _run(
        "import json, sys\n"
        "import pandas as pd\n"
        "from sociale_kaart.render.classes import classify\n"
        "values = pd.Series([4.0, 1.0, 3.0, 2.0, 5.0, None])\n"
        "q = classify(values, 'kwantielen', 5)\n"
        "e = classify(values, 'gelijk', 4)\n"
        "m = classify(values, 'handmatig', breaks=[2, 4])\n"
        "assert 'mapclassify' not in sys.modules, 'mapclassify was imported'\n"
        "print(json.dumps({'loaded': sorted(m for m in ('mapclassify', 'scipy', 'sklearn') if m in sys.modules),\n"
        "                  'q': q.classes.tolist(), 'e': e.bins, 'm': m.classes.tolist()}))\n"
    )
    assert out["loaded"] == []
    assert out["q"] == [3, 0, 2, 1, 4, -1]
    assert out["e"] == [2.0, 3.0, 4.0, 5.0]  # width (5 - 1) / 4 = 1
    assert out["m"] == [1, 0, 1, 0, 2, -1]  # bounds 2, 4 (inclusive) and the maximum 5


def test_natural_breaks_import_mapclassify_and_still_work():
    out = _run(
        "import json, sys\n"
        "from sociale_kaart.render.classes import classify\n"
        "c = classify([1.0, 1.5, 2.0, 10.0, 11.0, 12.0, 30.0, 31.0], 'natuurlijk', 3)\n"
        "print(json.dumps({'loaded': 'mapclassify' in sys.modules, 'bins': c.bins, 'classes': c.classes.tolist()}))\n"
    )
    assert out["loaded"] is True
    # Three obvious groups: 1-2, 10-12, 30-31.
    assert out["bins"] == [2.0, 12.0, 31.0]
    assert out["classes"] == [0, 0, 0, 1, 1, 1, 2, 2]


@pytest.mark.shared
def test_natural_breaks_match_fisher_jenks_on_a_real_rate(kwb_rates):
    cells = kwb_rates["WmoClientenRelatief_94"][:150]
    present = _present(cells)
    result = classify(pd.Series(cells, dtype=float), "natuurlijk", k=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = mapclassify.FisherJenks(present, k=5)
    assert result.bins == pytest.approx([float(b) for b in expected.bins])
    known = ~pd.Series(cells, dtype=float).isna().to_numpy()
    assert result.classes[known].tolist() == list(expected.yb)


def test_natural_breaks_on_many_values_is_sampled_not_quadratic():
    values = pd.Series(np.random.default_rng(1).gamma(2, 20, 12_000))
    assert len(values) > FISHER_JENKS_EXACT_MAX
    result = classify(values, "natuurlijk", k=5)
    assert len(result.bins) == 5 and result.bins[-1] == pytest.approx(values.max())
    # Every value lies in the class whose bounds enclose it.
    lows = np.array([-np.inf] + result.bins[:-1])
    highs = np.array(result.bins)
    assert ((values.to_numpy() > lows[result.classes]) & (values.to_numpy() <= highs[result.classes])).all()
