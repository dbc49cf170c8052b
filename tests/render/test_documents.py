"""The documents a stuurgroep reads and a raad publishes: accessible PDF/UA-1, Kernpunten first,
methods in the annex, the gemeente's huisstijl, and pages a reader does not notice.

PDFs are read back with pikepdf (structure, metadata, images, colours) and pdftotext (what a
reader sees); expected figures come from the raw CSV files.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib
from pathlib import Path

import pytest

from sociale_kaart.render.style import HALO_COLOUR, HALO_GID, HALO_WIDTH
from tests.helpers import raw_number
from tests.helpers import check_accessible, needs_poppler, pdf_pages, pdf_plain, pdf_text, run

pikepdf = pytest.importorskip("pikepdf")

POLICE = "politie_47018NED_2023_totaal_rijnmond.csv"
LBM = "leefbaarometer3_buurtscore24_rijnmond.csv"


# --- Maassluis with police and Leefbaarometer, through the CLI ------------------------------------

@pytest.fixture(scope="module")
def maassluis_safety(shared, buurten_2016, kwb_2024, tmp_path_factory):
    veiligheid = shared / "veiligheid"
    base = tmp_path_factory.mktemp("veilig")
    common = ["--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
              "--misdrijven", str(veiligheid / POLICE), "--leefbaarometer", str(veiligheid / LBM)]
    whole = run("briefing", *common, "--met-profielen", "--uitvoer", str(base / "heel"), cwd=base)
    assert whole.returncode == 0, whole.stderr
    visit = run("briefing", *common, "--wijk", "Kapelpolder", "--uitvoer", str(base / "bezoek"), cwd=base)
    assert visit.returncode == 0, visit.stderr
    maps = run("plot", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
               "--indicator", "wmo_per_1000", "--uitvoer", str(base / "kaart"), cwd=base)
    assert maps.returncode == 0, maps.stderr
    return base


def test_every_kind_of_pdf_is_tagged_pdf_ua_with_alt_texts(maassluis_safety):
    base = maassluis_safety
    briefing = base / "heel" / "maassluis_briefing.pdf"
    check_accessible(briefing, figures=1 + 8)  # the overview and a map per wijk
    profiles = sorted((base / "heel" / "maassluis_wijkprofielen").glob("*.pdf"))
    assert len(profiles) == 8
    for profile in profiles:
        check_accessible(profile, figures=2)  # the map and at least one chart
    check_accessible(base / "bezoek" / "maassluis_wijkbezoek_kapelpolder.pdf", figures=1)
    check_accessible(base / "kaart" / "maassluis_wmo_per_1000.pdf", figures=1)


def _raw_buurtnamen(gpkg: Path, gemeente: str) -> set[str]:
    """The buurt names of `gemeente` straight from the GeoPackage's table (SQLite), not through the toolkit."""
    import sqlite3

    with sqlite3.connect(gpkg) as db:
        return {name for (name,) in db.execute("select buurtnaam from buurten where gemeentenaam = ?", (gemeente,))}


def test_buurt_names_on_a_map_stay_text_in_its_svg_and_pdf(maassluis_safety, buurten_2016):
    """A name's white halo is a stroke under its letters, so the name is text: a PDF reader finds
    it, and the SVG holds no glyph outlines (two per name before, nine tenths of the file)."""
    import xml.etree.ElementTree as ET

    names = _raw_buurtnamen(buurten_2016, "Maassluis")
    kaart = maassluis_safety / "kaart"
    svg = ET.parse(kaart / "maassluis_wmo_per_1000.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    haloed = [t for t in svg.iter(f"{ns}text") if t.get("paint-order") == "stroke"]
    assert haloed and all(t.get("stroke") == HALO_COLOUR and float(t.get("stroke-width")) == HALO_WIDTH for t in haloed)
    shown = {t.text for t in haloed}
    assert shown <= names and len(shown) >= len(names) // 2, sorted(shown ^ names)
    # letters as outlines are paths of many quadratic curves (a rounded legend frame has four)
    glyph_like = [p for p in svg.iter(f"{ns}path") if p.get("d", "").split().count("Q") > 8]
    assert not glyph_like, "a text became outlines"
    words = set(pdf_plain(kaart / "maassluis_wmo_per_1000.pdf").split())
    assert all(set(name.split()) <= words for name in shown)


def test_a_halo_as_stroke_looks_like_the_path_effect(maassluis, maassluis_analysis):
    """The SVG's halo (a stroke) and matplotlib's path effect (outlines), rendered at 150 dpi: the
    same pixels but for antialiasing at the edges of letters."""
    import numpy as np
    from PIL import Image

    from sociale_kaart.render.classes import classify
    from sociale_kaart.render.document import drawings
    from sociale_kaart.render.document.typeset import rasterise
    from sociale_kaart.render.static import map_figure

    ind = maassluis.indicators[0]
    table = maassluis_analysis.table
    with drawings.drawing_fonts():
        fig = map_figure(table, maassluis.wijken, ind, classify(table[ind.key]), title="Titel", subtitle="Bron")
        width, height = fig.get_size_inches() * 72
        as_stroke, as_outlines = drawings.svg_text(fig), drawings._saved_svg(fig)
    assert as_stroke.count('paint-order="stroke"') >= 5 and "paint-order" not in as_outlines
    assert len(as_stroke) * 3 < len(as_outlines)
    pixels = [np.asarray(Image.open(io.BytesIO(rasterise(svg, width=width, height=height, ppi=150))).convert("L"),
                         dtype=int) for svg in (as_stroke, as_outlines)]
    difference = np.abs(pixels[0] - pixels[1])
    assert difference.mean() < 0.05 and (difference > 64).mean() < 1e-4


def test_every_line_of_a_name_keeps_its_halo_and_a_name_that_is_not_drawn_costs_none():
    """A name of two lines is two texts in the SVG, each with the halo; an empty name (which
    matplotlib does not draw) leaves the others as text."""
    import xml.etree.ElementTree as ET

    import matplotlib.patheffects as pe
    from matplotlib.figure import Figure

    from sociale_kaart.render.document import drawings

    halo = [pe.withStroke(linewidth=HALO_WIDTH, foreground=HALO_COLOUR)]
    with drawings.drawing_fonts():
        fig = Figure(figsize=(3, 2))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.annotate("Oude Haven\n& <Noord>", (0.5, 0.5), gid=f"{HALO_GID}0-1", path_effects=halo)
        ax.annotate("", (0.2, 0.2), gid=f"{HALO_GID}0-2", path_effects=halo)
        svg = drawings.svg_text(fig)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t for g in ET.fromstring(svg).iter(f"{ns}g") if g.get("id", "").startswith(HALO_GID)
             for t in g.iter(f"{ns}text")]
    assert [t.text for t in texts] == ["Oude Haven", "& <Noord>"]
    assert all(t.get("paint-order") == "stroke" and t.get("stroke") == HALO_COLOUR for t in texts)


def _kapelpolder_crime(shared, kwb_2024, buurten_2016) -> str:
    """Kapelpolder's registered crime per 1.000 inhabitants from the raw police rows and KWB."""
    import pyogrio

    codes = set(pyogrio.read_dataframe(buurten_2016, layer="buurten", where="wijkcode='WK055604'",
                                       read_geometry=False)["buurtcode"])
    with open(shared / "veiligheid" / POLICE, encoding="utf-8") as handle:
        crime = sum(float(r["GeregistreerdeMisdrijven_1"]) for r in csv.DictReader(handle)
                    if r["WijkenEnBuurten"].strip() in codes and r["SoortMisdrijf"] == "0.0.0 "
                    and r["Perioden"] == "2023JJ00")
    with open(kwb_2024, encoding="utf-8") as handle:
        people = sum(raw_number(r, "AantalInwoners_5") or 0 for r in csv.DictReader(handle, delimiter=";")
                     if r["Codering_3"].strip() in codes)
    return f"{crime / people * 1000:.1f}".replace(".", ",")


@needs_poppler
def test_the_briefing_opens_with_kernpunten_naming_kapelpolders_crime(maassluis_safety, shared, kwb_2024, buurten_2016):
    briefing = maassluis_safety / "heel" / "maassluis_briefing.pdf"
    pages = [pdf_plain(briefing, "-f", str(n), "-l", str(n)) for n in range(1, pdf_pages(briefing) + 1)]
    first = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Kernpunten"))
    assert first in (0, 1)
    points = " ".join(pages[first].split())
    assert f"Kapelpolder {_kapelpolder_crime(shared, kwb_2024, buurten_2016)} tegen" in points
    for domain in ("Sociaal", "Veiligheid", "Leefbaarheid", "Per wijk"):
        assert domain in points
    annex = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Technische bijlage"))
    before = " ".join(pages[:annex])
    for word in ("z-score", "rho", "FDR", "sociale-kaart ", "fetch"):
        assert word not in before, word
    assert "z-score" in " ".join(pages[annex:])  # the methods are in the annex
    assert not re.search(r"Nederland\s+–\s+–", pdf_text(briefing))  # no empty comparison row
    visit = maassluis_safety / "bezoek" / "maassluis_wijkbezoek_kapelpolder.pdf"
    assert pdf_plain(visit, "-f", "2", "-l", "2").lstrip().startswith("Kernpunten")


@needs_poppler
def test_no_crime_footnote_without_a_crime_source(sample_paths, tmp_path):
    out = tmp_path / "uit"
    result = run("briefing", "--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]),
                 "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text(out / "voorbeeldstad_fictief_briefing.pdf").split())
    assert "Misdrijven worden geregistreerd" not in text and "Kernpunten" in text


# --- huisstijl ------------------------------------------------------------------------------------

def png(path: Path, width: int, height: int, rgb: tuple[int, int, int]) -> Path:
    """A plain PNG of one colour, written with zlib (the test logo)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def colours_used(pdf) -> set[tuple[int, int, int]]:
    """Every RGB fill and stroke colour set in the page contents, as 0-255 triples."""
    found = set()
    for page in pdf.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("rg", "RG") and len(operands) == 3:
                found.add(tuple(round(float(v) * 255) for v in operands))
            if str(operator) in ("sc", "SC", "scn", "SCN") and len(operands) == 3:
                found.add(tuple(round(float(v) * 255) for v in operands))
    return found


def logo_images(pdf, size: tuple[int, int]) -> int:
    found = 0
    for page in pdf.pages:
        for _, image in page.images.items():
            if (int(image.Width), int(image.Height)) == size:
                found += 1
    return found


def test_huisstijl_puts_logo_and_colour_on_every_document(maassluis_project, tmp_path):
    logo = png(tmp_path / "logo.png", 97, 31, (0, 120, 60))
    maassluis_project(tmp_path, '[huisstijl]\nlogo = "logo.png"\nkleur = "#b4235a"\nlogo_tekst = "Logo gemeente"\n')
    documents_only = [arg for key in ("briefing", "profielen", "statisch") for arg in ("--product", key)]
    result = run("maak", *documents_only, "--uitvoer", "uit", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "uit"
    documents = [*out.glob("*_briefing.pdf"), *out.glob("*_wijkprofielen/*.pdf"), *out.glob("*_wmo_per_1000.pdf")]
    assert len(documents) >= 3
    for path in documents:
        with pikepdf.open(path) as pdf:
            assert logo_images(pdf, (97, 31)) == len(pdf.pages), path.name  # the logo on every page
            assert (0xB4, 0x23, 0x5A) in colours_used(pdf), path.name
    assert logo.exists()


def test_a_chart_title_longer_than_its_chart_breaks_between_words_and_the_chart_grows():
    """'Huishoudens met ondersteuning op 2+ leefgebieden (per 1.000 huishoudens)' was cut off at the chart's edge."""
    from sociale_kaart.render.document.drawings import TITLE_SIZE, bar_chart, text_width, title_lines

    title = "Huishoudens met ondersteuning op 2+ leefgebieden (per 1.000 huishoudens)"
    args = (["Kapelpolder", "Het Balkon"], [86.2, None], ["ok", "onderdrukt"], 35.0, 1)
    lines = title_lines(title, 230)
    assert len(lines) == 2 and " ".join(lines) == title  # every word kept, in order
    assert all(text_width(line, TITLE_SIZE) * 1.1 <= 230 for line in lines)
    _, _, narrow = bar_chart(title, *args, width=230)
    _, _, wide = bar_chart(title, *args, width=600)
    assert narrow > wide  # the second title line takes room of its own, above the bars
