"""Print products: the wijk area profile and the briefing pack, as A4 pages.

Pages are laid out with :mod:`sociale_kaart.render.layout`: every text is measured in the print
font and wrapped, never cut; what does not fit a page goes on on the next one under a
"(vervolg)" title; every page has a running footer (area, date, source) and "pagina i van n".
This module returns matplotlib figures and writes nothing (:mod:`sociale_kaart.outputs` saves
them, with :func:`sociale_kaart.render.layout.print_rc` so that the font is embedded).

Numbers are Dutch (decimal comma, dot for thousands); a suppressed figure is always the word
"onderdrukt", never a number; a missing one is "–".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..analysis.need import LIVEABILITY_DIMENSIONS, weakest_dimension
from ..build.compare import gaps_text
from ..build.indicators import DOMAINS, OK, SUPPRESSED, Indicator
from ..errors import InputError
from ..sources.safety import CRIME_CAVEAT, LIVEABILITY_CLASSES, LIVEABILITY_WEAKEST
from ..texts import (MISSING_LABEL, MISSING_TEXT, SUPPRESSED_LABEL, border_labels, cell, decimals_for, nl_number,
                     plural, slugify)
from .classes import Classes, classify
from .layout import (BODY, BODY_SIZE, CONTENT_WIDTH, HEADING, MARGIN_BOTTOM, NBSP, PAGE_HEIGHT, SMALL_SIZE, Block,
                     Canvas, Columns, Drawing, Paragraph, Section, Spacer, Style, Table, TableStyle, footer_height,
                     header_height, paginate, render_pages, table_blocks, text_block, text_width, wrap)
from .progress_pages import change_blocks, progress_blocks, progress_section, results_for_wijk, trend_blocks
from .style import FLAG_LEGEND, GEMEENTE_BORDER_COLOUR, GEMEENTE_BORDER_WIDTH

FLAG_MARK = "*"
#: Notes and rules under a page's figures: body text, a little smaller and grey.
NOTE = Style(size=8.0, colour="#333333", leading=1.3)
CHART_SIZE = SMALL_SIZE
MAP_LABEL_SIZE = SMALL_SIZE
LEGEND_SIZE = SMALL_SIZE
#: Heights (points) a wijk map may take on the briefing's wijk pages and on the profile, largest
#: first: the largest that keeps the wijk on one page, or the last when it needs more pages anyway.
WIJK_MAP_HEIGHTS = (440.0, 400.0, 360.0, 320.0, 290.0, 260.0, 230.0)
PROFILE_MAP_HEIGHTS = (360.0, 330.0, 300.0, 270.0, 240.0, 215.0)
#: The widest the chart column of a profile is, as a share of the content width.
CHART_SHARE = 0.36
MAX_CHARTS = 4


@dataclass(frozen=True)
class PrintContext:
    """What every page needs: the dataset, the analysis, the classes of the run and the print date.

    `table` is the analysed buurt table.
    """

    data: object  # sociale_kaart.build.dataset.Dataset
    analysis: object  # sociale_kaart.analysis.need.Analysis
    classes: dict  # column -> Classes over the whole run, computed once by the orchestrator
    date: str
    targets: tuple = ()  # judged targets (sociale_kaart.analysis.targets.TargetResult), for the progress pages
    series: object | None = None  # sociale_kaart.build.series.Series: the years of the run, for the trend
    change_rules: str = ""  # ChangeSettings.describe(): when a change is judged
    change: pd.DataFrame | None = None  # sociale_kaart.build.change.change_table: change per buurt and wijk

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


def select_wijken(wijken: pd.DataFrame, selectors: list[str] | None) -> pd.DataFrame:
    """Wijken by code (WK055603) or name (Sluispolder; also part of "Wijk 04 Kapelpolder").

    A name that fits several wijken (``Oost`` in two gemeenten) stops with the candidates.

    Examples
    --------
    >>> w = pd.DataFrame({"wijkcode": ["WK000101", "WK000201"], "wijknaam": ["Oost", "Oost"],
    ...                   "gemeentecode": ["GM0001", "GM0002"]})
    >>> select_wijken(w, ["WK000201"])["wijkcode"].tolist()
    ['WK000201']
    >>> select_wijken(w, ["oost"])
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: wijk 'oost' is niet eenduidig: WK000101 Oost (GM0001), WK000201 Oost (GM0002); geef de wijkcode
    """
    if not selectors:
        return wijken
    chosen = []
    for raw in selectors:
        sel = raw.strip()
        hit = wijken[wijken["wijkcode"].str.upper() == sel.upper()]
        if hit.empty:
            names = wijken["wijknaam"].astype(str).str.casefold()
            hit = wijken[names == sel.casefold()]
            if hit.empty:
                hit = wijken[names.str.contains(re.escape(sel.casefold()), regex=True)]
        if len(hit) > 1:
            options = ", ".join(f"{c} {n} ({g})" for c, n, g in zip(hit["wijkcode"], hit["wijknaam"],
                                                                    hit.get("gemeentecode", [""] * len(hit))))
            raise InputError(f"wijk {sel!r} is niet eenduidig: {options}; geef de wijkcode")
        if hit.empty:
            known = ", ".join(f"{c} {n}" for c, n in zip(wijken["wijkcode"], wijken["wijknaam"]))
            raise InputError(f"wijk {sel!r} niet gevonden; kies uit: {known}")
        chosen.append(hit)
    return pd.concat(chosen).drop_duplicates("wijkcode")


def wijkcode_gemeente(wijkcode: str) -> str:
    """The gemeentecode of a CBS wijk (``WK055604``) or of an own area (``GM0556-E04``)."""
    from ..build.layouts import gemeente_of_area

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
        name = str(row.get("buurtnaam", row["buurtcode"]))
        name = (f"{FLAG_MARK} " if row.get("aandachtsbuurt", False) else "") + name
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
    >>> liveability_text(4.0, "ok"), liveability_text(float("nan"), "ontbreekt")
    ('4 zwak', '–')
    """
    text = cell(value, status, "klasse")
    return f"{text} {LIVEABILITY_CLASSES[int(value)]}" if status == OK and int(value) in LIVEABILITY_CLASSES else text


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
        name = (f"{FLAG_MARK} " if row.get("aandachtsbuurt", False) else "") + str(row.get("buurtnaam", row["buurtcode"]))
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
    aligns = ["left" if h in ("Gebied", WEAKEST) else "right" for h in header]  # names left, figures right
    tables = table_blocks(header, rows, bold_rows=bold, shaded_rows=bold, aligns=aligns)
    blocks: list[Block] = [text_block([Paragraph(heading, HEADING)], keep_with_next=True)]
    if len(tables) == 1:
        blocks.append(_domain_band(tables[0], domains))
    else:  # too many columns for one table: each column says its domain
        header = [f"{d.capitalize()}: {h}" if d else h for h, d in zip(header, domains)]
        tables = table_blocks(header, rows, bold_rows=bold, shaded_rows=bold, aligns=aligns)
    for i, table in enumerate(tables):
        blocks += [Spacer(6)] if i else []
        blocks.append(table)
    notes = []
    if "veiligheid" in domains:
        notes.append("Veiligheid: " + CRIME_CAVEAT)
    if "leefbaarheid" in domains:
        notes.append("Leefbaarheid: " + LIVEABILITY_WEAKEST)
    if notes:
        blocks += [Spacer(3), text_block([Paragraph(t, NOTE, space_before=2) for t in notes])]
    return blocks


def _domain_band(table: Table, domains: list[str]) -> Table:
    """A header row above `table` with each domain's name over its columns."""
    widths, names = [], []
    for width, domain in zip(table.widths, domains):
        if names and names[-1] == domain:
            widths[-1] += width
        else:
            widths.append(width)
            names.append(domain)
    style = replace(table.style, header_fill="#ffffff")
    header = [[name.capitalize()] if name else [""] for name in names]
    return Table(widths=widths, aligns=["center"] * len(widths), header=header, rows=[], bold=[], shaded=[],
                 style=style, keep_with_next=True)


# --- bar charts ----------------------------------------------------------------------------------

@dataclass
class BarChart(Block):
    """Horizontal bars per buurt with the value at the end and the gemeente value as a dashed line.

    Suppressed and missing buurten get a word instead of a bar; when no buurt has a value the
    chart says so instead of drawing an empty axis. Splits between buurten.
    """

    title: str
    names: list[str]
    values: list[float]
    statuses: list[str]
    reference: float | None
    decimals: int
    width: float
    continued: bool = False  #: the rest of a chart split over two pages

    def __post_init__(self):
        self.title_lines = wrap(self.title + (" (vervolg)" if self.continued else ""), self.width, CHART_SIZE + 0.5, "bold")
        self.shown = [s == OK and v is not None and not pd.isna(v) for v, s in zip(self.values, self.statuses)]
        self.label_width = min(max((text_width(n, CHART_SIZE) for n in self.names), default=0.0) + 2, self.width * 0.45)
        self.name_lines = [wrap(n, self.label_width, CHART_SIZE) for n in self.names]

    @property
    def line(self) -> float:
        return CHART_SIZE * 1.2

    @property
    def head_height(self) -> float:
        return len(self.title_lines) * (CHART_SIZE + 0.5) * 1.25 + (self.line if self._has_reference else 0) + 2

    @property
    def _has_reference(self) -> bool:
        return self.reference is not None and not pd.isna(self.reference)

    def row_height(self, i: int) -> float:
        return max(1, len(self.name_lines[i])) * self.line + 1.6

    @property
    def empty(self) -> bool:
        """No buurt has a value: the chart is a note (a continued part always lists its buurten)."""
        return not any(self.shown) and not self.continued

    @property
    def height(self) -> float:
        if self.empty:
            return self.head_height + self.line * 2 + 8
        return self.head_height + sum(self.row_height(i) for i in range(len(self.names))) + 8

    def split(self, available):
        if self.height <= available:
            return self, None
        if self.empty:
            return None, self
        used, cut = self.head_height + 8, 0
        for i in range(len(self.names)):
            if used + self.row_height(i) > available:
                break
            used += self.row_height(i)
            cut += 1
        if cut == 0:
            return None, self
        part = lambda sl, cont: BarChart(self.title, self.names[sl], self.values[sl], self.statuses[sl],  # noqa: E731
                                         self.reference, self.decimals, self.width, cont)
        return part(slice(0, cut), self.continued), part(slice(cut, None), True)

    def draw(self, canvas: Canvas, x: float, top: float) -> None:
        y = top
        title_style = Style(CHART_SIZE + 0.5, "bold", leading=1.25)
        for line in self.title_lines:
            canvas.text(x, y, line, title_style)
            y += title_style.line_height
        small = Style(CHART_SIZE, leading=1.2)
        grey = Style(CHART_SIZE, colour="#666666", leading=1.2)
        if self._has_reference:
            mid = y + self.line / 2
            canvas.line(x, mid, x + 14, mid, colour="#1a1a1a", linewidth=0.8, linestyle=(0, (3, 2)))
            canvas.text(x + 18, y, f"gemeente {nl_number(self.reference, self.decimals)}", small)
            y += self.line
        y += 2
        if self.empty:
            every = set(self.statuses)
            note = ("alle waarden onderdrukt (kleine aantallen)" if every == {SUPPRESSED}
                    else "geen gegevens" if SUPPRESSED not in every else "alle waarden onderdrukt of zonder gegevens")
            for line in wrap(note, self.width, CHART_SIZE):
                canvas.text(x, y, line, grey)
                y += self.line
            return
        values = [float(v) for v, ok in zip(self.values, self.shown) if ok]
        labels = [nl_number(v, self.decimals) for v in values]
        low = min([0.0] + values + ([float(self.reference)] if self._has_reference else []))
        high = max([0.0] + values + ([float(self.reference)] if self._has_reference else []))
        span = (high - low) or 1.0
        value_width = max((text_width(t, CHART_SIZE) for t in labels), default=0.0) + 3
        x0 = x + self.label_width + 4
        bar_width = max(10.0, self.width - (x0 - x) - value_width)
        scale = lambda v: x0 + (v - low) / span * bar_width  # noqa: E731
        rows_top = y
        ref_x = scale(float(self.reference)) if self._has_reference else None
        hidden: list[tuple[float, float]] = []
        for i, name_lines in enumerate(self.name_lines):
            height = self.row_height(i)
            for j, text in enumerate(name_lines):
                canvas.text(x, y + j * self.line, text, small)
            if self.shown[i]:
                value = float(self.values[i])
                start, end = sorted((scale(0.0), scale(value)))
                canvas.rect(start, y + 1.2, max(end - start, 0.3), self.line - 2.4, facecolor="#fc8d59",
                            edgecolor="#7f2704", linewidth=0.3, zorder=2)
                label = nl_number(value, self.decimals)
                left = max(end, scale(0.0)) + 2
                if ref_x is not None and left - 1.5 <= ref_x <= left + text_width(label, CHART_SIZE) + 1.5:
                    hidden.append((y, y + height))  # the gemeente line stops short of the value
                canvas.text(left, y, label, small)
            else:
                word = "onderdrukt" if self.statuses[i] == SUPPRESSED else MISSING_LABEL
                canvas.text(x0, y, word, grey)
            y += height
        canvas.line(scale(0.0), rows_top, scale(0.0), y - 2, colour="#666666", linewidth=0.5)
        if ref_x is not None:
            start = rows_top - 1
            for gap_top, gap_bottom in [*hidden, (y - 1, y - 1)]:
                if gap_top > start:
                    canvas.line(ref_x, start, ref_x, gap_top, colour="#1a1a1a", linewidth=0.8, linestyle=(0, (3, 2)),
                                zorder=3)
                start = max(start, gap_bottom)


def bar_charts(ctx: PrintContext, buurten: pd.DataFrame, code: str, width: float) -> list[BarChart]:
    """One chart per need indicator (at most :data:`MAX_CHARTS`) of the wijk's buurten."""
    gemeente = ctx.data.gemeenten.set_index("gemeentecode")
    names = [str(n) for n in buurten.get("buurtnaam", buurten["buurtcode"])]
    charts = []
    for ind in ctx.need[:MAX_CHARTS]:
        ref = None
        if ind.key in gemeente and wijkcode_gemeente(code) in gemeente.index:
            status = gemeente.get(f"{ind.key}_status")
            if status is None or status[wijkcode_gemeente(code)] == OK:
                ref = gemeente.at[wijkcode_gemeente(code), ind.key]
        charts.append(BarChart(f"{ind.label} ({ind.unit})", names, buurten[ind.key].to_list(),
                               buurten[f"{ind.key}_status"].to_list(), ref, decimals_for(ind.unit), width))
    return charts


@dataclass
class Stack(Block):
    """Blocks one under the other with a gap; never split."""

    blocks: list[Block]
    gap: float = 10.0

    @property
    def height(self) -> float:
        return sum(b.height for b in self.blocks) + self.gap * max(0, len(self.blocks) - 1)

    def draw(self, canvas, x, top):
        for block in self.blocks:
            block.draw(canvas, x, top)
            top += block.height + self.gap


# --- maps ----------------------------------------------------------------------------------------

@dataclass
class MapSpec:
    """A map of some buurten on classes, with its caption and legend, in a box of the page."""

    table: pd.DataFrame  #: the buurten to draw (the rest of their gemeente is grey context)
    wijken: object
    codes: list[str]
    indicator: Indicator
    classes: Classes
    caption: str = ""
    focus_wijk: str | None = None
    gemeente_borders: bool = False
    border_label: str = border_labels(None)[0]


def legend_layout(labels: list[str], title: str, width: float, size: float = LEGEND_SIZE) -> tuple[int, float]:
    """Columns and height (points) of a map legend that must fit `width` points.

    Entries fill the columns in order, as matplotlib's legend does (``numpy.array_split``).
    """
    handle = 2.0 * size + 0.8 * size  # handle length and the pad to its label
    widths = [text_width(t, size) for t in labels]
    for ncol in (4, 3, 2, 1):
        columns = [list(c) for c in np.array_split(np.asarray(widths), ncol) if len(c)]
        total = sum(handle + max(c) for c in columns) + (len(columns) - 1) * 2.0 * size + 2 * 0.9 * size
        if total <= width and text_width(title, size + 1) <= width:
            break
    rows = math.ceil(len(labels) / ncol)
    height = 2 * 0.9 * size + (size + 1) * 1.4 + rows * size * 1.25 + max(0, rows - 1) * 0.5 * size
    return ncol, height + 2


def _legend_labels(spec: MapSpec, focus: pd.DataFrame) -> list[str]:
    labels = spec.classes.labels(decimals_for(spec.indicator.unit)) + [MISSING_LABEL, SUPPRESSED_LABEL]
    if "aandachtsbuurt" in focus and focus["aandachtsbuurt"].fillna(False).astype(bool).any():
        labels.append(FLAG_LEGEND)
    return labels + [spec.border_label]


def map_block(spec: MapSpec, width: float, height: float) -> Drawing:
    """A Drawing of the map with its caption above and its legend below, `height` points in all."""
    return Drawing(width, height, lambda canvas, x, top, w, h: draw_map(canvas, spec, x, top, w, h))


def draw_map(canvas: Canvas, spec: MapSpec, x: float, top: float, width: float, height: float) -> None:
    """Draw `spec` into the box; the map gets what the caption and legend leave."""
    table = spec.table
    inside = table["buurtcode"].isin(spec.codes).to_numpy()
    focus = table[inside]
    caption_height = 0.0
    if spec.caption:
        style = Style(CHART_SIZE + 0.5, "bold", leading=1.25)
        for line in wrap(spec.caption, width, style.size, "bold"):
            canvas.text(x, top + caption_height, line, style)
            caption_height += style.line_height
        caption_height += 2
    legend_title = f"{spec.indicator.label} ({spec.indicator.unit})" if spec.indicator.unit else spec.indicator.label
    ncol, legend_height = legend_layout(_legend_labels(spec, focus), legend_title, width)
    ax = canvas.axes(x, top + caption_height, width, height - caption_height - legend_height)
    legend_box = (x / canvas.width, 1 - (top + height) / canvas.height, width / canvas.width,
                  legend_height / canvas.height)
    draw_area_map(ax, table, spec.wijken, spec.codes, spec.indicator, spec.classes, focus_wijk=spec.focus_wijk,
                  fontsize=MAP_LABEL_SIZE, legend_box=legend_box, legend_ncol=ncol,
                  gemeente_borders=spec.gemeente_borders, border_label=spec.border_label)


def draw_area_map(ax, table, wijken, buurten_codes, indicator: Indicator, classes, *, focus_wijk: str | None = None,
                  fontsize: float = MAP_LABEL_SIZE, legend_box=None, legend_ncol: int = 4,
                  gemeente_borders: bool = False, border_label: str = border_labels(None)[0]) -> None:
    """A map of some buurten on the run's classes; the rest of the table in grey for context.

    `legend_box` (left, bottom, width, height as fractions of the figure) places the legend in a
    band of its own; None draws no legend.
    """
    from .static import add_north_arrow, add_polygons, add_scale_bar, draw_choropleth, label_buurten

    inside = table["buurtcode"].isin(buurten_codes).to_numpy()
    focus = table[inside]
    xmin, ymin, xmax, ymax = focus.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.06 + 50
    add_polygons(ax, table.geometry.values[~inside], facecolor="#f0f0f0", edgecolor="#c8c8c8", linewidth=0.4, zorder=1)
    sub_classes = type(classes)(classes.bins, classes.minimum, classes.classes[inside], classes.scheme)
    if wijken is not None and "geometry" in wijken:
        if focus_wijk is not None:
            wijken = wijken[wijken["wijkcode"] == focus_wijk]
    else:
        wijken = None
    # The legend is made on the map's own axes (no second axes: they are slow to make) and then
    # moved into its band.
    draw_choropleth(ax, focus, wijken, indicator, sub_classes, labels=False, legend=legend_box is not None,
                    fontsize=fontsize, legend_ax=ax if legend_box is not None else None, border_label=border_label)
    if legend_box is not None:
        _place_legend(ax, legend_box, legend_ncol, fontsize)
    if gemeente_borders:
        merged = focus.dissolve(by="gemeentecode")
        add_polygons(ax, merged.geometry.values, facecolor="none", edgecolor=GEMEENTE_BORDER_COLOUR,
                     linewidth=GEMEENTE_BORDER_WIDTH * 0.6, zorder=3.5)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    label_buurten(ax, focus, fontsize)
    add_scale_bar(ax, fontsize=fontsize)
    add_north_arrow(ax, fontsize=fontsize + 2)


def _place_legend(ax, box, ncol: int, fontsize: float) -> None:
    """Move the legend of `ax` to `box` (figure fractions), in `ncol` columns (the static map draws four)."""
    from matplotlib.transforms import Bbox

    legend = ax.get_legend()
    if legend is None:
        return
    if ncol != 4:
        handles, texts = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
        title = legend.get_title().get_text()
        legend.remove()
        legend = ax.legend(handles=handles, labels=texts, title=title, loc="upper left", ncol=ncol, fontsize=fontsize,
                           title_fontsize=fontsize + 1, frameon=False, alignment="left")
    legend.set_bbox_to_anchor(Bbox.from_bounds(*box), transform=ax.figure.transFigure)


# --- the wijk profile ----------------------------------------------------------------------------

def _wijk_parts(ctx: PrintContext, wijk: pd.Series) -> tuple[pd.DataFrame, str, str]:
    code = wijk["wijkcode"]
    buurten = ctx.table[ctx.table["wijkcode"] == code].sort_values("buurtcode")
    return buurten, code, ctx.gemeentenaam(code)


def _wijk_map_spec(ctx: PrintContext, buurten, code: str) -> MapSpec:
    indicator = ctx.need[0]
    return MapSpec(ctx.table, ctx.data.wijken, list(buurten["buurtcode"]), indicator, ctx.classes_for(indicator.key),
                   border_label=border_labels(ctx.data.wijk_layout)[0],
                   caption=f"{indicator.label}, {indicator.unit} (klassen van de hele gemeente)", focus_wijk=code)


def _table_section(ctx: PrintContext, code: str, indicators: list[Indicator] | None = None, *,
                   heading: str = "Cijfers per buurt") -> list[Block]:
    header, rows, bold = comparison_rows(ctx, code, indicators)
    tables = table_blocks(header, rows, bold_rows=bold, shaded_rows=bold)
    blocks: list[Block] = [text_block([Paragraph(heading, HEADING)], keep_with_next=True)]
    for i, table in enumerate(tables):
        if i:
            blocks += [Spacer(6), text_block([Paragraph("Cijfers per buurt (meer indicatoren)", Style(8.0, "bold"))],
                                             keep_with_next=True)]
        blocks.append(table)
    return blocks


def _flag_paragraphs(ctx: PrintContext, buurten: pd.DataFrame, *, heading: str, with_count: bool,
                     extra: list[str] = ()) -> list[Paragraph]:
    n_flagged = int(buurten["aandachtsbuurt"].fillna(False).astype(bool).sum())
    indent = text_width(f"{FLAG_MARK} ", BODY_SIZE)
    paragraphs = [Paragraph(heading, HEADING, keep_with_next=True)]
    if with_count:
        paragraphs.append(Paragraph(flag_sentence(n_flagged, len(buurten))))
    paragraphs += [Paragraph(t, BODY, indent=indent, space_before=3) for t in flag_entries(buurten)]
    paragraphs += [Paragraph(t, BODY, space_before=5) for t in extra if t]
    return paragraphs


def _notes(ctx: PrintContext) -> list[Paragraph]:
    data = ctx.data
    notes = [f"Leeswijzer: {FLAG_MARK} = aandachtsbuurt; '{MISSING_TEXT}' = geen cijfer in de bron; wijk- en "
             "gemeentecijfers zijn berekend uit opgetelde aantallen.",
             "Regels: " + ctx.settings.describe(),
             "Kleine aantallen: " + data.small_numbers.describe()]
    return [Paragraph(t, NOTE, space_before=2) for t in notes]


def profile_document(ctx: PrintContext, wijk: pd.Series) -> tuple[list[Section], str]:
    """The sections of one wijk's profile and its footer.

    The map shrinks (down to :data:`PROFILE_MAP_HEIGHTS`'s last) to keep the profile on one
    page; what still does not fit goes on on a second page.
    """
    buurten, code, gemeentenaam = _wijk_parts(ctx, wijk)
    subtitle = f"{_area_subtitle(ctx, buurten, code, gemeentenaam)} · {ctx.date}"
    footer = ctx.footer(f"{wijk['wijknaam']}, {gemeentenaam}")
    spec = _wijk_map_spec(ctx, buurten, code)
    chart_width = CONTENT_WIDTH * CHART_SHARE
    map_width = CONTENT_WIDTH - chart_width - 14
    note = coverage_note(buurten, ctx.data)
    text = text_block(_flag_paragraphs(ctx, buurten, heading="Aandachtsbuurten in deze wijk", with_count=True,
                                       extra=[note, *(f"Let op: {w}" for w in ctx.data.warnings)])
                      + _stacking_paragraphs(ctx, wijkcode=code))  # content: analysis.stacking

    charts = bar_charts(ctx, buurten, code, chart_width)
    table = _table_section(ctx, code)
    notes = text_block(_notes(ctx))

    def build(map_height: float) -> list[Section]:
        beside, below, used = [], [], 0.0
        for chart in charts:
            if not below and used + chart.height <= map_height:
                beside.append(chart)
                used += chart.height + 10
            else:
                below.append(chart)
        top = Columns([(0.0, map_block(spec, map_width, map_height)), (map_width + 14, Stack(beside))])
        blocks: list[Block] = [top, Spacer(8), *table]
        half = (CONTENT_WIDTH - 14) / 2
        for i in range(0, len(below), 2):  # charts that do not fit beside the map: two abreast
            pair = [BarChart(c.title, c.names, c.values, c.statuses, c.reference, c.decimals, half)
                    for c in below[i:i + 2]]
            blocks += [Spacer(10), Columns([(k * (half + 14), c) for k, c in enumerate(pair)])]
        blocks += _progress_and_trend_blocks(ctx, code)
        blocks += [Spacer(10), text, Spacer(6), notes]
        return [Section(f"Wijkprofiel {wijk['wijknaam']}", subtitle, blocks)]

    for map_height in PROFILE_MAP_HEIGHTS:
        sections = build(map_height)
        if len(paginate(sections, footer)) == 1:
            return sections, footer
    return build(PROFILE_MAP_HEIGHTS[0]), footer  # more than a page anyway: the full map


def _stacking_paragraphs(ctx: PrintContext, **where) -> list[Paragraph]:
    """The section "Stapeling van ondersteuning" (:func:`~sociale_kaart.analysis.stacking.stacking_section`)."""
    from ..analysis.stacking import stacking_section

    section = stacking_section(ctx.data, **where)
    if section is None:
        return []
    return [Paragraph(section.title, HEADING, keep_with_next=True, space_before=6),
            *(Paragraph(t, BODY, space_before=3) for t in section.sentences)]


def profile_documents(ctx: PrintContext, wijken: pd.DataFrame) -> Iterator[tuple[str, str, list]]:
    """One PDF per wijk: yields (file name, title, figures), usually one page, more when needed."""
    for _, wijk in wijken.iterrows():
        slug = slugify(wijk["wijknaam"], "wijk")
        sections, footer = profile_document(ctx, wijk)
        pages = paginate(sections, footer)
        yield (f"wijkprofiel_{wijk['wijkcode']}_{slug}.pdf", f"Wijkprofiel {wijk['wijknaam']}",
               render_pages(pages, footer))


# --- the briefing --------------------------------------------------------------------------------

def briefing_sections(ctx: PrintContext, wijken: pd.DataFrame, *, visit: bool = False) -> tuple[list[Section], str]:
    """The sections of the briefing pack for the stuurgroep Integrale Veiligheid, and its footer.

    The whole-gemeente briefing: cover (with contents); overview map; one section per wijk (map
    with buurt names, the three domains per buurt when safety or liveability figures are there,
    the social state, every aandachtsbuurt with its reasons); all aandachtsbuurten with reasons;
    sources, definitions and rules.

    The pack for a wijkbezoek (`visit`, for the wijken chosen with ``--wijk``): cover (area,
    date, scope, data years and sources), then per wijk its map with buurt names, one row per buurt
    of social state, safety and liveability side by side, its aandachtsbuurten with reasons; the
    sources and definitions. Page numbers in the contents are those of the paginated document.
    """
    data = ctx.data
    footer = ctx.footer(visit_title(wijken) if visit else f"Briefing {data.title}")
    scope = ctx.table[ctx.table["wijkcode"].isin(set(wijken["wijkcode"]))]
    body = [] if visit else [_overview_section(ctx, scope)]
    stacking = [] if visit else _stacking_paragraphs(ctx)
    if stacking:
        body.append(Section(stacking[0].text, data.title, [text_block(stacking[1:])], toc=stacking[0].text))
    for _, wijk in wijken.iterrows():
        body += _visit_sections(ctx, wijk, footer) if visit else [_wijk_section(ctx, wijk, footer=footer)]
    body += _progress_sections(ctx, wijken)
    if not visit or len(wijken) > 1:
        body.append(_flags_section(ctx, scope))
    if not visit and ctx.data.comparison is not None:
        body.append(comparison_section(ctx))
    body.append(_sources_section(ctx))
    body_pages = paginate(body, footer)
    first_page: dict[int, int] = {}
    for number, page in enumerate(body_pages, 1):
        first_page.setdefault(page.section, number)
    cover = _cover_section(ctx, wijken, scope, body, first_page, offset=0, visit=visit)
    offset = len(paginate([cover], footer))
    cover = _cover_section(ctx, wijken, scope, body, first_page, offset=offset, visit=visit)
    return [cover, *body], footer


def visit_title(wijken: pd.DataFrame) -> str:
    """The title of a wijkbezoek pack: "Wijkbezoek Kapelpolder" (the wijk's name without "Wijk 04").

    Examples
    --------
    >>> visit_title(pd.DataFrame({"wijknaam": ["Wijk 04 Kapelpolder"]}))
    'Wijkbezoek Kapelpolder'
    >>> visit_title(pd.DataFrame({"wijknaam": ["Oost", "West"]}))
    'Wijkbezoek Oost en West'
    """
    names = [re.sub(r"^Wijk\s+\d+\s+", "", str(n)) for n in wijken["wijknaam"]]
    return "Wijkbezoek " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1])


def briefing_figures(ctx: PrintContext, wijken: pd.DataFrame, *, visit: bool = False) -> Iterator[object]:
    """The pages of the briefing pack, as A4 figures (see :func:`briefing_sections`)."""
    sections, footer = briefing_sections(ctx, wijken, visit=visit)
    pages = paginate(sections, footer)
    total = len(pages)
    for i, page in enumerate(pages):  # one figure at a time: the caller saves and drops it
        yield render_pages([page], footer, first_number=i + 1, total=total)[0]


def _wijk_title(ctx: PrintContext, wijk: pd.Series) -> str:
    name = str(wijk["wijknaam"])
    return f"{name} ({ctx.gemeentenaam(wijk['wijkcode'])})" if ctx.several_gemeenten else name


def _cover_section(ctx, wijken, scope, body: list[Section], first_page: dict[int, int], *, offset: int,
                   visit: bool = False) -> Section:
    data = ctx.data
    n_flags = int(scope["aandachtsbuurt"].fillna(False).astype(bool).sum())
    n_gemeenten = scope["gemeentecode"].nunique()
    reach = f"{plural(len(wijken), 'wijk', 'wijken')}, {plural(len(scope), 'buurt', 'buurten')}"
    if n_gemeenten > 1:
        reach += f" in {plural(n_gemeenten, 'gemeente', 'gemeenten')}"
    rows = [["Reikwijdte", reach]]
    if n_gemeenten > 1:  # each gemeente names its own wijken: "Wijk 01" means something per gemeente
        for code, group in wijken.groupby(wijken["wijkcode"].map(wijkcode_gemeente), sort=False):
            rows.append([ctx.gemeentenaam(group["wijkcode"].iloc[0]), _name_list(group["wijknaam"])])
    else:
        rows.append(["Wijken", _name_list(wijken["wijknaam"])])
    sources_page = first_page[len(body) - 1] + offset
    rows += [["Inwoners", nl_number(scope["inwoners"].sum(), 0)],
             ["Aandachtsbuurten", f"{n_flags} van {plural(len(scope), 'buurt', 'buurten')} (regels: pagina {sources_page})"],
             ["Cijfers", data.subtitle]]
    if visit or has_domains(ctx):
        rows.append(["Bronnen", source_list(data)])
    if data.warnings:
        rows.append(["Let op", " ".join(data.warnings)])
    facts = table_blocks(None, rows, aligns=["left", "left"], weights=["bold", "normal"], size=9.5,
                         fixed_widths=[120.0, CONTENT_WIDTH - 120.0],
                         style=TableStyle(size=9.5, rules=False, pad_y=3.5, leading=1.3))
    contents = [[s.toc, str(first_page[i] + offset)] for i, s in enumerate(body) if s.toc]
    toc = table_blocks(["Inhoud", "pagina"], contents, aligns=["left", "right"], size=9.0,
                       fixed_widths=[CONTENT_WIDTH - 60.0, 60.0], style=TableStyle(size=9.0, pad_y=2.5))
    if visit:
        return Section(f"{visit_title(wijken)}: stuurgroep Integrale Veiligheid",
                       f"Sociale kaart {data.title} · {ctx.date}", [Spacer(14), *facts, Spacer(22), *toc])
    return Section("Briefing stuurgroep Integrale Veiligheid", f"Sociale kaart {data.title} · {ctx.date}",
                   [Spacer(14), *facts, Spacer(22), *toc])


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


def _overview_section(ctx: PrintContext, scope: pd.DataFrame) -> Section:
    index = Indicator(key="behoefte_index", label="Behoefte-index", numerator="", denominator="", scale=1,
                      unit="gemiddelde z-score")
    shown = scope.copy()
    shown["behoefte_index_status"] = np.where(shown["behoefte_index"].notna(), OK, "ontbreekt")
    classes = ctx.classes_for("behoefte_index")
    if len(shown) != len(ctx.table):  # a selection of wijken: classes over what is shown
        classes = classify(shown["behoefte_index"], "kwantielen", 5)
    several = shown["gemeentecode"].nunique() > 1
    spec = MapSpec(shown, ctx.data.wijken, list(shown["buurtcode"]), index, classes, gemeente_borders=several,
                   border_label=border_labels(ctx.data.wijk_layout)[0])
    title = f"Overzicht {ctx.data.title}"
    subtitle = f"Behoefte-index per buurt; aandachtsbuurten: {_flag_marking()}"
    if several:
        subtitle += "; dikke zwarte lijn: gemeentegrens"
    footer = ctx.footer(f"Briefing {ctx.data.title}")
    height = PAGE_HEIGHT - MARGIN_BOTTOM - footer_height(footer) - header_height(title, subtitle) - 2
    return Section(title, subtitle, [map_block(spec, CONTENT_WIDTH, height)], toc="Overzichtskaart (behoefte-index)")


def _area_subtitle(ctx: PrintContext, buurten: pd.DataFrame, code: str, gemeentenaam: str) -> str:
    """"Maassluis · wijk WK055604 · 5 buurten · 7.585 inwoners": under a wijk's or own area's title."""
    return (f"{gemeentenaam} · {area_words(ctx, code)} · {plural(len(buurten), 'buurt', 'buurten')} · "
            f"{nl_number(buurten['inwoners'].sum(), 0)} inwoners")


def _figure_tables(ctx: PrintContext, code: str) -> list[Block]:
    """A wijk's figures per buurt: with safety or liveability data the three domains side by side and
    then what else the run has ("Achtergrond"), else one table of every indicator."""
    if not has_domains(ctx):
        return _table_section(ctx, code)
    shown = {i.key for group in domain_indicators(ctx).values() for i in group}
    others = [i for i in ctx.data.indicators if i.key not in shown]
    blocks = domain_blocks(ctx, code)
    if others:
        blocks += [Spacer(10), *_table_section(ctx, code, others, heading="Achtergrond per buurt")]
    return blocks


def _wijk_section(ctx: PrintContext, wijk: pd.Series, *, footer: str | None = None) -> Section:
    buurten, code, gemeentenaam = _wijk_parts(ctx, wijk)
    subtitle = _area_subtitle(ctx, buurten, code, gemeentenaam)
    state = _state_sentence(ctx, buurten, code)
    note = coverage_note(buurten, ctx.data)
    paragraphs = [Paragraph("Sociale staat", HEADING, keep_with_next=True), Paragraph(state)]
    if note:
        paragraphs.append(Paragraph(note, space_before=4))
    flagged = flag_entries(buurten)
    if flagged:
        indent = text_width(f"{FLAG_MARK} ", BODY_SIZE)
        paragraphs.append(Paragraph("Aandachtsbuurten met redenen", Style(9.0, "bold"), space_before=6,
                                    keep_with_next=True))
        paragraphs += [Paragraph(t, BODY, indent=indent, space_before=3) for t in flagged]
    rest = [Spacer(10), *_figure_tables(ctx, code), Spacer(12), text_block(paragraphs)]
    title = _wijk_title(ctx, wijk)
    spec = _wijk_map_spec(ctx, buurten, code)
    footer = footer or ctx.footer(f"Briefing {ctx.data.title}")
    for height in WIJK_MAP_HEIGHTS:  # the largest map that keeps the wijk on one page
        section = Section(title, subtitle, [map_block(spec, CONTENT_WIDTH, height), *rest], toc=title)
        if len(paginate([section], footer)) == 1:
            return section
    return section


def _visit_sections(ctx: PrintContext, wijk: pd.Series, footer: str) -> list[Section]:
    """A wijkbezoek's pages of one wijk: the area on one map with buurt names, then per buurt the
    three domains side by side, the social state and the aandachtsbuurten with their reasons."""
    buurten, code, gemeentenaam = _wijk_parts(ctx, wijk)
    title = _wijk_title(ctx, wijk)
    subtitle = _area_subtitle(ctx, buurten, code, gemeentenaam)
    height = PAGE_HEIGHT - MARGIN_BOTTOM - footer_height(footer) - header_height(title, subtitle) - 2
    area = Section(title, subtitle, [map_block(_wijk_map_spec(ctx, buurten, code), CONTENT_WIDTH, height)],
                   toc=f"{title}: kaart")
    tables = _figure_tables(ctx, code)
    paragraphs = [Paragraph("Sociale staat", HEADING, keep_with_next=True), Paragraph(_state_sentence(ctx, buurten, code))]
    note = coverage_note(buurten, ctx.data)
    if note:
        paragraphs.append(Paragraph(note, space_before=4))
    flags = _flag_paragraphs(ctx, buurten, heading="Aandachtsbuurten met redenen", with_count=False)
    change = change_blocks(ctx.change, code, [i.key for i in ctx.need], rules=ctx.change_rules)
    figures = Section(f"{title}: buurten", subtitle,
                      [*tables, Spacer(12), text_block(paragraphs + flags), *([Spacer(12), *change] if change else [])],
                      toc=f"{title}: buurten in drie domeinen" if has_domains(ctx) else f"{title}: buurten")
    return [area, figures]


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


def _flags_section(ctx: PrintContext, scope: pd.DataFrame) -> Section:
    several = ctx.several_gemeenten
    where = {}
    for _, row in scope.iterrows():
        wijk = str(row.get("wijknaam", row["wijkcode"]))
        where[row["buurtcode"]] = f"{wijk}, {ctx.gemeentenaam(row['wijkcode'])}" if several else wijk
    entries = flag_entries(scope, where=where)
    indent = text_width(f"{FLAG_MARK} ", BODY_SIZE)
    if entries:
        paragraphs = [Paragraph(flag_sentence(len(entries), len(scope)) + " Gesorteerd op stapeling (aantal hoge "
                                "indicatoren), hoogste eerst.")]
        paragraphs += [Paragraph(t, BODY, indent=indent, space_before=4) for t in entries]
    else:
        paragraphs = [Paragraph(flag_sentence(0, len(scope)) + " De regels staan op de laatste pagina.")]
    return Section("Alle aandachtsbuurten met redenen", f"{ctx.data.title} · {ctx.date}", [text_block(paragraphs)],
                   toc="Alle aandachtsbuurten met redenen")


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


def comparison_section(ctx: PrintContext) -> Section:
    """The gemeente beside its size class, the Netherlands and an own group: a table per gemeente
    with bars per indicator, and the gaps of each group value."""
    data = ctx.data
    blocks: list[Block] = []
    indicators = [i for i in data.indicators if i.key in data.comparison]
    half = (CONTENT_WIDTH - 14) / 2
    for part, header, rows in comparison_rows_per_gemeente(data):
        blocks += [text_block([Paragraph(header[1], HEADING)], keep_with_next=True),
                   *table_blocks(header, rows, aligns=["left"] + ["right"] * (len(header) - 1)), Spacer(10)]
        charts = [BarChart(f"{i.label} ({i.unit})", list(part["naam"]), list(part[i.key]),
                           [OK if not pd.isna(v) else "ontbreekt" for v in part[i.key]], None, decimals_for(i.unit), half)
                  for i in indicators]
        for k in range(0, len(charts), 2):
            blocks += [Columns([(j * (half + 14), c) for j, c in enumerate(charts[k:k + 2])]), Spacer(8)]
    notes = gaps_text(data.comparison, indicators)
    notes.append("Alle vergelijkingscijfers zijn berekend uit opgetelde aantallen van de gemeenten (nooit als "
                 "gemiddelde van hun cijfers); '(n van N)' = berekend over de n gemeenten met een cijfer. "
                 "Grootteklassen van het CBS naar aantal inwoners.")
    blocks.append(text_block([Paragraph(t, NOTE, space_before=2) for t in notes]))
    return Section("Vergelijking met grootteklasse en Nederland", f"{data.title} · {data.subtitle}", blocks,
                   toc="Vergelijking met grootteklasse en Nederland")


def _sources_section(ctx: PrintContext) -> Section:
    data = ctx.data
    heading = lambda t: Paragraph(t, HEADING, space_before=8, keep_with_next=True)  # noqa: E731
    paragraphs = [heading("Bronnen"), Paragraph(data.subtitle)]
    for report in data.reports:
        paragraphs.append(Paragraph(
            f"Koppeling {report.bron_cijfers} aan {report.bron_grenzen}: {plural(len(report.gekoppeld), 'buurt', 'buurten')} "
            f"gekoppeld, {len(report.alleen_grenzen)} alleen in de grenzen, {len(report.alleen_cijfers)} alleen in de "
            "cijfers.", space_before=3))
    if data.warnings:
        paragraphs += [heading("Let op")] + [Paragraph(w, space_before=2) for w in data.warnings]
    paragraphs.append(heading("Definities"))
    indent = 12.0
    for ind in data.indicators:
        paragraphs.append(Paragraph(f"{ind.label} ({ind.unit}): {ind.description}", indent=indent, space_before=2))
    paragraphs += [heading("Aandachtsbuurten en hot spots"), Paragraph(ctx.settings.describe()),
                   heading("Kleine aantallen"), Paragraph(data.small_numbers.describe()),
                   heading("Leeswijzer"),
                   Paragraph(f"{FLAG_MARK} = aandachtsbuurt; op kaarten: {_flag_marking()}. "
                             f"'{MISSING_TEXT}' = geen cijfer in de bron. Wijk- en gemeentecijfers zijn berekend uit "
                             "opgetelde aantallen van de buurten, niet als gemiddelde van buurtpercentages.")]
    return Section("Bronnen, definities en regels", f"{data.title} · {ctx.date}", [text_block(paragraphs)],
                   toc="Bronnen, definities en regels")


# --- change over time: progress and trend (sociale_kaart.render.progress_pages) -----------------

def _progress_and_trend_blocks(ctx: PrintContext, code: str) -> list[Block]:
    """The targets of a wijk and its buurten, and the trend of the wijk when there are more than two years."""
    blocks: list[Block] = []
    own = results_for_wijk(ctx.targets, code)
    if own:
        blocks += [Spacer(10), *progress_blocks(own, heading="Doelen in deze wijk", rules=ctx.change_rules)]
    trend = trend_blocks(ctx.series, code)
    if trend:
        blocks += [Spacer(10), *trend]
    return blocks


def _progress_sections(ctx: PrintContext, wijken: pd.DataFrame) -> list[Section]:
    """The briefing's progress page: the targets of the gemeente and of the wijken in the briefing."""
    codes = set(wijken["wijkcode"])
    shown = tuple(r for r in ctx.targets if r.level == "gemeente" or r.code in codes or r.wijkcode in codes)
    section = progress_section(shown, title="Doelen: voortgang sinds de nulmeting", subtitle=f"{ctx.data.title} · {ctx.date}",
                               rules=ctx.change_rules)
    return [section] if section is not None else []

