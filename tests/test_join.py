import pandas as pd

from sociale_kaart.boundaries import read_boundaries
from sociale_kaart.join import join_figures
from sociale_kaart.kwb import read_kwb


def test_maassluis_all_19_match(buurten_2016, kwb_2024):
    joined, report = join_figures(read_boundaries(buurten_2016, ["GM0556"]), read_kwb(kwb_2024), ["GM0556"])
    assert len(report.gekoppeld) == 19 and report.complete
    assert (joined["koppeling"] == "gekoppeld").all()
    assert report.jaar_grenzen == 2016 and report.jaar_cijfers == 2024
    assert "verschillende jaren" in report.to_text()


def test_schiedam_mismatch_is_reported_not_hidden(buurten_2016, kwb_2024, kwb_rows):
    boundaries = read_boundaries(buurten_2016, ["GM0606"])
    joined, report = join_figures(boundaries, read_kwb(kwb_2024), ["GM0606"])
    codes_2016 = set(boundaries["buurtcode"])
    codes_2024 = {c for c in kwb_rows if c.startswith("BU0606")}
    assert len(report.gekoppeld) == len(codes_2016 & codes_2024) == 42
    assert report.alleen_grenzen == sorted(codes_2016 - codes_2024) and len(report.alleen_grenzen) == 10
    assert report.alleen_cijfers == sorted(codes_2024 - codes_2016) and len(report.alleen_cijfers) == 28
    assert (joined["koppeling"] == "geen cijfers").sum() == 10
    assert joined.loc[joined["koppeling"] == "geen cijfers", "inwoners"].isna().all()
    text = report.to_text()
    assert "42 buurten" in text and "10 (geen cijfers" in text and "28 (geen grens" in text
    assert report.to_dict()["alleen_cijfers"] == report.alleen_cijfers  # the JSON has every code


def test_duplicate_codes_are_reported_and_not_joined(buurten_2016, kwb_2024):
    kwb = read_kwb(kwb_2024, ["GM0556"])
    doubled = pd.concat([kwb, kwb[kwb.buurtcode == "BU05560101"]], ignore_index=True)
    doubled.attrs = kwb.attrs
    joined, report = join_figures(read_boundaries(buurten_2016, ["GM0556"]), doubled, ["GM0556"])
    assert report.dubbel_cijfers == ["BU05560101"]
    row = joined.set_index("buurtcode").loc["BU05560101"]
    assert row["koppeling"] == "dubbele code" and pd.isna(row["inwoners"])
    assert len(report.gekoppeld) == 18
