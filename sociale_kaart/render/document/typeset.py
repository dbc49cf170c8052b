"""Typeset a :class:`~.model.Document` into a tagged PDF/UA-1 with Typst.

The document goes to the template as JSON (``sys.inputs.document``); maps and charts travel inside
it as SVG text, so nothing is written outside the output folder. Fonts come from the package (the
print font) and from the huisstijl, never from the system, so a PDF looks the same everywhere.

Examples
--------
>>> from .model import Document, Section, Text
>>> pdf = typeset(Document("Proef", "Proef · 1 januari 2026", (Section("Proef", blocks=(Text("Een zin."),)),)))
>>> pdf.data[:5], pdf.pages
(b'%PDF-', 1)
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...settings import Huisstijl
from ..cores import claim_typesetter, core_count, on_all_cores
from .model import Document

TEMPLATE = Path(__file__).with_name("template.typ")
FONT_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "fonts"
PRINT_FONT = "DejaVu Sans SK"


@dataclass(frozen=True)
class Pdf:
    """The bytes of a typeset PDF and its number of pages."""

    data: bytes
    pages: int


def font_family(path: Path) -> str:
    """The family name (name table, ID 1) of a font file."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
        name = font["name"].getDebugName(16) or font["name"].getDebugName(1)
    except Exception as error:  # not a font file
        raise InputError(f"huisstijl: lettertype {path} is geen leesbaar lettertypebestand ({error})") from error
    if not name:
        raise InputError(f"huisstijl: lettertype {path} heeft geen familienaam")
    return name


def _style(huisstijl: Huisstijl) -> tuple[dict, list[str], str | None]:
    """The style the template reads, the font folders and the root for the logo."""
    fonts = [str(FONT_DIR)]
    family = PRINT_FONT
    if huisstijl.font is not None:
        fonts.insert(0, str(Path(huisstijl.font).resolve().parent))
        family = font_family(Path(huisstijl.font))
    logo = root = None
    if huisstijl.logo is not None:
        path = Path(huisstijl.logo).resolve()
        root, logo = str(path.parent), "/" + path.name
    style = {"primary": huisstijl.primary, "secondary": huisstijl.secondary, "font": family, "logo": logo,
             "logo_alt": huisstijl.logo_alt, "author": huisstijl.author}
    return style, fonts, root


def typeset(document: Document, huisstijl: Huisstijl | None = None) -> Pdf:
    """`document` as the bytes of a tagged PDF/UA-1 (title, language nl, structure, alt texts)."""
    return typeset_all([document], huisstijl)[0]


def typeset_all(documents: list[Document], huisstijl: Huisstijl | None = None) -> list[Pdf]:
    """Every document as a tagged PDF/UA-1; their maps and charts drawn once each, on every core.

    Three steps overlap: Typst says what size the pages give every drawing (in a thread of this
    process, ahead of the drawing), the drawings are made at that size in forked
    workers (matplotlib only: Typst runs in this process, never in a fork of it, as its threads do
    not survive a fork), and each document is set here as soon as its last drawing is back, while
    the workers draw the next ones. One compiler per thread sets them all (fonts and template read
    once); documents whose drawings are all made are set side by side in threads.
    """
    import typst

    claim_typesetter()
    huisstijl = huisstijl or Huisstijl()
    style, fonts, root = _style(huisstijl)
    template = Path(huisstijl.template) if huisstijl.template is not None else TEMPLATE
    source = template.read_bytes()

    def run(step, doc: Document, **kwargs):
        payload = doc.to_dict()
        payload["style"] = style
        inputs = {"document": json.dumps(payload, ensure_ascii=False)}
        try:
            if step == "query":
                return typst.query(source, font_paths=_fonts(tuple(fonts)), ignore_system_fonts=True, root=root,
                                   sys_inputs=inputs, **kwargs)
            return _compiler(source, tuple(fonts), root).compile(input=source, sys_inputs=inputs, **kwargs)
        except RuntimeError as error:  # typst reports the template's errors as one message
            raise InputError(f"document {doc.title!r} kan niet gezet worden: "
                             f"{' '.join(str(error).split())[:400]}") from error

    def jobs():  # (document, figure key, width, height) per drawing; (document, None, 0, 0): all of it asked
        for i, document in enumerate(documents):
            if document.pending:
                found = json.loads(run("query", document, selector="<figure-size>", field="value"))
                sizes = {item["key"]: (float(item["width"]), float(item["height"])) for item in found}
                yield from ((i, f.key, *sizes[f.key]) for f in document.figures() if f.key in sizes)
            yield i, None, 0.0, 0.0

    def draw(job):
        i, key, width, height = job
        if key is None:
            return job, None
        figure = next(f for f in documents[i].figures() if f.key == key)
        return job, figure.draw(width, height)

    def set_one(document: Document) -> Pdf:
        data = run("compile", document, format="pdf", pdf_standards=["ua-1"])
        return Pdf(data, page_count(data))

    if not any(d.pending for d in documents):  # every drawing made already: set side by side, in threads
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(core_count(), len(documents)) or 1) as setting:
            return list(setting.map(set_one, documents))
    pdfs, drawn = [], {}
    work = list(jobs()) if len(documents) == 1 else jobs()  # one document: as many workers as drawings
    for (i, key, _, height), svg in on_all_cores(work, draw):
        if key is not None:
            drawn[key] = (svg, height)
            continue
        document = documents[i].with_drawings(drawn) if drawn else documents[i]
        drawn = {}
        pdfs.append(set_one(document))
    return pdfs


#: One drawing on a page of its own size, nothing else (for :func:`rasterise`).
_RASTER = b"""#let d = json(bytes(sys.inputs.drawing))
#set page(width: d.width * 1pt, height: d.height * 1pt, margin: 0pt, fill: white)
#image(bytes(d.svg), format: "svg", width: 100%, height: 100%)
"""


def rasterise(svg: str, *, width: float, height: float, ppi: int) -> bytes:
    """An SVG drawing of `width` x `height` points as a PNG at `ppi` that records its resolution.

    The PNG is the very drawing of the SVG and PDF (one matplotlib drawing for every format), and
    Typst renders it several times faster than matplotlib draws the figure again. Call it in the
    run's own process, not in a forked worker (see :func:`typeset_all`).

    Examples
    --------
    >>> svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="36pt" viewBox="0 0 72 36">'
    ...        '<rect width="36" height="36" fill="#b30000"/></svg>')
    >>> png = rasterise(svg, width=72, height=36, ppi=100)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    (True, 100, 50)
    """
    claim_typesetter()
    drawing = json.dumps({"svg": svg, "width": width, "height": height})
    png = _compiler(_RASTER, (str(FONT_DIR),)).compile(input=_RASTER, format="png", ppi=ppi,
                                                       sys_inputs={"drawing": drawing})
    return with_resolution(png, ppi)


def _compiler(source: bytes, folders: tuple[str, ...], root: str | None = None):
    """This thread's compiler of `source` with the fonts of `folders`: documents and PNGs are set in
    several threads at once (Typst leaves Python's lock while it works), and a compiler serves one
    call at a time. Made on first use, so never before the workers of a run are forked."""
    import typst

    made = _THREAD.__dict__.setdefault("compilers", {})
    key = (source, folders, root)
    if key not in made:
        made[key] = typst.Compiler(source, font_paths=_fonts(folders), ignore_system_fonts=True, root=root)
    return made[key]


_THREAD = threading.local()


@functools.lru_cache(maxsize=4)
def _fonts(folders: tuple[str, ...]):
    """The fonts of `folders`, read once per process (a query or compiler given folders reads
    them again each time: half the time of a query)."""
    import typst

    return typst.Fonts(include_system_fonts=False, font_paths=list(folders))


def with_resolution(png: bytes, ppi: float) -> bytes:
    """`png` with a ``pHYs`` chunk saying `ppi` (the 300 dpi a print shop reads), after its header.

    >>> from PIL import Image
    >>> import io
    >>> buffer = io.BytesIO(); Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    >>> round(Image.open(io.BytesIO(with_resolution(buffer.getvalue(), 300))).info["dpi"][0])
    300
    """
    import struct
    import zlib

    per_metre = round(ppi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    end_of_header = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, 13 bytes, CRC
    return png[:end_of_header] + chunk + png[end_of_header:]


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF Typst wrote (its page objects are plain dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
