"""Change per area between the nulmeting and the last year: Maassluis 2015 -> 2024 from the raw CSVs."""

from __future__ import annotations

import pytest

from conftest import published_half_step, raw_2015, raw_number
from sociale_kaart.combine.change import FALLEN, LEVEL, NOT_JUDGED, RISEN, change_table
from sociale_kaart.settings import ChangeSettings

MIN_DENOMINATOR = 50  # SmallNumbers default
HALF = 2.5  # CBS rounds counts to 5


def verdict(lo_a, hi_a, lo_b, hi_b, a, b):
    if lo_b <= hi_a and lo_a <= hi_b:
        return LEVEL
    return FALLEN if b < a else RISEN


def expected_maassluis(kwb_2015_rows, kwb_rows):
    """Per buurt: inhabitants 2015, and (value 2015, value 2024, verdict) for bijstand and % 65+, by hand."""
    out = {}
    mine = [c for c, r in kwb_2015_rows.items() if r["GM_CODE"] == "GM0556"]
    halves = {"WWB_UITTOT": published_half_step(raw_2015(kwb_2015_rows[c], "WWB_UITTOT") for c in mine),
              "PersonenPerSoortUitkeringBijstand_87": published_half_step(
                  raw_number(kwb_rows[c], "PersonenPerSoortUitkeringBijstand_87") for c in mine)}
    for code, old in kwb_2015_rows.items():
        if old["GM_CODE"] != "GM0556":
            continue
        new = kwb_rows[code]
        i15, i24 = raw_2015(old, "AANT_INW"), raw_number(new, "AantalInwoners_5")
        b15, b24 = raw_2015(old, "WWB_UITTOT"), raw_number(new, "PersonenPerSoortUitkeringBijstand_87")
        bh15, bh24 = halves["WWB_UITTOT"], halves["PersonenPerSoortUitkeringBijstand_87"]
        p15, n24 = raw_2015(old, "P_65_EO_JR"), raw_number(new, "k_65JaarOfOuder_12")
        row = {"naam": old["BU_NAAM"], "inwoners_2015": i15}
        ok15, ok24 = i15 >= MIN_DENOMINATOR, i24 >= MIN_DENOMINATOR
        bij = (b15 / i15 * 1000 if ok15 and b15 is not None else None,
               b24 / i24 * 1000 if ok24 and b24 is not None else None)
        pct = (p15 if ok15 and p15 is not None else None, n24 / i24 * 100 if ok24 and n24 is not None else None)
        row["bijstand"], row["pct_65plus"] = bij, pct
        if None not in bij:
            row["bijstand_verdict"] = verdict(max(b15 - bh15, 0) / (i15 + HALF) * 1000,
                                              (b15 + bh15) / (i15 - HALF) * 1000,
                                              max(b24 - bh24, 0) / (i24 + HALF) * 1000, (b24 + bh24) / (i24 - HALF) * 1000,
                                              *bij)
        if None not in pct:
            count, margin = p15 * i15 / 100, (0.5 * i15 + p15 * HALF) / 100  # a whole percentage: +-0,5
            row["pct_65plus_verdict"] = verdict((count - margin) / (i15 + HALF) * 100, (count + margin) / (i15 - HALF) * 100,
                                                (n24 - HALF) / (i24 + HALF) * 100, (n24 + HALF) / (i24 - HALF) * 100, *pct)
        out[code] = row
    return out


@pytest.fixture(scope="module")
def table(maassluis_series):
    return change_table(maassluis_series)


def test_maassluis_values_and_changes_per_buurt(table, kwb_2015_rows, kwb_rows):
    expected = expected_maassluis(kwb_2015_rows, kwb_rows)
    assert len(expected) == 19
    buurten = table[table["niveau"] == "buurt"].set_index(["code", "indicator"])
    for code, row in expected.items():
        for key in ("bijstand", "pct_65plus"):
            got = buurten.loc[(code, f"{key}_per_1000" if key == "bijstand" else key)]
            base, last = row[key]
            assert got["jaar_nulmeting"] == 2015 and got["jaar_laatste"] == 2024
            assert (got["nulmeting"] == pytest.approx(base)) if base is not None else got["status_nulmeting"] != "ok"
            assert (got["laatste"] == pytest.approx(last)) if last is not None else got["status_laatste"] != "ok"
            if row["inwoners_2015"] < ChangeSettings().min_inwoners or None in (base, last):
                assert got["verandering"] == NOT_JUDGED and got["reden"], (code, key)
                continue
            assert got["verschil"] == pytest.approx(last - base)
            assert got["verschil_pct"] == pytest.approx((last - base) / base * 100)
            assert got["verandering"] == row[f"{key}_verdict"], (code, row["naam"], key)


def test_burgemeesterswijk_bijstand_fell_and_is_an_improvement(table, kwb_2015_rows, kwb_rows):
    row = table[(table["code"] == "BU05560502") & (table["indicator"] == "bijstand_per_1000")].iloc[0]
    old, new = kwb_2015_rows["BU05560502"], kwb_rows["BU05560502"]
    assert old["BU_NAAM"] == row["naam"] == "Burgemeesterswijk"
    assert row["nulmeting"] == pytest.approx(float(old["WWB_UITTOT"]) / float(old["AANT_INW"]) * 1000)
    assert row["laatste"] == pytest.approx(raw_number(new, "PersonenPerSoortUitkeringBijstand_87")
                                           / raw_number(new, "AantalInwoners_5") * 1000)
    assert row["verandering"] == FALLEN and row["beoordeling"] == "verbeterd"


def test_a_context_indicator_is_neither_better_nor_worse(table):
    ageing = table[(table["indicator"] == "pct_65plus") & table["verandering"].isin([FALLEN, RISEN])]
    assert len(ageing) and set(ageing["beoordeling"]) == {"neutraal"}


def test_wilgenrijk_is_not_judged_on_90_inhabitants(table, kwb_2015_rows, kwb_rows):
    assert raw_2015(kwb_2015_rows["BU05560801"], "AANT_INW") == 90
    assert raw_number(kwb_rows["BU05560801"], "AantalInwoners_5") == 1805
    rows = table[(table["code"] == "BU05560801")]
    assert set(rows["verandering"]) == {NOT_JUDGED}
    assert all("te weinig inwoners in 2015 (90, minimum 200)" == r for r in rows["reden"])
    assert rows["verschil"].isna().all()


def test_the_minimum_is_a_setting(maassluis_series):
    table = change_table(maassluis_series, settings=ChangeSettings(min_inwoners=50))
    row = table[(table["code"] == "BU05560801") & (table["indicator"] == "pct_65plus")].iloc[0]
    assert row["verandering"] == FALLEN  # 32% of 90 in 2015, 7% of 1.805 in 2024


def test_the_gemeente_is_the_sum_of_its_buurten_in_both_years(table, kwb_2015_rows, kwb_rows):
    codes = [c for c, r in kwb_2015_rows.items() if r["GM_CODE"] == "GM0556"]
    pairs15 = [(raw_2015(kwb_2015_rows[c], "WWB_UITTOT"), raw_2015(kwb_2015_rows[c], "AANT_INW")) for c in codes]
    pairs24 = [(raw_number(kwb_rows[c], "PersonenPerSoortUitkeringBijstand_87"), raw_number(kwb_rows[c], "AantalInwoners_5"))
               for c in codes]
    rate = [sum(b for b, i in p if b is not None) / sum(i for b, i in p if b is not None) * 1000 for p in (pairs15, pairs24)]
    row = table[(table["niveau"] == "gemeente") & (table["indicator"] == "bijstand_per_1000")].iloc[0]
    assert row["naam"] == "Maassluis"
    assert (row["nulmeting"], row["laatste"]) == pytest.approx(tuple(rate))


def test_a_suppressed_baseline_is_not_judged(table, kwb_2015_rows):
    assert raw_2015(kwb_2015_rows["BU05560405"], "AANT_INW") < MIN_DENOMINATOR  # Nieuwe waterweg: 40
    row = table[(table["code"] == "BU05560405") & (table["indicator"] == "bijstand_per_1000")].iloc[0]
    assert row["verandering"] == NOT_JUDGED and row["reden"] == "onderdrukt in 2015 (klein aantal)"


def test_change_follows_the_units_of_the_run(maassluis_project, buurten_2016, kwb_2015, kwb_2015_rows, kwb_rows,
                                             tmp_path):
    """``[eenheden] bijstand_per_1000 = 10000``: change and targets per 10.000, as the run's tables."""
    import csv
    import subprocess
    import sys

    maassluis_project(tmp_path, f"""
[eenheden]
bijstand_per_1000 = 10000
[[jaar]]
jaar = 2015
kwb = "{kwb_2015}"
grenzen = "{buurten_2016}"
""")
    done = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "maak", "--product", "voortgang", "--stil"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "maps" / "maassluis_verandering.csv", encoding="utf-8-sig") as handle:
        rows = {(r["code"], r["indicator"]): r for r in csv.DictReader(handle, delimiter=";")}
    row = rows[("BU05560502", "bijstand_per_1000")]
    old, new = kwb_2015_rows["BU05560502"], kwb_rows["BU05560502"]
    expected = (raw_2015(old, "WWB_UITTOT") / raw_2015(old, "AANT_INW") * 10000,
                raw_number(new, "PersonenPerSoortUitkeringBijstand_87") / raw_number(new, "AantalInwoners_5") * 10000)
    assert row["eenheid"] == "per 10.000 inwoners"
    assert (row["nulmeting"], row["laatste"]) == tuple(f"{v:.1f}".replace(".", ",") for v in expected)


def test_the_gemeente_verdict_rests_on_the_published_gemeente_figures(shared, buurten_2016, kwb_2015, kwb_2024):
    """With the gemeente rows of both years, the gemeente's figures are the published ones (rounded once):
    Maassluis 29,5 -> 25,7 per 1.000 is a fall, and the table says what the verdict rests on."""
    import csv

    from sociale_kaart.combine.series import build_series
    from sociale_kaart.settings import YearSource
    from sociale_kaart.sources.boundaries import read_boundaries

    rows = {}
    for year, name, code, counts in ((2015, "kwb_2015_gemeenten_wbkaart.csv", "GM_CODE", ("WWB_UITTOT", "AANT_INW")),
                                     (2024, "kwb_2024_gemeenten.csv", "gemeentecode",
                                      ("PersonenPerSoortUitkeringBijstand_87", "AantalInwoners_5"))):
        with open(shared / "kwb" / name, encoding="utf-8-sig") as f:
            table = list(csv.DictReader(f, delimiter=";"))
        row = next(r for r in table if r[code].strip() == "GM0556")
        bijstand = [float(r[counts[0]]) for r in table if r[counts[0]].strip() not in ("", ".")
                    and float(r[counts[0]]) > -99990]
        rows[year] = (float(row[counts[0]]), float(row[counts[1]]), published_half_step(bijstand))
    gemeenten = {2015: shared / "kwb" / "kwb_2015_gemeenten_wbkaart.csv", 2024: shared / "kwb" / "kwb_2024_gemeenten.csv"}
    series = build_series((YearSource(year=2015, kwb=kwb_2015, kwb_gemeenten=gemeenten[2015]),
                           YearSource(year=2024, kwb=kwb_2024, kwb_gemeenten=gemeenten[2024])),
                          reference=read_boundaries(buurten_2016, ["GM0556"]).frame, reference_path=buurten_2016,
                          gemeenten=["GM0556"])
    table = change_table(series)
    row = table[(table["niveau"] == "gemeente") & (table["indicator"] == "bijstand_per_1000")].iloc[0]
    (b15, i15, h15), (b24, i24, h24) = rows[2015], rows[2024]
    assert row["nulmeting"] == pytest.approx(b15 / i15 * 1000) and round(row["nulmeting"], 1) == 29.5
    assert row["laatste"] == pytest.approx(b24 / i24 * 1000) and round(row["laatste"], 1) == 25.7
    assert row["basis"] == "gepubliceerd cijfer"
    assert row["verandering"] == FALLEN
    # One rounding per year: bijstand +- half its step, inhabitants exact (published in whole numbers).
    margin = (b15 + h15) / i15 * 1000 - (b15 - h15) / i15 * 1000
    margin = margin / 2 + ((b24 + h24) / i24 * 1000 - (b24 - h24) / i24 * 1000) / 2
    assert row["marge_afronding"] == pytest.approx(margin)
    buurt = table[(table["niveau"] == "buurt")]
    assert set(buurt.loc[buurt["verandering"] != NOT_JUDGED, "basis"]) == {"cijfer van de buurt"}
    assert "gemeentecijfers: het gepubliceerde cijfer" in series.report_text()
