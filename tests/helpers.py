"""Helpers that several test modules share: the raw files read independently of the package.

Test modules import these from here (``from tests.helpers import ...``), never from each other.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sociale_kaart.errors import InputError
from sociale_kaart.settings import Target


def assert_refused(read, folder: Path, cases) -> None:
    """Each ``(file name, text, pattern)``: `read` of that file, written in `folder`, is an InputError matching `pattern`."""
    for name, text, pattern in cases:
        path = folder / name
        path.write_text(text)
        with pytest.raises(InputError, match=pattern):
            read(path)


def raw_number(row: dict[str, str], column: str) -> float | None:
    text = row[column].strip()
    return None if text in ("", ".") else float(text)


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


# --- StatLine export (the KWB as CBS StatLine exports it) ---------------------------------------

#: StatLine's labels of the same columns: theme (the group row) and label path with unit.
STATLINE = {
    "Gemeentenaam_1": ("Regioaanduiding", "Gemeentenaam (naam)"),
    "SoortRegio_2": ("Regioaanduiding", "Soort regio (omschrijving)"),
    "Codering_3": ("Regioaanduiding", "Codering (code)"),
    "AantalInwoners_5": ("Bevolking", "Aantal inwoners (aantal)"),
    "Mannen_6": ("Bevolking", "Geslacht/Mannen (aantal)"),
    "k_0Tot15Jaar_8": ("Bevolking", "Leeftijdsgroepen/0 tot 15 jaar (aantal)"),
    "k_15Tot25Jaar_9": ("Bevolking", "Leeftijdsgroepen/15 tot 25 jaar (aantal)"),
    "k_25Tot45Jaar_10": ("Bevolking", "Leeftijdsgroepen/25 tot 45 jaar (aantal)"),
    "k_45Tot65Jaar_11": ("Bevolking", "Leeftijdsgroepen/45 tot 65 jaar (aantal)"),
    "k_65JaarOfOuder_12": ("Bevolking", "Leeftijdsgroepen/65 jaar of ouder (aantal)"),
    "Nederland_17": ("Bevolking", "Herkomstland/Nederland (aantal)"),
    "Nederland_20": ("Bevolking", "Geboren in Nederland met herkomstland/Nederland (aantal)"),
    "HuishoudensTotaal_29": ("Bevolking", "Particuliere huishoudens/Huishoudens totaal (aantal)"),
    "Eenpersoonshuishoudens_30": ("Bevolking", "Particuliere huishoudens/Eenpersoonshuishoudens (aantal)"),
    "GemiddeldeHuishoudensgrootte_33": ("Bevolking", "Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)"),
    "Woningvoorraad_35": ("Wonen", "Woningvoorraad (aantal)"),
    "GemiddeldeWOZWaardeVanWoningen_39": ("Wonen", "Gemiddelde WOZ-waarde van woningen (x 1 000 euro)"),
    "Koopwoningen_47": ("Wonen", "Eigendom/Koopwoningen (%)"),
    "HuurwoningenTotaal_48": ("Wonen", "Eigendom/Huurwoningen totaal (%)"),
    "InBezitWoningcorporatie_49": ("Wonen", "Eigendom/In bezit woningcorporatie (%)"),
    "GemiddeldInkomenPerInwoner_78": ("Inkomen", "Inkomen van personen/Gemiddeld inkomen per inwoner (x 1 000 euro)"),
    "k_40HuishoudensMetLaagsteInkomen_84": ("Inkomen", "Inkomen van huishoudens/40% huishoudens met laagste inkomen (%)"),
    "PersonenPerSoortUitkeringBijstand_87": ("Sociale zekerheid", "Personen per soort uitkering/Bijstand (aantal)"),
    "PersonenPerSoortUitkeringAO_88": ("Sociale zekerheid", "Personen per soort uitkering/Arbeidsongeschiktheid (aantal)"),
    "JongerenMetJeugdzorgInNatura_91": ("Zorg", "Jongeren met jeugdzorg in natura (aantal)"),
    "PercentageJongerenMetJeugdzorg_92": ("Zorg", "Percentage jongeren met jeugdzorg (%)"),
    "WmoClienten_93": ("Zorg", "Wmo-cliënten (aantal)"),
    "WmoClientenRelatief_94": ("Zorg", "Wmo-cliënten relatief (per 1 000 inwoners)"),
    "MateVanStedelijkheid_120": ("Stedelijkheid", "Mate van stedelijkheid (code)"),
}


def dutch(text: str) -> str:
    """A raw OData number as a Dutch StatLine export writes it: 1.094,5; missing is '.'."""
    text = text.strip()
    if text in ("", "."):
        return "."
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = digits.partition(".")
    return sign + f"{int(whole):,}".replace(",", ".") + (f",{fraction}" if fraction else "")


def statline_export(kwb_2024, path):
    """The Rijnmond rows as a StatLine CSV export: title, theme row, label row, decimal commas, ';', quotes."""
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    columns = list(STATLINE)
    groups, labels, previous = ["Wijken en buurten"], ["Wijken en buurten"], None
    for column in columns:
        theme, label = STATLINE[column]
        groups.append(theme if theme != previous else "")  # merged cells: the theme once
        labels.append(label)
        previous = theme
    body = []
    for i, row in enumerate(rows):
        cells = [f"Buurt {i + 1}"]
        for column in columns:
            cells.append(row[column].strip() if column in ("Gemeentenaam_1", "SoortRegio_2", "Codering_3")
                         else dutch(row[column]))
        body.append(cells)
    with open(path, "w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writerow(["Kerncijfers wijken en buurten 2024"])
        writer.writerow(groups)
        writer.writerow(labels)
        writer.writerows(body)
        writer.writerow(["Bron: CBS"])
    return path


# --- targets of Maassluis against the nulmeting -----------------------------------------------

NAMED = ("Componistenbuurt", "Burgemeesterswijk", "Sluispolder Oost", "Sluispolder West")
HALF = 2.5


def structuurvisie(target_year=2024):
    targets = [Target(area=name, level="buurt", indicator="bijstand_per_1000", baseline_year=2015,
                      target_year=target_year, direction="daling") for name in NAMED]  # buurten, by name
    targets.append(Target(area="Maassluis", indicator="bijstand_per_1000", baseline_year=2015,
                          target_year=target_year, direction="gelijk"))
    return targets


def spread(k):
    """How many half-steps a sum of k independently rounded counts may be off: two standard deviations
    of k uniform errors (each sd = half / sqrt(3)), never more than all k at their worst."""
    return min(k, 2 * (k / 3) ** 0.5)


def interval(n_and_i):
    """The bijstand rate range the rounding allows, per 1.000: inhabitants rounded to 5, bijstand counts
    to the step they are published in (``half``); a sum of k buurten by :func:`spread`."""
    n, i, k, half = n_and_i
    return max(n - half * spread(k), 0) / (i + HALF * spread(k)) * 1000, (n + half * spread(k)) / (i - HALF * spread(k)) * 1000


def raw_counts(kwb_2015_rows, kwb_rows, codes):
    """(bijstand, inwoners, number of buurten) for 2015 and 2024, over buurten where both are known."""
    out = []
    for get in ((lambda c: (raw_2015(kwb_2015_rows[c], "WWB_UITTOT"), raw_2015(kwb_2015_rows[c], "AANT_INW"))),
                (lambda c: (raw_number(kwb_rows[c], "PersonenPerSoortUitkeringBijstand_87"),
                            raw_number(kwb_rows[c], "AantalInwoners_5")))):
        pairs = [get(c) for c in codes if get(c)[0] is not None]
        gemeente = [get(c)[0] for c in kwb_2015_rows if kwb_2015_rows[c]["GM_CODE"] == "GM0556"]
        out.append((sum(p[0] for p in pairs), sum(p[1] for p in pairs), len(pairs), published_half_step(gemeente)))
    return out


def expected_status(base, last, direction):
    (lo_a, hi_a), (lo_b, hi_b) = interval(base), interval(last)
    a, b = base[0] / base[1], last[0] / last[1]
    level = lo_b <= hi_a and lo_a <= hi_b
    change = "gelijk" if level else ("daling" if b < a else "stijging")
    return "gehaald" if change == direction else "niet gehaald"



needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                   reason="poppler-utils not installed")
DATE = "1 januari 2026"


def pdf_text(path, *args) -> str:
    return subprocess.run(["pdftotext", "-layout", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdf_plain(path, *args) -> str:
    """The text in reading order (a table cell by cell), as a screen reader gets it."""
    return subprocess.run(["pdftotext", "-raw", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def check_accessible(path: Path, *, figures: int) -> None:
    """Tagged PDF/UA-1 with language, title and an alternative text for every figure."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root, path.name
        assert bool(root.MarkInfo.Marked), path.name
        assert str(root.Lang) == "nl", path.name
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1", path.name
            title = meta.get("dc:title")
        assert title and str(pdf.docinfo.get("/Title", title)), path.name
        found = []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    found.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                if kids is not None:
                    walk(kids)
            elif isinstance(node, pikepdf.Array):
                for item in node:
                    walk(item)
        walk(root.StructTreeRoot)
    assert len(found) >= figures, (path.name, len(found))
    assert all(len(alt) > 20 for alt in found), (path.name, found)


#: The checkout under test.
REPO = Path(__file__).resolve().parent.parent


def run(*args, cwd):
    """The ``sociale-kaart`` command of this checkout in a fresh process, quiet, in `cwd`."""
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "sociale_kaart.cli", *args, "--stil"], capture_output=True, text=True,
                          cwd=cwd, env=env)


def print_all(ctx, wijken, folder) -> int:
    """Every profile into folder/profielen and the briefing into folder/briefing.pdf; returns its pages."""
    from sociale_kaart.render.document.typeset import typeset
    from sociale_kaart.render.printing import briefing_document, profile_documents

    (folder / "profielen").mkdir(exist_ok=True)
    for name, _, document in profile_documents(ctx, wijken):
        (folder / "profielen" / name).write_bytes(typeset(document).data)
    pdf = typeset(briefing_document(ctx, wijken))
    (folder / "briefing.pdf").write_bytes(pdf.data)
    return pdf.pages


def maassluis_need_by_hand(kwb_rows):
    """Need rates per Maassluis buurt and for the gemeente, straight from the raw CSV."""
    rates, sums = {}, {"wmo": [0, 0], "bijstand": [0, 0], "jeugd": [0, 0]}
    for code, row in kwb_rows.items():
        if not code.startswith("BU0556"):
            continue
        inw = raw_number(row, "AantalInwoners_5")
        young = (raw_number(row, "k_0Tot15Jaar_8") or 0) + (raw_number(row, "k_15Tot25Jaar_9") or 0)
        values = {"wmo": (raw_number(row, "WmoClienten_93"), inw, 1000),
                  "bijstand": (raw_number(row, "PersonenPerSoortUitkeringBijstand_87"), inw, 1000),
                  "jeugd": (raw_number(row, "JongerenMetJeugdzorgInNatura_91"), young, 100)}
        rates[code] = {"inwoners": inw}
        for name, (num, den, scale) in values.items():
            if num is not None and den:
                sums[name][0] += num
                sums[name][1] += den
                ok = den >= 50  # CBS counts are published protected: only the denominator rule applies
                rates[code][name] = num / den * scale if ok else None
            else:
                rates[code][name] = None
    scale = {"wmo": 1000, "bijstand": 1000, "jeugd": 100}
    gemeente = {name: s[0] / s[1] * scale[name] for name, s in sums.items()}
    return rates, gemeente


def maassluis_expected_flags(kwb_rows) -> set[str]:
    """The Maassluis aandachtsbuurten by the documented rule, from the raw KWB rows."""
    rates, gemeente = maassluis_need_by_hand(kwb_rows)
    expected = set()
    for code, r in rates.items():
        high = sum(1 for name in ("wmo", "bijstand", "jeugd") if r[name] is not None and r[name] > 1.25 * gemeente[name])
        # the documented single-extreme rule: one need indicator at least twice the gemeente
        extreme = any(r[name] is not None and r[name] >= 2 * gemeente[name] for name in ("wmo", "bijstand", "jeugd"))
        if r["inwoners"] >= 200 and (high >= 2 or extreme):
            expected.add(code)
    return expected


def briefing_sources(name, request):
    from sociale_kaart.settings import NeedSettings, Sources
    from sociale_kaart.sources.sample import sample_path

    if name == "demo":  # as `sociale-kaart demo` makes it
        return Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb"),
                       registraties=(sample_path("registraties"), sample_path("meldingen")),
                       bron="Fictieve voorbeelddata: Voorbeeldstad bestaat niet"), NeedSettings(hotspots=True)
    grenzen, kwb = request.getfixturevalue("buurten_2016"), request.getfixturevalue("kwb_2024")
    gemeenten = {"maassluis": ("Maassluis",), "vlaardingen_schiedam": ("Vlaardingen", "Schiedam")}[name]
    return Sources(grenzen=grenzen, kwb=kwb, gemeenten=gemeenten), NeedSettings()
