"""Several years on one set of areas: Schiedam's 2024 figures on the 2016 map, rounding margins."""

from __future__ import annotations

import pytest

from conftest import published_half_step, raw_2015, raw_number
from sociale_kaart.combine.series import build_series, rounding_step
from sociale_kaart.errors import InputError
from sociale_kaart.settings import YearSource


@pytest.fixture(scope="module")
def schiedam(buurten_2016, buurten_2024, kwb_2015, kwb_2024):
    from sociale_kaart.sources.boundaries import read_boundaries

    reference = read_boundaries(buurten_2016, ["GM0606"]).frame
    return build_series((YearSource(year=2015, kwb=kwb_2015), YearSource(year=2024, kwb=kwb_2024, grenzen=buurten_2024)),
                        reference=reference, reference_path=buurten_2016, gemeenten=["GM0606"])


def test_schiedam_2024_is_translated_to_the_2016_areas_and_adds_up(schiedam, kwb_rows, kwb_2015_rows):
    y2015, y2024 = schiedam.years
    assert y2015.crosswalk.identity and not y2024.crosswalk.identity
    total = sum(raw_number(r, "AantalInwoners_5") or 0 for c, r in kwb_rows.items() if c.startswith("BU0606"))
    assert len(y2024.buurten) == 52
    assert abs(y2024.buurten["inwoners"].sum() - total) / total < 0.005
    total_2015 = sum(raw_2015(r, "AANT_INW") for r in kwb_2015_rows.values() if r["GM_CODE"] == "GM0606")
    assert y2015.buurten["inwoners"].sum() == total_2015
    text = schiedam.report_text()
    assert "Jaar 2024: kwb_2024_buurten_rijnmond.csv" in text and "BU06060705" in text


def test_rates_are_recomputed_from_translated_counts(schiedam):
    buurten = schiedam.years[1].buurten
    ok = buurten["bijstand_per_1000_status"] == "ok"
    assert ok.any()
    expected = buurten.loc[ok, "bijstand"] / buurten.loc[ok, "inwoners"] * 1000
    assert buurten.loc[ok, "bijstand_per_1000"].tolist() == pytest.approx(expected.tolist())


def test_margins_follow_the_rounding_of_the_source(maassluis_series, kwb_2015_rows):
    y2015, y2024 = maassluis_series.years
    row = y2015.buurten.set_index("buurtcode").loc["BU05560502"]
    raw = kwb_2015_rows["BU05560502"]
    share, inhabitants = raw_2015(raw, "P_65_EO_JR"), raw_2015(raw, "AANT_INW")
    # a whole percentage (+-0,5) of a count rounded to 5 (+-2,5)
    assert row["inwoners_65plus_marge"] == pytest.approx((0.5 * inhabitants + share * 2.5) / 100)
    codes = [c for c, r in kwb_2015_rows.items() if r["GM_CODE"] == "GM0556"]
    # CBS publishes benefit counts in tens: half of the step the raw values show
    assert row["bijstand_marge"] == published_half_step(raw_2015(kwb_2015_rows[c], "WWB_UITTOT") for c in codes) == 5.0
    assert y2024.buurten.set_index("buurtcode").loc["BU05560502", "inwoners_65plus_marge"] == 2.5
    assert rounding_step(y2024.buurten["woningvoorraad"]) < 5  # not rounded: exact


def test_a_year_twice_or_of_another_year_is_refused(buurten_2016, kwb_2015, kwb_2024):
    from sociale_kaart.sources.boundaries import read_boundaries

    reference = read_boundaries(buurten_2016, ["GM0556"]).frame
    with pytest.raises(InputError, match="meer dan eens"):
        build_series((YearSource(year=2015, kwb=kwb_2015), YearSource(year=2015, kwb=kwb_2015)), reference=reference,
                     reference_path=buurten_2016, gemeenten=["GM0556"])
    with pytest.raises(InputError, match="de cijfers zijn van 2024, niet van 2019"):
        build_series((YearSource(year=2019, kwb=kwb_2024),), reference=reference, reference_path=buurten_2016,
                     gemeenten=["GM0556"])
