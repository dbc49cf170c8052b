import mapclassify
import numpy as np
import pandas as pd
import pytest

from sociale_kaart.classes import classify, palette
from sociale_kaart.errors import InputError


def test_quantiles_match_mapclassify_and_keep_missing_apart():
    values = pd.Series([5.0, np.nan, 1.0, 9.0, 3.0, 7.0, np.nan, 2.0, 8.0])
    result = classify(values, "kwantielen", k=4)
    present = values.dropna().to_numpy()
    reference = mapclassify.Quantiles(present, k=4)
    assert result.bins == pytest.approx(list(reference.bins))
    assert result.classes[values.isna().to_numpy()].tolist() == [-1, -1]
    assert result.classes[~values.isna().to_numpy()].tolist() == list(reference.yb)


def test_user_breaks_get_the_maximum_appended():
    result = classify(pd.Series([10.0, 45.0, 70.0, 130.0]), "handmatig", breaks=[40, 60, 80])
    assert result.bins == [40, 60, 80, 130]
    assert result.classes.tolist() == [0, 1, 2, 3]
    assert result.labels(0) == ["10 – 40", "40 – 60", "60 – 80", "80 – 130"]


def test_ties_do_not_make_empty_classes():
    result = classify(pd.Series([1.0, 1.0, 1.0, 1.0, 2.0]), "kwantielen", k=5)
    assert len(result.bins) == len(set(result.bins))
    assert set(result.classes.tolist()) <= set(range(len(result.bins)))


def test_natural_breaks_on_many_values_is_sampled_not_quadratic():
    values = pd.Series(np.random.default_rng(1).gamma(2, 20, 12_000))
    result = classify(values, "natuurlijk", k=5)
    assert len(result.bins) == 5 and result.bins[-1] == pytest.approx(values.max())


def test_all_missing_and_bad_scheme():
    assert classify(pd.Series([np.nan, np.nan])).bins == []
    with pytest.raises(InputError, match="onbekende klasse-indeling"):
        classify(pd.Series([1.0]), "mooi")


def test_palette_is_monotone_in_lightness():
    for k in range(3, 8):
        lightness = [sum(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in palette(k)]
        assert lightness == sorted(lightness, reverse=True)
