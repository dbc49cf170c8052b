"""Shared fixtures: the real CBS data in ../shared/geodata, read by path, never copied."""

from __future__ import annotations

import csv
import os
import socket
from pathlib import Path

import pytest

from tests.helpers import published_half_step, raw_2015, raw_number  # noqa: F401  -- also importable from here

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SOCIALE_KAART_SHARED", ROOT.parent / "shared" / "geodata"))

# Subprocesses of the tests (the CLI, a notebook kernel) import this checkout, whichever copy is installed.
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])

# --- slow tests: marked "traag", so that `python -m pytest -m "not traag"` is the quick subset -----

#: Fixtures that make an end-to-end run or start a browser: every test that uses one is slow.
SLOW_FIXTURES = {"browser", "open_page", "made", "printed", "six_wijken", "demo_made"}
#: Session-scoped runs shared by tests of several modules: their tests go to one process, so the run is made once.
SHARED_RUNS = ("demo_made",)
#: Modules whose tests start the command line in a fresh process, a kernel or a whole run: all slow.
SLOW_MODULES = {"test_cli", "test_disclosure_outputs", "test_notebook", "test_suite", "test_documents", "test_stacking",
                "test_briefing_per_gemeente"}
#: Other tests that make a run, start a subprocess or read a whole-country table (module -> test names).
SLOW_TESTS = {
    "test_areas": {"test_cli_names_the_candidates_and_writes_nothing"},
    "test_declarations": {"test_the_misdrijven_maps_credit_the_police_with_its_year"},
    "test_webmap": {"test_print_to_pdf_fills_one_a4_landscape_page"},
    "test_api": {"test_import_stays_cheap_and_build_is_the_function", "test_make_reads_a_project_file"},
    "test_change": {"test_the_gemeente_verdict_rests_on_the_published_gemeente_figures", "test_change_follows_the_units_of_the_run"},
    "test_classes": {"test_natural_breaks_import_mapclassify_and_still_work",
                     "test_manual_breaks_match_mapclassify_on_every_kwb_rate",
                     "test_quantiles_and_equal_interval_match_mapclassify_on_every_kwb_rate"},
    "test_compare": {"test_vlaardingen_beside_its_size_class_and_the_netherlands"},
    "test_disclosure": {"test_no_subtraction_between_related_columns_narrows_a_suppressed_count", "test_dense_small_counts_stay_protected"},
    "test_fetch": {"test_fetch_2026_by_name_then_maak_makes_every_product", "test_fetch_then_maak", "test_kwb_pages_of_10000_follow_the_skip_link", "test_the_10000_cap",
                   "test_urls_for_every_year"},
    "test_kwb": {"test_statline_in_r_excel_and_all_levels_gives_the_odata_figures", "test_map_2015_uppercase_maassluis", "test_statline_export_gives_the_same_figures_as_odata"},
    "test_layouts": {"test_cli_maak_and_profiel_with_own_layouts", "test_six_own_wijken_give_six_profiles_of_one_page",
                     "test_an_own_area_that_is_a_wijk_minus_a_small_buurt_does_not_reveal_it",
                     "test_buurten_in_no_area_are_reported_by_name"},
    "test_need": {"test_flag_command"},
    "test_outputs": {"test_map_plot_and_profiel_add_up_and_other_figures_replace_them_in_one_line", "test_the_run_after_a_sigkill_in_the_commit_rolls_back_or_finishes", "test_a_manifest_edited_by_someone_else_touches_nothing_outside_the_folder", "test_a_file_that_cannot_be_replaced_leaves_the_previous_run_file_for_file", "test_a_directory_where_a_product_goes_stops_the_run_before_anything_moves", "test_concurrent_runs_leave_the_complete_output_of_one",
                     "test_runs_with_other_settings_replace_what_was_there", "test_runs_with_the_same_settings_add_up",
                     "test_sigterm_removes_the_staging_folder_and_leaves_no_process",
                     "test_uitvoer_that_is_a_file_is_a_fout_line"},
    "test_printing": {"test_a_wide_long_table_splits_into_column_groups_and_repeats_its_header",
                      "test_briefing_command_with_profiles",
                      "test_briefing_compares_the_gemeente_with_its_size_class_and_the_netherlands",
                      "test_plot_command_writes_three_formats", "test_unknown_wijk",
                      "test_wijkbezoek_shows_the_change_since_the_nulmeting",
                      "test_whole_gemeente_briefing_gains_the_domains", "test_profile_names_buurten_without_figures",
                      "test_wijkbezoek_pack_holds_the_three_domains_per_buurt"},
    "test_products": {"test_flag_csv_map_and_briefing_name_the_same_buurten",
                      "test_a_buurt_name_of_400_characters_breaks_no_product",
                      "test_heavy_libraries_are_imported_only_where_their_work_is_needed",
                      "test_index_page_lists_every_product_and_requests_nothing",
                      "test_separate_commands_agree_when_given_the_same_settings",
                      "test_xlsx_and_qgis_style_carry_the_maps_classes"},
    "test_voortgang": {"test_the_briefing_has_a_progress_page_with_every_target"},
    "test_project": {"test_init_then_maak_makes_every_product", "test_options_override_the_project_file",
                     "test_bad_project_file_gives_one_line_naming_key_and_file", "test_missing_sources_say_how_to_start"},
    "test_safety": {"test_liveability_class_and_weakest_dimension_match_the_csv"},
    "test_static": {"test_the_png_legend_and_everything_else_is_inside_the_image"},
    "test_trust": {"test_a_registration_of_another_gemeente_is_an_error",
                   "test_a_score_column_with_dots_is_never_counted_as_records", "test_no_need_indicator_stops_flag_and_map",
                   "test_point_geometries_are_refused", "test_schiedam_reference_is_the_whole_gemeente_never_the_matched_part",
                   "test_the_2015_map_attributes_give_maassluis_its_2015_figures",
                   "test_reused_codes_are_found_by_overlap_and_not_joined",
                   "test_impossible_values_are_refused_naming_file_column_and_buurt",
                   "test_a_statline_export_gives_the_same_indicators_as_the_odata_file"},
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        module = item.path.stem
        if fixtures & {"browser", "open_page"}:
            item.add_marker(pytest.mark.browser)
        name = getattr(item, "originalname", item.name)
        if fixtures & SLOW_FIXTURES or module in SLOW_MODULES or name in SLOW_TESTS.get(module, ()):
            item.add_marker(pytest.mark.traag)
        # A module's own (module-scoped) runs are made once: its tests that use one go to one process.
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        shared_run = next((name for name in SHARED_RUNS if name in fixtures), None)
        if shared_run:
            item.add_marker(pytest.mark.xdist_group(shared_run))
        elif any(d.scope == "module" for name in fixtures for d in defs.get(name, ())):
            item.add_marker(pytest.mark.xdist_group(module))


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No test may touch the network: recorded responses only."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "cbs").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the shared CBS data at {SHARED} (set SOCIALE_KAART_SHARED)")
        pytest.skip(f"real CBS data not found at {SHARED}")
    return SHARED


#: The files of ../shared/geodata the tests read, each a session fixture of its own name.
SHARED_FILES = {
    "buurten_2016": "cbs/wijkenbuurten_2016_land.gpkg",  # whole-NL 2016 buurt map
    "buurten_2024": "cbs/wijkenbuurten_2024_rijnmond.gpkg",  # 2024 Rijnmond buurten
    "kwb_2024": "kwb/kwb_2024_buurten_rijnmond.csv",  # KWB 2024, 12 gemeenten
    "kwb_2015": "kwb/kwb_2015_buurten_wbkaart.csv",  # the 2015 map's own attributes
}


def _shared_file(relative: str):
    @pytest.fixture(scope="session")
    def path(shared) -> Path:
        return shared / relative
    return path


for _name, _relative in SHARED_FILES.items():
    globals()[_name] = _shared_file(_relative)


@pytest.fixture(scope="session")
def kwb_rows(kwb_2024) -> dict[str, dict[str, str]]:
    """The raw KWB CSV, read with the csv module (independently of the package), by buurtcode."""
    return rows_by_code(kwb_2024, "Codering_3")


def rows_by_code(path: Path, column: str) -> dict[str, dict[str, str]]:
    """A raw ``;`` CSV read with the csv module (independently of the package), by the code in `column`."""
    with open(path, encoding="utf-8") as handle:
        return {row[column].strip(): row for row in csv.DictReader(handle, delimiter=";")}


CHROMIUM = os.environ.get("SOCIALE_KAART_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs chromium at {CHROMIUM} (scripts/install.sh --test installs it)")
        pytest.skip("chromium not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI needs Playwright (scripts/install.sh --test installs it)")
        pytest.skip("Playwright not installed (pip install -e '.[test]')")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield chromium
        chromium.close()


class OpenedPage:
    """A page opened from a file with every non-file request blocked and recorded."""

    def __init__(self, browser, path: Path):
        self.requests: list[str] = []
        self.console: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.page.on("dialog", lambda dialog: (self.console.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        self.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.socialeKaartState !== undefined")

    @property
    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(path: Path) -> OpenedPage:
        opened = OpenedPage(browser, path)
        pages.append(opened)
        return opened

    yield opener
    for opened in pages:
        opened.page.close()


# --- session-scoped runs on real data and on the bundled sample ----------------------------------

@pytest.fixture(scope="session")
def maassluis(buurten_2016, kwb_2024):
    """Maassluis (GM0556), 2016 boundaries + KWB 2024: the Dataset, built once per session."""
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.settings import Sources

    return build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("Maassluis",)))


@pytest.fixture(scope="session")
def maassluis_analysis(maassluis):
    """The need analysis of Maassluis with the default rules (no hot spots)."""
    from sociale_kaart.analysis.need import analyse

    return analyse(maassluis)


@pytest.fixture(scope="session")
def sample_paths() -> dict[str, Path]:
    """The bundled fictional Voorbeeldstad files (no ../shared needed)."""
    from sociale_kaart.sources.sample import FILES, sample_path

    return {key: sample_path(key) for key in FILES}


@pytest.fixture(scope="session")
def sample(sample_paths):
    """Voorbeeldstad with its two registrations: a Dataset that needs no shared data."""
    from sociale_kaart.combine.dataset import build
    from sociale_kaart.settings import Sources

    return build(Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"],
                         registraties=(sample_paths["registraties"], sample_paths["meldingen"])))


@pytest.fixture(scope="session")
def demo_made(tmp_path_factory):
    """`sociale-kaart demo` (every product on the bundled sample), run once: its output text and folder."""
    from click.testing import CliRunner

    from sociale_kaart.cli import cli

    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--uitvoer", str(folder), "--stil"])
    assert result.exit_code == 0, result.output
    return result.output, folder


@pytest.fixture(scope="session")
def maassluis_project(buurten_2016, kwb_2024):
    """Write a ``sociale-kaart.toml`` for Maassluis (2016 map, KWB 2024) into a folder, with more TOML.

    ``maassluis_project(folder, "[[jaar]] ...", gebied='indeling = "x"')``: `gebied` adds keys to [gebied].
    """
    def write(folder: Path, extra: str = "", *, gebied: str = "") -> Path:
        path = folder / "sociale-kaart.toml"
        path.write_text(f'[bronnen]\ngrenzen = "{buurten_2016}"\nkwb = "{kwb_2024}"\n'
                        f'[gebied]\ngemeenten = ["Maassluis"]\n{gebied}\n{extra}', encoding="utf-8")
        return path
    return write


# --- change over time: a second year ------------------------------------------------------------

@pytest.fixture(scope="session")
def kwb_2015_rows(kwb_2015) -> dict[str, dict[str, str]]:
    """The raw 2015 map attributes, read with the csv module, by buurtcode."""
    return rows_by_code(kwb_2015, "BU_CODE")


@pytest.fixture(scope="session")
def maassluis_series(buurten_2016, kwb_2015, kwb_2024):
    """Maassluis 2015 and 2024, both on the 2016 map: the Series, built once per session."""
    from sociale_kaart.combine.series import build_series
    from sociale_kaart.settings import YearSource
    from sociale_kaart.sources.boundaries import read_boundaries

    reference = read_boundaries(buurten_2016, ["GM0556"]).frame
    return build_series((YearSource(year=2015, kwb=kwb_2015), YearSource(year=2024, kwb=kwb_2024)),
                        reference=reference, reference_path=buurten_2016, gemeenten=["GM0556"])
