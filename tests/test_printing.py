"""Print products on real Maassluis data, read back with pdftotext/pdfinfo as a user's PDF reader would."""

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import raw_number

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def printed(buurten_2016, kwb_2024, tmp_path_factory):
    out = tmp_path_factory.mktemp("print")
    result = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "briefing", "--met-profielen", "--grenzen",
                             str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis", "--uitvoer", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@needs_poppler
def test_one_single_page_profile_per_wijk(printed, buurten_2016):
    import pyogrio

    out, _ = printed
    wijken = pyogrio.read_dataframe(buurten_2016, layer="wijken", where="gemeentecode='GM0556'", read_geometry=False)
    profiles = sorted((out / "maassluis_wijkprofielen").glob("*.pdf"))
    assert len(profiles) == len(wijken) == 8
    assert all(pdf_pages(p) == 1 for p in profiles)


@needs_poppler
def test_sluispolder_profile_has_buurtnamen_and_the_csv_wmo_value(printed, kwb_rows):
    out, _ = printed
    profile = next((out / "maassluis_wijkprofielen").glob("wijkprofiel_WK055603_*.pdf"))
    text = pdf_text(profile)
    assert "Wijkprofiel Sluispolder" in text
    for name in ("Sluispolder Oost", "Sluispolder West", "Binnenstad"):
        assert name in text
    raw = kwb_rows["BU05560302"]  # Sluispolder West
    wmo = raw_number(raw, "WmoClienten_93") / raw_number(raw, "AantalInwoners_5") * 1000
    row = next(line for line in text.splitlines() if "Sluispolder West" in line and re.search(r"\d,\d", line))
    assert f"{wmo:.1f}".replace(".", ",") in row
    inwoners = f"{raw_number(raw, 'AantalInwoners_5'):,.0f}".replace(",", ".")
    assert inwoners in row


@needs_poppler
def test_briefing_pages_as_designed(printed, buurten_2016):
    import pyogrio

    from sociale_kaart.render.printing import FLAG_LINES_PER_PAGE

    out, stdout = printed
    briefing = out / "maassluis_briefing.pdf"
    n_wijken = len(pyogrio.read_dataframe(buurten_2016, layer="wijken", where="gemeentecode='GM0556'", read_geometry=False))
    n_flags = int(re.search(r"(\d+) aandachtsbuurten", stdout).group(1))
    # cover + overview + one page per wijk + the flags table + sources; a reason wraps to at most
    # 3 lines here, so the flags fit one page when 3 lines each stay under the page's line count.
    assert 3 * n_flags <= FLAG_LINES_PER_PAGE
    expected = 1 + 1 + n_wijken + 1 + 1
    assert pdf_pages(briefing) == expected == 12
    assert f"{expected} pagina's" in stdout
    text = pdf_text(briefing)
    assert "Briefing stuurgroep Integrale Veiligheid" in text and "Bronnen, definities en regels" in text
    assert "Bloemenbuurt" in text and "3,2x" in text


@needs_poppler
def test_suppressed_values_never_appear_as_numbers(printed):
    out, _ = printed
    # De Dijk has 10 inhabitants: every rate is suppressed. Its rows must show words, not numbers.
    texts = [pdf_text(p) for p in [out / "maassluis_briefing.pdf", *(out / "maassluis_wijkprofielen").glob("*.pdf")]]
    rows = [line for text in texts for line in text.splitlines() if "De Dijk" in line and "onderdrukt" in line]
    assert rows, "De Dijk's table row is missing"
    for line in rows:
        after_name = line.split("De Dijk", 1)[1]
        numbers = re.findall(r"\d+,\d", after_name)
        assert numbers == [], line  # only the inhabitant count (10, an integer) may be there


def test_dutch_cell_formatting():
    from sociale_kaart.render.printing import cell

    assert cell(1234.56, "ok", "per 1.000 inwoners") == "1.234,6"
    assert cell(3.0, "onderdrukt", "%") == "onderdrukt"
    assert cell(None, "ontbreekt", "%") == "–"


def test_unknown_wijk(buurten_2016, kwb_2024, tmp_path):
    result = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "profiel", "--grenzen", str(buurten_2016),
                             "--kwb", str(kwb_2024), "--gemeente", "Maassluis", "--wijk", "Atlantis", "--uitvoer", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "wijk 'Atlantis' niet gevonden" in result.stderr and "Sluispolder" in result.stderr


def test_plot_command_writes_three_formats(buurten_2016, kwb_2024, tmp_path):
    result = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "plot", "--grenzen", str(buurten_2016),
                             "--kwb", str(kwb_2024), "--gemeente", "Maassluis", "--indicator", "wmo_per_1000", "--aandacht",
                             "--uitvoer", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    png = (tmp_path / "maassluis_wmo_per_1000.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(tmp_path / "maassluis_wmo_per_1000.png") as image:
        assert round(image.info["dpi"][0]) == 300
    assert (tmp_path / "maassluis_wmo_per_1000.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "maassluis_wmo_per_1000.pdf").read_bytes()[:5] == b"%PDF-"


@needs_poppler
def test_profile_names_buurten_without_figures(buurten_2016, kwb_2024, kwb_rows, tmp_path):
    import pyogrio

    result = subprocess.run([sys.executable, "-m", "sociale_kaart.cli", "profiel", "--grenzen", str(buurten_2016),
                             "--kwb", str(kwb_2024), "--gemeente", "Schiedam", "--wijk", "WK060609", "--uitvoer", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    boundaries = pyogrio.read_dataframe(buurten_2016, layer="buurten", where="wijkcode='WK060609'", read_geometry=False)
    unmatched = boundaries[~boundaries["buurtcode"].isin(kwb_rows)]
    assert len(unmatched) > 0  # 2016 codes that the 2024 table no longer has
    text = " ".join(pdf_text(next((tmp_path / "schiedam_wijkprofielen").glob("*.pdf"))).split())
    assert "Zonder cijfers:" in text and "buurtgrenzen 2016, cijfers 2024" in text
    for name in unmatched["buurtnaam"]:
        assert name in text
