"""Every Dutch text that more than one product writes, written once.

Numbers (decimal comma, dot for thousands), plurals, dates, the table cell of a figure and the
sentence that explains small-number suppression live here, so that the CSV, the map, the PDFs
and the index page say the same thing in the same words.
"""

from __future__ import annotations

import datetime as dt
import math
import re

#: How a suppressed figure and a missing one read in every table, tooltip and PDF.
SUPPRESSED_TEXT, MISSING_TEXT = "onderdrukt", "–"
SUPPRESSED_LABEL = "onderdrukt (klein aantal)"
MISSING_LABEL = "geen gegevens"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
#: Attribution of CBS data, with the licence of each boundary year (the 2016 map is CC BY 3.0).
CBS_SOURCE = "Bron: CBS/Kadaster"


def nl_number(value: float | None, decimals: int = 1, missing: str = MISSING_TEXT) -> str:
    """Format a number the Dutch way.

    Examples
    --------
    >>> nl_number(1234.56), nl_number(44.6), nl_number(35825, 0), nl_number(float("nan"))
    ('1.234,6', '44,6', '35.825', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def decimals_for(unit: str) -> int:
    """Decimals that suit a unit: none for counts and classes, two for scores, one for rates and percentages.

    Examples
    --------
    >>> decimals_for("aantal"), decimals_for("per 1.000 inwoners"), decimals_for("score"), decimals_for("klasse 1-9")
    (0, 1, 2, 0)
    """
    if unit.startswith(("aantal", "klasse")):
        return 0
    return 2 if "score" in unit.lower() else 1


def plural(n: int, singular: str, plural_form: str) -> str:
    """``"1 buurt"``, ``"3 buurten"``: the count with the right form of the noun.

    Examples
    --------
    >>> plural(1, "buurt", "buurten"), plural(0, "buurt", "buurten"), plural(12_000, "buurt", "buurten")
    ('1 buurt', '0 buurten', '12.000 buurten')
    """
    return f"{nl_number(n, 0)} {singular if n == 1 else plural_form}"


def dutch_date(day: dt.date | None = None) -> str:
    """``22 november 2026``.

    Examples
    --------
    >>> dutch_date(dt.date(2026, 11, 23))
    '23 november 2026'
    """
    day = day or dt.date.today()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def cell(value, status: str | None, unit: str) -> str:
    """A figure as a table cell: the Dutch number, "onderdrukt" or "–" (never a suppressed number).

    Examples
    --------
    >>> cell(44.597, "ok", "per 1.000 inwoners"), cell(12.0, "onderdrukt", "%"), cell(None, "ontbreekt", "%")
    ('44,6', 'onderdrukt', '–')
    """
    if status == "onderdrukt":
        return SUPPRESSED_TEXT
    if status not in (None, "ok") or value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_TEXT
    return nl_number(float(value), decimals_for(unit))


def p_value_text(p: float) -> str:
    """``p < 0,001`` or ``p = 0,042``.

    Examples
    --------
    >>> p_value_text(0.0001), p_value_text(0.04213)
    ('p < 0,001', 'p = 0,042')
    """
    return "p < 0,001" if p < 0.001 else f"p = {nl_number(p, 3)}"


def border_labels(layout: str | None) -> tuple[str, str]:
    """The legend entry and the map toggle for the borders of a run's wijk level.

    Examples
    --------
    >>> border_labels(None), border_labels("zes wijken")
    (('wijkgrens', 'Wijkgrenzen'), ('grens zes wijken', 'Grenzen zes wijken'))
    """
    return ("wijkgrens", "Wijkgrenzen") if layout is None else (f"grens {layout}", f"Grenzen {layout}")


def slugify(text: str, fallback: str = "kaart") -> str:
    """A file-name part: lower case, runs of other characters as one ``_``.

    Examples
    --------
    >>> slugify("Wijkbezoek Kapelpolder"), slugify("Wijk 04 'De Dijk'"), slugify("***", "registratie")
    ('wijkbezoek_kapelpolder', 'wijk_04_de_dijk', 'registratie')
    """
    return re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")[:60] or fallback


#: The longest name a map label or a table cell shows; longer names end in an ellipsis.
MAX_NAME = 40


def shorten(text: str, limit: int = MAX_NAME) -> str:
    """A name cut at a word boundary to at most `limit` characters, with "…" when it was longer.

    Examples
    --------
    >>> shorten("Componistenbuurt"), shorten("Buurt met een naam die veel te lang is voor een kaart", 30)
    ('Componistenbuurt', 'Buurt met een naam die veel…')
    >>> shorten("x" * 50, 10)
    'xxxxxxxxx…'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


#: Why a run that asks for change or targets without earlier years stops.
NO_YEARS = ("verandering en doelen vragen minstens twee jaren: geef eerdere jaren als [[jaar]] in het projectbestand "
            "(jaar, kwb, grenzen) of --nulmeting en --nulmeting-jaar")
