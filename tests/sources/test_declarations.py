"""Every figure knows what it is: a crime table of another shape, own indicators on registrations, credits."""

from __future__ import annotations

import csv

import pytest

from sociale_kaart.combine.dataset import build
from sociale_kaart.errors import InputError
from sociale_kaart.settings import Sources


@pytest.fixture(scope="session")
def crime_2023(shared) -> dict[str, float]:
    """All registered crime 2023 per buurt, from the verbatim 47018NED rows."""
    with open(shared / "veiligheid" / "politie_47018NED_2023_totaal_rijnmond.csv", encoding="utf-8") as handle:
        return {r["WijkenEnBuurten"].strip(): float(r["GeregistreerdeMisdrijven_1"]) for r in csv.DictReader(handle)
                if r["SoortMisdrijf"] == "0.0.0 " and r["Perioden"] == "2023JJ00"
                and r["WijkenEnBuurten"].startswith("BU")}


@pytest.fixture(scope="session")
def inhabitants(kwb_rows) -> dict[str, float]:
    out = {}
    for code, row in kwb_rows.items():
        text = row["AantalInwoners_5"].strip()
        if code.startswith("BU") and text not in ("", "."):
            out[code] = float(text)
    return out


def third_party_table(path, crime, inhabitants, *, count=True, rate=True, year="2023"):
    """The shape third parties publish: buurtcode, jaar, a count and a column already per 1.000 inhabitants."""
    header = ["buurtcode", "gemeente", *(["jaar"] if year else []), *(["misdrijven"] if count else []),
              *(["misdrijven_per1000"] if rate else [])]
    lines = [";".join(header)]
    for code, n in crime.items():
        if not code.startswith("BU0556") or code not in inhabitants:
            continue
        per1000 = f"{n / inhabitants[code] * 1000:.1f}"
        lines.append(";".join([code, "Maassluis", *([year] if year else []), *([f"{n:g}"] if count else []),
                               *([per1000] if rate else [])]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def crime_indicators(data):
    return [i for i in data.indicators if i.domain == "veiligheid"]


def test_count_and_per_1000_columns_make_one_indicator_computed_once(tmp_path, buurten_2016, kwb_2024, crime_2023,
                                                                     inhabitants):
    table = third_party_table(tmp_path / "misdrijven_rijnmond.csv", crime_2023, inhabitants)
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=table))
    (crime,) = crime_indicators(data)
    assert crime.key == "misdrijven_totaal_per_1000" and crime.numerator == "misdrijven_totaal"
    assert "misdrijven_per1000" not in data.buurten and not any("per1000" in c for c in data.buurten.columns)
    rows = data.buurten.set_index("buurtcode")
    checked = 0
    for code, row in rows.iterrows():
        if code in crime_2023 and inhabitants.get(code, 0) >= 50:
            assert row[crime.key] == pytest.approx(crime_2023[code] / inhabitants[code] * 1000, abs=1e-9), code
            checked += 1
    assert checked >= 15
    assert "2023" in crime.description
    assert "Politie, geregistreerde misdrijven 2023" in data.credits([crime.key])


def test_only_the_published_rate_is_kept_as_published(tmp_path, buurten_2016, kwb_2024, crime_2023, inhabitants):
    table = third_party_table(tmp_path / "misdrijven_rijnmond.csv", crime_2023, inhabitants, count=False)
    published = {r["buurtcode"]: float(r["misdrijven_per1000"])
                 for r in csv.DictReader(open(table, encoding="utf-8"), delimiter=";")}
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=table))
    (crime,) = crime_indicators(data)
    assert crime.key == "misdrijven_totaal_per_1000" and crime.unit == "per 1.000 inwoners"
    rows = data.buurten.set_index("buurtcode")
    for code, value in published.items():
        if inhabitants[code] >= 50:
            assert rows.at[code, crime.key] == value, "never divided again"
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0556"]
    both = [c for c in published if inhabitants[c] >= 0]
    expected = sum(published[c] * inhabitants[c] for c in both) / sum(inhabitants[c] for c in both)
    assert gemeente[crime.key] == pytest.approx(expected, rel=1e-9)


def test_a_table_without_its_year_is_refused(tmp_path, buurten_2016, kwb_2024, crime_2023, inhabitants):
    table = third_party_table(tmp_path / "misdrijven_rijnmond.csv", crime_2023, inhabitants, year=None)
    with pytest.raises(InputError, match=r"misdrijven_rijnmond.csv: geen jaar gevonden; verwacht een kolom jaar"):
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=table))


def test_a_table_with_two_years_is_refused(tmp_path, buurten_2016, kwb_2024):
    table = tmp_path / "misdrijven.csv"
    table.write_text("buurtcode;jaar;misdrijven\nBU05560101;2022;10\nBU05560101;2023;12\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"misdrijven.csv: het bestand heeft meer jaren \(2022, 2023\)"):
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=table))


def test_a_table_without_crime_columns_is_refused(tmp_path, buurten_2016, kwb_2024):
    table = tmp_path / "politie_2023.csv"
    table.write_text("buurtcode;aantal\nBU05560101;10\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"politie_2023.csv: geen tabel 47018NED .* misdrijven_per1000"):
        build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=table))


def kwb_variant(kwb_2024, path, change):
    """The real KWB rows, each passed through `change(row) -> list of rows`."""
    with open(kwb_2024, encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerows(change(rows[0], row))
    return path


def set_column(prefix, value, code=None):
    def change(header, row):
        row = list(row)
        if code is None or row[header.index("Codering_3")].strip() == code:
            row[next(i for i, c in enumerate(header) if c.startswith(prefix))] = value
        return [row]
    return change


def maassluis(kwb_rows):
    return {c: r for c, r in kwb_rows.items() if c.startswith("BU0556")}


def test_a_count_above_its_universe_is_refused_with_file_column_and_buurtcode(tmp_path, buurten_2016, kwb_2024):
    kwb = kwb_variant(kwb_2024, tmp_path / "kwb_2024.csv", set_column("WmoClienten_", "1000000000", "BU05560101"))
    with pytest.raises(InputError, match=r"^kwb_2024.csv: kolom 'WmoClienten_93' heeft 1000000000 Wmo-cliënten in rij "
                                         r"\d+ \(BU05560101\), meer dan de 2915 inwoners"):
        build(Sources(grenzen=buurten_2016, kwb=kwb, gemeenten=("GM0556",)))


def test_a_repeated_buurt_row_counts_once_in_every_aggregate(tmp_path, buurten_2016, kwb_2024, kwb_rows):
    kwb = kwb_variant(kwb_2024, tmp_path / "kwb_2024.csv",
                      lambda header, row: [row, row] if row[2].strip() == "BU05560101" else [row])
    rows = maassluis(kwb_rows)
    inhabitants = sum(float(r["AantalInwoners_5"]) for r in rows.values())
    known = [r for r in rows.values() if r["WmoClienten_93"].strip() not in ("", ".")]  # a rate over buurten with both
    wmo, with_wmo = sum(float(r["WmoClienten_93"]) for r in known), sum(float(r["AantalInwoners_5"]) for r in known)
    data = build(Sources(grenzen=buurten_2016, kwb=kwb, gemeenten=("GM0556",)))
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0556"]
    assert inhabitants == 35825 and gemeente["inwoners"] == inhabitants
    assert gemeente["wmo_per_1000"] == pytest.approx(wmo / with_wmo * 1000) and round(gemeente["wmo_per_1000"], 1) == 76.4
    wijk = data.wijken.set_index("wijkcode").loc["WK055601"]
    assert wijk["inwoners"] == sum(float(r["AantalInwoners_5"]) for c, r in rows.items() if c.startswith("BU055601"))
    assert any("BU05560101 staat meer dan eens" in w and "één keer geteld" in w for w in data.warnings)
    assert "BU05560101 staat meer dan eens" in data.report_text()


def test_a_buurt_with_differing_rows_counts_in_no_aggregate(tmp_path, buurten_2016, kwb_2024, kwb_rows):
    def twice(header, row):
        if row[2].strip() != "BU05560101":
            return [row]
        other = list(row)
        other[header.index("AantalInwoners_5")] = "3000"
        return [row, other]
    kwb = kwb_variant(kwb_2024, tmp_path / "kwb_2024.csv", twice)
    rows = maassluis(kwb_rows)
    data = build(Sources(grenzen=buurten_2016, kwb=kwb, gemeenten=("GM0556",)))
    gemeente = data.gemeenten.set_index("gemeentecode").loc["GM0556"]
    assert gemeente["inwoners"] == sum(float(r["AantalInwoners_5"]) for c, r in rows.items() if c != "BU05560101")
    assert any("BU05560101 staat meer dan eens in het bestand met verschillende cijfers" in w for w in data.warnings)


@pytest.mark.parametrize("value, said", [("0", "in elke buurt 0"), ("", "geen enkele buurt van deze gemeente(n) heeft een waarde")])
def test_wmo_zero_or_empty_everywhere_warns_on_every_product_and_the_rest_maps(value, said, tmp_path, buurten_2016,
                                                                              kwb_2024):
    from sociale_kaart.products import make
    from sociale_kaart.settings import MapSettings, RunSettings

    kwb = kwb_variant(kwb_2024, tmp_path / "kwb_2024.csv", set_column("WmoClienten_", value))
    out = tmp_path / "uit"
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb, gemeenten=("GM0556",)), output=out,
                           quiet=True, map=MapSettings(indicators=("pct_huur",), formats=("pdf",)))
    result = make(settings, products=("kaart", "statisch", "tabellen"))
    assert any(said in w and "Wmo-cliënten" in w for w in result.data.warnings)
    assert said in (out / "maassluis_koppelrapport.txt").read_text(encoding="utf-8")
    assert said in (out / "maassluis_kaart.html").read_text(encoding="utf-8")
    assert (out / "maassluis_pct_huur.pdf").exists()


def test_the_misdrijven_maps_credit_the_police_with_its_year(tmp_path, shared, buurten_2016, kwb_2024):
    import shutil
    import subprocess

    from sociale_kaart.products import make
    from sociale_kaart.settings import MapSettings, RunSettings

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    crime = shared / "veiligheid" / "politie_47018NED_2023_totaal_rijnmond.csv"
    with open(crime, encoding="utf-8") as handle:
        year = {r["Perioden"][:4] for r in csv.DictReader(handle)}
    assert year == {"2023"}
    out = tmp_path / "uit"
    settings = RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), misdrijven=crime),
                           output=out, quiet=True,
                           map=MapSettings(indicators=("misdrijven_totaal_per_1000", "wmo_per_1000"), formats=("pdf",)))
    make(settings, products=("kaart", "statisch"))
    text = subprocess.run(["pdftotext", str(out / "maassluis_misdrijven_totaal_per_1000.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Politie, geregistreerde misdrijven 2023 (CC BY 4.0)" in flat
    assert "kerncijfers 2024 (CC BY 4.0)" in flat and "wijk- en buurtkaart 2016 (CC BY 3.0)" in flat
    assert "Cijfers 2024" not in flat, "the police figures are of 2023"
    wmo = " ".join(subprocess.run(["pdftotext", str(out / "maassluis_wmo_per_1000.pdf"), "-"],
                                  capture_output=True, text=True, check=True).stdout.split())
    assert "Politie" not in wmo, "a map credits the sources of its own figures"
    page = (out / "maassluis_kaart.html").read_text(encoding="utf-8")
    assert "Politie, geregistreerde misdrijven 2023 (CC BY 4.0)" in page


def test_a_rate_per_10000_is_named_so_in_the_tables(tmp_path, buurten_2016, kwb_2024, kwb_rows):
    from sociale_kaart.products import make
    from sociale_kaart.settings import RunSettings

    out = tmp_path / "uit"
    make(RunSettings(sources=Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",)), output=out,
                     quiet=True, units={"bijstand_per_1000": 10000}), products=("tabellen",))
    with open(out / "maassluis_buurten.csv", encoding="utf-8-sig") as handle:
        rows = {r["buurtcode"]: r for r in csv.DictReader(handle, delimiter=";")}
    row = rows["BU05560101"]
    assert "bijstand_per_1000" not in row and "bijstand_per_1000_status" not in row
    raw = kwb_rows["BU05560101"]
    expected = float(raw["PersonenPerSoortUitkeringBijstand_87"]) / float(raw["AantalInwoners_5"]) * 10000
    assert row["bijstand_per_10000"] == f"{expected:.1f}".replace(".", ",")
    assert row["wmo_per_1000"]  # per 1.000 as its name says


# --- a source published per wijk only: one module with its declaration and reader ----------------

from sociale_kaart.sources.declarations import CBS, COUNT, HIGHER_WORSE, WIJK, Figure, SourceDeclaration  # noqa: E402

WMO_PER_WIJK = SourceDeclaration(
    "wmo_wijk", "CBS, Wmo-cliënten per wijk", publisher=CBS, licence="CC BY 4.0", levels=(WIJK,),
    keys="wijkcode (WK + 6 cijfers) in Codering_3", year="Perioden (jaarcijfer)",
    figures=(Figure("wmo_wijk", "Wmo-cliënten (per wijk)", kind=COUNT, unit="aantal", direction=HIGHER_WORSE,
                    lineage=CBS, universe="inwoners", denominator="inwoners", scale=1000),))


def read_wmo_per_wijk(path):
    """The yearly total of a CBS Wmo-per-wijk table: wijkcode and WmoClienten_5 (test reader)."""
    import pandas as pd

    from sociale_kaart.sources.safety import SafetyTable

    with open(path, encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Codering_3"].startswith("WK")
                and r["TypeMaatwerkvoorziening"].strip() == "Totaal" and r["Perioden"].strip().isdigit()]
    table = pd.DataFrame({"wijkcode": [r["Codering_3"].strip() for r in rows],
                          "wmo_wijk": [float(r["WmoClienten_5"]) if r["WmoClienten_5"].strip() else None
                                       for r in rows]})
    return SafetyTable(table, {}, int(rows[0]["Perioden"]), path.name, WMO_PER_WIJK.figures, WMO_PER_WIJK)


def test_a_source_per_wijk_only_joins_the_wijken(monkeypatch, shared, buurten_2016, kwb_2024, kwb_rows):
    from sociale_kaart.sources import declarations

    monkeypatch.setitem(declarations.EXTRA_SOURCES, "wmo_wijk",
                        "tests.sources.test_declarations:WMO_PER_WIJK:read_wmo_per_wijk")
    path = shared / "sociaal_domein" / "cbs_wmo_wijken" / "85639NED_subset.csv"
    with open(path, encoding="utf-8-sig") as handle:
        raw = {r["Codering_3"].strip(): float(r["WmoClienten_5"]) if r["WmoClienten_5"].strip() else None
               for r in csv.DictReader(handle, delimiter=";")
               if r["Codering_3"].startswith("WK0556") and r["Perioden"].strip() == "2023"
               and r["TypeMaatwerkvoorziening"].strip() == "Totaal"}
    data = build(Sources(grenzen=buurten_2016, kwb=kwb_2024, gemeenten=("GM0556",), extra=(("wmo_wijk", path),)))
    (wijk_ind,) = data.wijk_indicators
    assert wijk_ind.key == "wmo_wijk_per_1000" and wijk_ind.key not in data.buurten
    assert wijk_ind not in data.indicators
    wijken = data.wijken.set_index("wijkcode")
    assert len(raw) == 8
    for code, count in raw.items():
        if count is None:  # kept secret by CBS: no figure, never a zero
            assert wijken.at[code, f"{wijk_ind.key}_status"] == "ontbreekt", code
            continue
        inhabitants = sum(float(r["AantalInwoners_5"]) for c, r in kwb_rows.items()
                          if c.startswith("BU" + code[2:]) and r["AantalInwoners_5"].strip() not in ("", "."))
        assert wijken.at[code, wijk_ind.key] == pytest.approx(count / inhabitants * 1000), code
    assert "CBS, Wmo-cliënten per wijk 2023 (CC BY 4.0)" in data.credits()
    assert any("geeft cijfers per wijk, niet per buurt: 8 van 8 wijken" in w for w in data.warnings)


def test_monthly_crime_rows_are_never_summed_into_a_year(tmp_path):
    from sociale_kaart.sources.safety import read_crime

    head = '"SoortMisdrijf","WijkenEnBuurten","Perioden","GeregistreerdeMisdrijven_1"\n'
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(head + '"0.0.0 ","BU05560101","2023MM01",10\n"0.0.0 ","BU05560101","2023JJ00",107\n')
    assert read_crime(mixed).table["misdrijven_totaal"].tolist() == [107.0]
    months = tmp_path / "maanden.csv"
    months.write_text(head + '"0.0.0 ","BU05560101","2023MM01",10\n"0.0.0 ","BU05560101","2023MM02",12\n')
    with pytest.raises(InputError, match=r"maanden.csv: de tabel heeft maand- of kwartaalcijfers \(2023MM01\)"):
        read_crime(months)


def test_a_declared_source_is_a_project_key_without_touching_the_project_reader(monkeypatch, tmp_path, shared,
                                                                                 buurten_2016, kwb_2024):
    from sociale_kaart.project import read_project, run_settings
    from sociale_kaart.sources import declarations

    monkeypatch.setitem(declarations.EXTRA_SOURCES, "wmo_wijk",
                        "tests.sources.test_declarations:WMO_PER_WIJK:read_wmo_per_wijk")
    table = shared / "sociaal_domein" / "cbs_wmo_wijken" / "85639NED_subset.csv"
    project = tmp_path / "sociale-kaart.toml"
    project.write_text(f'[bronnen]\ngrenzen = "{buurten_2016}"\nkwb = "{kwb_2024}"\nwmo_wijk = "{table}"\n'
                       '[gebied]\ngemeenten = ["Maassluis"]\n', encoding="utf-8")
    settings = run_settings(read_project(project))
    assert settings.sources.extra == (("wmo_wijk", table),)
    data = build(settings.sources)
    assert [i.key for i in data.wijk_indicators] == ["wmo_wijk_per_1000"]
    project.write_text(f'[bronnen]\ngrenzen = "{buurten_2016}"\nkwb = "{kwb_2024}"\nwmo_wijkk = "{table}"\n',
                       encoding="utf-8")
    with pytest.raises(InputError, match="onbekende sleutel 'wmo_wijkk' in \\[bronnen\\]"):
        read_project(project)
