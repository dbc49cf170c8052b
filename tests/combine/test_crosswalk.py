"""The crosswalk between boundary years: synthetic cases by hand, Schiedam and Maassluis on real maps."""

from __future__ import annotations

import math
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from conftest import raw_number
from sociale_kaart.combine.crosswalk import ASSUMPTION_TEXT, MAX_ASSUMPTION, crosswalk, identity_crosswalk


def km(x0, x1, y0=0.0, y1=1.0):
    return shapely.box(x0 * 1000, y0 * 1000, x1 * 1000, y1 * 1000)


def frame(codes, geoms):
    return gpd.GeoDataFrame({"buurtcode": codes}, geometry=geoms, crs="EPSG:28992")


def test_a_split_area_spreads_its_count_by_area_and_rests_on_assumption():
    old = frame(["A"], [km(0, 4)])
    new = frame(["A1", "A2"], [km(0, 1), km(1, 4)])  # a quarter and three quarters
    cw = crosswalk(old, new)
    out = cw.translate(pd.DataFrame({"n": [400.0]}, index=["A"]))
    assert out["n"].tolist() == pytest.approx([100.0, 300.0])
    assert cw.areas["deel_aanname"].tolist() == [1.0, 1.0]
    assert cw.areas["aanname"].all() and set(cw.areas["kwaliteit"]) == {ASSUMPTION_TEXT}
    assert not cw.identity


def test_merged_areas_are_summed_without_assumption():
    old = frame(["A", "B"], [km(0, 1), km(1, 2)])
    new = frame(["AB"], [km(0, 2)])
    cw = crosswalk(old, new)
    assert cw.translate(pd.DataFrame({"n": [10.0, 25.0]}, index=["A", "B"]))["n"].tolist() == [35.0]
    assert cw.areas.loc["AB", "deel_aanname"] == 0.0 and cw.areas.loc["AB", "deel_vertaald"] == 1.0


def test_a_missing_count_is_never_a_partial_sum():
    old = frame(["A", "B"], [km(0, 1), km(1, 2)])
    new = frame(["AB"], [km(0, 2)])
    out = crosswalk(old, new).translate(pd.DataFrame({"n": [10.0, np.nan]}, index=["A", "B"]))
    assert math.isnan(out.loc["AB", "n"])


def test_a_reused_code_is_another_area_not_the_same_buurt():
    old = frame(["X", "Y"], [km(0, 1), km(1, 2)])
    new = frame(["X", "Y"], [km(1, 2), km(0, 1)])  # the codes swapped areas
    cw = crosswalk(old, new)
    assert not cw.identity
    assert {c for c, _ in cw.changed_codes} == {"X", "Y"}
    out = cw.translate(pd.DataFrame({"n": [5.0, 70.0]}, index=["X", "Y"]))
    assert out.loc["X", "n"] == 70.0 and out.loc["Y", "n"] == 5.0
    assert (cw.areas["deel_vertaald"] == 1.0).all()


def test_same_codes_and_areas_are_the_identity_and_say_so():
    old = frame(["A", "B"], [km(0, 1), km(1, 2)])
    cw = crosswalk(old, old.copy())
    assert cw.identity and "identiek" in cw.describe()
    assert identity_crosswalk(["A", "B"]).areas["deel_vertaald"].tolist() == [0.0, 0.0]


def test_an_area_outside_every_target_is_reported_not_spread():
    old = frame(["A"], [km(0, 2)])
    new = frame(["A1"], [km(0, 1)])  # half of A has no target area
    cw = crosswalk(old, new)
    assert cw.uncovered == (("A", 0.5),)
    assert cw.translate(pd.DataFrame({"n": [100.0]}, index=["A"]))["n"].tolist() == [50.0]
    assert "deels buiten" in cw.describe()


def test_addresses_weigh_the_split_instead_of_area():
    old = frame(["A"], [km(0, 4)])
    new = frame(["A1", "A2"], [km(0, 1), km(1, 4)])
    # 30 addresses in the first kilometre, 10 in the other three
    x = np.r_[np.linspace(100, 900, 30), np.linspace(1500, 3500, 10)]
    y = np.full(40, 500.0)
    cw = crosswalk(old, new, addresses=(x, y))
    assert cw.method == "adressen"
    assert cw.translate(pd.DataFrame({"n": [400.0]}, index=["A"]))["n"].tolist() == pytest.approx([300.0, 100.0])


# --- Schiedam: the 2024 map translated back to the 2016 map --------------------------------------

@pytest.fixture(scope="module")
def schiedam(buurten_2016, buurten_2024, kwb_2024):
    from sociale_kaart.sources.boundaries import read_boundaries
    from sociale_kaart.sources.kwb import read_kwb

    new = read_boundaries(buurten_2024, ["GM0606"]).frame
    old = read_boundaries(buurten_2016, ["GM0606"]).frame
    figures = read_kwb(kwb_2024, ["GM0606"]).buurten.set_index("buurtcode")
    cw = crosswalk(new, old, reference=figures["inwoners"])
    return cw, figures, new, old


def test_schiedam_2024_inhabitants_on_the_2016_areas_add_up(schiedam, kwb_rows):
    cw, figures, _, old = schiedam
    total_2024 = sum(raw_number(row, "AantalInwoners_5") or 0.0 for code, row in kwb_rows.items()
                     if code.startswith("BU0606"))
    translated = cw.translate(figures[["inwoners"]])["inwoners"]
    assert len(translated) == len(old) == 52
    assert translated.notna().all()
    assert abs(translated.sum() - total_2024) / total_2024 < 0.005


def test_schiedam_every_reused_code_is_a_change_of_area(schiedam, buurten_2016, buurten_2024, kwb_rows):
    cw, *_ = schiedam

    def names(path):
        with sqlite3.connect(path) as con:
            return dict(con.execute("select buurtcode, buurtnaam from buurten where gemeentecode = 'GM0606'"))

    old, new = names(buurten_2016), names(buurten_2024)
    reused = {c for c in set(old) & set(new) if old[c] != new[c]}
    assert "BU06060705" in reused  # Kethel-dorp in 2016, Groenoord-Noord in 2024
    changed = {c for c, _ in cw.changed_codes}
    assert reused <= changed
    for code in reused:  # never passed on as the same buurt
        assert cw.areas.loc[code, "deel_vertaald"] > 0
        assert cw.areas.loc[code, "kwaliteit"] != "ongewijzigd"


def test_schiedam_unchanged_areas_keep_their_own_figure(schiedam, kwb_rows):
    cw, figures, *_ = schiedam
    unchanged = cw.areas.index[cw.areas["deel_vertaald"] == 0]
    assert len(unchanged) >= 5
    translated = cw.translate(figures[["inwoners"]])["inwoners"]
    for code in unchanged:
        assert translated[code] == raw_number(kwb_rows[code], "AantalInwoners_5")


def test_schiedam_quality_flags_follow_the_share_of_assumption(schiedam):
    cw, *_ = schiedam
    areas = cw.areas
    assert (areas["aanname"] == (areas["deel_aanname"] > MAX_ASSUMPTION)).all()
    assert areas["aanname"].any() and (~areas["aanname"]).any()
    assert "rust grotendeels op aanname" in cw.describe()


def test_maassluis_2024_map_onto_the_2016_map_is_the_identity(buurten_2016, buurten_2024):
    from sociale_kaart.sources.boundaries import read_boundaries

    new = read_boundaries(buurten_2024, ["GM0556"]).frame
    old = read_boundaries(buurten_2016, ["GM0556"]).frame
    cw = crosswalk(new, old)
    assert cw.identity, cw.changed_codes
    assert "identiek" in cw.describe()


def test_address_points_are_read_from_a_postcode_table_with_coordinates(tmp_path):
    from sociale_kaart.errors import InputError
    from sociale_kaart.sources.addresses import read_address_points

    path = tmp_path / "pc6hnr.csv"
    path.write_text("PC6;Huisnummer;x;y\n3141AB;1;77000,5;440000\n3141AB;3;;\n", encoding="utf-8")
    x, y = read_address_points(path)
    assert x.tolist() == [77000.5] and y.tolist() == [440000.0]
    (tmp_path / "codes.csv").write_text("PC6;Huisnummer;Buurt2024\n3141AB;1;BU05560101\n", encoding="utf-8")
    assert read_address_points(tmp_path / "codes.csv") is None
    (tmp_path / "leeg.csv").write_text("PC6;x;y\n3141AB;;\n", encoding="utf-8")
    with pytest.raises(InputError, match="geen bruikbare"):
        read_address_points(tmp_path / "leeg.csv")
