"""Targets against the nulmeting: the structuurvisie of Maassluis, judged on 2015 -> 2024."""

from __future__ import annotations

import pytest

from tests.helpers import NAMED, expected_status, raw_2015, raw_counts, raw_number, structuurvisie
from sociale_kaart.analysis.targets import judge_targets, short_unit, targets_table
from sociale_kaart.errors import InputError
from sociale_kaart.settings import Target
from sociale_kaart.sources.areas import Area, resolve_area
from sociale_kaart.texts import nl_number

def test_the_structuurvisie_targets_get_their_statuses(maassluis_series, kwb_2015_rows, kwb_rows):
    results = judge_targets(structuurvisie(), maassluis_series)
    by_name = {r["BU_NAAM"]: code for code, r in kwb_2015_rows.items() if r["GM_CODE"] == "GM0556"}
    all_codes = list(by_name.values())
    statuses = {}
    for result, target in zip(results, structuurvisie()):
        codes = all_codes if target.area == "Maassluis" else [by_name[target.area]]
        base, last = raw_counts(kwb_2015_rows, kwb_rows, codes)
        assert result.level == ("gemeente" if target.area == "Maassluis" else "buurt")
        assert result.baseline_value == pytest.approx(base[0] / base[1] * 1000)
        assert result.value == pytest.approx(last[0] / last[1] * 1000)
        assert result.status == expected_status(base, last, target.direction), result.sentence
        statuses[target.area] = result.status
    # Not every target has the same fate: the test would not notice a constant status.
    assert len(set(statuses.values())) == 2
    # The figures: 29,5 -> 25,7 per 1.000 is a fall of 13 %, no "gelijk"; the buurten as before.
    assert statuses == {"Componistenbuurt": "niet gehaald", "Burgemeesterswijk": "gehaald",
                        "Sluispolder Oost": "niet gehaald", "Sluispolder West": "gehaald", "Maassluis": "niet gehaald"}
    gemeente = results[-1]
    assert gemeente.change == "gedaald" and gemeente.basis == "som van de buurten"
    assert gemeente.sentence.endswith("gedaald, doel niet gehaald (som van de buurten)")
    assert results[2].change == "gelijk (binnen de afronding)"  # Sluispolder Oost: level within the rounding


def test_the_sentence_says_it_with_the_numbers(maassluis_series, kwb_2015_rows, kwb_rows):
    result = judge_targets(structuurvisie()[1:2], maassluis_series)[0]
    old, new = kwb_2015_rows["BU05560502"], kwb_rows["BU05560502"]
    base = float(old["WWB_UITTOT"]) / float(old["AANT_INW"]) * 1000
    last = raw_number(new, "PersonenPerSoortUitkeringBijstand_87") / raw_number(new, "AantalInwoners_5") * 1000
    assert result.sentence == (f"Bijstand in Burgemeesterswijk: {nl_number(base)} per 1.000 in 2015, "
                               f"{nl_number(last)} in 2024: gedaald, doel gehaald")
    assert result.sentence == "Bijstand in Burgemeesterswijk: 51,8 per 1.000 in 2015, 33,1 in 2024: gedaald, doel gehaald"


def test_before_the_target_year_a_target_is_on_track_or_not(maassluis_series):
    results = judge_targets(structuurvisie(target_year=2028), maassluis_series)
    final = judge_targets(structuurvisie(), maassluis_series)
    for early, late in zip(results, final):
        assert early.year == 2024
        assert early.status == {"gehaald": "op koers", "niet gehaald": "niet op koers"}[late.status]
        assert "voor het doel in 2028" in early.sentence


def test_wilgenrijk_is_not_judged_and_says_why(maassluis_series, kwb_2015_rows):
    assert raw_2015(kwb_2015_rows["BU05560801"], "AANT_INW") == 90
    result = judge_targets([Target(area="Wilgenrijk", indicator="bijstand_per_1000", baseline_year=2015,
                                   target_year=2024, direction="daling")], maassluis_series)[0]
    assert result.status == "niet te beoordelen"
    assert result.reason == "te weinig inwoners in 2015 (90, minimum 200)"
    assert result.sentence.endswith("niet te beoordelen: te weinig inwoners in 2015 (90, minimum 200)")


def test_a_target_value_is_reached_or_not(maassluis_series, kwb_rows):
    new = kwb_rows["BU05560302"]  # Sluispolder West
    last = raw_number(new, "PersonenPerSoortUitkeringBijstand_87") / raw_number(new, "AantalInwoners_5") * 1000
    targets = [Target(area="BU05560302", indicator="bijstand_per_1000", baseline_year=2015, target_year=2024,
                      value=round(last) + 1),
               Target(area="BU05560302", indicator="bijstand_per_1000", baseline_year=2015, target_year=2024,
                      value=round(last) - 2)]
    met, missed = judge_targets(targets, maassluis_series)
    assert (met.status, missed.status) == ("gehaald", "niet gehaald")
    assert f"doel van {nl_number(round(last) + 1)} per 1.000 gehaald" in met.sentence


def test_names_resolve_to_a_buurt_a_wijk_or_the_gemeente(maassluis_series):
    areas = maassluis_series.areas
    with pytest.raises(InputError, match="Burgemeesterswijk .*BU05560502.*Wijk 05 Burgemeesterswijk .*WK055605.*"
                                         "geef de code of het niveau"):  # a buurt and a wijk: never a silent pick
        resolve_area(areas, "Burgemeesterswijk", source="doel")
    assert resolve_area(areas, "Burgemeesterswijk", source="doel", levels=["buurt"]) == \
        Area("buurt", "BU05560502", "Burgemeesterswijk", "Maassluis")
    assert resolve_area(areas, "burgemeesterswijk", source="doel", levels=["wijk"]).code == "WK055605"
    assert resolve_area(areas, "Maassluis", source="doel").code == "GM0556"
    with pytest.raises(InputError, match="Sluispolder"):
        resolve_area(areas, "Sluispolder Noord", source="doel")


def test_wrong_targets_are_refused_loudly(maassluis_series):
    with pytest.raises(InputError, match="wmo_per_1000"):  # the 2015 map has no Wmo
        judge_targets([Target(area="Maassluis", indicator="wmo_per_1000", baseline_year=2015, target_year=2024,
                              direction="daling")], maassluis_series)
    with pytest.raises(InputError, match="2013"):
        judge_targets([Target(area="Maassluis", indicator="bijstand_per_1000", baseline_year=2013, target_year=2024,
                              direction="daling")], maassluis_series)
    with pytest.raises(InputError, match="richting"):
        Target(area="Maassluis", indicator="bijstand_per_1000", baseline_year=2015, target_year=2024)


def test_the_progress_table_has_a_row_per_target(maassluis_series):
    table = targets_table(judge_targets(structuurvisie(), maassluis_series))
    assert list(table["gebied"]) == [*NAMED, "Maassluis"]
    assert set(table["status"]) <= {"gehaald", "niet gehaald"}
    assert short_unit("per 1.000 inwoners") == "per 1.000"
