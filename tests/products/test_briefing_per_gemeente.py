"""A briefing per gemeente in one run (``--briefing-per-gemeente``): Vlaardingen + Schiedam on the real
2024 Rijnmond data, through the CLI.

Expected counts come from the raw KWB CSV and the run's aandachtsbuurten CSV (csv module); buurt
names from the boundaries as pyogrio reads them; what a reader sees from pdftotext.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.helpers import check_accessible, needs_poppler, pdf_pages, pdf_plain, run

GEMEENTEN = {"GM0622": "Vlaardingen", "GM0606": "Schiedam"}


def _sources(buurten_2024, kwb_2024, *gemeenten) -> list[str]:
    return ["--grenzen", str(buurten_2024), "--kwb", str(kwb_2024), *(a for g in gemeenten for a in ("--gemeente", g))]


@pytest.fixture(scope="module")
def made(buurten_2024, kwb_2024, tmp_path_factory):
    """The same two gemeenten made with a briefing per gemeente and with one regional briefing."""
    base = tmp_path_factory.mktemp("per_gemeente")
    products = ["--product", "briefing", "--product", "aandachtsbuurten"]
    for folder, extra in (("apart", ["--briefing-per-gemeente"]), ("samen", [])):
        done = run("maak", *_sources(buurten_2024, kwb_2024, *GEMEENTEN.values()), *products, *extra,
                   "--uitvoer", str(base / folder), cwd=base)
        assert done.returncode == 0, done.stderr
    return base


def _text(path: Path) -> str:
    """The whole document as a reader gets it, words joined where a line broke them."""
    return " ".join(re.sub(r"-\n", "", pdf_plain(path)).split())


def _flagged(folder: Path) -> dict[str, dict[str, str]]:
    """The run's aandachtsbuurten CSV: buurtcode -> row, aandachtsbuurten only."""
    path = next(folder.glob("*_aandachtsbuurten.csv"))
    with open(path, encoding="utf-8-sig") as handle:
        return {r["buurtcode"]: r for r in csv.DictReader(handle, delimiter=";") if r["aandachtsbuurt"] == "ja"}


def _kwb_codes(kwb_2024) -> dict[str, list[str]]:
    """gemeentecode -> the buurtcodes of the raw KWB table."""
    codes = {code: [] for code in GEMEENTEN}
    with open(kwb_2024, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code = row["Codering_3"].strip()
            if row["SoortRegio_2"].strip() == "Buurt" and f"GM{code[2:6]}" in codes:
                codes[f"GM{code[2:6]}"].append(code)
    return codes


def _cover(path: Path) -> tuple[int, int, int]:
    """Wijken, buurten and aandachtsbuurten as the cover states them."""
    cover = " ".join(pdf_plain(path, "-l", "1").split())
    reach = re.search(r"Reikwijdte: (\d+) wijken, (\d+) buurten", cover)
    flags = re.search(r"Aandachtsbuurten: (\d+) van (\d+) buurten", cover)
    assert reach and flags, cover
    assert reach[2] == flags[2]
    return int(reach[1]), int(reach[2]), int(flags[1])


def test_one_briefing_per_gemeente_and_the_index_lists_each(made):
    folder = made / "apart"
    assert sorted(p.name for p in folder.glob("*briefing*.pdf")) == ["schiedam_briefing.pdf", "vlaardingen_briefing.pdf"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    for name in GEMEENTEN.values():
        assert f"href='{name.lower()}_briefing.pdf'>{name}</a>" in index
    assert sorted(p.name for p in (made / "samen").glob("*briefing*.pdf")) == ["vlaardingen_schiedam_briefing.pdf"]


@needs_poppler
def test_each_briefing_holds_its_own_gemeente_only(made, buurten_2024, kwb_2024):
    import pyogrio

    names = pyogrio.read_dataframe(buurten_2024, layer="buurten", columns=["buurtcode", "buurtnaam"], read_geometry=False)
    names = names[names["buurtcode"].str[2:6].isin([c[2:] for c in GEMEENTEN])]
    by_gemeente = {code: set(names.loc[names["buurtcode"].str[2:6] == code[2:], "buurtnaam"]) for code in GEMEENTEN}
    flagged, kwb = _flagged(made / "apart"), _kwb_codes(kwb_2024)
    for code, name in GEMEENTEN.items():
        text = _text(made / "apart" / f"{name.lower()}_briefing.pdf")
        assert f"Briefing {name}" in text
        (other_code, other), = ((c, n) for c, n in GEMEENTEN.items() if c != code)
        span = "(klassen van Vlaardingen, Schiedam)"  # the maps' classes are the run's, and say so
        assert text.count(span) == len({b[:8] for b in kwb[code]})  # one map per wijk
        assert other not in text.replace(span, "")  # no wijk title "(Schiedam)", no warning about the other gemeente
        foreign = {n for n in by_gemeente[other_code] - by_gemeente[code]
                   if not any(n in own for own in by_gemeente[code]) and len(n) > 4}
        assert len(foreign) > 20
        assert [n for n in sorted(foreign) if n in text] == []
        for buurt, row in flagged.items():  # every aandachtsbuurt with its code in its own briefing only
            assert (f"{buurt}," in text) == (row["gemeentecode"] == code), (name, buurt)


@needs_poppler
def test_the_covers_add_up_to_the_regional_one_and_the_counts_are_the_runs(made, kwb_2024):
    flagged, kwb = _flagged(made / "apart"), _kwb_codes(kwb_2024)
    totals = [0, 0, 0]
    for code, name in GEMEENTEN.items():
        wijken, buurten, flags = _cover(made / "apart" / f"{name.lower()}_briefing.pdf")
        assert buurten == len(kwb[code])
        assert wijken == len({b[:8] for b in kwb[code]})  # BU06220101 lies in wijk WK062201
        assert flags == sum(1 for row in flagged.values() if row["gemeentecode"] == code)
        assert flags > 0
        totals = [t + v for t, v in zip(totals, (wijken, buurten, flags))]
    assert tuple(totals) == _cover(made / "samen" / "vlaardingen_schiedam_briefing.pdf")
    assert set(_flagged(made / "samen")) == set(flagged)  # the same aandachtsbuurten either way


@needs_poppler
def test_every_reason_is_the_regional_one_word_for_word(made):
    """The reasons carry the figures (rate, gemeente, ratio): the same text in both kinds of briefing."""
    regional = _text(made / "samen" / "vlaardingen_schiedam_briefing.pdf")
    for buurt, row in _flagged(made / "apart").items():
        own = _text(made / "apart" / f"{GEMEENTEN[row['gemeentecode']].lower()}_briefing.pdf")
        reason = " ".join(row["reden"].split())
        assert reason in own and reason in regional, buurt


def test_every_briefing_is_tagged_and_the_pages_add_up(made, buurten_2024, kwb_2024):
    kwb = _kwb_codes(kwb_2024)
    pages = 0
    for code, name in GEMEENTEN.items():
        path = made / "apart" / f"{name.lower()}_briefing.pdf"
        check_accessible(path, figures=1 + len({b[:8] for b in kwb[code]}))  # the overview and a map per wijk
        pages += pdf_pages(path)
    done = run("briefing", *_sources(buurten_2024, kwb_2024, *GEMEENTEN.values()), "--briefing-per-gemeente",
               "--uitvoer", str(made / "apart"), cwd=made)
    assert done.returncode == 0, done.stderr
    assert f"Briefing: {pages} pagina's" in done.stdout


def _without_time(pdf: bytes) -> bytes:
    """A PDF without what changes from one second to the next: dates and the instance id."""
    pdf = re.sub(rb"D:\d{14}Z", b"D:", pdf)
    pdf = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)?", b"", pdf)
    pdf = re.sub(rb"<xmpMM:InstanceID>[^<]*<", b"<xmpMM:InstanceID><", pdf)
    return re.sub(rb"/ID\[(\([^)]*\))\([^)]*\)\]", rb"/ID[\1]", pdf)


def test_one_gemeente_gives_the_same_document_with_or_without_the_setting(buurten_2024, kwb_2024, tmp_path):
    made = {}
    for folder, extra in (("zonder", []), ("met", ["--briefing-per-gemeente"])):
        done = run("briefing", *_sources(buurten_2024, kwb_2024, "Maassluis"), *extra, "--uitvoer",
                   str(tmp_path / folder), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        made[folder] = [p.name for p in (tmp_path / folder).glob("*.pdf")], (tmp_path / folder / "maassluis_briefing.pdf")
    assert made["zonder"][0] == made["met"][0] == ["maassluis_briefing.pdf"]
    before, after = (made[k][1].read_bytes() for k in ("zonder", "met"))
    assert before[:5] == b"%PDF-" and len(before) > 100_000
    assert _without_time(before) == _without_time(after)


def test_a_gemeente_keeps_the_runs_rows_classes_and_only_its_own_warnings(buurten_2024, kwb_2024, shared):
    """:func:`gemeente_context` takes rows: the same values and classes as the run, nothing computed again."""
    from dataclasses import replace

    import numpy as np

    from sociale_kaart.analysis.need import analyse
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.render.map_choice import map_classes
    from sociale_kaart.render.printing import PrintContext, gemeente_context, per_gemeente
    from sociale_kaart.settings import MapSettings, NeedSettings, Sources

    data = build(Sources(grenzen=buurten_2024, kwb=kwb_2024, gemeenten=tuple(GEMEENTEN.values()),
                         kwb_gemeenten=shared / "kwb" / "kwb_2024_gemeenten.csv"))
    analysis = analyse(data, NeedSettings())
    classes = map_classes(data, analysis, data.indicators, MapSettings())
    own = ("Schiedam: maar 90,0% van de inwoners ligt in buurten op de kaart.",
           "Vlaardingen: maar 95,0% van de inwoners ligt in buurten op de kaart.")
    general = "Buurtgrenzen (2024) en cijfers (2023) komen uit verschillende jaren."
    ctx = PrintContext(replace(data, warnings=(*own, general)), analysis, classes, "1 januari 2026")
    assert [p.data.title for p in per_gemeente(ctx)] == ["Vlaardingen", "Schiedam"]  # the order asked
    table, kwb = analysis.table, _kwb_codes(kwb_2024)
    for code, name in GEMEENTEN.items():
        part = gemeente_context(ctx, code)
        rows = table[table["gemeentecode"] == code]
        assert sorted(part.table["buurtcode"]) == sorted(kwb[code])
        assert part.table.equals(rows)  # the run's rows, values and aandachtsbuurten unchanged
        assert set(part.data.wijken["wijkcode"]) == {b.replace("BU", "WK")[:8] for b in kwb[code]}
        assert part.data.gemeenten["gemeentecode"].tolist() == [code] and part.data.slug == name.lower()
        assert part.data.warnings == (next(w for w in own if w.startswith(name)), general)
        assert not part.several_gemeenten and part.classes_of == "Vlaardingen, Schiedam"
        at = np.flatnonzero((table["gemeentecode"] == code).to_numpy())
        for key, found in part.classes.items():
            assert found.bins == classes[key].bins
            assert found.classes.tolist() == np.asarray(classes[key].classes)[at].tolist()
        assert len(part.data.reports[0].gekoppeld) == len(kwb[code])
        comparison = data.comparison[data.comparison["gemeentecode"] == code]  # the gemeente beside its size class
        assert len(comparison) >= 3 and part.data.comparison.equals(comparison)
    assert sum(len(gemeente_context(ctx, c).data.reports[0].gekoppeld) for c in GEMEENTEN) == len(data.reports[0].gekoppeld)


def test_the_setting_comes_from_the_project_file_or_the_option(tmp_path):
    from sociale_kaart.errors import InputError
    from sociale_kaart.project import empty_parts, read_project, run_settings, with_options

    sources = {"grenzen": tmp_path / "g.gpkg", "kwb": tmp_path / "k.csv"}
    project = tmp_path / "sociale-kaart.toml"
    project.write_text('[uitvoer]\nbriefing_per_gemeente = true\n', encoding="utf-8")
    parts = read_project(project, check_files=False)
    assert run_settings({**parts, "sources": sources}).briefing_per_gemeente is True
    assert run_settings({**empty_parts(), "sources": sources}).briefing_per_gemeente is False
    given = with_options(empty_parts(), {"briefing_per_gemeente": True})
    assert run_settings({**given, "sources": sources}).briefing_per_gemeente is True
    project.write_text('[uitvoer]\nbriefing_per_gemeente = "ja"\n', encoding="utf-8")
    with pytest.raises(InputError, match="briefing_per_gemeente"):
        read_project(project, check_files=False)


def test_a_wijkbezoek_stays_one_pack_with_the_setting(made, buurten_2024, kwb_2024):
    done = run("briefing", *_sources(buurten_2024, kwb_2024, *GEMEENTEN.values()), "--briefing-per-gemeente",
               "--wijk", "WK062206", "--uitvoer", str(made / "bezoek"), cwd=made)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (made / "bezoek").glob("*.pdf")] == ["vlaardingen_schiedam_wijkbezoek_wijk_06.pdf"]
