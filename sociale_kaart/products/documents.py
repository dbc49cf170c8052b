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
        out.path(f"{folder}/{name}").write_bytes(pdf.data)
    progress.say(f"wijkprofielen: {plural(len(names), 'wijk', 'wijken')}")
    return ProductResult(pages=len(wijken))


def briefing(out: OutputFolder, ctx: RunContext) -> ProductResult | None:
    """The briefing of the stuurgroep, or the pack for a wijkbezoek; the result counts its pages."""
    data, analysis, classes = ctx.data, ctx.analysis, ctx.classes
    settings, progress, change = ctx.settings, ctx.progress, ctx.change
    from ..render.document.typeset import typeset
    from ..render.printing import PrintContext, briefing_document, select_wijken, visit_title

    ctx = PrintContext(data, analysis, classes, dutch_date(), **_progress_context(change))
    wijken = select_wijken(data.wijken, list(settings.wijken))
    visit = bool(settings.wijken)  # chosen wijken: the pack for a wijkbezoek
    name = f"{data.slug}_{slugify(visit_title(wijken))}.pdf" if visit else f"{data.slug}_briefing.pdf"
    pdf = typeset(briefing_document(ctx, wijken, visit=visit), settings.huisstijl)
    out.path(name).write_bytes(pdf.data)
    progress.say("briefing: " + plural(pdf.pages, "pagina", "pagina's"))
    return ProductResult(pages=pdf.pages)

