import csv
import subprocess
import sys
from dataclasses import replace
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sociale_kaart.analysis.need import Analysis, HotSpots, NeedSettings, analyse, flag, hot_spots, relations
from sociale_kaart.combine.indicators import Indicator, registry
from sociale_kaart.errors import InputError
from tests.helpers import maassluis_expected_flags, maassluis_need_by_hand, raw_number

# ``maassluis`` (Dataset) and ``maassluis_analysis`` (default rules, no hot spots) are session
# fixtures of tests/conftest.py; ``sample`` is the bundled Voorbeeldstad.

WMO = registry()["wmo_per_1000"]


@pytest.fixture(scope="module")
def maassluis_hotspots(maassluis):
    """Maassluis with hot spots (999 permutations, the default seed): computed once for this module."""
    return analyse(maassluis, NeedSettings(hotspots=True))


def test_flags_follow_the_documented_rule(maassluis_analysis, kwb_rows):
    expected = maassluis_expected_flags(kwb_rows)
    assert isinstance(maassluis_analysis, Analysis) and maassluis_analysis.hotspots is None
    assert "lisa_klasse" not in maassluis_analysis.table  # no hot spots unless asked for
    assert set(maassluis_analysis.flagged["buurtcode"]) == expected
    assert "BU05560202" in expected  # Bloemenbuurt: Wmo 2,5x and bijstand 3,2x the gemeente
    flagged = maassluis_analysis.flagged
    assert flagged["stapeling"].is_monotonic_decreasing  # most stapeling first


def test_hotspot_flags_add_hh_buurten_with_a_high_indicator(maassluis_hotspots, kwb_rows):
    table = maassluis_hotspots.table
    hh = table["lisa_klasse"].eq("HH") & (table["stapeling"] >= 1) & (table["inwoners"] >= 200)
    expected = maassluis_expected_flags(kwb_rows) | set(table.loc[hh, "buurtcode"])
    assert set(maassluis_hotspots.flagged["buurtcode"]) == expected


def test_every_flag_has_population_and_a_reason_with_csv_values(maassluis_analysis, kwb_rows):
    rates, gemeente = maassluis_need_by_hand(kwb_rows)
    labels = {"wmo": "Wmo-cliënten", "bijstand": "Bijstand", "jeugd": "Jeugdzorg"}
    keys = {"wmo": "wmo_per_1000", "bijstand": "bijstand_per_1000", "jeugd": "pct_jeugdzorg"}
    rows = maassluis_analysis.flagged
    assert len(rows) > 0
    for _, row in rows.iterrows():
        assert row["inwoners"] >= 200
        for name, key in keys.items():
            if row[f"hoog_{key}"]:
                value = f"{rates[row['buurtcode']][name]:.1f}".replace(".", ",")
                reference = f"{gemeente[name]:.1f}".replace(".", ",")
                assert f"{labels[name]} {value}" in row["reden"], row["reden"]
                assert f"gemeente {reference}, som van de buurten" in row["reden"]
    unflagged = maassluis_analysis.table[~maassluis_analysis.table["aandachtsbuurt"]]
    assert unflagged["reden"].eq("").all()


def test_two_runs_are_identical(maassluis, maassluis_hotspots):
    again = analyse(maassluis, NeedSettings(hotspots=True))
    pd.testing.assert_frame_equal(pd.DataFrame(maassluis_hotspots.table.drop(columns="geometry")),
                                  pd.DataFrame(again.table.drop(columns="geometry")))
    assert again.hotspots == maassluis_hotspots.hotspots


def test_small_buurten_are_not_tested(maassluis_hotspots, kwb_rows):
    assert raw_number(kwb_rows["BU05560702"], "AantalInwoners_5") < 50  # De Dijk: every rate suppressed
    dijk = maassluis_hotspots.table.set_index("buurtcode").loc["BU05560702"]
    assert pd.isna(dijk["behoefte_index"]) and dijk["lisa_klasse"] == "geen waarde" and not dijk["aandachtsbuurt"]


# --- hot spots and the flag rule on synthetic grids (no shared data) -----------------------------

def _grid(n=10, size=100.0):
    cells = [shapely.box(x * size, y * size, (x + 1) * size, (y + 1) * size) for y in range(n) for x in range(n)]
    return gpd.GeoDataFrame({"buurtcode": [f"BU0001{i:04d}" for i in range(n * n)]}, geometry=cells, crs=28992)


def test_hot_spot_found_where_high_values_cluster():
    grid = _grid()
    rng = np.random.default_rng(3)
    values = rng.normal(0, 1, len(grid))
    corner = [y * 10 + x for y in range(3) for x in range(3)]
    values[corner] += 4
    grid["v"] = values
    result, spots = hot_spots(grid, "v", NeedSettings(permutations=999, seed=7))
    assert isinstance(spots, HotSpots) and spots.column == "v" and spots.islands == 0
    assert len(result) == len(grid) and result.index.equals(grid.index)
    assert set(result.index[result["lisa_klasse"] == "HH"]) & set(corner)
    assert result.loc[corner, "gi_klasse"].eq("hot spot").sum() >= 5
    far = [y * 10 + x for y in range(6, 10) for x in range(6, 10)]
    assert not result.loc[far, "gi_klasse"].eq("hot spot").any()


def test_islands_are_reported_and_not_tested():
    grid = _grid(4)
    island = gpd.GeoDataFrame({"buurtcode": ["BU99999999"]}, geometry=[shapely.box(1000, 1000, 1100, 1100)], crs=28992)
    both = pd.concat([grid, island], ignore_index=True)
    both["v"] = np.arange(len(both), dtype=float)
    result, spots = hot_spots(both, "v")
    assert spots.islands == 1
    assert result.iloc[-1]["lisa_klasse"] == "geen buren" and pd.isna(result.iloc[-1]["lisa_p"])
    assert result.iloc[:-1]["lisa_p"].notna().all()


def test_fdr_threshold_is_benjamini_hochberg(maassluis_hotspots):
    table, spots = maassluis_hotspots.table, maassluis_hotspots.hotspots
    alpha = maassluis_hotspots.settings.alpha
    # By hand: every tested buurt gives two p-values (Local Moran and Gi*); the threshold is the
    # largest k * alpha / m with the k-th smallest p below it (esda.fdr), else alpha / m.
    p = np.sort(np.r_[table["lisa_p"].dropna(), table["gi_p"].dropna()])
    m = len(p)
    below = [k for k in range(1, m + 1) if p[k - 1] < k * alpha / m]
    expected = max(below) * alpha / m if below else alpha / m
    assert spots.fdr_threshold == pytest.approx(expected)
    assert spots.fdr_threshold <= alpha  # stricter than the raw p-value
    significant = table["lisa_klasse"].isin(["HH", "LL", "HL", "LH"])
    assert (table.loc[significant, "lisa_p"] <= spots.fdr_threshold).all()
    assert not (table.loc[table["lisa_klasse"] == "niet significant", "lisa_p"] <= spots.fdr_threshold).any()


def test_flag_rule_with_and_without_hot_spot():
    need = [WMO]
    table = pd.DataFrame({
        "buurtcode": ["BU00010001", "BU00010002", "BU00010003", "BU00010004", "BU00010005"],
        "gemeentecode": "GM0001",
        "inwoners": [1000.0, 1000.0, 150.0, 1000.0, 1000.0],
        "wmo_per_1000": [100.0, 100.0, 100.0, 60.0, 100.0],
        "hoog_wmo_per_1000": [True, True, True, False, True],
        "stapeling": [1, 1, 1, 0, 1],
        "lisa_klasse": ["HH", "niet significant", "HH", "HH", "LH"],
    })
    reference = pd.DataFrame({"gemeentecode": ["GM0001"], "wmo_per_1000": [50.0]})
    out = flag(table, need, reference, NeedSettings(hotspots=True, min_stapeling=2, min_inwoners=200, extreme_factor=None))
    # Only the first: HH, one high indicator, enough inhabitants. Not: outside a cluster (2),
    # too few inhabitants (3), no high indicator (4), a low-high outlier (5).
    assert out["aandachtsbuurt"].tolist() == [True, False, False, False, False]
    assert out.loc[0, "reden"] == "Wmo-cliënten 100,0 per 1.000 inwoners (gemeente 50,0; 2,0x); onderdeel van een hot spot"
    assert out["reden"].iloc[1:].eq("").all()
    assert out.index.equals(table.index)


def _synthetic_dataset(grid: gpd.GeoDataFrame, rates: np.ndarray, inwoners: np.ndarray):
    """The attributes of a Dataset that the analysis reads, for one Wmo rate per buurt."""
    buurten = grid.assign(gemeentecode="GM0001", inwoners=inwoners, wmo_clienten=rates * inwoners / 1000,
                          wmo_per_1000=rates, wmo_per_1000_status="ok")
    gemeente = buurten["wmo_clienten"].sum() / buurten["inwoners"].sum() * 1000
    return SimpleNamespace(buurten=buurten, indicators=(WMO,), nederland=None,
                           gemeenten=pd.DataFrame({"gemeentecode": ["GM0001"], "wmo_per_1000": [gemeente]}))


def test_hh_cluster_flags_a_buurt_below_the_stapeling_minimum():
    grid = _grid()
    rates = np.random.default_rng(3).normal(50, 5, len(grid))
    corner = [y * 10 + x for y in range(3) for x in range(3)]
    rates[corner] = 150.0  # a cluster of high need in one corner
    rates[[30, 31]] = 70.0  # next to it: above the mean, but not 25 % above the gemeente
    inwoners = np.full(len(grid), 1000.0)
    inwoners[11] = 150.0  # in the cluster, but too few inhabitants
    data = _synthetic_dataset(grid, rates, inwoners)
    settings = NeedSettings(hotspots=True, min_stapeling=2, min_inwoners=200, permutations=999, seed=7,
                            extreme_factor=None)  # the HH branch on its own
    result = analyse(data, settings)
    table = result.table
    # With one need indicator the stapeling is at most 1: below the minimum of 2 everywhere.
    assert table["stapeling"].max() == 1 < settings.min_stapeling
    assert not analyse(data, replace(settings, hotspots=False)).table["aandachtsbuurt"].any()
    hh = table["lisa_klasse"].eq("HH")
    rule = hh & (table["stapeling"] >= 1) & (table["inwoners"] >= settings.min_inwoners)
    assert table["aandachtsbuurt"].equals(rule)
    # Every branch of the rule occurs: flagged through the cluster, and left out for each reason.
    assert (rule & table.index.isin(corner)).sum() >= 5
    assert hh[11] and not table.loc[11, "aandachtsbuurt"]  # too few inhabitants
    assert (hh & table["stapeling"].eq(0)).any() and not table.loc[hh & table["stapeling"].eq(0), "aandachtsbuurt"].any()
    assert not table.loc[~hh & table["stapeling"].eq(1), "aandachtsbuurt"].any()  # high, but no cluster
    assert table.loc[rule, "reden"].str.endswith("onderdeel van een hot spot").all()
    assert "hot spot" in settings.describe() and "hot spot" not in replace(settings, hotspots=False).describe()


# --- relations, bad input, rules -------------------------------------------------------------------

def test_spearman_matches_scipy_on_csv_values(maassluis_analysis, kwb_rows):
    from scipy.stats import spearmanr

    related = maassluis_analysis.relations.set_index(["behoefte", "context"])
    pairs = []
    for code, row in kwb_rows.items():
        if code.startswith("BU0556"):
            inw, bij, huur, won = (raw_number(row, c) for c in ("AantalInwoners_5", "PersonenPerSoortUitkeringBijstand_87",
                                                                 "HuurwoningenTotaal_48", "Woningvoorraad_35"))
            # The small-number rule for CBS figures: both denominators (inhabitants, dwellings) at least 50.
            if None not in (inw, bij, huur, won) and inw >= 50 and won >= 50:
                pairs.append((bij / inw, huur))
    rho, p = spearmanr(*zip(*pairs))
    row = related.loc[("bijstand_per_1000", "pct_huur")]
    assert row["n"] == len(pairs) and row["rho"] == pytest.approx(rho) and row["p"] == pytest.approx(p)


def test_relations_on_a_small_table():
    from scipy.stats import spearmanr

    need, context = Indicator("a", "A", "n", "d", 1, "x"), Indicator("b", "B", "n", "d", 1, "x", role="context")
    a, b = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0], [2.0, 7.0, 1.0, 8.0, 2.5, 8.0, 1.0]
    t = pd.DataFrame({"a": a, "a_status": ["ok"] * 6 + ["onderdrukt"], "b": b, "b_status": ["ok"] * 7})
    row = relations(t, [need, context]).iloc[0]
    rho, p = spearmanr(a[:6], b[:6])  # the suppressed buurt is left out
    assert row["n"] == 6 and row["rho"] == pytest.approx(rho) and row["p"] == pytest.approx(p)


def test_bad_input_gives_clear_messages():
    grid = _grid(3)
    data = _synthetic_dataset(grid, np.arange(50.0, 59.0), np.full(9, 1000.0))
    with pytest.raises(InputError, match=r"te weinig buurten \(1\)"):
        analyse(SimpleNamespace(**{**vars(data), "buurten": data.buurten.iloc[:1]}))
    context_only = registry()["pct_65plus"]
    with pytest.raises(InputError, match="geen behoefte-indicatoren"):
        analyse(SimpleNamespace(**{**vars(data), "indicators": (context_only,)}))
    with pytest.raises(InputError, match="ontbreken of zijn onderdrukt"):
        analyse(SimpleNamespace(**{**vars(data), "buurten": data.buurten.assign(wmo_per_1000=np.nan)}))
    with pytest.raises(InputError, match="onbekende regel"):
        analyse(data, NeedSettings(rule="gevoel"))
    with pytest.raises(InputError, match="gewicht voor onbekende indicator 'pct_huur'"):
        analyse(data, NeedSettings(weights={"pct_huur": 2.0}))
    with pytest.raises(InputError, match="onbekende indicator 'gevoel'"):
        analyse(data, NeedSettings(indicators=("gevoel",)))
    with pytest.raises(InputError, match="geen rij voor Nederland"):
        analyse(data, NeedSettings(reference="nederland"))


def test_kwintiel_rule(maassluis):
    table = analyse(maassluis, NeedSettings(rule="kwintiel")).table
    for key in ("wmo_per_1000", "bijstand_per_1000"):
        values = table.loc[table[f"{key}_status"] == "ok", key]
        high = table.loc[table[f"hoog_{key}"], key]
        assert len(high) == int((values.rank(pct=True) > 0.8).sum())
        assert high.min() >= values.quantile(0.8) - 1e-9


def test_flag_command(buurten_2016, kwb_2024, kwb_rows, tmp_path):
    result = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "flag", "--grenzen", str(buurten_2016),
                             "--kwb", str(kwb_2024), "--gemeente", "Maassluis", "--hotspots", "--stil",
                             "--uitvoer", str(tmp_path / "uit")], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Aandachtsbuurten:" in result.stdout and "Bloemenbuurt" in result.stdout
    assert "Hot spots (behoefte-index)" in result.stdout
    out = tmp_path / "uit"
    with open(out / "maassluis_aandachtsbuurten.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == sum(code.startswith("BU0556") for code in kwb_rows) == 19
    assert {"stapeling", "behoefte_index", "lisa_klasse", "aandachtsbuurt", "reden"} <= set(rows[0])
    flagged = {r["buurtcode"] for r in rows if r["aandachtsbuurt"] == "ja"}
    hh = {r["buurtcode"] for r in rows if r["lisa_klasse"] == "HH" and int(r["stapeling"]) >= 1
          and float(r["inwoners"]) >= 200}
    assert flagged == maassluis_expected_flags(kwb_rows) | hh
    assert gpd.read_file(out / "maassluis_aandachtsbuurten.gpkg").crs.to_epsg() == 28992
    assert (out / "maassluis_samenhang_bijstand_per_1000_pct_huur.png").exists()


def test_reference_nederland_uses_the_nl00_row(sample, sample_paths, maassluis):
    with open(sample_paths["kwb"], encoding="utf-8") as handle:
        nl = next(r for r in csv.DictReader(handle, delimiter=";") if r["Codering_3"].strip() == "NL00")
    land = sample.nederland.iloc[0]
    assert land["wmo_per_1000"] == pytest.approx(float(nl["WmoClienten_93"]) / float(nl["AantalInwoners_5"]) * 1000)
    # The Nederland row has KWB figures only: compare the KWB need indicators, not the registrations.
    kwb_need = tuple(i.key for i in sample.indicators
                     if i.role == "behoefte" and i.numerator not in sample.registration_columns)
    assert "wmo_per_1000" in kwb_need
    result = analyse(sample, NeedSettings(reference="nederland", indicators=kwb_need))
    assert result.reference["wmo_per_1000"].tolist() == [land["wmo_per_1000"]] * len(result.reference)
    assert len(result.flagged) > 0
    for _, row in result.flagged.iterrows():
        assert "(Nederland " in row["reden"] and "gemeente" not in row["reden"]
    with pytest.raises(InputError, match="geen rij voor Nederland"):
        analyse(maassluis, NeedSettings(reference="nederland"))  # the shared KWB file has buurten only


def test_vlaardingen_wmo_rental_correlation_keeps_every_buurt_with_both_cbs_figures(buurten_2016, kwb_2024):
    """CBS figures are not registrations: a rental count derived from 1 % (Park Holy Noord) is not a
    "1 to 4 cases" count, so the buurt stays in the correlation (the issue: rho 0.62 without it)."""
    import csv

    from scipy.stats import spearmanr

    from sociale_kaart.analysis.need import analyse
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.settings import Sources

    def value(text):
        text = text.strip()
        return None if text in ("", ".") else float(text)

    with open(kwb_2024, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Codering_3"].startswith("BU0622")]
    both = [r for r in rows if value(r["WmoClienten_93"]) is not None and (value(r["AantalInwoners_5"]) or 0) >= 50
            and value(r["HuurwoningenTotaal_48"]) is not None and (value(r["Woningvoorraad_35"]) or 0) >= 50]
    expected = spearmanr([value(r["WmoClienten_93"]) / value(r["AantalInwoners_5"]) for r in both],
                         [value(r["HuurwoningenTotaal_48"]) for r in both]).statistic
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Vlaardingen",)))
    row = analyse(data).relations.set_index(["behoefte", "context"]).loc[("wmo_per_1000", "pct_huur")]
    assert row["n"] == len(both)
    assert row["rho"] == pytest.approx(expected, abs=1e-9)


def test_a_reason_names_its_reference_and_a_published_gemeente_figure_wins(shared, buurten_2016, kwb_2024):
    """With the gemeente rows of the KWB the reference is the published figure, and every reason says which."""
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.settings import Sources

    gemeenten = shared / "kwb" / "kwb_2024_gemeenten.csv"
    with open(gemeenten, encoding="utf-8-sig") as f:
        row = next(r for r in csv.DictReader(f, delimiter=";") if r["gemeentecode"].strip() == "GM0556")
    youth = raw_number(row, "k_0Tot15Jaar_8") + raw_number(row, "k_15Tot25Jaar_9")
    published = raw_number(row, "JongerenMetJeugdzorgInNatura_91") / youth * 100
    plain = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",)))
    both = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), kwb_gemeenten=gemeenten))
    assert plain.gemeenten["pct_jeugdzorg_referentie"].tolist() == ["som van de buurten"]
    assert both.gemeenten["pct_jeugdzorg_referentie"].tolist() == ["gepubliceerd"]
    assert both.gemeenten["pct_jeugdzorg"].iloc[0] == pytest.approx(published)
    for data, basis in ((plain, "som van de buurten"), (both, "gepubliceerd")):
        flagged = analyse(data).flagged
        assert len(flagged)
        for reason in flagged["reden"]:
            assert f", {basis}; " in reason or f", {basis})" in reason, reason


def test_the_p_value_of_t_matches_scipy_over_every_sample_size():
    """The p-value is computed without importing scipy (a third of a second of every run): the
    same as scipy's Student t to nine digits, from 1 to 400 degrees of freedom, tiny to huge t."""
    import numpy as np
    from scipy.special import stdtr

    from sociale_kaart.analysis.need import two_sided_t

    for df in (1, 2, 3, 5, 8, 13, 30, 100, 399):
        for t in (0.0, 1e-9, 0.3, 1.0, 2.0, 2.5, 4.0, 10.0, 50.0, 1e4):
            expected = 2 * stdtr(df, -t)
            got = two_sided_t(t, df)
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-300), (df, t)
            assert two_sided_t(-t, df) == got
    assert np.isclose(two_sided_t(2.228, 10), 0.05, atol=1e-4)  # the textbook table: t(10; 0,975) = 2,228
