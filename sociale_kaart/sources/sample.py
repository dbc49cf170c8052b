"""The bundled sample: *Voorbeeldstad*, a fictional gemeente.

Nothing in it is real: the shapes are a Voronoi partition of random points, the figures are drawn
from a seeded random generator, and the gemeentecode GM9999 is not a CBS code. Its files have the
shapes of the real ones (OData column names, padded text, empty cells, a ``.`` and a CBS sentinel,
a registrations extract with ``;``, decimal commas and a BOM), so that the demo exercises the same
code paths as real data.

Regenerate with ``python scripts/make_sample.py``; the output is deterministic.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..atomic import atomic_path, write_bytes

GEMEENTECODE = "GM9999"
GEMEENTENAAM = "Voorbeeldstad (fictief)"
NOTICE = "FICTIEF: Voorbeeldstad bestaat niet; alle grenzen en cijfers zijn verzonnen (gegenereerd)."
_WIJKEN = ["Centrum", "Havenkwartier", "Parkwijk", "Buitenhof"]
_BUURTEN = [
    ["Oude Markt", "Kerkbuurt", "Stationsbuurt", "Molenwijk"],
    ["Kadebuurt", "Werfkwartier", "Loodsen", "Zeeheldenbuurt"],
    ["Parkzicht", "Bloemhof", "Vijverbuurt", "Rozenhof"],
    ["Boerderij", "Lindenlaan", "Polderrand", "Industrieterrein De Dam"],
]
#: Default files of the sample, relative to the ``geodata/`` folder.
FILES = {
    "grenzen": "voorbeeldstad/voorbeeldstad_grenzen_2024.gpkg",
    "kwb": "voorbeeldstad/voorbeeldstad_kwb_2024.csv",
    "registraties": "voorbeeldstad/voorbeeldstad_registraties_2024.csv",
    "meldingen": "voorbeeldstad/voorbeeldstad_meldingen_2024.csv",
}


def sample_dir() -> Path:
    """The project's ``geodata/`` folder (beside the package in a checkout)."""
    return Path(__file__).resolve().parents[2] / "geodata"


def sample_path(key: str) -> Path:
    """Path of one sample file (``"grenzen"``, ``"kwb"``, ``"registraties"``, ``"meldingen"``).

    In a checkout the files are in ``geodata/``; in an installed package without it they are
    generated once into the user's cache folder.
    """
    path = sample_dir() / FILES[key]
    if not path.exists():
        from .cache import user_cache_dir

        base = user_cache_dir() / "voorbeeldstad"
        if not (base / FILES[key]).exists():
            write_sample(base)
        path = base / FILES[key]
    return path


#: The linked extracts of Voorbeeldstad (scripts/make_linked_sample.py), relative to ``geodata/``.
LINKED_FOLDER = "voorbeeldstad/gekoppeld"


def linked_sample(target: str | Path | None = None, *, write: bool = False):
    """The linked extracts of Voorbeeldstad: (specs, address table), generated where missing.

    Households with support on several leefgebieden (Wmo and schuldhulp by buurtcode, jeugdhulp by
    x/y, bijstand by address), with a known truth (:mod:`sociale_kaart.sources.linked_sample`).
    """
    from .linked import LinkedSpec
    from .linked_sample import EXTRACTS, make_linked_extracts

    folder = Path(target or sample_dir()) / LINKED_FOLDER
    if write or not (folder / "adrestabel.csv").exists():
        if not write and not (sample_dir() / LINKED_FOLDER).exists():
            from .cache import user_cache_dir

            folder = user_cache_dir() / LINKED_FOLDER
        if write or not (folder / "adrestabel.csv").exists():
            buurten = gpd.read_file(sample_path("grenzen"), layer="buurten")
            kwb = pd.read_csv(sample_path("kwb"), sep=";", dtype={"Codering_3": str})
            households = buurten["buurtcode"].map(dict(zip(kwb["Codering_3"].str.strip(), kwb["HuishoudensTotaal_29"])))
            make_linked_extracts(buurten, folder, households=int(households.sum()), seed=2023,
                                 weights=households.fillna(0).to_numpy())
    specs = tuple(LinkedSpec(source=folder / f"{stem}.csv", area=area, key=key)
                  for area, (stem, key, _how) in EXTRACTS.items())
    return specs, folder / "adrestabel.csv"


def make_buurten(seed: int = 9999) -> gpd.GeoDataFrame:
    """Sixteen fictional buurten in four wijken that tile a town outline without gaps."""
    rng = np.random.default_rng(seed)
    origin = np.array([84000.0, 431000.0])  # an RD location, drawn on no background by default
    outline = shapely.Point(origin + 2500).buffer(2500, quad_segs=24)
    outline = shapely.affinity.scale(outline, 1.3, 0.9)
    centres = []
    for w in range(4):
        angle = np.pi / 4 + w * np.pi / 2
        hub = origin + 2500 + np.array([np.cos(angle), np.sin(angle)]) * 1500
        centres += [hub + rng.normal(0, 500, 2) for _ in range(4)]
    cells = shapely.voronoi_polygons(shapely.MultiPoint(centres), extend_to=outline.buffer(500))
    polys = [shapely.intersection(cell, outline) for cell in shapely.get_parts(cells)]
    # voronoi_polygons does not keep the input order: match every cell to its seed point.
    order = [next(i for i, p in enumerate(polys) if p.contains(shapely.Point(c))) for c in centres]
    rows = []
    for n, cell in enumerate(order):
        w, b = divmod(n, 4)
        rows.append({
            "buurtcode": f"BU9999{w + 1:02d}{b + 1:02d}",
            "buurtnaam": _BUURTEN[w][b],
            "wijkcode": f"WK9999{w + 1:02d}",
            "gemeentecode": GEMEENTECODE,
            "gemeentenaam": GEMEENTENAAM,
            "water": "NEE",
            "geometry": shapely.MultiPolygon([polys[cell]]),
        })
    return gpd.GeoDataFrame(rows, crs="EPSG:28992")


def make_kwb(buurten: gpd.GeoDataFrame, seed: int = 9999) -> pd.DataFrame:
    """KWB-shaped figures with CBS OData column names and the quirks of real CBS files."""
    rng = np.random.default_rng(seed + 1)
    n = len(buurten)
    need = rng.uniform(0, 1, n)
    need[[5, 6]] = [0.95, 0.9]  # the harbour buurten carry most need, as in many real towns
    inwoners = _round5(rng.integers(600, 3500, n))
    inwoners[-1] = 15  # an industrial estate with a handful of residents: suppressed rates
    woningen = np.round(inwoners / rng.uniform(1.9, 2.4, n)).astype(int)
    pct_huur = np.clip(np.round(20 + 60 * need + rng.normal(0, 6, n)), 5, 95)
    pct_65 = np.clip(rng.normal(21, 6, n) + 8 * (rng.uniform(0, 1, n) > 0.7), 6, 45)
    k65 = _round5(inwoners * pct_65 / 100)
    k0_15 = _round5(inwoners * rng.uniform(0.12, 0.2, n))
    k15_25 = _round5(inwoners * rng.uniform(0.09, 0.14, n))
    bijstand = _round5(inwoners * (0.005 + 0.06 * need ** 2))
    wmo = _round5(inwoners * (0.03 + 0.06 * need + 0.002 * (pct_65 - 20)))
    jeugd = _round5((k0_15 + k15_25) * (0.04 + 0.06 * need))
    text = lambda values, width: [str(v).ljust(width) for v in values]
    table = pd.DataFrame({
        "ID": range(n),
        "WijkenEnBuurten": text(buurten["buurtcode"], 10),
        "Gemeentenaam_1": text([GEMEENTENAAM] * n, 40),
        "SoortRegio_2": text(["Buurt"] * n, 10),
        "Codering_3": text(buurten["buurtcode"], 10),
        "AantalInwoners_5": inwoners,
        "k_0Tot15Jaar_8": k0_15,
        "k_15Tot25Jaar_9": k15_25,
        "k_65JaarOfOuder_12": k65,
        "HuishoudensTotaal_29": _round5(woningen * 0.97),
        "Woningvoorraad_35": woningen,
        "HuurwoningenTotaal_48": pct_huur.astype(float),
        "PersonenPerSoortUitkeringBijstand_87": bijstand.astype(float),
        "JongerenMetJeugdzorgInNatura_91": jeugd.astype(float),
        "WmoClienten_93": wmo.astype(float),
    }).astype(object)
    last = n - 1  # the tiny buurt: CBS leaves almost everything empty
    for col in ("HuurwoningenTotaal_48", "PersonenPerSoortUitkeringBijstand_87",
                "JongerenMetJeugdzorgInNatura_91", "WmoClienten_93"):
        table.loc[last, col] = ""
    table.loc[3, "JongerenMetJeugdzorgInNatura_91"] = "."  # secret value, as StatLine writes it
    table.loc[9, "PersonenPerSoortUitkeringBijstand_87"] = -99997  # CBS sentinel: unknown
    # A full KWB table starts with a row for the whole country (code NL00); these numbers are made up too.
    land = {"ID": -1, "WijkenEnBuurten": "NL00      ", "Gemeentenaam_1": "Nederland".ljust(40),
            "SoortRegio_2": "Land      ", "Codering_3": "NL00      ", "AantalInwoners_5": 18_000_000,
            "k_0Tot15Jaar_8": 2_800_000, "k_15Tot25Jaar_9": 2_250_000, "k_65JaarOfOuder_12": 3_550_000,
            "HuishoudensTotaal_29": 8_250_000, "Woningvoorraad_35": 8_200_000, "HuurwoningenTotaal_48": 42.0,
            "PersonenPerSoortUitkeringBijstand_87": 410_000.0, "JongerenMetJeugdzorgInNatura_91": 430_000.0,
            "WmoClienten_93": 1_300_000.0}
    return pd.concat([pd.DataFrame([land]).astype(object), table], ignore_index=True)


def make_registrations(buurten: gpd.GeoDataFrame, seed: int = 9999) -> pd.DataFrame:
    """A municipal extract of counts per buurt (schuldhulp, huurachterstand), some below 5."""
    rng = np.random.default_rng(seed + 2)
    n = len(buurten)
    base = rng.uniform(0, 1, n)
    base[[5, 6]] = [0.95, 0.9]
    return pd.DataFrame({
        "buurtcode": buurten["buurtcode"].str[2:],  # as many systems store it: without "BU"
        "schuldhulp": np.round(2 + 60 * base ** 2).astype(int),
        "huurachterstand": np.round(1 + 35 * base ** 1.5).astype(int),
    })


def make_meldingen(buurten: gpd.GeoDataFrame, seed: int = 9999) -> pd.DataFrame:
    """Single records with RD coordinates (decimal comma) and a category, some outside the town."""
    rng = np.random.default_rng(seed + 3)
    points, cats = [], []
    for i, geom in enumerate(buurten.geometry):
        k = int(rng.integers(1, 14) + (30 if i in (5, 6) else 0))
        xmin, ymin, xmax, ymax = geom.bounds
        while k:
            x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
            if geom.contains(shapely.Point(x, y)):
                points.append((x, y))
                cats.append(rng.choice(["overlast", "eenzaamheid"]))
                k -= 1
    points += [(70000.5, 400000.25), (70001.5, 400001.75)]  # outside every buurt: reported
    cats += ["overlast", "overlast"]
    fmt = lambda v: f"{v:.2f}".replace(".", ",")
    return pd.DataFrame({
        "melding_id": range(1, len(points) + 1),
        "x": [fmt(p[0]) for p in points],
        "y": [fmt(p[1]) for p in points],
        "categorie": cats,
    })


def write_sample(target: str | Path | None = None) -> dict[str, Path]:
    """Generate the sample into `target` (default: the project's ``geodata/``); return the paths."""
    target = Path(target) if target else sample_dir()
    paths = {key: target / rel for key, rel in FILES.items()}
    paths["grenzen"].parent.mkdir(parents=True, exist_ok=True)
    buurten = make_buurten()
    wijken = buurten.dissolve(by="wijkcode", as_index=False)[["wijkcode", "gemeentecode", "gemeentenaam", "geometry"]]
    wijken.insert(1, "wijknaam", _WIJKEN)
    with atomic_path(paths["grenzen"]) as tmp:
        buurten.to_file(tmp, layer="buurten", driver="GPKG", engine="pyogrio")
        wijken.to_file(tmp, layer="wijken", driver="GPKG", engine="pyogrio")
    write_bytes(paths["kwb"], make_kwb(buurten).to_csv(sep=";", index=False).encode("utf-8"))
    registrations = make_registrations(buurten).to_csv(sep=";", index=False)
    write_bytes(paths["registraties"], registrations.encode("utf-8-sig"))  # Excel's BOM
    meldingen = make_meldingen(buurten).to_csv(sep=";", index=False)
    write_bytes(paths["meldingen"], meldingen.encode("cp1252"))
    (target / "voorbeeldstad" / "LEESMIJ.txt").write_text(
        NOTICE + "\nGemaakt door scripts/make_sample.py (sociale_kaart.sources.sample).\n", encoding="utf-8"
    )
    return paths


def _round5(values) -> np.ndarray:
    """Round to a multiple of 5, as CBS does with absolute counts."""
    return (np.round(np.asarray(values, dtype=float) / 5) * 5).astype(int)
