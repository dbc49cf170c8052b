"""A QGIS layer style (QML) that reproduces the map's classes, for the GeoPackage of a run.

A rule-based renderer: one rule per class with the same bounds and colours as the HTML and print
maps, and hatched rules for "onderdrukt" and "geen gegevens", so that GIS staff who open the
GeoPackage in QGIS see the same map without rebuilding the classes by hand.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..texts import MISSING_LABEL, SUPPRESSED_LABEL, decimals_for
from .classes import MISSING_COLOUR, SUPPRESSED_COLOUR
from .style import BUURT_BORDER_COLOUR


def qml(indicator, classes) -> str:
    """The QML text of a rule-based style for `indicator` with `classes`.

    Examples
    --------
    >>> from sociale_kaart.combine.indicators import registry
    >>> from sociale_kaart.render.classes import classify
    >>> text = qml(registry()["wmo_per_1000"], classify([10.0, 20.0, 30.0, 40.0], "gelijk", 3))
    >>> text.count("<rule "), 'wmo_per_1000&quot; &gt; 20.0' in text
    (5, True)
    """
    key = indicator.key
    field = f'"{key}"'
    decimals = decimals_for(indicator.unit)
    rules = []
    lows = [classes.minimum] + classes.bins[:-1]
    for i, (low, high, colour, label) in enumerate(zip(lows, classes.bins, classes.colours, classes.labels(decimals))):
        lower = f"{field} >= {low!r}" if i == 0 else f"{field} > {low!r}"
        rules.append((f"{lower} AND {field} <= {high!r} AND \"{key}_status\" = 'ok'", label, _fill(colour)))
    rules.append((f"\"{key}_status\" = 'onderdrukt'", SUPPRESSED_LABEL, _fill(SUPPRESSED_COLOUR, "b_diagonal")))
    rules.append((f"\"{key}_status\" <> 'onderdrukt' AND {field} IS NULL", MISSING_LABEL,
                  _fill(MISSING_COLOUR, "f_diagonal")))
    rule_xml = "".join(f'<rule key="r{i}" symbol="{i}" filter={quoteattr(expr)} label={quoteattr(label)}/>'
                       for i, (expr, label, _) in enumerate(rules))
    symbols = "".join(symbol.format(name=i) for i, (_, _, symbol) in enumerate(rules))
    title = f"{indicator.label} ({indicator.unit})"
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
            f'<qgis version="3.28" styleCategories="Symbology"><renderer-v2 type="RuleRenderer" symbollevels="0" '
            f'enableorderby="0" forceraster="0"><rules key="root">{rule_xml}</rules><symbols>{symbols}</symbols>'
            f"</renderer-v2><layerGeometryType>2</layerGeometryType>"
            f"<legend type=\"default-vector\"/><!-- {title} --></qgis>\n")


def _fill(colour: str, style: str = "solid") -> str:
    rgb = ",".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5)) + ",255"
    border = ",".join(str(int(BUURT_BORDER_COLOUR[i:i + 2], 16)) for i in (1, 3, 5)) + ",255"
    props = {"color": rgb, "style": style, "outline_color": border, "outline_style": "solid",
             "outline_width": "0.26", "outline_width_unit": "MM"}
    options = "".join(f'<Option name="{k}" value="{v}" type="QString"/>' for k, v in props.items())
    legacy = "".join(f'<prop k="{k}" v="{v}"/>' for k, v in props.items())
    return ('<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">{options}</Option>'
            f"{legacy}</layer></symbol>")
