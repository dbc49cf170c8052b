"""Products as a registry: one declaration per product, a typed run context, needs honoured, and a
new product (stapeling) that is one module plus one registry line."""

from __future__ import annotations

import csv
import dataclasses
import math
from collections import Counter
from pathlib import Path

import pytest

from sociale_kaart.products import PRODUCTS, REGISTRY, Product, ProductResult, RunContext, make
from sociale_kaart.products.registry import ANALYSIS, ANALYSIS_IF_POSSIBLE, CLASSES, NEEDS, WIJK_SHAPES
from sociale_kaart.settings import RunSettings, SmallNumbers, Sources


def sample_settings(sample_paths, out: Path, **sources) -> RunSettings:
    return RunSettings(sources=Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"], **sources),
                       output=out, quiet=True)


def recorder(seen: dict):
    """A product's make that keeps what the run gave it and writes one file."""
    def make_it(out, ctx: RunContext):
        seen["ctx"] = ctx
        out.write_text("stub.txt", "stub\n")
    return make_it


# --- the declaration ---------------------------------------------------------------------------

def test_every_product_is_declared_once_with_known_needs():
    keys = [p.key for p in REGISTRY]
    assert len(keys) == len(set(keys)) and list(PRODUCTS) == keys
    assert all(p.description and callable(p.make) and p.needs <= NEEDS for p in REGISTRY)
    for p in REGISTRY:
        assert set(p.with_products) <= set(keys) - {p.key}
    with pytest.raises(ValueError, match="unknown need 'analysis'"):  # a mistyped need is refused at declaration
        Product(key="x", description="x", make=print, needs=frozenset({"analysis"}))


def test_the_light_lane_draws_nothing_so_it_runs_while_the_run_warms_up_its_drawing():
    from sociale_kaart.products.registry import DRAWINGS, LIGHT

    light = [p for p in REGISTRY if p.lane == LIGHT]
    assert {p.key for p in light} >= {"tabellen", "kaart"}
    assert not [p.key for p in light if DRAWINGS in p.needs]


def test_the_new_product_is_in_the_choices_the_list_and_the_help():
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    assert "stapeling" in PRODUCTS
    runner = CliRunner()
    listed = runner.invoke(cli, ["producten"]).output
    assert any(line.split()[0] == "stapeling" for line in listed.splitlines())
    assert "|stapeling]" in runner.invoke(cli, ["maak", "--help"], terminal_width=400).output
    refused = runner.invoke(cli, ["maak", "--product", "stapelingen"])
    assert refused.exit_code != 0 and "stapelingen" in refused.output


def test_the_orchestrator_makes_no_product_itself():
    """products/run.py chooses, computes what is needed once and calls each product; the products
    live in their own modules, masking in the disclosure module and XLSX writing in outputs."""
    import inspect

    import sociale_kaart.products.run as run

    assert {p.make.__module__ for p in REGISTRY}.isdisjoint({run.__name__, "sociale_kaart.products.registry"})
    source = inspect.getsource(run)
    for writer in ("write_csv", "write_gpkg", "save_figure", "ExcelWriter", "write_bytes", "publishable"):
        assert writer not in source, writer


# --- the typed context -------------------------------------------------------------------------

def test_a_mistyped_context_field_fails_loudly():
    fields = dict(data=None, analysis=None, classes={}, indicators=(), settings=None, progress=None)
    with pytest.raises(TypeError, match="classs"):
        RunContext(**{**fields, "classs": {}})  # a mistyped keyword is no longer swallowed by **_
    with pytest.raises(TypeError, match="progress"):
        RunContext(**{k: v for k, v in fields.items() if k != "progress"})  # a missing field too
    ctx = RunContext(**fields)
    with pytest.raises(AttributeError):
        ctx.pages  # noqa: B018  (no shared mutable dict between products)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.classes = {"x": 1}


def test_a_product_reading_a_field_the_context_has_not_stops_the_run(sample_paths, tmp_path):
    def careless(out, ctx):
        out.write_text("half.txt", "half\n")
        return ctx.analysys  # mistyped

    broken = Product(key="kapot", description="kapot", make=careless)
    with pytest.raises(AttributeError, match="analysys"):
        make(sample_settings(sample_paths, tmp_path), products=("kapot",), registry=(broken,))
    assert not (tmp_path / "half.txt").exists() and not (tmp_path / "index.html").exists()  # nothing half-written


def test_a_product_gives_its_result_back_explicitly(sample_paths, tmp_path):
    wrong = Product(key="fout", description="fout", make=lambda out, ctx: {"pages": 3})
    with pytest.raises(TypeError, match="not a ProductResult"):
        make(sample_settings(sample_paths, tmp_path / "a"), products=("fout",), registry=(wrong,))
    right = Product(key="goed", description="goed", make=lambda out, ctx: ProductResult(pages=3))
    silent = Product(key="stil", description="stil", make=lambda out, ctx: None)
    result = make(sample_settings(sample_paths, tmp_path / "b"), registry=(right, silent))
    assert result.products == ("goed", "stil") and result.pages == {"goed": 3}


def test_a_second_run_into_the_folder_lists_the_files_once_and_not_the_index_itself(sample_paths, tmp_path):
    one = Product(key="een", description="een", make=lambda out, ctx: out.write_text("een.txt", "1\n") and None)
    two = Product(key="twee", description="twee", make=lambda out, ctx: out.write_text("twee.txt", "2\n") and None)
    make(sample_settings(sample_paths, tmp_path), products=("een",), registry=(one, two))
    make(sample_settings(sample_paths, tmp_path), products=("twee",), registry=(one, two))  # same figures: adds up
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.count("href='een.txt'") == page.count("href='twee.txt'") == 1
    assert "href='index.html'" not in page


# --- needs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("needs", [frozenset(), frozenset({CLASSES}), frozenset({ANALYSIS}),
                                   frozenset({ANALYSIS_IF_POSSIBLE}), frozenset({WIJK_SHAPES}),
                                   frozenset({ANALYSIS, CLASSES, WIJK_SHAPES})])
def test_a_run_computes_what_its_products_need_and_nothing_else(needs, sample_paths, tmp_path):
    seen = {}
    stub = Product(key="stub", description="stub", make=recorder(seen), needs=needs)
    make(sample_settings(sample_paths, tmp_path), products=("stub",), registry=(stub,))
    ctx = seen["ctx"]
    has_need = any(i.role == "behoefte" for i in ctx.data.indicators)  # the sample has need indicators
    assert has_need
    assert (ctx.analysis is not None) == bool(needs & {ANALYSIS, ANALYSIS_IF_POSSIBLE})
    assert bool(ctx.classes) == (CLASSES in needs)
    if CLASSES in needs:  # every mapped indicator, and the need index where there is an analysis
        assert {i.key for i in ctx.indicators} <= set(ctx.classes)
        assert ("behoefte_index" in ctx.classes) == (ctx.analysis is not None)
    assert ("geometry" in ctx.data.wijken) == (WIJK_SHAPES in needs)
    assert (tmp_path / "stub.txt").read_text() == "stub\n"


def test_the_need_analysis_where_possible_is_skipped_without_a_need_indicator(sample_paths, tmp_path, monkeypatch):
    import sociale_kaart.products.run as run

    seen = {}
    stub = Product(key="stub", description="stub", make=recorder(seen), needs=frozenset({ANALYSIS_IF_POSSIBLE}))
    monkeypatch.setattr(run, "_has_need", lambda data: False)  # a run whose figures hold no need indicator
    make(sample_settings(sample_paths, tmp_path), products=("stub",), registry=(stub,))
    assert seen["ctx"].analysis is None


def test_every_registered_product_is_given_what_it_declares(sample_paths, tmp_path):
    """Each real product's needs, run with its make replaced: the context it would get."""
    for product in REGISTRY:
        seen = {}
        stub = dataclasses.replace(product, make=recorder(seen))
        make(sample_settings(sample_paths, tmp_path / product.key), products=(product.key,), registry=(stub,))
        ctx = seen["ctx"]
        assert (ctx.analysis is not None) == bool(product.needs & {ANALYSIS, ANALYSIS_IF_POSSIBLE}), product.key
        assert bool(ctx.classes) == (CLASSES in product.needs), product.key
        assert ("geometry" in ctx.data.wijken) == (WIJK_SHAPES in product.needs), product.key


# --- the new product: stapeling ----------------------------------------------------------------

def _round(value: float, base: int) -> float:
    """Half up to a multiple of `base`, never a non-zero count as 0 (the documented rule, by hand)."""
    if value == 0:
        return 0.0
    return max(base, math.floor(value / base + 0.5) * base)


#: Households per buurt: (on Wmo and jeugdhulp, on Wmo only). Parkzicht has 2 on both: a small count.
HOUSEHOLDS = {**{f"BU9999{w:02d}{b:02d}": (20, 10) for w in (1, 2) for b in (1, 2, 3, 4)},
              "BU99990301": (2, 40)}
SMALL = "BU99990301"


@pytest.fixture
def linked(tmp_path):
    """Two extracts (Wmo, jeugdhulp) keyed by household, placed by buurtcode; returns their paths."""
    rows = {"Wmo": [], "jeugdhulp": []}
    n = 0
    for code, (both, wmo_only) in HOUSEHOLDS.items():
        for i in range(both + wmo_only):
            n += 1
            rows["Wmo"].append((f"H{n:05d}", code))
            if i < both:
                rows["jeugdhulp"].append((f"H{n:05d}", code))
    paths = {}
    for area, records in rows.items():
        paths[area] = tmp_path / f"{area}.csv"
        with open(paths[area], "w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, delimiter=";")
            out.writerow(["huishouden", "buurtcode", "voorziening"])
            out.writerows((key, code, area) for key, code in records)
    return paths


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_stapeling_tables_hold_the_protected_counts_never_the_true_ones(sample_paths, linked, tmp_path):
    from sociale_kaart.sources.linked import LinkedSpec

    base = SmallNumbers().rounding
    specs = tuple(LinkedSpec(source=path, area=area, key="huishouden") for area, path in linked.items())
    out = tmp_path / "uit"
    result = make(sample_settings(sample_paths, out, linked=specs), products=("stapeling",))
    assert result.analysis is None  # the stapeling tables need no need analysis
    slug = result.data.slug
    # the expected figures, from the raw extracts by hand
    keys = {area: Counter() for area in linked}
    homes = {}
    for area, path in linked.items():
        for row in read_csv(path):
            keys[area][row["huishouden"]] += 1
            homes[row["huishouden"]] = row["buurtcode"]
    areas_of = Counter(k for area in keys for k in keys[area])
    two = Counter(homes[k] for k, n in areas_of.items() if n >= 2)
    one = Counter(homes[k] for k, n in areas_of.items() if n == 1)
    assert two[SMALL] == 2 and two["BU99990101"] == 20 and one[SMALL] == 40

    buurten = {r["buurtcode"]: r for r in read_csv(out / f"{slug}_stapeling_buurten.csv")}
    assert set(buurten) == {f"BU9999{w:02d}{b:02d}" for w in (1, 2, 3, 4) for b in (1, 2, 3, 4)}
    kwb = {r["Codering_3"].strip(): r for r in read_csv(sample_paths["kwb"])}
    shown = 0
    for code, row in buurten.items():
        for column, truth in (("huishoudens_2plus_leefgebieden", two), ("huishoudens_1_leefgebied", one),
                              ("huishoudens_met_ondersteuning", two + one)):
            if row[column] != "":  # published: the rounded true count; else suppressed, nothing of it shown
                assert float(row[column]) == _round(truth[code], base), (code, column)
                shown += truth[code] > 0
        if row["huishoudens_2plus_leefgebieden"] != "" and row["stapeling_per_1000_huishoudens"] != "":
            households = float(kwb[code]["HuishoudensTotaal_29"])  # the rate on the published count
            assert float(row["stapeling_per_1000_huishoudens"].replace(",", ".")) == pytest.approx(
                _round(two[code], base) / households * 1000, abs=0.051), code
    assert buurten[SMALL]["huishoudens_2plus_leefgebieden"] == ""  # 2 households: hidden
    assert buurten[SMALL]["stapeling_per_1000_huishoudens"] == "" and buurten[SMALL][
        "stapeling_per_1000_huishoudens_status"] == "onderdrukt"
    assert shown >= 8  # the protection hides what it must, not everything
    # exactly 2 and the combinations only per wijk and gemeente, never per buurt
    combi = "huishoudens_combi_wmo_jeugdhulp"
    assert "huishoudens_2_leefgebieden" not in next(iter(buurten.values())) and combi not in next(iter(buurten.values()))
    wijken = {r["wijkcode"]: r for r in read_csv(out / f"{slug}_stapeling_wijken.csv")}
    for code in ("WK999901", "WK999902", "WK999903"):
        truth = sum(n for b, n in two.items() if b.startswith(code.replace("WK", "BU")))
        assert wijken[code]["huishoudens_2plus_leefgebieden"] in ("", f"{_round(truth, base):.0f}"), code
        assert wijken[code][combi] in ("", f"{_round(truth, base):.0f}"), code
    assert wijken["WK999903"]["huishoudens_2plus_leefgebieden"] == ""  # a wijk total of 2 is hidden too
    (gemeente,) = read_csv(out / f"{slug}_stapeling_gemeente.csv")
    assert gemeente["huishoudens_2plus_leefgebieden"] in ("", f"{_round(sum(two.values()), base):.0f}")
    # the small count is nowhere: no published cell of any level holds 2 households on 2+ leefgebieden
    for rows in (buurten.values(), wijken.values(), [gemeente]):
        for row in rows:
            assert all(row[c] != "2" for c in row if c.startswith("huishoudens_") and c != "huishoudens")

    import openpyxl

    book = openpyxl.load_workbook(out / f"{slug}_stapeling.xlsx")
    assert book.sheetnames == ["buurten", "wijken", "gemeente", "definities"]
    sheet = book["buurten"]
    header = [c.value for c in sheet[1]]
    small = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == SMALL)
    (rate,) = [h for h in header if "per 1.000 huishoudens" in h]
    assert small[header.index(rate)] == "onderdrukt"  # a suppressed rate says so, with a note why
    assert small[header.index("Huishoudens met ondersteuning op 2 of meer leefgebieden")] == "onderdrukt"  # its count too
    # the index page names the new files with what the product declares, without an edit to the index
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"href='{slug}_stapeling_buurten.csv'" in page and "Stapeling van ondersteuning per buurt" in page


def test_stapeling_without_linked_registrations_is_skipped_with_a_sentence(sample_paths, tmp_path):
    from sociale_kaart.reporter import Reporter

    said = []

    class Listening(Reporter):
        def say(self, text):
            said.append(text)

    result = make(sample_settings(sample_paths, tmp_path), products=("stapeling",), progress=Listening(quiet=True))
    assert not list(tmp_path.glob("*stapeling*"))
    assert any(s.startswith("stapeling overgeslagen") for s in said) and result.products == ("stapeling",)
