"""Page layout for print: measure text with the print font, wrap it, and flow blocks onto A4 pages.

Nothing here truncates. Text is wrapped at its measured width (a word wider than the line breaks
after a hyphen, or between characters as a last resort); tables wrap their cells, repeat their
header when they run onto the next page and split into column groups when they are too wide; a
flow that does not fit its page ends with "vervolg op de volgende pagina" and goes on on a page
titled "... (vervolg)". Every page gets the same running footer and "pagina i van n".

Coordinates are points (1/72 inch) from the top-left corner of the page; :class:`Canvas` turns
them into matplotlib figure coordinates.

The print font is DejaVu Sans reduced to Western European characters and renamed "DejaVu Sans SK"
(``sociale_kaart/assets/fonts``, licence beside it). PDFs embed it as TrueType (``pdf.fonttype``
42): see :func:`print_rc`. Characters outside it fall back to matplotlib's full DejaVu Sans.

Examples
--------
>>> wrap("Wmo-cliënten per 1.000 inwoners", width=60, size=8)
['Wmo-cliënten', 'per 1.000', 'inwoners']
>>> text_width("iiii", 10) < text_width("WWWW", 10)
True
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

#: A4 as matplotlib draws it (8.27 x 11.69 inch), in points.
A4_INCHES = (8.27, 11.69)
PAGE_WIDTH, PAGE_HEIGHT = A4_INCHES[0] * 72, A4_INCHES[1] * 72
#: White space around the content: nothing is drawn closer to the edge of the paper.
MARGIN_LEFT = MARGIN_RIGHT = 42.0
MARGIN_TOP = 34.0
MARGIN_BOTTOM = 30.0
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

FONT_FAMILY = "DejaVu Sans SK"
#: The family list of every print text: glyphs the reduced font lacks come from the full font.
FAMILIES = (FONT_FAMILY, "DejaVu Sans")
FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FILES = {"normal": FONT_DIR / "DejaVuSansSK.ttf", "bold": FONT_DIR / "DejaVuSansSK-Bold.ttf"}

#: Type sizes (points). Body text is never below 8 pt and table text never below 7 pt.
TITLE_SIZE = 16.0
SUBTITLE_SIZE = 9.0
HEADING_SIZE = 10.0
BODY_SIZE = 8.5
TABLE_SIZE = 7.5
MIN_TABLE_SIZE = 7.0
SMALL_SIZE = 7.0  #: footers, map labels, legends, chart labels: the smallest text on any page
NBSP = "\u00a0"  #: binds two words on one line (drawn as a plain space)

CONTINUED = "vervolg op de volgende pagina"
CONTINUATION = " (vervolg)"
TEXT_COLOUR = "#1a1a1a"
GREY = "#555555"
ACCENT = "#b30000"


# --- fonts ---------------------------------------------------------------------------------------

@functools.cache
def register_fonts() -> None:
    """Make the print font known to matplotlib (once per process)."""
    from matplotlib import font_manager

    for path in FONT_FILES.values():
        font_manager.fontManager.addfont(str(path))


def print_rc() -> dict:
    """The matplotlib settings for PDFs: the print font, embedded as TrueType (Type 42).

    Every text a PDF holds is then in an embedded Unicode font (``pdffonts`` shows ``emb yes``),
    so that ĳ, ≤ and € print as themselves. Texts that name no family (map legends, labels) get
    the print font through ``font.sans-serif``.
    """
    register_fonts()
    # ps.fonttype too: matplotlib's PDF backend sizes its font subsets by it, and with the default
    # (3) every character above U+00FF (–, €, ĳ) would go into a second copy of each font.
    return {"pdf.fonttype": 42, "ps.fonttype": 42, "pdf.use14corefonts": False, "font.family": "sans-serif",
            "font.sans-serif": [*FAMILIES, "sans-serif"]}


@contextlib.contextmanager
def print_fonts():
    """Draw (and measure) inside this context with the settings of :func:`print_rc`."""
    import matplotlib

    with matplotlib.rc_context(print_rc()):
        yield


@functools.cache
def _metrics(weight: str) -> tuple[dict[str, float], float, float]:
    """Advance widths (in em) of every character of the print font, and its ascent and descent (em)."""
    from matplotlib.ft2font import FT2Font, LoadFlags

    font = FT2Font(str(FONT_FILES["bold" if weight == "bold" else "normal"]))
    upem = font.units_per_EM
    widths = {chr(code): font.load_char(code, flags=LoadFlags.NO_SCALE).horiAdvance / upem
              for code in font.get_charmap()}
    return widths, font.ascender / upem, -font.descender / upem


@functools.cache
def _full_font(weight: str):
    import matplotlib
    from matplotlib.ft2font import FT2Font

    name = "DejaVuSans-Bold.ttf" if weight == "bold" else "DejaVuSans.ttf"
    return FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))


@functools.cache
def _fallback_width(char: str, weight: str) -> float:
    """Advance (em) of a character outside the reduced font, from the full DejaVu Sans."""
    from matplotlib.ft2font import LoadFlags

    font = _full_font(weight)
    if font.get_char_index(ord(char)) == 0:
        return 0.62  # a missing-glyph box
    return font.load_char(ord(char), flags=LoadFlags.NO_SCALE).horiAdvance / font.units_per_EM


@functools.lru_cache(maxsize=64)
def _font_properties(size: float, weight: str):
    from matplotlib.font_manager import FontProperties

    register_fonts()
    return FontProperties(family=list(FAMILIES), size=size, weight=weight)


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of `text` in points at `size`, from the font's advance widths.

    Kerning is left out, which errs on the wide side by a fraction of a point; wrapping keeps a
    safety margin for it.
    """
    widths = _metrics(weight)[0]
    total = 0.0
    for char in text:
        width = widths.get(char)
        total += width if width is not None else _fallback_width(char, weight)
    return total * size


def ascent(size: float) -> float:
    """Height of the font's ascender above the baseline, in points."""
    return _metrics("normal")[1] * size


def descent(size: float) -> float:
    """Depth of the font's descender below the baseline, in points (positive)."""
    return _metrics("normal")[2] * size


# --- wrapping ------------------------------------------------------------------------------------

def wrap(text: str, width: float, size: float, weight: str = "normal", *, indent: float = 0.0) -> list[str]:
    """Break `text` into lines no wider than `width` points (lines after the first: `width - indent`).

    Breaks at spaces; a newline starts a new line; a no-break space (:data:`NBSP`) binds. A word
    wider than a line breaks after a hyphen or slash, or else between characters. Nothing is
    ever left out: ``" ".join(wrap(t, ...))`` has every word of `t`.

    Examples
    --------
    >>> wrap("Aandachtsbuurten in deze wijk", width=200, size=8)
    ['Aandachtsbuurten in deze wijk']
    >>> wrap("Verspreide huizen ten noorden van het Damsterdiep", width=90, size=8)
    ['Verspreide huizen ten', 'noorden van het', 'Damsterdiep']
    >>> wrap("Wmo-cliënten", width=45, size=8)
    ['Wmo-', 'cliënten']
    """
    lines: list[str] = []
    space = text_width(" ", size, weight)
    for paragraph in str(text).split("\n"):
        words = [w for w in paragraph.split(" ") if w != ""]
        if not words:
            lines.append("")
            continue
        current, current_width = "", 0.0
        for word in words:
            limit = width - indent if lines else width
            word_width = text_width(word, size, weight)
            if current and current_width + space + word_width <= limit * 0.995:
                current += " " + word
                current_width += space + word_width
                continue
            if current:
                lines.append(current)
                current, limit = "", width - indent
            for piece in _break_word(word, limit, size, weight):
                if current:
                    lines.append(current)
                    limit = width - indent
                current, current_width = piece, text_width(piece, size, weight)
        lines.append(current)
    return [line.replace(NBSP, " ") for line in lines]


def _break_word(word: str, limit: float, size: float, weight: str) -> list[str]:
    """`word` in pieces no wider than `limit`: after hyphens and slashes, else between characters."""
    if text_width(word, size, weight) <= limit or len(word) <= 1:
        return [word]
    pieces, start = [], 0
    while start < len(word):
        end = start + 1
        while end < len(word) and text_width(word[start:end + 1], size, weight) <= limit:
            end += 1
        if end < len(word):  # prefer a break after a hyphen or slash inside the piece
            soft = max(word.rfind("-", start, end), word.rfind("/", start, end))
            if soft > start:
                end = soft + 1
        pieces.append(word[start:end])
        start = end
    return pieces


# --- drawing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    """How a run of text looks: size (points), weight, colour, and line height as a factor of size."""

    size: float = BODY_SIZE
    weight: str = "normal"
    colour: str = TEXT_COLOUR
    leading: float = 1.32

    @property
    def line_height(self) -> float:
        return self.size * self.leading


BODY = Style()
BOLD = Style(weight="bold")
HEADING = Style(size=HEADING_SIZE, weight="bold", leading=1.4)
SMALL = Style(size=SMALL_SIZE, colour=GREY, leading=1.3)


class Canvas:
    """A matplotlib Figure addressed in points from the top-left corner of the page."""

    def __init__(self, fig):
        self.fig = fig
        width, height = fig.get_size_inches()
        self.width, self.height = width * 72, height * 72

    def text(self, x: float, top: float, text: str, style: Style, *, ha: str = "left", line_height: float | None = None):
        """One line of text whose line box starts at `top`; the baseline sits in the box as in print."""
        from matplotlib.text import Text

        height = line_height or style.line_height
        baseline = top + (height - (ascent(style.size) + descent(style.size))) / 2 + ascent(style.size)
        artist = Text(x / self.width, 1 - baseline / self.height, text, color=style.colour,
                      fontproperties=_font_properties(style.size, style.weight), ha=ha, va="baseline",
                      parse_math=False, zorder=3)
        self.fig.add_artist(artist)
        return artist

    def rect(self, x: float, top: float, width: float, height: float, *, facecolor="none", edgecolor="none",
             linewidth: float = 0.0, linestyle="solid", zorder: float = 1):
        from matplotlib.patches import Rectangle

        patch = Rectangle((x / self.width, 1 - (top + height) / self.height), width / self.width, height / self.height,
                          transform=self.fig.transFigure, facecolor=facecolor, edgecolor=edgecolor,
                          linewidth=linewidth, linestyle=linestyle, zorder=zorder)
        self.fig.add_artist(patch)
        return patch

    def line(self, x0: float, y0: float, x1: float, y1: float, *, colour="#bbbbbb", linewidth: float = 0.5,
             linestyle="solid", zorder: float = 2):
        from matplotlib.lines import Line2D

        artist = Line2D([x0 / self.width, x1 / self.width], [1 - y0 / self.height, 1 - y1 / self.height],
                        transform=self.fig.transFigure, color=colour, linewidth=linewidth, linestyle=linestyle,
                        zorder=zorder)
        self.fig.add_artist(artist)
        return artist

    def axes(self, x: float, top: float, width: float, height: float):
        return self.fig.add_axes((x / self.width, 1 - (top + height) / self.height, width / self.width,
                                  height / self.height))


# --- blocks --------------------------------------------------------------------------------------

class Block:
    """Something with a height that can be drawn at a place on a page, and perhaps split.

    Subclasses have a ``height`` (points); `keep_with_next` keeps a block (a heading) on the page
    of what follows it.
    """

    keep_with_next = False

    def split(self, available: float) -> tuple[Block | None, Block | None]:
        """The part that fits in `available` points and the rest (None when nothing is left)."""
        return (self, None) if self.height <= available else (None, self)

    def draw(self, canvas: Canvas, x: float, top: float) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class Spacer(Block):
    """Vertical white space; dropped at the top of a page."""

    height: float = 8.0

    def split(self, available):
        return (self, None) if self.height <= available else (None, None)

    def draw(self, canvas, x, top):
        pass


@dataclass(frozen=True)
class Line:
    text: str
    style: Style
    x: float = 0.0  #: offset from the block's left edge
    ha: str = "left"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph to lay out: wrapped to the block width, with an optional hanging indent."""

    text: str
    style: Style = BODY
    indent: float = 0.0  #: of the lines after the first, in points
    space_before: float = 0.0
    keep_with_next: bool = False


@dataclass
class TextBlock(Block):
    """Lines of text, top to bottom; splits between lines (a heading stays with its next line)."""

    lines: list[tuple[Line, float]]  #: (line, gap above it)
    sticky: set[int] = field(default_factory=set)  #: indices of lines that stay with the next line
    keep_with_next: bool = False

    @property
    def height(self) -> float:
        return sum(gap + line.style.line_height for line, gap in self.lines)

    def split(self, available):
        used, cut = 0.0, 0
        for i, (line, gap) in enumerate(self.lines):
            step = (gap if i else 0.0) + line.style.line_height
            if used + step > available + 1e-6:
                break
            used += step
            cut = i + 1
        while 0 < cut < len(self.lines) and (cut - 1) in self.sticky:
            cut -= 1
        if cut == len(self.lines):
            return self, None
        if cut == 0:
            return None, self
        head = TextBlock(self.lines[:cut], {i for i in self.sticky if i < cut})
        rest = [(line, 0.0 if i == 0 else gap) for i, (line, gap) in enumerate(self.lines[cut:])]
        return head, TextBlock(rest, {i - cut for i in self.sticky if i >= cut}, self.keep_with_next)

    def draw(self, canvas, x, top):
        y = top
        for i, (line, gap) in enumerate(self.lines):
            y += gap if i else 0.0
            if line.text:
                anchor = x + line.x
                canvas.text(anchor, y, line.text, line.style, ha=line.ha)
            y += line.style.line_height


def text_block(paragraphs: Iterable[Paragraph | str], width: float = CONTENT_WIDTH, *,
               keep_with_next: bool = False) -> TextBlock:
    """Lay `paragraphs` out in a column `width` points wide."""
    lines: list[tuple[Line, float]] = []
    sticky: set[int] = set()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            paragraph = Paragraph(paragraph)
        wrapped = wrap(paragraph.text, width, paragraph.style.size, paragraph.style.weight, indent=paragraph.indent)
        for j, text in enumerate(wrapped):
            gap = paragraph.space_before if j == 0 and lines else 0.0
            lines.append((Line(text, paragraph.style, paragraph.indent if j else 0.0), gap))
            if paragraph.keep_with_next or j < min(len(wrapped), 2) - 1:  # no single first line at a page end
                sticky.add(len(lines) - 1)
    return TextBlock(lines, sticky, keep_with_next)


@dataclass
class Columns(Block):
    """Blocks side by side (each at an x offset), as tall as the tallest; splits where every part can."""

    parts: list[tuple[float, Block]]

    @property
    def height(self) -> float:
        return max((block.height for _, block in self.parts), default=0.0)

    def split(self, available):
        if self.height <= available:
            return self, None
        heads, tails = [], []
        for offset, block in self.parts:
            head, tail = block.split(available)
            if head is None:
                return None, self
            heads.append((offset, head))
            if tail is not None:
                tails.append((offset, tail))
        return Columns(heads), (Columns(tails) if tails else None)

    def draw(self, canvas, x, top):
        for offset, block in self.parts:
            block.draw(canvas, x + offset, top)


@dataclass
class Drawing(Block):
    """A fixed-size picture drawn by a function ``draw(canvas, x, top, width, height)``."""

    width: float
    height: float
    painter: object

    def draw(self, canvas, x, top):
        self.painter(canvas, x, top, self.width, self.height)


# --- tables --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableStyle:
    size: float = TABLE_SIZE
    pad_x: float = 3.0
    pad_y: float = 1.8
    header_fill: str = "#e8e8e8"
    shade_fill: str = "#f3f3f3"
    rule_colour: str = "#bbbbbb"
    rules: bool = True
    header_weight: str = "bold"
    leading: float = 1.22


@dataclass
class Table(Block):
    """A table of wrapped cells; rows never split, the header repeats on every page."""

    widths: list[float]
    aligns: list[str]
    header: list[list[str]] | None  #: wrapped lines per header cell
    rows: list[list[list[str]]]  #: wrapped lines per cell
    bold: list[bool]
    shaded: list[bool]
    style: TableStyle = field(default_factory=TableStyle)
    weights: list[str] | None = None  #: per column ("bold" for a label column)
    keep_with_next: bool = False

    def _line_height(self) -> float:
        return self.style.size * self.style.leading

    def _row_height(self, cells) -> float:
        return max((len(c) for c in cells), default=1) * self._line_height() + 2 * self.style.pad_y

    @property
    def header_height(self) -> float:
        return self._row_height(self.header) if self.header else 0.0

    @property
    def height(self) -> float:
        return self.header_height + sum(self._row_height(r) for r in self.rows)

    def split(self, available):
        used, cut = self.header_height, 0
        for row in self.rows:
            step = self._row_height(row)
            if used + step > available + 1e-6:
                break
            used += step
            cut += 1
        if cut == len(self.rows):
            return self, None
        if cut == 0:
            return None, self
        return (replace(self, rows=self.rows[:cut], bold=self.bold[:cut], shaded=self.shaded[:cut]),
                replace(self, rows=self.rows[cut:], bold=self.bold[cut:], shaded=self.shaded[cut:]))

    def draw(self, canvas, x, top):
        style, line_height = self.style, self._line_height()
        total = sum(self.widths)
        y = top
        lefts = [x + sum(self.widths[:i]) for i in range(len(self.widths))]
        if self.header:
            height = self.header_height
            canvas.rect(x, y, total, height, facecolor=style.header_fill)
            depth = max(len(c) for c in self.header)
            for left, width, align, cell in zip(lefts, self.widths, self.aligns, self.header):
                start = y + style.pad_y + (depth - len(cell)) * line_height  # header text sits on the rule
                self._cell(canvas, left, width, align, cell, start, Style(style.size, style.header_weight,
                                                                          leading=style.leading))
            y += height
            canvas.line(x, y, x + total, y, colour="#888888", linewidth=0.6)
        for cells, bold, shaded in zip(self.rows, self.bold, self.shaded):
            height = self._row_height(cells)
            if shaded:
                canvas.rect(x, y, total, height, facecolor=style.shade_fill)
            for i, (left, width, align, cell) in enumerate(zip(lefts, self.widths, self.aligns, cells)):
                weight = "bold" if bold else (self.weights[i] if self.weights else "normal")
                self._cell(canvas, left, width, align, cell, y + style.pad_y, Style(style.size, weight, leading=style.leading))
            y += height
            if style.rules:
                canvas.line(x, y, x + total, y, colour=style.rule_colour, linewidth=0.4)

    def _cell(self, canvas, left, width, align, lines, top, style: Style) -> None:
        pad = self.style.pad_x
        anchor = {"left": left + pad, "right": left + width - pad, "center": left + width / 2}[align]
        for j, text in enumerate(lines):
            if text:
                canvas.text(anchor, top + j * style.line_height, text, style, ha=align)


def table_blocks(header: Sequence[str] | None, rows: Sequence[Sequence[str]], *, width: float = CONTENT_WIDTH,
                 aligns: Sequence[str] | None = None, bold_rows: Iterable[int] = (), shaded_rows: Iterable[int] = (),
                 key_columns: int = 1, size: float = TABLE_SIZE, min_size: float = MIN_TABLE_SIZE,
                 weights: Sequence[str] | None = None, style: TableStyle | None = None,
                 fixed_widths: Sequence[float] | None = None) -> list[Table]:
    """Tables that show every cell of `rows` within `width` points.

    Columns get their natural width (the widest cell; headers wrap at spaces); a text column
    (left-aligned) wraps when space runs short. When even that does not fit, the type goes down
    to `min_size`, and then the columns are split into groups, each repeating the first
    `key_columns` columns (the names).

    Parameters
    ----------
    header : sequence of str or None
    rows : sequence of sequences of str
    width : float
        Points available.
    aligns : sequence of {"left", "right", "center"}, optional
        Per column; default: the first left, the rest right.
    bold_rows, shaded_rows : iterable of int
        Row indices in bold (summary rows) and on a grey band.
    key_columns : int
        Columns repeated in every column group.
    weights : sequence of str, optional
        Font weight per column (e.g. a bold label column).
    fixed_widths : sequence of float, optional
        Use these widths (points) instead of measuring; they must add up to at most `width`.
    """
    n = len(header) if header is not None else len(rows[0]) if rows else 0
    aligns = list(aligns or (["left"] + ["right"] * (n - 1)))
    weights = list(weights) if weights else None
    bold = set(bold_rows)
    shaded = set(shaded_rows)
    base = style or TableStyle()
    if fixed_widths is not None:
        groups = [(list(range(n)), list(fixed_widths), size)]
    else:
        groups = None
        for attempt in sorted({size, min_size}, reverse=True):
            fitted = _fit_columns(header, rows, list(range(n)), width, aligns, attempt, base, weights)
            if fitted is not None:
                groups = [(list(range(n)), fitted, attempt)]
                break
        if groups is None:
            groups = _column_groups(header, rows, n, width, aligns, min_size, base, weights, key_columns)
    tables = []
    for columns, widths, type_size in groups:
        st = replace(base, size=type_size)
        head = None
        if header is not None:
            head = [wrap(header[c], widths[k] - 2 * st.pad_x, type_size, st.header_weight) for k, c in enumerate(columns)]
        body = []
        for row in rows:
            body.append([wrap(str(row[c]), widths[k] - 2 * st.pad_x, type_size,
                              (weights[c] if weights else "normal") if aligns[c] == "left" else "normal")
                         for k, c in enumerate(columns)])
        tables.append(Table(widths=widths, aligns=[aligns[c] for c in columns], header=head, rows=body,
                            bold=[i in bold for i in range(len(rows))], shaded=[i in shaded for i in range(len(rows))],
                            style=st, weights=[weights[c] for c in columns] if weights else None))
    return tables


def _natural(header, rows, column, size, style: TableStyle, weights, aligns) -> tuple[float, float]:
    """(natural, minimum) width of a column: widest cell on one line, and its longest word."""
    cells = [str(r[column]) for r in rows]
    natural = max((text_width(c, size, "bold") for c in cells), default=0.0)  # bold rows are the widest
    words = [w for c in cells for w in c.split()]
    if header is not None:
        words += str(header[column]).split()
    minimum = max((text_width(w, size, "bold") for w in words), default=0.0)  # bold rows too
    if header is not None:
        head_words = str(header[column]).split()
        natural = max(natural, max((text_width(w, size, style.header_weight) for w in head_words), default=0.0))
    pad = 2 * style.pad_x + 1.0
    if aligns[column] != "left":  # numbers never wrap
        minimum = natural
    return natural + pad, minimum + pad


def _fit_columns(header, rows, columns, width, aligns, size, style, weights) -> list[float] | None:
    sizes = [_natural(header, rows, c, size, style, weights, aligns) for c in columns]
    natural = [s[0] for s in sizes]
    minimum = [s[1] for s in sizes]
    if sum(minimum) > width:
        return None
    if sum(natural) <= width:
        spare = width - sum(natural)
        # Spread the spare room over the number columns (the label column keeps its width).
        numeric = [k for k, c in enumerate(columns) if aligns[c] != "left"] or list(range(len(columns)))
        widths = list(natural)
        for k in numeric:
            widths[k] += spare / len(numeric)
        return widths
    # Text columns give up width down to their longest word, widest first.
    widths = list(natural)
    excess = sum(widths) - width
    text_cols = sorted((k for k, c in enumerate(columns) if aligns[c] == "left"), key=lambda k: -widths[k])
    for k in text_cols:
        give = min(excess, widths[k] - minimum[k])
        widths[k] -= give
        excess -= give
    return widths if excess <= 1e-6 else None


def _column_groups(header, rows, n, width, aligns, size, style, weights, key_columns):
    keys = list(range(min(key_columns, n)))
    rest = [c for c in range(n) if c not in keys]
    groups, current = [], []
    for c in rest:
        trial = keys + current + [c]
        if current and _fit_columns(header, rows, trial, width, aligns, size, style, weights) is None:
            groups.append(keys + current)
            current = [c]
        else:
            current.append(c)
    if current:
        groups.append(keys + current)
    out = []
    for columns in groups:
        widths = _fit_columns(header, rows, columns, width, aligns, size, style, weights)
        if widths is None:  # a single column wider than the page: wrap everything to equal shares
            widths = [width / len(columns)] * len(columns)
        out.append((columns, widths, size))
    return out


# --- pages ---------------------------------------------------------------------------------------

@dataclass
class Section:
    """A titled flow of blocks: one page, or several with "(vervolg)" titles."""

    title: str
    subtitle: str
    blocks: list[Block]
    toc: str | None = None  #: the entry in a table of contents (None: not listed)


@dataclass
class Page:
    title: str
    subtitle: str
    placed: list[tuple[Block, float]]  #: blocks with the top of each (points from the page top)
    continues: bool  #: the section goes on on the next page
    section: int = 0


def header_height(title: str, subtitle: str) -> float:
    """Points from the top of the page to the first content line."""
    titles = wrap(title, CONTENT_WIDTH, TITLE_SIZE, "bold")
    subtitles = wrap(subtitle, CONTENT_WIDTH, SUBTITLE_SIZE)
    return (MARGIN_TOP + len(titles) * TITLE_SIZE * 1.2 + 4 + len(subtitles) * SUBTITLE_SIZE * 1.3 + 6 + 12)


def footer_height(footer: str) -> float:
    lines = wrap(footer, CONTENT_WIDTH - _page_label_width() - 12, SMALL_SIZE)
    return len(lines) * SMALL.line_height + 10


def _page_label_width() -> float:
    return text_width("pagina 888 van 888", SMALL_SIZE)


def paginate(sections: Sequence[Section], footer: str) -> list[Page]:
    """Flow every section onto pages, splitting blocks where they allow it."""
    pages: list[Page] = []
    bottom = PAGE_HEIGHT - MARGIN_BOTTOM - footer_height(footer)
    note = SMALL.line_height + 6
    for index, section in enumerate(sections):
        queue = list(section.blocks)
        first = True
        while queue or first:
            title = section.title + ("" if first else CONTINUATION)
            top = header_height(title, section.subtitle)
            placed, rest = _fill(queue, bottom - top)
            if rest:  # leave room for the continuation note
                placed, rest = _fill(queue, bottom - top - note)
            if not placed and rest:
                raise ValueError(f"a block of {rest[0].height:.0f} pt does not fit an empty page of {bottom - top:.0f} pt")
            y, positioned = top, []
            for block in placed:
                positioned.append((block, y))
                y += block.height
            pages.append(Page(title, section.subtitle, positioned, bool(rest), index))
            queue, first = rest, False
    return pages


def _fill(blocks: list[Block], available: float) -> tuple[list[Block], list[Block]]:
    placed: list[Block] = []
    used = 0.0
    for i, block in enumerate(blocks):
        if isinstance(block, Spacer) and not placed:
            continue  # no white space at the top of a page
        head, tail = block.split(available - used)
        if head is None:
            rest = ([tail] if tail is not None else []) + blocks[i + 1:]
            # a heading (keep_with_next) goes with what it introduces
            while placed and (placed[-1].keep_with_next or isinstance(placed[-1], Spacer)):
                rest.insert(0, placed.pop())
            return placed, rest
        placed.append(head)
        used += head.height
        if tail is not None:
            return placed, [tail] + blocks[i + 1:]
    while placed and isinstance(placed[-1], Spacer):
        placed.pop()
    return placed, []


def render_pages(pages: Sequence[Page], footer: str, *, first_number: int = 1, total: int | None = None):
    """Draw `pages` as A4 figures with header, content, continuation note and footer."""
    from .static import new_figure

    total = total or len(pages)
    figures = []
    with print_fonts():
        for i, page in enumerate(pages):
            fig = new_figure(figsize=A4_INCHES)
            canvas = Canvas(fig)
            draw_header(canvas, page.title, page.subtitle)
            for block, top in page.placed:
                block.draw(canvas, MARGIN_LEFT, top)
            if page.continues:
                end = page.placed[-1][1] + page.placed[-1][0].height if page.placed else 0
                canvas.text(PAGE_WIDTH - MARGIN_RIGHT, end + 4, CONTINUED, Style(SMALL_SIZE + 0.5, "bold", GREY), ha="right")
            draw_footer(canvas, footer, first_number + i, total)
            figures.append(fig)
    return figures


def draw_header(canvas: Canvas, title: str, subtitle: str) -> None:
    y = MARGIN_TOP
    for line in wrap(title, CONTENT_WIDTH, TITLE_SIZE, "bold"):
        canvas.text(MARGIN_LEFT, y, line, Style(TITLE_SIZE, "bold", leading=1.2))
        y += TITLE_SIZE * 1.2
    y += 4
    for line in wrap(subtitle, CONTENT_WIDTH, SUBTITLE_SIZE):
        canvas.text(MARGIN_LEFT, y, line, Style(SUBTITLE_SIZE, colour="#444444", leading=1.3))
        y += SUBTITLE_SIZE * 1.3
    y += 6
    canvas.line(MARGIN_LEFT, y, PAGE_WIDTH - MARGIN_RIGHT, y, colour=ACCENT, linewidth=1.2)


def draw_footer(canvas: Canvas, footer: str, number: int, total: int) -> None:
    lines = wrap(footer, CONTENT_WIDTH - _page_label_width() - 12, SMALL_SIZE)
    top = PAGE_HEIGHT - MARGIN_BOTTOM - len(lines) * SMALL.line_height
    canvas.line(MARGIN_LEFT, top - 5, PAGE_WIDTH - MARGIN_RIGHT, top - 5, colour="#cccccc", linewidth=0.5)
    for j, line in enumerate(lines):
        canvas.text(MARGIN_LEFT, top + j * SMALL.line_height, line, SMALL)
    canvas.text(PAGE_WIDTH - MARGIN_RIGHT, top, page_label(number, total), Style(SMALL_SIZE, "bold", GREY), ha="right")


def page_label(number: int, total: int) -> str:
    """``pagina 3 van 12``.

    Examples
    --------
    >>> page_label(3, 12)
    'pagina 3 van 12'
    """
    return f"pagina {number} van {total}"

