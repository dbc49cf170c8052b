"""What every map of a run shows: which indicators, in which classes, under which title and subtitle.

Chosen once per run (:func:`sociale_kaart.products.make`) and by the Python API, so that the web map,
the static maps, the documents and the QGIS style agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ..settings import MapSettings

if TYPE_CHECKING:  # for the annotations only: the CLI's --help stays light
    from ..combine.indicators import Indicator


def map_indicators(data, map_settings: MapSettings) -> list[Indicator]:
    """The indicators the maps show (``map_settings.indicators``, else every indicator of `data`)."""
    if not map_settings.indicators:
        return list(data.indicators)
    known = {ind.key: ind for ind in data.indicators}
    unknown = [k for k in map_settings.indicators if k not in known]
    if unknown:
        raise InputError(f"onbekende indicator {unknown[0]!r}; beschikbaar: {', '.join(known)}")
    return [known[k] for k in map_settings.indicators]


def map_classes(data, analysis, indicators, map_settings: MapSettings) -> dict:
    """Class breaks of every mapped indicator and of the need index, computed once for every product."""
    from .classes import classes_for, classify

    table = analysis.table if analysis is not None else data.buurten
    unknown = set(map_settings.breaks) - {ind.key for ind in data.indicators}
    if unknown:
        raise InputError(f"grenswaarden voor onbekende indicator {sorted(unknown)[0]!r}")
    result = {}
    for ind in {*indicators, *(analysis.need if analysis is not None else ())}:
        result[ind.key] = classes_for(ind, table[ind.key], map_settings.scheme, map_settings.k,
                                      map_settings.breaks.get(ind.key))
    if analysis is not None:
        result["behoefte_index"] = classify(table["behoefte_index"], "kwantielen", map_settings.k)
    return result


def map_title(data, map_settings: MapSettings) -> str:
    """The title of every map: the one asked for, else "Sociale kaart <gemeenten>"."""
    return map_settings.title or f"Sociale kaart {data.title}"


def map_subtitle(data, keys=None) -> str:
    """The subtitle of every map: years and the sources of the indicators `keys` (None: all), and the
    warnings where the numbers are."""
    return " · ".join([data.subtitle if keys is None else data.subtitle_for(keys), *data.warnings])

