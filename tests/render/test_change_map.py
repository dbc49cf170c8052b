"""The change map: classes around zero, direction-aware colours, readable without colour."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from sociale_kaart.combine.change import FALLEN, LEVEL, NOT_JUDGED, RISEN, change_table
from sociale_kaart.combine.indicators import registry
from sociale_kaart.render.change_map import (BETTER, LEVEL_COLOUR, NEUTRAL_FALL, NEUTRAL_RISE, WORSE, change_classes,
                                         change_map_figure)


def lightness(colour: str) -> float:
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


@pytest.fixture(scope="module")
def rows(maassluis_series):
    table = change_table(maassluis_series)
    return table[table["niveau"] == "buurt"]


def test_falls_of_a_need_indicator_are_improvements_and_rises_deteriorations(rows):
    bijstand = rows[rows["indicator"] == "bijstand_per_1000"].reset_index(drop=True)
    styled = change_classes(bijstand, registry()["bijstand_per_1000"])
    for verdict, klasse, colour, marker in zip(bijstand["verandering"], styled["klasse"], styled["kleur"], styled["teken"]):
        if verdict == FALLEN:
            assert klasse < 0 and colour in BETTER and marker == "v"
        elif verdict == RISEN:
            assert klasse > 0 and colour in WORSE and marker == "^"
        elif verdict == LEVEL:
            assert klasse == 0 and colour == LEVEL_COLOUR and marker == "o"
        else:
            assert verdict == NOT_JUDGED and np.isnan(klasse) and marker == ""
    assert {FALLEN, RISEN, LEVEL, NOT_JUDGED} <= set(bijstand["verandering"])


def test_a_context_indicator_gets_neutral_colours(rows):
    ageing = rows[rows["indicator"] == "pct_65plus"].reset_index(drop=True)
    colours = set(change_classes(ageing, registry()["pct_65plus"])["kleur"].dropna())
    assert colours <= {*NEUTRAL_FALL, *NEUTRAL_RISE, LEVEL_COLOUR}
    assert not colours & {*BETTER, *WORSE}


def test_greyscale_tells_small_from_large_changes_and_both_from_level():
    for palette in (BETTER, WORSE, NEUTRAL_FALL, NEUTRAL_RISE):
        small, large = (lightness(c) for c in palette)
        assert lightness(LEVEL_COLOUR) > small > large + 0.15


def test_the_map_of_maassluis_draws(maassluis, rows):
    bijstand = rows[rows["indicator"] == "bijstand_per_1000"]
    fig = change_map_figure(maassluis.buurten, maassluis.wijken, bijstand, registry()["bijstand_per_1000"],
                            title="Bijstand", subtitle="test")
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("verbeterd" in t for t in texts) and any("verslechterd" in t for t in texts)
    assert "niet te beoordelen (zie de tabel)" in texts
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    assert buffer.getvalue()[:4] == b"\x89PNG"
