"""Clusters of need: stapeling, a composite need index, spatial hot spots and aandachtsbuurten.

Every step is documented so that a flag can be explained to a wethouder:

**Stapeling.** A need indicator is *hoog* in a buurt when (rule ``"marge"``) its rate lies more
than ``margin`` above the rate of the buurt's own gemeente (computed from summed counts), or
(rule ``"kwintiel"``) when the buurt is in the top fifth of its gemeente's buurten. The stapeling
score is the number of high need indicators.

**Need index.** Per need indicator the rate is standardised within the gemeente
(z = (x - mean) / sd over the buurten with a value), turned so that higher means more need, and
averaged with the chosen weights: ``index = sum(w_i * z_i) / sum(w_i)`` over the indicators the
buurt has. A buurt with fewer than half of the indicators gets no index.

**Hot spots.** Local Moran's I and Getis-Ord Gi* (esda) on the need index (or one indicator),
Queen contiguity, 999 conditional permutations with a fixed seed, and the false discovery rate
(Benjamini-Hochberg) over all buurten tested. Buurten without a value are left out before the
neighbours are built; buurten without neighbours (islands) are not tested.

**Aandachtsbuurt.** At least ``min_inwoners`` inhabitants, and a stapeling score of at least
``min_stapeling`` or (when hot spots are asked for) a significant HH cluster with at least one high
indicator.

The stage reads no files and draws nothing: :func:`analyse` returns an :class:`Analysis`.
esda and libpysal (seconds to import) are imported only when hot spots are asked for.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..combine.indicators import OK, Indicator
from ..errors import InputError
from ..settings import NeedSettings
from ..texts import decimals_for, nl_number, p_value_text, plural

LISA_LABELS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
NOT_SIGNIFICANT, NO_NEIGHBOURS, NO_VALUE = "niet significant", "geen buren", "geen waarde"


@dataclass(frozen=True)
class HotSpots:
    """What the hot-spot step found besides its columns."""

    column: str  #: the column tested (``behoefte_index`` or an indicator key)
    islands: int  #: buurten without neighbours, not tested
    fdr_threshold: float | None  #: p-value threshold after the FDR correction; None if nothing was tested


@dataclass(frozen=True)
class Analysis:
    """The result of the need analysis of one run.

    Attributes
    ----------
    table : DataFrame
        The buurten (indexed like the dataset's buurten) with ``hoog_<key>``, ``stapeling``,
        ``z_<key>``, ``behoefte_index``, the hot-spot columns (when asked for), ``aandachtsbuurt``
        and ``reden``.
    need : tuple of Indicator
        The need indicators used.
    reference : DataFrame
        Reference rate per gemeentecode that "high" compares with.
    settings : NeedSettings
    hotspots : HotSpots or None
        None when hot spots were not asked for.
    relations : DataFrame
        Spearman correlations of need with context (``behoefte``, ``context``, ``rho``, ``p``, ``n``).
    """

    table: pd.DataFrame
    need: tuple[Indicator, ...]
    reference: pd.DataFrame
    settings: NeedSettings
    hotspots: HotSpots | None
    relations: pd.DataFrame

    @property
    def flagged(self) -> pd.DataFrame:
        """The aandachtsbuurten, most stapeling first."""
        table = self.table[self.table["aandachtsbuurt"]]
        return table.sort_values(["stapeling", "buurtcode"], ascending=[False, True])

    def summary_text(self, indicators) -> str:
        """The short summary the CLI prints, in Dutch."""
        labels = {ind.key: ind.label for ind in indicators}
        flagged = self.flagged
        n = len(self.table)
        lines = [f"Aandachtsbuurten: {len(flagged)} van de {plural(n, 'buurt', 'buurten')}"]
        for _, row in flagged.iterrows():
            lines.append(f"  {row.get('buurtnaam', '')} ({row['buurtcode']}, stapeling {row['stapeling']}): {row['reden']}")
        if self.hotspots is not None:
            counts = self.table["lisa_klasse"].value_counts()
            clusters = ", ".join(f"{k} {counts[k]}" for k in ("HH", "LL", "HL", "LH") if k in counts) or \
                "geen significante clusters"
            threshold = self.hotspots.fdr_threshold
            lines.append(
                f"Hot spots ({labels.get(self.hotspots.column, 'behoefte-index')}): {clusters}; "
                f"eilanden (geen buren): {self.hotspots.islands}; FDR-drempel p <= "
                f"{'–' if threshold is None else nl_number(threshold, 4)}"
            )
        shown = self.relations[self.relations["n"] >= 3]
        if len(shown):
            lines.append("Samenhang (Spearman, per buurt):")
            for _, row in shown.iterrows():
                lines.append(f"  {labels.get(row['behoefte'], row['behoefte'])} ~ {labels.get(row['context'], row['context'])}: "
                             f"rho {nl_number(row['rho'], 2)} (n = {row['n']}, {p_value_text(row['p'])})")
        lines.append("Regels: " + self.settings.describe())
        return "\n".join(lines)


def need_indicators(indicators: list[Indicator]) -> list[Indicator]:
    """The indicators that count as need (role "behoefte")."""
    return [ind for ind in indicators if ind.role == "behoefte"]


def stapeling(buurten: pd.DataFrame, indicators: list[Indicator], gemeente_rates: pd.DataFrame,
              settings: NeedSettings = NeedSettings()) -> pd.DataFrame:
    """Add ``hoog_<key>`` per need indicator, ``stapeling`` and ``stapeling_basis``.

    Parameters
    ----------
    buurten : DataFrame
        Rates and statuses per buurt, with ``gemeentecode``.
    indicators : list of Indicator
        Need indicators.
    gemeente_rates : DataFrame
        Reference rates per gemeentecode (:func:`sociale_kaart.combine.indicators.aggregate`); see
        :func:`reference_rates` for a comparison with the Netherlands.

    Examples
    --------
    >>> t = pd.DataFrame({"gemeentecode": ["GM1"] * 3, "wmo_per_1000": [50.0, 100.0, 80.0],
    ...                   "wmo_per_1000_status": ["ok"] * 3})
    >>> ref = pd.DataFrame({"gemeentecode": ["GM1"], "wmo_per_1000": [70.0]})
    >>> ind = Indicator("wmo_per_1000", "Wmo", "n", "d", 1000, "per 1.000")
    >>> stapeling(t, [ind], ref)["stapeling"].tolist()
    [0, 1, 0]
    """
    out = buurten.copy()
    reference = gemeente_rates.set_index("gemeentecode")
    score = np.zeros(len(out), dtype=int)
    basis = np.zeros(len(out), dtype=int)
    for ind in indicators:
        value = out[ind.key]
        known = (out[f"{ind.key}_status"] == OK) & value.notna()
        if ind.classes:  # an ordered class (Leefbaarometer), not a rate: weak or worse is high need, whatever the rule
            high = value <= LIVEABILITY_WEAK
        elif settings.rule == "marge":
            ref = out["gemeentecode"].map(reference[ind.key])
            high = value > ref * (1 + settings.margin) if ind.more_is_need else value < ref * (1 - settings.margin)
        else:
            rank = value.where(known).groupby(out["gemeentecode"]).rank(pct=True, ascending=ind.more_is_need)
            high = rank > 0.8
        high = (high & known).fillna(False).astype(bool)
        out[f"hoog_{ind.key}"] = high
        score += high.to_numpy()
        basis += known.to_numpy()
    out["stapeling"] = score
    out["stapeling_basis"] = basis
    return out


def reference_rates(data, indicators: list[Indicator], settings: NeedSettings) -> pd.DataFrame:
    """Reference rate per gemeentecode: the gemeente's own (from the dataset) or the Netherlands'."""
    gemeente = data.gemeenten
    if settings.reference == "gemeente":
        return gemeente
    if data.nederland is None:
        raise InputError("de KWB-tabel heeft geen rij voor Nederland (code NL00); vergelijk met de gemeente "
                         "of gebruik de volledige KWB-tabel van het CBS")
    land = data.nederland.iloc[0]
    missing = [ind.label for ind in indicators if pd.isna(land.get(ind.key))]
    if missing:
        raise InputError(f"de Nederland-rij van de KWB-tabel heeft geen cijfer voor {', '.join(missing)}")
    return pd.DataFrame({"gemeentecode": gemeente["gemeentecode"],
                         **{ind.key: land[ind.key] for ind in indicators}})


def need_index(buurten: pd.DataFrame, indicators: list[Indicator], settings: NeedSettings = NeedSettings()) -> pd.DataFrame:
    """Add ``z_<key>`` per need indicator and ``behoefte_index`` (weighted mean of z-scores).

    Examples
    --------
    >>> t = pd.DataFrame({"gemeentecode": ["GM1"] * 3, "a": [1.0, 2.0, 3.0], "a_status": ["ok"] * 3})
    >>> ind = Indicator("a", "A", "n", "d", 1, "eenheid")
    >>> need_index(t, [ind])["behoefte_index"].round(2).tolist()
    [-1.22, 0.0, 1.22]
    """
    out = buurten.copy()
    unknown = set(settings.weights) - {ind.key for ind in indicators}
    if unknown:
        raise InputError(f"gewicht voor onbekende indicator {sorted(unknown)[0]!r}")
    total = np.zeros(len(out))
    weight_sum = np.zeros(len(out))
    present = np.zeros(len(out), dtype=int)
    for ind in indicators:
        value = out[ind.key].where(out[f"{ind.key}_status"] == OK)
        groups = value.groupby(out["gemeentecode"])
        sd = groups.transform("std", ddof=0)
        z = (value - groups.transform("mean")) / sd.where(sd > 0)
        z = z if ind.more_is_need else -z
        out[f"z_{ind.key}"] = z
        weight = float(settings.weights.get(ind.key, 1.0))
        has = z.notna().to_numpy()
        total[has] += weight * z.to_numpy()[has]
        weight_sum[has] += weight
        present += has
    with np.errstate(invalid="ignore", divide="ignore"):
        index = total / weight_sum
    index[(present * 2 < len(indicators)) | (weight_sum == 0)] = np.nan
    out["behoefte_index"] = index
    return out


def hot_spots(buurten, column: str, settings: NeedSettings = NeedSettings()) -> tuple[pd.DataFrame, HotSpots]:
    """Local Moran's I and Getis-Ord Gi* on `column`, with FDR, as columns of a copy of `buurten`.

    Adds ``lisa_i``, ``lisa_p``, ``lisa_klasse`` (HH, LL, HL, LH, "niet significant",
    "geen buren", "geen waarde"), ``gi_z``, ``gi_p``, ``gi_klasse`` ("hot spot", "cold spot", ...),
    and returns them with a :class:`HotSpots` (islands, FDR threshold).
    """
    import esda
    import libpysal

    from .neighbours import queen_neighbours

    out = buurten.copy()
    values = out[column].to_numpy(dtype=float)
    tested = ~np.isnan(values)
    out["lisa_i"] = np.nan
    out["lisa_p"] = np.nan
    out["lisa_klasse"] = NO_VALUE
    out["gi_z"] = np.nan
    out["gi_p"] = np.nan
    out["gi_klasse"] = NO_VALUE
    subset = out[tested]
    if len(subset) < 3:
        raise InputError(
            f"te weinig buurten met een waarde voor {column} ({len(subset)}) voor een hot-spotanalyse; minstens 3 nodig"
        )
    neighbours = queen_neighbours(subset.geometry.values)
    islands = np.array([len(n) == 0 for n in neighbours])
    positions = np.flatnonzero(tested)
    connected = np.flatnonzero(~islands)
    out.iloc[positions[islands], out.columns.get_loc("lisa_klasse")] = NO_NEIGHBOURS
    out.iloc[positions[islands], out.columns.get_loc("gi_klasse")] = NO_NEIGHBOURS
    n_islands = int(islands.sum())
    if len(connected) < 3:
        return out, HotSpots(column, n_islands, None)
    remap = -np.ones(len(subset), dtype=int)
    remap[connected] = np.arange(len(connected))
    graph = {i: remap[neighbours[c]].tolist() for i, c in enumerate(connected)}
    y = values[positions[connected]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(graph, silence_warnings=True)
        w.transform = "r"
        lisa = esda.Moran_Local(y, w, permutations=settings.permutations, seed=settings.seed, n_jobs=1)
        w_star = libpysal.weights.fill_diagonal(libpysal.weights.W(graph, silence_warnings=True), 1.0)
        gi = esda.G_Local(y, w_star, transform="B", star=None, permutations=settings.permutations,
                          seed=settings.seed, n_jobs=1)
    p_all = np.r_[lisa.p_sim, gi.p_sim]
    threshold = float(esda.fdr(p_all, settings.alpha)) if len(p_all) else 0.0
    rows = positions[connected]
    lisa_class = np.where(lisa.p_sim <= threshold, [LISA_LABELS[q] for q in lisa.q], NOT_SIGNIFICANT)
    gi_class = np.where(gi.p_sim > threshold, NOT_SIGNIFICANT, np.where(gi.Zs > 0, "hot spot", "cold spot"))
    for column_name, values_ in (("lisa_i", lisa.Is), ("lisa_p", lisa.p_sim), ("lisa_klasse", lisa_class),
                                 ("gi_z", gi.Zs), ("gi_p", gi.p_sim), ("gi_klasse", gi_class)):
        out.iloc[rows, out.columns.get_loc(column_name)] = values_
    return out, HotSpots(column, n_islands, threshold)


def flag(buurten: pd.DataFrame, indicators: list[Indicator], gemeente_rates: pd.DataFrame,
         settings: NeedSettings = NeedSettings()) -> pd.DataFrame:
    """Add ``aandachtsbuurt`` and ``reden`` (plain Dutch), from stapeling and hot spots.

    Expects the columns of :func:`stapeling` and, optionally, of :func:`hot_spots`.
    """
    out = buurten.copy()
    reference = gemeente_rates.set_index("gemeentecode")
    inwoners = out.get("inwoners", pd.Series(np.nan, index=out.index))
    big_enough = (inwoners >= settings.min_inwoners).fillna(False)
    in_hotspot = out.get("lisa_klasse", pd.Series("", index=out.index)).eq("HH")
    extreme = pd.DataFrame({ind.key: _extreme(out, ind, reference, settings) for ind in indicators}, index=out.index)
    out["uitschieter"] = extreme.any(axis=1).to_numpy() & big_enough.to_numpy()
    flagged = big_enough & ((out["stapeling"] >= settings.min_stapeling) | (in_hotspot & (out["stapeling"] >= 1))
                            | out["uitschieter"])
    reasons = np.full(len(out), "", dtype=object)
    of = "Nederland" if settings.reference == "nederland" else "gemeente"
    several_domains = len({ind.domain for ind in indicators}) > 1
    for position in np.flatnonzero(flagged.to_numpy()):  # only the flagged rows need a sentence
        row = out.iloc[position]
        by_domain: dict[str, list[str]] = {}
        for ind in indicators:
            if not (row.get(f"hoog_{ind.key}", False) or extreme.iloc[position][ind.key]):
                continue
            ref = reference.at[row["gemeentecode"], ind.key] if row["gemeentecode"] in reference.index else np.nan
            basis = reference.get(f"{ind.key}_referentie", pd.Series(dtype=object)).get(row["gemeentecode"])
            by_domain.setdefault(ind.domain, []).append(_reason(row, ind, ref, of, extreme.iloc[position][ind.key],
                                                                basis=basis))
        parts = [(f"{domain}: " if several_domains else "") + "; ".join(texts) for domain, texts in by_domain.items()]
        if in_hotspot.iloc[position]:
            parts.append("onderdeel van een hot spot")
        reasons[position] = "; ".join(parts)
    out["aandachtsbuurt"] = flagged.to_numpy()
    out["reden"] = reasons
    return out


#: Leefbaarometer class at or below which liveability counts as a high need: 4 = "zwak".
LIVEABILITY_WEAK = 4
#: Leefbaarometer dimensions (score column -> Dutch name), for "zwakst op ..." in a reason.
LIVEABILITY_DIMENSIONS = {"lbm_won": "woningvoorraad", "lbm_fys": "fysieke omgeving", "lbm_vrz": "voorzieningen",
                          "lbm_soc": "sociale samenhang", "lbm_onv": "overlast en onveiligheid"}


def weakest_dimension(row) -> str | None:
    """The Leefbaarometer dimension a buurt scores lowest on (its Dutch name), None without scores.

    Examples
    --------
    >>> weakest_dimension({"lbm_won": 0.02, "lbm_onv": -0.08, "lbm_soc": -0.01})
    'overlast en onveiligheid'
    >>> weakest_dimension({"lbm_won": float("nan")}) is None
    True
    """
    scores = {name: row.get(col) for col, name in LIVEABILITY_DIMENSIONS.items() if not pd.isna(row.get(col))}
    return min(scores, key=scores.get) if scores else None


def _extreme(table: pd.DataFrame, ind: Indicator, reference: pd.DataFrame, settings: NeedSettings) -> np.ndarray:
    """A single extreme value: at least `extreme_factor` times the reference (more need), a known rate."""
    if settings.extreme_factor is None or not ind.more_is_need or ind.key not in reference:
        return np.zeros(len(table), dtype=bool)
    ref = table["gemeentecode"].map(reference[ind.key]).astype(float)
    known = (table[f"{ind.key}_status"] == OK) & table[ind.key].notna() & (ref > 0)
    return (known & (table[ind.key] >= settings.extreme_factor * ref)).fillna(False).to_numpy()


def _reason(row, ind: Indicator, ref: float, of: str, extreme: bool, *, basis: str | None = None) -> str:
    """One indicator's part of a reason: value, unit, reference (and what it rests on) and factor.

    Examples
    --------
    >>> from sociale_kaart.combine.indicators import registry
    >>> _reason({"wmo_per_1000": 188.2}, registry()["wmo_per_1000"], 76.4, "gemeente", False, basis="gepubliceerd")
    'Wmo-cliënten 188,2 per 1.000 inwoners (gemeente 76,4, gepubliceerd; 2,5x)'
    """
    decimals = decimals_for(ind.unit)
    if ind.key.startswith(STACKING_RATE) and not pd.isna(row.get(ind.numerator)):
        return stacking_reason(row[ind.numerator], row[ind.key], ref, ind.denominator, of=of) + \
            (" (uitschieter)" if extreme else "")
    if ind.kind == "score" and ind.domain == "leefbaarheid":
        text = f"{ind.label.lower()} {nl_number(row[ind.key], 0)}"
        weakest = weakest_dimension(row)
        return text + (f", zwakst op {weakest}" if weakest else "")
    text = f"{ind.label} {nl_number(row[ind.key], decimals)} {ind.unit} ({of} {nl_number(ref, decimals)}"
    if basis and isinstance(basis, str):
        text += f", {basis}"
    if ref and not np.isnan(ref) and ref > 0:
        text += f"; {nl_number(row[ind.key] / ref, 1)}x"
    return text + (", uitschieter)" if extreme else ")")


#: The key of stapeling per huishouden (or per person) starts with this (sociale_kaart.combine.stacking).
STACKING_RATE = "stapeling_per_1000_"


def stacking_reason(count: float, rate: float, reference: float, denominator: str = "huishoudens", *,
                    of: str = "gemeente") -> str:
    """The reason for stapeling per huishouden, in a sentence a wijkregisseur reads.

    Examples
    --------
    >>> stacking_reason(412, 48.2, 21.04)
    '412 huishoudens krijgen ondersteuning op twee of meer leefgebieden: 48 per 1.000 huishoudens, gemeente 21'
    """
    who = "huishoudens" if denominator == "huishoudens" else "personen"
    text = (f"{nl_number(count, 0)} {who} krijgen ondersteuning op twee of meer leefgebieden: "
            f"{nl_number(rate, 0)} per 1.000 {denominator}")
    return text + (f", {of} {nl_number(reference, 0)}" if not pd.isna(reference) else "")


def relations(buurten: pd.DataFrame, indicators) -> pd.DataFrame:
    """Spearman rank correlation of every need indicator with every context indicator.

    Returns one row per pair: ``behoefte``, ``context``, ``rho``, ``p``, ``n`` (buurten with both
    values; suppressed ones excluded). The p-value uses the t approximation, as
    ``scipy.stats.spearmanr`` does.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "a_status": ["ok"] * 5,
    ...                   "b": [2.0, 1, 4, 3, 5], "b_status": ["ok"] * 5})
    >>> need = Indicator("a", "A", "n", "d", 1, "x")
    >>> context = Indicator("b", "B", "n", "d", 1, "x", role="context")
    >>> relations(t, [need, context])[["rho", "n"]].round(2).values.tolist()
    [[0.8, 5.0]]
    """
    rows = []
    for need in need_indicators(indicators):
        for context in [ind for ind in indicators if ind.role == "context"]:
            both = (buurten[f"{need.key}_status"] == OK) & (buurten[f"{context.key}_status"] == OK)
            n = int(both.sum())
            rho, p = spearman(buurten.loc[both, need.key], buurten.loc[both, context.key]) if n >= 3 else (np.nan, np.nan)
            rows.append({"behoefte": need.key, "context": context.key, "rho": rho, "p": p, "n": n})
    return pd.DataFrame(rows, columns=["behoefte", "context", "rho", "p", "n"])


def spearman(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    """Spearman's rho (average ranks for ties) and its two-sided p-value (t approximation)."""
    rx = pd.Series(np.asarray(x, dtype=float)).rank().to_numpy()
    ry = pd.Series(np.asarray(y, dtype=float)).rank().to_numpy()
    n = len(rx)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan"), float("nan")
    rho = float(np.corrcoef(rx, ry)[0, 1])
    if abs(rho) >= 1:
        return rho, 0.0
    t = rho * np.sqrt((n - 2) / ((1 - rho) * (1 + rho)))
    return rho, two_sided_t(float(t), n - 2)


def two_sided_t(t: float, df: int) -> float:
    """The two-sided p-value of Student's t with `df` degrees of freedom: the regularised
    incomplete beta function I_x(df/2, 1/2) at x = df / (df + t²) (what scipy's ``stdtr`` gives,
    without importing scipy: a third of a second of every run).

    Examples
    --------
    >>> round(two_sided_t(2.0, 10), 6), round(two_sided_t(0.0, 5), 6), two_sided_t(1e9, 3) < 1e-12
    (0.073388, 1.0, True)
    """
    x = df / (df + t * t)
    return _incomplete_beta(df / 2, 0.5, x)


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz)."""
    import math

    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast on this side only
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)) / a
    tiny, f, c, d = 1e-300, 1.0, 1.0, 0.0
    for i in range(400):
        m = i // 2
        if i == 0:
            numerator = 1.0
        elif i % 2 == 0:
            numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + numerator / c
        c = c if abs(c) > tiny else tiny
        f *= c * d
        if abs(1.0 - c * d) < 1e-15:
            break
    return front * (f - 1.0)


def analyse(data, settings: NeedSettings = NeedSettings()) -> Analysis:
    """Run the whole analysis on a :class:`sociale_kaart.combine.dataset.Dataset`.

    Raises :class:`InputError` for input that cannot carry an analysis: no need indicators, all
    values missing, fewer than three buurten.

    Examples
    --------
    >>> from sociale_kaart.combine.dataset import build
    >>> from sociale_kaart.settings import Sources
    >>> from sociale_kaart.sources.sample import sample_path
    >>> data = build(Sources(grenzen=sample_path("grenzen"), kwb=sample_path("kwb")))
    >>> result = analyse(data, NeedSettings(rule="kwintiel"))
    >>> sorted(result.flagged["buurtnaam"])[:2]
    ['Loodsen', 'Rozenhof']
    """
    chosen = need_indicators(data.indicators)
    if settings.indicators:
        known = {ind.key: ind for ind in data.indicators}
        missing = [k for k in settings.indicators if k not in known]
        if missing:
            raise InputError(f"onbekende indicator {missing[0]!r}; beschikbaar: {', '.join(known)}")
        chosen = [known[k] for k in settings.indicators]
    if not chosen:
        raise InputError("geen behoefte-indicatoren in de cijfers (zoals Wmo, bijstand of jeugdzorg): er valt "
                         "geen aandachtsbuurt aan te wijzen; zie het koppelrapport voor de kolommen die wel herkend zijn")
    if len(data.buurten) < 3:
        raise InputError(f"te weinig buurten ({len(data.buurten)}) voor een analyse van stapeling; minstens 3 nodig")
    if all(data.buurten[ind.key].isna().all() for ind in chosen):
        raise InputError(
            "alle waarden van " + ", ".join(ind.label for ind in chosen) + " ontbreken of zijn onderdrukt; "
            "er valt niets te vergelijken"
        )
    reference = reference_rates(data, chosen, settings)
    table = stapeling(data.buurten, chosen, reference, settings)
    table = need_index(table, chosen, settings)
    spots = None
    if settings.hotspots:
        column = settings.hotspot_indicator or "behoefte_index"
        if column not in table.columns:
            raise InputError(f"onbekende indicator voor de hot-spotanalyse: {column!r}")
        table, spots = hot_spots(table, column, settings)
    table = flag(table, chosen, reference, settings)
    return Analysis(table=table, need=tuple(chosen), reference=reference, settings=settings, hotspots=spots,
                    relations=relations(table, data.indicators))
