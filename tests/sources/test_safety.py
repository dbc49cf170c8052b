"""Safety and liveability beside the social state: police-registered crime, Leefbaarometer, single extremes."""

from __future__ import annotations

import csv

import pytest

from sociale_kaart.analysis.need import LIVEABILITY_DIMENSIONS, analyse
from sociale_kaart.combine.dataset import build
from sociale_kaart.settings import NeedSettings, Sources


@pytest.fixture(scope="session")
def veiligheid(shared):
    return shared / "veiligheid"


def raw_rows(path, delimiter=";"):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def number(text):
    text = (text or "").strip()
    return None if text in ("", ".") else float(text)


@pytest.mark.parametrize("gemeente, grenzen", [("GM0556", "2016"), ("GM0622", "2016"), ("GM0606", "2024")])
def test_crime_per_1000_equals_the_verbatim_rows_over_kwb_inhabitants(gemeente, grenzen, shared, veiligheid, kwb_2024):
    boundaries = shared / "cbs" / ("wijkenbuurten_2016_land.gpkg" if grenzen == "2016" else "wijkenbuurten_2024_rijnmond.gpkg")
    crime = {r["WijkenEnBuurten"].strip(): float(r["GeregistreerdeMisdrijven_1"])
             for r in raw_rows(veiligheid / "politie_47018NED_2023_totaal_rijnmond.csv", ",")
             if r["SoortMisdrijf"] == "0.0.0 " and r["Perioden"] == "2023JJ00"}
    inhabitants = {r["Codering_3"].strip(): number(r["AantalInwoners_5"]) for r in raw_rows(kwb_2024)}
    data = build(Sources(grenzen=boundaries, kwb=kwb_2024, gemeenten=(gemeente,),
                         misdrijven=veiligheid / "politie_47018NED_2023_totaal_rijnmond.csv"))
    table = data.buurten.set_index("buurtcode")
    checked = shown_as_count = 0
    for code, row in table.iterrows():
        if code not in crime or inhabitants.get(code) is None:
            continue
        assert row["misdrijven_totaal"] == crime[code]
        if inhabitants[code] < 50:
            assert row["misdrijven_totaal_per_1000_status"] == "onderdrukt"
            shown_as_count += 1
        else:
            assert row["misdrijven_totaal_per_1000"] == pytest.approx(crime[code] / inhabitants[code] * 1000, abs=1e-9)
            checked += 1
    assert checked >= 15
    ind = next(i for i in data.indicators if i.key == "misdrijven_totaal_per_1000")
    assert ind.domain == "veiligheid" and "geregistreerd waar ze gebeuren" in ind.description
    if gemeente == "GM0556":
        assert shown_as_count >= 1  # De Dijk: 10 inhabitants, a count and no rate


def test_liveability_class_and_weakest_dimension_match_the_csv(shared, veiligheid, buurten_2016, kwb_2024):
    rows = {r["bu_code"]: r for r in raw_rows(veiligheid / "leefbaarometer3_buurtscore24_rijnmond.csv")}
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0622",),
                         leefbaarometer=veiligheid / "leefbaarometer3_buurtscore24_rijnmond.csv"))
    table = data.buurten.set_index("buurtcode")
    with_score = without = 0
    for code, row in table.iterrows():
        raw = rows.get(code)
        if raw is None or number(raw["kscore"]) is None:
            assert row["lbm_klasse_status"] != "ok"
            without += 1
            continue
        assert row["lbm_klasse"] == float(raw["kscore"])
        dims = {name: float(raw[col.removeprefix("lbm_")]) for col, name in LIVEABILITY_DIMENSIONS.items()}
        weakest = min(dims, key=dims.get)
        assert min({n: row[c] for c, n in LIVEABILITY_DIMENSIONS.items()}.items(), key=lambda kv: kv[1])[0] == weakest
        with_score += 1
    assert with_score >= 20
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0622"]
    assert gemeente["lbm_klasse_status"] == "alleen per buurt", "a score is never summed"
    result = analyse(data, NeedSettings(indicators=("wmo_per_1000", "bijstand_per_1000", "lbm_klasse")))
    for _, row in result.flagged.iterrows():
        if row.get("hoog_lbm_klasse"):
            raw = rows[row["buurtcode"]]
            dims = {name: float(raw[col.removeprefix("lbm_")]) for col, name in LIVEABILITY_DIMENSIONS.items()}
            assert f"leefbaarometer-klasse {raw['kscore']}, zwakst op {min(dims, key=dims.get)}" in row["reden"]
            assert "sociaal: " in row["reden"] or "leefbaarheid: " in row["reden"]


@pytest.mark.parametrize("gemeente, named", [("GM0556", "BU05560403"), ("GM0622", None)])
def test_single_extreme_values_are_flagged_by_the_documented_rule(gemeente, named, buurten_2016, kwb_2024):
    rows = [r for r in raw_rows(kwb_2024) if r["Codering_3"].startswith("BU" + gemeente[2:])]

    def rate(r, num, dens, scale):
        n, d = number(r[num]), [number(r[c]) for c in dens]
        return None if n is None or None in d or sum(d) < 50 else n / sum(d) * scale

    needs = {"wmo": ("WmoClienten_93", ["AantalInwoners_5"], 1000),
             "bijstand": ("PersonenPerSoortUitkeringBijstand_87", ["AantalInwoners_5"], 1000),
             "jeugdzorg": ("JongerenMetJeugdzorgInNatura_91", ["k_0Tot15Jaar_8", "k_15Tot25Jaar_9"], 100)}
    reference = {}
    for key, (num, dens, scale) in needs.items():  # gemeente: summed counts of buurten with both figures
        both = [r for r in rows if number(r[num]) is not None and None not in [number(r[c]) for c in dens]]
        reference[key] = sum(number(r[num]) for r in both) / sum(sum(number(r[c]) for c in dens) for r in both) * scale
    expected = {r["Codering_3"].strip() for r in rows if (number(r["AantalInwoners_5"]) or 0) >= 200
                and any((rate(r, *needs[k]) or 0) >= 2 * reference[k] for k in needs)}
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=(gemeente,)))
    table = analyse(data).table.set_index("buurtcode")
    assert set(table.index[table["uitschieter"]]) == expected
    assert table.loc[sorted(expected), "aandachtsbuurt"].all()
    vaart_zuid = {r["Codering_3"].strip() for r in rows if rate(r, *needs["wmo"]) and
                  abs(rate(r, *needs["wmo"]) - 209.6) < 0.05}
    assert named or len(vaart_zuid) == 1, "Vaart Zuid: Wmo 209,6 per 1.000 in the raw file"
    for code in ([named] if named else sorted(vaart_zuid)):
        assert code in expected and "uitschieter" in table.at[code, "reden"]
    off = analyse(data, NeedSettings(extreme_factor=None)).table.set_index("buurtcode")
    for code in ([named] if named else sorted(vaart_zuid)):
        assert not off.at[code, "aandachtsbuurt"], "without the rule one high indicator is not enough"
