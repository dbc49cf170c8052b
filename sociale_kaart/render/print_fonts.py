"""The print font for matplotlib figures saved as PDF or SVG (static maps, charts).

Documents (profiles, briefing, wijkbezoek) are typeset by Typst
(:mod:`sociale_kaart.render.document`); what remains here is how matplotlib embeds the print font.

The print font is DejaVu Sans reduced to Western European characters and renamed "DejaVu Sans SK"
(``sociale_kaart/assets/fonts``, licence beside it). PDFs embed it as TrueType (``pdf.fonttype``
42): see :func:`print_rc`. Characters outside it fall back to matplotlib's full DejaVu Sans.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

FONT_FAMILY = "DejaVu Sans SK"
#: The family list of every print text: glyphs the reduced font lacks come from the full font.
FAMILIES = (FONT_FAMILY, "DejaVu Sans")
FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FILES = {"normal": FONT_DIR / "DejaVuSansSK.ttf", "bold": FONT_DIR / "DejaVuSansSK-Bold.ttf"}

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
