"""Print products: the wijk area profile (one A4 page per wijk) and the briefing pack.

Both are drawn with matplotlib onto A4 pages; this module returns figures and writes nothing
(:mod:`sociale_kaart.outputs` saves them). Numbers are Dutch (decimal comma, dot for thousands); a
suppressed figure is always the word "onderdrukt", never a number; a missing one is "–".
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..build.indicators import OK, SUPPRESSED, Indicator
from ..errors import InputError
from ..texts import MISSING_TEXT, SUPPRESSED_LABEL, MISSING_LABEL, cell, decimals_for, nl_number
from .classes import Classes, classify

A4 = (8.27, 11.69)
#: PDFs use the standard PDF font Helvetica: no font embedding, which halves the time to write a
#: page and the file size. Its character set is Windows-1252; see :func:`pdf_safe`.
PDF_RC = {"pdf.use14corefonts": True}
FLAG_MARK = "*"


@dataclass(frozen=True)
class PrintContext:
    """What every page needs: the dataset, the analysis, the classes of the run and the print date.

    `table` is the analysed buurt table (a subset of it for a selection of wijken on the overview).
    """

    data: object  # sociale_kaart.build.dataset.Dataset
    analysis: object  # sociale_kaart.analysis.need.Analysis
    classes: dict  # column -> Classes over the whole run, computed once by the orchestrator
    date: str

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

    def footer(self) -> str:
        return (f"{self.data.subtitle}. Gemaakt op {self.date} met sociale-kaart. "
                f"{self.data.small_numbers.describe()}")


def select_wijken(wijken: pd.DataFrame, selectors: list[str] | None) -> pd.DataFrame:
    """Wijken by code (WK055603) or name (Sluispolder; also part of "Wijk 04 Kapelpolder")."""
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
        if hit.empty:
            known = ", ".join(f"{c} {n}" for c, n in zip(wijken["wijkcode"], wijken["wijknaam"]))
            raise InputError(f"wijk {sel!r} niet gevonden; kies uit: {known}")
        chosen.append(hit)
    return pd.concat(chosen).drop_duplicates("wijkcode")


def comparison_rows(ctx: PrintContext, wijkcode: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Table of the wijk's buurten, the wijk, the gemeente and the Netherlands.

    Returns header, rows (text) and the indices of the summary rows (to print in bold).
    """
    data, table = ctx.data, ctx.table
    wrap = 16 if len(data.indicators) <= 6 else 11
    header = ["Gebied", "Inwoners"] + ["\n".join(textwrap.wrap(f"{ind.label} ({ind.unit})", wrap, break_long_words=False)) for ind in data.indicators]
    rows, bold = [], []
    buurten = table[table["wijkcode"] == wijkcode].sort_values("buurtcode")
    for _, row in buurten.iterrows():
        name = str(row.get("buurtnaam", row["buurtcode"]))
        name = (f"{FLAG_MARK} " if row.get("aandachtsbuurt", False) else "") + name
        rows.append([name, nl_number(row["inwoners"], 0)] +
                    [cell(row[ind.key], row[f"{ind.key}_status"], ind.unit) for ind in data.indicators])
    summaries = [("Wijk", data.wijken[data.wijken["wijkcode"] == wijkcode])]
    gemeente = wijkcode_gemeente(wijkcode)
    summaries.append(("Gemeente", data.gemeenten[data.gemeenten["gemeentecode"] == gemeente]))
    summaries.append(("Nederland", data.nederland if data.nederland is not None else pd.DataFrame()))
    for label, frame in summaries:
        bold.append(len(rows))
        if frame.empty:
            rows.append([label, MISSING_TEXT] + [MISSING_TEXT] * len(data.indicators))
            continue
        row = frame.iloc[0]
        rows.append([label, nl_number(row.get("inwoners", np.nan), 0)] +
                    [cell(row.get(ind.key), row.get(f"{ind.key}_status"), ind.unit) for ind in data.indicators])
    return header, rows, bold


def wijkcode_gemeente(wijkcode: str) -> str:
    return "GM" + wijkcode[2:6]


def draw_table(ax, header, rows, bold_rows=(), fontsize=7.0, col_widths=None) -> None:
    """A plain table that fits `ax`: grey header, thin rules, summary rows in bold."""
    ax.set_axis_off()
    if not rows:
        return
    n_cols = len(header)
    if n_cols > 8:  # many registrations: narrower name column, smaller type
        fontsize = min(fontsize, 5.6)
        col_widths = col_widths or [0.17, 0.09] + [(0.74 / (n_cols - 2))] * (n_cols - 2)
    col_widths = col_widths or [0.24, 0.1] + [(0.66 / max(1, n_cols - 2))] * (n_cols - 2)
    table = ax.table(cellText=rows, colLabels=header, colWidths=col_widths, loc="upper left", cellLoc="right",
                     colLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    n_rows = len(rows) + 1
    height = min(0.075, 1.0 / (n_rows + 1.2))
    for (r, c), item in table.get_celld().items():
        item.set_edgecolor("#bbbbbb")
        item.set_linewidth(0.4)
        item.set_height(height * ((3.6 if n_cols > 8 else 2.8) if r == 0 else 1.0))
        if r == 0:
            item.set_facecolor("#e8e8e8")
            item.get_text().set_fontweight("bold")
            item.get_text().set_fontsize(fontsize - 0.8)
        if c == 0:
            item.get_text().set_ha("left")
            item._loc = "left"
        if r - 1 in bold_rows:
            item.get_text().set_fontweight("bold")
            item.set_facecolor("#f5f5f5")


def draw_bars(ax, names, values, statuses, reference, indicator: Indicator, fontsize=6.5) -> None:
    """Horizontal bars per buurt with the gemeente value as a dashed line; no bar for suppressed."""
    y = np.arange(len(names))[::-1]
    shown = np.array([s == OK and not pd.isna(v) for v, s in zip(values, statuses)])
    ax.barh(y[shown], np.asarray(values, dtype=float)[shown], color="#fc8d59", edgecolor="#7f2704", linewidth=0.3, height=0.65)
    edge = ax.get_yaxis_transform()  # x in axes fraction: the label stays visible whatever the data range
    for yy, status in zip(y[~shown], np.asarray(statuses)[~shown]):
        ax.text(0.01, yy, "onderdrukt" if status == SUPPRESSED else MISSING_LABEL, va="center", fontsize=fontsize - 0.5,
                color="#666666", style="italic", transform=edge)
    title = "\n".join(textwrap.wrap(f"{indicator.label} ({indicator.unit})", 34))
    if reference is not None and not pd.isna(reference):
        ax.axvline(reference, color="#1a1a1a", linestyle="--", linewidth=0.8)
        title += f"\n- - gemeente {nl_number(reference, decimals_for(indicator.unit))}"
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.shorten(n, 22, placeholder="…") for n in names], fontsize=fontsize)
    ax.tick_params(axis="x", labelsize=fontsize - 0.5)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nl_number(v, 0)))
    ax.set_title(title, fontsize=fontsize + 0.5, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(-0.7, len(y) - 0.3)


def draw_area_map(ax, ctx: PrintContext, buurten_codes, indicator: Indicator, classes, focus_wijk: str | None = None,
                  fontsize: float = 6.5, legend_ax=None) -> None:
    """A map of some buurten on the gemeente's classes; the rest of the gemeente in grey for context."""
    from ..render.static import add_north_arrow, add_polygons, add_scale_bar, draw_choropleth, label_buurten

    table = ctx.table
    inside = table["buurtcode"].isin(buurten_codes).to_numpy()
    focus = table[inside]
    xmin, ymin, xmax, ymax = focus.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.08 + 50
    add_polygons(ax, table.geometry.values[~inside], facecolor="#f0f0f0", edgecolor="#c8c8c8", linewidth=0.4, zorder=1)
    sub_classes = type(classes)(classes.bins, classes.minimum, classes.classes[inside], classes.scheme)
    wijken = ctx.data.wijken
    if focus_wijk is not None and "geometry" in wijken:
        wijken = wijken[wijken["wijkcode"] == focus_wijk]
    draw_choropleth(ax, focus, wijken if "geometry" in wijken else None, indicator, sub_classes,
                    labels=False, legend=legend_ax is not None, fontsize=fontsize, legend_ax=legend_ax)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    label_buurten(ax, focus, fontsize)
    add_scale_bar(ax, fontsize=fontsize)
    add_north_arrow(ax, fontsize=fontsize + 2)


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


def flag_lines(table: pd.DataFrame, width: int = 110) -> list[str]:
    """Aandachtsbuurten with their reasons, wrapped for print."""
    lines = []
    for _, row in table[table["aandachtsbuurt"]].sort_values(["stapeling", "buurtcode"], ascending=[False, True]).iterrows():
        head = f"{FLAG_MARK} {row.get('buurtnaam', row['buurtcode'])} ({row['buurtcode']}, stapeling {row['stapeling']}): "
        lines += textwrap.wrap(head + row["reden"], width, subsequent_indent="    ")
    return lines


def _page(title: str, subtitle: str, footer: str):
    from matplotlib.lines import Line2D

    from .static import new_figure

    fig = new_figure(figsize=A4)
    fig.text(0.06, 0.965, title, fontsize=16, fontweight="bold", va="top")
    fig.text(0.06, 0.935, subtitle, fontsize=9, color="#444444", va="top")
    fig.add_artist(Line2D([0.06, 0.94], [0.925, 0.925], color="#b30000", linewidth=1.2))
    for i, line in enumerate(textwrap.wrap(footer, 150)):
        fig.text(0.06, 0.03 - i * 0.012, line, fontsize=6, color="#555555")
    return fig


def profile_page(ctx: PrintContext, wijk: pd.Series):
    """One A4 page: map, small charts, comparison table, aandachtsbuurten, sources."""
    data, table = ctx.data, ctx.table
    code = wijk["wijkcode"]
    buurten = table[table["wijkcode"] == code].sort_values("buurtcode")
    gemeentenaam = buurten["gemeentenaam"].iloc[0] if "gemeentenaam" in buurten and len(buurten) else ""
    fig = _page(f"Wijkprofiel {wijk['wijknaam']}", f"{gemeentenaam} · wijk {code} · {len(buurten)} buurten · {ctx.date}",
                ctx.footer())
    _wijk_map(fig, ctx, buurten, code, [0.04, 0.575, 0.6, 0.32], [0.05, 0.5, 0.6, 0.07])
    gemeente = data.gemeenten.set_index("gemeentecode")
    charts = ctx.need[:4]
    top, height = 0.91, 0.40 / max(1, len(charts))
    names = [str(n) for n in buurten.get("buurtnaam", buurten["buurtcode"])]
    for i, ind in enumerate(charts):
        ax = fig.add_axes([0.77, top - (i + 1) * height + 0.03, 0.2, height - 0.06])
        ref = gemeente[ind.key].get(wijkcode_gemeente(code)) if ind.key in gemeente else None
        draw_bars(ax, names, buurten[ind.key].to_list(), buurten[f"{ind.key}_status"].to_list(), ref, ind)
    header, rows, bold = comparison_rows(ctx, code)
    ax_table = fig.add_axes([0.06, 0.25, 0.88, 0.24])
    draw_table(ax_table, header, rows, bold, fontsize=6.8 if len(rows) < 14 else 5.8)
    ax_text = fig.add_axes([0.06, 0.055, 0.88, 0.17])
    ax_text.set_axis_off()
    lines = flag_lines(buurten)
    title = "Aandachtsbuurten in deze wijk" if lines else "Aandachtsbuurten in deze wijk: geen"
    ax_text.text(0, 1, title, fontsize=9, fontweight="bold", va="top", transform=ax_text.transAxes)
    body = lines[:7] + (["    … en meer: zie de briefing"] if len(lines) > 7 else [])
    if not lines:
        body = textwrap.wrap("Geen buurt in deze wijk voldoet aan de regels. " + ctx.settings.describe(), 120)
    note = coverage_note(buurten, data)
    if note:
        body = body[:5] + [""] + textwrap.wrap(note, 120)[:3]
    for i, line in enumerate(body):
        ax_text.text(0, 0.86 - i * 0.095, line, fontsize=6.8, va="top", transform=ax_text.transAxes)
    return fig


def _wijk_map(fig, ctx: PrintContext, buurten, wijkcode: str, map_rect, legend_rect) -> None:
    """The wijk's buurten on the first need indicator, classed over the whole gemeente."""
    indicator = ctx.need[0]
    classes = ctx.classes_for(indicator.key)
    ax_map = fig.add_axes(map_rect)
    draw_area_map(ax_map, ctx, list(buurten["buurtcode"]), indicator, classes, focus_wijk=wijkcode,
                  legend_ax=fig.add_axes(legend_rect))
    ax_map.set_title(f"{indicator.label}, {indicator.unit} (klassen van de hele gemeente)", fontsize=7.5, loc="left")


def pdf_safe(fig) -> None:
    """Make every text of `fig` printable in Windows-1252, the character set of the PDF core fonts.

    Letters outside it (ĳ, ŝ, ...) become their closest plain form, so that a buurtnaam never
    turns into question marks.

    Examples
    --------
    >>> _to_cp1252("Ĳsselmonde ŝ café €")
    'IJsselmonde s café €'
    """
    from matplotlib.table import Table
    from matplotlib.text import Text

    texts = list(fig.findobj(Text))
    for table in fig.findobj(Table):
        texts += [cell.get_text() for cell in table.get_celld().values()]
    for text in texts:
        content = text.get_text()
        if content and not content.isascii():
            safe = _to_cp1252(content)
            if safe != content:  # set_text re-lays the text out: only when something changes
                text.set_text(safe)


def _to_cp1252(text: str) -> str:
    import unicodedata

    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            special = {"ĳ": "ij", "Ĳ": "IJ", "▲": FLAG_MARK, "≤": "<=", "≥": ">="}.get(char)
            if special is None:
                base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                special = base or "?"
            out.append(special)
    return "".join(out)


def profile_figures(ctx: PrintContext, wijken: pd.DataFrame) -> Iterator[tuple[str, str, object]]:
    """One single-page figure per wijk: yields (file name, title, figure)."""
    for _, wijk in wijken.iterrows():
        slug = re.sub(r"[^0-9a-z]+", "_", str(wijk["wijknaam"]).lower()).strip("_")
        fig = profile_page(ctx, wijk)
        pdf_safe(fig)
        yield f"wijkprofiel_{wijk['wijkcode']}_{slug}.pdf", f"Wijkprofiel {wijk['wijknaam']}", fig


FLAG_LINES_PER_PAGE = 42


def briefing_figures(ctx: PrintContext, wijken: pd.DataFrame) -> Iterator[object]:
    """The pages of the briefing pack for the stuurgroep Integrale Veiligheid.

    Pages: cover; overview map with aandachtsbuurten; one page per wijk; the table of all flags with
    reasons (as many pages as needed); sources, definitions and suppression rules.
    """
    scope = ctx.table[ctx.table["wijkcode"].isin(set(wijken["wijkcode"]))]
    pages = [lambda: _cover(ctx, wijken, scope), lambda: _overview(ctx, scope)]
    pages += [lambda wijk=wijk: _wijk_page(ctx, wijk) for _, wijk in wijken.iterrows()]
    lines = flag_lines(scope, 120) or ["Geen aandachtsbuurten volgens de regels hieronder."]
    pages += [lambda s=start: _text_page(ctx, "Alle aandachtsbuurten met redenen", lines[s:s + FLAG_LINES_PER_PAGE])
              for start in range(0, len(lines), FLAG_LINES_PER_PAGE)]
    pages.append(lambda: _sources_page(ctx))
    for page in pages:
        fig = page()
        pdf_safe(fig)
        yield fig


def _cover(ctx, wijken, scope):
    fig = _page("Briefing stuurgroep Integrale Veiligheid", f"Sociale kaart {ctx.data.title} · {ctx.date}", ctx.footer())
    n_flags = int(scope["aandachtsbuurt"].sum())
    names = ", ".join(str(n) for n in wijken["wijknaam"])
    text = [
        ("Reikwijdte", textwrap.fill(f"{len(wijken)} wijken, {len(scope)} buurten: {names}", 95)),
        ("Inwoners", nl_number(scope["inwoners"].sum(), 0)),
        ("Aandachtsbuurten", f"{n_flags} (regels: zie de laatste pagina)"),
        ("Cijfers", ctx.data.subtitle),
        ("Inhoud", "1 overzichtskaart · 1 pagina per wijk · alle aandachtsbuurten met redenen · bronnen en definities"),
    ]
    y = 0.8
    for label, value in text:
        fig.text(0.08, y, label, fontsize=11, fontweight="bold", va="top")
        fig.text(0.3, y, value, fontsize=10, va="top")
        y -= 0.035 * (1 + value.count("\n")) + 0.02
    return fig


def _overview(ctx, scope):
    fig = _page(f"Overzicht {ctx.data.title}", "Behoefte-index per buurt; aandachtsbuurten zwart omlijnd", ctx.footer())
    ax = fig.add_axes([0.05, 0.17, 0.9, 0.74])
    legend_ax = fig.add_axes([0.06, 0.06, 0.88, 0.1])
    index = Indicator("behoefte_index", "Behoefte-index", "", "", 1, "gemiddelde z-score", description="")
    shown = scope.copy()
    shown["behoefte_index_status"] = np.where(shown["behoefte_index"].notna(), OK, "ontbreekt")
    classes = ctx.classes_for("behoefte_index")
    if len(shown) != len(ctx.table):  # a selection of wijken: classes over what is shown
        classes = classify(shown["behoefte_index"], "kwantielen", 5)
    view = type(ctx.analysis)(**{**vars(ctx.analysis), "table": shown})
    ctx_view = PrintContext(ctx.data, view, {**ctx.classes, "behoefte_index": classes}, ctx.date)
    draw_area_map(ax, ctx_view, list(shown["buurtcode"]), index, classes, fontsize=6, legend_ax=legend_ax)
    return fig


def _wijk_page(ctx, wijk):
    table = ctx.table
    code = wijk["wijkcode"]
    buurten = table[table["wijkcode"] == code].sort_values("buurtcode")
    fig = _page(f"{wijk['wijknaam']}", f"Wijk {code} · {len(buurten)} buurten · {nl_number(buurten['inwoners'].sum(), 0)} inwoners",
                ctx.footer())
    _wijk_map(fig, ctx, buurten, code, [0.05, 0.55, 0.9, 0.345], [0.06, 0.49, 0.88, 0.06])
    header, rows, bold = comparison_rows(ctx, code)
    draw_table(fig.add_axes([0.06, 0.25, 0.88, 0.22]), header, rows, bold, fontsize=6.8 if len(rows) < 14 else 5.8)
    ax_text = fig.add_axes([0.06, 0.055, 0.88, 0.18])
    ax_text.set_axis_off()
    state = _state_sentence(ctx, buurten, code)
    note = coverage_note(buurten, ctx.data)
    lines = (textwrap.wrap(state, 115) + ([""] + textwrap.wrap(note, 115)[:3] if note else []) + [""]
             + (flag_lines(buurten, 115)[:6] or ["Geen aandachtsbuurten in deze wijk."]))
    ax_text.text(0, 1, "Sociale staat", fontsize=9, fontweight="bold", va="top", transform=ax_text.transAxes)
    for i, line in enumerate(lines[:11]):
        ax_text.text(0, 0.86 - i * 0.08, line, fontsize=6.8, va="top", transform=ax_text.transAxes)
    return fig


def _state_sentence(ctx, buurten, code) -> str:
    """One sentence per wijk: how its need rates compare to the gemeente."""
    wijk = ctx.data.wijken.set_index("wijkcode").loc[code]
    gemeente = ctx.data.gemeenten.set_index("gemeentecode").loc[wijkcode_gemeente(code)]
    parts = []
    for ind in ctx.need:
        if wijk.get(f"{ind.key}_status") == OK and gemeente.get(f"{ind.key}_status") == OK and gemeente[ind.key]:
            ratio = wijk[ind.key] / gemeente[ind.key]
            word = "hoger dan" if ratio > 1.1 else ("lager dan" if ratio < 0.9 else "vergelijkbaar met")
            parts.append(f"{ind.label} {cell(wijk[ind.key], OK, ind.unit)} {ind.unit} ({word} de gemeente, "
                         f"{cell(gemeente[ind.key], OK, ind.unit)})")
    flagged = int(buurten["aandachtsbuurt"].sum())
    head = f"{flagged} van {len(buurten)} buurten zijn aandachtsbuurt. " if flagged else "Geen aandachtsbuurten. "
    return head + ("; ".join(parts) + "." if parts else "Geen vergelijkbare wijkcijfers.")


def _text_page(ctx, title, lines):
    fig = _page(title, f"{ctx.data.title} · {ctx.date}", ctx.footer())
    for i, line in enumerate(lines):
        fig.text(0.06, 0.9 - i * 0.0195, line, fontsize=7.2, va="top")
    return fig


def _sources_page(ctx):
    data = ctx.data
    width = 100
    lines = ["Bronnen", *textwrap.wrap(data.subtitle, width), ""]
    for report in data.reports:
        lines += textwrap.wrap(f"Koppeling {report.bron_cijfers} aan {report.bron_grenzen}: {len(report.gekoppeld)} buurten "
                               f"gekoppeld, {len(report.alleen_grenzen)} alleen in de grenzen, {len(report.alleen_cijfers)} "
                               "alleen in de cijfers.", width)
    lines += ["", "Definities"]
    for ind in data.indicators:
        lines += textwrap.wrap(f"{ind.label} ({ind.unit}): {ind.description}", width, subsequent_indent="    ")
    lines += ["", "Aandachtsbuurten en hot spots", *textwrap.wrap(ctx.settings.describe(), width), "",
              "Kleine aantallen", *textwrap.wrap(data.small_numbers.describe(), width),
              "", "Leeswijzer", *textwrap.wrap(f"{FLAG_MARK} = aandachtsbuurt. '–' = geen cijfer in de bron. Wijk- en gemeentecijfers "
                                               "zijn berekend uit opgetelde aantallen van de buurten, niet als gemiddelde "
                                               "van buurtpercentages.", width)]
    fig = _page("Bronnen, definities en regels", f"{data.title} · {ctx.date}", ctx.footer())
    for i, line in enumerate(lines[:60]):
        bold = line in ("Bronnen", "Definities", "Aandachtsbuurten en hot spots", "Kleine aantallen", "Leeswijzer")
        fig.text(0.06, 0.9 - i * 0.0135, line, fontsize=8 if bold else 6.8, fontweight="bold" if bold else "normal", va="top")
    return fig
