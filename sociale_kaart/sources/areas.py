"""One way to find a gemeente, wijk, buurt or own area by what a person types.

Every command that takes an area (``--gemeente``, ``--wijk``, a target's ``gebied``, the areas of
an own layout in profiles and briefing) resolves it here, by one set of rules, in this order:

1. **a code**: ``GM0556``, ``0556``, ``556``, ``WK055603``, ``BU05560301``, ``GM0556-E04`` (an own
   area), in any case, with or without leading zeros;
2. **the name**, compared as people type it: case, accents, apostrophes, dots, brackets and the
   difference between a hyphen and a space do not matter (``'s-Gravenhage`` = ``s gravenhage``,
   ``Súdwest-Fryslân`` = ``sudwest fryslan``, ``Bergen (NH.)`` = ``bergen nh``); common names of
   gemeenten whose CBS name differs are known (``Den Haag``, ``Den Bosch``);
3. **the name without CBS's number**: ``Kapelpolder`` for ``Wijk 04 Kapelpolder``.

A code decides by itself; the name and the name without number are one rule (``Centrum`` of one
gemeente and ``Wijk 01 Centrum`` of another are both candidates). One hit is the answer; several
(``Oost`` in two gemeenten, ``Kapelpolder`` as a buurt and as ``Wijk 04 Kapelpolder``) or none stop
with a :class:`~sociale_kaart.errors.InputError` that names the candidates ("bedoelt u ...?"), never
a guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..errors import InputError
from .codes import region_codes

#: The levels an area can have, from small to large; own areas stand in the wijk level.
AREA_LEVELS = ("buurt", "wijk", "gemeente")
#: Common names of gemeenten whose CBS name differs (CBS uses the official name).
GEMEENTE_ALIASES = {"den haag": "'s-Gravenhage", "den bosch": "'s-Hertogenbosch"}
#: Up to this many areas, an unknown name is answered with all of them.
_LIST_ALL = 30
_CODE_LIKE = re.compile(r"(BU|WK|GM)\d{2}[0-9A-Z]*(-E\d+)?|\d+")
_NUMBERED = re.compile(r"^(wijk|buurt)\s*\d+\s+(?=\S)")


@dataclass(frozen=True)
class Area:
    """An area a text was resolved to.

    Attributes
    ----------
    level : {"buurt", "wijk", "gemeente"}
    code : str
        ``BU05560502``, ``WK055605``, ``GM0556`` or an own area's ``GM0556-E04``.
    name : str
        The name in the table (the code when the table has no name).
    gemeente : str
        The name (else the code) of its gemeente; empty when unknown.
    """

    level: str
    code: str
    name: str
    gemeente: str = ""

    def label(self, *, level: bool = False, gemeente: bool = False) -> str:
        """The area as an error names it: ``Oost (WK000101, Gemeente A)``."""
        where = f", {self.gemeente}" if gemeente and self.gemeente and self.level != "gemeente" else ""
        return f"{self.level + ' ' if level else ''}{self.name} ({self.code}{where})"


def name_key(name: str) -> str:
    """A name as people type it: case, accents, apostrophes, dots, brackets and hyphens do not matter.

    Examples
    --------
    >>> name_key("'s-Gravenhage") == name_key("s gravenhage"), name_key("Súdwest-Fryslân")
    (True, 'sudwest fryslan')
    >>> name_key("Bergen (NH.)"), name_key("Wijk 04  Kapelpolder")
    ('bergen nh', 'wijk 04 kapelpolder')
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"['`.]", "", text)
    return " ".join(re.sub(r"[-_/,;:()\[\]]", " ", text).split())


def area_table(frame: pd.DataFrame, levels: Iterable[str] = AREA_LEVELS) -> tuple[Area, ...]:
    """Every area of `levels` in a frame with ``<level>code`` and ``<level>naam`` columns, once each.

    Examples
    --------
    >>> frame = pd.DataFrame({"buurtcode": ["BU05560501", "BU05560502"], "buurtnaam": ["Vogelbuurt", None],
    ...                       "wijkcode": ["WK055605", "WK055605"], "gemeentecode": ["GM0556", "GM0556"]})
    >>> [a.label() for a in area_table(frame)]
    ['Vogelbuurt (BU05560501)', 'BU05560502 (BU05560502)', 'WK055605 (WK055605)', 'GM0556 (GM0556)']
    """
    gemeenten = {}
    if {"gemeentecode", "gemeentenaam"} <= set(frame.columns):
        gemeenten = {_text(c).upper(): _text(n) for c, n in zip(frame["gemeentecode"], frame["gemeentenaam"]) if _text(n)}
    found: dict[str, Area] = {}
    for level in levels:
        if f"{level}code" not in frame.columns:
            continue
        names = frame[f"{level}naam"] if f"{level}naam" in frame.columns else pd.Series(None, index=frame.index)
        gemeente = frame["gemeentecode"] if "gemeentecode" in frame.columns else pd.Series(None, index=frame.index)
        for code, name, gm in zip(frame[f"{level}code"], names, gemeente):
            code = _text(code).upper()
            if code and code not in found:
                gm = _text(gm).upper()
                found[code] = Area(level, code, _text(name) or code, gemeenten.get(gm, gm))
    return tuple(found.values())


def resolve_areas(
    frame: pd.DataFrame,
    texts: Iterable[str],
    *,
    source: str,
    levels: Iterable[str] = AREA_LEVELS,
) -> tuple[Area, ...]:
    """The areas `texts` name (codes or names), in their order and once each.

    Parameters
    ----------
    frame : DataFrame
        The areas there are: ``<level>code`` and ``<level>naam`` per level, ``gemeentenaam`` to
        tell areas of the same name apart (a buurt table, the wijken, the gemeenten of a file).
    texts : iterable of str
        What was typed.
    source : str
        What the errors start with: the file, the option or the setting.
    levels : iterable of {"buurt", "wijk", "gemeente"}
        Where to look.

    Raises
    ------
    InputError
        A text that names no area or several, with the candidates.

    Examples
    --------
    >>> w = pd.DataFrame({"wijkcode": ["WK000101", "WK000201", "WK000202"],
    ...                   "wijknaam": ["Oost", "Oost", "Wijk 02 Kapelpolder"],
    ...                   "gemeentecode": ["GM0001", "GM0002", "GM0002"], "gemeentenaam": ["Aa", "Bee", "Bee"]})
    >>> [a.code for a in resolve_areas(w, ["wk000201", "kapelpolder", "GM0002"], source="--wijk", levels=["wijk", "gemeente"])]
    ['WK000201', 'WK000202', 'GM0002']
    >>> resolve_areas(w, ["oost"], source="--wijk", levels=["wijk"])
    Traceback (most recent call last):
    ...
    sociale_kaart.errors.InputError: --wijk: wijk 'oost' is niet eenduidig: Oost (WK000101, Aa), Oost (WK000201, Bee); geef de code
    """
    levels = tuple(levels)
    unknown = [level for level in levels if level not in AREA_LEVELS]
    if unknown or not levels:
        raise ValueError(f"unknown levels {unknown or levels!r}")
    table = area_table(frame, levels)
    keys = [(name_key(a.name), name_key(_NUMBERED.sub("", name_key(a.name)))) for a in table]
    return tuple(dict.fromkeys(_resolve(table, keys, str(text), source, levels) for text in texts))


def resolve_area(frame: pd.DataFrame, text: str, *, source: str, levels: Iterable[str] = AREA_LEVELS) -> Area:
    """The one area `text` names: :func:`resolve_areas` for one text."""
    return resolve_areas(frame, [text], source=source, levels=levels)[0]


# --- internals -------------------------------------------------------------------------------

def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _resolve(table: tuple[Area, ...], keys: list[tuple[str, str]], text: str, source: str, levels: tuple[str, ...]
             ) -> Area:
    """The area of `text`: by code, else by name or unnumbered name together; `keys` are the name and the unnumbered name's key."""
    wanted = text.strip()
    what = levels[0] if len(levels) == 1 else "gebied"
    if not wanted:
        raise InputError(f"{source}: lege naam van een {what}; geef een code of naam")
    codes: set[str] = set()
    if _CODE_LIKE.fullmatch(wanted.upper()):
        codes = {wanted.upper()} | {c for lvl in levels if (c := _as_code(wanted, lvl))}
        hits = [a for a in table if a.code in codes]
    else:
        key = name_key(wanted)
        alias = name_key(GEMEENTE_ALIASES.get(key, ""))
        # The exact name and the name without CBS's "Wijk NN" are one rule: "Centrum" of one gemeente and
        # "Wijk 01 Centrum" of another, or buurt "Kapelpolder" and wijk "Wijk 04 Kapelpolder", are a choice
        # the user makes (by code or level), never one the first match makes silently.
        hits = [a for a, (name, bare) in zip(table, keys)
                if name == key or bare == key or (a.level == "gemeente" and name == alias)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        several = len({a.level for a in hits}) > 1
        listed = ", ".join(a.label(level=several, gemeente=True) for a in hits)
        raise InputError(f"{source}: {what} {wanted!r} is niet eenduidig: {listed}; "
                         f"geef de code{' of het niveau' if several else ''}")
    raise InputError(f"{source}: {what} {wanted!r} komt niet voor{_suggestions(table, wanted, codes, len(levels) > 1)}")


def _as_code(text: str, level: str) -> str | None:
    """`text` read as a code of `level` (``556`` -> ``GM0556``), or None."""
    code = region_codes(pd.Series([text], dtype=object), level=level)["code"].iloc[0]
    return code if isinstance(code, str) else None


def _suggestions(table: tuple[Area, ...], wanted: str, codes: set[str], levels: bool) -> str:
    """"; bedoelt u ...?" with the names or codes nearest to `wanted`; all of a short table otherwise."""
    several_gemeenten = len({a.gemeente for a in table}) > 1
    if codes:  # the codes that share the longest start with one of `codes`
        near = []
        for size in range(max(map(len, codes)), 3, -1):
            near = [a for a in table if any(c[:size] == a.code[:size] for c in codes if len(c) >= size)]
            if near:
                break
        hits = sorted(near, key=lambda a: a.code)[:6]
    else:
        by_key: dict[str, list[Area]] = {}
        for area in table:
            by_key.setdefault(name_key(area.name), []).append(area)
        key = name_key(wanted)
        scores = {k: difflib.SequenceMatcher(None, key, k).ratio() for k in by_key}
        best = max(scores.values(), default=0)  # near the nearest: "Maasluis" is Maassluis, not also Sluis
        keys = sorted((k for k, r in scores.items() if r >= max(0.6, best - 0.1)), key=lambda k: -scores[k])[:4]
        if len(key) >= 3:
            keys += [k for k in by_key if key in k and k not in keys][: max(0, 6 - len(keys))]
        hits = [a for k in keys for a in by_key[k]]
    if hits:
        names = [a.label(level=levels, gemeente=several_gemeenten) for a in hits]
        return f"; bedoelt u {', '.join(names[:-1]) + ' of ' if len(names) > 1 else ''}{names[-1]}?"
    if 0 < len(table) <= _LIST_ALL:
        return "; kies uit: " + ", ".join(a.label(level=levels, gemeente=several_gemeenten) for a in table)
    return ""
