"""Stapeling per huishouden: linked extracts on the real Maassluis buurten, checked against the raw files."""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sociale_kaart.combine.dataset import build
from sociale_kaart.errors import InputError
from sociale_kaart.settings import Sources
from sociale_kaart.sources.linked import LinkedSpec, is_bsn, read_linked
from sociale_kaart.sources.linked_sample import EXTRACTS, make_linked_extracts

ROUNDING = 5


def _round(value: float) -> float:
    """Half up to a multiple of ROUNDING, never a non-zero count as 0 (hand arithmetic of the documented rule)."""
    if value == 0:
        return 0.0
    return max(ROUNDING, math.floor(value / ROUNDING + 0.5) * ROUNDING)


@pytest.fixture(scope="module")
def maassluis(buurten_2016):
    frame = gpd.read_file(buurten_2016, layer="buurten", where="gemeentecode = 'GM0556'")
    return frame[["buurtcode", "wijkcode", "geometry"]]


@pytest.fixture(scope="module")
def extracts(maassluis, tmp_path_factory):
    return make_linked_extracts(maassluis, tmp_path_factory.mktemp("linked"), households=15000, seed=7)


@pytest.fixture(scope="module")
def specs(extracts):
    return tuple(LinkedSpec(source=extracts[area], area=area, key=EXTRACTS[area][1]) for area in EXTRACTS)


@pytest.fixture(scope="module")
def data(buurten_2016, kwb_2024, specs, extracts):
    return build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), linked=specs,
                         adrestabel=extracts["adrestabel"]))


@pytest.fixture(scope="module")
def truth(maassluis, extracts):
    """Per household key: its buurt (most records; tie: lowest code) and leefgebieden, from the raw CSVs."""
    with open(extracts["adrestabel"], encoding="utf-8") as handle:
        address = {(r["postcode"], r["huisnummer"]): r["buurtcode"] for r in csv.DictReader(handle, delimiter=";")}
    polygons = list(zip(maassluis["buurtcode"], maassluis.geometry))
    places, areas = defaultdict(Counter), defaultdict(set)
    for area, (stem, key, how) in EXTRACTS.items():
        with open(extracts[area], encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                if how == "buurtcode":
                    code = row["buurtcode"]
                elif how == "xy":
                    point = shapely.Point(float(row["x"]), float(row["y"]))
                    code = next((c for c, p in polygons if p.contains(point)), None)
                else:
                    code = address.get((row["postcode"], row["huisnummer"]))
                areas[row[key]].add(area)
                if code is not None:
                    places[row[key]][code] += 1
    homes = {}
    for key, counter in places.items():
        most = max(counter.values())
        homes[key] = (min(c for c, n in counter.items() if n == most), frozenset(areas[key]))
    return homes


def test_each_buurt_stapeling_equals_the_count_from_the_raw_extracts(data, truth, maassluis):
    expected = Counter(code for code, areas in truth.values() if len(areas) >= 2)
    true = data.stacking.counts.set_index("buurtcode")["huishoudens_2plus_leefgebieden"]
    assert sorted(true.index) == sorted(maassluis["buurtcode"])
    for code in maassluis["buurtcode"]:
        assert true[code] == expected.get(code, 0), code
    assert sum(expected.values()) > 500  # the synthetic extracts do stack
    # published: the rounded true value, or suppressed (and then nothing of it is shown)
    buurten = data.buurten.set_index("buurtcode")
    shown = 0
    for code in maassluis["buurtcode"]:
        value = buurten.at[code, "huishoudens_2plus_leefgebieden"]
        status = data.disclosure.buurt_status.at[code, "huishoudens_2plus_leefgebieden"]
        if status == "onderdrukt":
            assert np.isnan(value) and np.isnan(buurten.at[code, "stapeling_per_1000_huishoudens"]), code
        else:
            assert status == "ok" and value == _round(expected.get(code, 0)), code
            shown += 1
    assert shown >= 5  # protection hides what it must, not the whole column


def test_the_gemeente_figure_is_the_sum_over_all_records(data, truth):
    for what, test in (("2plus_leefgebieden", lambda n: n >= 2), ("3plus_leefgebieden", lambda n: n >= 3),
                       ("1_leefgebied", lambda n: n == 1), ("met_ondersteuning", lambda n: n >= 1)):
        column = f"huishoudens_{what}"
        total = sum(1 for _code, areas in truth.values() if test(len(areas)))
        assert data.stacking.counts[column].sum() == total, column
        row = data.gemeenten.set_index("gemeentecode").loc["GM0556"]
        status = data.disclosure.total_status["gemeente"].at["GM0556", column]
        assert status in ("ok", "onderdrukt")
        if status == "ok":
            assert row[column] == _round(total), column
    row = data.gemeenten.set_index("gemeentecode").loc["GM0556"]
    households = data.gemeenten.set_index("gemeentecode").at["GM0556", "huishoudens"]
    if data.disclosure.total_status["gemeente"].at["GM0556", "huishoudens_2plus_leefgebieden"] == "ok":  # the rate is made of the published count
        assert row["stapeling_per_1000_huishoudens"] == pytest.approx(
            row["huishoudens_2plus_leefgebieden"] / households * 1000, abs=0.05)


def test_combinations_add_up_and_are_never_published_per_buurt(data, truth):
    combos = Counter(areas for _code, areas in truth.values())
    for column, areas in data.stacking.combinations.items():
        assert data.stacking.counts[column].sum() == combos[frozenset(areas)], column
        assert column not in data.buurten.columns
        assert column in data.wijken.columns
    assert "huishoudens_2_leefgebieden" not in data.buurten.columns


def test_keys_are_pseudonymised_and_bsns_reported(data, extracts, specs, maassluis):
    with open(extracts["Wmo"], encoding="utf-8") as handle:
        keys = [r["bsn"] for r in csv.DictReader(handle, delimiter=";")]
    assert all(is_bsn(k) for k in keys)
    assert any("lijkt een BSN" in w and "alleen in het geheugen" in w for w in data.key_notes)
    assert "lijkt een BSN" in data.report_text()
    one = read_linked(specs[:1], maassluis)
    two = read_linked(specs[:1], maassluis)  # another run, another secret: other pseudonyms
    assert not set(one.records["pseudoniem"]) & set(two.records["pseudoniem"])
    assert set(one.records.columns) == {"pseudoniem", "leefgebied", "buurtcode"}


def test_an_empty_key_names_the_row_never_a_key(tmp_path, maassluis):
    path = tmp_path / "wmo.csv"
    path.write_text("bsn;buurtcode\n111222333;BU05560101\n;BU05560101\n", encoding="utf-8")
    with pytest.raises(InputError, match="rij 3") as error:
        read_linked([LinkedSpec(source=path, area="Wmo", key="bsn")], maassluis)
    assert "111222333" not in str(error.value)


def test_a_cbs_stapeling_table_is_read_per_wijk_and_credited(buurten_2016, kwb_2024, shared):
    path = shared / "sociaal_domein" / "cbs_stapeling_wijken" / "85994NED_subset.csv"
    with open(path, encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";")
                if r["Codering_3"].strip().startswith("WK0556") and r["SoortVoorzieningSociaalDomein"] == "Totaal"
                and r["AantalVoorzieningen"] == "Totaal"]
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), extra=(("cbs_stapeling", path),)))
    wijken = data.wijken.set_index("wijkcode")
    assert {i.key for i in data.wijk_indicators} >= {"cbs_huishoudens_met_voorzieningen_per_1000"}
    for row in rows:
        code, value = row["Codering_3"].strip(), row["HuishoudensMetVoorzieningen_6"].strip()
        if value:
            assert wijken.at[code, "cbs_huishoudens_met_voorzieningen"] == float(value), code
        else:
            assert np.isnan(wijken.at[code, "cbs_huishoudens_met_voorzieningen"]), code
    assert "CBS, Gebruik voorzieningen sociaal domein per wijk (85994NED) 1e halfjaar 2024 (CC BY 4.0)" in data.credits()
    assert wijken.geometry.notna().all()


def test_the_milp_attacker_narrows_no_stapeling_count_below_the_rounding_base():
    """Eight buurten in two wijken, three leefgebieden: 1, 2, 3+, 2+, the total, each leefgebied and
    each combination related as the attacker knows them; every hidden figure keeps more than
    `rounding` possible values."""
    from sociale_kaart.combine.disclosure import protect_counts
    from sociale_kaart.combine.stacking import stacking_counts
    from tests.attack import attack_related

    rng = np.random.default_rng(23)
    codes = [f"BU0000{n:04d}" for n in range(8)]
    rows = []
    for household in range(260):
        code = codes[min(7, int(rng.exponential(2.5)))]  # some buurten small
        areas = [a for a, p in (("wmo", 0.5), ("jeugd", 0.35), ("bijstand", 0.3)) if rng.random() < p] or ["wmo"]
        rows += [(household, area, code) for area in areas]
    records = pd.DataFrame(rows, columns=["pseudoniem", "leefgebied", "buurtcode"])
    stacking = stacking_counts(records, codes, areas=("wmo", "jeugd", "bijstand"))
    counts = stacking.counts.set_index("buurtcode")
    groupings = {"wijk": pd.Series(["W1"] * 4 + ["W2"] * 4, index=codes), "gemeente": pd.Series("G", index=codes)}
    result = protect_counts(counts, groupings=groupings, relations=stacking.relations,
                            area_only=stacking.area_only)
    areas = {f"{name}:{area}": list(members.index[members == area]) for name, members in groupings.items()
             for area in sorted(set(members))}
    published = {col: ({code: (None if col in stacking.area_only else result.buurten.at[code, col]) for code in codes},
                       {f"{name}:{area}": result.totals[name].at[area, col] for name in groupings
                        for area in result.totals[name].index})
                 for col in counts.columns}
    ranges = attack_related(columns=published, areas=areas, relations=stacking.relations, rounding=5,
                            unpublished=stacking.area_only)
    hidden = 0
    for col in counts.columns:
        for code in codes:
            status = result.buurt_status.at[code, col]
            small = 1 <= counts.at[code, col] <= 4
            if status == "onderdrukt" and (col not in stacking.area_only or small):
                low, high = ranges[f"{col}|{code}"]
                assert high - low >= 5, (col, code, low, high)
                hidden += 1
        for name in groupings:
            for area in result.totals[name].index:
                if result.total_status[name].at[area, col] == "onderdrukt":
                    low, high = ranges[f"{col}|{name}:{area}"]
                    assert high - low >= 5, (col, name, area, low, high)
                    hidden += 1
    assert hidden > 10  # the attack had something to try


def test_no_key_of_any_extract_is_in_any_file_the_run_wrote(tmp_path, buurten_2016, kwb_2024, extracts):
    """The whole run through the command line, with its own cache and temporary folder: every byte
    written is searched for every key of every extract."""
    import os
    import subprocess
    import sys

    project = tmp_path / "project"
    project.mkdir()
    lines = [f'[bronnen]\ngrenzen = "{buurten_2016}"\nkwb = "{kwb_2024}"\nadrestabel = "{extracts["adrestabel"]}"\n',
             '[gebied]\ngemeenten = ["GM0556"]\n', '[stapeling]\neenheid = "huishouden"\n']
    keys = set()
    for area, (_stem, key, _how) in EXTRACTS.items():
        lines.append(f'[[registratie]]\nbestand = "{extracts[area]}"\nleefgebied = "{area}"\nsleutel = "{key}"\n')
        with open(extracts[area], encoding="utf-8") as handle:
            keys |= {row[key] for row in csv.DictReader(handle, delimiter=";")}
    (project / "sociale-kaart.toml").write_text("\n".join(lines), encoding="utf-8")
    folders = {name: tmp_path / name for name in ("uitvoer", "cache", "tmp")}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(folders["tmp"]), "SOCIALE_KAART_CACHE": str(folders["cache"]),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    products = ("tabellen", "aandachtsbuurten", "kaart", "briefing")
    run = subprocess.run([sys.executable, "-m", "sociale_kaart", "maak", "--uitvoer", str(folders["uitvoer"]),
                          *(a for p in products for a in ("--product", p))],
                         cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    (report,) = folders["uitvoer"].glob("*_koppelrapport.txt")
    assert "lijkt een BSN" in report.read_text(encoding="utf-8")  # the report says BSNs were used in memory only
    written = [p for folder in folders.values() for p in folder.rglob("*") if p.is_file()]
    assert len(written) > 5 and any(p.suffix == ".gpkg" for p in written)
    encoded = [k.encode() for k in keys]
    for path in written:
        content = path.read_bytes()
        assert not any(k in content for k in encoded), path
    assert not any(k in run.stdout + run.stderr for k in keys)


def test_the_uitkeringen_table_fills_bijstand_where_the_kwb_has_none(tmp_path, buurten_2016, kwb_2024, shared):
    """A KWB whose bijstand is "." (as the 2023 KWB publishes it): the CBS uitkeringen table per buurt
    fills it from its last period, and the report says so."""
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    column = rows[0].index("PersonenPerSoortUitkeringBijstand_87")
    for row in rows[1:]:
        row[column] = "."
    kwb = tmp_path / "kwb_2023_zonder_bijstand.csv"
    with open(kwb, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    table = shared / "sociaal_domein" / "cbs_uitkeringen_buurten" / "85586NED_subset.csv"
    with open(table, encoding="utf-8-sig") as handle:
        expected = {r["Codering_3"].strip(): r["Bijstandsuitkering_6"].strip() for r in csv.DictReader(handle, delimiter=";")
                    if r["Perioden"] == "2023 december" and r["Codering_3"].strip().startswith("BU0613")}
    data = build(Sources(grenzen=buurten_2016, kwb=kwb, gemeenten=("GM0613",), extra=(("cbs_uitkeringen", table),)))
    buurten = data.buurten.set_index("buurtcode")
    compared = 0
    for code in buurten.index:
        if expected.get(code):
            assert buurten.at[code, "bijstand"] == float(expected[code]), code
            compared += 1
    assert compared >= 5
    assert "bijstand_per_1000" in {i.key for i in data.indicators}
    assert not any(i.numerator == "bijstand_uitkeringen" for i in data.indicators)  # never a second bijstand
    assert any("geeft geen bijstand" in w and "uitkering" in w for w in data.warnings)
    assert "CBS, Personen met een uitkering per buurt (85586NED) 2023 december (CC BY 4.0)" in data.credits()


def test_the_section_says_only_published_figures(data):
    from sociale_kaart.analysis.stacking_section import stacking_section
    from sociale_kaart.texts import nl_number

    section = stacking_section(data)
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0556"]
    two = gemeente["huishoudens_2plus_leefgebieden"]
    if not np.isnan(two):
        assert f"krijgen {nl_number(two, 0)} huishoudens ondersteuning op twee of meer leefgebieden" in section.sentences[0]
    wijken = data.wijken.set_index("wijknaam")
    for label, value in section.rows[4:]:  # combinations: a published gemeente or wijk figure
        areas, _, wijk = label.partition(" (")
        column = next(c for c, a in data.stacking.combinations.items() if " + ".join(a) == areas)
        published = wijken.at[wijk.rstrip(")"), column] if wijk else gemeente[column]
        assert value == nl_number(published, 0), label
    assert 1 <= len(section.rows) - 4 <= 5


def test_the_project_file_declares_linked_registrations_and_the_unit(tmp_path, extracts):
    from sociale_kaart.project import read_project, run_settings

    path = tmp_path / "sociale-kaart.toml"
    path.write_text(f'[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\n[stapeling]\neenheid = "persoon"\n'
                    f'[[registratie]]\nbestand = "{extracts["Wmo"]}"\nleefgebied = "Wmo"\nsleutel = "bsn"\n',
                    encoding="utf-8")
    settings = run_settings(read_project(path, check_files=False))
    assert settings.sources.linked_unit == "persoon"
    assert settings.sources.linked == (LinkedSpec(source=extracts["Wmo"], area="Wmo", key="bsn"),)
    path.write_text('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\n[[registratie]]\nbestand = "w.csv"\n'
                    'leefgebied = "Wmo"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[\[registratie\]\] nummer 1: sleutel ontbreekt"):
        read_project(path, check_files=False)
    path.write_text('[bronnen]\ngrenzen = "g.gpkg"\nkwb = "k.csv"\n[stapeling]\neenheid = "gezin"\n', encoding="utf-8")
    with pytest.raises(InputError, match="'huishouden' of 'persoon'"):
        run_settings(read_project(path, check_files=False))


def test_the_unit_person_names_the_columns_and_takes_inhabitants_as_denominator():
    from sociale_kaart.sources.sample import linked_sample, sample_path

    specs, address_table = linked_sample()
    data = build(Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb"), linked=specs,
                         adrestabel=address_table, linked_unit="persoon"))
    (rate,) = [i for i in data.indicators if i.key.startswith("stapeling_per_1000_")]
    assert (rate.key, rate.numerator, rate.denominator) == ("stapeling_per_1000_inwoners",
                                                            "personen_2plus_leefgebieden", "inwoners")
    assert rate.protected and rate.role == "behoefte"
    assert {"personen_1_leefgebied", "personen_3plus_leefgebieden"} <= set(data.buurten.columns)
    assert not any(c.startswith("huishoudens_") for c in data.stacking.counts.columns)


def test_a_period_counts_only_the_linked_records_dated_in_it(tmp_path, maassluis):
    """`periode` reaches the linked extracts too: households are counted from the records in the period only."""
    import datetime

    wmo, jeugd = tmp_path / "wmo.csv", tmp_path / "jeugd.csv"
    wmo.write_text("bsn;buurtcode;datum\n1;BU05560101;2024-03-01\n2;BU05560101;2023-05-01\n3;BU05560201;2024-12-31\n",
                   encoding="utf-8")
    jeugd.write_text("bsn;buurtcode;datum\n1;BU05560101;2024-07-01\n2;BU05560101;2024-01-02\n", encoding="utf-8")
    specs = [LinkedSpec(source=wmo, area="Wmo", key="bsn"), LinkedSpec(source=jeugd, area="jeugd", key="bsn")]
    period = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    linked = read_linked(specs, maassluis, period=period)
    # by hand: 2024 keeps wmo rows 1 and 3 and both jeugd rows; key 2's Wmo record (2023) drops out
    assert len(linked.records) == 4
    assert sorted(Counter(linked.records["leefgebied"]).items()) == [("Wmo", 2), ("jeugd", 2)]
    assert [s.periode for s in linked.summaries] == ["2024-01-01 t/m 2024-12-31"] * 2  # the report says it
    undated = tmp_path / "bijstand.csv"
    undated.write_text("bsn;buurtcode\n1;BU05560101\n", encoding="utf-8")
    with pytest.raises(InputError, match="bijstand.csv: een periode .* vraagt een kolom met de datum"):
        read_linked([LinkedSpec(source=undated, area="bijstand", key="bsn")], maassluis, period=period)


def test_a_column_named_code_of_another_meaning_leaves_the_records_placed_by_coordinates(tmp_path, maassluis):
    """A client's own 'code' beside x/y is no buurtcode (it was read as one); a 'code' of buurtcodes still is."""
    centre = maassluis.set_index("buurtcode").geometry.representative_point()
    rows = [("11", "HH", "BU05560101"), ("12", "A7", "BU05560201"), ("13", "HH", "BU05560201")]
    path = tmp_path / "wmo.csv"
    path.write_text("bsn;code;x;y\n" + "".join(f"{k};{c};{centre[b].x:.1f};{centre[b].y:.1f}\n" for k, c, b in rows),
                    encoding="utf-8")
    linked = read_linked([LinkedSpec(source=path, area="Wmo", key="bsn")], maassluis)
    assert sorted(linked.records["buurtcode"]) == sorted(b for _, _, b in rows)
    assert "buurtcode" not in linked.summaries[0].vorm, linked.summaries[0].vorm
    coded = tmp_path / "jeugd.csv"
    coded.write_text("bsn;code\n11;BU05560101\n12;05560201\n", encoding="utf-8")
    linked = read_linked([LinkedSpec(source=coded, area="jeugd", key="bsn")], maassluis)
    assert sorted(linked.records["buurtcode"]) == ["BU05560101", "BU05560201"]


def test_an_extract_with_no_record_on_the_map_is_a_fout(tmp_path, maassluis):
    path = tmp_path / "wmo.csv"
    path.write_text("bsn;buurtcode\n1;BU05990101\n2;BU05990102\n", encoding="utf-8")  # another gemeente
    with pytest.raises(InputError, match="wmo.csv: geen enkele regel valt in een buurt van de kaart"):
        read_linked([LinkedSpec(source=path, area="Wmo", key="bsn")], maassluis)


def test_an_extract_without_a_record_in_the_period_is_a_fout(tmp_path, maassluis):
    import datetime

    path = tmp_path / "wmo.csv"
    path.write_text("bsn;buurtcode;datum\n1;BU05560101;2023-05-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="wmo.csv: geen enkele regel met een datum in de periode 2024-01-01 t/m"):
        read_linked([LinkedSpec(source=path, area="Wmo", key="bsn")], maassluis,
                    period=(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))
