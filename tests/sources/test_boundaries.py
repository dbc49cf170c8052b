import os

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from sociale_kaart.errors import InputError
from sociale_kaart.sources.boundaries import (Boundaries, list_gemeenten, read_boundaries, repair_geometries,
                                              resolve_gemeenten)


@pytest.fixture(scope="module")
def maassluis_frame(buurten_2016):
    """Maassluis' buurten as read (a GeoDataFrame), to write test files from."""
    return read_boundaries(buurten_2016, ["GM0556"]).frame


def test_maassluis_has_19_buurten_by_code_and_by_name(buurten_2016):
    raw = pyogrio.read_dataframe(buurten_2016, layer="buurten", columns=["gemeentecode"], read_geometry=False)
    expected = int((raw["gemeentecode"] == "GM0556").sum())
    by_code = read_boundaries(buurten_2016, ["GM0556"])
    by_name = read_boundaries(buurten_2016, ["maassluis"])
    assert isinstance(by_code, Boundaries)
    assert len(by_code.frame) == len(by_name.frame) == expected == 19
    assert by_code.gemeenten == by_name.gemeenten == ("GM0556",)
    assert by_code.source == buurten_2016.name and by_code.layer == "buurten"
    assert by_code.year == 2016  # from the file name wijkenbuurten_2016_land.gpkg
    assert by_code.frame.crs.to_epsg() == 28992
    assert set(by_code.frame["buurtcode"]) == set(by_name.frame["buurtcode"])
    assert {"buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam"} <= set(by_code.frame.columns)


def test_whole_country_loads_with_sentinels_as_missing(buurten_2016):
    country = read_boundaries(buurten_2016)
    raw = pyogrio.read_dataframe(buurten_2016, layer="buurten", columns=["water", "omgevingsadressendichtheid"],
                                 read_geometry=False)
    land = raw[raw["water"].astype("string").str.strip().str.upper().ne("JA").fillna(True)]
    assert len(country.frame) == len(land) == 11638  # buurten that are only water are left out
    assert country.gemeenten == ()  # the whole file was read
    n_sentinel = int((land["omgevingsadressendichtheid"] <= -99990).sum())
    assert n_sentinel > 0
    assert country.frame["omgevingsadressendichtheid"].isna().sum() == n_sentinel
    assert country.frame["omgevingsadressendichtheid"].min() >= 0


def test_invalid_2024_wijken_are_repaired(shared):
    path = shared / "cbs" / "wijken_2024_simplified.gpkg"
    raw = pyogrio.read_dataframe(path, layer="wijken")
    invalid = ~raw.is_valid
    read = read_boundaries(path, level="wijken")
    wijken = read.frame
    assert len(read.repaired) == int(invalid.sum()) > 0
    assert set(read.repaired) == set(raw.loc[invalid, "wijkcode"].str.strip().str.upper())
    assert wijken.is_valid.all()
    assert set(wijken.geom_type) <= {"Polygon", "MultiPolygon"}
    # Repair must not throw away land: total area within 0.1 % of the raw polygons' area.
    assert wijken.area.sum() == pytest.approx(raw.area.sum(), rel=1e-3)


def test_reprojects_other_crs(maassluis_frame, tmp_path):
    wgs_file = tmp_path / "maassluis_wgs84.geojson"
    maassluis_frame.to_crs(4326).to_file(wgs_file)
    back = read_boundaries(wgs_file).frame
    assert back.crs.to_epsg() == 28992
    assert np.allclose(back.area.to_numpy(), maassluis_frame.area.to_numpy(), rtol=1e-4)


def test_file_without_crs_is_refused(maassluis_frame, tmp_path):
    shp = tmp_path / "geen_crs.shp"
    maassluis_frame.to_file(shp)
    os.remove(tmp_path / "geen_crs.prj")
    with pytest.raises(InputError, match=r"geen_crs\.shp.*geen coördinatenstelsel"):
        read_boundaries(shp)


def test_rd_coordinates_labelled_wgs84_are_refused(maassluis_frame, tmp_path):
    wrong = maassluis_frame.set_crs(4326, allow_override=True)
    path = tmp_path / "rd_als_wgs.gpkg"
    wrong.to_file(path, layer="buurten")
    with pytest.raises(InputError, match="coördinaten zijn meters"):
        read_boundaries(path)


def test_unknown_gemeente_suggests_close_names(buurten_2016):
    with pytest.raises(InputError, match="'Maasluis'.*Maassluis"):
        resolve_gemeenten(buurten_2016, ["Maasluis"])
    with pytest.raises(InputError, match="GM9998"):
        resolve_gemeenten(buurten_2016, ["GM9998"])


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="bestand niet gevonden"):
        read_boundaries(tmp_path / "weg.gpkg")


def test_single_layer_file_is_not_a_wijken_layer(maassluis_frame, tmp_path):
    path = tmp_path / "alleen_buurten.gpkg"
    maassluis_frame.to_file(path, layer="buurten")
    with pytest.raises(InputError, match="geen laag 'wijken'"):
        read_boundaries(path, level="wijken")


def test_old_shapefile_column_names(maassluis_frame, tmp_path):
    old = maassluis_frame.rename(
        columns={"buurtcode": "BU_CODE", "buurtnaam": "BU_NAAM", "gemeentecode": "GM_CODE", "gemeentenaam": "GM_NAAM"}
    ).drop(columns=["wijkcode"])
    path = tmp_path / "buurt_2016.shp"
    old.to_file(path)
    again = read_boundaries(path, ["Maassluis"]).frame
    assert len(again) == 19 and again["wijkcode"].str.match(r"WK0556\d\d").all()
    assert (again["wijkcode"] == "WK" + again["buurtcode"].str[2:8]).all()


def test_repair_keeps_polygonal_parts():
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    square = shapely.box(5, 5, 6, 6)
    fixed, repaired = repair_geometries(gpd.GeoDataFrame({"a": [1, 2]}, geometry=[bowtie, square], crs=28992))
    assert repaired.tolist() == [True, False]
    assert fixed.is_valid.all() and fixed.area.iloc[0] == pytest.approx(2.0)  # two triangles of 1 m² each
    assert shapely.equals(fixed.geometry.iloc[1], square)


def test_collapsed_polygon_is_kept_and_reported(tmp_path):
    """A buurt whose polygon has no area left after repair stays in the frame and is listed."""
    x, y = 84_000.0, 431_000.0  # RD New, in the Netherlands
    sliver = shapely.Polygon([(x, y), (x + 10, y + 10), (x + 20, y + 20), (x, y)])  # zero area: invalid
    bowtie = shapely.Polygon([(x, y + 100), (x + 20, y + 120), (x + 20, y + 100), (x, y + 120)])
    good = shapely.box(x + 100, y, x + 200, y + 100)
    codes = ["BU99990101", "BU99990102", "BU99990103"]
    frame = gpd.GeoDataFrame({"buurtcode": codes, "buurtnaam": ["Streep", "Strik", "Blok"]},
                             geometry=[sliver, bowtie, good], crs=28992)
    path = tmp_path / "grenzen_2024.gpkg"
    frame.to_file(path, layer="buurten")
    read = read_boundaries(path)
    assert read.frame["buurtcode"].tolist() == codes  # nothing dropped silently
    assert set(read.repaired) == {"BU99990101", "BU99990102"}
    assert read.emptied == ("BU99990101",)
    assert read.year == 2024


def test_list_gemeenten(buurten_2016):
    table = list_gemeenten(buurten_2016)
    raw = pyogrio.read_dataframe(buurten_2016, layer="buurten", columns=["gemeentecode", "gemeentenaam"],
                                 read_geometry=False)
    expected = set(zip(raw["gemeentecode"].str.strip(), raw["gemeentenaam"].str.strip()))
    assert set(zip(table.gemeentecode, table.gemeentenaam)) == expected
    assert ("GM0556", "Maassluis") in expected


def test_gemeenten_by_four_digit_code_and_common_name(buurten_2016):
    from sociale_kaart.sources.boundaries import resolve_gemeenten

    assert resolve_gemeenten(buurten_2016, ["Den Haag", "0556", "556", "den bosch", "'s-Gravenhage"]) == \
        ["GM0518", "GM0556", "GM0796"]
