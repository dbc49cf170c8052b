"""The attack test: read back every output of a run and try to recover a hidden registration count.

A run on real boundaries with a synthetic registration (small counts in several buurten and
wijken) writes CSV, GeoPackage, the reports, the HTML map and the PDFs. The test reads them as an
outsider would, sets up every equation they allow (published counts as rounded intervals, every
total, every rate times its published denominator) and bounds each suppressed count by integer
programming (tests/attack.py). Protected, no suppressed count can be narrowed to fewer values than
the rounding base; with secondary suppression switched off and no rounding, the attack of the
issue (Taanschuurpolder's 3 from the gemeente rate) succeeds, so the test can fail.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from attack import attack
from sociale_kaart.products import make
from sociale_kaart.settings import IndicatorSpec, MapSettings, RunSettings, SmallNumbers, Sources
from sociale_kaart.texts import decimals_for

SMALL = {"BU05560101": 3, "BU05560203": 1, "BU05560402": 2, "BU05560601": 4}  # in four different wijken


def registration(kwb_2024: Path, gemeente: str, tmp: Path) -> tuple[Path, dict[str, int]]:
    """Synthetic counts: the small ones above where the gemeente has them, 21..38 elsewhere."""
    with open(kwb_2024, encoding="utf-8") as handle:
        codes = sorted(row["Codering_3"].strip() for row in csv.DictReader(handle, delimiter=";")
                       if row["Codering_3"].strip().startswith("BU" + gemeente[2:]))
    counts = {code: SMALL.get(code, 21 + (i * 7) % 18) for i, code in enumerate(codes)}
    if gemeente != "GM0556":  # other gemeenten: small counts in their first buurten of different wijken
        seen = {}
        for code in codes:
            seen.setdefault(code[:8], code)
        for small, code in zip((3, 1, 2, 4), list(seen.values())[:4]):
            counts[code] = small
    path = tmp / f"schuldhulp_{gemeente}.csv"
    path.write_text("buurtcode;schuldhulp\n" + "".join(f"{c};{n}\n" for c, n in counts.items()), encoding="utf-8")
    return path, counts


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def number(text: str | None) -> float | None:
    if text is None or text.strip() in ("", "nan", "<NA>"):
        return None
    return float(text.replace(",", "."))


def published(out: Path, stem: str, column: str):
    """Everything the outputs say about one registration: cells, areas, totals, rates."""
    rate_key = f"{column}_per_1000"
    buurten = read_csv(out / f"{stem}_buurten.csv")
    wijken = read_csv(out / f"{stem}_wijken.csv")
    gemeente = read_csv(out / f"{stem}_gemeente.csv")
    cells = {r["buurtcode"]: number(r[column]) for r in buurten}
    areas, values, rates = {}, {}, {}
    for level, rows, key in (("wijk", wijken, "wijkcode"), ("gemeente", gemeente, "gemeentecode")):
        for row in rows:
            area = f"{level}:{row[key]}"
            members = [r["buurtcode"] for r in buurten if r[key] == row[key]]
            areas[area] = members
            values[area] = number(row[column])
            if number(row[rate_key]) is not None:
                rates[area] = (number(row[rate_key]), number(row["inwoners"]), 1)
    for row in buurten:
        if number(row[rate_key]) is not None:
            rates[row["buurtcode"]] = (number(row[rate_key]), number(row["inwoners"]), 1)
    return cells, areas, values, rates


def other_outputs_add_nothing(out: Path, stem: str, column: str, cells, rates, rounding: int) -> None:
    """GPKG, flag table and HTML map carry the same published figures, never more precise ones."""
    import geopandas as gpd

    rate_key = f"{column}_per_1000"
    layer = gpd.read_file(out / f"{stem}_sociale_kaart.gpkg", layer="buurten").set_index("buurtcode")
    for code, value in cells.items():
        got = layer.at[code, column]
        assert (value is None and (got is None or math.isnan(got))) or got == value, code
    flags = {r["buurtcode"]: number(r[rate_key]) for r in read_csv(out / f"{stem}_aandachtsbuurten.csv")}
    page = (out / f"{stem}_kaart.html").read_text(encoding="utf-8")
    payload = json.loads(re.search(r'id="sk-data">(.*?)</script>', page, re.S).group(1))
    layer_values = next(i for i in payload["indicatoren"] if i["key"] == rate_key)["waarde"]
    html = dict(zip(payload["buurten"]["code"], layer_values))
    for code in cells:
        published_rate = rates.get(code, (None,))[0]
        assert flags.get(code) == published_rate, code
        assert (html.get(code) is None) == (published_rate is None), code
        if published_rate is not None:
            assert round(html[code], 1) == published_rate and abs(html[code] - published_rate) < 0.051, code
    report = json.loads((out / f"{stem}_koppelrapport.json").read_text(encoding="utf-8"))
    for summary in report["registraties"]:  # numbers of records (cases) are rounded like every count
        if summary["vorm"].startswith("regels"):
            assert all(summary[k] % rounding == 0 for k in ("records", "geplaatst", "niet_geplaatst"))
    text = (out / f"{stem}_koppelrapport.txt").read_text(encoding="utf-8")
    assert column in text and "Om welke reden een cijfer is onderdrukt, staat nergens" in text
    assert not re.search(r"\d+ (onderdrukt als klein aantal|extra onderdrukt)", text), "no count per reason"


def pdf_texts(out: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    return [subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout
            for p in sorted(out.rglob("*.pdf"))]


def run(tmp_path, buurten_2016, kwb_2024, gemeenten, rule):
    regs = []
    truth = {}
    for gm in gemeenten:
        path, counts = registration(kwb_2024, gm, tmp_path)
        regs.append(path)
        truth.update(counts)
    # one registration file for all gemeenten of the run
    merged = tmp_path / "schuldhulp.csv"
    merged.write_text("buurtcode;schuldhulp\n" + "".join(f"{c};{n}\n" for c, n in truth.items()), encoding="utf-8")
    out = tmp_path / "uit"
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=tuple(gemeenten),
                                           registraties=(merged,)),
                           small_numbers=rule, output=out, quiet=True, map=MapSettings(formats=("png",)))
    result = make(settings, products=("tabellen", "aandachtsbuurten", "kaart", "profielen", "briefing"))
    return out, result.data.slug, truth


def narrowest(out, stem, rule):
    cells, areas, values, rates = published(out, stem, "reg_schuldhulp")
    ranges = attack(cells=cells, areas=areas, area_values=values, rounding=rule.rounding, min_count=rule.min_count,
                    rates=rates)
    return cells, rates, ranges


@pytest.mark.parametrize("gemeenten", [("GM0556",), ("GM0622", "GM0606")], ids=["Maassluis", "Vlaardingen+Schiedam"])
def test_no_small_count_can_be_recovered_from_the_outputs(gemeenten, tmp_path, buurten_2016, kwb_2024):
    rule = SmallNumbers()
    out, stem, truth = run(tmp_path, buurten_2016, kwb_2024, gemeenten, rule)
    cells, rates, ranges = narrowest(out, stem, rule)
    hidden = [code for code, value in cells.items() if value is None and code in truth]
    assert {c for c, n in truth.items() if 0 < n < rule.min_count and c in cells} <= set(hidden)
    for name, (low, high) in ranges.items():
        assert high - low >= rule.rounding, f"{name} narrowed to {low}..{high}"
    other_outputs_add_nothing(out, stem, "reg_schuldhulp", cells, rates, rule.rounding)
    texts = pdf_texts(out)  # the PDFs print the same published rates (one decimal) or "onderdrukt"
    assert texts and any("onderdrukt" in text for text in texts)
    for code, value in cells.items():  # every published count is a multiple of the rounding base
        assert value is None or value % rule.rounding == 0


def test_without_secondary_suppression_the_attack_of_the_issue_succeeds(tmp_path, buurten_2016, kwb_2024):
    rule = SmallNumbers(rounding=1, secondary=False)
    out, stem, truth = run(tmp_path, buurten_2016, kwb_2024, ("GM0556",), rule)
    _, _, ranges = narrowest(out, stem, rule)
    assert ranges["BU05560101"] == (3, 3), "Taanschuurpolder's 3 follows from the gemeente total"
    assert any(high - low < 1 for low, high in ranges.values())


def test_with_secondary_suppression_but_no_rounding_nothing_is_pinned(tmp_path, buurten_2016, kwb_2024):
    rule = SmallNumbers(rounding=1, secondary=True)
    out, stem, truth = run(tmp_path, buurten_2016, kwb_2024, ("GM0556",), rule)
    _, _, ranges = narrowest(out, stem, rule)
    for name, (low, high) in ranges.items():
        assert high - low >= 2, f"{name} narrowed to {low}..{high}"


#: Own indicators on the registration: as a score, as numerator (per 100 households), as denominator
#: (inhabitants per case) and as both (one registration over another).
OWN = (IndicatorSpec(key="schuld_aantal", label="Schuldhulp (aantal)", unit="aantal", column="reg_schuldhulp"),
       IndicatorSpec(key="schuld_per_hh", label="Schuldhulp per 100 huishoudens", unit="per 100 huishoudens",
                     numerator="reg_schuldhulp", denominator="huishoudens", scale=100),
       IndicatorSpec(key="inw_per_schuld", label="Inwoners per schuldhulpcliënt", unit="inwoners per cliënt",
                     numerator="inwoners", denominator="reg_schuldhulp", scale=1),
       IndicatorSpec(key="schuld_per_armoede", label="Schuldhulp per 100 armoedecliënten", unit="per 100 cliënten",
                     numerator="reg_schuldhulp", denominator="reg_armoede", scale=100))


def published_count_bounds(spec: IndicatorSpec, value: float, row: dict[str, str], rounding: int) -> tuple[int, int]:
    """The published counts of reg_schuldhulp (multiples of `rounding`) that a published own value allows."""
    half = 0.5 * 10.0 ** -decimals_for(spec.unit)
    if spec.column:
        low, high = value - half, value + half
    elif spec.numerator == "reg_schuldhulp":
        den = number(row[spec.denominator])
        low, high = (value - half) * den / spec.scale, (value + half) * den / spec.scale
    else:  # the registration as denominator: value = inhabitants / count * scale
        num = number(row[spec.numerator])
        low, high = num * spec.scale / (value + half), (num * spec.scale / (value - half) if value > half else math.inf)
    return math.ceil(low / rounding) * rounding, (math.floor(high / rounding) * rounding if high < math.inf else 10**7)


def test_own_indicators_on_a_registration_add_nothing(tmp_path, buurten_2016, kwb_2024):
    rule = SmallNumbers()
    _path, truth = registration(kwb_2024, "GM0556", tmp_path)
    second = {code: 30 + (i * 11) % 17 if i % 5 else 2 for i, code in enumerate(sorted(truth))}
    merged = tmp_path / "regs.csv"
    merged.write_text("buurtcode;schuldhulp;armoede\n" + "".join(f"{c};{n};{second[c]}\n" for c, n in truth.items()),
                      encoding="utf-8")
    out = tmp_path / "uit"
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",),
                                           registraties=(merged,)),
                           small_numbers=rule, output=out, quiet=True, indicators=OWN,
                           map=MapSettings(formats=("png",)))
    result = make(settings, products=("tabellen", "kaart"))
    stem = result.data.slug
    assert all(i.protected for i in result.data.indicators if i.key in {s.key for s in OWN})
    cells, areas, values, rates = published(out, stem, "reg_schuldhulp")
    armoede = {r["buurtcode"]: number(r["reg_armoede"]) for r in read_csv(out / f"{stem}_buurten.csv")}
    rows = {f"{level}:{r[key]}" if level != "buurt" else r[key]: r
            for level, name, key in (("buurt", "buurten", "buurtcode"), ("wijk", "wijken", "wijkcode"),
                                     ("gemeente", "gemeente", "gemeentecode"))
            for r in read_csv(out / f"{stem}_{name}.csv")}
    extra = []
    for spec in OWN:
        for area, row in rows.items():
            value = number(row.get(spec.key))
            count = cells.get(area) if area in cells else values.get(area)
            if spec.key == "schuld_per_armoede":  # two registrations: shown only when both counts are
                other = armoede.get(area) if area in armoede else number(row["reg_armoede"])
                if value is not None:
                    assert count is not None and other, area
                    assert value == round(count / other * 100, 1), area
                continue
            if value is None:
                continue
            assert count is not None, f"{spec.key} shows a value where the count is suppressed ({area})"
            if spec.column:
                assert area in cells and value == count, f"{spec.key}: a score is the published count ({area})"
            first, last = published_count_bounds(spec, value, row, rule.rounding)
            assert first <= count <= last, (spec.key, area, value, count)
            extra.append((area, first, last))
    ranges = attack(cells=cells, areas=areas, area_values=values, rounding=rule.rounding, min_count=rule.min_count,
                    rates=rates, counts=extra)
    for name, (low, high) in ranges.items():
        assert high - low >= rule.rounding, f"{name} narrowed to {low}..{high}"
    page = (out / f"{stem}_kaart.html").read_text(encoding="utf-8")
    payload = json.loads(re.search(r'id="sk-data">(.*?)</script>', page, re.S).group(1))
    for spec in OWN:
        shown = dict(zip(payload["buurten"]["code"], next(i for i in payload["indicatoren"] if i["key"] == spec.key)["waarde"]))
        for code, value in shown.items():
            assert value is None or number(rows[code][spec.key]) == pytest.approx(value, abs=0.051), (spec.key, code)


def random_layout_and_counts(kwb_2024: Path, tmp: Path, seed: int) -> tuple[Path, Path, dict[str, int]]:
    """An own layout across the CBS wijken of Maassluis and a registration with many small counts."""
    import random

    rng = random.Random(seed)
    with open(kwb_2024, encoding="utf-8") as handle:
        codes = sorted(row["Codering_3"].strip() for row in csv.DictReader(handle, delimiter=";")
                       if row["Codering_3"].strip().startswith("BU0556"))
    layout = tmp / f"indeling_{seed}.csv"
    layout.write_text("buurtcode;gebied\n" + "".join(f"{c};Gebied {rng.randint(1, 5)}\n" for c in codes
                                                      if rng.random() < 0.85), encoding="utf-8")
    counts = {c: rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 25, 40]) for c in codes}
    registration = tmp / f"schuldhulp_{seed}.csv"
    registration.write_text("buurtcode;schuldhulp\n" + "".join(f"{c};{n}\n" for c, n in counts.items()),
                            encoding="utf-8")
    return layout, registration, counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_layout_as_grouping_and_as_wijk_level_publish_the_same_protected_cells(tmp_path, buurten_2016, kwb_2024,
                                                                                 seed):
    """Run A shows the own layout beside the CBS wijken, run B as the wijk level: together no narrower."""
    from sociale_kaart.settings import LayoutSpec

    rule = SmallNumbers()
    layout, path, truth = random_layout_and_counts(kwb_2024, tmp_path, seed)
    found = {}
    for run_name, wijk_layout in (("a", None), ("b", "Eigen")):
        out = tmp_path / run_name
        settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",),
                                               registraties=(path,)),
                               layouts=(LayoutSpec(name="Eigen", source=layout),), wijk_layout=wijk_layout,
                               small_numbers=rule, output=out, quiet=True)
        stem = make(settings, products=("tabellen",)).data.slug
        found[run_name] = published(out, stem, "reg_schuldhulp")
        found[f"{run_name}-indeling"] = {row["gebiedcode"]: number(row["reg_schuldhulp"])
                                         for row in read_csv(next(out.glob(f"{stem}_indeling_*.csv")))}
    (cells_a, areas_a, values_a, rates_a), (cells_b, areas_b, values_b, rates_b) = found["a"], found["b"]
    assert cells_a == cells_b, "the same buurt cells published and suppressed in both runs"
    assert {tuple(sorted(m)) for a, m in areas_a.items() if a.startswith("wijk:")} != \
        {tuple(sorted(m)) for a, m in areas_b.items() if a.startswith("wijk:")}, "B shows other wijken than A"
    assert found["a-indeling"] == found["b-indeling"] == {k[5:]: v for k, v in values_b.items() if k[:5] == "wijk:"}
    rename = lambda key: key.replace("wijk:", "laag:") if key.startswith("wijk:") else key  # noqa: E731
    areas = {**areas_a, **{rename(k): v for k, v in areas_b.items()}}
    values = {**values_a, **{rename(k): v for k, v in values_b.items()}}
    rates = {**rates_a, **{rename(k): v for k, v in rates_b.items()}}
    ranges = attack(cells=cells_a, areas=areas, area_values=values, rounding=rule.rounding,
                    min_count=rule.min_count, rates=rates)
    assert {c for c, n in truth.items() if 0 < n < rule.min_count and c in cells_a} <= set(ranges)
    for name, (low, high) in ranges.items():
        assert low <= (truth[name] if name in truth else low) <= high
        assert high - low >= rule.rounding, f"{name} narrowed to {low}..{high} by the two runs together"


def test_a_total_with_its_parts_and_two_splits_give_no_cell_back_through_the_outputs(tmp_path, buurten_2016,
                                                                                      kwb_2024):
    """One count file: wmo_totaal = wmo_hh + wmo_vervoer = wmo_jong + wmo_oud, read back from the CSVs."""
    import random

    from attack import attack_related

    rule = SmallNumbers()
    with open(kwb_2024, encoding="utf-8") as handle:
        codes = sorted(row["Codering_3"].strip() for row in csv.DictReader(handle, delimiter=";")
                       if row["Codering_3"].strip().startswith("BU0556"))
    rng = random.Random(7)
    rows, truth = [], {}
    for code in codes:
        hh, vervoer = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 20]), rng.choice([0, 1, 2, 3, 5, 7, 9, 15])
        jong = rng.randint(0, hh + vervoer)
        values = {"wmo_hh": hh, "wmo_vervoer": vervoer, "wmo_totaal": hh + vervoer, "wmo_jong": jong,
                  "wmo_oud": hh + vervoer - jong}
        truth.update({f"reg_{k}|{code}": v for k, v in values.items()})
        rows.append(f"{code};" + ";".join(str(v) for v in values.values()))
    path = tmp_path / "wmo.csv"
    path.write_text("buurtcode;wmo_hh;wmo_vervoer;wmo_totaal;wmo_jong;wmo_oud\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    out = tmp_path / "uit"
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",),
                                           registraties=(path,)), small_numbers=rule, output=out, quiet=True)
    result = make(settings, products=("tabellen",))
    columns, areas = {}, {}
    for name in ("hh", "vervoer", "totaal", "jong", "oud"):
        cells, areas, values, _ = published(out, result.data.slug, f"reg_wmo_{name}")
        columns[f"reg_wmo_{name}"] = (cells, values)
    relations = [("reg_wmo_totaal", ("reg_wmo_hh", "reg_wmo_vervoer")),
                 ("reg_wmo_totaal", ("reg_wmo_jong", "reg_wmo_oud"))]
    ranges = attack_related(columns=columns, areas=areas, relations=relations, rounding=rule.rounding,
                            min_count=rule.min_count)
    small = {k for k, v in truth.items() if 1 <= v < rule.min_count}
    assert small <= set(ranges)
    for name, (low, high) in ranges.items():
        assert name not in truth or low <= truth[name] <= high, name
        assert high - low >= rule.rounding, f"{name} narrowed to {low}..{high}"
    text = (out / f"{result.data.slug}_koppelrapport.txt").read_text(encoding="utf-8")
    assert "reg_wmo_totaal = reg_wmo_hh + reg_wmo_vervoer" in text


def test_periods_in_the_project_file_are_hidden_together_in_every_table(tmp_path, buurten_2016, kwb_2024):
    """[kleine_aantallen] perioden: a buurt or wijk hidden in one month is hidden in every month."""
    import random
    import subprocess
    import sys

    with open(kwb_2024, encoding="utf-8") as handle:
        codes = sorted(row["Codering_3"].strip() for row in csv.DictReader(handle, delimiter=";")
                       if row["Codering_3"].strip().startswith("BU0556"))
    rng = random.Random(11)
    months = ("jan", "feb", "mrt")
    truth = {code: {m: rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 25]) for m in months} for code in codes}
    path = tmp_path / "schuldhulp.csv"
    path.write_text("buurtcode;" + ";".join(f"schuldhulp_{m}" for m in months) + "\n"
                    + "".join(f"{c};" + ";".join(str(truth[c][m]) for m in months) + "\n" for c in codes),
                    encoding="utf-8")
    project = tmp_path / "sociale-kaart.toml"
    project.write_text(f'[bronnen]\ngrenzen = "{buurten_2016}"\nkwb = "{kwb_2024}"\nregistraties = ["{path}"]\n\n'
                       '[gebied]\ngemeenten = ["GM0556"]\n\n[kleine_aantallen]\n'
                       'perioden = ["schuldhulp_jan", "schuldhulp_feb", "schuldhulp_mrt"]\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sociale_kaart", "join", "--project", str(project), "--uitvoer",
                           str(tmp_path / "uit"), "--stil"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = next((tmp_path / "uit").glob("*_koppelrapport.txt")).read_text(encoding="utf-8")
    assert "Samen beschermd als perioden" in report and "reg_schuldhulp_feb" in report
    for level, key in (("buurten", "buurtcode"), ("wijken", "wijkcode")):
        for row in read_csv(next((tmp_path / "uit").glob(f"*_{level}.csv"))):
            hidden = {m for m in months if row[f"reg_schuldhulp_{m}_per_1000_status"] == "onderdrukt"
                      and not (level == "buurten" and truth[row[key]][m] == 0)}
            shown_nonzero = {m for m in months if row[f"reg_schuldhulp_{m}"] not in ("", "0")}
            assert not (hidden and shown_nonzero), (level, row[key], hidden, shown_nonzero)
