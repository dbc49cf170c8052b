import csv

import numpy as np
import pandas as pd
import pytest

from sociale_kaart.combine import indicators as ind
from sociale_kaart.settings import SmallNumbers
from tests.helpers import raw_number

# ``maassluis`` is the session Dataset of tests/conftest.py (2016 boundaries + KWB 2024).


def test_wmo_share_of_taanschuurpolder_by_hand(maassluis, kwb_rows):
    # Taanschuurpolder (BU05560101): WmoClienten_93 / AantalInwoners_5 * 1000, from the raw CSV.
    raw = kwb_rows["BU05560101"]
    expected = raw_number(raw, "WmoClienten_93") / raw_number(raw, "AantalInwoners_5") * 1000
    row = maassluis.buurten.set_index("buurtcode").loc["BU05560101"]
    assert row["buurtnaam"] == "Taanschuurpolder"
    assert row["wmo_per_1000"] == pytest.approx(expected)
    assert row["wmo_per_1000_status"] == "ok"
    # CBS publishes its own rate on unrounded counts; ours must be close to it.
    assert row["wmo_per_1000"] == pytest.approx(raw_number(raw, "WmoClientenRelatief_94"), abs=1.0)


def test_rental_and_ageing_shares_by_hand(maassluis, kwb_rows):
    raw = kwb_rows["BU05560202"]  # Bloemenbuurt
    row = maassluis.buurten.set_index("buurtcode").loc["BU05560202"]
    assert row["pct_huur"] == pytest.approx(raw_number(raw, "HuurwoningenTotaal_48"))
    assert row["pct_65plus"] == pytest.approx(
        100 * raw_number(raw, "k_65JaarOfOuder_12") / raw_number(raw, "AantalInwoners_5"))


def test_de_dijk_rates_are_suppressed_not_numbers(maassluis, kwb_rows):
    assert raw_number(kwb_rows["BU05560702"], "AantalInwoners_5") < maassluis.small_numbers.min_denominator
    row = maassluis.buurten.set_index("buurtcode").loc["BU05560702"]
    assert row["buurtnaam"] == "De Dijk"
    for indicator in maassluis.indicators:
        assert pd.isna(row[indicator.key])
        assert row[f"{indicator.key}_status"] == "onderdrukt"


def test_inhabitants_add_up_to_published_gemeente_total(maassluis, shared):
    with open(shared / "reference" / "gemeenten_kwb_2022_2024.csv", encoding="utf-8") as handle:
        ref = next(r for r in csv.DictReader(handle) if r["jaar"] == "2024" and r["gemeentecode"] == "GM0556")
    total = maassluis.buurten["inwoners"].sum()
    assert total == pytest.approx(float(ref["aantal_inwoners"]), rel=0.005)
    gemeente = maassluis.gemeenten.set_index("gemeentecode").loc["GM0556"]
    assert gemeente["inwoners"] == total


def test_wijk_rate_is_summed_counts_not_averaged_rates(maassluis, kwb_rows):
    # Sluispolder (WK055603) = BU05560301..03.
    rows = [kwb_rows[f"BU0556030{i}"] for i in (1, 2, 3)]
    wmo = sum(raw_number(r, "WmoClienten_93") for r in rows)
    inw = sum(raw_number(r, "AantalInwoners_5") for r in rows)
    wijk = maassluis.wijken.set_index("wijkcode").loc["WK055603"]
    assert wijk["wijknaam"] == "Sluispolder"
    assert wijk["wmo_per_1000"] == pytest.approx(wmo / inw * 1000)
    mean_of_rates = np.mean([raw_number(r, "WmoClienten_93") / raw_number(r, "AantalInwoners_5") * 1000 for r in rows])
    assert wijk["wmo_per_1000"] != pytest.approx(mean_of_rates)


def test_gemeente_rate_skips_buurten_without_figure(maassluis, kwb_rows):
    rows = [r for code, r in kwb_rows.items() if code.startswith("BU0556")]
    known = [r for r in rows if raw_number(r, "WmoClienten_93") is not None]
    expected = sum(raw_number(r, "WmoClienten_93") for r in known) / sum(raw_number(r, "AantalInwoners_5") for r in known)
    gem = maassluis.gemeenten.set_index("gemeentecode").loc["GM0556"]
    assert gem["wmo_per_1000"] == pytest.approx(expected * 1000)
    assert gem["wmo_per_1000_dekking"] < 1  # Zuidbuurt and De Dijk have no Wmo figure


def test_small_number_rule_is_configurable():
    table = pd.DataFrame({"wmo_clienten": [3.0, 0.0, 20.0, 20.0], "inwoners": [500.0, 500.0, 40.0, 400.0]})
    cbs = ind.registry()["wmo_per_1000"]
    reg = ind.registration_indicator("wmo_clienten", "Wmo (eigen registratie)")
    out = ind.compute_rates(table, [cbs, reg])
    # A denominator below 50 suppresses every rate; a count of 1-4 only when it is the municipality's
    # own registration (CBS has already protected its published counts).
    assert out["wmo_per_1000_status"].tolist() == ["ok", "ok", "onderdrukt", "ok"]
    assert out[f"{reg.key}_status"].tolist() == ["onderdrukt", "ok", "onderdrukt", "ok"]
    assert out["wmo_per_1000"].tolist()[:2] == [3 / 500 * 1000, 0] and out["wmo_per_1000"].iloc[3] == 20 / 400 * 1000
    assert pd.isna(out["wmo_per_1000"].iloc[2]) and pd.isna(out[reg.key].iloc[0])
    lenient = ind.compute_rates(table, [cbs, reg], SmallNumbers(min_denominator=10, min_count=1, rounding=1))
    assert lenient["wmo_per_1000_status"].tolist() == lenient[f"{reg.key}_status"].tolist() == ["ok"] * 4
    strict = ind.compute_rates(table, [reg], SmallNumbers(min_denominator=50, min_count=25))
    assert strict[f"{reg.key}_status"].tolist() == ["onderdrukt", "ok", "onderdrukt", "onderdrukt"]


def test_missing_inputs_are_ontbreekt():
    table = pd.DataFrame({"wmo_clienten": [np.nan], "inwoners": [1000.0]})
    out = ind.compute_rates(table, [ind.registry()["wmo_per_1000"]])
    assert out["wmo_per_1000_status"].tolist() == ["ontbreekt"]


def test_available_uses_only_present_inputs(maassluis):
    keys = [i.key for i in maassluis.indicators]
    assert keys == ["wmo_per_1000", "bijstand_per_1000", "pct_huur", "pct_65plus", "pct_jeugdzorg"]
    assert "pct_75plus" not in keys  # the KWB 2024 has no 75+ count


def test_aggregate_sums_counts_and_reports_coverage():
    # Two buurten in WK01, one of them without a Wmo figure; one buurt in WK02.
    table = pd.DataFrame({"wijkcode": ["WK01", "WK01", "WK02"], "wmo_clienten": [30.0, np.nan, 12.0],
                          "inwoners": [600.0, 400.0, 300.0]})
    out = ind.aggregate(table, "wijkcode", [ind.registry()["wmo_per_1000"]]).set_index("wijkcode")
    assert out.loc["WK01", "wmo_per_1000"] == pytest.approx(30 / 600 * 1000)  # the unknown buurt is left out
    assert out.loc["WK01", "wmo_per_1000_dekking"] == pytest.approx(600 / 1000)
    assert out.loc["WK01", "inwoners"] == 1000
    assert out.loc["WK02", "wmo_per_1000"] == pytest.approx(12 / 300 * 1000)
    assert out["wmo_per_1000_status"].tolist() == ["ok", "ok"]


def test_derived_counts_feed_rates():
    table = ind.derive_counts(pd.DataFrame({"pct_huurwoningen": [40.0], "woningvoorraad": [500.0],
                                            "inwoners_0_15": [120.0], "inwoners_15_25": [80.0],
                                            "jeugdzorg": [20.0]}))
    assert table["huurwoningen"].tolist() == [200.0] and table["jongeren_0_25"].tolist() == [200.0]
    out = ind.compute_rates(table, [ind.registry()["pct_huur"], ind.registry()["pct_jeugdzorg"]])
    assert out["pct_huur"].tolist() == [40.0] and out["pct_jeugdzorg"].tolist() == [10.0]
