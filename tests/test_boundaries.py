import os

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from sociale_kaart.boundaries import list_gemeenten, read_boundaries, repair_geometries, resolve_gemeenten
from sociale_kaart.errors import InputError


def test_maassluis_has_19_buurten_by_code_and_by_name(buurten_2016):
    raw = pyogrio.read_dataframe(buurten_2016, layer="buurten", columns=["gemeentecode"], read_geometry=False)
    expected = int((raw["gemeentecode"] == "GM0556").sum())
    by_code = read_boundaries(buurten_2016, ["GM0556"])
    by_name = read_boundaries(buurten_2016, ["maassluis"])
    assert len(by_code) == len(by_name) == expected == 19
    assert by_code.crs.to_epsg() == 28992
    assert set(by_code["buurtcode"]) == set(by_name["buurtcode"])
    assert {"buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam"} <= set(by_code.columns)


def test_whole_country_loads_with_sentinels_as_missing(buurten_2016):
    country = read_boundaries(buurten_2016)
    assert len(country) == 11638
    raw = pyogrio.read_dataframe(buurten_2016, layer="buurten", columns=["omgevingsadressendichtheid"], read_geometry=False)
    n_sentinel = int((raw["omgevingsadressendichtheid"] <= -99990).sum())
    assert n_sentinel > 0
    assert country["omgevingsadressendichtheid"].isna().sum() == n_sentinel
    assert country["omgevingsadressendichtheid"].min() >= 0


def test_invalid_2024_wijken_are_repaired(shared):
    path = shared / "cbs" / "wijken_2024_simplified.gpkg"
    raw = pyogrio.read_dataframe(path, layer="wijken")
    n_invalid = int((~raw.is_valid).sum())
    wijken = read_boundaries(path, level="wijken")
    assert wijken.attrs["hersteld"] == n_invalid > 0
    assert wijken.is_valid.all()
    assert set(wijken.geom_type) <= {"Polygon", "MultiPolygon"}
    # Repair must not throw away land: total area within 0.1 % of the raw polygons' area.
    assert wijken.area.sum() == pytest.approx(raw.area.sum(), rel=1e-3)


def test_reprojects_other_crs(buurten_2016, tmp_path):
    rd = read_boundaries(buurten_2016, ["GM0556"])
    wgs_file = tmp_path / "maassluis_wgs84.geojson"
    rd.to_crs(4326).to_file(wgs_file)
    back = read_boundaries(wgs_file)
    assert back.crs.to_epsg() == 28992
    assert np.allclose(back.area.to_numpy(), rd.area.to_numpy(), rtol=1e-4)


def test_file_without_crs_is_refused(buurten_2016, tmp_path):
    shp = tmp_path / "geen_crs.shp"
    read_boundaries(buurten_2016, ["GM0556"]).to_file(shp)
    os.remove(tmp_path / "geen_crs.prj")
    with pytest.raises(InputError, match=r"geen_crs\.shp.*geen coördinatenstelsel"):
        read_boundaries(shp)


def test_rd_coordinates_labelled_wgs84_are_refused(buurten_2016, tmp_path):
    wrong = read_boundaries(buurten_2016, ["GM0556"]).set_crs(4326, allow_override=True)
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


def test_single_layer_file_is_not_a_wijken_layer(buurten_2016, tmp_path):
    path = tmp_path / "alleen_buurten.gpkg"
    read_boundaries(buurten_2016, ["GM0556"]).to_file(path, layer="buurten")
    with pytest.raises(InputError, match="geen laag 'wijken'"):
        read_boundaries(path, level="wijken")


def test_old_shapefile_column_names(buurten_2016, tmp_path):
    old = read_boundaries(buurten_2016, ["GM0556"]).rename(
        columns={"buurtcode": "BU_CODE", "buurtnaam": "BU_NAAM", "gemeentecode": "GM_CODE", "gemeentenaam": "GM_NAAM"}
    ).drop(columns=["wijkcode"])
    path = tmp_path / "buurt_2016.shp"
    old.to_file(path)
    again = read_boundaries(path, ["Maassluis"])
    assert len(again) == 19 and again["wijkcode"].str.match(r"WK0556\d\d").all()


def test_repair_keeps_polygonal_parts():
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    fixed, n = repair_geometries(gpd.GeoDataFrame({"a": [1]}, geometry=[bowtie], crs=28992))
    assert n == 1 and fixed.is_valid.all() and fixed.area.iloc[0] == pytest.approx(2.0)


def test_list_gemeenten(buurten_2016):
    table = list_gemeenten(buurten_2016)
    assert ("GM0556", "Maassluis") in set(zip(table.gemeentecode, table.gemeentenaam))
