"""The content model of a printed document: what it says, not where it goes on the page.

A :class:`Document` is a list of :class:`Section` s; a section holds blocks: :class:`Text`,
:class:`Heading`, :class:`Items`, :class:`Table`, :class:`Figure` and :class:`Beside` (two columns).
Every figure carries an alternative text that says what it shows. The model is plain data
(:meth:`Document.to_dict` gives JSON-ready dicts), so a template lays it out and the same content
can feed an HTML version later.

Examples
--------
>>> doc = Document(title="Wijkprofiel Oost", footer="Oost · 1 januari 2026",
...                sections=(Section("Wijkprofiel Oost", blocks=(Text("Twee buurten."),)),))
>>> doc.to_dict()["sections"][0]["blocks"][0]["type"]
'text'
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Block:
    """A piece of content; its ``type`` names it for the template."""

    @property
    def type(self) -> str:
        return type(self).__name__.lower()

    def to_dict(self) -> dict:
        out = {"type": self.type}
        for f in fields(self):
            if not f.repr:  # functions, not content
                continue
            value = getattr(self, f.name)
            out[f.name] = _plain(value)
        return out


def _plain(value):
    if isinstance(value, Block):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Text(Block):
    """A paragraph; `lead` is printed bold before it; never split across pages when `keep`.

    `style` is ``body``, ``note`` (smaller, grey) or ``lead`` (a little larger).
    """

    text: str
    lead: str = ""
    style: str = "body"
    keep: bool = True


@dataclass(frozen=True)
class Heading(Block):
    """A heading inside a section (level 2), kept with what follows."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Items(Block):
    """A list; every item stays whole on one page. `marker` starts each item."""

    items: tuple[str, ...]
    marker: str = "•"


@dataclass(frozen=True)
class Table(Block):
    """A table with header cells that repeat on every page.

    `band` spans a row of group names over the header ((name, columns), ...). `bold` are the
    indices of summary rows (bold and shaded). `keep` keeps the table whole on one page when it
    fits. `size` is ``normal`` (7,5 pt) or ``small`` (7 pt, for wide tables).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    aligns: tuple[str, ...] = ()
    bold: tuple[int, ...] = ()
    band: tuple[tuple[str, int], ...] = ()
    keep: bool = True
    size: str = "normal"
    widths: tuple = ()  #: column widths for the template ("auto", "1fr", "120pt"); default auto
    caption: str = ""  #: what the table holds, for screen readers (the table's summary)


@dataclass(frozen=True)
class Figure(Block):
    """A map or chart as SVG with the alternative text a screen reader reads out.

    `height` in points (0: from the width and the drawing's aspect). With `fill` the figure
    takes the height its section leaves on the page, between `min_height` and `height`.
    """

    svg: str
    alt: str
    height: float = 0.0
    width: str = "100%"
    caption: str = ""
    fill: bool = False
    min_height: float = 0.0
    key: str = ""  #: names a drawing made at the size the page gives it, by `draw`
    #: function(width, height in points) -> SVG, for a drawing made once at the size it gets
    draw: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Beside(Block):
    """Two columns side by side: `left` takes `share` of the width."""

    left: tuple[Block, ...]
    right: tuple[Block, ...]
    share: float = 0.62


@dataclass(frozen=True)
class Section:
    """A titled part of a document; it starts on a new page unless `new_page` is False.

    `outline` is the entry in the table of contents (none when empty); an `annex` section is
    part of the technical annex at the end.
    """

    title: str
    subtitle: str = ""
    blocks: tuple[Block, ...] = ()
    outline: str = ""
    new_page: bool = True
    annex: bool = False

    def to_dict(self) -> dict:
        return {"title": self.title, "subtitle": self.subtitle, "blocks": [b.to_dict() for b in self.blocks],
                "outline": self.outline, "new_page": self.new_page, "annex": self.annex}


@dataclass(frozen=True)
class Document:
    """A whole document: title (PDF metadata and first heading), running footer, sections.

    `contents` prints a table of contents after the first section.
    """

    title: str
    footer: str
    sections: tuple[Section, ...]
    contents: bool = False
    kind: str = "document"
    keywords: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"title": self.title, "footer": self.footer, "sections": [s.to_dict() for s in self.sections],
                "contents": self.contents, "kind": self.kind, "keywords": list(self.keywords)}

    def with_drawings(self, drawn: dict[str, tuple[str, float]]) -> Document:
        """This document with every pending drawing in place: key -> (SVG made at the size the page
        gives it, its height in points)."""
        from dataclasses import replace

        def fix(blocks):
            out = []
            for block in blocks:
                if isinstance(block, Figure) and block.key in drawn:
                    svg, height = drawn[block.key]
                    block = replace(block, svg=svg, height=height, fill=False, key="", draw=None)
                elif isinstance(block, Beside):
                    block = replace(block, left=fix(block.left), right=fix(block.right))
                out.append(block)
            return tuple(out)
        return replace(self, sections=tuple(replace(s, blocks=fix(s.blocks)) for s in self.sections))

    @property
    def pending(self) -> bool:
        """Whether drawings wait for the size the pages give them."""
        return any(f.key for f in self.figures())

    def figures(self) -> list[Figure]:
        """Every figure of the document, also inside columns."""
        found = []

        def walk(blocks):
            for block in blocks:
                if isinstance(block, Figure):
                    found.append(block)
                elif isinstance(block, Beside):
                    walk(block.left)
                    walk(block.right)
        for section in self.sections:
            walk(section.blocks)
        return found
