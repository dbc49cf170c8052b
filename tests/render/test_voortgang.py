"""The progress page in the briefing and in the wijk profiles, and the trend table."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers import DATE, needs_poppler, pdf_pages, pdf_plain, pdf_text, print_all, structuurvisie
from sociale_kaart.analysis.targets import judge_targets
from sociale_kaart.combine.series import Series
from sociale_kaart.render.voortgang import results_for_wijk, target_rows, trend_blocks
from sociale_kaart.texts import nl_number


@pytest.fixture(scope="module")
def results(maassluis_series):
    return judge_targets(structuurvisie(), maassluis_series)


@pytest.fixture(scope="module")
def printed(maassluis, maassluis_analysis, maassluis_series, results, tmp_path_factory):
    from sociale_kaart.render.classes import classify
    from sociale_kaart.render.printing import PrintContext

    table = maassluis_analysis.table
    classes = {ind.key: classify(table[ind.key]) for ind in maassluis.indicators}
    classes["behoefte_index"] = classify(table["behoefte_index"])
    ctx = PrintContext(maassluis, maassluis_analysis, classes, DATE, targets=results, series=maassluis_series,
                       change_rules="Regels van de verandering.")
    folder = tmp_path_factory.mktemp("voortgang")
    print_all(ctx, maassluis.wijken, folder)
    return folder


def test_a_wijk_gets_the_targets_of_itself_and_its_buurten(results):
    sluispolder = results_for_wijk(results, "WK055603")
    assert [r.name for r in sluispolder] == ["Sluispolder Oost", "Sluispolder West"]
    assert results_for_wijk(results, "WK055601") == ()
    rows = target_rows(sluispolder)
    assert rows[0][0] == "Sluispolder Oost (buurt)" and rows[0][-1].endswith(sluispolder[0].status)


@needs_poppler
def test_the_briefing_has_a_progress_page_with_every_target(printed, results):
    text = " ".join(pdf_plain(printed / "briefing.pdf").split())  # reading order: cell by cell
    assert "Doelen: voortgang sinds de nulmeting" in text
    for r in results:
        assert f"{r.name} ({r.level})" in text
        assert f"{nl_number(r.baseline_value)} (2015)" in text and f"{nl_number(r.value)} (2024)" in text
    assert pdf_pages(printed / "briefing.pdf") == 14  # the 13 pages of the briefing and the progress page


@needs_poppler
def test_the_profile_of_sluispolder_has_its_two_targets(printed, results):
    profile = next((printed / "profielen").glob("wijkprofiel_WK055603_*.pdf"))
    text = " ".join(pdf_plain(profile).split())
    assert "Doelen in deze wijk" in text
    assert "Sluispolder Oost (buurt)" in text and "Sluispolder West (buurt)" in text
    assert "Componistenbuurt" not in text
    other = next((printed / "profielen").glob("wijkprofiel_WK055601_*.pdf"))
    assert "Doelen in deze wijk" not in pdf_text(other)


def test_a_trend_appears_from_three_years_on(maassluis_series):
    assert trend_blocks(maassluis_series, "WK055603") == []
    first, last = maassluis_series.years
    middle = dataclasses.replace(last, year=2020)
    three = Series(years=(first, middle, last), areas=maassluis_series.areas, reference=maassluis_series.reference,
                   small_numbers=maassluis_series.small_numbers)
    blocks = trend_blocks(three, "WK055603")
    table = blocks[1]
    assert list(table.header) == ["Indicator", "2015", "2020", "2024"]
    bijstand = next(r for r in table.rows if r[0].startswith("Bijstand"))
    wijk = {y.year: y.wijken.set_index("wijkcode").loc["WK055603", "bijstand_per_1000"] for y in (first, last)}
    assert list(bijstand[1:]) == [nl_number(wijk[2015]), nl_number(wijk[2024]), nl_number(wijk[2024])]
