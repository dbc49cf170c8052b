import geopandas as gpd
import pandas as pd
import pytest
import shapely

from sociale_kaart.combine.join import join_figures
from sociale_kaart.sources.boundaries import read_boundaries
from sociale_kaart.sources.kwb import read_kwb


@pytest.fixture(scope="module")
def kwb(kwb_2024):
    return read_kwb(kwb_2024)


def _join(buurten_2016, kwb, code):
    read = read_boundaries(buurten_2016, [code])
    joined, report = join_figures(read.frame, kwb.buurten, gemeenten=[code], source_boundaries=read.source,
                                  source_figures=kwb.source, year_boundaries=read.year, year_figures=kwb.year)
    return read, joined, report


def test_maassluis_all_19_match(buurten_2016, kwb_2024, kwb):
    _, joined, report = _join(buurten_2016, kwb, "GM0556")
    assert len(report.gekoppeld) == 19 and report.complete
    assert (joined["koppeling"] == "gekoppeld").all()
    # The years come from the file names, which say 2016 and 2024.
    assert report.jaar_grenzen == 2016 and report.jaar_cijfers == 2024
    assert report.bron_grenzen == buurten_2016.name and report.bron_cijfers == kwb_2024.name
    assert "verschillende jaren" in report.to_text()


def test_schiedam_mismatch_is_reported_not_hidden(buurten_2016, kwb, kwb_rows):
    read, joined, report = _join(buurten_2016, kwb, "GM0606")
    codes_2016 = set(read.frame["buurtcode"])
    codes_2024 = {c for c in kwb_rows if c.startswith("BU0606")}
    assert len(report.gekoppeld) == len(codes_2016 & codes_2024) == 42
    assert report.alleen_grenzen == sorted(codes_2016 - codes_2024) and len(report.alleen_grenzen) == 10
    assert report.alleen_cijfers == sorted(codes_2024 - codes_2016) and len(report.alleen_cijfers) == 28
    assert (joined["koppeling"] == "geen cijfers").sum() == 10
    assert joined.loc[joined["koppeling"] == "geen cijfers", "inwoners"].isna().all()
    text = report.to_text()
    assert "42 buurten" in text and "10 (geen cijfers" in text and "28 (geen grens" in text
    assert report.to_dict()["alleen_cijfers"] == report.alleen_cijfers  # the JSON has every code


def test_duplicate_codes_are_reported_and_not_joined():
    codes = ["BU00010101", "BU00010102", "BU00010103", "BU00010104"]
    boundaries = gpd.GeoDataFrame(
        {"buurtcode": codes + ["BU00010104"]},  # BU00010104 twice in the boundaries
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(5)], crs=28992,
    )
    figures = pd.DataFrame({
        # BU00010101 twice in the figures, BU00020101 belongs to another gemeente
        "buurtcode": ["BU00010101", "BU00010101", "BU00010102", "BU00010104", "BU00020101"],
        "inwoners": [100.0, 110.0, 200.0, 300.0, 400.0],
    })
    joined, report = join_figures(boundaries, figures, gemeenten=["GM0001"])
    assert report.dubbel_cijfers == ["BU00010101"] and report.dubbel_grenzen == ["BU00010104"]
    assert report.gekoppeld == ["BU00010102"]  # the only code present once on both sides
    assert report.alleen_grenzen == ["BU00010103"] and report.alleen_cijfers == []  # GM0002 is not this run's
    assert not report.complete
    assert len(joined) == len(boundaries)  # every boundary row stays, none is multiplied
    status = joined.groupby("buurtcode")["koppeling"].agg(set)
    assert status["BU00010101"] == status["BU00010104"] == {"dubbele code"}
    assert status["BU00010102"] == {"gekoppeld"} and status["BU00010103"] == {"geen cijfers"}
    assert joined.loc[joined["buurtcode"] != "BU00010102", "inwoners"].isna().all()
    assert joined.loc[joined["buurtcode"] == "BU00010102", "inwoners"].tolist() == [200.0]


def test_duplicate_code_in_real_figures(buurten_2016, kwb):
    figures = kwb.buurten[kwb.buurten["gemeentecode"] == "GM0556"]
    doubled = pd.concat([figures, figures[figures.buurtcode == "BU05560101"]], ignore_index=True)
    boundaries = read_boundaries(buurten_2016, ["GM0556"]).frame
    joined, report = join_figures(boundaries, doubled, gemeenten=["GM0556"])
    assert report.dubbel_cijfers == ["BU05560101"]
    row = joined.set_index("buurtcode").loc["BU05560101"]
    assert row["koppeling"] == "dubbele code" and pd.isna(row["inwoners"])
    assert len(report.gekoppeld) == len(boundaries) - 1 == 18


def test_without_the_map_of_the_figures_year_a_shared_code_with_another_name_is_not_joined(shared, buurten_2016,
                                                                                            tmp_path):
    """2016 boundaries, 2024 figures with names and no 2024 map: the names are the evidence."""
    import csv

    import pyogrio

    from sociale_kaart.combine.dataset import build
    from sociale_kaart.settings import Sources

    gemeenten = ("GM0606", "GM0622")
    new = pyogrio.read_dataframe(shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg", layer="buurten",
                                 read_geometry=False, columns=["buurtcode", "buurtnaam", "gemeentecode",
                                                               "aantal_inwoners"])
    new = new[new["gemeentecode"].isin(gemeenten)]
    figures = tmp_path / "kwb_2024_met_namen.csv"  # the map's attributes without the map
    with open(figures, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["buurtcode", "buurtnaam", "aantal_inwoners"])
        writer.writerows(zip(new["buurtcode"], new["buurtnaam"], new["aantal_inwoners"]))
    old = pyogrio.read_dataframe(buurten_2016, layer="buurten", read_geometry=False,
                                 columns=["buurtcode", "buurtnaam", "gemeentecode"])
    pairs = old.merge(new, on="buurtcode", suffixes=("_2016", "_2024"))
    plain = lambda name: "".join(ch for ch in name.casefold() if ch.isalnum())  # noqa: E731
    differ = pairs[[plain(a) != plain(b) for a, b in zip(pairs["buurtnaam_2016"], pairs["buurtnaam_2024"])]]
    names = dict(zip(differ["buurtcode"], zip(differ["buurtnaam_2016"], differ["buurtnaam_2024"])))
    # Two of them are one letter apart (a spelling), by hand: Lage welde / Lage Weide, Hollerhoekse / Holierhoekse.
    respelled = {"BU06220204", "BU06220707"}
    assert names["BU06220204"] == ("Lage welde", "Lage Weide")
    assert names["BU06060705"] == ("Kethel-dorp", "Groenoord-Noord")
    renamed = set(names) - respelled
    assert len(renamed) == 13

    data = build(Sources(grenzen=buurten_2016, kwb=figures, gemeenten=gemeenten))
    report = data.reports[0]
    assert report.controle_op_naam and set(report.hergebruikt) == renamed
    assert {row[0] for row in report.anders_gespeld} == respelled
    assert set(report.gekoppeld) == set(pairs["buurtcode"]) - renamed
    refused = data.buurten[data.buurten["buurtcode"].isin(renamed)]
    assert refused["koppeling"].eq("andere naam").all() and refused["inwoners"].isna().all()
    text = report.to_text()
    assert "andere naam:" in text and "BU06060705: Kethel-dorp (2016) / Groenoord-Noord (2024)" in text
    assert "BU06220204: Lage welde (2016) / Lage Weide (2024)" in text
    assert any("een andere naam" in w for w in data.warnings)
