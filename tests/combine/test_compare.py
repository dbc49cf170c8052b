"""The gemeente beside its size class and the Netherlands, from summed counts of kwb_2024_gemeenten.csv."""

from __future__ import annotations

import csv

import pytest

from sociale_kaart.combine.dataset import build
from sociale_kaart.errors import InputError
from sociale_kaart.settings import Sources


def test_vlaardingen_beside_its_size_class_and_the_netherlands(shared, buurten_2016, kwb_2024):
    path = shared / "kwb" / "kwb_2024_gemeenten.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))

    def n(row, column):
        text = row[column].strip()
        return None if text in ("", ".") else float(text)

    def group_rate(members, numerator, scale):
        have = [r for r in members if n(r, numerator) is not None and n(r, "AantalInwoners_5")]
        return sum(n(r, numerator) for r in have) / sum(n(r, "AantalInwoners_5") for r in have) * scale, len(have)

    vlaardingen = next(r for r in rows if r["gemeentecode"] == "GM0622")
    assert 50_000 <= n(vlaardingen, "AantalInwoners_5") < 100_000
    size_class = [r for r in rows if 50_000 <= n(r, "AantalInwoners_5") < 100_000]
    expected = {
        "gemeente": (group_rate([vlaardingen], "WmoClienten_93", 1000), group_rate([vlaardingen], "PersonenPerSoortUitkeringBijstand_87", 10000)),
        "grootteklasse": (group_rate(size_class, "WmoClienten_93", 1000), group_rate(size_class, "PersonenPerSoortUitkeringBijstand_87", 10000)),
        "Nederland": (group_rate(rows, "WmoClienten_93", 1000), group_rate(rows, "PersonenPerSoortUitkeringBijstand_87", 10000)),
    }
    waterweg = [r for r in rows if r["gemeentecode"] in ("GM0556", "GM0606", "GM0622")]
    assert [r["gemeentenaam"] for r in waterweg] == ["Maassluis", "Schiedam", "Vlaardingen"]
    expected["Waterweg"] = (group_rate(waterweg, "WmoClienten_93", 1000),
                            group_rate(waterweg, "PersonenPerSoortUitkeringBijstand_87", 10000))
    sources = Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Vlaardingen",), kwb_gemeenten=path)
    data = build(sources, units={"bijstand_per_1000": 10000}, comparison_name="Waterweg",
                 comparison_group=("maassluis", "SCHIEDAM", "gm0622"))  # names and codes as people type them
    table = data.comparison.set_index("vergelijking")
    for kind, ((wmo, wmo_n), (bijstand, bijstand_n)) in expected.items():
        assert table.at[kind, "wmo_per_1000"] == pytest.approx(wmo, rel=1e-12)
        assert table.at[kind, "bijstand_per_1000"] == pytest.approx(bijstand, rel=1e-12)
        assert table.at[kind, "wmo_per_1000_gemeenten"] == wmo_n
        assert table.at[kind, "bijstand_per_1000_gemeenten"] == bijstand_n
    assert table.at["Waterweg", "gemeenten"] == 3
    assert table.at["Nederland", "gemeenten"] == len(rows) == 342
    missing_wmo = sum(1 for r in rows if n(r, "WmoClienten_93") is None)
    assert table.at["Nederland", "wmo_per_1000_gemeenten"] == 342 - missing_wmo == 332
    assert table.at["grootteklasse", "naam"] == "50.000 tot 100.000 inwoners"
    assert next(i for i in data.indicators if i.key == "bijstand_per_1000").unit == "per 10.000 inwoners"
    # The profile's "Nederland" row: the sum of all gemeenten, no longer "–"
    assert data.nederland["wmo_per_1000"].iloc[0] == pytest.approx(expected["Nederland"][0][0], rel=1e-12)
    with pytest.raises(InputError, match=r"^\[vergelijking\] gemeenten: gemeente 'Schiedm' komt niet voor; bedoelt u "
                                         r"Schiedam \(GM0606\)\?$"):  # never a group of two that calls itself three
        build(sources, comparison_group=("Maassluis", "Schiedm", "Vlaardingen"))
