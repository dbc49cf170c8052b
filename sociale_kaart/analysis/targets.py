"""Policy targets (doelen) against a baseline (nulmeting): gehaald, op koers, or not.

A :class:`~sociale_kaart.settings.Target` names an area (buurt, wijk or gemeente, by code or name),
an indicator, a baseline year, a target year and either a direction ("daling", "stijging",
"gelijk") or a target value. :func:`judge_targets` looks the area up (by the rules of
:mod:`sociale_kaart.sources.areas`), takes the change between the
baseline and the last year with figures up to the target year (:func:`~sociale_kaart.combine.change.change_table`)
and gives one of:

``gehaald`` / ``niet gehaald``
    In the target year: the change goes the way the target asks (a fall or rise beyond what the
    rounding of the source can produce; "gelijk": within the rounding, plus the target's own
    margin), or the target value is reached.
``op koers`` / ``niet op koers``
    Before the target year: the change so far goes the right way (a value target: the figure is
    at or beyond the straight line from the baseline to the target value).
``niet te beoordelen``
    With the reason of the change table (suppressed, missing, too few inhabitants in the baseline,
    boundary changed too much), or no figures after the baseline yet.

Each result has the sentence that explains it, with the numbers:
"Bijstand in Burgemeesterswijk: 51,8 per 1.000 in 2015, 33,1 in 2024: gedaald, doel gehaald".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..combine.change import FALLEN, LEVEL, NOT_JUDGED, RISEN, change_table
from ..errors import InputError
from ..settings import ChangeSettings, Target
from ..sources.areas import AREA_LEVELS, resolve_area
from ..texts import decimals_for, nl_number

MET, ON_TRACK, OFF_TRACK, NOT_MET, UNJUDGED = "gehaald", "op koers", "niet op koers", "niet gehaald", "niet te beoordelen"
STATUSES = (MET, ON_TRACK, OFF_TRACK, NOT_MET, UNJUDGED)
_WANTED = {"daling": FALLEN, "stijging": RISEN, "gelijk": LEVEL}


@dataclass(frozen=True)
class TargetResult:
    """One target, judged.

    Attributes
    ----------
    target : Target
    level, code, name : str
        The area the target was resolved to.
    label, unit : str
        Of the indicator.
    baseline_year, year : int
        The baseline and the year judged (the target year, or the last year before it).
    baseline_value, value : float or None
        The figures (None when suppressed or missing).
    change : str
        "gedaald", "gestegen", "gelijk (binnen de afronding)" or "niet te beoordelen".
    status : str
        One of :data:`STATUSES`.
    reason : str
        Why a target is not judged; empty otherwise.
    sentence : str
        The Dutch sentence with the numbers.
    basis : str
        What the verdict rests on (:data:`sociale_kaart.combine.change.BASIS`); empty when not judged.
    """

    target: Target
    level: str
    code: str
    name: str
    wijkcode: str | None
    label: str
    unit: str
    baseline_year: int
    year: int | None
    baseline_value: float | None
    value: float | None
    change: str
    status: str
    reason: str
    sentence: str
    basis: str = ""


def judge_targets(targets, series, *, settings: ChangeSettings = ChangeSettings()) -> tuple[TargetResult, ...]:
    """Every target judged against `series` (a :class:`~sociale_kaart.combine.series.Series`)."""
    years = series.year_numbers
    tables: dict[tuple[int, int], pd.DataFrame] = {}
    results = []
    for target in targets:
        area = resolve_area(series.areas, target.area, source="doel",
                            levels=(target.level,) if target.level else AREA_LEVELS)
        level, code, name = area.level, area.code, area.name
        if target.baseline_year not in years:
            raise InputError(f"doel {target.indicator} in {name}: geen cijfers van de nulmeting {target.baseline_year}; "
                             f"jaren in deze run: {', '.join(map(str, years))}")
        known = {i.key: i for i in series.year(target.baseline_year).indicators}
        if target.indicator not in known:
            raise InputError(f"doel in {name}: indicator {target.indicator!r} is er niet in {target.baseline_year}; "
                             f"beschikbaar: {', '.join(known)}")
        indicator = known[target.indicator]
        later = [y for y in years if target.baseline_year < y <= target.target_year
                 and target.indicator in {i.key for i in series.year(y).indicators}]
        if not later:
            results.append(_result(target, level, code, name, None, indicator, None, UNJUDGED,
                                   f"nog geen cijfers van na {target.baseline_year}"))
            continue
        year = max(later)
        key = (target.baseline_year, year)
        if key not in tables:
            tables[key] = change_table(series, baseline=key[0], latest=key[1], settings=settings)
        table = tables[key]
        row = table[(table["niveau"] == level) & (table["code"] == code) & (table["indicator"] == target.indicator)]
        row = row.iloc[0]
        results.append(_judge(target, level, code, name, indicator, row, year))
    return tuple(results)


def _judge(target: Target, level, code, name, indicator, row, year) -> TargetResult:
    if row["verandering"] == NOT_JUDGED:
        return _result(target, level, code, name, row, indicator, year, UNJUDGED, row["reden"])
    final = year == target.target_year
    if target.direction is not None:
        change = row["verandering"]
        if target.direction == "gelijk" and target.margin is not None and change != LEVEL:
            change = LEVEL if abs(row["verschil"]) <= row["marge_afronding"] + target.margin else change
        met = change == _WANTED[target.direction]
    else:
        base, now, goal = row["nulmeting"], row["laatste"], target.value
        down = base >= goal
        if not final:  # the straight line from the baseline to the target value
            goal = base + (goal - base) * (year - target.baseline_year) / (target.target_year - target.baseline_year)
        met = now <= goal if down else now >= goal
    status = (MET if met else NOT_MET) if final else (ON_TRACK if met else OFF_TRACK)
    return _result(target, level, code, name, row, indicator, year, status, "")


def _result(target, level, code, name, row, indicator, year, status, reason) -> TargetResult:
    base = None if row is None or pd.isna(row["nulmeting"]) else float(row["nulmeting"])
    now = None if row is None or pd.isna(row["laatste"]) else float(row["laatste"])
    change = NOT_JUDGED if row is None else row["verandering"]
    basis = "" if row is None else row.get("basis", "")
    wijkcode = None if row is None or level == "gemeente" else row["wijkcode"]
    result = TargetResult(target=target, level=level, code=code, name=name, wijkcode=wijkcode, label=indicator.label,
                          unit=indicator.unit, baseline_year=target.baseline_year, year=year, baseline_value=base,
                          value=now, change=change, status=status, reason=reason, sentence="", basis=basis)
    return _with_sentence(result)


def short_unit(unit: str) -> str:
    """The unit as it follows a number in a sentence: ``per 1.000``, ``%``.

    Examples
    --------
    >>> short_unit("per 1.000 inwoners"), short_unit("% van de inwoners"), short_unit("score")
    ('per 1.000', '%', 'score')
    """
    if unit.startswith("%"):
        return "%"
    if unit.startswith("per "):
        return unit.split(" inwoners")[0]
    return unit


def _figure(value: float | None, unit: str, with_unit: bool) -> str:
    text = nl_number(value, decimals_for(unit))
    if value is None or not with_unit:
        return text
    short = short_unit(unit)
    return f"{text}{short}" if short == "%" else f"{text} {short}"


def _with_sentence(result: TargetResult) -> TargetResult:
    import dataclasses

    t = result.target
    head = f"{result.label} in {result.name}: {_figure(result.baseline_value, result.unit, True)} in {t.baseline_year}"
    if result.year is not None:
        head += f", {_figure(result.value, result.unit, result.baseline_value is None)} in {result.year}"
    goal = "" if t.value is None else f" van {_figure(t.value, result.unit, True)}"
    if result.status == UNJUDGED:
        tail = f"niet te beoordelen: {result.reason}"
    elif result.status in (MET, NOT_MET):
        tail = f"{result.change}, doel{goal} {result.status}"
    else:
        tail = f"{result.change}, {result.status} voor het doel{goal} in {t.target_year}"
    if result.basis and result.level != "buurt":
        tail += f" ({result.basis})"
    return dataclasses.replace(result, sentence=f"{head}: {tail}")


def targets_table(results: tuple[TargetResult, ...]) -> pd.DataFrame:
    """The progress table: one row per target, for CSV and Excel."""
    rows = []
    for r in results:
        t = r.target
        decimals = decimals_for(r.unit)
        rows.append({
            "gebied": r.name, "niveau": r.level, "code": r.code, "indicator": t.indicator, "label": r.label,
            "eenheid": r.unit, "doel": t.direction or f"waarde {nl_number(t.value, decimals)}",
            "nulmeting_jaar": t.baseline_year, "nulmeting": None if r.baseline_value is None else round(r.baseline_value, decimals),
            "jaar": r.year, "waarde": None if r.value is None else round(r.value, decimals), "doeljaar": t.target_year,
            "verandering": r.change, "basis": r.basis, "status": r.status, "reden": r.reason, "zin": r.sentence,
            "beleidstekst": t.label or "",
        })
    return pd.DataFrame(rows)
