"""Change per area and indicator between a baseline year (nulmeting) and a later year.

For every area (buurt, wijk, gemeente) and every indicator both years have, :func:`change_table`
gives the baseline value, the latest value, the absolute and relative change, and a verdict:

``gedaald`` / ``gestegen``
    The change is larger than anything the rounding of the source can explain.
``gelijk (binnen de afronding)``
    CBS rounds counts to 5 (and whole-number percentages by half a point). From the margins the
    series carries (:mod:`sociale_kaart.combine.series`) each rate has an interval it may really lie
    in: ``(n - dn) / (d + dd)`` to ``(n + dn) / (d - dd)``. When the intervals of both years
    overlap, the change could be rounding alone. A wijk or gemeente uses its published figure
    where the table has one (rounded once); otherwise the sum of its buurten, whose independent
    rounding errors grow with the square root of their number, not with the number
    (:func:`sociale_kaart.combine.series._aggregate`). ``basis`` says which a verdict rests on.
``niet te beoordelen``
    With the reason: the figure is suppressed (small numbers, in either year) or missing, the
    baseline has fewer inhabitants than :attr:`ChangeSettings.min_inwoners`, or the area's
    translation from another boundary year rests mostly on assumption.

``beoordeling`` says whether the change is an improvement: for a need indicator (Wmo, bijstand,
jeugdzorg) a fall is "verbeterd"; a context indicator (housing, ageing) is neither ("neutraal").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..settings import ChangeSettings
from ..texts import nl_number
from . import indicators as ind
from .crosswalk import MAX_ASSUMPTION
from .indicators import PUBLISHED, SUMMED
from .series import Series, margin_column, part_column

#: A wijk or gemeente is compared only when (nearly) all its inhabitants have a figure in both years.
MIN_COVERAGE = 0.95
FALLEN, RISEN, LEVEL, NOT_JUDGED = "gedaald", "gestegen", "gelijk (binnen de afronding)", "niet te beoordelen"
BETTER, WORSE, SAME, NEUTRAL = "verbeterd", "verslechterd", "gelijk", "neutraal"
_CODE = {"buurt": "buurtcode", "wijk": "wijkcode", "gemeente": "gemeentecode"}
_NAME = {"buurt": "buurtnaam", "wijk": "wijknaam", "gemeente": "gemeentenaam"}


def change_table(series: Series, *, baseline: int | None = None, latest: int | None = None,
                 levels: tuple[str, ...] = ("buurt", "wijk", "gemeente"),
                 settings: ChangeSettings = ChangeSettings()) -> pd.DataFrame:
    """The change of every indicator in every area between `baseline` and `latest`.

    Parameters
    ----------
    series : Series
        At least two years on the same areas.
    baseline, latest : int, optional
        Years; by default the settings' baseline year (else the first year) and the last year.
    levels : tuple of str
        Which levels to include.
    settings : ChangeSettings

    Returns
    -------
    DataFrame
        One row per area and indicator: ``niveau``, ``code``, ``naam``, ``wijkcode``,
        ``gemeentecode``, ``indicator``, ``label``, ``eenheid``, ``jaar_nulmeting``,
        ``jaar_laatste``, ``nulmeting``, ``status_nulmeting``, ``laatste``, ``status_laatste``,
        ``verschil``, ``verschil_pct``, ``marge_afronding``, ``basis``, ``inwoners_nulmeting``,
        ``deel_aanname``, ``verandering``, ``beoordeling``, ``reden``.
    """
    years = series.year_numbers
    baseline = baseline or settings.baseline_year or years[0]
    latest = latest or years[-1]
    if baseline >= latest:
        from ..errors import InputError

        raise InputError(f"de nulmeting ({baseline}) moet voor het laatste jaar ({latest}) liggen")
    first, last = series.year(baseline), series.year(latest)
    keys = {i.key for i in last.indicators}
    chosen = [i for i in first.indicators if i.key in keys]
    assumed = {level: _assumption(series, (first, last), level) for level in levels}
    frames = []
    for level in levels:
        names = _names(series, level)
        a, b = first.level(level).set_index(_CODE[level]), last.level(level).set_index(_CODE[level])
        for indicator in chosen:
            frames.append(_one(indicator, level, names, a, b, baseline, latest, assumed[level], settings))
    return pd.concat(frames, ignore_index=True)


def _one(indicator, level, names, a, b, baseline, latest, assumed, settings) -> pd.DataFrame:
    codes = names.index
    lo_a, hi_a = _interval(a.reindex(codes), indicator)
    lo_b, hi_b = _interval(b.reindex(codes), indicator)
    va, vb = a[indicator.key].reindex(codes), b[indicator.key].reindex(codes)
    sa = a[f"{indicator.key}_status"].reindex(codes).fillna(ind.MISSING)
    sb = b[f"{indicator.key}_status"].reindex(codes).fillna(ind.MISSING)
    inhabitants = a["inwoners"].reindex(codes) if "inwoners" in a else pd.Series(np.nan, index=codes)
    diff = vb - va
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = (diff / va * 100).where(va > 0)
    basis = _basis(a.reindex(codes), b.reindex(codes), indicator, level, baseline, latest)
    overlap = (lo_b <= hi_a) & (lo_a <= hi_b)
    verdict = np.where(overlap, LEVEL, np.where(diff < 0, FALLEN, RISEN))
    reason = pd.Series("", index=codes, dtype=object)
    share = assumed.reindex(codes).fillna(0.0)
    reason[share > MAX_ASSUMPTION] = "de grens is te sterk gewijzigd: de omzetting rust grotendeels op aanname"
    small = inhabitants < settings.min_inwoners
    reason[small] = [f"te weinig inwoners in {baseline} ({nl_number(n, 0)}, minimum {nl_number(settings.min_inwoners, 0)})"
                     for n in inhabitants[small]]
    for year, frame in ((latest, b), (baseline, a)):  # a wijk or gemeente compared over the same buurten
        coverage = frame.get(f"{indicator.key}_dekking")
        if coverage is not None:
            low = coverage.reindex(codes) < MIN_COVERAGE
            reason[low] = [f"in {year} heeft maar {nl_number(c * 100, 0)}% van de inwoners een cijfer"
                           for c in coverage.reindex(codes)[low]]
    for year, status in ((latest, sb), (baseline, sa)):
        reason[status.eq(ind.MISSING)] = f"geen cijfer in {year}"
        reason[status.eq(ind.SUPPRESSED)] = f"onderdrukt in {year} (klein aantal)"
    judged = reason.eq("")
    verdict = pd.Series(verdict, index=codes).where(judged, NOT_JUDGED)
    if indicator.role == "behoefte":
        good = FALLEN if indicator.more_is_need else RISEN
        quality = np.where(verdict.eq(LEVEL), SAME, np.where(verdict.eq(good), BETTER, WORSE))
    else:
        quality = np.where(verdict.eq(LEVEL), SAME, NEUTRAL)
    quality = pd.Series(quality, index=codes).where(judged, "")
    return pd.DataFrame({
        "niveau": level, "code": codes, "naam": names["naam"].to_numpy(), "wijkcode": names["wijkcode"].to_numpy(),
        "gemeentecode": names["gemeentecode"].to_numpy(), "indicator": indicator.key, "label": indicator.label,
        "eenheid": indicator.unit, "jaar_nulmeting": baseline, "jaar_laatste": latest,
        "nulmeting": va.where(sa.eq(ind.OK)).to_numpy(), "status_nulmeting": sa.to_numpy(),
        "laatste": vb.where(sb.eq(ind.OK)).to_numpy(), "status_laatste": sb.to_numpy(),
        "verschil": diff.where(judged).to_numpy(), "verschil_pct": relative.where(judged).to_numpy(),
        "marge_afronding": ((hi_a - lo_a) / 2 + (hi_b - lo_b) / 2).where(judged).to_numpy(),
        "basis": basis.where(judged, "").to_numpy(),
        "inwoners_nulmeting": inhabitants.to_numpy(), "deel_aanname": share.to_numpy(),
        "verandering": verdict.to_numpy(), "beoordeling": quality.to_numpy(), "reden": reason.to_numpy(),
    })


#: The basis of a verdict, in words (the ``basis`` column, the report and the Doelen page); the margin each
#: carries is explained by :meth:`~sociale_kaart.settings.ChangeSettings.describe`.
BASIS = {"buurt": "cijfer van de buurt", PUBLISHED: "gepubliceerd cijfer", SUMMED: "som van de buurten"}


def _basis(a: pd.DataFrame, b: pd.DataFrame, indicator, level: str, baseline: int, latest: int) -> pd.Series:
    """Per area, what the verdict rests on: the buurt's own figure, a published figure or summed buurten."""
    if level == "buurt":
        return pd.Series(BASIS["buurt"], index=a.index)
    column = f"{indicator.key}_basis"
    first = a.get(column, pd.Series(SUMMED, index=a.index)).fillna(SUMMED).map(BASIS)
    last = b.get(column, pd.Series(SUMMED, index=b.index)).fillna(SUMMED).map(BASIS)
    return first.where(first.eq(last), f"{baseline}: " + first + f"; {latest}: " + last)


def _interval(frame: pd.DataFrame, indicator) -> tuple[pd.Series, pd.Series]:
    """Lowest and highest rate the rounding of numerator and denominator allows."""
    n = frame[part_column(indicator.numerator, indicator.key)].astype(float)
    d = frame[part_column(indicator.denominator, indicator.key)].astype(float)
    zero = pd.Series(0.0, index=frame.index)
    dn = frame.get(margin_column(indicator.numerator, indicator.key), zero).fillna(0.0)
    dd = frame.get(margin_column(indicator.denominator, indicator.key), zero).fillna(0.0)
    if indicator.numerator == indicator.denominator:
        dn = dd = zero
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = (n - dn).clip(lower=0) / (d + dd) * indicator.scale
        hi = (n + dn) / (d - dd).where(d - dd > 0) * indicator.scale
    return lo, hi


def _names(series: Series, level: str) -> pd.DataFrame:
    areas = series.areas
    names = areas.drop_duplicates(_CODE[level]).set_index(_CODE[level], drop=False)
    out = pd.DataFrame(index=names.index)
    out["naam"] = names[_NAME[level]] if _NAME[level] in names else names.index.to_series()
    out["wijkcode"] = names["wijkcode"] if level != "gemeente" else None
    out["gemeentecode"] = names["gemeentecode"]
    return out


def _assumption(series: Series, years, level: str) -> pd.Series:
    """Per area: the largest share (over both years) of its figure that rests on assumption.

    For a wijk or gemeente: the share of its figure that comes from source areas split across its
    own border. A source buurt split between two buurten of the same wijk is no assumption for the
    wijk: all of it is in the wijk either way.
    """
    areas = series.areas.set_index("buurtcode")
    group = areas.index.to_series() if level == "buurt" else areas[_CODE[level]]
    shares = []
    for figures in years:
        walk = figures.crosswalk
        if level == "buurt":
            shares.append(walk.areas["deel_aanname"].reindex(areas.index).fillna(1.0))
            continue
        if walk.identity:
            shares.append(pd.Series(0.0, index=pd.Index(group.unique())))
            continue
        pieces = walk.pieces.assign(groep=walk.pieces["naar"].map(group))
        split = pieces["van"].map(pieces.groupby("van")["groep"].nunique()).gt(1)
        weight = pieces["bijdrage"]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = weight.where(split, 0.0).groupby(pieces["groep"]).sum() / weight.groupby(pieces["groep"]).sum()
        shares.append(share.reindex(group.unique()).fillna(1.0))
    return pd.concat(shares, axis=1).max(axis=1).fillna(0.0)

