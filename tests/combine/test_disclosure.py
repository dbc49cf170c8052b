"""Disclosure control of registration counts: hand-worked small cases, then the real attack.

Every expectation is worked out by hand in the comments or follows from the raw KWB CSV (read
with the csv module); whether a suppressed count can be recovered is decided by an independent
attacker (tests/attack.py, scipy's MILP), never by the code under test.
"""

from __future__ import annotations

import csv
import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from sociale_kaart.combine.disclosure import Protected, Protection, find_relations, protect_counts, publish_rates
from sociale_kaart.errors import InputError
from tests.attack import attack, attack_related, count_interval, feasible_ranges, rate_interval

NAN = float("nan")


def area_map(groupings: dict[str, pd.Series]) -> dict[str, list[str]]:
    """Area id "grouping:code" -> its buurtcodes: public knowledge of the attacker."""
    return {f"{name}:{code}": list(series.index[series.eq(code)])
            for name, series in groupings.items() for code in series.dropna().unique()}


def attack_run(result: Protected, column: str, groupings: dict[str, pd.Series], *, rates=None, informed=None,
               true=None):
    """Everything `result` publishes about `column`, attacked; `informed` adds primary/secondary bounds."""
    areas = area_map(groupings)
    area_values = {f"{name}:{code}": result.totals[name].loc[code, column]
                   for name in groupings for code in result.totals[name].index}
    cell_bounds = area_bounds = None
    if informed:  # the attacker somehow knows which figures are small (primary) and which are not
        small = result.settings.min_count - 1
        values = {**true, **{area: sum(true[code] for code in members) for area, members in areas.items()}}
        bound = {name: ((1, small) if 1 <= value <= small else (result.settings.min_count, None))
                 for name, value in values.items()}
        cell_bounds = {code: bound[code] for code in true}
        area_bounds = {area: bound[area] for area in areas}
    return attack(cells=result.buurten[column].to_dict(), areas=areas, area_values=area_values,
                  rounding=result.settings.rounding, min_count=result.settings.min_count, rates=rates,
                  cell_bounds=cell_bounds, area_bounds=area_bounds)


# --- the attack harness itself --------------------------------------------------------------------


def test_harness_solves_the_textbook_subtraction():
    # wijk total 18 of three buurten, two published as 5 and 12: the third is 1
    ranges = attack(cells={"a": 5, "b": None, "c": 12}, areas={"w": ["a", "b", "c"]}, area_values={"w": 18})
    assert ranges == {"b": (1, 1)}
    # rounded to 5: the total 18 -> 20 means 18..22, 5 means 5..7, 12 -> 10 means 8..12
    ranges = attack(cells={"a": 5, "b": None, "c": 10}, areas={"w": ["a", "b", "c"]}, area_values={"w": 20},
                    rounding=5)
    assert ranges["b"] == (1, 22 - 5 - 8)


def test_harness_intervals():
    assert count_interval(15, rounding=5, min_count=5) == (13, 17)
    assert count_interval(10, rounding=10, min_count=5) == (5, 14)  # half up: 5 -> 10, 15 -> 20
    low, high = rate_interval(14.9, 35825, decimals=1)
    # 14.85 * 35.825 = 532.001 and 14.95 * 35.825 = 535.58: 533..535 (532 / 35.825 = 14.8499 reads 14.8)
    assert (math.ceil(low), math.floor(high)) == (533, 535)
    # an LP relaxation can only be wider than the integer programme
    constraints, bounds = [({"x": 2, "y": 2}, 7, 7)], {"x": (0, 10), "y": (0, 10)}
    with pytest.raises(AssertionError):
        feasible_ranges(constraints, ["x"], bounds=bounds)  # 2x + 2y = 7 has no integer solution
    assert feasible_ranges(constraints, ["x"], bounds=bounds, integer=False) == {"x": (0, 3.5)}


# --- hand-worked small hierarchies -------------------------------------------------------------------

#   wijk W1: A 3, Z 0, B 12, C 20  (total 35)    wijk W2: D 8, E 30 (total 38)    gemeente G: 73
#   own area E1 = W1 without A: Z, B, C (total 32)    own area E2 = W2 (total 38)
CODES = ["A", "Z", "B", "C", "D", "E"]
SMALL = pd.DataFrame({"schuldhulp": [3, 0, 12, 20, 8, 30]}, index=CODES)
WIJK = pd.Series(["W1", "W1", "W1", "W1", "W2", "W2"], index=CODES)
GEMEENTE = pd.Series("G", index=CODES)
EIGEN = pd.Series({"Z": "E1", "B": "E1", "C": "E1", "D": "E2", "E": "E2"})


def test_primary_only_hides_small_cells_and_small_totals():
    counts = pd.DataFrame({"wmo": [3, 0, 7, 12]}, index=["A", "B", "C", "D"])
    wijk = pd.Series(["W1", "W1", "W2", "W2"], index=counts.index)
    result = protect_counts(counts, groupings={"wijk": wijk}, rounding=1, secondary=False)
    assert result.buurten["wmo"].tolist()[1:] == [0, 7, 12] and math.isnan(result.buurten.loc["A", "wmo"])
    assert result.buurt_status["wmo"].tolist() == ["onderdrukt", "ok", "ok", "ok"]
    # W1 = 3 + 0 = 3 is small itself; W2 = 19
    assert math.isnan(result.totals["wijk"].loc["W1", "wmo"]) and result.totals["wijk"].loc["W2", "wmo"] == 19
    assert result.total_status["wijk"]["wmo"].tolist() == ["onderdrukt", "ok"]
    assert (result.primary["wmo"], result.secondary["wmo"]) == (2, 0)
    assert result.settings == Protection(min_count=5, rounding=1, secondary=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.settings = None


def test_rounding_to_five_and_ten_half_up_from_true_sums():
    counts = pd.DataFrame({"a": [7, 7, 7, 8, 12, 13, 0, 5]}, index=list("pqrstuvw"))
    wijk = pd.Series(["W1", "W1", "W1", "W2", "W2", "W2", "W3", "W3"], index=counts.index)
    result = protect_counts(counts, groupings={"wijk": wijk}, rounding=5, secondary=False)
    assert result.buurten["a"].tolist() == [5, 5, 5, 10, 10, 15, 0, 5]
    # W1 = 21 -> 20 (the rounded cells would sum to 15); W2 = 33 -> 35; W3 = 5 -> 5
    assert result.totals["wijk"]["a"].tolist() == [20, 35, 5]
    assert (result.buurt_status["a"] == "ok").all()
    tens = protect_counts(pd.DataFrame({"a": [5, 14, 15, 0]}, index=list("pqrs")), groupings={}, rounding=10,
                          secondary=False)
    assert tens.buurten["a"].tolist() == [10, 10, 20, 0]


def test_settings_are_checked():
    with pytest.raises(InputError, match="hoogstens 10"):
        protect_counts(SMALL, groupings={}, rounding=11)  # 5 would be shown as 0
    with pytest.raises(InputError, match="min-aantal"):
        protect_counts(SMALL, groupings={}, min_count=0)
    assert "veelvoud van 5" in Protection().describe() and "1 t/m 4" in Protection().describe()


@pytest.mark.parametrize("rounding", [1, 5])
def test_own_area_that_is_a_wijk_minus_a_small_buurt(rounding):
    groupings = {"wijk": WIJK, "gemeente": GEMEENTE, "eigen": EIGEN}
    # Without secondary suppression A = W1 - E1 = 35 - 32 = 3, whatever buurt cells are hidden.
    naive = protect_counts(SMALL, groupings=groupings, rounding=1, secondary=False)
    assert attack_run(naive, "schuldhulp", groupings) == {"A": (3, 3)}

    result = protect_counts(SMALL, groupings=groupings, rounding=rounding)
    # Protecting A needs a hidden partner in W1 (>= 6, never the 0): B 12 or C 20; the partner then
    # makes E1 open, which only a hidden total (E1: 32) or more cells can close. Cheapest: B + E1
    # (12 + 32 = 44; C + E1 = 52; hiding W1 (35) leaves G open, and a partner for G in W2, D 8 or
    # E 30, opens W2 and E2 in turn: more than 44).
    status = result.buurt_status["schuldhulp"]
    assert status.to_dict() == {"A": "onderdrukt", "Z": "ok", "B": "onderdrukt", "C": "ok", "D": "ok", "E": "ok"}
    assert result.buurten.loc["Z", "schuldhulp"] == 0
    assert result.total_status["eigen"]["schuldhulp"].to_dict() == {"E1": "onderdrukt", "E2": "ok"}
    assert (result.total_status["wijk"]["schuldhulp"] == "ok").all()
    assert (result.primary["schuldhulp"], result.secondary["schuldhulp"]) == (1, 2)
    half_up = {1: {"C": 20, "D": 8, "E": 30}, 5: {"C": 20, "D": 10, "E": 30}}[rounding]
    assert result.buurten["schuldhulp"].dropna().drop("Z").to_dict() == half_up
    expected_totals = {1: ([35, 38], 73, 38), 5: ([35, 40], 75, 40)}[rounding]
    assert result.totals["wijk"]["schuldhulp"].tolist() == expected_totals[0]
    assert result.totals["gemeente"].loc["G", "schuldhulp"] == expected_totals[1]
    assert result.totals["eigen"].loc["E2", "schuldhulp"] == expected_totals[2]

    ranges = attack_run(result, "schuldhulp", groupings)
    assert set(ranges) == {"A", "B", "eigen:E1"}
    for name, (low, high) in ranges.items():
        assert high - low >= max(rounding, 2), (name, low, high)
    # exact: A + B = 35 - 0 - 20 = 15, both >= 1: A in 1..14
    if rounding == 1:
        assert ranges["A"] == (1, 14)


def test_complement_leaves_room_below_it():
    # A 1 next to a 5: A + F = 6 with F >= 5 would tell A = 1 to whoever knows F is not small.
    counts = pd.DataFrame({"a": [1, 5, 9, 20, 30]}, index=["A", "F", "B", "C", "D"])
    wijk = pd.Series(["W1", "W1", "W1", "W2", "W2"], index=counts.index)
    groupings = {"wijk": wijk, "gemeente": pd.Series("G", index=counts.index)}
    result = protect_counts(counts, groupings=groupings, rounding=1)
    assert result.buurt_status["a"].tolist() == ["onderdrukt", "ok", "onderdrukt", "ok", "ok"]
    true = counts["a"].to_dict()
    # A + B = 10, B >= 5: A in 1..4 even for the informed attacker
    assert attack_run(result, "a", groupings, informed=True, true=true)["A"] == (1, 4)


def test_small_cells_on_a_direction_keep_room_to_move():
    #   W0: S 20    W1: Q 8, A 1 (9)    W2: P 4, F 5, R 12 (21)    G: 50
    #   own areas: E0 = {A} (1, small itself), E1 = {P, Q, S} (32)
    counts = pd.DataFrame({"a": [20, 8, 1, 4, 5, 12]}, index=["S", "Q", "A", "P", "F", "R"])
    wijk = pd.Series(["W0", "W1", "W1", "W2", "W2", "W2"], index=counts.index)
    eigen = pd.Series({"A": "E0", "P": "E1", "Q": "E1", "S": "E1"})
    groupings = {"wijk": wijk, "gemeente": pd.Series("G", index=counts.index), "eigen": eigen}
    result = protect_counts(counts, groupings=groupings, rounding=1)
    # A needs Q (8) in W1; that opens E1. Closing E1 with P going up (free: P is hidden anyway) and
    # R 12 going down in W2 costs only 20, but then E1 stays published: P + Q = 32 - 20 = 12 and
    # A + Q = 9 give P = A + 3, so whoever knows that A and P are small (1..4) reads A = 1, P = 4.
    # Small cells only move on a direction when they have room (2..3), so E1 is hidden instead
    # (8 + 32 = 40, cheaper than any route through S and W0); then P pairs with R in W2 (12).
    assert result.buurt_status["a"].to_dict() == {"S": "ok", "Q": "onderdrukt", "A": "onderdrukt",
                                                  "P": "onderdrukt", "F": "ok", "R": "onderdrukt"}
    assert result.total_status["eigen"]["a"].tolist() == ["onderdrukt", "onderdrukt"]
    assert (result.total_status["wijk"]["a"] == "ok").all() and result.totals["gemeente"].loc["G", "a"] == 50
    assert (result.primary["a"], result.secondary["a"]) == (3, 3)  # A, P, E0; Q, R, E1
    # W1: A + Q = 9, W2: P + R = 16, Q and R >= 5: A and P keep all of 1..4
    informed = attack_run(result, "a", groupings, informed=True, true=counts["a"].to_dict())
    assert informed["A"] == (1, 4) and informed["P"] == (1, 4)


def test_unknown_counts_and_sentinels():
    counts = pd.DataFrame({"a": [np.nan, 8, 9, 10], "b": [-99997, 6, 7, 20]}, index=list("pqrs"))
    wijk = pd.Series(["W1", "W1", "W2", "W2"], index=counts.index)
    result = protect_counts(counts, groupings={"wijk": wijk}, rounding=1)
    for column in "ab":
        assert result.buurt_status[column].tolist() == ["onbekend", "ok", "ok", "ok"]
        assert result.total_status["wijk"][column].tolist() == ["onbekend", "ok"]
        assert math.isnan(result.totals["wijk"].loc["W1", column])
    assert result.totals["wijk"]["a"].tolist()[1] == 19 and result.totals["wijk"]["b"].tolist()[1] == 27


@pytest.mark.parametrize(("counts", "groupings", "message"), [
    (pd.DataFrame({"a": [1, 2]}, index=["BU1", "BU1"]), {}, "buurtcode BU1 komt meer dan eens voor"),
    (pd.DataFrame({"a": [1, -2]}, index=["BU1", "BU2"]), {}, "kolom a, buurtcode BU2: negatief"),
    (pd.DataFrame({"a": [1, 2.5]}, index=["BU1", "BU2"]), {}, "kolom a, buurtcode BU2: 2.5 is geen geheel"),
    (pd.DataFrame({"a": ["x", "y"]}, index=["BU1", "BU2"]), {}, "kolom a bevat geen aantallen"),
    (pd.DataFrame({"a": [1, 2]}, index=["BU1", "BU2"]), {"wijk": pd.Series({"BU1": "W", "BU9": "W"})},
     "gebiedsindeling wijk: buurtcode BU9 staat niet"),
])
def test_bad_input_is_named(counts, groupings, message):
    with pytest.raises(InputError, match=message):
        protect_counts(counts, groupings=groupings)


def test_rates_from_published_counts():
    counts = pd.DataFrame({"a": [535.0, NAN, 0.0, 10.0, 10.0]}, index=["GM", "WK1", "WK2", "WK3", "WK4"])
    inhabitants = pd.Series({"GM": 35825, "WK1": 2915, "WK2": 40, "WK3": 2915, "WK4": -99997})
    rates = publish_rates(counts, inhabitants)
    # 535 / 35825 * 1000 = 14.93...; 10 / 2915 * 1000 = 3.43...; 40 inhabitants < 50; sentinel: missing
    assert rates["a"].tolist()[0] == 14.9 and rates["a"].tolist()[3] == 3.4
    assert rates["a"].isna().tolist() == [False, True, True, False, True]
    assert all(len(repr(value).split(".")[1]) <= 1 for value in rates["a"].dropna())
    per_column = publish_rates(counts, pd.DataFrame({"a": inhabitants * 2}), scale=100, decimals=2)
    assert per_column.loc["GM", "a"] == 0.75  # 535 / 71650 * 100 = 0.7467
    with pytest.raises(InputError, match="WK1"):
        publish_rates(pd.DataFrame({"a": [5.0, 14.905792044661549]}, index=["GM", "WK1"]), inhabitants)


# --- the real attack on Maassluis ------------------------------------------------------------------


@pytest.fixture(scope="module")
def maassluis(kwb_2024):
    """19 buurten of GM0556 with inhabitants, from the raw CSV, plus two synthetic registrations.

    schuldhulp: 3 in BU05560101 (alone in WK055601), 21..38 in the 18 others (sum 531, total 534);
    wmo: WK055602 has 5, 1, 12 (total 18); the 16 other buurten 6..21.
    """
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter=";")
                if row["SoortRegio_2"].strip() == "Buurt" and row["Codering_3"].strip().startswith("BU0556")]
    codes = sorted(row["Codering_3"].strip() for row in rows)
    inhabitants = pd.Series({row["Codering_3"].strip(): float(row["AantalInwoners_5"]) for row in rows})[codes]
    others = [code for code in codes if code != "BU05560101"]
    schuldhulp = {"BU05560101": 3, **{code: 21 + i for i, code in enumerate(others)}}
    wijk_02 = {"BU05560201": 5, "BU05560202": 1, "BU05560203": 12}
    rest = iter(range(6, 22))
    wmo = {code: wijk_02[code] if code in wijk_02 else next(rest) for code in codes}
    counts = pd.DataFrame({"schuldhulp": schuldhulp, "wmo": wmo}).loc[codes]
    wijk = pd.Series({code: "WK" + code[2:8] for code in codes})
    gemeente = pd.Series("GM0556", index=codes)
    # own areas: "Centrum" is WK055602 without its small buurt, "Oud" mixes three wijken
    eigen = pd.Series({"BU05560201": "Centrum", "BU05560203": "Centrum", "BU05560101": "Oud",
                       "BU05560202": "Oud", "BU05560301": "Oud", "BU05560302": "Oud", "BU05560303": "Oud",
                       "BU05560401": "Haven", "BU05560402": "Haven"})
    return counts, inhabitants, {"wijk": wijk, "gemeente": gemeente}, eigen


def test_maassluis_numbers_are_the_reported_ones(maassluis):
    counts, inhabitants, groupings, _ = maassluis
    assert len(counts) == 19 and groupings["wijk"].nunique() == 8 and inhabitants.sum() == 35825
    assert counts["schuldhulp"].sum() == 534 and counts["schuldhulp"].drop("BU05560101").sum() == 531
    assert counts["schuldhulp"].sum() / inhabitants.sum() * 1000 == 14.905792044661549
    wijk_02 = counts.loc[groupings["wijk"].eq("WK055602"), "wmo"]
    assert wijk_02.sum() == 18 and sorted(wijk_02) == [1, 5, 12]


def rates_for(result: Protected, column: str, groupings, inhabitants) -> dict:
    """Every rate the run publishes, as (rate, denominator, decimals) for the attacker."""
    rates = {}
    buurt_rates = publish_rates(result.buurten[[column]], inhabitants)[column]
    rates.update({code: (rate, inhabitants[code], 1) for code, rate in buurt_rates.items()})
    for name, series in groupings.items():
        denominators = inhabitants[series.index].groupby(series).sum()
        area_rates = publish_rates(result.totals[name][[column]], denominators)[column]
        rates.update({f"{name}:{code}": (rate, denominators[code], 1) for code, rate in area_rates.items()})
    return rates


def test_maassluis_attack_without_protection_recovers_3_and_1(maassluis):
    """What was published: small buurten and wijken hidden, everything else exact, a 15-digit rate."""
    counts, inhabitants, groupings, _ = maassluis
    areas = area_map(groupings)
    for column, code, value in (("schuldhulp", "BU05560101", 3), ("wmo", "BU05560202", 1)):
        true = counts[column]
        cells = {c: (None if 1 <= v <= 4 else float(v)) for c, v in true.items()}
        wijk_values = {area: sum(true[c] for c in members) for area, members in areas.items()
                       if area.startswith("wijk")}
        area_values = {area: (None if 1 <= v <= 4 else float(v)) for area, v in wijk_values.items()}
        gemeente_rate = float(true.sum()) / 35825 * 1000
        ranges = attack(cells=cells, areas=areas, area_values=area_values,
                        rates={"gemeente:GM0556": (gemeente_rate, 35825, None)})
        assert ranges[code] == (value, value)


def test_maassluis_attack_on_primary_suppression_only(maassluis):
    counts, inhabitants, groupings, _ = maassluis
    result = protect_counts(counts, groupings=groupings, rounding=1, secondary=False)
    assert result.secondary.tolist() == [0, 0]
    for column, code, value in (("schuldhulp", "BU05560101", 3), ("wmo", "BU05560202", 1)):
        ranges = attack_run(result, column, groupings, rates=rates_for(result, column, groupings, inhabitants))
        assert ranges[code] == (value, value)


@pytest.mark.parametrize("rounding", [1, 5])
@pytest.mark.parametrize("own_areas", [False, True])
def test_maassluis_attack_on_protected_output(maassluis, rounding, own_areas):
    counts, inhabitants, groupings, eigen = maassluis
    if own_areas:
        groupings = {**groupings, "eigen_indeling": eigen}
    result = protect_counts(counts, groupings=groupings, rounding=rounding)
    width = max(rounding, 2)
    for column in counts:
        true = counts[column].to_dict()
        truth = {**true, **{area: sum(true[c] for c in members) for area, members in area_map(groupings).items()}}
        rates = rates_for(result, column, groupings, inhabitants)
        ranges = attack_run(result, column, groupings, rates=rates)
        small = [code for code, value in true.items() if 1 <= value <= 4]
        assert set(small) <= set(ranges)
        for name, (low, high) in ranges.items():
            assert low <= truth[name] <= high, name
            assert high - low >= width, (column, name, low, high)
        # Stronger than promised: even someone who knows which figures are small does not pin one.
        informed = attack_run(result, column, groupings, rates=rates, informed=True, true=true)
        for code in small:
            assert informed[code][1] > informed[code][0], (column, code, informed[code])


@pytest.mark.parametrize("gemeente", ["GM0556", "GM0622", "GM0606"])
def test_dense_small_counts_stay_protected(kwb_rows, gemeente):
    """Many small cells, overlapping own areas: every suppressed figure keeps its width."""
    codes = sorted(code for code in kwb_rows if code.startswith("BU" + gemeente[2:]))
    rng = np.random.default_rng(int(gemeente[2:]))
    counts = pd.DataFrame({"a": rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40], size=len(codes))}, index=codes)
    groupings = {"wijk": pd.Series({code: "WK" + code[2:8] for code in codes}),
                 "gemeente": pd.Series(gemeente, index=codes),
                 "eigen": pd.Series({code: f"E{rng.integers(0, len(codes) // 6)}" for code in codes
                                     if rng.random() < 0.8})}
    for rounding in (1, 5):
        result = protect_counts(counts, groupings=groupings, rounding=rounding)
        ranges = attack_run(result, "a", groupings)
        assert len(ranges) >= (counts["a"].between(1, 4)).sum()
        for name, (low, high) in ranges.items():
            assert high - low >= max(rounding, 2), (gemeente, rounding, name, low, high)


# --- related columns: a total with its parts, one registration split two ways -----------------------


def related_counts(codes, seed: int, *, two_splits: bool) -> pd.DataFrame:
    """Random Wmo counts per buurt: hh and vervoer, their total, and (two_splits) jong + oud = total."""
    rng = np.random.default_rng(seed)
    hh = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20], size=len(codes))
    vervoer = rng.choice([0, 1, 2, 3, 4, 5, 7, 9, 15], size=len(codes))
    columns = {"wmo_hh": hh, "wmo_vervoer": vervoer, "wmo_totaal": hh + vervoer}
    if two_splits:
        jong = np.array([rng.integers(0, t + 1) for t in hh + vervoer])
        columns.update({"wmo_jong": jong, "wmo_oud": hh + vervoer - jong})
    return pd.DataFrame(columns, index=codes)


def attack_columns(result: Protected, groupings, relations) -> dict:
    """Every published figure of every column, attacked together with the sums the attacker knows."""
    areas = area_map(groupings)
    columns = {col: (result.buurten[col].to_dict(),
                     {f"{name}:{code}": result.totals[name].loc[code, col]
                      for name in groupings for code in result.totals[name].index})
               for col in result.buurten}
    return attack_related(columns=columns, areas=areas, relations=relations, rounding=result.settings.rounding,
                          min_count=result.settings.min_count)


def maassluis_groupings(kwb_rows):
    codes = sorted(code for code in kwb_rows if code.startswith("BU0556"))
    return codes, {"wijk": pd.Series({code: "WK" + code[2:8] for code in codes}),
                   "gemeente": pd.Series("GM0556", index=codes)}


def test_find_relations_recognises_a_total_and_both_splits():
    counts = pd.DataFrame({"hh": [2, 7, 0, 1], "vervoer": [5, 1, 3, 0], "totaal": [7, 8, 3, 1],
                           "jong": [7, 0, 1, 1], "oud": [0, 8, 2, 0], "los": [9, 9, 9, 9]})
    found = {(total, frozenset(parts)) for total, parts in find_relations(counts)}
    # by hand: 2+5=7, 7+1=8, 0+3=3, 1+0=1 and 7+0, 0+8, 1+2, 1+0; "los" is larger than the total
    assert found == {("totaal", frozenset({"hh", "vervoer"})), ("totaal", frozenset({"jong", "oud"}))}
    with pytest.raises(InputError, match="klopt niet bij buurtcode 0: 7 is niet 9"):  # 2 + 7
        protect_counts(counts, groupings={}, relations=[("totaal", ["hh", "jong"])])
    with pytest.raises(InputError, match="kolom wmo is geen registratiekolom"):
        protect_counts(counts, groupings={}, relations=[("totaal", ["hh", "wmo"])])


@pytest.mark.parametrize("two_splits", [False, True], ids=["total-and-parts", "two-splits"])
def test_no_subtraction_between_related_columns_narrows_a_suppressed_count(kwb_rows, two_splits):
    codes, groupings = maassluis_groupings(kwb_rows)
    relations = [("wmo_totaal", ("wmo_hh", "wmo_vervoer"))] + ([("wmo_totaal", ("wmo_jong", "wmo_oud"))]
                                                              if two_splits else [])
    narrowed_column_by_column = 0
    for seed in range(6):
        counts = related_counts(codes, seed, two_splits=two_splits)
        found = {(t, frozenset(p)) for t, p in find_relations(counts)}
        assert {(t, frozenset(p)) for t, p in relations} <= found
        protected = protect_counts(counts, groupings=groupings, relations=find_relations(counts))
        for name, (low, high) in attack_columns(protected, groupings, relations).items():
            column, code = name.split("|")
            truth = counts.at[code, column] if code in counts.index else None
            assert truth is None or low <= truth <= high, name
            assert high - low >= 5, f"seed {seed}: {name} narrowed to {low}..{high}"
        alone = protect_counts(counts, groupings=groupings)  # column by column, as before
        ranges = attack_columns(alone, groupings, relations)
        narrowed_column_by_column += any(high - low < 5 for low, high in ranges.values())
    assert narrowed_column_by_column, "the test can fail: column by column, a subtraction narrows a cell"


def test_a_total_unknown_in_its_file_stays_unknown_beside_known_parts():
    counts = pd.DataFrame({"hh": [6, 7, 9], "vervoer": [8, 10, 12], "totaal": [14, NAN, 21]}, index=["A", "B", "C"])
    groupings = {"wijk": pd.Series(["W", "W", "V"], index=counts.index)}
    result = protect_counts(counts, groupings=groupings, rounding=1, relations=[("totaal", ("hh", "vervoer"))])
    assert result.buurt_status["totaal"].tolist() == ["ok", "onbekend", "ok"]
    assert result.buurten["totaal"].tolist()[::2] == [14, 21]  # 6 + 8, 9 + 12
    assert result.total_status["wijk"].loc[["V", "W"], "totaal"].tolist() == ["ok", "onbekend"]
    assert result.totals["wijk"].loc["V", "totaal"] == 21


def test_periods_protected_together_hide_the_same_figures_in_every_period(kwb_rows):
    codes, groupings = maassluis_groupings(kwb_rows)
    rng = np.random.default_rng(5)
    months = {m: rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 25], size=len(codes)) for m in ("jan", "feb", "mrt")}
    counts = pd.DataFrame(months, index=codes)
    apart = protect_counts(counts, groupings=groupings)
    changed = sum((apart.buurt_status[a] != apart.buurt_status[b]).sum() for a, b in (("jan", "feb"), ("feb", "mrt")))
    assert changed, "apart, the months hide different buurten: a reader can follow one"
    result = protect_counts(counts, groupings=groupings, together=[("jan", "feb", "mrt")])
    figures = [(result.buurt_status, counts)] + [(result.total_status[name], None) for name in groupings]
    for status, raw in figures:
        hidden = status.eq("onderdrukt")
        for month in months:
            others = hidden.drop(columns=month).any(axis=1)
            # hidden in another month: hidden here too, unless this month's count is 0 (a 0 is always shown)
            zero = raw[month].eq(0) if raw is not None else pd.Series(False, index=status.index)
            assert (hidden[month] | ~others | zero).all(), month
    for month in months:  # and each month still holds against the attacker
        for name, (low, high) in attack_run(result, month, groupings).items():
            assert high - low >= 5, (month, name, low, high)
