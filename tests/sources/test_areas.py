"""One resolver of area names: every form a person types, on the real CBS map of 2016 and through the CLI."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pyogrio
import pytest

from tests.helpers import run
from sociale_kaart.errors import InputError
from sociale_kaart.sources.areas import name_key, resolve_area, resolve_areas
from sociale_kaart.sources.boundaries import resolve_gemeenten


@pytest.fixture(scope="module")
def raw_wijken(buurten_2016) -> pd.DataFrame:
    """The wijken layer as the file holds it (codes and names stripped, nothing else done)."""
    raw = pyogrio.read_dataframe(buurten_2016, layer="wijken", read_geometry=False,
                                 columns=["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam"])
    return raw.apply(lambda col: col.str.strip())


@pytest.fixture(scope="module")
def raw_gemeenten(raw_wijken) -> dict[str, str]:
    return dict(zip(raw_wijken["gemeentecode"], raw_wijken["gemeentenaam"]))


def gemeente(raw_wijken, text: str) -> str:
    return resolve_area(raw_wijken, text, source="test", levels=["gemeente"]).code


def gemeenten(raw_wijken, texts) -> list[str]:
    return [area.code for area in resolve_areas(raw_wijken, texts, source="test", levels=["gemeente"])]


def test_a_gemeente_by_every_code_form(raw_wijken, raw_gemeenten):
    assert raw_gemeenten["GM0556"] == "Maassluis"
    for text in ("GM0556", "gm0556", " GM0556 ", "0556", "556"):
        assert gemeente(raw_wijken, text) == "GM0556", text


def test_a_gemeente_by_exact_name_other_case_and_without_accents(raw_wijken, raw_gemeenten):
    assert gemeenten(raw_wijken, raw_gemeenten.values()) == list(raw_gemeenten)
    assert gemeenten(raw_wijken, [n.upper() for n in raw_gemeenten.values()]) == list(raw_gemeenten)
    accented = {c: n for c, n in raw_gemeenten.items() if n.encode("ascii", "ignore").decode() != n}
    assert accented == {"GM1900": "Súdwest-Fryslân"}  # the only one in 2016
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", accented["GM1900"]) if not unicodedata.combining(ch))
    assert plain == "Sudwest-Fryslan" and gemeente(raw_wijken, plain.lower()) == "GM1900"


def test_hyphen_space_apostrophe_brackets_and_common_names(raw_wijken, raw_gemeenten):
    hyphenated = {c: n for c, n in raw_gemeenten.items() if "-" in n}
    assert len(hyphenated) > 20
    assert gemeenten(raw_wijken, [n.replace("-", " ") for n in hyphenated.values()]) == list(hyphenated)
    by_name = {n: c for c, n in raw_gemeenten.items()}
    assert gemeente(raw_wijken, "s-Gravenhage") == gemeente(raw_wijken, "den haag") == by_name["'s-Gravenhage"]
    assert gemeente(raw_wijken, "S Hertogenbosch") == gemeente(raw_wijken, "Den Bosch") == by_name["'s-Hertogenbosch"]
    assert gemeente(raw_wijken, "bergen nh") == by_name["Bergen (NH.)"]
    assert gemeente(raw_wijken, "Bergen L") == by_name["Bergen (L.)"]


def test_a_wijk_by_code_and_by_name_without_the_cbs_number(raw_wijken):
    numbered = raw_wijken[raw_wijken["wijknaam"].str.match(r"Wijk \d+ \S", na=False)]
    row = numbered[numbered["gemeentecode"] == "GM0556"].iloc[0]
    bare = re.sub(r"^Wijk \d+ ", "", row["wijknaam"])
    maassluis = raw_wijken[raw_wijken["gemeentecode"] == "GM0556"]
    for text in (row["wijkcode"], row["wijkcode"].lower(), row["wijkcode"][2:], row["wijknaam"], bare, bare.upper()):
        assert resolve_area(maassluis, text, source="--wijk", levels=["wijk"]).code == row["wijkcode"], text


def test_a_name_of_several_wijken_names_them_all_with_their_gemeente(raw_wijken, raw_gemeenten):
    centrum = raw_wijken[raw_wijken["wijknaam"] == "Centrum"]
    assert len(centrum) > 1
    with pytest.raises(InputError) as caught:
        resolve_areas(raw_wijken, ["centrum"], source="--wijk", levels=["wijk"])
    message = str(caught.value)
    assert message.startswith("--wijk: wijk 'centrum' is niet eenduidig: ") and message.endswith("geef de code")
    for code, gm in zip(centrum["wijkcode"], centrum["gemeentecode"]):
        assert f"Centrum ({code}, {raw_gemeenten[gm]})" in message
    # the numbered "Wijk 01 Centrum" of other gemeenten are candidates too: no exact match wins silently
    numbered = raw_wijken[raw_wijken["wijknaam"].str.fullmatch(r"Wijk \d+ Centrum")]
    assert len(numbered) and all(f"({code}, " in message for code in numbered["wijkcode"])


def test_a_name_of_a_buurt_and_a_wijk_asks_for_the_level(buurten_2016, raw_wijken):
    buurten = pyogrio.read_dataframe(buurten_2016, layer="buurten", read_geometry=False,
                                     columns=["buurtcode", "buurtnaam", "wijkcode", "gemeentecode"])
    buurten = buurten.apply(lambda col: col.str.strip()).merge(raw_wijken[["wijkcode", "wijknaam"]], on="wijkcode")
    same = buurten[(buurten["buurtnaam"] == buurten["wijknaam"]) & (buurten["gemeentecode"] == "GM0556")]
    if same.empty:  # then any gemeente where a buurt has the name of its wijk
        same = buurten[buurten["buurtnaam"] == buurten["wijknaam"]]
    row = same.iloc[0]
    areas = buurten[buurten["gemeentecode"] == row["gemeentecode"]]
    with pytest.raises(InputError, match="of het niveau") as caught:
        resolve_area(areas, row["buurtnaam"], source="doel")
    assert f"buurt {row['buurtnaam']} ({row['buurtcode']}" in str(caught.value)
    assert f"wijk {row['wijknaam']} ({row['wijkcode']}" in str(caught.value)
    assert resolve_area(areas, row["buurtnaam"], source="doel", levels=["wijk"]).code == row["wijkcode"]
    assert resolve_area(areas, row["buurtnaam"], source="doel", levels=["buurt"]).code == row["buurtcode"]


def test_unknown_names_and_codes_are_answered_with_candidates(raw_wijken):
    with pytest.raises(InputError, match=r"^test: gemeente 'Maasluis' komt niet voor; bedoelt u .*Maassluis \(GM0556\)"):
        gemeente(raw_wijken, "Maasluis")
    with pytest.raises(InputError, match=r"gemeente 'GM0557' komt niet voor; bedoelt u .*GM0556"):
        gemeente(raw_wijken, "GM0557")  # no such gemeente in 2016: never the nearest one
    with pytest.raises(InputError, match=r"gemeente 'Atlantis' komt niet voor$"):
        gemeente(raw_wijken, "Atlantis")  # nothing near, and too many to list
    maassluis = raw_wijken[raw_wijken["gemeentecode"] == "GM0556"]
    with pytest.raises(InputError, match="kies uit: ") as caught:
        resolve_area(maassluis, "Atlantis", source="--wijk", levels=["wijk"])
    for code in maassluis["wijkcode"]:  # a short list is given whole
        assert code in str(caught.value)


def test_own_areas_resolve_by_code_and_name():
    own = pd.DataFrame({"wijkcode": ["GM0556-E01", "GM0556-E02"], "wijknaam": ["Wijkteam Noord", "Wijkteam Zuid"],
                        "gemeentecode": ["GM0556", "GM0556"]})
    found = resolve_areas(own, ["gm0556-e02", "wijkteam-noord"], source="--wijk", levels=["wijk"])
    assert [a.code for a in found] == ["GM0556-E02", "GM0556-E01"]
    with pytest.raises(InputError, match="bedoelt u ") as caught:
        resolve_areas(own, ["wijkteam"], source="--wijk", levels=["wijk"])  # a part is a candidate, not an answer
    assert "Wijkteam Noord (GM0556-E01)" in str(caught.value) and "Wijkteam Zuid (GM0556-E02)" in str(caught.value)


def test_name_key_folds_only_what_people_do_not_type_alike():
    assert name_key("'s-Gravenhage") == name_key("S GRAVENHAGE") == "s gravenhage"
    assert name_key("Súdwest-Fryslân") == "sudwest fryslan"
    assert name_key("Noord") != name_key("Noordoost")


def test_the_boundary_reader_resolves_by_the_same_rules(buurten_2016):
    assert resolve_gemeenten(buurten_2016, ["Den Haag", "0556", "556", "den bosch", "'s-Gravenhage"]) == \
        ["GM0518", "GM0556", "GM0796"]


def test_cli_names_the_candidates_and_writes_nothing(buurten_2016, kwb_2024, sample_paths, tmp_path):
    out = tmp_path / "uit"
    result = run("join", "--grenzen", str(buurten_2016), "--kwb", str(kwb_2024), "--gemeente", "Maasluis",
                 "--uitvoer", str(out), "--stil", cwd=tmp_path)
    lines = [line for line in result.stderr.splitlines() if line.startswith("fout:")]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0] == ("fout: wijkenbuurten_2016_land.gpkg: gemeente 'Maasluis' komt niet voor; "
                        "bedoelt u Maassluis (GM0556)?")
    assert not out.exists() or not any(out.iterdir())
    ok = run("join", "--grenzen", str(sample_paths["grenzen"]), "--kwb", str(sample_paths["kwb"]), "--gemeente",
             "VOORBEELDSTAD-fictief", "--uitvoer", str(out), "--stil", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (out / "voorbeeldstad_fictief_buurten.csv").exists()
