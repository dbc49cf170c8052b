"""Policy targets (doelen) from a CSV or XLSX, one target a row.

Columns (names as in the project file's ``[[doel]]`` tables): ``gebied``, ``indicator``,
``nulmeting``, ``doeljaar`` and either ``richting`` (daling, stijging, gelijk) or ``waarde``;
optional ``niveau`` (buurt, wijk, gemeente), ``marge`` and ``tekst`` (the policy text). A cell that
cannot be read is an :class:`~sociale_kaart.errors.InputError` naming file, row and column.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..settings import Target
from .tabular import read_table
from .values import MISSING_TOKENS

#: Column or key -> (Target field, type).
TARGET_KEYS = {
    "gebied": ("area", str), "indicator": ("indicator", str), "nulmeting": ("baseline_year", int),
    "doeljaar": ("target_year", int), "richting": ("direction", str), "waarde": ("value", float),
    "niveau": ("level", str), "marge": ("margin", float), "tekst": ("label", str),
}
REQUIRED = ("gebied", "indicator", "nulmeting", "doeljaar")


def target_from_fields(fields: dict, where: str) -> Target:
    """A :class:`Target` from Dutch keys (``gebied``, ``richting`` ...), with `where` in every message."""
    unknown = [k for k in fields if k not in TARGET_KEYS]
    if unknown:
        raise InputError(f"{where}: onbekende sleutel {unknown[0]!r}; bekend: {', '.join(TARGET_KEYS)}")
    missing = [k for k in REQUIRED if k not in fields]
    if missing:
        raise InputError(f"{where}: {missing[0]} ontbreekt")
    kwargs = {}
    for key, value in fields.items():
        field_, kind = TARGET_KEYS[key]
        try:
            if kind is int:
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError
                value = int(str(value).strip()) if isinstance(value, str) else int(value)
            elif kind is float:
                if isinstance(value, bool):
                    raise ValueError
                value = float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)
            elif not isinstance(value, str):
                raise ValueError
        except ValueError:
            raise InputError(f"{where}: {key} {value!r} is geen {'jaartal' if kind is int else 'getal' if kind is float else 'tekst'}") from None
        kwargs[field_] = value.strip() if isinstance(value, str) else value
    try:
        return Target(**kwargs)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def read_targets(path: str | Path) -> tuple[Target, ...]:
    """Every target in a CSV or XLSX (empty cells are left out)."""
    path = Path(path)
    table = read_table(path)
    table.columns = [str(c).strip().lower() for c in table.columns]
    unknown = [c for c in table.columns if c not in TARGET_KEYS]
    if unknown:
        raise InputError(f"{path.name}: onbekende kolom {unknown[0]!r}; bekend: {', '.join(TARGET_KEYS)}")
    targets = []
    for number, row in enumerate(table.to_dict("records"), start=2):
        fields = {k: v for k, v in row.items() if str(v).strip() not in MISSING_TOKENS}
        if not fields:
            continue
        targets.append(target_from_fields(fields, f"{path.name} rij {number}"))
    if not targets:
        raise InputError(f"{path.name}: geen doelen gevonden")
    return tuple(targets)
