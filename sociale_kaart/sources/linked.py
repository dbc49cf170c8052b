"""Linked registrations: extracts of several leefgebieden that share a key (client, household, address).

Each extract (``[[registratie]]`` in the project file: ``bestand``, ``leefgebied``, ``sleutel``)
is one row per record with a key column and one of the existing ways of placing a record: a
buurtcode, ``x``/``y`` (or ``lon``/``lat``), or ``postcode`` + ``huisnummer`` (with the CBS address
table). The key is what links the extracts: the same household (or person) in the Wmo extract and
in the bijstand extract.

The key never leaves memory: it is replaced at once by a keyed hash (HMAC-SHA256) with a secret
drawn at random for this run only, and the key column is dropped; nothing writes the secret. An
error names the file, the column and the row number, never a key. A key of nine digits that passes
the elfproef looks like a BSN: it is accepted (a municipality's systems export it), and the report
says that BSNs were used in memory only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..settings import PATH, TEXT, setting
from .codes import buurtcode_column, normalise_buurtcodes
from .tabular import read_table
from .registrations import (_LONLAT_NAMES, _XY_NAMES, _find_pair, buurtcodes_by_address, place_points,
                            RegistrationSummary, select_period)
from .values import to_number

#: Units a linked count can be made of.
HOUSEHOLD, PERSON = "huishouden", "persoon"
UNITS = (HOUSEHOLD, PERSON)


@dataclass(frozen=True, kw_only=True)
class LinkedSpec:
    """One extract of a linked registration (``[[registratie]]`` in the project file)."""

    source: Path = setting(key="bestand", section="registratie", kind=PATH,
                           help="Het extract (CSV of XLSX), een regel per record.")
    #: the leefgebied it covers ("Wmo", "jeugdhulp", "bijstand", ...)
    area: str = setting(key="leefgebied", section="registratie", kind=TEXT, help="Het leefgebied van het extract.")
    key: str = setting(key="sleutel", section="registratie", kind=TEXT, help="De kolom die de extracten koppelt.")

    def __post_init__(self):
        if not str(self.area).strip():
            raise InputError(f"{Path(self.source).name}: een registratie heeft een leefgebied nodig (leefgebied = \"...\")")
        if not str(self.key).strip():
            raise InputError(f"{Path(self.source).name}: een registratie heeft een sleutelkolom nodig (sleutel = \"...\")")


@dataclass(frozen=True)
class LinkedRecords:
    """The placed records of every extract, keyed by pseudonym only.

    Attributes
    ----------
    records : DataFrame
        ``pseudoniem`` (int64, a keyed hash of the key: the same key in two extracts gives the same
        pseudonym within this run and no other), ``leefgebied`` and ``buurtcode`` (NaN: not placed).
    notes : tuple of str
        Dutch sentences for the report: how the keys were used (BSN-like keys in memory only).
    areas : tuple of str
        The leefgebieden in the order given.
    summaries : tuple of RegistrationSummary
        Per extract: records, how placed, how many not placed (true numbers: publish them through
        :func:`~sociale_kaart.combine.disclosure.published_summary`).
    """

    records: pd.DataFrame
    notes: tuple[str, ...]
    areas: tuple[str, ...]
    summaries: tuple = ()


def is_bsn(value: str) -> bool:
    """Nine digits passing the elfproef (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11, not 0).

    Examples
    --------
    >>> is_bsn("111222333"), is_bsn("123456789"), is_bsn("12345678")
    (True, False, False)
    """
    if len(value) != 9 or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]
    return total % 11 == 0 and total != 0


def pseudonymise(keys: pd.Series, secret: bytes) -> np.ndarray:
    """A 64-bit keyed hash of each key (HMAC-SHA256 with `secret`): linkable within a run, nothing more."""
    return np.array([int.from_bytes(hmac.new(secret, k.encode("utf-8"), hashlib.sha256).digest()[:8], "big",
                                    signed=True) for k in keys], dtype=np.int64)


def new_secret() -> bytes:
    """A random secret for one run (never written anywhere)."""
    return secrets.token_bytes(32)


def read_linked(specs, buurten: gpd.GeoDataFrame, *, address_table: str | Path | None = None,
                secret: bytes | None = None, period=None) -> LinkedRecords:
    """Read every extract, pseudonymise its key in memory and place each record in a buurt.

    Parameters
    ----------
    specs : sequence of LinkedSpec
        The extracts, each with its leefgebied and key column.
    buurten : GeoDataFrame
        The buurten of the run (EPSG:28992): records are placed in these only.
    address_table : str or Path, optional
        CBS table postcode + huisnummer -> buurtcode, for records with an address.
    secret : bytes, optional
        The run's secret; a new random one when not given.
    period : (date, date), optional
        Only records dated in it count (:func:`~sociale_kaart.sources.registrations.select_period`);
        an extract without a date on every record is then refused.

    Returns
    -------
    LinkedRecords

    Raises
    ------
    InputError
        A missing key column, an empty key (naming the row number, never a key), a file without a
        way to place its records.
    """
    secret = secret if secret is not None else new_secret()
    frames, notes, areas, bsn_files, summaries = [], [], [], [], []
    on_map = set(buurten["buurtcode"])
    for spec in specs:
        path = Path(spec.source)
        raw = read_table(path)
        raw.columns = [str(c).strip() for c in raw.columns]
        within = ""
        if period is not None:
            raw, chosen = select_period(raw, path, period)  # its rows numbered anew
            within = chosen.label
            if raw.empty:
                raise InputError(f"{path.name}: geen enkele regel met een datum in de periode {chosen.label}; "
                                 "controleer de periode of het extract")
        lower = {c.lower(): c for c in raw.columns}
        key_col = lower.get(str(spec.key).strip().lower())
        if key_col is None:
            raise InputError(f"{path.name}: sleutelkolom {spec.key!r} niet gevonden; kolommen: {', '.join(raw.columns)}")
        keys = raw[key_col].astype("string").str.strip()
        raw = raw.drop(columns=key_col)  # the key itself goes no further than this function
        empty = keys.isna() | keys.eq("")
        if empty.any():
            raise InputError(f"{path.name}: kolom {key_col!r} rij {int(np.flatnonzero(empty.to_numpy())[0]) + 2}: "
                             "lege sleutel; elke regel heeft een sleutel nodig om registraties te koppelen")
        keys = keys.where(~(keys.str.fullmatch(r"\d{8}") & keys.str.zfill(9).map(is_bsn)), keys.str.zfill(9))
        if keys.map(is_bsn).mean() > 0.5:
            bsn_files.append(path.name)
        pseudonyms = pseudonymise(keys, secret)
        del keys
        codes, how = _place(raw, lower, buurten, address_table, path)
        codes = codes.where(codes.isin(on_map))
        placed = int(codes.notna().sum())
        if len(raw) and not placed:
            raise InputError(f"{path.name}: geen enkele regel valt in een buurt van de kaart ({how}); controleer of "
                             "het extract bij deze gemeenten hoort")
        summaries.append(RegistrationSummary(f"{path.name}, leefgebied {spec.area}", f"regels {how}", len(raw), placed,
                                             len(raw) - placed, "niet in een buurt van de kaart" if placed < len(raw) else "", periode=within))
        area = str(spec.area).strip()
        areas.append(area)
        frames.append(pd.DataFrame({"pseudoniem": pseudonyms, "leefgebied": area, "buurtcode": codes.to_numpy()}))
    if len(set(areas)) < len(areas):
        twice = next(a for a in areas if areas.count(a) > 1)
        raise InputError(f"leefgebied {twice!r} staat bij meer dan één registratie; geef elk leefgebied één bestand "
                         "(voeg extracten van één leefgebied samen)")
    if bsn_files:
        notes.append(f"De sleutel van {', '.join(bsn_files)} lijkt een BSN (negen cijfers, elfproef): de BSN's zijn "
                     "alleen in het geheugen gebruikt om te koppelen, direct vervangen door een pseudoniem met een "
                     "geheime sleutel van deze run, en nergens opgeslagen.")
    else:
        notes.append("De sleutels zijn alleen in het geheugen gebruikt, vervangen door een pseudoniem met een geheime "
                     "sleutel van deze run, en nergens opgeslagen.")
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"pseudoniem": pd.Series(dtype=np.int64), "leefgebied": pd.Series(dtype=object),
         "buurtcode": pd.Series(dtype=object)})
    return LinkedRecords(records=records, notes=tuple(notes), areas=tuple(areas), summaries=tuple(summaries))


def _place(raw: pd.DataFrame, lower: dict, buurten, address_table, path: Path) -> tuple[pd.Series, str]:
    """The buurtcode of every record (NaN: not placed) and how they were placed, in Dutch."""
    code_col = buurtcode_column(raw.columns, raw)
    if code_col is not None:
        filled = raw[code_col].astype("string").str.strip().fillna("")
        codes = pd.Series(np.nan, index=raw.index, dtype=object)
        given = filled.ne("")
        codes[given] = normalise_buurtcodes(raw.loc[given, code_col], path.name).to_numpy()
        return codes, "met buurtcode"
    xy = _find_pair(lower, _XY_NAMES + _LONLAT_NAMES)
    if xy is not None:
        x = to_number(raw[xy[0]], False).to_numpy(dtype=float)
        y = to_number(raw[xy[1]], False).to_numpy(dtype=float)
        if np.isnan(x).all() and raw[xy[0]].astype(str).str.contains(",").any():
            x = to_number(raw[xy[0]], True).to_numpy(dtype=float)
            y = to_number(raw[xy[1]], True).to_numpy(dtype=float)
        if xy[0].lower() in ("lon", "longitude", "lng"):
            from pyproj import Transformer

            x, y = Transformer.from_crs("EPSG:4326", buurten.crs, always_xy=True).transform(x, y)
        usable = np.isfinite(x) & np.isfinite(y)
        where = np.full(len(raw), -1)
        where[usable] = place_points(x[usable], y[usable], buurten.geometry.values)
        codes = np.where(where >= 0, buurten["buurtcode"].to_numpy()[np.maximum(where, 0)], None)
        return pd.Series(codes, index=raw.index, dtype=object), "met coördinaten"
    if "postcode" in lower and "huisnummer" in lower:
        return buurtcodes_by_address(raw, lower, address_table, path), "met adres"
    raise InputError(f"{path.name}: geen kolom buurtcode, geen coördinaten (x/y of lon/lat) en geen postcode + "
                     "huisnummer om de regels in een buurt te plaatsen")
