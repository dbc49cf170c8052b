import numpy as np
import pandas as pd
import pytest
import shapely
import geopandas as gpd

from sociale_kaart.errors import InputError
from sociale_kaart.analysis.need import NeedSettings, analyse, hot_spots, relations
from sociale_kaart.build.dataset import build
from tests.conftest import raw_number


@pytest.fixture(scope="module")
def maassluis(buurten_2016, kwb_2024):
    return build(buurten_2016, kwb_2024, ["Maassluis"])


@pytest.fixture(scope="module")
def flagged(maassluis):
    return analyse(maassluis)


def _by_hand(kwb_rows):
    """Need rates per Maassluis buurt and for the gemeente, straight from the raw CSV."""
    rates, sums = {}, {"wmo": [0, 0], "bijstand": [0, 0], "jeugd": [0, 0]}
    for code, row in kwb_rows.items():
        if not code.startswith("BU0556"):
            continue
        inw = raw_number(row, "AantalInwoners_5")
        young = (raw_number(row, "k_0Tot15Jaar_8") or 0) + (raw_number(row, "k_15Tot25Jaar_9") or 0)
        values = {"wmo": (raw_number(row, "WmoClienten_93"), inw, 1000),
                  "bijstand": (raw_number(row, "PersonenPerSoortUitkeringBijstand_87"), inw, 1000),
                  "jeugd": (raw_number(row, "JongerenMetJeugdzorgInNatura_91"), young, 100)}
        rates[code] = {"inwoners": inw}
        for name, (num, den, scale) in values.items():
            if num is not None and den:
                sums[name][0] += num
                sums[name][1] += den
                ok = den >= 50 and not (0 < num < 5)
                rates[code][name] = num / den * scale if ok else None
            else:
                rates[code][name] = None
    scale = {"wmo": 1000, "bijstand": 1000, "jeugd": 100}
    gemeente = {name: s[0] / s[1] * scale[name] for name, s in sums.items()}
    return rates, gemeente


def test_flags_follow_the_documented_rule(flagged, kwb_rows):
    rates, gemeente = _by_hand(kwb_rows)
    expected = set()
    for code, r in rates.items():
        high = sum(1 for name in ("wmo", "bijstand", "jeugd") if r[name] is not None and r[name] > 1.25 * gemeente[name])
        if r["inwoners"] >= 200 and high >= 2:
            expected.add(code)
    hotspot_flags = set(flagged.loc[flagged["lisa_klasse"] == "HH", "buurtcode"])
    assert set(flagged.loc[flagged["aandachtsbuurt"], "buurtcode"]) - hotspot_flags == expected
    assert "BU05560202" in expected  # Bloemenbuurt: Wmo 2,5x and bijstand 3,2x the gemeente


def test_every_flag_has_population_and_a_reason_with_csv_values(flagged, kwb_rows):
    rates, gemeente = _by_hand(kwb_rows)
    labels = {"wmo": "Wmo-cliënten", "bijstand": "Bijstand", "jeugd": "Jeugdzorg"}
    keys = {"wmo": "wmo_per_1000", "bijstand": "bijstand_per_1000", "jeugd": "pct_jeugdzorg"}
    rows = flagged[flagged["aandachtsbuurt"]]
    assert len(rows) > 0
    for _, row in rows.iterrows():
        assert row["inwoners"] >= 200
        for name, key in keys.items():
            if row[f"hoog_{key}"]:
                value = f"{rates[row['buurtcode']][name]:.1f}".replace(".", ",")
                reference = f"{gemeente[name]:.1f}".replace(".", ",")
                assert f"{labels[name]} {value}" in row["reden"], row["reden"]
                assert f"gemeente {reference}" in row["reden"]


def test_two_runs_are_identical(maassluis, flagged):
    again = analyse(maassluis)
    pd.testing.assert_frame_equal(pd.DataFrame(flagged.drop(columns="geometry")), pd.DataFrame(again.drop(columns="geometry")))


def test_small_buurten_are_not_tested(flagged):
    dijk = flagged.set_index("buurtcode").loc["BU05560702"]
    assert pd.isna(dijk["behoefte_index"]) and dijk["lisa_klasse"] == "geen waarde" and not dijk["aandachtsbuurt"]


def _grid(n=10, size=100.0):
    cells = [shapely.box(x * size, y * size, (x + 1) * size, (y + 1) * size) for y in range(n) for x in range(n)]
    return gpd.GeoDataFrame({"buurtcode": [f"BU{i:08d}" for i in range(n * n)]}, geometry=cells, crs=28992)


def test_hot_spot_found_where_high_values_cluster():
    grid = _grid()
    rng = np.random.default_rng(3)
    values = rng.normal(0, 1, len(grid))
    corner = [y * 10 + x for y in range(3) for x in range(3)]
    values[corner] += 4
    grid["v"] = values
    result = hot_spots(grid, "v", NeedSettings(permutations=999, seed=7))
    assert set(result.index[result["lisa_klasse"] == "HH"]) & set(corner)
    assert result.loc[corner, "gi_klasse"].eq("hot spot").sum() >= 5
    far = [y * 10 + x for y in range(6, 10) for x in range(6, 10)]
    assert not result.loc[far, "gi_klasse"].eq("hot spot").any()
    assert result.attrs["eilanden"] == 0


def test_islands_are_reported_and_not_tested():
    grid = _grid(4)
    island = gpd.GeoDataFrame({"buurtcode": ["BU99999999"]}, geometry=[shapely.box(1000, 1000, 1100, 1100)], crs=28992)
    both = pd.concat([grid, island], ignore_index=True)
    both["v"] = np.arange(len(both), dtype=float)
    result = hot_spots(both, "v")
    assert result.attrs["eilanden"] == 1
    assert result.iloc[-1]["lisa_klasse"] == "geen buren" and pd.isna(result.iloc[-1]["lisa_p"])


def test_fdr_is_stricter_than_raw_p(maassluis):
    result = hot_spots(analyse(maassluis), "behoefte_index", NeedSettings(seed=1))
    assert result.attrs["fdr_drempel"] <= 0.05
    significant = result["lisa_klasse"].isin(["HH", "LL", "HL", "LH"])
    assert (result.loc[significant, "lisa_p"] <= result.attrs["fdr_drempel"]).all()


def test_spearman_matches_scipy_on_csv_values(flagged, maassluis, kwb_rows):
    from scipy.stats import spearmanr

    related = relations(flagged, maassluis.indicators).set_index(["behoefte", "context"])
    pairs = []
    for code, row in kwb_rows.items():
        if code.startswith("BU0556"):
            inw, bij, huur, won = (raw_number(row, c) for c in ("AantalInwoners_5", "PersonenPerSoortUitkeringBijstand_87",
                                                                 "HuurwoningenTotaal_48", "Woningvoorraad_35"))
            # The small-number rule applies to both numerators, the rental count being huur% x woningen.
            if None not in (inw, bij, huur, won) and inw >= 50 and won >= 50 and not (0 < bij < 5) \
                    and not (0 < huur * won / 100 < 5):
                pairs.append((bij / inw, huur))
    rho, p = spearmanr(*zip(*pairs))
    row = related.loc[("bijstand_per_1000", "pct_huur")]
    assert row["n"] == len(pairs) and row["rho"] == pytest.approx(rho) and row["p"] == pytest.approx(p)


def test_bad_input_gives_clear_messages(maassluis):
    one = maassluis.buurten.iloc[:1]
    single = type(maassluis)(**{**maassluis.__dict__, "buurten": one})
    with pytest.raises(InputError, match=r"te weinig buurten \(1\)"):
        analyse(single)
    no_need = type(maassluis)(**{**maassluis.__dict__, "indicators": [i for i in maassluis.indicators if i.role == "context"]})
    with pytest.raises(InputError, match="geen behoefte-indicatoren"):
        analyse(no_need)
    empty = maassluis.buurten.copy()
    for ind in maassluis.indicators:
        empty[ind.key] = np.nan
    with pytest.raises(InputError, match="ontbreken of zijn onderdrukt"):
        analyse(type(maassluis)(**{**maassluis.__dict__, "buurten": empty}))
    with pytest.raises(InputError, match="onbekende regel"):
        analyse(maassluis, NeedSettings(rule="gevoel"))


def test_kwintiel_rule(maassluis):
    table = analyse(maassluis, NeedSettings(rule="kwintiel"))
    for key in ("wmo_per_1000", "bijstand_per_1000"):
        values = table.loc[table[f"{key}_status"] == "ok", key]
        high = table.loc[table[f"hoog_{key}"], key]
        assert len(high) == int((values.rank(pct=True) > 0.8).sum())
        assert high.min() >= values.quantile(0.8) - 1e-9


def test_flag_command(buurten_2016, kwb_2024, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "flag", "--grenzen", str(buurten_2016),
                             "--kwb", str(kwb_2024), "--gemeente", "Maassluis", "--uitvoer", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Aandachtsbuurten:" in result.stdout and "Bloemenbuurt" in result.stdout
    table = pd.read_csv(tmp_path / "maassluis_aandachtsbuurten.csv", sep=";", decimal=",")
    assert len(table) == 19 and {"stapeling", "behoefte_index", "lisa_klasse", "aandachtsbuurt", "reden"} <= set(table.columns)
    assert gpd.read_file(tmp_path / "maassluis_aandachtsbuurten.gpkg").crs.to_epsg() == 28992
    assert (tmp_path / "maassluis_samenhang_bijstand_per_1000_pct_huur.png").exists()


def test_reference_nederland_uses_the_nl00_row(maassluis):
    from sociale_kaart.sources.sample import FILES, sample_dir

    sample = build(sample_dir() / FILES["grenzen"], sample_dir() / FILES["kwb"])
    land = sample.nederland.iloc[0]
    import csv

    with open(sample_dir() / FILES["kwb"], encoding="utf-8") as handle:
        nl = next(r for r in csv.DictReader(handle, delimiter=";") if r["Codering_3"].strip() == "NL00")
    assert land["wmo_per_1000"] == pytest.approx(float(nl["WmoClienten_93"]) / float(nl["AantalInwoners_5"]) * 1000)
    table = analyse(sample, NeedSettings(reference="nederland"))
    for _, row in table[table["aandachtsbuurt"]].iterrows():
        assert "(Nederland " in row["reden"] and "gemeente" not in row["reden"]
    with pytest.raises(InputError, match="geen rij voor Nederland"):
        analyse(maassluis, NeedSettings(reference="nederland"))  # the shared KWB file has buurten only
