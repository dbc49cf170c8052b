"""The documents of a run: a wijkprofiel per wijk and the briefing of the stuurgroep (tagged PDF)."""

from __future__ import annotations

from ..outputs import OutputFolder
from ..texts import dutch_date, plural, slugify
from .context import Change, ProductResult, RunContext


def _progress_context(change: Change | None) -> dict:
    """The judged targets, the years and the change per area, for profiles and briefing."""
    if change is None:
        return {}
    return {"targets": change.targets, "series": change.series, "change_rules": change.rules, "change": change.table}


def profiles(out: OutputFolder, ctx: RunContext) -> ProductResult | None:
    """A wijkprofiel (A4 PDF) per chosen wijk; the result counts the profiles."""
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    settings, progress, change = ctx.settings, ctx.progress, ctx.change
    from ..render.document.typeset import typeset_all
    from ..render.printing import PrintContext, profile_documents, select_wijken

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    folder = f"{data.slug}_wijkprofielen"
    names, documents = [], []
    for name, _, document in profile_documents(ctx, wijken):
        names.append(name)
        documents.append(document)
    for name, pdf in zip(names, typeset_all(documents, settings.huisstijl)):  # maps and charts on every core
        out.write_bytes(f"{folder}/{name}", pdf.data)
    progress.say(f"wijkprofielen: {plural(len(names), 'wijk', 'wijken')}")
    return ProductResult(pages=len(wijken))


def briefing(out: OutputFolder, ctx: RunContext) -> ProductResult | None:
    """The briefing of the stuurgroep, or the pack for a wijkbezoek; the result counts its pages.

    With ``briefing_per_gemeente`` and more than one gemeente in the run: a briefing per gemeente
    (``<gemeente>_briefing.pdf``), each made of the run's results restricted to that gemeente
    (:func:`~sociale_kaart.render.printing.gemeente_context`) and all set by one typesetter; the
    result counts the pages of all of them. A wijkbezoek (chosen wijken) stays one pack.
    """
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    settings, progress, change = ctx.settings, ctx.progress, ctx.change
    from ..render.document.typeset import typeset_all
    from ..render.printing import PrintContext, briefing_document, per_gemeente, select_wijken, visit_title

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    visit = bool(settings.wijken)  # chosen wijken: the pack for a wijkbezoek
    if visit:
        documents = [(f"{data.slug}_{slugify(visit_title(wijken))}.pdf", briefing_document(ctx, wijken, visit=True))]
    elif settings.briefing_per_gemeente and ctx.several_gemeenten:
        documents = [(f"{part.data.slug}_briefing.pdf", briefing_document(part, part.data.wijken))
                     for part in per_gemeente(ctx)]
    else:
        documents = [(f"{data.slug}_briefing.pdf", briefing_document(ctx, wijken))]
    pdfs = typeset_all([document for _, document in documents], settings.huisstijl)  # one typesetter for all
    for (name, _), pdf in zip(documents, pdfs):
        out.write_bytes(name, pdf.data)
    pages = sum(pdf.pages for pdf in pdfs)
    if len(pdfs) > 1:
        progress.say(f"briefing: {len(pdfs)} briefings (één per gemeente), " + plural(pages, "pagina", "pagina's"))
    else:
        progress.say("briefing: " + plural(pages, "pagina", "pagina's"))
    return ProductResult(pages=pages)
