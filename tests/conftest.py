"""Shared fixtures: the real CBS data in ../shared/geodata, read by path, never copied."""

from __future__ import annotations

import csv
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SOCIALE_KAART_SHARED", ROOT.parent / "shared" / "geodata"))


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


@pytest.fixture(scope="session")
def buurten_2016(shared) -> Path:
    return shared / "cbs" / "wijkenbuurten_2016_land.gpkg"


@pytest.fixture(scope="session")
def kwb_2024(shared) -> Path:
    return shared / "kwb" / "kwb_2024_buurten_rijnmond.csv"


@pytest.fixture(scope="session")
def kwb_rows(kwb_2024) -> dict[str, dict[str, str]]:
    """The raw KWB CSV, read with the csv module (independently of the package), by buurtcode."""
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return {row["Codering_3"].strip(): row for row in rows}


def raw_number(row: dict[str, str], column: str) -> float | None:
    text = row[column].strip()
    return None if text in ("", ".") else float(text)


CHROMIUM = os.environ.get("SOCIALE_KAART_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs chromium at {CHROMIUM} (scripts/install.sh --test installs it)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

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
    from sociale_kaart.build.dataset import build
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
    from sociale_kaart.build.dataset import build
    from sociale_kaart.settings import Sources

    return build(Sources(grenzen=sample_paths["grenzen"], kwb=sample_paths["kwb"],
                         registraties=(sample_paths["registraties"], sample_paths["meldingen"])))


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
def kwb_2015(shared) -> Path:
    return shared / "kwb" / "kwb_2015_buurten_wbkaart.csv"


@pytest.fixture(scope="session")
def buurten_2024(shared) -> Path:
    return shared / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg"


@pytest.fixture(scope="session")
def kwb_2015_rows(kwb_2015) -> dict[str, dict[str, str]]:
    """The raw 2015 map attributes, read with the csv module, by buurtcode."""
    with open(kwb_2015, encoding="utf-8") as handle:
        return {row["BU_CODE"].strip(): row for row in csv.DictReader(handle, delimiter=";")}


def published_half_step(values) -> float:
    """Half the step raw counts are published in: CBS rounds benefit counts to 10 and other counts to 5.

    Read off the raw values themselves: all non-zero values multiples of 10 -> 5,0, else 2,5.
    """
    values = [v for v in values if v]
    return 5.0 if values and all(v % 10 == 0 for v in values) else 2.5


def raw_2015(row: dict[str, str], column: str) -> float | None:
    """A 2015 map value: the sentinel -99999999 (and every value <= -99990) is missing."""
    value = float(row[column])
    return None if value <= -99990 else value


@pytest.fixture(scope="session")
def maassluis_series(buurten_2016, kwb_2015, kwb_2024):
    """Maassluis 2015 and 2024, both on the 2016 map: the Series, built once per session."""
    from sociale_kaart.build.series import build_series
    from sociale_kaart.settings import YearSource
    from sociale_kaart.sources.boundaries import read_boundaries

    reference = read_boundaries(buurten_2016, ["GM0556"]).frame
    return build_series((YearSource(year=2015, kwb=kwb_2015), YearSource(year=2024, kwb=kwb_2024)),
                        reference=reference, reference_path=buurten_2016, gemeenten=["GM0556"])
