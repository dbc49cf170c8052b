"""Print products: the wijk profile, the briefing pack and the wijkbezoek, as documents.

This module says *what* a document holds, as the content model of
:mod:`sociale_kaart.render.document.model` (sections, sentences, tables, maps and charts with
their alternative text); :mod:`sociale_kaart.render.document.typeset` lays it out with Typst into a
tagged PDF/UA-1 (headings, tables with header cells, reading order, page numbers, running footer).
Nothing here writes a file.

The briefing opens with "Kernpunten": per domain (sociaal, veiligheid, leefbaarheid) the buurten
and wijken that stand out and why, every figure one that the wijk pages show, and per wijk a short
text over the three domains. Methods (z-scores, hot spots, FDR) are in the technical annex.

Numbers are Dutch (decimal comma, dot for thousands); a suppressed figure is always the word
"onderdrukt", never a number; a missing one is "–".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..analysis.need import LIVEABILITY_DIMENSIONS, weakest_dimension
from ..combine.compare import gaps_text
from ..combine.indicators import DOMAINS, OK, SUPPRESSED, Indicator
from ..sources.areas import resolve_areas
from ..sources.safety import CRIME_CAVEAT, LIVEABILITY_CLASSES, LIVEABILITY_WEAKEST
from ..texts import MISSING_TEXT, border_labels, cell, decimals_for, nl_number, plural, slugify, shorten
from .classes import Classes
from .document.drawings import area_map, bar_chart, bar_chart_text, map_alt
from .document.model import Beside, Block, Document, Figure, Heading, Items, Section, Table, Text
from .voortgang import change_blocks, progress_blocks, progress_section, results_for_wijk, trend_blocks
from .style import FLAG_LEGEND

FLAG_MARK = "*"
NBSP = "\u00a0"  #: binds two words on one line
#: Width of the text column of an A4 page (points), and of the chart column of a profile.
CONTENT_WIDTH = 595.44 - 84.0
CHART_SHARE = 0.36
MAX_CHARTS = 4
#: The most and the least height (points) of a wijk map: it takes what its section leaves on the page.
WIJK_MAP = (440.0, 230.0)
PROFILE_MAP = (360.0, 215.0)
OVERVIEW_MAP = 560.0
#: What an annex starts with: nothing a bestuurder reads before it speaks of methods.
ANNEX = "Technische bijlage"
#: How many wijken the Kernpunten name per domain, and how many get a line of their own.
KEY_WIJKEN = 3
KEY_WIJK_LINES = 12
#: A wijk or buurt stands out when its figure is this share above the gemeente's.
STANDS_OUT = 1.25


@dataclass(frozen=True)
class PrintContext:
    """What every page needs: the dataset, the analysis, the classes of the run and the print date.

    `table` is the analysed buurt table.
    """

    data: object  # sociale_kaart.combine.dataset.Dataset
    analysis: object  # sociale_kaart.analysis.need.Analysis
    classes: dict  # column -> Classes over the whole run, computed once by the orchestrator
    date: str
    targets: tuple = ()  # judged targets (sociale_kaart.analysis.targets.TargetResult), for the progress pages
    series: object | None = None  # sociale_kaart.combine.series.Series: the years of the run, for the trend
    change_rules: str = ""  # ChangeSettings.describe(): when a change is judged
    change: pd.DataFrame | None = None  # sociale_kaart.combine.change.change_table: change per buurt and wijk
    classes_area: str = ""  # the gemeenten the classes span, for a gemeente of a run of more ("" : this context's)

    @property
    def table(self) -> pd.DataFrame:
        return self.analysis.table

    @property
    def settings(self):
        return self.analysis.settings

    def classes_for(self, column: str) -> Classes:
        """The run's classes of `column`: the same colours on every page and map."""
        return self.classes[column]

    @property
    def need(self) -> list[Indicator]:
        return list(self.analysis.need)

    @property
    def several_gemeenten(self) -> bool:
        return self.table["gemeentecode"].nunique() > 1

    @property
    def classes_of(self) -> str:
        """What the classes of the maps span: "de hele gemeente", "Vlaardingen, Schiedam", "12 gemeenten"."""
        return self.classes_area or (self.data.title if self.several_gemeenten else "de hele gemeente")

    def gemeentenaam(self, wijkcode: str) -> str:
        code = wijkcode_gemeente(wijkcode)
        names = self.data.gemeenten.set_index("gemeentecode").get("gemeentenaam")
        if names is not None and code in names.index:
            return str(names[code])
        rows = self.table[self.table["gemeentecode"] == code]
        return str(rows["gemeentenaam"].iloc[0]) if "gemeentenaam" in rows and len(rows) else code

    def footer(self, area: str) -> str:
        """The running footer of every page: area, date and source."""
        return f"{area} · {self.date} · {self.data.subtitle}"


def per_gemeente(ctx: PrintContext) -> list[PrintContext]:
    """One context per gemeente of the run, in the run's order: :func:`gemeente_context` of each."""
    order = {name: i for i, name in enumerate(ctx.data.gemeentenamen)}
    gemeenten = ctx.data.gemeenten[ctx.data.gemeenten["gemeentecode"].isin(set(ctx.table["gemeentecode"]))]
    ranked = sorted(zip(gemeenten["gemeentecode"], gemeenten["gemeentenaam"]), key=lambda g: order.get(g[1], len(order)))
    return [gemeente_context(ctx, code) for code, _ in ranked]


def gemeente_context(ctx: PrintContext, code: str) -> PrintContext:
    """`ctx` restricted to the gemeente `code`: its buurten, wijken, gemeente row, comparison rows,
    targets, join counts and warnings; its maps say that their classes span the run's gemeenten.

    Rows are taken, nothing is computed again: every figure, protection, aandachtsbuurt and class is
    the run's, so a figure in a gemeente's document is the one the regional document shows. A
    warning that names another gemeente ("Schiedam: maar 97,1% ...") is left out.
    """
    data, table = ctx.data, ctx.table
    mine = (table["gemeentecode"] == code).to_numpy()
    gemeenten = data.gemeenten[data.gemeenten["gemeentecode"] == code]
    others = [f"{n}: " for c, n in zip(data.gemeenten["gemeentecode"], data.gemeenten["gemeentenaam"]) if c != code]

    def of_gemeente(codes) -> list:
        return [c for c in codes if str(c)[2:6] == code[2:6]]

    reports = tuple(replace(r, gekoppeld=of_gemeente(r.gekoppeld), alleen_grenzen=of_gemeente(r.alleen_grenzen),
                            alleen_cijfers=of_gemeente(r.alleen_cijfers)) for r in data.reports)
    comparison = data.comparison
    restricted = replace(
        data, buurten=data.buurten[data.buurten["gemeentecode"] == code],
        wijken=data.wijken[data.wijken["wijkcode"].map(wijkcode_gemeente) == code], gemeenten=gemeenten,
        gemeentenamen=tuple(str(n) for n in gemeenten["gemeentenaam"]), reports=reports,
        warnings=tuple(w for w in data.warnings if not w.startswith(tuple(others))),
        comparison=None if comparison is None else comparison[comparison["gemeentecode"] == code])
    classes = {key: replace(c, classes=np.asarray(c.classes)[mine]) for key, c in ctx.classes.items()}
    targets = tuple(r for r in ctx.targets if (r.level != "gemeente" or r.code == code)
                    and (r.wijkcode is None or wijkcode_gemeente(r.wijkcode) == code))
    return replace(ctx, data=restricted, analysis=replace(ctx.analysis, table=table[mine]), classes=classes,
                   targets=targets, classes_area=ctx.classes_of if ctx.several_gemeenten else ctx.classes_area)


def select_wijken(wijken: pd.DataFrame, selectors: list[str] | None) -> pd.DataFrame:
    """Wijken (or own areas) by code or name, as :mod:`sociale_kaart.sources.areas` resolves them.

    A name that fits several wijken (``Oost`` in two gemeenten) stops with the candidates.

    Examples
    --------
    >>> w = pd.DataFrame({"wijkcode": ["WK000101", "WK000201"], "wijknaam": ["Oost", "Wijk 01 Oost"],
    ...                   "gemeentecode": ["GM0001", "GM0002"]})
    >>> select_wijken(w, ["WK000201"])["wijkcode"].tolist()
    ['WK000201']
    >>> select_wijken(w, ["oost"])
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: wijken: wijk 'oost' is niet eenduidig: Oost (WK000101, GM0001), Wijk 01 Oost (WK000201, GM0002); geef de code
    """
    if not selectors:
        return wijken
    codes = [area.code for area in resolve_areas(wijken, selectors, source="wijken", levels=("wijk",))]
    position = {code: i for i, code in enumerate(wijken["wijkcode"].astype(str).str.strip().str.upper())}
    return wijken.iloc[[position[code] for code in codes]]


def wijkcode_gemeente(wijkcode: str) -> str:
    """The gemeentecode of a CBS wijk (``WK055604``) or of an own area (``GM0556-E04``)."""
    from ..combine.layouts import gemeente_of_area

    return gemeente_of_area(wijkcode)


def area_words(ctx: PrintContext, code: str) -> str:
    """How a subtitle names the area: ``wijk WK055604`` or ``eigen indeling Wijken gemeenteatlas``."""
    layout = getattr(ctx.data, "wijk_layout", None)
    if layout:
        return f"eigen indeling {layout}"
    return f"wijk {code}"


def comparison_rows(ctx: PrintContext, wijkcode: str, indicators: list[Indicator] | None = None
                    ) -> tuple[list[str], list[list[str]], list[int]]:
    """Table of the wijk's buurten, the wijk, the gemeente and the Netherlands.

    Returns header, rows (text) and the indices of the summary rows (to print in bold).
    `indicators` defaults to all of the run's.
    """
    data, table = ctx.data, ctx.table
    indicators = list(data.indicators) if indicators is None else indicators
    header = ["Gebied", "Inwoners"] + [f"{ind.label} ({ind.unit})" for ind in indicators]
    rows, bold = [], []
    buurten = table[table["wijkcode"] == wijkcode].sort_values("buurtcode")
    for _, row in buurten.iterrows():
        name = row_name(row)
        rows.append([name, nl_number(row["inwoners"], 0)] +
                    [cell(row[ind.key], row[f"{ind.key}_status"], ind.unit) for ind in indicators])
    summaries = [("Wijk", data.wijken[data.wijken["wijkcode"] == wijkcode])]
    gemeente = wijkcode_gemeente(wijkcode)
    summaries.append(("Gemeente", data.gemeenten[data.gemeenten["gemeentecode"] == gemeente]))
    summaries.append(("Nederland", data.nederland if data.nederland is not None else pd.DataFrame()))
    for label, frame in summaries:
        bold.append(len(rows))
        if frame.empty:
            rows.append([label, MISSING_TEXT] + [MISSING_TEXT] * len(indicators))
            continue
        row = frame.iloc[0]
        rows.append([label, nl_number(row.get("inwoners", np.nan), 0)] +
                    [cell(row.get(ind.key), row.get(f"{ind.key}_status"), ind.unit) for ind in indicators])
    return header, rows, bold


#: A buurt name up to this long stays on one line in a table's first column.
UNBROKEN_NAME = 24


def row_name(row) -> str:
    """A buurt as the first cell of a table row: "* Kapelpolder" for an aandachtsbuurt; a short name
    never breaks over two lines.

    Examples
    --------
    >>> row_name({"buurtnaam": "Nieuwe waterweg", "aandachtsbuurt": True}).replace(NBSP, " ")
    '* Nieuwe waterweg'
    """
    name = shorten(str(row.get("buurtnaam", row.get("buurtcode"))))  # hundreds of characters end in "…"
    if len(name) <= UNBROKEN_NAME:
        name = name.replace(" ", NBSP)
    return (f"{FLAG_MARK}{NBSP}" if row.get("aandachtsbuurt", False) else "") + name


def coverage_note(buurten: pd.DataFrame, data) -> str:
    """Why buurten have no figures at all: their code is missing from the KWB table (a mismatch of years)."""
    if "koppeling" not in buurten:
        return ""
    missing = buurten[buurten["koppeling"] != "gekoppeld"]
    if missing.empty:
        return ""
    names = ", ".join(str(n) for n in missing.get("buurtnaam", missing["buurtcode"]))
    years = ""
    if data.jaar_grenzen and data.jaar_cijfers and data.jaar_grenzen != data.jaar_cijfers:
        years = f" (buurtgrenzen {data.jaar_grenzen}, cijfers {data.jaar_cijfers}: de buurtindeling is veranderd)"
    return (f"Zonder cijfers: {names}. Hun buurtcode komt niet voor in de kerncijfers{years}; zie het koppelrapport.")


def flag_entries(table: pd.DataFrame, *, where: dict[str, str] | None = None) -> list[str]:
    """Every aandachtsbuurt of `table` with all its reasons, most stapeling first.

    ``(BU..., stapeling n)`` never breaks across lines. `where` adds the wijk (and gemeente) per
    buurtcode, for lists that span wijken.
    """
    entries = []
    flagged = table[table["aandachtsbuurt"].fillna(False).astype(bool)]
    for _, row in flagged.sort_values(["stapeling", "buurtcode"], ascending=[False, True]).iterrows():
        name = row.get("buurtnaam", row["buurtcode"])
        place = f", {where[row['buurtcode']]}" if where else ""
        entries.append(f"{FLAG_MARK} {name} ({row['buurtcode']},{NBSP}stapeling{NBSP}{int(row['stapeling'])}){place}: "
                       f"{row['reden']}")
    return entries


def flag_sentence(n_flagged: int, n_buurten: int) -> str:
    """How many buurten of an area are aandachtsbuurt, in correct Dutch.

    Examples
    --------
    >>> flag_sentence(1, 3), flag_sentence(2, 3), flag_sentence(0, 4)
    ('1 van 3 buurten is aandachtsbuurt.', '2 van 3 buurten zijn aandachtsbuurt.', 'Geen van de 4 buurten is aandachtsbuurt.')
    >>> flag_sentence(1, 1), flag_sentence(0, 1)
    ('De enige buurt is aandachtsbuurt.', 'De enige buurt is geen aandachtsbuurt.')
    """
    if n_buurten == 1:
        return "De enige buurt is aandachtsbuurt." if n_flagged else "De enige buurt is geen aandachtsbuurt."
    if n_flagged == 0:
        return f"Geen van de {plural(n_buurten, 'buurt', 'buurten')} is aandachtsbuurt."
    return f"{n_flagged} van {plural(n_buurten, 'buurt', 'buurten')} {'is' if n_flagged == 1 else 'zijn'} aandachtsbuurt."


# --- the three domains side by side --------------------------------------------------------------

#: A buurt without a Leefbaarometer score (too few addresses) says so in the domain table.
NO_SCORE = "geen score"
#: The column with a buurt's weakest Leefbaarometer dimension.
WEAKEST = "Zwakst op"


def domain_indicators(ctx: PrintContext) -> dict[str, list[Indicator]]:
    """Per domain (:data:`DOMAINS`) the indicators a wijkbezoek shows: the social need indicators
    (Wmo, bijstand, jeugdzorg, own registrations), every safety and every liveability indicator."""
    shown = {domain: [] for domain in DOMAINS}
    for indicator in ctx.data.indicators:
        if indicator.domain != "sociaal" or indicator.role == "behoefte":
            shown.setdefault(indicator.domain, []).append(indicator)
    return {domain: indicators for domain, indicators in shown.items() if indicators}


def has_domains(ctx: PrintContext) -> bool:
    """Whether the run has figures beyond the social state (crime, Leefbaarometer, own safety data)."""
    return any(domain != "sociaal" for domain in domain_indicators(ctx))


def liveability_text(value, status) -> str:
    """A Leefbaarometer class with its name ("5 voldoende"), or the missing/suppressed word.

    Examples
    --------
    >>> liveability_text(6.0, "ok").replace(NBSP, " "), liveability_text(float("nan"), "ontbreekt")
    ('6 ruim voldoende', '–')
    """
    text = cell(value, status, "klasse")
    if status == OK and int(value) in LIVEABILITY_CLASSES:  # one unit: never broken over two lines
        return f"{text} {LIVEABILITY_CLASSES[int(value)]}".replace(" ", NBSP)
    return text


def domain_cell(row, indicator: Indicator, *, buurt: bool = True) -> str:
    """One indicator of one area as a cell of the domain table.

    A published count (police-registered crime) stands as a count where its rate is suppressed
    for too few inhabitants; a registration's count never does. A buurt without a Leefbaarometer
    score says so (:data:`NO_SCORE`).
    """
    status = row.get(f"{indicator.key}_status")
    if indicator.key == "lbm_klasse":
        return liveability_text(row.get(indicator.key), status) if status == OK or not buurt else NO_SCORE
    count = row.get(indicator.numerator) if indicator.numerator else None
    if (status == SUPPRESSED and indicator.domain == "veiligheid" and not indicator.protected
            and count is not None and not pd.isna(count)):
        return f"{nl_number(count, 0)} (aantal)"
    return cell(row.get(indicator.key), status, indicator.unit)


def domain_rows(ctx: PrintContext, wijkcode: str) -> tuple[list[str], list[list[str]], list[int], list[str]]:
    """Per buurt of a wijk one row of the three domains, then the wijk and the gemeente.

    Returns header, rows, the indices of the summary rows and the domain of every column ("" for
    the name and inhabitants).
    """
    shown = domain_indicators(ctx)
    header, domains = ["Gebied", "Inwoners"], ["", ""]
    for domain, indicators in shown.items():
        for indicator in indicators:
            unit = "klasse 1-9" if indicator.key == "lbm_klasse" else indicator.unit
            header.append(f"{indicator.label} ({unit})")
            domains.append(domain)
        if domain == "leefbaarheid" and any(i.key == "lbm_klasse" for i in indicators):
            header.append(WEAKEST)
            domains.append(domain)

    def cells(row, buurt: bool) -> list[str]:
        out = []
        for domain, indicators in shown.items():
            out += [domain_cell(row, indicator, buurt=buurt) for indicator in indicators]
            if domain == "leefbaarheid" and any(i.key == "lbm_klasse" for i in indicators):
                out.append(weakest_dimension(row) or MISSING_TEXT)
        return out

    rows, bold = [], []
    buurten = ctx.table[ctx.table["wijkcode"] == wijkcode].sort_values("buurtcode")
    for _, row in buurten.iterrows():
        name = row_name(row)
        rows.append([name, nl_number(row["inwoners"], 0), *cells(row, True)])
    for label, frame in (("Wijk", ctx.data.wijken[ctx.data.wijken["wijkcode"] == wijkcode]),
                         ("Gemeente", ctx.data.gemeenten[ctx.data.gemeenten["gemeentecode"] == wijkcode_gemeente(wijkcode)])):
        if frame.empty:
            continue
        row = frame.iloc[0].to_dict()
        for key in LIVEABILITY_DIMENSIONS:  # dimension scores are per buurt: no "zwakst op" for an area
            row.pop(key, None)
        bold.append(len(rows))
        rows.append([label, nl_number(row.get("inwoners", np.nan), 0), *cells(row, False)])
    return header, rows, bold, domains



def domain_blocks(ctx: PrintContext, wijkcode: str, *, heading: str = "Sociaal, veiligheid en leefbaarheid per buurt"
                  ) -> list[Block]:
    """The domain table under a band that names the domains above their columns."""
    header, rows, bold, domains = domain_rows(ctx, wijkcode)
    aligns = tuple("left" if h in ("Gebied", WEAKEST) else "right" for h in header)  # names left, figures right
    band, last = [], None
    for domain in domains:
        if band and domain == last:
            band[-1] = (band[-1][0], band[-1][1] + 1)
        else:
            band.append((domain.capitalize(), 1))
        last = domain
    blocks: list[Block] = [Heading(heading),
                           Table(tuple(header), tuple(map(tuple, rows)), aligns, tuple(bold), tuple(band),
                                 size="small" if len(header) > 8 else "normal",
                                 caption="Per buurt de cijfers van de drie domeinen, dan wijk en gemeente")]
    notes = []
    if "veiligheid" in domains and any(i.key.startswith("misdrijven") for i in ctx.data.indicators):
        notes.append("Veiligheid: " + CRIME_CAVEAT)
    if "leefbaarheid" in domains:
        notes.append("Leefbaarheid: " + LIVEABILITY_WEAKEST)
    return blocks + [Text(t, style="note") for t in notes]


# --- charts and maps ------------------------------------------------------------------------------

#: The longest buurt name beside a bar; a longer one ends in "…" (the alternative text keeps it whole).
CHART_NAME = 26


def bar_figures(ctx: PrintContext, buurten: pd.DataFrame, code: str, width: float) -> list[Figure]:
    """One bar chart per need indicator (at most :data:`MAX_CHARTS`) of the wijk's buurten, each
    drawn once when the document is set."""
    gemeente = ctx.data.gemeenten.set_index("gemeentecode")
    names = [shorten(str(n), CHART_NAME) for n in buurten.get("buurtnaam", buurten["buurtcode"])]
    figures = []
    for ind in ctx.need[:MAX_CHARTS]:
        ref = None
        gm = wijkcode_gemeente(code)
        if ind.key in gemeente and gm in gemeente.index:
            status = gemeente.get(f"{ind.key}_status")
            if status is None or status[gm] == OK:
                ref = gemeente.at[gm, ind.key]
        args = (f"{ind.label} ({ind.unit})", names, buurten[ind.key].to_list(), buurten[f"{ind.key}_status"].to_list(),
                ref, decimals_for(ind.unit))
        alt, height = bar_chart_text(*args, width=width)
        figures.append(Figure("", alt, height=height, key=f"staaf-{code}-{ind.key}",
                              draw=lambda w, h, args=args: bar_chart(*args, width=w)[0]))
    return figures


def _wijk_map(ctx: PrintContext, buurten: pd.DataFrame, code: str, *, heights: tuple[float, float],
              caption: bool = True) -> Figure:
    """The wijk on the first need indicator's classes, with buurt names; it takes what its page
    leaves (between the two `heights`) and is drawn once, at that size."""
    indicator = ctx.need[0]
    classes = ctx.classes_for(indicator.key)
    codes = list(buurten["buurtcode"])

    def draw(width: float, height: float) -> str:
        return area_map(ctx.table, ctx.data.wijken, codes, indicator, classes, width=width, height=height,
                        focus_wijk=code, border_label=border_labels(ctx.data.wijk_layout)[0])[0]
    name = ctx.data.wijken.set_index("wijkcode").at[code, "wijknaam"] if code in set(ctx.data.wijken["wijkcode"]) else code
    return Figure("", map_alt(str(name), buurten, indicator, classes), height=heights[0], min_height=heights[1],
                  fill=True, key=f"kaart-{code}", draw=draw,
                  caption=f"{indicator.label}, {indicator.unit} (klassen van {ctx.classes_of})" if caption else "")


def _overview_section(ctx: PrintContext, scope: pd.DataFrame) -> Section:
    """The aandachtsbuurten of the whole area on one map, named, with the wijk borders."""
    several = scope["gemeentecode"].nunique() > 1

    def draw(width: float, height: float) -> str:
        return area_map(scope, ctx.data.wijken, list(scope["buurtcode"]), None, None, width=width, height=height,
                        gemeente_borders=several, border_label=border_labels(ctx.data.wijk_layout)[0],
                        labels="flagged")[0]
    subtitle = f"Aandachtsbuurten: {_flag_marking()}"
    if several:
        subtitle += "; dikke zwarte lijn: gemeentegrens"
    figure = Figure("", map_alt(ctx.data.title, scope, None, None), height=OVERVIEW_MAP, min_height=380.0, fill=True,
                    key="overzicht", draw=draw)
    return Section(f"Overzicht {ctx.data.title}", subtitle, (figure,), outline="Overzichtskaart: de aandachtsbuurten")


# --- tables -------------------------------------------------------------------------------------

def comparison_rows_shown(ctx: PrintContext, wijkcode: str, indicators: list[Indicator] | None = None):
    """:func:`comparison_rows` without a summary row that has no figure at all (no "Nederland – – –")."""
    header, rows, bold = comparison_rows(ctx, wijkcode, indicators)
    kept, kept_bold = [], []
    for i, row in enumerate(rows):
        if i in bold and all(c == MISSING_TEXT for c in row[1:]):
            continue
        if i in bold:
            kept_bold.append(len(kept))
        kept.append(row)
    return header, kept, kept_bold


def _table_blocks(ctx: PrintContext, code: str, indicators: list[Indicator] | None = None, *,
                  heading: str = "Cijfers per buurt") -> list[Block]:
    header, rows, bold = comparison_rows_shown(ctx, code, indicators)
    aligns = ("left",) + ("right",) * (len(header) - 1)
    return [Heading(heading), Table(tuple(header), tuple(map(tuple, rows)), aligns, tuple(bold),
                                    size="small" if len(header) > 8 else "normal",
                                    caption="Per buurt inwoners en indicatoren, dan wijk en gemeente")]


def _figure_tables(ctx: PrintContext, code: str) -> list[Block]:
    """A wijk's figures per buurt: with safety or liveability data the three domains side by side and
    then what else the run has ("Achtergrond"), else one table of every indicator."""
    if not has_domains(ctx):
        return _table_blocks(ctx, code)
    shown = {i.key for group in domain_indicators(ctx).values() for i in group}
    others = [i for i in ctx.data.indicators if i.key not in shown]
    blocks = domain_blocks(ctx, code)
    if others:
        blocks += _table_blocks(ctx, code, others, heading="Achtergrond per buurt")
    return blocks


def _flag_items(buurten: pd.DataFrame, *, where: dict[str, str] | None = None) -> list[Block]:
    entries = [e.removeprefix(f"{FLAG_MARK} ") for e in flag_entries(buurten, where=where)]
    return [Items(tuple(entries), marker=FLAG_MARK)] if entries else []


def reader_text(text: str) -> str:
    """A warning as a reader needs it: without the sentences that tell an operator what to run."""
    sentences = re.split(r"(?<=[.;])\s+", text)
    kept = [s for s in sentences if "sociale-kaart " not in s and "--" not in s]
    return re.sub(r";$", ".", " ".join(kept)).strip()


def _warnings(ctx: PrintContext) -> list[str]:
    return [w for w in (reader_text(w) for w in ctx.data.warnings) if w]


# --- Kernpunten ---------------------------------------------------------------------------------

def _names(items: list[str], most: int = 6) -> str:
    """"A, B en C"; beyond `most` "A, B, ... en nog 3"."""
    if len(items) > most:
        return ", ".join(items[:most]) + f" en nog {len(items) - most}"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _rate(value, unit: str) -> str:
    return f"{nl_number(value, decimals_for(unit))} {unit}"


def _wijk_rows(ctx: PrintContext, codes) -> pd.DataFrame:
    wijken = ctx.data.wijken
    return wijken[wijken["wijkcode"].isin(set(codes))]


def _standing_out(ctx: PrintContext, indicator: Indicator, codes) -> list[tuple[float, str, str]]:
    """Wijken whose figure of `indicator` is :data:`STANDS_OUT` times the gemeente's or more:
    (ratio, wijk name, sentence part), highest first."""
    gemeenten = ctx.data.gemeenten.set_index("gemeentecode")
    found = []
    for _, wijk in _wijk_rows(ctx, codes).iterrows():
        gm = wijkcode_gemeente(wijk["wijkcode"])
        if wijk.get(f"{indicator.key}_status") != OK or gm not in gemeenten.index:
            continue
        if gemeenten.at[gm, f"{indicator.key}_status"] != OK or not gemeenten.at[gm, indicator.key]:
            continue
        ratio = wijk[indicator.key] / gemeenten.at[gm, indicator.key]
        better = ratio <= 1 / STANDS_OUT if not indicator.more_is_need else False
        if ratio >= STANDS_OUT if indicator.more_is_need else better:
            name = _wijk_label(ctx, wijk)
            found.append((ratio, name, f"{name} {nl_number(wijk[indicator.key], decimals_for(indicator.unit))} tegen "
                                       f"{nl_number(gemeenten.at[gm, indicator.key], decimals_for(indicator.unit))} "
                                       f"in de gemeente"))
    return sorted(found, key=lambda f: -f[0] if indicator.more_is_need else f[0])


def short_name(wijknaam) -> str:
    """A wijk's name without its number: "Kapelpolder" for "Wijk 04 Kapelpolder"."""
    return re.sub(r"^Wijk\s+\d+\s+", "", str(wijknaam))


def _wijk_label(ctx: PrintContext, wijk) -> str:
    name = short_name(wijk["wijknaam"])
    return f"{name} ({ctx.gemeentenaam(wijk['wijkcode'])})" if ctx.several_gemeenten else name


def _social_points(ctx: PrintContext, scope: pd.DataFrame, codes) -> list[str]:
    flagged = scope[scope["aandachtsbuurt"].fillna(False).astype(bool)].sort_values(
        ["stapeling", "buurtcode"], ascending=[False, True])
    wijk_names = ctx.data.wijken.set_index("wijkcode")["wijknaam"]
    points = []
    if len(flagged):
        names = [f"{row.get('buurtnaam', row['buurtcode'])} ({short_name(wijk_names.get(row['wijkcode'], row['wijkcode']))})"
                 for _, row in flagged.iterrows()]
        points.append(f"{flag_sentence(len(flagged), len(scope))[:-1]}: {_names(names)}.")
        top = flagged.iloc[0]
        points.append(f"Het meest stapelt het in {top.get('buurtnaam', top['buurtcode'])} "
                      f"({plural(int(top['stapeling']), 'hoge indicator', 'hoge indicatoren')}): {top['reden']}.")
    else:
        points.append(flag_sentence(0, len(scope)))
    for ind in ctx.need:
        out = _standing_out(ctx, ind, codes)[:KEY_WIJKEN]
        if out:
            points.append(f"{ind.label} ({ind.unit}): {_names([o[2] for o in out])}.")
    return points


def _safety_points(ctx: PrintContext, scope: pd.DataFrame, codes, indicators: list[Indicator]) -> list[str]:
    points = []
    for ind in indicators:
        if ind.kind == "score":
            continue
        out = _standing_out(ctx, ind, codes)[:KEY_WIJKEN]
        if out:
            points.append(f"{ind.label} ({ind.unit}): {_names([o[2] for o in out])}.")
        ok = scope[(scope[f"{ind.key}_status"] == OK)] if f"{ind.key}_status" in scope else scope.iloc[:0]
        if len(ok) and not out:
            wijken = _wijk_rows(ctx, codes)
            shown = wijken[wijken[f"{ind.key}_status"] == OK]
            if len(shown):
                top = shown.loc[shown[ind.key].idxmax()]
                points.append(f"{ind.label}: geen wijk ligt {nl_number((STANDS_OUT - 1) * 100, 0)}% of meer boven de "
                              f"gemeente; het hoogst is {_wijk_label(ctx, top)} met {_rate(top[ind.key], ind.unit)}.")
    return points


def _liveability_points(ctx: PrintContext, scope: pd.DataFrame) -> list[str]:
    if "lbm_klasse_status" not in scope:
        return []
    scored = scope[scope["lbm_klasse_status"] == OK]
    weak = scored[scored["lbm_klasse"] <= 4].sort_values(["lbm_klasse", "buurtcode"])
    if not len(scored):
        return ["Geen buurt heeft een Leefbaarometer-score."]
    if not len(weak):
        low = int(scored["lbm_klasse"].min())
        return [f"Alle {plural(len(scored), 'buurt', 'buurten')} met een Leefbaarometer-score zijn minstens "
                f"{LIVEABILITY_CLASSES.get(low, low)} (klasse {low})."]
    items = []
    for _, row in weak.iterrows():
        dim = weakest_dimension(row)
        items.append(f"{row.get('buurtnaam', row['buurtcode'])} ({liveability_text(row['lbm_klasse'], OK)}"
                     + (f", zwakst op {dim}" if dim else "") + ")")
    return [f"Leefbaarometer zwak of lager: {_names(items)}."]


def _wijk_line(ctx: PrintContext, wijk, buurten: pd.DataFrame, shown: dict) -> tuple[str, ...]:
    """One wijk over the three domains: aandachtsbuurten, the safety figure against the gemeente,
    the weakest Leefbaarometer class."""
    gemeenten = ctx.data.gemeenten.set_index("gemeentecode")
    gm = wijkcode_gemeente(wijk["wijkcode"])
    n = int(buurten["aandachtsbuurt"].fillna(False).astype(bool).sum())
    cells = [_wijk_label(ctx, wijk), f"{n} van {plural(len(buurten), 'buurt', 'buurten')} aandachtsbuurt" if n
             else f"geen aandachtsbuurt ({plural(len(buurten), 'buurt', 'buurten')})"]
    if "veiligheid" in shown:
        parts = []
        for ind in shown["veiligheid"]:
            if wijk.get(f"{ind.key}_status") == OK and gm in gemeenten.index and gemeenten.at[gm, f"{ind.key}_status"] == OK:
                parts.append(f"{ind.label} {nl_number(wijk[ind.key], decimals_for(ind.unit))} "
                             f"(gemeente {nl_number(gemeenten.at[gm, ind.key], decimals_for(ind.unit))})")
        cells.append("; ".join(parts) or MISSING_TEXT)
    if "leefbaarheid" in shown:
        scored = buurten[buurten.get("lbm_klasse_status", pd.Series(dtype=object)) == OK] if "lbm_klasse_status" in buurten else buurten.iloc[:0]
        if len(scored):
            low = scored.loc[scored["lbm_klasse"].idxmin()]
            cells.append(f"laagste {liveability_text(low['lbm_klasse'], OK)} ({low.get('buurtnaam', low['buurtcode'])})")
        else:
            cells.append("geen score")
    return tuple(cells)


def key_points(ctx: PrintContext, wijken: pd.DataFrame, scope: pd.DataFrame) -> list[Block]:
    """What stands out, per domain and per wijk, in sentences whose figures the wijk pages show."""
    codes = list(wijken["wijkcode"])
    shown = domain_indicators(ctx)
    blocks: list[Block] = [Heading("Sociaal"), Items(tuple(_social_points(ctx, scope, codes)))]
    if "veiligheid" in shown:
        points = _safety_points(ctx, scope, codes, shown["veiligheid"])
        blocks += [Heading("Veiligheid"), Items(tuple(points or ["Geen wijk valt op in de veiligheidscijfers."]))]
    if "leefbaarheid" in shown:
        blocks += [Heading("Leefbaarheid"), Items(tuple(_liveability_points(ctx, scope)))]
    lines = []
    for _, wijk in wijken.iterrows():
        buurten = scope[scope["wijkcode"] == wijk["wijkcode"]]
        lines.append((int(buurten["aandachtsbuurt"].fillna(False).astype(bool).sum()), _wijk_line(ctx, wijk, buurten, shown)))
    if len(lines) > 1 or len(wijken) == 1:
        ordered = sorted(lines, key=lambda item: -item[0])[:KEY_WIJK_LINES] if len(lines) > KEY_WIJK_LINES else lines
        header = ["Wijk", "Sociaal"] + (["Veiligheid"] if "veiligheid" in shown else []) + \
            (["Leefbaarheid"] if "leefbaarheid" in shown else [])
        blocks += [Heading("Per wijk"), Table(tuple(header), tuple(line for _, line in ordered),
                                              ("left",) * len(header), caption="Per wijk de drie domeinen in het kort")]
        if len(lines) > KEY_WIJK_LINES:
            blocks.append(Text(f"De {KEY_WIJK_LINES} wijken met de meeste aandachtsbuurten; de overige "
                               f"{len(lines) - KEY_WIJK_LINES} staan op hun eigen pagina's.", style="note"))
    blocks.append(Text(f"Een wijk of buurt valt op als haar cijfer {nl_number((STANDS_OUT - 1) * 100, 0)}% of meer "
                       "boven dat van de gemeente ligt; alle cijfers staan in de tabellen van de wijkpagina's.",
                       style="note"))
    return blocks


def key_points_section(ctx: PrintContext, wijken: pd.DataFrame, scope: pd.DataFrame) -> Section:
    return Section("Kernpunten", f"{ctx.data.title} · {ctx.date}", tuple(key_points(ctx, wijken, scope)),
                   outline="Kernpunten")


# --- sections -----------------------------------------------------------------------------------

def _state_blocks(ctx: PrintContext, buurten: pd.DataFrame, code: str) -> list[Block]:
    blocks: list[Block] = [Heading("Sociale staat"), Text(_state_sentence(ctx, buurten, code))]
    note = coverage_note(buurten, ctx.data)
    if note:
        blocks.append(Text(note))
    flagged = _flag_items(buurten)
    if flagged:
        blocks += [Heading("Aandachtsbuurten met redenen", level=3), *flagged]
    return blocks


def _wijk_section(ctx: PrintContext, wijk: pd.Series) -> Section:
    buurten, code, gemeentenaam = _wijk_parts(ctx, wijk)
    title = _wijk_title(ctx, wijk)
    blocks = [_wijk_map(ctx, buurten, code, heights=WIJK_MAP), *_figure_tables(ctx, code),
              *_state_blocks(ctx, buurten, code)]
    return Section(title, _area_subtitle(ctx, buurten, code, gemeentenaam), tuple(blocks), outline=title)


def _visit_sections(ctx: PrintContext, wijk: pd.Series) -> list[Section]:
    """A wijkbezoek's pages of one wijk: the area on one map with buurt names, then per buurt the
    three domains side by side, the social state and the aandachtsbuurten with their reasons."""
    buurten, code, gemeentenaam = _wijk_parts(ctx, wijk)
    title = _wijk_title(ctx, wijk)
    subtitle = _area_subtitle(ctx, buurten, code, gemeentenaam)
    area = Section(title, subtitle, (_wijk_map(ctx, buurten, code, heights=(600.0, 400.0)),),
                   outline=f"{title}: kaart")
    change = change_blocks(ctx.change, code, [i.key for i in ctx.need], rules=ctx.change_rules)
    figures = Section(f"{title}: buurten", subtitle,
                      (*_figure_tables(ctx, code), *_state_blocks(ctx, buurten, code), *change),
                      outline=f"{title}: buurten in drie domeinen" if has_domains(ctx) else f"{title}: buurten")
    return [area, figures]


def _flags_section(ctx: PrintContext, scope: pd.DataFrame) -> Section:
    several = ctx.several_gemeenten
    where = {}
    for _, row in scope.iterrows():
        wijk = str(row.get("wijknaam", row["wijkcode"]))
        where[row["buurtcode"]] = f"{wijk}, {ctx.gemeentenaam(row['wijkcode'])}" if several else wijk
    items = _flag_items(scope, where=where)
    n = int(scope["aandachtsbuurt"].fillna(False).astype(bool).sum())
    if items:
        blocks = [Text(flag_sentence(n, len(scope)) + " Gesorteerd op stapeling (aantal hoge indicatoren), hoogste "
                       "eerst."), *items]
    else:
        blocks = [Text(flag_sentence(0, len(scope)) + " De regels staan in de bijlage.")]
    return Section("Alle aandachtsbuurten met redenen", f"{ctx.data.title} · {ctx.date}", tuple(blocks),
                   outline="Alle aandachtsbuurten met redenen")


def comparison_section(ctx: PrintContext) -> Section:
    """The gemeente beside its size class, the Netherlands and an own group: a table per gemeente
    with bars per indicator, and the gaps of each group value."""
    data = ctx.data
    blocks: list[Block] = []
    indicators = [i for i in data.indicators if i.key in data.comparison]
    half = (CONTENT_WIDTH - 14) / 2
    for part, header, rows in comparison_rows_per_gemeente(data):
        blocks += [Heading(header[1]), Table(tuple(header), tuple(map(tuple, rows)),
                                             ("left",) + ("right",) * (len(header) - 1),
                                             caption=f"{header[1]} naast grootteklasse en Nederland")]
        charts = []
        for i in indicators:
            svg, alt, height = bar_chart(f"{i.label} ({i.unit})", list(part["naam"]), list(part[i.key]),
                                         [OK if not pd.isna(v) else "ontbreekt" for v in part[i.key]], None,
                                         decimals_for(i.unit), width=half)
            charts.append(Figure(svg, alt, height=height))
        for k in range(0, len(charts), 2):
            blocks.append(Beside(tuple(charts[k:k + 1]), tuple(charts[k + 1:k + 2]), share=0.5))
    notes = gaps_text(data.comparison, indicators)
    notes.append("Alle vergelijkingscijfers zijn berekend uit opgetelde aantallen van de gemeenten (nooit als "
                 "gemiddelde van hun cijfers); '(n van N)' = berekend over de n gemeenten met een cijfer. "
                 "Grootteklassen van het CBS naar aantal inwoners.")
    blocks += [Text(t, style="note") for t in notes]
    return Section("Vergelijking met grootteklasse en Nederland", f"{data.title} · {data.subtitle}", tuple(blocks),
                   outline="Vergelijking met grootteklasse en Nederland")


def _sources_section(ctx: PrintContext) -> Section:
    """The technical annex: sources, joins, definitions, the rules and the methods."""
    data = ctx.data
    blocks: list[Block] = [Heading("Bronnen"), Text(data.subtitle), Text(source_list(data), lead="Bestanden:")]
    for report in data.reports:
        blocks.append(Text(
            f"Koppeling {report.bron_cijfers} aan {report.bron_grenzen}: {plural(len(report.gekoppeld), 'buurt', 'buurten')} "
            f"gekoppeld, {len(report.alleen_grenzen)} alleen in de grenzen, {len(report.alleen_cijfers)} alleen in de "
            "cijfers."))
    if data.warnings:
        blocks += [Heading("Let op"), *(Text(w) for w in _warnings(ctx))]
    blocks += [Heading("Definities"), Items(tuple(f"{ind.label} ({ind.unit}): {ind.description}"
                                                  for ind in data.indicators), marker="–")]
    blocks += [Heading("Aandachtsbuurten"), Text(ctx.settings.describe()),
               Heading("Methode"),
               Text("De behoefte-index van een buurt is het gemiddelde van de z-scores (afstand tot het gemiddelde van "
                    "de buurten in standaarddeviaties) van de behoefte-indicatoren. Samenhang tussen indicatoren is "
                    "gemeten met de rangcorrelatie van Spearman (rho); bij veel toetsen tegelijk is de kans op een "
                    "toevallige vondst begrensd met de false discovery rate (FDR)."),
               Heading("Kleine aantallen"), Text(data.small_numbers.describe()),
               Heading("Leeswijzer"),
               Text(f"{FLAG_MARK} = aandachtsbuurt; op kaarten: {_flag_marking()}. '{MISSING_TEXT}' = geen cijfer in "
                    "de bron. Wijk- en gemeentecijfers zijn berekend uit opgetelde aantallen van de buurten, niet als "
                    "gemiddelde van buurtpercentages.")]
    return Section(f"{ANNEX}: bronnen, definities en regels", f"{data.title} · {ctx.date}", tuple(blocks),
                   outline=f"{ANNEX}: bronnen, definities en regels", annex=True)


def _progress_and_trend_blocks(ctx: PrintContext, code: str) -> list[Block]:
    """The targets of a wijk and its buurten, and the trend of the wijk when there are more than two years."""
    own = results_for_wijk(ctx.targets, code)
    blocks: list[Block] = progress_blocks(own, heading="Doelen in deze wijk", rules=ctx.change_rules) if own else []
    return blocks + trend_blocks(ctx.series, code)


def _progress_sections(ctx: PrintContext, wijken: pd.DataFrame) -> list[Section]:
    """The briefing's progress page: the targets of the gemeente and of the wijken in the briefing."""
    codes = set(wijken["wijkcode"])
    shown = tuple(r for r in ctx.targets if r.level == "gemeente" or r.code in codes or r.wijkcode in codes)
    section = progress_section(shown, title="Doelen: voortgang sinds de nulmeting", subtitle=f"{ctx.data.title} · {ctx.date}",
                               rules=ctx.change_rules)
    return [section] if section is not None else []


# --- the wijk profile ----------------------------------------------------------------------------

def _notes(ctx: PrintContext) -> list[Text]:
    notes = [f"Leeswijzer: {FLAG_MARK} = aandachtsbuurt; '{MISSING_TEXT}' = geen cijfer in de bron; wijk- en "
             "gemeentecijfers zijn berekend uit opgetelde aantallen.",
             "Regels: " + ctx.settings.describe(),
             "Kleine aantallen: " + ctx.data.small_numbers.describe()]
    return [Text(t, style="note") for t in notes]


def profile_document(ctx: PrintContext, wijk: pd.Series) -> Document:
    """One wijk's profile: the map beside the charts of its need indicators, the figures per buurt,
    its aandachtsbuurten with their reasons, its targets, and the rules; one page where it fits."""
    buurten, code, gemeentenaam = _wijk_parts(ctx, wijk)
    subtitle = f"{_area_subtitle(ctx, buurten, code, gemeentenaam)} · {ctx.date}"
    chart_width = (CONTENT_WIDTH - 14) * CHART_SHARE  # the column beside the map (14 pt apart)
    charts = bar_figures(ctx, buurten, code, chart_width)
    beside, below, used = [], [], 0.0
    for chart in charts:
        if not below and used + chart.height <= PROFILE_MAP[0]:
            beside.append(chart)
            used += chart.height + 12
        else:
            below.append(chart)
    blocks: list[Block] = [Beside((_wijk_map(ctx, buurten, code, heights=PROFILE_MAP),),
                                  tuple(beside), share=1 - CHART_SHARE)]
    for i in range(0, len(below), 2):  # charts that do not fit beside the map: two abreast
        pair = below[i:i + 2]
        blocks.append(Beside(tuple(pair[:1]), tuple(pair[1:]), share=0.5))
    blocks += _table_blocks(ctx, code)
    blocks += _progress_and_trend_blocks(ctx, code)
    n_flagged = int(buurten["aandachtsbuurt"].fillna(False).astype(bool).sum())
    blocks += [Heading("Aandachtsbuurten in deze wijk"), Text(flag_sentence(n_flagged, len(buurten))),
               *_flag_items(buurten)]
    blocks += _stacking_blocks(ctx, wijkcode=code)
    note = coverage_note(buurten, ctx.data)
    blocks += [Text(t) for t in [note, *(f"Let op: {w}" for w in _warnings(ctx))] if t]
    blocks += _notes(ctx)
    title = f"Wijkprofiel {wijk['wijknaam']}"
    return Document(title=title, footer=ctx.footer(f"{wijk['wijknaam']}, {gemeentenaam}"),
                    sections=(Section(title, subtitle, tuple(blocks)),), kind="wijkprofiel")


def _stacking_blocks(ctx: PrintContext, **where) -> list[Block]:
    """The section "Stapeling van ondersteuning" (:func:`~sociale_kaart.analysis.stacking_section.stacking_section`):
    a heading, its sentences and its published figures; nothing without linked registrations."""
    from ..analysis.stacking_section import stacking_section

    section = stacking_section(ctx.data, **where)
    if section is None:
        return []
    blocks: list[Block] = [Heading(section.title), *(Text(t) for t in section.sentences)]
    if section.rows:
        blocks.append(Table(("Leefgebieden", "Aantal"), tuple(section.rows), ("left", "right"), ()))
    return blocks


def profile_name(wijk) -> str:
    """The file name of a wijk's profile: ``wijkprofiel_WK055604_wijk_04_kapelpolder.pdf``."""
    return f"wijkprofiel_{wijk['wijkcode']}_{slugify(wijk['wijknaam'], 'wijk')}.pdf"


def profile_documents(ctx: PrintContext, wijken: pd.DataFrame) -> Iterator[tuple[str, str, Document]]:
    """One document per wijk: yields (file name, title, document)."""
    for _, wijk in wijken.iterrows():
        yield profile_name(wijk), f"Wijkprofiel {wijk['wijknaam']}", profile_document(ctx, wijk)


# --- the briefing --------------------------------------------------------------------------------

def briefing_document(ctx: PrintContext, wijken: pd.DataFrame, *, visit: bool = False) -> Document:
    """The briefing pack for the stuurgroep Integrale Veiligheid.

    The whole-gemeente briefing: cover (with contents); Kernpunten; the aandachtsbuurten on one map;
    one section per wijk (map with buurt names, the three domains per buurt when safety or
    liveability figures are there, the social state, every aandachtsbuurt with its reasons); all
    aandachtsbuurten with reasons; the comparison; the technical annex (sources, definitions,
    rules, methods).

    The pack for a wijkbezoek (`visit`, for the wijken chosen with ``--wijk``) opens the same way
    for its wijk, then per wijk its map with buurt names and one row per buurt of social state,
    safety and liveability side by side, its aandachtsbuurten with reasons, and the annex.
    """
    data = ctx.data
    title = visit_title(wijken) if visit else f"Briefing {data.title}"
    scope = ctx.table[ctx.table["wijkcode"].isin(set(wijken["wijkcode"]))]
    sections = [_cover_section(ctx, wijken, scope, visit=visit), key_points_section(ctx, wijken, scope)]
    if not visit:
        sections.append(_overview_section(ctx, scope))
        stacking = _stacking_blocks(ctx)
        if stacking:
            sections.append(Section(stacking[0].text, f"{data.title} · {ctx.date}", tuple(stacking[1:]),
                                    outline=stacking[0].text))
    for _, wijk in wijken.iterrows():
        sections += _visit_sections(ctx, wijk) if visit else [_wijk_section(ctx, wijk)]
    sections += _progress_sections(ctx, wijken)
    if not visit or len(wijken) > 1:
        sections.append(_flags_section(ctx, scope))
    if not visit and data.comparison is not None:
        sections.append(comparison_section(ctx))
    sections.append(_sources_section(ctx))
    return Document(title=title, footer=ctx.footer(title), sections=tuple(sections), contents=True,
                    kind="wijkbezoek" if visit else "briefing")


def _cover_section(ctx: PrintContext, wijken, scope, *, visit: bool = False) -> Section:
    data = ctx.data
    n_flags = int(scope["aandachtsbuurt"].fillna(False).astype(bool).sum())
    n_gemeenten = scope["gemeentecode"].nunique()
    reach = f"{plural(len(wijken), 'wijk', 'wijken')}, {plural(len(scope), 'buurt', 'buurten')}"
    if n_gemeenten > 1:
        reach += f" in {plural(n_gemeenten, 'gemeente', 'gemeenten')}"
    facts = [("Reikwijdte", reach)]
    if n_gemeenten > 1:  # each gemeente names its own wijken: "Wijk 01" means something per gemeente
        for _, group in wijken.groupby(wijken["wijkcode"].map(wijkcode_gemeente), sort=False):
            facts.append((ctx.gemeentenaam(group["wijkcode"].iloc[0]), _name_list(group["wijknaam"])))
    else:
        facts.append(("Wijken", _name_list(wijken["wijknaam"])))
    facts += [("Inwoners", nl_number(scope["inwoners"].sum(), 0)),
              ("Aandachtsbuurten", f"{n_flags} van {plural(len(scope), 'buurt', 'buurten')} (regels: in de bijlage)"),
              ("Cijfers", data.subtitle)]
    warnings = _warnings(ctx)
    if warnings:
        facts.append(("Let op", " ".join(warnings)))
    blocks = tuple(Text(text, lead=f"{label}:") for label, text in facts)
    heading = f"{visit_title(wijken)}: stuurgroep Integrale Veiligheid" if visit else "Briefing stuurgroep Integrale Veiligheid"
    return Section(heading, f"Sociale kaart {data.title} · {ctx.date}", blocks)


# --- pieces shared by the documents ----------------------------------------------------------------

def visit_title(wijken: pd.DataFrame) -> str:
    """The title of a wijkbezoek pack: "Wijkbezoek Kapelpolder" (the wijk's name without "Wijk 04").

    Examples
    --------
    >>> visit_title(pd.DataFrame({"wijknaam": ["Wijk 04 Kapelpolder"]}))
    'Wijkbezoek Kapelpolder'
    >>> visit_title(pd.DataFrame({"wijknaam": ["Oost", "West"]}))
    'Wijkbezoek Oost en West'
    """
    names = [short_name(n) for n in wijken["wijknaam"]]
    return "Wijkbezoek " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1])


def source_list(data) -> str:
    """Every source of the figures with its year: "kwb_2024.csv (2024); politie.csv (2023)"."""
    seen = []
    for report in data.reports:
        item = f"{report.bron_cijfers} ({report.jaar_cijfers})" if report.jaar_cijfers else report.bron_cijfers
        if item not in seen:
            seen.append(item)
    grenzen = data.reports[0] if data.reports else None
    if grenzen is not None:
        seen.append(f"buurtgrenzen {grenzen.bron_grenzen}" + (f" ({grenzen.jaar_grenzen})" if grenzen.jaar_grenzen else ""))
    return "; ".join(seen)


def _flag_marking() -> str:
    """How maps mark an aandachtsbuurt: the words between the brackets of the legend entry."""
    match = re.search(r"\((.*)\)", FLAG_LEGEND)
    return match.group(1) if match else FLAG_LEGEND


def _name_list(names) -> str:
    """Names joined by commas, each kept on one line ("Wijk 04 Zuid", not "Wijk / 04 Zuid")."""
    return ", ".join(str(n).replace(" ", NBSP) for n in names)


def _area_subtitle(ctx: PrintContext, buurten: pd.DataFrame, code: str, gemeentenaam: str) -> str:
    """"Maassluis · wijk WK055604 · 5 buurten · 7.585 inwoners": under a wijk's or own area's title."""
    return (f"{gemeentenaam} · {area_words(ctx, code)} · {plural(len(buurten), 'buurt', 'buurten')} · "
            f"{nl_number(buurten['inwoners'].sum(), 0)} inwoners")


def _state_sentence(ctx, buurten, code) -> str:
    """How many buurten are aandachtsbuurt, and how the wijk's need rates compare to the gemeente."""
    wijk = ctx.data.wijken.set_index("wijkcode").loc[code]
    gemeente = ctx.data.gemeenten.set_index("gemeentecode").loc[wijkcode_gemeente(code)]
    parts = []
    for ind in ctx.need:
        if wijk.get(f"{ind.key}_status") == OK and gemeente.get(f"{ind.key}_status") == OK and gemeente[ind.key]:
            ratio = wijk[ind.key] / gemeente[ind.key]
            word = "hoger dan" if ratio > 1.1 else ("lager dan" if ratio < 0.9 else "vergelijkbaar met")
            parts.append(f"{ind.label} {cell(wijk[ind.key], OK, ind.unit)} {ind.unit} ({word} de gemeente, "
                         f"{cell(gemeente[ind.key], OK, ind.unit)})")
    flagged = int(buurten["aandachtsbuurt"].fillna(False).astype(bool).sum())
    head = flag_sentence(flagged, len(buurten)) + " "
    return head + ("; ".join(parts) + "." if parts else "Geen vergelijkbare wijkcijfers.")


def comparison_rows_per_gemeente(data) -> Iterator[tuple[pd.DataFrame, list[str], list[list[str]]]]:
    """Per gemeente of the run: its comparison rows (gemeente, size class, Nederland, own group),
    a header naming them and one text row per indicator, as a begroting lists them."""
    table = data.comparison
    indicators = [i for i in data.indicators if i.key in table]
    for _, rows in table.groupby("gemeentecode", sort=False):
        header = ["Indicator", *(str(n) for n in rows["naam"])]
        body = []
        for indicator in indicators:
            cells = [f"{indicator.label} ({indicator.unit})"]
            for row in rows.itertuples(index=False):
                value = getattr(row, indicator.key)
                have, total = getattr(row, f"{indicator.key}_gemeenten"), row.gemeenten
                text = cell(value, OK, indicator.unit)
                if row.vergelijking != "gemeente" and have < total and not pd.isna(value):
                    text += f" ({have} van {total})"
                cells.append(text)
            body.append(cells)
        yield rows, header, body


def _wijk_parts(ctx: PrintContext, wijk: pd.Series) -> tuple[pd.DataFrame, str, str]:
    code = wijk["wijkcode"]
    buurten = ctx.table[ctx.table["wijkcode"] == code].sort_values("buurtcode")
    return buurten, code, ctx.gemeentenaam(code)


def _wijk_title(ctx: PrintContext, wijk: pd.Series) -> str:
    name = str(wijk["wijknaam"])
    return f"{name} ({ctx.gemeentenaam(wijk['wijkcode'])})" if ctx.several_gemeenten else name

