"""Print products, read back with pdftotext/pdfinfo as a user's PDF reader would.

Maassluis is rendered through the print API from the session Dataset and Analysis (no rebuild);
the commands are run on the bundled Voorbeeldstad, and on Schiedam for buurten without figures.
"""

import re
import shutil
import subprocess
import sys

import pyogrio
import pytest

from sociale_kaart.texts import cell
from tests.conftest import raw_number

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
DATE = "1 januari 2026"


def run(*args, cwd):
    """The ``sociale-kaart`` command in a fresh process, quiet, in `cwd` (no project file there)."""
    return subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args, "--stil"], capture_output=True, text=True,
                          cwd=cwd)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def wijken_in(path, where: str | None = None):
    return pyogrio.read_dataframe(path, layer="wijken", where=where, read_geometry=False)


@pytest.fixture(scope="module")
def printed(maassluis, maassluis_analysis, tmp_path_factory):
    """Maassluis' wijk profiles and briefing, rendered once with the classes of the whole run."""
    from sociale_kaart.outputs import OutputFolder
    from sociale_kaart.render.classes import classify
    from sociale_kaart.render.printing import PrintContext, briefing_figures, profile_figures

    table = maassluis_analysis.table
    classes = {ind.key: classify(table[ind.key]) for ind in maassluis.indicators}
    classes["behoefte_index"] = classify(table["behoefte_index"])
    ctx = PrintContext(maassluis, maassluis_analysis, classes, DATE)
    folder = tmp_path_factory.mktemp("print")
    with OutputFolder(folder, fingerprint="test") as out:
        for name, title, fig in profile_figures(ctx, maassluis.wijken):
            out.save_pdf(f"profielen/{name}", [fig], title=title)
        _, pages = out.save_pdf("briefing.pdf", briefing_figures(ctx, maassluis.wijken), title="Briefing")
        out.commit()
    return folder, pages


@needs_poppler
def test_one_single_page_profile_per_wijk(printed, buurten_2016):
    out, _ = printed
    wijken = wijken_in(buurten_2016, "gemeentecode='GM0556'")
    profiles = sorted((out / "profielen").glob("*.pdf"))
    assert len(profiles) == len(wijken) == 8
    assert sorted(re.search(r"WK\d{6}", p.name).group(0) for p in profiles) == sorted(wijken["wijkcode"])
    assert all(pdf_pages(p) == 1 for p in profiles)


@needs_poppler
def test_sluispolder_profile_has_buurtnamen_and_the_csv_wmo_value(printed, kwb_rows):
    out, _ = printed
    profile = next((out / "profielen").glob("wijkprofiel_WK055603_*.pdf"))
    text = pdf_text(profile)
    assert "Wijkprofiel Sluispolder" in text and DATE in text
    for name in ("Sluispolder Oost", "Sluispolder West", "Binnenstad"):
        assert name in text
    raw = kwb_rows["BU05560302"]  # Sluispolder West
    wmo = raw_number(raw, "WmoClienten_93") / raw_number(raw, "AantalInwoners_5") * 1000
    row = next(line for line in text.splitlines() if "Sluispolder West" in line and re.search(r"\d,\d", line))
    assert f"{wmo:.1f}".replace(".", ",") in row
    inwoners = f"{raw_number(raw, 'AantalInwoners_5'):,.0f}".replace(",", ".")
    assert inwoners in row


@needs_poppler
def test_briefing_pages_as_designed(printed, maassluis_analysis, buurten_2016, kwb_rows):
    from sociale_kaart.render.printing import FLAG_LINES_PER_PAGE

    out, pages = printed
    briefing = out / "briefing.pdf"
    n_wijken = len(wijken_in(buurten_2016, "gemeentecode='GM0556'"))
    n_flags = len(maassluis_analysis.flagged)
    # cover + overview + one page per wijk + the flags table + sources; a reason wraps to at most
    # 3 lines here, so the flags fit one page when 3 lines each stay under the page's line count.
    assert 0 < 3 * n_flags <= FLAG_LINES_PER_PAGE
    expected = 1 + 1 + n_wijken + 1 + 1
    assert pdf_pages(briefing) == pages == expected == 12
    text = pdf_text(briefing)
    assert "Briefing stuurgroep Integrale Veiligheid" in text and "Bronnen, definities en regels" in text
    # Bloemenbuurt's bijstand rate against the gemeente's (summed counts), from the raw CSV.
    rows = [r for code, r in kwb_rows.items() if code.startswith("BU0556")
            and raw_number(r, "PersonenPerSoortUitkeringBijstand_87") is not None]
    gemeente = sum(raw_number(r, "PersonenPerSoortUitkeringBijstand_87") for r in rows) / \
        sum(raw_number(r, "AantalInwoners_5") for r in rows)
    bloemen = kwb_rows["BU05560202"]
    ratio = raw_number(bloemen, "PersonenPerSoortUitkeringBijstand_87") / raw_number(bloemen, "AantalInwoners_5") / gemeente
    assert "Bloemenbuurt" in text and f"{ratio:.1f}x".replace(".", ",") in text


@needs_poppler
def test_suppressed_values_never_appear_as_numbers(printed, maassluis, kwb_rows):
    out, _ = printed
    dijk = raw_number(kwb_rows["BU05560702"], "AantalInwoners_5")
    assert dijk < 50  # De Dijk: every rate is suppressed. Its rows must show words, not numbers.
    texts = [pdf_text(p) for p in [out / "briefing.pdf", *(out / "profielen").glob("*.pdf")]]
    rows = [line for text in texts for line in text.splitlines() if "De Dijk" in line and "onderdrukt" in line]
    assert rows, "De Dijk's table row is missing"
    for line in rows:
        after_name = line.split("De Dijk", 1)[1]
        assert re.findall(r"\d+,\d", after_name) == [], line  # only the inhabitant count (an integer) may be there
    # The comparison table: the inhabitant count, then "onderdrukt" for every indicator.
    table_row = [f"{dijk:.0f}"] + ["onderdrukt"] * len(maassluis.indicators)
    assert any(line.split("De Dijk", 1)[1].split() == table_row for line in rows)


def test_dutch_cell_formatting():
    assert cell(1234.56, "ok", "per 1.000 inwoners") == "1.234,6"
    assert cell(3.0, "onderdrukt", "%") == "onderdrukt"
    assert cell(None, "ontbreekt", "%") == "–"


# --- the commands, on the bundled sample (no shared data) ----------------------------------------

@needs_poppler
def test_briefing_command_with_profiles(sample_paths, tmp_path):
    from sociale_kaart.render.printing import FLAG_LINES_PER_PAGE

    out = tmp_path / "uit"
    result = run("briefing", "--met-profielen", "--grenzen", str(sample_paths["grenzen"]), "--kwb",
                 str(sample_paths["kwb"]), "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    wijken = wijken_in(sample_paths["grenzen"])
    said = re.search(r"Briefing: (\d+) pagina's, (\d+) aandachtsbuurten", result.stdout)
    assert said, result.stdout
    pages, n_flags = int(said.group(1)), int(said.group(2))
    assert 3 * n_flags <= FLAG_LINES_PER_PAGE
    briefing = out / "voorbeeldstad_fictief_briefing.pdf"
    assert pdf_pages(briefing) == pages == 1 + 1 + len(wijken) + 1 + 1
    profiles = sorted((out / "voorbeeldstad_fictief_wijkprofielen").glob("*.pdf"))
    assert len(profiles) == len(wijken) == 4
    text = pdf_text(briefing)
    for name in wijken["wijknaam"]:
        assert name in text


def test_unknown_wijk(sample_paths, tmp_path):
    out = tmp_path / "uit"
    result = run("profiel", "--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]),
                 "--wijk", "Atlantis", "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("fout:")]
    assert len(lines) == 1 and "wijk 'Atlantis' niet gevonden" in lines[0], result.stderr
    for name in wijken_in(sample_paths["grenzen"])["wijknaam"]:
        assert name in lines[0]  # the known wijken are named
    assert "Traceback" not in result.stderr
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_plot_command_writes_three_formats(sample_paths, tmp_path):
    from PIL import Image

    out = tmp_path / "uit"
    result = run("plot", "--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]),
                 "--indicator", "wmo_per_1000", "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stem = out / "voorbeeldstad_fictief_wmo_per_1000"
    png = stem.with_suffix(".png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(stem.with_suffix(".png")) as image:
        assert round(image.info["dpi"][0]) == 300
    assert stem.with_suffix(".svg").read_text().lstrip().startswith("<?xml")
    assert stem.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    assert not list(out.glob("*pct_huur*"))  # only the indicator asked for


@needs_poppler
def test_profile_names_buurten_without_figures(buurten_2016, kwb_2024, kwb_rows, tmp_path):
    out = tmp_path / "uit"
    result = run("profiel", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Schiedam",
                 "--wijk", "WK060609", "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    boundaries = pyogrio.read_dataframe(buurten_2016, layer="buurten", where="wijkcode='WK060609'", read_geometry=False)
    unmatched = boundaries[~boundaries["buurtcode"].isin(kwb_rows)]
    assert len(unmatched) > 0  # 2016 codes that the 2024 table no longer has
    profiles = list((out / "schiedam_wijkprofielen").glob("*.pdf"))
    assert len(profiles) == 1
    text = " ".join(pdf_text(profiles[0]).split())
    assert "Zonder cijfers:" in text and "buurtgrenzen 2016, cijfers 2024" in text
    for name in unmatched["buurtnaam"]:
        assert name in text
