"""An attacker's toolkit for tests: how far can published figures pin down a suppressed count?

Independent of :mod:`sociale_kaart.combine.disclosure`: it reads only what a run publishes (numbers,
``None`` for a suppressed figure) plus public knowledge (which buurten form which area, CBS
denominators, the published rules), turns that into linear constraints and asks
:func:`scipy.optimize.milp` for the least and greatest integer value of every unknown.

A constraint is ``(coefficients, lo, hi)``: ``lo <= sum(coef * variable) <= hi``, with
coefficients a dict from variable name to number. Bounds per variable are ``(lo, hi)``; ``None`` or
``inf`` is unbounded above.

Examples
--------
A wijk total 18 of three buurten, two of them published as 5 and 12:

>>> feasible_ranges([({"a": 1, "b": 1, "c": 1}, 18, 18)], ["b"],
...                 bounds={"a": (5, 5), "c": (12, 12), "b": (1, 4)})
{'b': (1.0, 1.0)}
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

#: Stand-in for "no upper bound" (keeps HiGHS away from unbounded problems); reported as inf.
_BIG = 1e7

Constraint = tuple[Mapping[str, float], float, float]


def feasible_ranges(constraints: Iterable[Constraint], unknowns: Iterable[str], *,
                    bounds: Mapping[str, tuple[float, float | None]] | None = None,
                    integer: bool = True) -> dict[str, tuple[float, float]]:
    """Least and greatest value of every unknown over all solutions of the constraints.

    Parameters
    ----------
    constraints : iterable of (dict, lo, hi)
        ``lo <= sum(coefficient * variable) <= hi``.
    unknowns : iterable of str
        The variables to report.
    bounds : dict, optional
        ``name -> (lo, hi)``; default ``(0, inf)``; ``hi`` None or inf is unbounded.
    integer : bool, default True
        Integer variables (counts); False is the LP relaxation.

    Returns
    -------
    dict of str to (float, float)
        ``(min, max)`` per unknown, ``inf`` when unbounded above.

    Raises
    ------
    AssertionError
        If the constraints have no solution (the true counts always are one).
    """
    constraints = list(constraints)
    bounds = dict(bounds or {})
    unknowns = list(unknowns)
    names = {name for coefficients, _, _ in constraints for name in coefficients}
    names = sorted(names | set(bounds) | set(unknowns))
    column = {name: i for i, name in enumerate(names)}
    lower = np.zeros(len(names))
    upper = np.full(len(names), _BIG)
    for name, (lo, hi) in bounds.items():
        lower[column[name]] = lo
        upper[column[name]] = _BIG if hi is None or math.isinf(hi) else hi
    matrix = np.zeros((len(constraints), len(names)))
    lo_hi = np.zeros((len(constraints), 2))
    for row, (coefficients, lo, hi) in enumerate(constraints):
        for name, coefficient in coefficients.items():
            matrix[row, column[name]] += coefficient
        lo_hi[row] = (lo, hi)
    linear = [LinearConstraint(matrix, lo_hi[:, 0], lo_hi[:, 1])] if constraints else []
    integrality = np.ones(len(names)) if integer else np.zeros(len(names))
    ranges = {}
    for name in unknowns:
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(names))
            objective[column[name]] = sign
            result = milp(objective, constraints=linear, integrality=integrality, bounds=Bounds(lower, upper))
            assert result.status == 0, f"no solution for {name}: {result.message}"
            ends.append(float(result.x[column[name]]))
        low, high = ends
        if integer:
            low, high = float(round(low)), float(round(high))
        ranges[name] = (low, math.inf if high >= _BIG - 1 else high)
    return ranges


def count_interval(published: float, *, rounding: int, min_count: int) -> tuple[float, float]:
    """The true counts a published count allows, given half-up rounding and the suppression rule.

    Examples
    --------
    >>> count_interval(10, rounding=5, min_count=5), count_interval(5, rounding=5, min_count=5)
    ((8, 12), (5, 7))
    >>> count_interval(0, rounding=5, min_count=5), count_interval(7, rounding=1, min_count=5)
    ((0, 0), (7, 7))
    """
    if published == 0:
        return (0, 0)
    low = math.ceil(published - rounding / 2)
    high = math.ceil(published + rounding / 2) - 1
    return (max(low, min_count), high)


def rate_interval(rate: float, denominator: float, *, scale: float = 1000,
                  decimals: int | None = 1) -> tuple[float, float]:
    """The counts a published rate on a known denominator allows.

    ``decimals=None`` is an unrounded float as found in the wild (``14.905792044661549``).

    Examples
    --------
    >>> low, high = rate_interval(14.905792044661549, 35825, decimals=None)
    >>> math.ceil(low), math.floor(high)
    (534, 534)
    """
    half = 1e-9 * max(1.0, abs(rate)) if decimals is None else 0.5 * 10.0 ** -decimals
    return ((rate - half) * denominator / scale, (rate + half) * denominator / scale)


def attack(*, cells: Mapping[str, float | None], areas: Mapping[str, Iterable[str]],
           area_values: Mapping[str, float | None], rounding: int = 1, min_count: int = 5,
           rates: Mapping[str, tuple[float, float, int | None]] | None = None,
           suppressed: tuple[float, float | None] = (1, None),
           cell_bounds: Mapping[str, tuple[float, float | None]] | None = None,
           area_bounds: Mapping[str, tuple[float, float | None]] | None = None,
           counts: Iterable[tuple[str, float, float]] = (),
           integer: bool = True) -> dict[str, tuple[float, float]]:
    """Everything one run publishes about one registration, attacked at once.

    Parameters
    ----------
    cells : dict
        buurtcode -> published count, ``None`` (or NaN) if suppressed.
    areas : dict
        area id (unique over all groupings, e.g. ``"wijk:WK055602"``) -> its buurtcodes.
    area_values : dict
        area id -> published total, ``None`` (or NaN) if suppressed; an area missing here is not
        published at all.
    rounding, min_count : int
        The published rules: every published figure is rounded half up and 0 or >= min_count.
    rates : dict, optional
        buurtcode or area id -> ``(rate, denominator, decimals)``; ``decimals`` None: exact float.
        A rate is taken to be computed from the published count (a multiple of `rounding`).
    suppressed : (lo, hi)
        What the attacker knows of any suppressed figure (default: at least 1, since zeros are
        published).
    cell_bounds, area_bounds : dict, optional
        Sharper knowledge per suppressed cell or area (an attacker who can tell primary from
        secondary suppression: ``(1, min_count - 1)`` or ``(min_count, None)``).
    counts : iterable of (str, float, float)
        More knowledge of published counts: ``(buurtcode or area id, first, last)`` where the
        published count lies between `first` and `last` (multiples of `rounding`; from other
        published figures made of it, such as own indicators).
    integer : bool
        Integer programme (default) or its LP relaxation.

    Returns
    -------
    dict
        ``(min, max)`` for every suppressed buurtcode and every suppressed area id.
    """
    bounds, constraints, unknowns = published_constraints(
        cells=cells, areas=areas, area_values=area_values, rounding=rounding, min_count=min_count, rates=rates,
        suppressed=suppressed, cell_bounds=cell_bounds, area_bounds=area_bounds, counts=counts)
    ranges = feasible_ranges(constraints, unknowns, bounds=bounds, integer=integer)
    return {name.removeprefix("area:"): value for name, value in ranges.items()}


def attack_related(*, columns: Mapping[str, tuple[Mapping, Mapping]], areas: Mapping[str, Iterable[str]],
                   relations: Iterable[tuple[str, Iterable[str]]], rounding: int = 1, min_count: int = 5,
                   unpublished: Iterable[str] = ()) -> dict[str, tuple[float, float]]:
    """Several registrations that add up (``total = sum(parts)`` in every buurt), attacked at once.

    Parameters
    ----------
    columns : dict
        column -> ``(cells, area_values)`` as :func:`attack` takes them for one column.
    areas : dict
        area id -> its buurtcodes (the same areas for every column).
    relations : iterable of (total, parts)
        Known to the attacker: the total column is the sum of the parts in every buurt.
    unpublished : iterable of str
        Columns whose buurt cells are not published at all (only their area totals): such a cell
        may be 0 as well, so the attacker only knows it is at least 0.

    Returns
    -------
    dict
        ``"column|buurtcode"`` or ``"column|area id"`` -> ``(min, max)`` for every suppressed figure.

    Examples
    --------
    Total 5 and vervoer 5 published, hh suppressed: without rounding hh is 0, which cannot be.

    >>> attack_related(columns={"t": ({"a": 10}, {}), "hh": ({"a": None}, {}), "v": ({"a": 5}, {})},
    ...                areas={}, relations=[("t", ["hh", "v"])], rounding=5)
    {'hh|a': (1.0, 7.0)}
    """
    bounds, constraints, unknowns = {}, [], []
    for column, (cells, area_values) in columns.items():
        b, c, u = published_constraints(
            cells={f"{column}|{code}": v for code, v in cells.items()},
            areas={f"{column}|{area}": [f"{column}|{code}" for code in members] for area, members in areas.items()},
            area_values={f"{column}|{area}": v for area, v in area_values.items()}, rounding=rounding,
            min_count=min_count,
            cell_bounds={f"{column}|{code}": (0, None) for code in cells} if column in set(unpublished) else None)
        bounds.update(b)
        constraints += c
        unknowns += u
    codes = {code for cells, _ in columns.values() for code in cells}
    for total, parts in relations:
        for code in sorted(codes):
            constraints.append(({f"{total}|{code}": 1, **{f"{part}|{code}": -1 for part in parts}}, 0, 0))
    ranges = feasible_ranges(constraints, unknowns, bounds=bounds)
    return {name.removeprefix("area:"): value for name, value in ranges.items()}


def published_constraints(*, cells, areas, area_values, rounding=1, min_count=5, rates=None,
                          suppressed=(1, None), cell_bounds=None, area_bounds=None, counts=()):
    """Bounds, constraints and unknowns of :func:`attack` (area variables are ``"area:<id>"``)."""
    cell_bounds, area_bounds = dict(cell_bounds or {}), dict(area_bounds or {})
    bounds, constraints, unknowns = {}, [], []

    def is_suppressed(value):
        return value is None or (isinstance(value, float) and math.isnan(value))

    for code, value in cells.items():
        if is_suppressed(value):
            bounds[code] = cell_bounds.get(code, suppressed)
            unknowns.append(code)
        else:
            bounds[code] = count_interval(value, rounding=rounding, min_count=min_count)
    for area, members in areas.items():
        total = f"area:{area}"
        constraints.append(({total: 1, **{code: -1 for code in members}}, 0, 0))
        if area not in area_values:
            continue
        value = area_values[area]
        if is_suppressed(value):
            bounds[total] = area_bounds.get(area, suppressed)
            unknowns.append(total)
        else:
            bounds[total] = count_interval(value, rounding=rounding, min_count=min_count)
    for key, (rate, denominator, decimals) in (rates or {}).items():
        if rate is None or (isinstance(rate, float) and math.isnan(rate)):
            continue
        # A rate is computed from the published (rounded) count c: it bounds c, and c bounds the count.
        low, high = rate_interval(rate, denominator, decimals=decimals)
        first, last = math.ceil(low / rounding) * rounding, math.floor(high / rounding) * rounding
        assert first <= last, f"rate {rate} of {key} fits no published count"
        name = key if key in cells else f"area:{key}"
        constraints.append(({name: 1}, count_interval(first, rounding=rounding, min_count=min_count)[0],
                            count_interval(last, rounding=rounding, min_count=min_count)[1]))
    for key, first, last in counts:
        name = key if key in cells else f"area:{key}"
        constraints.append(({name: 1}, count_interval(first, rounding=rounding, min_count=min_count)[0],
                            count_interval(last, rounding=rounding, min_count=min_count)[1]))
    return bounds, constraints, unknowns
