"""Stapeling per huishouden: how many households (or persons) get support on 1, 2, 3+ leefgebieden.

From the linked records (:mod:`sociale_kaart.sources.linked`: pseudonym, leefgebied, buurtcode)
every household is counted once, in one buurt, with the set of leefgebieden it has a record in.

Which buurt
    The buurt where most of its records are placed; on a tie the lowest buurtcode. Records that
    could not be placed do not count; a household with no placed record is not counted.

Columns (prefix ``huishoudens`` or, with the unit person, ``personen``)
    ``<p>_met_ondersteuning`` (T): support on at least one leefgebied;
    ``<p>_1_leefgebied`` (E1), ``<p>_2_leefgebieden`` (E2, exactly two),
    ``<p>_3plus_leefgebieden`` (E3) and ``<p>_2plus_leefgebieden`` (M2);
    ``<p>_leefgebied_<x>`` (L_x): support on leefgebied x, whatever else;
    ``<p>_combi_<x>_<y>..`` (C_S): support on exactly the leefgebieden of S (``<p>_combi_<x>``:
    on x only), for every combination that occurs in the run.

Relations (each holds in every buurt and is declared to the protection, so that no subtraction
between these columns narrows a hidden figure)
    T = E1 + E2 + E3;  T = E1 + M2;  M2 = E2 + E3  (1, 2 and 3+ partition T; "2plus" is not a part
    beside "2" and "3plus" but their sum);
    E1 = sum of C_S with one leefgebied, E2 = sum with two, E3 = sum with three or more;
    L_x = sum of C_S over the combinations S that contain x.
    There is no relation between T and the L_x (a household on two leefgebieden counts in two L_x).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..texts import slugify
from ..sources.linked import HOUSEHOLD, PERSON

#: Column prefix per unit.
PREFIX = {HOUSEHOLD: "huishoudens", PERSON: "personen"}
#: The KWB universe a unit's rate is per 1,000 of.
DENOMINATOR = {HOUSEHOLD: "huishoudens", PERSON: "inwoners"}


@dataclass(frozen=True)
class Stacking:
    """Stapeling counts per buurt and what they mean.

    Attributes
    ----------
    counts : DataFrame
        ``buurtcode`` and one count column per figure (see the module docstring), a row for every
        buurt given (0 where none).
    labels : dict
        Column -> Dutch label.
    relations : tuple of (str, tuple of str)
        ``(total, parts)`` that hold in every buurt.
    combinations : dict
        Combination column -> its leefgebieden (tuple, in the order of the extracts).
    unit : str
        HOUSEHOLD or PERSON.
    areas : tuple of str
        The leefgebieden.
    """

    counts: pd.DataFrame
    labels: dict[str, str]
    relations: tuple[tuple[str, tuple[str, ...]], ...]
    combinations: dict[str, tuple[str, ...]]
    unit: str
    areas: tuple[str, ...]

    @property
    def area_only(self) -> tuple[str, ...]:
        """Columns published per wijk, gemeente and own area only, never per buurt: exactly 2
        leefgebieden, each leefgebied, each combination (small in nearly every buurt, and beside
        1, 2+ and 3+ they would give a hidden buurt figure away)."""
        return (self.column("2"), *(c for c in self.counts.columns if c.startswith((f"{self.prefix}_leefgebied_",
                                                                                     f"{self.prefix}_combi_"))))

    @property
    def prefix(self) -> str:
        return PREFIX[self.unit]

    def column(self, what: str) -> str:
        """``column("2plus")`` -> ``huishoudens_2plus_leefgebieden``."""
        names = {"totaal": "met_ondersteuning", "1": "1_leefgebied", "2": "2_leefgebieden",
                 "2plus": "2plus_leefgebieden", "3plus": "3plus_leefgebieden"}
        return f"{self.prefix}_{names[what]}"


def household_areas(records: pd.DataFrame) -> pd.DataFrame:
    """One row per pseudonym: its ``buurtcode`` (most records, then lowest code) and ``leefgebieden`` (frozenset).

    Examples
    --------
    >>> r = pd.DataFrame({"pseudoniem": [1, 1, 1, 2], "leefgebied": ["wmo", "jeugd", "wmo", "wmo"],
    ...                   "buurtcode": ["BU2", "BU1", "BU2", None]})
    >>> t = household_areas(r)
    >>> t["buurtcode"].tolist(), [sorted(s) for s in t["leefgebieden"]]
    (['BU2'], [['jeugd', 'wmo']])
    """
    placed = records.dropna(subset=["buurtcode"])
    per_buurt = placed.groupby(["pseudoniem", "buurtcode"]).size().rename("n").reset_index()
    per_buurt = per_buurt.sort_values(["pseudoniem", "n", "buurtcode"], ascending=[True, False, True])
    home = per_buurt.drop_duplicates("pseudoniem").set_index("pseudoniem")["buurtcode"]
    areas = records[records["pseudoniem"].isin(home.index)].groupby("pseudoniem")["leefgebied"].agg(frozenset)
    return pd.DataFrame({"buurtcode": home, "leefgebieden": areas.reindex(home.index)}).reset_index()


def stacking_counts(records: pd.DataFrame, buurtcodes, *, areas: tuple[str, ...], unit: str = HOUSEHOLD) -> Stacking:
    """Counts per buurt of households (or persons) by number and combination of leefgebieden.

    Parameters
    ----------
    records : DataFrame
        ``pseudoniem``, ``leefgebied``, ``buurtcode`` (:attr:`LinkedRecords.records`).
    buurtcodes : sequence of str
        Every buurt of the run (a buurt without households gets 0).
    areas : tuple of str
        The leefgebieden, in the order of the extracts.
    unit : str
        HOUSEHOLD or PERSON: what the key counts (it only names the columns and the rate).

    Examples
    --------
    >>> r = pd.DataFrame({"pseudoniem": [1, 1, 2, 3, 3, 3], "leefgebied": ["a", "b", "a", "a", "b", "c"],
    ...                   "buurtcode": ["BU1"] * 6})
    >>> s = stacking_counts(r, ["BU1", "BU2"], areas=("a", "b", "c"))
    >>> s.counts.set_index("buurtcode").loc["BU1", [s.column(w) for w in ("totaal", "1", "2plus", "3plus")]].tolist()
    [3, 1, 2, 1]
    >>> sorted(s.combinations.values())
    [('a',), ('a', 'b'), ('a', 'b', 'c')]
    """
    prefix = PREFIX[unit]
    order = {a: n for n, a in enumerate(areas)}
    homes = household_areas(records)
    homes["combi"] = [tuple(sorted(s, key=order.get)) for s in homes["leefgebieden"]]
    homes["n"] = homes["combi"].map(len)
    codes = pd.Index(sorted(set(buurtcodes)), name="buurtcode")
    def count(mask) -> pd.Series:
        return homes[mask].groupby("buurtcode").size().reindex(codes, fill_value=0).astype(int)

    names = {"totaal": f"{prefix}_met_ondersteuning", "1": f"{prefix}_1_leefgebied", "2": f"{prefix}_2_leefgebieden",
             "3plus": f"{prefix}_3plus_leefgebieden", "2plus": f"{prefix}_2plus_leefgebieden"}
    word = "huishoudens" if unit == HOUSEHOLD else "personen"
    frame = pd.DataFrame(index=codes)
    frame[names["totaal"]] = count(homes["n"] >= 1)
    frame[names["1"]] = count(homes["n"] == 1)
    frame[names["2"]] = count(homes["n"] == 2)
    frame[names["3plus"]] = count(homes["n"] >= 3)
    frame[names["2plus"]] = count(homes["n"] >= 2)
    labels = {names["totaal"]: f"{word.capitalize()} met ondersteuning",
              names["1"]: f"{word.capitalize()} met ondersteuning op 1 leefgebied",
              names["2"]: f"{word.capitalize()} met ondersteuning op precies 2 leefgebieden",
              names["3plus"]: f"{word.capitalize()} met ondersteuning op 3 of meer leefgebieden",
              names["2plus"]: f"{word.capitalize()} met ondersteuning op 2 of meer leefgebieden"}
    area_column = {}
    for area in areas:
        col = f"{prefix}_leefgebied_{slugify(area, 'leefgebied')}"
        area_column[area] = col
        frame[col] = count(homes["leefgebieden"].map(lambda s, a=area: a in s))
        labels[col] = f"{word.capitalize()} met ondersteuning: {area}"
    combinations = {}
    occurring = sorted(set(homes["combi"]), key=lambda c: (len(c), [order[a] for a in c]))
    for combi in occurring:
        col = f"{prefix}_combi_" + "_".join(slugify(a, "leefgebied") for a in combi)
        combinations[col] = combi
        frame[col] = count(homes["combi"].map(lambda c, k=combi: c == k))
        labels[col] = f"{word.capitalize()} alleen met {combi[0]}" if len(combi) == 1 else \
            f"{word.capitalize()} met precies {' + '.join(combi)}"
    relations = [(names["totaal"], (names["1"], names["2"], names["3plus"])),
                 (names["totaal"], (names["1"], names["2plus"])),
                 (names["2plus"], (names["2"], names["3plus"]))]
    for total, sizes in ((names["1"], {1}), (names["2"], {2}), (names["3plus"], None)):
        parts = tuple(c for c, k in combinations.items() if (len(k) in sizes if sizes else len(k) >= 3))
        if parts:
            relations.append((total, parts))
    for area, col in area_column.items():
        parts = tuple(c for c, k in combinations.items() if area in k)
        if parts:
            relations.append((col, parts))
    counts = frame.reset_index()
    return Stacking(counts=counts, labels=labels, relations=tuple(relations), combinations=combinations,
                    unit=unit, areas=tuple(areas))


def stacking_rate_key(unit: str) -> str:
    """``stapeling_per_1000_huishoudens`` (or ``..._inwoners`` for persons)."""
    return f"stapeling_per_1000_{DENOMINATOR[unit]}"
