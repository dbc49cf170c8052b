"""Statistical disclosure control for a municipality's own registration counts.

What is protected
-----------------
A registration (schuldhulp, Wmo per voorziening, ...) is a count per buurt. Counts from 1 to
``min_count - 1`` (default 1 to 4) identify people and are never shown. A run does not only
publish buurt counts: it also publishes totals per wijk, per gemeente and per *own area* (any other
grouping of buurten, several may exist and they may overlap wijken), and rates per 1,000
inhabitants on public CBS denominators. Those totals and rates are equations an outsider can solve.
Two attacks seen on real output:

* gemeente rate 14.905792044661549 per 1,000 on 35,825 inhabitants gives 534 cases; the 18
  unsuppressed buurten publish 531, so the one suppressed buurt has 3;
* wijk total 18, its other buurten publish 5 and 12, so the suppressed buurt has 1.

Threat model
------------
The attacker holds *every* output of one run (all tables, maps and rates, at every level) and knows
the rules below, the public CBS denominators and which buurten form which area. They may set up
every linear equation and bound this gives and solve it with integer programming, also between
columns that add up (a total and its parts, one total split two ways: ``relations``). Protection
is against that person, for the figures of one run; the result does not depend on which grouping
an area is published under, so two runs with the same groupings (a layout shown beside the wijken
or as the wijken) publish the same cells. Not covered: differencing runs of other periods or
other groupings, knowledge from outside (someone who knows his neighbour's case), and any figure
that is not derived from :attr:`Protected.buurten` / :attr:`Protected.totals` (publish nothing
else: no sums of suppressed cells, no unrounded rates, no count of suppressions per reason).

The rules (CBS practice for the Kerncijfers Wijken en Buurten)
--------------------------------------------------------------
1. **Primary suppression.** A buurt count or an area total from 1 to ``min_count - 1`` is not shown.
2. **Secondary (complementary) suppression.** For every published total, a suppressed figure must
   not follow by subtraction, also not by combining totals of several groupings (buurt -> wijk ->
   gemeente and overlapping own areas: an own area that is a wijk minus one small buurt gives that
   buurt as the difference of two totals, whatever buurt cells are hidden). The algorithm works per
   registration column and protects every suppressed figure (primary *and* secondary, buurt cells
   *and* totals) by constructing a *hiding direction*: integer changes of +1/-1 on suppressed buurt
   cells that leave every published total unchanged and change the protected figure. Every cell
   that goes down along the direction holds at least ``c = max(rounding, 2, min_count) + 1``. If
   the true counts are ``x``, ``x + k * d`` is then consistent with every published figure, with
   every suppressed figure at least 1, for ``k`` from 0 to ``max(rounding, 2)``. Hence an attacker
   who knows that a suppressed figure is at least 1 can never narrow it to fewer than
   ``max(rounding, 2) + 1`` values (the rounding of the published figures adds uncertainty on
   top). Besides, every other cell on the direction can move one step either way without
   changing class (a small cell is 2 .. ``min_count - 2``, any other at least ``c``), so that
   even someone who could tell primary from secondary suppression keeps at least two values for
   a small cell in practice (not a proof: suppressed totals on the direction can still bind).
   The status never tells the two reasons apart. Extra cells are chosen by a bounded best-first
   (branch and bound) search: cost is the value newly hidden (the smallest eligible extra cells
   first, cells already suppressed are free, suppressing an area total costs its value); every
   partial direction also yields a valid answer by suppressing the totals it leaves open, so the
   search always returns one. This is repeated until every suppressed figure has such a
   direction (a fixed point over all groupings). Zeros are never suppressed: a true 0 is
   published as 0 (as CBS does), and hiding a 0 next to a small cell does not protect it (``a +
   0 = total`` still gives ``a``); so the attacker also learns that a suppressed figure is at
   least 1, which the guarantee above already assumes.
3. **Rounding.** Every published count, buurt cells and area totals, is rounded to a multiple of
   ``rounding`` (CBS: 5), half up; an area total is rounded from its true sum, not summed from
   rounded cells (so totals need not add up, as in CBS tables). 0 stays 0 and a non-zero count is
   never shown as 0 (``rounding`` may be at most ``2 * min_count``).
4. **Rates** (:func:`publish_rates`) are computed from the *rounded published* counts, rounded to a
   few decimals and suppressed where the count is suppressed or the denominator is small; so they
   tell nothing beyond the published counts.

The status of a figure is ``"ok"``, ``"onderdrukt"`` (for both reasons: which suppressions are
primary must not be published, otherwise an attacker knows that a primary cell is at most
``min_count - 1`` and a secondary one at least ``min_count``) or ``"onbekend"`` (the count is
missing in the input; an area total with a missing member is unknown as well).

Examples
--------
Two wijken and a gemeente; buurt B1 has 3 cases:

>>> counts = pd.DataFrame({"schuldhulp": [3, 12, 20, 8, 30]},
...                       index=["B1", "B2", "B3", "B4", "B5"])
>>> wijk = pd.Series(["W1", "W1", "W1", "W2", "W2"], index=counts.index)
>>> gemeente = pd.Series("G", index=counts.index)
>>> result = protect_counts(counts, groupings={"wijk": wijk, "gemeente": gemeente}, rounding=1)
>>> result.buurten["schuldhulp"].tolist()
[nan, nan, 20.0, 8.0, 30.0]
>>> result.totals["wijk"]["schuldhulp"].tolist(), result.totals["gemeente"]["schuldhulp"].tolist()
([35.0, 38.0], [73.0])
>>> int(result.primary["schuldhulp"]), int(result.secondary["schuldhulp"])
(1, 1)
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..sources.declarations import LEEFBAAROMETER, POLITIE

STATUS_OK, STATUS_SUPPRESSED, STATUS_UNKNOWN = "ok", "onderdrukt", "onbekend"
#: CBS codes for "secret" or "not available" (-99995, -99997, ...): missing, never a number.
_SENTINEL = -99990
#: Search effort per protected figure: how many of the cheapest (and of the best-fitting) cells
#: not yet suppressed are tried when an area is balanced.
_CANDIDATES = 5
#: Rounds of the search: (weight of the imbalance left, nodes). Weight 0 is cheapest-first; a
#: higher weight heads for any solution faster when the cheap one is hard to find.
_ROUNDS = ((0.0, 600), (2.0, 300))


@dataclass(frozen=True, kw_only=True)
class Protection:
    """The disclosure rules one run used (see the module docstring)."""

    min_count: int = 5  #: counts and totals 1 .. min_count - 1 are suppressed
    rounding: int = 5  #: published counts are multiples of this (1: not rounded)
    secondary: bool = True  #: complementary suppression against subtraction

    def __post_init__(self):
        for name, value in (("min-aantal", self.min_count), ("afronding", self.rounding)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise InputError(f"{name} moet een geheel getal van minstens 1 zijn, niet {value!r}")
        if self.rounding > 2 * self.min_count:
            raise InputError(f"afronding op {self.rounding} zou een aantal van {self.min_count} als 0 tonen; "
                             f"kies een afronding van hoogstens {2 * self.min_count}")

    @property
    def width(self) -> int:
        """An attacker keeps at least ``width + 1`` possible values for every suppressed figure."""
        return max(self.rounding, 2)

    def describe(self) -> str:
        """The rules in Dutch, for every product that shows registration counts."""
        parts = []
        if self.rounding > 1:
            parts.append(f"Aantallen uit registraties van de gemeente zijn afgerond op een veelvoud van "
                         f"{self.rounding}; een totaal is afgerond vanuit het echte totaal, dus de delen tellen "
                         "niet altijd precies op.")
        if self.min_count > 1:
            text = f"Aantallen en totalen van 1 t/m {self.min_count - 1} worden niet getoond ('onderdrukt')"
            if self.secondary:
                text += (", en ook andere aantallen of totalen waar een klein aantal anders terug te rekenen "
                         "zou zijn uit de wel getoonde cijfers")
            parts.append(text + ".")
        return " ".join(parts)


@dataclass(frozen=True, kw_only=True)
class Protected:
    """Registration counts fit for publication, at buurt level and per area of every grouping.

    Attributes
    ----------
    buurten : DataFrame
        Published buurt counts: index and columns as the input, integer-valued floats (rounded),
        NaN where suppressed or unknown.
    buurt_status : DataFrame
        ``"ok"``, ``"onderdrukt"`` or ``"onbekend"`` per buurt cell.
    totals : dict of str to DataFrame
        Per grouping name: the published total per area (index: area code, sorted; columns as the
        input), rounded from the true sum, NaN where suppressed or unknown.
    total_status : dict of str to DataFrame
        The status of every area total, as `buurt_status`.
    primary, secondary : Series
        Per count column: how many figures (buurt cells plus area totals) were suppressed because
        they are 1 .. min_count - 1 (primary), or to stop subtraction (secondary). For tests and
        diagnosis only: published, they would tell an attacker which suppressed cells are small.
    settings : Protection
        The rules used.
    """

    buurten: pd.DataFrame
    buurt_status: pd.DataFrame
    totals: dict[str, pd.DataFrame] = field(default_factory=dict)
    total_status: dict[str, pd.DataFrame] = field(default_factory=dict)
    primary: pd.Series
    secondary: pd.Series
    settings: Protection
    relations: tuple = ()  #: (total, parts) protected together
    together: tuple = ()  #: groups of columns (periods) hidden together


def protect_counts(counts: pd.DataFrame, *, groupings: Mapping[str, pd.Series], min_count: int = 5,
                   rounding: int = 5, secondary: bool = True, relations=(), together=(), area_only=()) -> Protected:
    """Suppress and round registration counts so that no small count can be read or derived.

    Parameters
    ----------
    counts : DataFrame
        Indexed by buurtcode (unique), one column of non-negative integer counts per registration;
        NaN (or a CBS sentinel <= -99990) is unknown.
    groupings : mapping of str to Series
        Grouping name (``"wijk"``, ``"gemeente"``, ``"eigen_indeling"``, ...) -> Series indexed by
        buurtcode with the area code of each buurt. A total is published for every area of every
        grouping; a buurt that is absent or NaN in a grouping belongs to no area of it. Areas with
        the same buurten are one figure, whatever grouping names them: the result does not depend
        on which grouping a layout is published as, nor on their order.
    min_count : int, default 5
        Counts and totals from 1 to ``min_count - 1`` are suppressed.
    rounding : int, default 5
        Published counts are rounded half up to a multiple of this; 1 publishes exact counts.
    secondary : bool, default True
        Suppress more figures where a suppressed one could be derived from published totals.
        ``False`` is primary suppression only, which does *not* protect against subtraction.
    relations : sequence of (str, sequence of str)
        Columns that add up in every buurt: ``(total, parts)``, e.g. ``("wmo_totaal", ("wmo_hh",
        "wmo_vervoer"))``, a registration's categories and their total, or one total split two ways
        (two relations with the same total). Related columns are protected together: no subtraction
        between them narrows a suppressed figure either (see :func:`find_relations`).
    together : sequence of sequence of str
        Columns that are one registration in several periods (months, quarters): a figure (buurt
        or area) suppressed in one of them is suppressed in all, so that a reader who lays the
        periods side by side cannot follow a hidden buurt from one to the next.
    area_only : sequence of str
        Columns published per area only (their buurt figures are never published; drop them from
        what is written): their buurt figures are hidden from the start and need a hiding
        direction of their own only when they are small (a large one may be derivable: it is not
        published by choice, not to protect it). Their area totals are protected as any other.
        For fine breakdowns (a combination of leefgebieden) that are small in most buurten.

    Returns
    -------
    Protected

    Raises
    ------
    InputError
        On a duplicate buurtcode, a non-numeric column, a negative or fractional count, a grouping
        that names a buurtcode that is not in `counts`, a relation that does not hold or names an
        unknown column, or invalid settings.
    """
    settings = Protection(min_count=min_count, rounding=rounding, secondary=bool(secondary))
    values = _validated_counts(counts)
    order = np.argsort(values.index.astype(str), kind="stable")  # buurtcode order: one answer for any input order
    values = values.iloc[order]
    areas = _areas(groupings, values.index)
    unique = sorted({tuple(members.tolist()) for _, _, members in areas})  # one figure per set of buurten
    row_of = [unique.index(tuple(members.tolist())) for _, _, members in areas]
    membership = np.zeros((len(unique), len(values)), dtype=bool)
    for row, members in enumerate(unique):
        membership[row, list(members)] = True
    relations = _checked_relations(relations, values)
    together = [tuple(group) for group in together]
    for column in (c for group in together for c in group):
        if column not in values.columns:
            raise InputError(f"perioden: kolom {column} is geen registratiekolom van deze run; bekend: "
                             f"{', '.join(map(str, values.columns))}")

    cell_published = pd.DataFrame(np.nan, index=values.index, columns=values.columns)
    cell_status = pd.DataFrame(STATUS_OK, index=values.index, columns=values.columns, dtype=object)
    total_published = np.full((len(unique), values.shape[1]), np.nan)
    total_status = np.full((len(unique), values.shape[1]), STATUS_OK, dtype=object)
    primary, secondary_counts = {}, {}
    links = [*relations, *((group[0], group[1:]) for group in together if len(group) > 1)]
    for group in _related_groups(values.columns, links):
        problem = _Problem(values, membership, group, relations)
        hidden_cells, hidden_rows = problem.buurt_figures([c for c in group if c in set(area_only)])
        forced_cells, forced_rows = hidden_cells.copy(), hidden_rows.copy()
        while True:  # the periods' union of suppressed figures, until every period protects it (grows only)
            result = _ColumnProtection(problem.x, problem.coef, settings, fixed=problem.fixed,
                                       forced_cells=forced_cells, forced_rows=forced_rows,
                                       unprotected_cells=hidden_cells, unprotected_rows=hidden_rows)
            cells, rows = problem.spread(result, [g for g in together if set(g) <= set(group)])
            if not (cells & ~forced_cells).any() and not (rows & ~forced_rows).any():
                break  # (a zero or unknown figure is never suppressed: it stays as it is)
            forced_cells, forced_rows = forced_cells | cells, forced_rows | rows
        for column in group:
            col_no = values.columns.get_loc(column)
            true, suppressed, is_primary = problem.figures(column, result)
            unknown = np.isnan(true)
            shown = np.where(unknown | suppressed, np.nan, _round(true, settings.rounding))
            status = np.where(unknown, STATUS_UNKNOWN, np.where(suppressed, STATUS_SUPPRESSED, STATUS_OK))
            n = len(values)
            cell_published[column], cell_status[column] = shown[:n], status[:n]
            total_published[:, col_no], total_status[:, col_no] = shown[n:], status[n:]
            primary[column] = int(is_primary.sum())
            secondary_counts[column] = int((suppressed & ~is_primary).sum())

    back = np.argsort(order, kind="stable")
    totals, statuses = {}, {}
    for name in groupings:
        rows = [no for no, (grouping, _, _) in enumerate(areas) if grouping == name]
        index = pd.Index([areas[no][1] for no in rows], name=str(name))
        totals[name] = pd.DataFrame(total_published[[row_of[no] for no in rows]], index=index, columns=values.columns)
        statuses[name] = pd.DataFrame(total_status[[row_of[no] for no in rows]], index=index, columns=values.columns)
    return Protected(buurten=cell_published.iloc[back], buurt_status=cell_status.iloc[back], totals=totals,
                     total_status=statuses, primary=pd.Series(primary, dtype=int),
                     secondary=pd.Series(secondary_counts, dtype=int), settings=settings,
                     relations=tuple(relations), together=tuple(together))


def find_relations(counts: pd.DataFrame, *, max_parts: int = 12) -> list[tuple[str, tuple[str, ...]]]:
    """Columns that are the sum of other columns in every buurt: ``(total, parts)`` per total found.

    A total with its parts (``wmo_totaal = wmo_hh + wmo_vervoer``), a registration's categories
    beside a total extract, or one total split two ways (every split found is returned). Only
    buurten where all columns involved are known are compared, and at least one must have a
    non-zero total; parts are columns never larger than the total, all-zero columns are no part.

    Examples
    --------
    >>> t = pd.DataFrame({"hh": [2, 7, 0], "vervoer": [5, 1, 3], "totaal": [7, 8, 3], "los": [1, 1, 1]})
    >>> find_relations(t)
    [('totaal', ('hh', 'vervoer'))]
    """
    values = _validated_counts(counts)
    names = list(values.columns)
    matrix = values.to_numpy(dtype=float)
    known = ~np.isnan(matrix)
    found = []
    for t, total in enumerate(names):
        column = matrix[:, t]
        candidates = [c for c in range(len(names)) if c != t and np.nansum(matrix[:, c]) > 0
                      and bool(np.all(~(known[:, c] & known[:, t]) | (matrix[:, c] <= column)))]
        if len(candidates) < 2 or len(candidates) > max_parts:
            continue
        # Every subset of the candidates at once: a row of `chosen` per subset of two or more.
        k = len(candidates)
        chosen = np.zeros((2 ** k - k - 1, k))  # smallest first, as itertools.combinations gives them
        for n, subset in enumerate(s for size in range(2, k + 1) for s in itertools.combinations(range(k), size)):
            chosen[n, list(subset)] = 1
        unknown_parts, part_values = (~known[:, candidates]).astype(float), np.nan_to_num(matrix[:, candidates])
        total = np.nan_to_num(column)[:, None]
        adds_up = np.zeros(len(chosen), dtype=bool)
        for block in range(0, len(chosen), 256):  # buurt x subset matrices of bounded size
            some = chosen[block:block + 256].T
            rows = (unknown_parts @ some == 0) & known[:, [t]]  # the total and every part known
            adds_up[block:block + 256] = (np.all(~rows | (part_values @ some == total), axis=0) & rows.any(axis=0)
                                          & (rows & (total > 0)).any(axis=0))
        for subset in chosen[adds_up]:
            parts = tuple(names[candidates[i]] for i in np.flatnonzero(subset))
            if not any(t_ == names[t] and set(p_) < set(parts) for t_, p_ in found):
                found.append((names[t], parts))
    return found


def publish_rates(published_counts: pd.DataFrame | pd.Series, denominators: pd.Series | pd.DataFrame, *,
                  scale: float = 1000, decimals: int = 1, min_denominator: float = 50) -> pd.DataFrame | pd.Series:
    """Rates per `scale` inhabitants from published (rounded, suppressed) counts.

    Parameters
    ----------
    published_counts : DataFrame or Series
        Counts as published (:attr:`Protected.buurten` or a frame of :attr:`Protected.totals`):
        NaN where suppressed or unknown. Never pass true counts: a rate on an exact count tells
        the exact count.
    denominators : Series or DataFrame
        Public denominators (CBS inhabitants), indexed like `published_counts`; a DataFrame gives one
        denominator per column. A code without a denominator, a CBS sentinel or a denominator <= 0
        gives NaN.
    scale : float, default 1000
        Per 1,000 inhabitants.
    decimals : int, default 1
        Rates are rounded to this many decimals.
    min_denominator : float, default 50
        No rate on fewer inhabitants than this.

    Returns
    -------
    DataFrame or Series
        Indexed like `published_counts`; NaN where the count is suppressed or unknown or the
        denominator is missing or below `min_denominator`.

    Raises
    ------
    InputError
        If a published count is negative or not a whole number (true rates must not be published).

    Examples
    --------
    >>> publish_rates(pd.Series([535.0, np.nan, 0.0], index=["GM0556", "WK055601", "WK055602"]),
    ...               pd.Series({"GM0556": 35825, "WK055601": 2915, "WK055602": 40})).tolist()
    [14.9, nan, nan]
    """
    counts = published_counts.astype(float)
    bad = counts.notna() & ((counts < 0) | (counts != counts.round()))
    if bool(np.asarray(bad).any()):
        where = bad.stack() if isinstance(bad, pd.DataFrame) else bad
        code = where[where].index[0]
        raise InputError(f"publicatie van cijfers: aantal bij {code} is geen gepubliceerd (afgerond, "
                         "niet-negatief) geheel aantal")
    if isinstance(denominators, pd.DataFrame) and isinstance(counts, pd.DataFrame):
        den = denominators.reindex(index=counts.index, columns=counts.columns)
    elif isinstance(denominators, pd.DataFrame):
        raise InputError("publicatie van cijfers: noemers per kolom horen bij een tabel met kolommen")
    else:
        den = denominators.reindex(counts.index)
    if isinstance(den, pd.DataFrame):
        den = den.apply(pd.to_numeric, errors="coerce").astype(float)
    else:
        den = pd.to_numeric(den, errors="coerce").astype(float)
    den = den.where((den > _SENTINEL) & (den > 0) & (den >= min_denominator))
    if isinstance(counts, pd.DataFrame) and isinstance(den, pd.Series):
        rates = counts.div(den, axis=0)
    else:
        rates = counts / den
    return (rates * scale).round(decimals)


# ---------------------------------------------------------------------------------------------
# internals


def published_summary(summary, rounding: int):
    """A registration's summary as published: numbers of records (cases) rounded like every count.

    An exact total of records would tell what the suppression of small buurt counts hides. The
    rows of a count file are buurten, not cases, and stay as they are.

    Examples
    --------
    >>> from sociale_kaart.sources.registrations import RegistrationSummary
    >>> s = published_summary(RegistrationSummary("m.csv", "regels met coördinaten", 172, 168, 4), 5)
    >>> s.records, s.geplaatst, s.niet_geplaatst
    (170, 170, 5)
    >>> published_summary(RegistrationSummary("a.csv", "aantallen per buurt", 16, 16, 0), 5).records
    16
    """
    import dataclasses

    if not summary.vorm.startswith("regels"):
        return summary
    fields = ("records", "geplaatst", "niet_geplaatst")
    return dataclasses.replace(summary, **{f: int(_round(np.array([getattr(summary, f)]), rounding)[0]) for f in fields})


def _round(values: np.ndarray, rounding: int) -> np.ndarray:
    """Round half up to a multiple of `rounding` (NaN stays NaN)."""
    if rounding == 1:
        return values.astype(float)
    return np.floor(values / rounding + 0.5) * rounding


def _validated_counts(counts: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(counts, pd.DataFrame):
        raise InputError("registratie: verwacht een tabel met per buurtcode een kolom per registratie")
    duplicated = counts.index[counts.index.duplicated()]
    if len(duplicated):
        raise InputError(f"registratie: buurtcode {duplicated[0]} komt meer dan eens voor")
    out = pd.DataFrame(index=counts.index)
    for column in counts.columns:
        series = counts[column]
        if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
            raise InputError(f"registratie: kolom {column} bevat geen aantallen")
        values = series.astype(float)
        values = values.where(values > _SENTINEL)
        negative = values < 0
        if negative.any():
            raise InputError(f"registratie: kolom {column}, buurtcode {values.index[negative][0]}: "
                             f"negatief aantal {values[negative].iloc[0]:g}")
        fractional = values.notna() & (values != np.floor(values))
        if fractional.any():
            raise InputError(f"registratie: kolom {column}, buurtcode {values.index[fractional][0]}: "
                             f"{values[fractional].iloc[0]:g} is geen geheel aantal")
        out[column] = values
    return out


def _areas(groupings: Mapping[str, pd.Series], buurtcodes: pd.Index) -> list[tuple[str, str, np.ndarray]]:
    """Every area of every grouping as (grouping name, area code, positions of its buurten)."""
    if not isinstance(groupings, Mapping):
        raise InputError("gebiedsindelingen: verwacht per naam een reeks met het gebied van elke buurt")
    position = pd.Series(np.arange(len(buurtcodes)), index=buurtcodes)
    areas = []
    for name, grouping in groupings.items():
        if not isinstance(grouping, pd.Series):
            raise InputError(f"gebiedsindeling {name}: verwacht een reeks met per buurtcode een gebiedscode")
        if grouping.index.has_duplicates:
            raise InputError(f"gebiedsindeling {name}: buurtcode {grouping.index[grouping.index.duplicated()][0]} "
                             "komt meer dan eens voor")
        assigned = grouping.dropna()
        strange = assigned.index.difference(buurtcodes)
        if len(strange):
            raise InputError(f"gebiedsindeling {name}: buurtcode {strange[0]} staat niet in de registratie")
        codes = assigned.astype(str).str.strip()
        for code in sorted(codes.unique()):
            members = position[codes.index[codes.eq(code)]].to_numpy()
            areas.append((name, code, np.sort(members)))
    return areas


def _checked_relations(relations, values: pd.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    """`relations` as (total, parts) tuples, each naming known columns and holding in every buurt."""
    checked = []
    for relation in relations:
        try:
            total, parts = relation
            parts = (parts,) if isinstance(parts, str) else tuple(parts)
        except (TypeError, ValueError):
            raise InputError(f"samenhang tussen kolommen: verwacht (totaal, delen), niet {relation!r}") from None
        for column in (total, *parts):
            if column not in values.columns:
                raise InputError(f"samenhang {total} = {' + '.join(map(str, parts))}: kolom {column} is geen "
                                 "registratiekolom van deze run")
        if not parts or total in parts:
            raise InputError(f"samenhang {total}: een totaal heeft delen nodig en is er zelf geen van")
        rows = values[[total, *parts]].dropna()
        wrong = rows.index[rows[list(parts)].sum(axis=1).ne(rows[total])]
        if len(wrong):
            raise InputError(f"samenhang {total} = {' + '.join(parts)} klopt niet bij buurtcode {wrong[0]}: "
                             f"{rows.at[wrong[0], total]:g} is niet {rows.loc[wrong[0], list(parts)].sum():g}")
        checked.append((total, parts))
    return checked


def _related_groups(columns, relations) -> list[list[str]]:
    """The columns in groups that relations connect (each column alone when unrelated), in column order."""
    group_of = {c: {c} for c in columns}
    for total, parts in relations:
        merged = set().union(*(group_of[c] for c in (total, *parts)))
        for c in merged:
            group_of[c] = merged
    groups, seen = [], set()
    for c in columns:
        if c not in seen:
            groups.append([m for m in columns if m in group_of[c]])
            seen |= group_of[c]
    return groups


class _Problem:
    """Related columns as one system: cells, the figures that are sums of cells, and equations.

    The cells are the buurt counts of the *leaf* columns (those no relation defines as a total).
    Every published figure is a row of coefficients over the cells: a buurt count of a total (its
    parts), an area total of any column (its buurten, for a total their parts). A total split a
    second way gives an equation per buurt (first split minus second split is 0) that the
    attacker knows and nothing can hide: a *fixed* row.
    """

    def __init__(self, values: pd.DataFrame, membership: np.ndarray, group: list[str], relations):
        n = len(values)
        defined, extra = {}, []
        for total, parts in relations:
            if total in group:
                (extra.append((total, parts)) if total in defined else defined.__setitem__(total, parts))
        expansion: dict[str, dict[str, int]] = {}

        def leaves(column, path=()):
            if column in path:
                raise InputError(f"samenhang tussen kolommen: {column} is (via andere kolommen) een deel van zichzelf")
            if column not in expansion:
                if column not in defined:
                    expansion[column] = {column: 1}
                else:
                    out: dict[str, int] = {}
                    for part in defined[column]:
                        for leaf, k in leaves(part, (*path, column)).items():
                            out[leaf] = out.get(leaf, 0) + k
                    expansion[column] = out
            return expansion[column]

        for column in group:
            leaves(column)
        self.leaves = [c for c in group if c not in defined]
        position = {leaf: i for i, leaf in enumerate(self.leaves)}
        self.n = n
        self.x = np.concatenate([values[leaf].to_numpy(dtype=float) for leaf in self.leaves])
        rows, fixed = [], []
        self.place: dict[str, list[tuple[str, int]]] = {}
        self.missing: dict[str, np.ndarray] = {}

        def row_of(weights: dict[str, int], buurten) -> np.ndarray:
            row = np.zeros(len(self.x), dtype=np.int64)
            for leaf, k in weights.items():
                row[position[leaf] * n + np.asarray(buurten)] += k
            return row

        for column in group:
            place = []
            if column in defined:
                for j in range(n):
                    place.append(("row", len(rows)))
                    rows.append(row_of(expansion[column], [j]))
                    fixed.append(False)
            else:
                place += [("cell", position[column] * n + j) for j in range(n)]
            for members in membership:
                place.append(("row", len(rows)))
                rows.append(row_of(expansion[column], np.flatnonzero(members)))
                fixed.append(False)
            self.place[column] = place
            given = values[column].isna().to_numpy()  # a total unknown in its file stays unknown
            self.missing[column] = np.concatenate([given, (membership & given).any(axis=1)])
        for total, parts in extra:
            weights = dict(expansion[total])
            for part in parts:
                for leaf, k in leaves(part).items():
                    weights[leaf] = weights.get(leaf, 0) - k
            weights = {leaf: k for leaf, k in weights.items() if k}
            for j in range(n) if weights else ():
                row = row_of(weights, [j])
                if not np.isnan(self.x[row != 0]).any():
                    rows.append(row)
                    fixed.append(True)
        self.coef = np.array(rows, dtype=np.int64).reshape(len(rows), len(self.x))
        self.fixed = np.array(fixed, dtype=bool)

    def buurt_figures(self, columns) -> tuple[np.ndarray, np.ndarray]:
        """Cells and rows of the buurt figures (not the area totals) of `columns`."""
        cells, rows = np.zeros(len(self.x), dtype=bool), np.zeros(len(self.coef), dtype=bool)
        for column in columns:
            for kind, i in self.place[column][:self.n]:
                (cells if kind == "cell" else rows)[i] = True
        return cells, rows

    def spread(self, result: _ColumnProtection, together) -> tuple[np.ndarray, np.ndarray]:
        """Cells and rows to suppress so that each figure of the columns in every group of
        `together` is suppressed in all of them when it is in one."""
        cells, rows = np.zeros(len(self.x), dtype=bool), np.zeros(len(self.coef), dtype=bool)
        for group in together:
            hidden = np.zeros(len(self.place[group[0]]), dtype=bool)
            for column in group:
                hidden |= self.figures(column, result)[1]
            for column in group:
                for (kind, i), hide in zip(self.place[column], hidden):
                    if hide:
                        (cells if kind == "cell" else rows)[i] = True
        return cells, rows

    def figures(self, column: str, result: _ColumnProtection):
        """True value, suppressed and primary of every figure of `column`: buurten, then areas."""
        kinds = np.array([kind == "cell" for kind, _ in self.place[column]])
        where = np.array([i for _, i in self.place[column]])

        def pick(cell_values, row_values):
            out = np.empty(len(kinds), dtype=np.result_type(cell_values, row_values))
            out[kinds], out[~kinds] = cell_values[where[kinds]], row_values[where[~kinds]]
            return out

        return (np.where(self.missing[column], np.nan, pick(self.x, result.totals)),
                pick(result.cell_suppressed, result.total_suppressed), pick(result.cell_primary, result.total_primary))


class _ColumnProtection:
    """Primary and secondary suppression of one count column, or of related columns as one
    system (see the module docstring, rule 2).

    The cells are ``x``; every published figure is a row of ``coef`` (an area total: +1 on its
    cells; an equation between related columns: +1 and -1, value 0, *fixed*: it can never be
    hidden). A *hiding direction* ``d`` maps suppressed cells to +1/-1 such that ``coef @ d`` is 0
    on every published row. It protects a figure when it changes it (``d`` is non-zero on the
    cell, or ``coef @ d`` is non-zero on the suppressed row), and every cell with ``d = -1`` holds
    at least ``capacity = max(width, min_count) + 1``: then ``x + k d`` for ``k = 0 .. width`` is a
    solution with every suppressed cell >= 1 that agrees with every published figure. Other cells
    with ``d = +1`` (all but the start) hold 2 .. min_count - 2 or at least ``capacity`` where the
    search can (a last round lets any cell of at least 1 go up, so that a fixed row can always
    be balanced).
    """

    def __init__(self, x: np.ndarray, coef: np.ndarray, settings: Protection, *, fixed: np.ndarray | None = None,
                 forced_cells: np.ndarray | None = None, forced_rows: np.ndarray | None = None,
                 unprotected_cells: np.ndarray | None = None, unprotected_rows: np.ndarray | None = None):
        self.x = x
        self.coef = np.asarray(coef, dtype=np.int64)
        membership = self.coef != 0
        self.membership = membership
        self.fixed = np.zeros(len(self.coef), dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
        self.width = settings.width
        self.capacity = max(settings.width, settings.min_count) + 1
        self.min_count = settings.min_count
        known = ~np.isnan(x)
        self.totals = np.where(membership[:, ~known].any(axis=1), np.nan,
                               self.coef.astype(float) @ np.where(known, x, 0.0))
        self.cost = np.where(self.fixed, math.inf, np.nan_to_num(self.totals))  # what hiding a row costs
        small = settings.min_count - 1
        self.cell_primary = known & (x >= 1) & (x <= small)
        self.total_primary = ~self.fixed & ~np.isnan(self.totals) & (self.totals >= 1) & (self.totals <= small)
        self.cell_suppressed = self.cell_primary.copy()
        self.total_suppressed = self.total_primary.copy()
        if forced_cells is not None:  # suppressed for a reason outside this system (another period)
            self.cell_suppressed |= forced_cells & known & (x >= 1)
        if forced_rows is not None:
            self.total_suppressed |= forced_rows & ~self.fixed & ~np.isnan(self.totals) & (self.totals >= 1)
        # Figures not published by choice (area_only), not because they are small: they need no
        # hiding direction of their own unless they are small (a direction may still move them).
        self.unprotected_cells = np.zeros(len(x), dtype=bool) if unprotected_cells is None else unprotected_cells
        self.unprotected_rows = np.zeros(len(self.coef), dtype=bool) if unprotected_rows is None else unprotected_rows
        self.members = [np.flatnonzero(row) for row in membership]
        self.sizes = membership.sum(axis=1)
        self.areas_of = [np.flatnonzero(membership[:, j]) for j in range(len(x))]
        self.positive = (self.coef > 0).astype(float)  # float: the matrix products go through BLAS
        self.negative = (self.coef < 0).astype(float)
        if settings.secondary:
            self._protect_all()

    # -- the fixed point ----------------------------------------------------------------------
    def _protect_all(self):
        covered_cells = self.unprotected_cells & ~self.cell_primary
        covered_totals = self.unprotected_rows & ~self.total_primary
        while True:
            cells = np.flatnonzero(self.cell_suppressed & ~covered_cells)
            areas = np.flatnonzero(self.total_suppressed & ~covered_totals)
            if len(cells):
                target_cell = min(cells, key=lambda j: (not self.cell_primary[j], self.x[j], j))
                direction, new_totals = self._search(starts=[target_cell], forbidden=frozenset())
                target_area = None
            elif len(areas):
                target_area = min(areas, key=lambda a: (not self.total_primary[a], self.totals[a], a))
                starts = [j for j in self.members[target_area] if self.x[j] >= 1]
                direction, new_totals = self._search(starts=starts, forbidden=frozenset(self.members[target_area]))
            else:
                return
            for j in direction:
                self.cell_suppressed[j] = True
            for a in new_totals:
                self.total_suppressed[a] = True
            covered_cells[list(direction)] = True
            covered_totals |= self.total_suppressed & (self._imbalance(direction) != 0)
            assert target_area is None or covered_totals[target_area]

    def _imbalance(self, direction: Mapping[int, int]) -> np.ndarray:
        imbalance = np.zeros(len(self.totals), dtype=np.int64)
        for j, sign in direction.items():
            imbalance += sign * self.coef[:, j]
        return imbalance

    def _search(self, *, starts, forbidden: frozenset) -> tuple[dict[int, int], frozenset]:
        """The cheapest hiding direction found from one of `starts`, with the totals it hides."""
        best = None
        for weight, max_nodes, relaxed in (*((w, n, False) for w, n in _ROUNDS), (2.0, 600, True)):
            if relaxed and best is not None and math.isfinite(best[0]):
                break
            cost, direction, new_totals, proven = self._best_first(starts=starts, forbidden=forbidden,
                                                                   weight=weight, max_nodes=max_nodes, relaxed=relaxed)
            if best is None or cost < best[0]:
                best = (cost, direction, new_totals)
            if proven and math.isfinite(best[0]):
                break
        if best[1] is None:  # only with equations no direction could balance: never seen, never silent
            raise RuntimeError("disclosure: no hiding direction satisfies the equations between related columns")
        return best[1], best[2]

    def _best_first(self, *, starts, forbidden: frozenset, weight: float, max_nodes: int, relaxed: bool = False):
        """Best-first (branch and bound) search for a cheap hiding direction from one of `starts`.

        A node is a partial direction plus the totals it suppresses; it is expanded on one
        published row whose value along the direction is not 0 (the one with the fewest ways out):
        suppress that total (never a fixed row), or add a member cell with the sign that reduces
        it (only cells of at least ``capacity`` may go down; 2 .. min_count - 2 or at least
        ``capacity`` may go up, with `relaxed` any cell of at least 1). Nodes are taken by the value
        newly hidden plus ``weight * capacity`` per unit of imbalance left (weight 0: cheapest
        first; ties go to the node with the least imbalance left, so that moves on cells already
        suppressed, which are free, head for a solution). Every node also gives a complete answer:
        suppress the total of every row it leaves open (infinite when a fixed row is open). The
        cheapest answer seen is returned, proven cheapest (within the candidates tried) when weight
        is 0 and the frontier costs at least as much.

        Returns
        -------
        (cost, direction, new_totals, proven)
        """
        published = ~np.isnan(self.totals) & ~self.total_suppressed
        counter = itertools.count()
        frontier, seen = [], set()
        best = [math.inf, None, None]

        def push(cost, items, new_totals, imbalance, live):
            open_mask = live & (imbalance != 0)
            upper = cost + float(self.cost[open_mask].sum())
            if upper < best[0]:
                best[:] = [upper, dict(items), new_totals | frozenset(np.flatnonzero(open_mask).tolist())]
            open_imbalance = int(np.abs(imbalance[open_mask]).sum())
            if open_imbalance:
                heapq.heappush(frontier, (cost + weight * self.capacity * open_imbalance, open_imbalance,
                                          next(counter), cost, items, new_totals, imbalance))

        for start in starts:
            push(0.0 if self.cell_suppressed[start] else float(self.x[start]), ((int(start), 1),), frozenset(),
                 self.coef[:, start].copy(), published)
        nodes = 0
        large = self.x >= self.capacity
        large[list(forbidden)] = False
        usable = large | ((self.x >= 2) & (self.x <= self.min_count - 2)) | (relaxed & (self.x >= 1))
        usable[list(forbidden)] = False
        while frontier and nodes < max_nodes:
            priority, _, _, cost, items, new_totals, imbalance = heapq.heappop(frontier)
            if weight == 0 and priority >= best[0]:
                break
            key = (items, new_totals)
            if key in seen:
                continue
            seen.add(key)
            nodes += 1
            in_direction = np.zeros(len(self.x), dtype=bool)
            in_direction[[j for j, _ in items]] = True
            live = published.copy()
            live[list(new_totals)] = False
            open_areas = np.flatnonzero(live & (imbalance != 0))
            # per open row: the cells that may enter with the sign that reduces its imbalance
            plus = (usable & ~in_direction).astype(float)
            minus = (large & ~in_direction).astype(float)
            pos, neg = self.positive[open_areas], self.negative[open_areas]
            counts = np.where(imbalance[open_areas] < 0, pos @ plus + neg @ minus, pos @ minus + neg @ plus)
            order = np.lexsort((open_areas, self.sizes[open_areas], counts))
            area = int(open_areas[order[0]])
            if not self.fixed[area]:
                closed = live.copy()
                closed[area] = False
                push(cost + float(self.totals[area]), items, new_totals | {area}, imbalance, closed)
            members = self.members[area]
            signs = -np.sign(imbalance[area]) * self.coef[area, members]  # the sign each member enters with
            may = np.where(signs > 0, plus[members], minus[members]).astype(bool)
            eligible, signs = members[may], signs[may]
            if not len(eligible):
                continue
            # change of the open imbalance when each eligible cell enters with its sign
            moved = imbalance[:, None] + self.coef[:, eligible] * signs[None, :]
            gain = np.where(live[:, None], np.abs(moved) - np.abs(imbalance)[:, None], 0).sum(axis=0)
            sign_of = dict(zip(eligible.tolist(), signs.tolist()))
            suppressed = self.cell_suppressed[eligible]
            value = self.x[eligible]
            free = eligible[suppressed][np.lexsort((eligible[suppressed], gain[suppressed]))]
            paid, paid_gain, paid_value = eligible[~suppressed], gain[~suppressed], value[~suppressed]
            cheapest = paid[np.lexsort((paid, paid_value))][:_CANDIDATES]
            fitting = paid[np.lexsort((paid, paid_value, paid_gain))][:_CANDIDATES]
            for j in dict.fromkeys([*free[:2 * _CANDIDATES].tolist(), *cheapest.tolist(), *fitting.tolist()]):
                extra = 0.0 if self.cell_suppressed[j] else float(self.x[j])
                sign = int(sign_of[j])
                push(cost + extra, tuple(sorted(items + ((j, sign),))), new_totals,
                     imbalance + sign * self.coef[:, j], live)
        proven = weight == 0 and (not frontier or frontier[0][0] >= best[0] or nodes < max_nodes)
        return best[0], best[1], best[2], proven


# --- tables as they leave ------------------------------------------------------------------------
# Every table of a run leaves through :func:`publishable` (and so :func:`table_for_output`):
# registration counts below the minimum blanked, no raw column beside a suppressed rate.

def table_for_output(frame: pd.DataFrame, *, protected_columns=(), min_count: int = 5,
                     count_columns=(), rate_columns=(), decimals: int | dict = 1) -> pd.DataFrame:
    """A copy of `frame` fit to leave the machine: protected counts blanked, numbers rounded.

    Parameters
    ----------
    frame : DataFrame
    protected_columns : sequence of str
        Registration counts: values from 1 to ``min_count - 1`` are blanked.
    count_columns : sequence of str
        Written as whole numbers.
    rate_columns : sequence of str
        Rounded to `decimals` (one number, or per column).

    Examples
    --------
    >>> t = pd.DataFrame({"n": [0.0, 3.0, 12.0], "r": [1.23456, 2.0, np.nan], "v": [True, False, True]})
    >>> out = table_for_output(t, protected_columns=["n"], count_columns=["n"], rate_columns=["r"])
    >>> out["n"].tolist(), out["r"].tolist(), out["v"].tolist()
    ([0, <NA>, 12], [1.2, 2.0, nan], ['ja', 'nee', 'ja'])
    """
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).copy()
    for col in protected_columns:
        if col in out:
            values = out[col].astype(float)
            out[col] = values.mask((values > 0) & (values < min_count))
    for col in count_columns:
        if col in out:
            out[col] = out[col].astype(float).round().astype("Int64")
    for col in rate_columns:
        if col in out:
            out[col] = out[col].astype(float).round(decimals.get(col, 1) if isinstance(decimals, dict) else decimals)
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col], "ja", "nee")
        elif out[col].dtype == float and col not in rate_columns:
            out[col] = out[col].round(4)
    if "geometry" in frame.columns:
        import geopandas as gpd

        return gpd.GeoDataFrame(out, geometry=frame.geometry.values, crs=frame.crs)
    return out


def publishable(frame, data):
    """`frame` as every table leaves: registration counts protected, numbers rounded, and no raw
    column beside a suppressed figure (the count and percentage a suppressed rate was made of)."""
    from ..texts import decimals_for

    frame = without_raw_inputs(frame, data)
    decimals = {ind.key: decimals_for(ind.unit) for ind in data.indicators if ind.key in frame}
    counts = [c for c in ("inwoners", "woningvoorraad", "huishoudens", *data.registration_columns,
                          *(s.stable for s in data.columns if s.kind in ("count", "class"))) if c in frame]
    return table_for_output(frame, protected_columns=data.registration_columns, min_count=data.small_numbers.min_count,
                            count_columns=counts, rate_columns=list(decimals), decimals=decimals)


#: Lineages whose counts are published as they are, also where a rate on them is suppressed (police crime).
PUBLISHED_COUNTS = frozenset({POLITIE, LEEFBAAROMETER})


def without_raw_inputs(frame, data):
    """Blank, per row, the numerator of every suppressed indicator and the source columns it came from."""
    from .indicators import SUPPRESSED

    inputs = {c.stable: c.inputs for c in data.columns}
    frame = frame.copy()
    for ind in data.indicators:
        status = f"{ind.key}_status"
        if status not in frame or ind.numerator == ind.denominator or ind.lineage & PUBLISHED_COUNTS or ind.protected:
            continue  # police counts are published figures; registration counts are governed by the disclosure rules
        hidden = (frame[status] == SUPPRESSED).to_numpy()
        if not hidden.any():
            continue
        columns = [ind.numerator, *inputs.get(ind.numerator, ())]
        for col in columns:
            if col in frame and col != ind.denominator and col not in ("inwoners", "woningvoorraad", "huishoudens"):
                frame.loc[hidden, col] = float("nan")
    return frame
