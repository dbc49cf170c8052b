"""Print products, read back with pdftotext, pdffonts and pdfinfo as a user's PDF reader would.

The acceptance runs (the demo, Maassluis, Vlaardingen + Schiedam) are made through the
orchestrator; every PDF is then checked on paper terms: every word inside the page with a margin,
no text under 7 pt, body text of at least 8 pt, every font embedded, page numbers and a running
footer, every aandachtsbuurt of a wijk with all its reasons on that wijk's pages. Maassluis is
also rendered through the print API from the session Dataset and Analysis; the commands are run
on the bundled Voorbeeldstad, and on Schiedam for buurten without figures.
"""

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pyogrio
import pytest

from sociale_kaart.texts import cell
from tests.helpers import raw_number
from tests.helpers import DATE, briefing_sources, needs_poppler, pdf_pages, pdf_text, print_all, run

#: Nothing may be printed closer to the edge of the paper than this (points; 8,5 mm).
MARGIN = 24.0
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


REPO = Path(__file__).resolve().parents[2]


def wijken_in(path, where: str | None = None):
    return pyogrio.read_dataframe(path, layer="wijken", where=where, read_geometry=False)


# --- reading PDFs back ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def size(self) -> float:
        """The font size (points): pdftotext's box spans the font's ascender to its descender."""
        return (self.y1 - self.y0) / EM_BOX


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    words: list

    def text(self, smallest: float = 0.0, largest: float = 99.0) -> str:
        """The words of a size in [smallest, largest) in reading order, one space apart."""
        chosen = [w for w in self.words if smallest - 0.05 <= w.size < largest - 0.05]
        return " ".join(w.text for w in sorted(chosen, key=lambda w: (round(w.y0, 1), w.x0)))


def _font_em_box() -> float:
    """(ascender - descender) / unitsPerEm of the shipped print fonts, read with fontTools."""
    from fontTools.ttLib import TTFont

    import sociale_kaart

    boxes = set()
    for path in (Path(sociale_kaart.__file__).parent / "assets" / "fonts").glob("*.ttf"):
        font = TTFont(path)
        boxes.add((font["hhea"].ascent - font["hhea"].descent) / font["head"].unitsPerEm)
    assert len(boxes) == 1, boxes
    return boxes.pop()


#: Typst's PDFs give pdftotext a word box of one em (the box of matplotlib's PDFs was the font's
#: ascender to descender, :func:`_font_em_box`).
EM_BOX = 1.0


def read_pdf(path) -> list[PdfPage]:
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [Word(float(a), float(b), float(c), float(d), _unescape(t)) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page.group(3))]
        pages.append(PdfPage(float(page.group(1)), float(page.group(2)), words))
    return pages


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def fonts_of(path) -> list[dict]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    header, rule = lines[0], lines[1]
    columns = [m.span() for m in re.finditer(r"-+", rule)]
    names = [header[a:b if i < len(columns) - 1 else None].strip() for i, (a, b) in enumerate(columns)]
    return [{n: line[a:b if i < len(columns) - 1 else None].strip() for i, (n, (a, b)) in enumerate(zip(names, columns))}
            for line in lines[2:] if line.strip()]


def today() -> str:
    day = dt.date.today()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def squash(text: str) -> str:
    return " ".join(text.split())


# --- the acceptance runs, made through the orchestrator ------------------------------------------

@dataclass
class Made:
    name: str
    result: object
    briefing: Path
    profiles: list
    pages: dict  #: path -> [PdfPage]


@pytest.fixture(scope="module", params=["demo", "maassluis", "vlaardingen_schiedam"])
def made(request, tmp_path_factory):
    if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not installed")
    from sociale_kaart.products import make
    from sociale_kaart.settings import RunSettings

    sources, need = briefing_sources(request.param, request)
    out = tmp_path_factory.mktemp(request.param)
    result = make(RunSettings(sources=sources, need=need, output=out, quiet=True), products=("profielen", "briefing"))
    briefing = out / f"{result.data.slug}_briefing.pdf"
    profiles = sorted((out / f"{result.data.slug}_wijkprofielen").glob("*.pdf"))
    return Made(request.param, result, briefing, profiles, {p: read_pdf(p) for p in [briefing, *profiles]})


@needs_poppler
def test_every_word_lies_inside_the_page_with_its_margin(made):
    outside = []
    for path, pages in made.pages.items():
        for number, page in enumerate(pages, 1):
            assert page.words, f"{path.name} page {number} is empty"
            for w in page.words:
                if w.x0 < MARGIN or w.y0 < MARGIN or w.x1 > page.width - MARGIN or w.y1 > page.height - MARGIN:
                    outside.append(f"{path.name} p{number}: {w.text!r} at x {w.x0:.0f}-{w.x1:.0f}, y {w.y0:.0f}-{w.y1:.0f}")
    assert outside == []


@needs_poppler
def test_no_text_under_7_pt_and_body_text_at_least_8_pt(made):
    for path, pages in made.pages.items():
        smallest = min(w.size for page in pages for w in page.words)
        assert smallest >= 7.0 - 0.05, (path.name, smallest)
    # The reasons of the aandachtsbuurten are body text: "stapeling" is in every one of them.
    body = [w for page in made.pages[made.briefing] for w in page.words if w.text.startswith("stapeling")]
    assert len(body) >= len(made.result.analysis.flagged)
    assert min(w.size for w in body) >= 8.0 - 0.05


@needs_poppler
def test_every_font_is_embedded(made):
    for path in made.pages:
        fonts = fonts_of(path)
        assert fonts, path.name
        assert [f["name"] for f in fonts if f["emb"] != "yes"] == [], path.name
        assert all(f["type"] in ("CID TrueType", "TrueType") for f in fonts), fonts


@needs_poppler
def test_every_page_has_its_number_and_the_running_footer(made):
    for path, pages in made.pages.items():
        source = "Fictieve voorbeelddata" if made.name == "demo" else "Bron: CBS/Kadaster"
        area = made.result.data.title if path == made.briefing else str(made.result.data.gemeentenamen)
        for number, page in enumerate(pages, 1):
            text = page.text(6.9, 7.1)  # the footer's size
            label = f"pagina {number} van {len(pages)}"
            assert label in text, (path.name, number)
            footer = squash(text.replace(label, ""))
            assert today() in footer and source in footer, (path.name, number, footer)
            assert any(name in footer for name in made.result.data.gemeentenamen if name in area), footer
    assert pdf_pages(made.briefing) == made.result.pages["briefing"] == len(made.pages[made.briefing])


@needs_poppler
def test_every_aandachtsbuurt_is_on_its_wijk_pages_with_every_reason(made):
    """Counted per wijk in the flag table, found by name and with its whole reason in the briefing."""
    result = made.result
    flagged = result.analysis.flagged
    assert len(flagged) > 0
    wijken = result.data.wijken.set_index("wijkcode")
    names = result.data.gemeenten.set_index("gemeentecode")["gemeentenaam"]
    several = result.analysis.table["gemeentecode"].nunique() > 1
    pages = made.pages[made.briefing]
    for code, group in flagged.groupby("wijkcode"):
        title = str(wijken.loc[code, "wijknaam"])
        if several:
            title += f" ({names['GM' + code[2:6]]})"
        mine = [p for p in pages if p.text(15.5, 16.5) in (title, f"{title} (vervolg)")]
        assert mine, f"no page for {title}"
        body = squash(" ".join(p.text(8.0, 9.0) for p in mine))  # body text, without titles and tables
        found = re.findall(r"\((BU\d{8}), stapeling \d+\)", body)
        assert sorted(found) == sorted(group["buurtcode"]), title  # each once, none missing
        for _, row in group.iterrows():
            entry = f"{row['buurtnaam']} ({row['buurtcode']}, stapeling {row['stapeling']}): {row['reden']}"
            assert squash(entry) in body, entry
        profile = next(p for p in made.pages if p.name.startswith(f"wijkprofiel_{code}_"))
        body = squash(" ".join(p.text(8.0, 9.0) for p in made.pages[profile]))
        for _, row in group.iterrows():
            assert squash(f"({row['buurtcode']}, stapeling {row['stapeling']}): {row['reden']}") in body


@needs_poppler
def test_dutch_counts_and_no_repeated_none(made):
    for path, pages in made.pages.items():
        for number, page in enumerate(pages, 1):
            text = squash(pdf_text(path, "-f", str(number), "-l", str(number)))
            assert not re.search(r"(?<![\d.,])1 (buurten|wijken|gemeenten|pagina's)\b", text), (path.name, number)
            assert not re.search(r"(?<![\d.,])1 van \S+ buurten zijn\b", text), (path.name, number)
            assert not re.search(r"(?<![\d.,])([2-9]|\d\d+) van \S+ buurten is\b", text), (path.name, number)
            assert text.count("Geen aandachtsbuurten") + text.count("Geen van de") <= 1, (path.name, number)


@needs_poppler
def test_the_cover_names_the_gemeente_of_every_wijk(made):
    result = made.result
    table = result.analysis.table
    if table["gemeentecode"].nunique() < 2:
        pytest.skip("one gemeente")
    cover = made.pages[made.briefing][0].text()
    names = result.data.gemeenten.set_index("gemeentecode")["gemeentenaam"]
    entries = []
    for row in result.data.wijken.itertuples():
        entry = f"{row.wijknaam} ({names['GM' + row.wijkcode[2:6]]})"
        assert entry in cover
        entries.append(entry)
    assert len(set(entries)) == len(entries)  # "Wijk 01" of Vlaardingen and of Schiedam are told apart
    for gemeentecode, group in result.data.wijken.groupby(result.data.wijken["wijkcode"].str[2:6]):
        assert squash(f"{names['GM' + gemeentecode]}: " + ", ".join(group["wijknaam"])) in squash(cover)


# --- the layout on its own -----------------------------------------------------------------------

def _typeset(sections, path, *, title="Proef", footer="voet"):
    from sociale_kaart.render.document.model import Document
    from sociale_kaart.render.document.typeset import typeset

    path.write_bytes(typeset(Document(title, footer, tuple(sections))).data)
    return path


@needs_poppler
def test_text_outside_windows_1252_prints_as_itself(tmp_path):
    from sociale_kaart.render.document.model import Section, Text

    line = "Ĳsselmonde en ĳsbaan: Ŝ, ≤ 5 ≥ 3, € 12, ▲ en ’t Hoofd – “buurt”"
    path = _typeset([Section("Tekens ĳ", "ondertitel", (Text(line),))], tmp_path / "tekens.pdf")
    assert line in pdf_text(path)
    assert all(f["emb"] == "yes" for f in fonts_of(path))


@needs_poppler
def test_a_long_table_repeats_its_header_and_keeps_every_row(tmp_path):
    from sociale_kaart.render.document.model import Section, Table

    header = ("Gebied", "Inwoners") + tuple(f"Indicator nummer {i} (per 1.000 inwoners)" for i in range(8))
    rows = tuple((f"Buurt {r} met een lange naam", f"{r * 1000:,}".replace(",", ".")) + ("onderdrukt",) * 8
                 for r in range(120))
    path = _typeset([Section("Tabel", "", (Table(header, rows, keep=False),))], tmp_path / "tabel.pdf")
    read = read_pdf(path)
    assert len(read) >= 3  # 120 rows run on
    words = [w for page in read for w in page.words]
    assert max(w.x1 for w in words) <= read[0].width - MARGIN and min(w.size for w in words) >= 7.0 - 0.05
    text = " ".join(page.text() for page in read)
    assert text.count("onderdrukt") == 120 * 8
    assert sorted(int(n) for n in re.findall(r"Buurt (\d+)", text)) == list(range(120))  # each row once
    assert all("Gebied" in page.text().split() for page in read if "Buurt" in page.text())  # the header repeats


@needs_poppler
def test_a_chart_whose_every_value_is_suppressed_says_so(tmp_path):
    from sociale_kaart.render.document.drawings import bar_chart

    svg, alt, _ = bar_chart("Bijstand (per 1.000 inwoners)", ["Zuidbuurt", "De Dijk"], [72.0, 80.0],
                            ["onderdrukt", "onderdrukt"], 25.7, 1, width=180.0)
    assert "alle waarden onderdrukt" in svg and "alle waarden onderdrukt" in alt
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert re.findall(r"\d+", " ".join(texts).replace("1.000", "")) == ["25", "7"]  # only the gemeente: no axis
    assert "72" not in svg.replace("72.", "") or "72,0" not in " ".join(texts)


@needs_poppler
def test_a_table_caption_is_printed_above_it_and_tagged_as_its_caption(tmp_path):
    import pikepdf

    from sociale_kaart.render.document.model import Section, Table, Text

    rows = tuple((f"Buurt {i}", str(i)) for i in range(90))  # two pages: the header repeats, the caption not
    path = _typeset([Section("Tabel", "", (Text("Een zin."), Table(("Gebied", "Aantal"), rows, ("left", "right"),
                                                                    keep=False, caption="Per buurt het aantal")))],
                    tmp_path / "bijschrift.pdf")
    with pikepdf.open(path) as pdf:
        kinds, todo = [], [pdf.Root.StructTreeRoot]
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Dictionary):
                kinds.append(str(node.get("/S", "")))
                kids = node.get("/K")
                todo += list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    assert "/Caption" in kinds and "/Table" in kinds
    lines = [line.strip() for line in pdf_text(path).splitlines() if line.strip()]
    at = lines.index("Per buurt het aantal")
    assert lines[at + 1].split() == ["Gebied", "Aantal"] and lines.count("Per buurt het aantal") == 1


def test_a_bar_value_label_never_crosses_the_gemeente_line():
    """Measured in the SVG: a value just under the gemeente's starts after the dashed line; one
    far from it stays beside its bar."""
    from sociale_kaart.render.document.drawings import bar_chart

    svg, _, _ = bar_chart("Bijstand (per 1.000 inwoners)", ["Zuidbuurt", "De Dijk"], [24.0, 80.0], ["ok", "ok"],
                          25.7, 1, width=180.0)
    vertical = [float(a) for a, b in re.findall(r'd="M ([\d.]+) [\d.]+ \nL ([\d.]+) [\d.]+ \n"', svg) if a == b]
    base, line = min(vertical), max(vertical)  # the bars' base and the gemeente line
    found = re.findall(r'd="M ([\d.]+) [\d.]+ \nL ([\d.]+) [\d.]+ \nL', svg)
    bars = {float(x1): float(x1) for x0, x1 in found if float(x0) == base}  # the bars (not the frame)
    labels = {text: float(x) for x, text in re.findall(r'x="([\d.]+)" y="[\d.]+"[^>]*>(\d+,\d)</text>', svg)}
    assert set(labels) == {"24,0", "80,0"} and len(bars) == 2
    short = min(x for x in bars.values() if x < line)  # the bar of 24,0 ends just before the line
    assert short < line < short + 10
    assert labels["24,0"] > line  # after the line, not cut by it
    assert labels["80,0"] - max(bars.values()) < 4  # beside its own bar end


def test_flag_sentence_is_dutch():
    from sociale_kaart.render.printing import flag_sentence

    assert flag_sentence(1, 3) == "1 van 3 buurten is aandachtsbuurt."
    assert flag_sentence(3, 3) == "3 van 3 buurten zijn aandachtsbuurt."
    assert flag_sentence(0, 2) == "Geen van de 2 buurten is aandachtsbuurt."
    assert "1 buurten" not in flag_sentence(0, 1) + flag_sentence(1, 1)


# --- Maassluis through the print API -------------------------------------------------------------

@pytest.fixture(scope="module")
def printed(maassluis, maassluis_analysis, tmp_path_factory):
    """Maassluis' wijk profiles and briefing, rendered once with the classes of the whole run."""
    from sociale_kaart.render.classes import classify
    from sociale_kaart.render.printing import PrintContext

    table = maassluis_analysis.table
    classes = {ind.key: classify(table[ind.key]) for ind in maassluis.indicators}
    classes["behoefte_index"] = classify(table["behoefte_index"])
    ctx = PrintContext(maassluis, maassluis_analysis, classes, DATE)
    folder = tmp_path_factory.mktemp("print")
    return folder, print_all(ctx, maassluis.wijken, folder)


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
    inwoners = f"{raw_number(raw, 'AantalInwoners_5'):,.0f}".replace(",", ".")
    row = next(line for line in text.splitlines() if "Sluispolder West" in line and inwoners in line)  # the table row
    assert f"{wmo:.1f}".replace(".", ",") in row


@needs_poppler
def test_briefing_pages_as_designed(printed, maassluis_analysis, buurten_2016, kwb_rows):
    out, pages = printed
    briefing = out / "briefing.pdf"
    n_wijken = len(wijken_in(buurten_2016, "gemeentecode='GM0556'"))
    # cover + Kernpunten + overview + one page per wijk + the flags + the annex: no continuation.
    expected = 1 + 1 + 1 + n_wijken + 1 + 1
    assert pdf_pages(briefing) == pages == expected == 13
    text = pdf_text(briefing)
    assert "vervolg op de volgende pagina" not in text
    assert "Briefing stuurgroep Integrale Veiligheid" in text and "bronnen, definities en regels" in text
    for number in range(1, expected + 1):
        assert f"pagina {number} van {expected}" in text
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
    out = tmp_path / "uit"
    result = run("briefing", "--met-profielen", "--grenzen", str(sample_paths["grenzen"]), "--kwb",
                 str(sample_paths["kwb"]), "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    wijken = wijken_in(sample_paths["grenzen"])
    said = re.search(r"Briefing: (\d+) pagina's, (\d+) aandachtsbuurten", result.stdout)
    assert said, result.stdout
    pages = int(said.group(1))
    briefing = out / "voorbeeldstad_fictief_briefing.pdf"
    assert pdf_pages(briefing) == pages >= 1 + 1 + len(wijken) + 1 + 1
    text = pdf_text(briefing)
    assert f"pagina {pages} van {pages}" in text
    profiles = sorted((out / "voorbeeldstad_fictief_wijkprofielen").glob("*.pdf"))
    assert len(profiles) == len(wijken) == 4
    for name in wijken["wijknaam"]:
        assert name in text


def test_unknown_wijk(sample_paths, tmp_path):
    out = tmp_path / "uit"
    result = run("profiel", "--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]),
                 "--wijk", "Atlantis", "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("fout:")]
    assert len(lines) == 1 and "wijken: wijk 'Atlantis' komt niet voor; kies uit:" in lines[0], result.stderr
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


# --- the wijkbezoek pack (issue 14) --------------------------------------------------------------

LBM_NAMES = {1: "zeer onvoldoende", 2: "ruim onvoldoende", 3: "onvoldoende", 4: "zwak", 5: "voldoende",
             6: "ruim voldoende", 7: "goed", 8: "zeer goed", 9: "uitstekend"}  # Leefbaarometer 3.0's own names
LBM_DIMENSIONS = {"won": "woningvoorraad", "fys": "fysieke omgeving", "vrz": "voorzieningen",
                  "soc": "sociale samenhang", "onv": "overlast en onveiligheid"}


def _dutch(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def maassluis_briefing(buurten_2016, kwb_2024, tmp_path, *options) -> Path:
    """``sociale-kaart briefing`` for Maassluis with `options`; returns the output folder."""
    out = tmp_path / "uit"
    result = run("briefing", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maassluis",
                 *map(str, options), "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return out


@needs_poppler
def test_wijkbezoek_pack_holds_the_three_domains_per_buurt(shared, buurten_2016, kwb_2024, tmp_path):
    import csv

    veiligheid = shared / "veiligheid"
    out = maassluis_briefing(buurten_2016, kwb_2024, tmp_path, "--misdrijven",
                             veiligheid / "politie_47018NED_2023_totaal_rijnmond.csv", "--leefbaarometer",
                             veiligheid / "leefbaarometer3_buurtscore24_rijnmond.csv", "--wijk", "Kapelpolder")
    pack = out / "maassluis_wijkbezoek_kapelpolder.pdf"
    assert pack.exists() and not (out / "maassluis_briefing.pdf").exists()
    text = pdf_text(pack)
    lines = text[text.index("Sociaal, veiligheid en leefbaarheid per buurt"):].splitlines()  # the wijk's table
    # Raw inputs, read with the csv module.
    with open(kwb_2024, encoding="utf-8") as handle:
        kwb = {r["Codering_3"].strip(): r for r in csv.DictReader(handle, delimiter=";")}
    with open(veiligheid / "politie_47018NED_2023_totaal_rijnmond.csv", encoding="utf-8") as handle:
        crime = {r["WijkenEnBuurten"].strip(): float(r["GeregistreerdeMisdrijven_1"]) for r in csv.DictReader(handle)
                 if r["SoortMisdrijf"] == "0.0.0 " and r["Perioden"] == "2023JJ00"}
    with open(veiligheid / "leefbaarometer3_buurtscore24_rijnmond.csv", encoding="utf-8") as handle:
        lbm = {r["bu_code"]: r for r in csv.DictReader(handle, delimiter=";")}
    buurten = pyogrio.read_dataframe(buurten_2016, layer="buurten", where="wijkcode='WK055604'", read_geometry=False)
    assert len(buurten) == 5
    checked_scores = without_score = 0
    for code, name in zip(buurten["buurtcode"], buurten["buurtnaam"]):
        row = next(line for line in lines if re.match(rf"\s*(\* )?{re.escape(name)}\s+\d", line))
        raw = kwb[code]
        inhabitants = raw_number(raw, "AantalInwoners_5")
        assert f" {inhabitants:,.0f}".replace(",", ".") in row
        wmo = raw_number(raw, "WmoClienten_93")
        if wmo is not None and inhabitants >= 50:
            assert _dutch(wmo / inhabitants * 1000) in row, (name, row)
        if inhabitants >= 50:  # safety: crime per 1,000 from the verbatim 47018NED rows
            assert _dutch(crime[code] / inhabitants * 1000) in row, (name, row)
        else:
            assert f"{crime[code]:.0f} (aantal)" in row
        score = lbm.get(code)
        if score is None or not score["kscore"].strip():
            assert "geen score" in row, (name, row)
            without_score += 1
        else:  # liveability: class with its name and the weakest dimension
            k = int(float(score["kscore"]))
            assert f"{k} {LBM_NAMES[k]}" in row, (name, row)
            weakest = min(LBM_DIMENSIONS, key=lambda d: float(score[d]))
            assert LBM_DIMENSIONS[weakest].split()[0] in row, (name, row)
            checked_scores += 1
    assert checked_scores >= 3 and without_score >= 1  # Nieuwe waterweg has no score
    flat = " ".join(text.split())
    for heading in ("Sociaal Veiligheid Leefbaarheid", "Aandachtsbuurten met redenen", "bronnen, definities en regels",
                    "Wijkbezoek Kapelpolder", "politie_47018NED_2023_totaal_rijnmond.csv (2023)",
                    "geregistreerd waar ze gebeuren"):
        assert heading in flat, heading
    assert "Overzicht Maassluis" not in flat  # a visit is about its wijk: no overview of the gemeente


@needs_poppler
def test_whole_gemeente_briefing_gains_the_domains(shared, buurten_2016, kwb_2024, tmp_path):
    out = maassluis_briefing(buurten_2016, kwb_2024, tmp_path, "--leefbaarometer",
                             shared / "veiligheid" / "leefbaarometer3_buurtscore24_rijnmond.csv")
    flat = " ".join(pdf_text(out / "maassluis_briefing.pdf").split())
    assert "Overzicht Maassluis" in flat
    wijken = wijken_in(buurten_2016, "gemeentecode='GM0556'")
    assert flat.count("Sociaal, veiligheid en leefbaarheid per buurt") == len(wijken)
    assert "Zwakst op" in flat and "Achtergrond per buurt" in flat


def test_domain_cell_shows_a_police_count_but_never_a_registration_count():
    from sociale_kaart.combine.indicators import Indicator
    from sociale_kaart.render.printing import NO_SCORE, domain_cell

    row = {"misdrijven_totaal": 12.0, "misdrijven_totaal_per_1000": float("nan"),
           "misdrijven_totaal_per_1000_status": "onderdrukt", "reg_overlast": 3.0, "reg_overlast_per_1000": float("nan"),
           "reg_overlast_per_1000_status": "onderdrukt", "lbm_klasse": float("nan"), "lbm_klasse_status": "ontbreekt"}
    crime = Indicator("misdrijven_totaal_per_1000", "Misdrijven", "misdrijven_totaal", "inwoners", 1000,
                      "per 1.000 inwoners", domain="veiligheid")
    overlast = Indicator("reg_overlast_per_1000", "Overlast", "reg_overlast", "inwoners", 1000, "per 1.000 inwoners",
                         domain="veiligheid", protected=True)
    lbm = Indicator("lbm_klasse", "Leefbaarometer-klasse", "lbm_klasse", "inwoners", 1, "klasse 1-9",
                    domain="leefbaarheid", kind="score")
    assert domain_cell(row, crime) == "12 (aantal)"
    assert domain_cell(row, overlast) == "onderdrukt"
    assert domain_cell(row, lbm) == NO_SCORE and domain_cell(row, lbm, buurt=False) == "–"


@needs_poppler
def test_briefing_compares_the_gemeente_with_its_size_class_and_the_netherlands(shared, buurten_2016, kwb_2024,
                                                                                tmp_path):
    import csv

    path = shared / "kwb" / "kwb_2024_gemeenten.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))

    def rate(members, numerator):
        have = [r for r in members if raw_number(r, numerator) is not None and raw_number(r, "AantalInwoners_5")]
        value = sum(raw_number(r, numerator) for r in have) / sum(raw_number(r, "AantalInwoners_5") for r in have)
        return _dutch(value * 1000), len(have)

    out = tmp_path / "uit"
    result = run("briefing", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Vlaardingen",
                 "--kwb-gemeenten", str(path), "--uitvoer", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = pdf_text(out / "vlaardingen_briefing.pdf")
    page = text[text.rindex("Vergelijking met grootteklasse en Nederland"):]
    page = page[:page.index("pagina ")]
    size_class = [r for r in rows if 50_000 <= raw_number(r, "AantalInwoners_5") < 100_000]
    own = [r for r in rows if r["gemeentecode"] == "GM0622"]
    line = next(line for line in page.splitlines() if line.lstrip().startswith("Wmo-cliënten (per 1.000")
                and re.search(r"\d,\d", line))  # the table row, not a chart's title
    (gemeente, _), (cls, cls_n), (nl, nl_n) = (rate(g, "WmoClienten_93") for g in (own, size_class, rows))
    assert f"{gemeente} " in line and f"{cls} ({cls_n} van {len(size_class)})" in line
    assert f"{nl} ({nl_n} van {len(rows)})" in line
    line = next(line for line in page.splitlines() if line.lstrip().startswith("Bijstand (per 1.000")
                and re.search(r"\d,\d", line))
    values = [rate(g, "PersonenPerSoortUitkeringBijstand_87")[0] for g in (own, size_class, rows)]
    assert line.split()[-3:] == values
    assert "50.000 tot 100.000" in page and f"berekend over {nl_n} van de {len(rows)} gemeenten" in " ".join(page.split())


@needs_poppler
def test_wijkbezoek_shows_the_change_since_the_nulmeting(maassluis_project, buurten_2016, kwb_2015, kwb_2015_rows,
                                                         kwb_rows, tmp_path):
    from tests.helpers import raw_2015

    maassluis_project(tmp_path, f'[[jaar]]\njaar = 2015\nkwb = "{kwb_2015}"\ngrenzen = "{buurten_2016}"\n')
    result = run("briefing", "--wijk", "Kapelpolder", "--uitvoer", "uit", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = pdf_text(tmp_path / "uit" / "maassluis_wijkbezoek_kapelpolder.pdf")
    part = text[text.index("Verandering sinds de nulmeting"):]
    lines = part.splitlines()
    assert lines[1] == "Per buurt de verandering sinds de nulmeting"  # the table's caption, then its header
    assert "Bijstand (2015 → 2024)" in lines[2]
    buurten = pyogrio.read_dataframe(buurten_2016, layer="buurten", where="wijkcode='WK055604'", read_geometry=False)
    judged = 0
    for code, name in zip(buurten["buurtcode"], buurten["buurtnaam"]):
        line = next(line for line in lines if line.startswith(name))
        old, new = kwb_2015_rows[code], kwb_rows[code]
        people15, people24 = raw_2015(old, "AANT_INW"), raw_number(new, "AantalInwoners_5")
        b15, b24 = raw_2015(old, "WWB_UITTOT"), raw_number(new, "PersonenPerSoortUitkeringBijstand_87")
        if people15 < 200 or b15 is None or b24 is None:  # the documented minimum; CBS left the cell empty
            assert "niet te beoordelen" in line, line
            continue
        assert f"{_dutch(b15 / people15 * 1000)} → {_dutch(b24 / people24 * 1000)}" in line, line
        assert re.search(r"(gedaald|gestegen|gelijk)", line)
        judged += 1
    assert judged >= 3


# --- layout a reader does not notice --------------------------------------------------------------

def body_lines(text: str) -> int:
    """Lines of a page without its running footer."""
    return len([line for line in text.splitlines() if line.strip() and "pagina " not in line])


@needs_poppler
def test_no_short_page_and_no_reason_across_pages(made):
    name, result, briefing = made.name, made.result, made.briefing
    n = pdf_pages(briefing)
    pages = [pdf_text(briefing, "-f", str(i), "-l", str(i)) for i in range(1, n + 1)]
    for number, text in enumerate(pages[:-1], 1):
        assert body_lines(text) >= 6, (name, number, text)
    flagged = result.analysis.flagged
    for _, row in flagged.iterrows():  # each reason whole on one page
        reason = " ".join(str(row["reden"]).split())
        starts = [i for i, text in enumerate(pages) if f"({row['buurtcode']}, stapeling" in text]
        assert starts, row["buurtcode"]
        for i in starts:  # wherever it starts (wijk page, list of all), its whole reason is on that page
            assert reason in " ".join(pages[i].split()), (name, i + 1, reason)
