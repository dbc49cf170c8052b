"""The gemeente against the Netherlands, its size class and a group it names.

A begroting lists each indicator beside gemeenten of its size class and the Netherlands. Every
group value here comes from the *summed counts* of the group's gemeenten (never an average of
their rates), and says over how many gemeenten it is computed: a group value with gaps says so
(10 of the 342 gemeenten have no Wmo figure in 2024).

Size classes are those of CBS, by inhabitants on 1 January.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import indicators as ind

#: CBS size classes (lower bound inclusive, upper bound exclusive) and their Dutch names.
SIZE_CLASSES = (
    (0, 5_000, "minder dan 5.000 inwoners"),
    (5_000, 10_000, "5.000 tot 10.000 inwoners"),
    (10_000, 20_000, "10.000 tot 20.000 inwoners"),
    (20_000, 50_000, "20.000 tot 50.000 inwoners"),
    (50_000, 100_000, "50.000 tot 100.000 inwoners"),
    (100_000, 150_000, "100.000 tot 150.000 inwoners"),
    (150_000, 250_000, "150.000 tot 250.000 inwoners"),
    (250_000, float("inf"), "250.000 inwoners of meer"),
)


def size_class(inhabitants: float) -> str:
    """The CBS size class of a gemeente.

    Examples
    --------
    >>> size_class(74_000), size_class(250_000), size_class(4_999)
    ('50.000 tot 100.000 inwoners', '250.000 inwoners of meer', 'minder dan 5.000 inwoners')
    """
    for low, high, name in SIZE_CLASSES:
        if low <= inhabitants < high:
            return name
    raise ValueError(f"no size class for {inhabitants!r}")


def compare(gemeenten: pd.DataFrame, codes, indicators, *, group: tuple[str, ...] = (),
            group_name: str = "eigen groep") -> pd.DataFrame:
    """Each run gemeente beside its size class, the Netherlands and an own group, per indicator.

    Parameters
    ----------
    gemeenten : DataFrame
        Published gemeente rows of (preferably) all gemeenten: ``gemeentecode``, ``gemeentenaam``
        and stable count columns (:attr:`sociale_kaart.sources.kwb.KwbTable.gemeenten`).
    codes : sequence of str
        The gemeenten of the run.
    indicators : sequence of Indicator
        Ratios whose counts the table has are compared; the others are left out.
    group : tuple of str
        Gemeentecodes of an own comparison group (e.g. the regional arrangement).

    Returns
    -------
    DataFrame
        One row per (gemeente, reference): ``gemeentecode``, ``vergelijking`` ("gemeente",
        "grootteklasse", "Nederland", `group_name`), ``naam``, ``gemeenten`` (in the group), and per
        indicator the value and ``<key>_gemeenten`` (how many of them have the figure).

    Examples
    --------
    >>> table = pd.DataFrame({"gemeentecode": ["GM1", "GM2", "GM3"], "gemeentenaam": ["A", "B", "C"],
    ...                       "inwoners": [60_000.0, 70_000.0, 8_000.0], "bijstand": [600.0, np.nan, 40.0]})
    >>> out = compare(table, ["GM1"], [ind.registry()["bijstand_per_1000"]])
    >>> out[["vergelijking", "bijstand_per_1000", "bijstand_per_1000_gemeenten", "gemeenten"]].round(2).values.tolist()
    [['gemeente', 10.0, 1, 1], ['grootteklasse', 10.0, 1, 2], ['Nederland', 9.41, 2, 3]]
    """
    table = ind.derive_counts(gemeenten)
    usable = [i for i in indicators if i.kind == "ratio" and not i.protected and i.inputs_present(table)]
    classes = table["inwoners"].map(lambda n: size_class(n) if not pd.isna(n) else None)
    rows = []
    for code in codes:
        own = table[table["gemeentecode"] == code]
        if own.empty:
            continue
        name = str(own["gemeentenaam"].iloc[0])
        members = [("gemeente", name, own)]
        cls = classes[own.index[0]]
        if cls is not None:
            members.append(("grootteklasse", cls, table[classes == cls]))
        members.append(("Nederland", "Nederland", table))
        if group:
            members.append((group_name, group_name, table[table["gemeentecode"].isin(group)]))
        for kind, label, part in members:
            row = {"gemeentecode": code, "vergelijking": kind, "naam": label, "gemeenten": len(part)}
            for i in usable:
                num, den = part[i.numerator].astype(float), part[i.denominator].astype(float)
                both = num.notna() & den.notna() & (den > 0)
                row[i.key] = float(num[both].sum() / den[both].sum() * i.scale) if both.any() else np.nan
                row[f"{i.key}_gemeenten"] = int(both.sum())
            rows.append(row)
    return pd.DataFrame(rows)


def gaps_text(comparison: pd.DataFrame, indicators) -> list[str]:
    """Sentences for group values computed over fewer gemeenten than the group has."""
    notes = []
    for i in indicators:
        column = f"{i.key}_gemeenten"
        if column not in comparison:
            continue
        for row in comparison[comparison["vergelijking"] != "gemeente"].drop_duplicates("naam").itertuples(index=False):
            have, total = getattr(row, column), row.gemeenten
            if have < total:
                notes.append(f"{i.label}, {row.naam}: berekend over {have} van de {total} gemeenten "
                             f"({total - have} zonder cijfer)")
    return notes
