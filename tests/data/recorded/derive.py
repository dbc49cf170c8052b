"""Derive the small fixtures in this folder from the real data in ../shared (run by hand, not by the tests).

    python tests/data/recorded/derive.py [path/to/shared/geodata]

Every fixture has the shape of a real response (the recorded ones in ``../shared/geodata/api/``) and
content taken or adapted from the real CBS files in ``../shared/geodata`` (see README.md here for
what was adapted and what was invented). Nothing is copied wholesale: a few gemeenten, rounded
geometry, the columns the tests need.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SOCIALE_KAART_SHARED", ROOT.parent / "shared" / "geodata"))
STAMP = "2025-11-03T09:00:00Z"
CRS_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"


def write(name: str, data) -> None:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    (HERE / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(text.encode()):,} bytes")


# --- PDOK OGC API (shape: gokoala's expected_foo_collection_with_cursor.json) -------------------------

def _value(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def feature_page(frame: gpd.GeoDataFrame, *, base: str, collection: str, query: str, first_id: int) -> dict:
    """One page of features as gokoala serves it (no next link: the fake pages it again)."""
    features = []
    for i, row in enumerate(frame.itertuples(index=False)):
        geom = shapely.set_precision(row.geometry, 0.001)
        props = {c: _value(getattr(row, c)) for c in frame.columns if c != "geometry"}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom),
                         "id": str(first_id + i)})
    features = json.loads(json.dumps(features))  # tuples -> lists
    href = f"{base}/collections/{collection}/items?{query}"
    return {
        "type": "FeatureCollection",
        "timeStamp": STAMP,
        "links": [
            {"rel": "self", "title": "This document as GeoJSON", "type": "application/geo+json", "href": href},
            {"rel": "alternate", "title": "This document as JSON-FG", "type": "application/vnd.ogc.fg+json",
             "href": href.replace("f=json", "f=jsonfg")},
            {"rel": "alternate", "title": "This document as HTML", "type": "text/html",
             "href": href.replace("f=json", "f=html")},
        ],
        "features": features,
        "numberReturned": len(features),
    }


def queryables(base: str, collection: str, names: list[str]) -> dict:
    """A queryables document in the shape of gokoala's expected_queryables.json."""
    props = {"geometry": {"x-ogc-role": "primary-geometry", "format": "geometry-multipolygon"}}
    for name in names:
        props[name] = {"description": "Filter features by this property", "type": "string"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{base}/collections/{collection}/queryables",
            "title": collection.capitalize(), "description": collection.capitalize(), "type": "object",
            "properties": props, "additionalProperties": False}


def collection_entry(base: str, cid: str, title: str) -> dict:
    """One collection in the shape of gokoala's expected_collections_features_and_attributes.json."""
    return {
        "id": cid, "title": title, "description": title,
        "extent": {"spatial": {"bbox": [[3.2, 50.7, 7.3, 53.6]], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        "itemType": "feature", "geometryType": "multipolygon",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84", CRS_URI],
        "storageCrs": CRS_URI,
        "links": [
            {"rel": "self", "type": "application/json", "title": f"Information about the {cid} collection as JSON",
             "href": f"{base}/collections/{cid}?f=json"},
            {"rel": "alternate", "type": "text/html", "title": f"Information about the {cid} collection as HTML",
             "href": f"{base}/collections/{cid}?f=html"},
            {"rel": "items", "type": "application/geo+json",
             "title": f"The JSON representation of the {cid} features served from this endpoint",
             "href": f"{base}/collections/{cid}/items?f=json"},
        ],
        "content": [],
    }


def pdok() -> None:
    base = "https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1"
    query = "f=json&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992&limit=1000&gemeentecode={code}"
    buurten = gpd.read_file(SHARED / "cbs" / "wijkenbuurten_2024_rijnmond.gpkg", layer="buurten")
    wijken = gpd.read_file(SHARED / "cbs" / "wijken_2024_simplified.gpkg", layer="wijken")
    wijken = wijken.rename(columns={"huishoudens": "aantal_huishoudens"})
    wijken["geometry"] = wijken.geometry.simplify(10)
    keep_wijken = ["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "aantal_inwoners", "mannen", "vrouwen",
                   "aantal_huishoudens", "geometry"]
    first = 5001
    for code, n_buurten in (("GM0556", None), ("GM0622", 4)):
        part = buurten[buurten.gemeentecode == code].sort_values("buurtcode")
        part = part if n_buurten is None else part.head(n_buurten)
        write(f"pdok_2024_buurten_{code}.json", feature_page(part, base=base, collection="buurten",
                                                            query=query.format(code=code), first_id=first))
        first += 100
        wk = wijken[wijken.gemeentecode == code].sort_values("wijkcode")[keep_wijken]
        wk = wk if n_buurten is None else wk[wk.wijkcode.isin(part.wijkcode)]
        write(f"pdok_2024_wijken_{code}.json", feature_page(wk, base=base, collection="wijken",
                                                           query=query.format(code=code), first_id=first))
        first += 100
    write("pdok_2024_queryables_buurten.json", queryables(base, "buurten", ["buurtcode", "gemeentecode", "wijkcode"]))

    # historisch: collection names are NOT confirmed (docs): <level>_<year> is an assumption of this fixture.
    hbase = "https://api.pdok.nl/cbs/wijken-en-buurten-historisch/ogc/v1"
    collections = [collection_entry(hbase, f"{level}_{year}", f"{level.capitalize()} {year}")
                   for year in range(2017, 2023) for level in ("buurten", "wijken", "gemeenten")]
    write("pdok_historisch_collections.json", {
        "links": [
            {"rel": "self", "type": "application/json", "title": "This document as JSON", "href": f"{hbase}/collections?f=json"},
            {"rel": "alternate", "type": "text/html", "title": "This document as HTML", "href": f"{hbase}/collections?f=html"},
        ],
        "collections": collections,
    })

    # Amsterdam 2019: ten wijken of the 2024 map stand in for buurten (2019 buurten are not in ../shared).
    ams = wijken[wijken.wijkcode.str.match(r"^WK0363A[A-K]$")].sort_values("wijkcode").copy()
    ams["geometry"] = ams.geometry.simplify(20)
    suffix = ams.wijkcode.str[6:8]
    b = gpd.GeoDataFrame({
        "buurtcode": "BU0363" + suffix + "00", "buurtnaam": ams.wijknaam.values, "wijkcode": ams.wijkcode.values,
        "gemeentecode": "GM0363", "gemeentenaam": "Amsterdam", "water": "NEE", "aantal_inwoners": ams.aantal_inwoners.values,
        "percentage_personen_65_jaar_en_ouder": ams.pct_65plus.values, "aantal_huishoudens": ams.aantal_huishoudens.values,
        "omgevingsadressendichtheid": -99999999,  # the older sentinel
        "jaar": 2019,
    }, geometry=ams.geometry.values, crs=ams.crs)
    hq = "f=json&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F28992&limit=1000&gemeentecode=GM0363"
    write("pdok_historisch_buurten_2019_GM0363.json", feature_page(b, base=hbase, collection="buurten_2019", query=hq, first_id=91))
    w = gpd.GeoDataFrame({"wijkcode": ams.wijkcode.values, "wijknaam": ams.wijknaam.values, "gemeentecode": "GM0363",
                          "gemeentenaam": "Amsterdam", "jaar": 2019}, geometry=ams.geometry.values, crs=ams.crs)
    write("pdok_historisch_wijken_2019_GM0363.json", feature_page(w, base=hbase, collection="wijken_2019", query=hq, first_id=11))
    write("pdok_historisch_queryables.json", queryables(hbase, "buurten_2019", ["buurtcode", "gemeentecode"]))

    # The 2016 map as the ATOM feed's GeoPackage would hold it: Schiedam (52 buurten) and Maassluis.
    land = SHARED / "cbs" / "wijkenbuurten_2016_land.gpkg"
    where = "gemeentecode IN ('GM0606', 'GM0556')"
    layers = {}
    for layer in ("buurten", "wijken"):
        frame = gpd.read_file(land, layer=layer, where=where)
        frame["geometry"] = shapely.set_precision(frame.geometry.simplify(8).values, 0.01)
        layers[layer] = json.loads(frame.to_json(drop_id=True))
    write("wijkenbuurten_2016_GM0556_GM0606.geojson.json", {"crs": "EPSG:28992", "layers": layers})


# --- CBS OData v3 (shapes: api/cbs_odata_v3/meta_2, meta_7, meta_8, tables_2) -------------------------

def typed(values: list[str]) -> tuple[str, list]:
    """Datatype and typed values of one column as the TypedDataSet serves them."""
    cells = [v.strip() for v in values]
    filled = [c for c in cells if c not in ("", ".")]

    def number(c):
        try:
            float(c)
            return True
        except ValueError:
            return False

    if not all(number(c) for c in filled):
        return "String", [v if v.strip() else None for v in values]
    if any("." in c for c in filled):
        return "Double", [float(c) if c not in ("", ".") else None for c in cells]
    return "Long", [int(c) if c not in ("", ".") else None for c in cells]


def data_properties(keys: list[str], types: dict[str, str], region: str, table: str, map_year: int) -> dict:
    labels = {}
    with open(ROOT / "sociale_kaart" / "sources" / "kwb_columns.csv", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    for row in csv.DictReader(lines):
        for name in row["odata"].split("|"):
            if name:
                labels[name.lower()] = (row["label"], row["unit"])
    value = [{"Position": 0, "Description": "", "odata.type": "Cbs.OData.GeoDetail", "ParentID": None,
              "Type": "GeoDetail", "Key": region, "Title": "Wijken en buurten", "ID": 0, "MapYear": map_year,
              "ReleasePolicy": None}]
    value.append({"Position": None, "Description": None, "odata.type": "Cbs.OData.TopicGroup", "ParentID": None,
                  "Type": "TopicGroup", "Key": "", "Title": "Regioaanduiding", "ID": 1})
    for i, key in enumerate(keys, 2):
        title, unit = labels.get(key.rsplit("_", 1)[0].lower(), (key.rsplit("_", 1)[0], ""))
        dtype = types[key]
        value.append({"Position": i - 1, "Unit": unit or ("aantal" if dtype != "String" else "omschrijving"),
                      "Decimals": 1 if dtype == "Double" else 0, "odata.type": "Cbs.OData.Topic", "ParentID": 1,
                      "ID": i, "Default": "Missing" if dtype == "String" else "Impossible", "Key": key, "Title": title,
                      "Datatype": dtype, "Description": None, "Type": "Topic"})
    return {"value": value, "odata.metadata": f"https://opendata.cbs.nl/ODataFeed/OData/{table}/$metadata#Cbs.OData.WebAPI.DataProperties"}


def table_infos(table: str, year: int, modified: str) -> dict:
    return {"value": [{"Identifier": table, "ExplanatoryText": "", "Catalog": "CBS", "Period": str(year), "Source": "CBS.",
                       "SearchPriority": "2", "Modified": modified, "ID": 0,
                       "Summary": f"Kerncijfers wijken en buurten {year}", "ReasonDelivery": "Actualisering",
                       "Frequency": "Perjaar", "Title": f"Kerncijfers wijken en buurten {year}", "Language": "nl",
                       "OutputStatus": "Regulier", "ShortTitle": f"Kerncijfers wijken en buurten {year}"}],
            "odata.metadata": f"https://opendata.cbs.nl/ODataFeed/OData/{table}/$metadata#Cbs.OData.WebAPI.TableInfos"}


def typed_page(table: str, rows: list[dict], keys: list[str], types: dict[str, str], region: str) -> dict:
    columns = {k: typed([r.get(k, "") for r in rows])[1] for k in keys}
    value = []
    for i, row in enumerate(rows):
        item = {"ID": i, region: row["Codering_3"].ljust(10)[:10] if "Codering_3" in row else row[region]}
        for k in keys:
            item[k] = columns[k][i]
        value.append(item)
    return {"odata.metadata": f"https://opendata.cbs.nl/ODataFeed/OData/{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet",
            "value": value}


def round5(x: float) -> int:
    return int(5 * round(x / 5))


def kwb_2024_rows() -> tuple[list[str], list[dict], list[dict]]:
    """The 2024 KWB columns, the buurt rows of Maassluis and the gemeente rows (in the buurt table's columns)."""
    with open(SHARED / "kwb" / "kwb_2024_buurten_rijnmond.csv", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        keys = list(reader.fieldnames)
        rows = [r for r in reader if r["Codering_3"].startswith("BU0556")]
    with open(SHARED / "kwb" / "kwb_2024_gemeenten.csv", encoding="utf-8") as handle:
        gemeenten = [{k: r[k] for k in keys} for r in csv.DictReader(handle, delimiter=";")]
    return keys, rows, gemeenten


def cbs() -> None:
    keys, rows, gemeenten = kwb_2024_rows()
    pick = ("GM0556", "GM0606", "GM0622", "GM0599", "GM0363", "GM1992", "GM0014", "GM0034", "GM0502", "GM0489")
    chosen = [r for r in gemeenten if r["Codering_3"].strip() in pick]
    types = {k: typed([r[k] for r in rows + gemeenten])[0] for k in keys}
    write("cbs_v3_85984NED_TableInfos.json", table_infos("85984NED", 2024, "2025-03-28T02:00:00"))
    write("cbs_v3_85984NED_DataProperties.json", data_properties(keys, types, "WijkenEnBuurten", "85984NED", 2024))
    maassluis = [r for r in gemeenten if r["Codering_3"].strip() == "GM0556"] + rows
    write("cbs_v3_85984NED_TypedDataSet_GM0556.json", typed_page("85984NED", maassluis, keys, types, "WijkenEnBuurten"))
    write("cbs_v3_85984NED_TypedDataSet_gemeenten.json", typed_page("85984NED", chosen, keys, types, "WijkenEnBuurten"))

    # 2016 (83487NED), Schiedam: the 2015 map's attributes as OData rows (suffixes of 83487NED not verified).
    keys16 = ["Gemeentenaam_1", "SoortRegio_2", "Codering_3", "IndelingswijzigingWijkenEnBuurten_4", "AantalInwoners_5",
              "k_0Tot15Jaar_8", "k_15Tot25Jaar_9", "k_25Tot45Jaar_10", "k_45Tot65Jaar_11", "k_65JaarOfOuder_12",
              "HuishoudensTotaal_28", "PersonenPerSoortUitkeringBijstand_76", "PersonenautoSTotaal_81"]
    with open(SHARED / "kwb" / "kwb_2015_buurten_wbkaart.csv", encoding="utf-8") as handle:
        old = [r for r in csv.DictReader(handle, delimiter=";") if r["GM_CODE"] == "GM0606"]

    def count(r, pct):
        inw, p = float(r["AANT_INW"]), float(r[pct])
        return "" if inw < 0 or p < 0 else str(round5(inw * p / 100))

    rows16 = []
    for r in old:
        missing = lambda k: "" if float(r[k]) <= -99990 else str(int(float(r[k])))  # noqa: E731
        rows16.append({"Gemeentenaam_1": "Schiedam".ljust(40), "SoortRegio_2": "Buurt     ", "Codering_3": r["BU_CODE"],
                       "IndelingswijzigingWijkenEnBuurten_4": "1", "AantalInwoners_5": missing("AANT_INW"),
                       "k_0Tot15Jaar_8": count(r, "P_00_14_JR"), "k_15Tot25Jaar_9": count(r, "P_15_24_JR"),
                       "k_25Tot45Jaar_10": count(r, "P_25_44_JR"), "k_45Tot65Jaar_11": count(r, "P_45_64_JR"),
                       "k_65JaarOfOuder_12": count(r, "P_65_EO_JR"), "HuishoudensTotaal_28": missing("AANTAL_HH"),
                       "PersonenPerSoortUitkeringBijstand_76": missing("WWB_UITTOT"), "PersonenautoSTotaal_81": missing("AUTO_TOT")})
    types16 = {k: typed([r[k] for r in rows16])[0] for k in keys16}
    write("cbs_v3_83487NED_DataProperties.json", data_properties(keys16, types16, "WijkenEnBuurten", "83487NED", 2016))
    write("cbs_v3_83487NED_TypedDataSet_GM0606.json", typed_page("83487NED", rows16, keys16, types16, "WijkenEnBuurten"))

    # 2019 (84583NED), Amsterdam: the ten 2024 wijken standing in for buurten (see pdok()).
    wijken = gpd.read_file(SHARED / "cbs" / "wijken_2024_simplified.gpkg", layer="wijken", ignore_geometry=True)
    ams = wijken[wijken.wijkcode.str.match(r"^WK0363A[A-K]$")].sort_values("wijkcode")
    keys19 = ["Gemeentenaam_1", "SoortRegio_2", "Codering_3", "AantalInwoners_5", "k_65JaarOfOuder_12",
              "HuishoudensTotaal_28", "WmoClienten_98"]
    rows19 = [{"Gemeentenaam_1": "Amsterdam".ljust(40), "SoortRegio_2": "Buurt     ", "Codering_3": f"BU0363{w.wijkcode[6:8]}00",
               "AantalInwoners_5": str(int(w.aantal_inwoners)), "k_65JaarOfOuder_12": str(round5(w.aantal_inwoners * w.pct_65plus / 100)),
               "HuishoudensTotaal_28": str(int(w.huishoudens)), "WmoClienten_98": ""} for w in ams.itertuples()]
    types19 = {k: typed([r[k] for r in rows19])[0] for k in keys19}
    types19["WmoClienten_98"] = "Long"
    write("cbs_v3_84583NED_DataProperties.json", data_properties(keys19, types19, "WijkenEnBuurten", "84583NED", 2019))
    write("cbs_v3_84583NED_TypedDataSet_GM0363.json", typed_page("84583NED", rows19, keys19, types19, "WijkenEnBuurten"))

    # OData v4 (shapes: api/cbs_odata_v4/meta_3..7): the known KWB measures of Maassluis 2024 in long form.
    statline = {}
    with open(ROOT / "sociale_kaart" / "sources" / "kwb_columns.csv", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    for row in csv.DictReader(lines):
        if row["statline"] and row["odata"] and row["kind"] not in ("code", "text"):
            for name in row["odata"].split("|"):
                statline[name.lower()] = (row["statline"].split("|")[0], row["unit"])
    measures, groups = [], {}
    for key in keys:
        base_name = key.rsplit("_", 1)[0].lower()
        if base_name in statline:
            path_, unit = statline[base_name]
            *parents, title = path_.split("/")
            parent = None
            for depth in range(len(parents)):
                label = "/".join(parents[: depth + 1])
                if label not in groups:
                    groups[label] = {"Id": str(len(groups) + 1), "Description": None, "ParentId": parent,
                                     "Index": len(groups), "Title": parents[depth]}
                parent = groups[label]["Id"]
            measures.append((key, {"DataType": "Long" if types[key] == "Long" else "Float", "Identifier": f"M{len(measures) + 1:06d}",
                                   "Description": "", "Unit": unit, "Format": None, "MeasureGroupId": parent,
                                   "Decimals": 1 if types[key] == "Double" else 0, "PresentationType": "Absolute",
                                   "Index": len(measures) + 1, "Title": title}))
    ctx = "https://datasets.cbs.nl/odata/v1/CBS/85984NED/$metadata"
    write("cbs_v4_85984NED_Properties.json", {"Identifier": "85984NED", "Catalog": "CBS", "VersionReason": "Actualisering",
                                              "ContactPoint": "infoservice@cbs.nl", "Version": "202503280200",
                                              "@odata.context": f"{ctx}#Properties", "Status": "Regulier",
                                              "Title": "Kerncijfers wijken en buurten 2024", "Language": "nl"})
    write("cbs_v4_85984NED_MeasureCodes.json", {"@odata.context": f"{ctx}#MeasureCodes", "value": [m for _, m in measures]})
    write("cbs_v4_85984NED_MeasureGroups.json", {"@odata.context": f"{ctx}#MeasureGroups", "value": list(groups.values())})
    observations = []
    for row in maassluis:
        code = row["Codering_3"].strip()
        for key, m in measures:
            cell = row[key].strip()
            filled = cell not in ("", ".")
            value = (float(cell) if "." in cell else int(cell)) if filled else None
            observations.append({"Id": len(observations), "Value": value, "Measure": m["Identifier"],
                                 "WijkenEnBuurten": code, "ValueAttribute": "None" if filled else "Impossible"})
    write("cbs_v4_85984NED_Observations_GM0556.json", {"@odata.context": f"{ctx}#Observations", "value": observations})


# --- Politie 47018NED via CBS (shape: OData v3 feed; rows from ../shared/geodata/veiligheid) ----------------

def politie() -> None:
    folder = SHARED / "veiligheid"

    def rows(name):
        with open(folder / name, encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def num(v):
        if v in ("", None):
            return None
        try:
            return int(v)
        except ValueError:
            return v

    props = []
    for r in rows("politie_47018NED_DataProperties.csv"):
        item = {k: (num(v) if k in ("ID", "Position", "ParentID", "MapYear", "Decimals")
                    else v if v != "" or k in ("Key", "Title") else None) for k, v in r.items()}
        item["ReleasePolicy"] = {"FALSE": False, "TRUE": True}.get(r["ReleasePolicy"])
        props.append(item)
    meta = "https://dataderden.cbs.nl/ODataFeed/OData/47018NED/$metadata#Cbs.OData.WebAPI."
    write("politie_47018NED_DataProperties.json", {"value": props, "odata.metadata": meta + "DataProperties"})
    periods = [{"Key": r["Key"], "Title": r["Title"], "Description": r["Description"] or None, "Status": r["Status"]}
               for r in rows("politie_47018NED_Perioden.csv")]
    write("politie_47018NED_Perioden.json", {"value": periods, "odata.metadata": meta + "Perioden"})
    data = [r for r in rows("politie_47018NED_2023_totaal_rijnmond.csv") if r["WijkenEnBuurten"][:6] in ("BU0556", "BU0606")]
    value = [{"ID": int(r["ID"]), "SoortMisdrijf": r["SoortMisdrijf"], "WijkenEnBuurten": r["WijkenEnBuurten"],
              "Perioden": r["Perioden"], "GeregistreerdeMisdrijven_1": num(r["GeregistreerdeMisdrijven_1"]),
              "Gemeentenaam_2": r["Gemeentenaam_2"], "SoortRegio_3": r["SoortRegio_3"]} for r in data]
    write("politie_47018NED_TypedDataSet.json", {"odata.metadata": meta + "TypedDataSet", "value": value})


# --- 2026 and the catalogue (constructed on the 2024 figures: the 2026 values are not in ../shared) ---------

def kwb_2026_key(key: str) -> list[str]:
    """The 86358NED key of a 85984NED key: 65+ split in 65-80 and 80+, the later suffixes one higher."""
    stem, number = key.rsplit("_", 1)
    n = int(number)
    if stem == "k_65JaarOfOuder":
        return ["k_65JaarTot80Jaar_12", "k_80JaarOfOuder_13"]
    return [f"{stem}_{n + 1 if n > 12 else n}"]


def split_65(value: str) -> tuple[str, str]:
    """65+ split into 65-80 and 80+ (80+ = 30 % rounded to 5; the rest 65-80): invented, sums kept."""
    if value.strip() in ("", "."):
        return "", ""
    total = int(float(value))
    old = round5(total * 0.3)
    return str(total - old), str(old)


def kwb2026() -> None:
    keys, rows, gemeenten = kwb_2024_rows()
    wijken = gpd.read_file(SHARED / "cbs" / "wijken_2024_simplified.gpkg", layer="wijken", ignore_geometry=True)
    wijk_rows = []
    for w in wijken[wijken.gemeentecode == "GM0556"].sort_values("wijkcode").itertuples():
        row = {k: "" for k in keys}
        row.update({"Gemeentenaam_1": "Maassluis".ljust(40), "SoortRegio_2": "Wijk      ", "Codering_3": w.wijkcode,
                    "AantalInwoners_5": str(int(w.aantal_inwoners)),
                    "k_65JaarOfOuder_12": str(round5(w.aantal_inwoners * w.pct_65plus / 100)),
                    "HuishoudensTotaal_29": str(int(w.huishoudens))})
        wijk_rows.append(row)
    keys26 = [k2 for k in keys for k2 in kwb_2026_key(k)]

    def convert(r):
        out = {}
        for k in keys:
            if k == "k_65JaarOfOuder_12":
                out["k_65JaarTot80Jaar_12"], out["k_80JaarOfOuder_13"] = split_65(r[k])
            else:
                out[kwb_2026_key(k)[0]] = r[k]
        out["Codering_3"] = r["Codering_3"]
        return out

    pick = ("GM0556", "GM0606", "GM0622", "GM0599", "GM0363", "GM1992", "GM0014", "GM0034", "GM0502", "GM0489")
    chosen = [convert(r) for r in gemeenten if r["Codering_3"].strip() in pick]
    maassluis = [convert(r) for r in gemeenten if r["Codering_3"].strip() == "GM0556"] + [convert(r) for r in wijk_rows + rows]
    everything = [convert(r) for r in rows + gemeenten]
    types = {k: typed([r[k] for r in everything])[0] for k in keys26}
    write("cbs_v3_86358NED_DataProperties.json", data_properties(keys26, types, "WijkenEnBuurten", "86358NED", 2026))
    write("cbs_v3_86358NED_TableInfos.json", table_infos("86358NED", 2026, "2026-11-27T02:00:00"))
    write("cbs_v3_86358NED_TypedDataSet_GM0556.json", typed_page("86358NED", maassluis, keys26, types, "WijkenEnBuurten"))
    write("cbs_v3_86358NED_TypedDataSet_gemeenten.json", typed_page("86358NED", chosen, keys26, types, "WijkenEnBuurten"))


KWB_IDS = {2013: "82339NED", 2014: "82931NED", 2015: "83220NED", 2016: "83487NED", 2017: "83765NED",
           2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED", 2022: "85318NED",
           2023: "85618NED", 2024: "85984NED", 2025: "86165NED", 2026: "86358NED"}


def catalog() -> None:
    """The catalogue's table list (shape: api/cbs_odata_v3/tables_1.json), KWB entries and two others."""
    with open(SHARED / "api" / "cbs_odata_v3" / "tables_1.json", encoding="utf-8") as handle:
        real = json.load(handle)["value"]
    fields = list(real[0])

    def entry(ident, title, period, modified, i):
        item = dict(real[0])
        item.update({"Identifier": ident, "Title": title, "ShortTitle": title, "Period": period, "Modified": modified,
                     "Updated": modified, "MetaDataModified": modified, "ID": i, "OutputStatus": "Regulier",
                     "FeedUrl": f"https://opendata.cbs.nl/ODataFeed/OData/{ident}", "Summary": "", "ShortDescription": "",
                     "Catalog": "CBS", "Language": "nl", "Frequency": "Perjaar", "RecordCount": 0, "ColumnCount": 0})
        return {k: item[k] for k in fields}

    value = [entry("70904NED", "Kerncijfers wijken en buurten 2009-2012", "2009-2012", "2014-03-21T02:00:00", 0)]
    for i, (year, ident) in enumerate(KWB_IDS.items(), 1):
        value.append(entry(ident, f"Kerncijfers wijken en buurten {year}", str(year), f"{year + 1}-06-30T02:00:00", i))
    value += [dict(real[0]), dict(real[1])]  # two other tables, as the unfiltered list has them
    write("cbs_catalog_tables.json", {"value": value, "odata.metadata": "https://opendata.cbs.nl/ODataCatalog/$metadata#Tables"})


def leefbaarometer_live() -> None:
    """The Leefbaarometer answer in the live shape (api/leefbaarometer/): the buurtcode in ``id``."""
    with open(SHARED / "veiligheid" / "leefbaarometer3_buurtscore24_rijnmond.csv", encoding="utf-8") as handle:
        data = [r for r in csv.DictReader(handle, delimiter=";") if r["bu_code"][:6] in ("BU0556", "BU0606")]
    order = ["gemeente", "name", "id", "scale", "kscore", "kafw", "kfys", "konv", "ksoc", "kvrz", "kwon",
             "afw", "fys", "onv", "soc", "vrz", "won", "year"]
    features = []
    for i, r in enumerate(data, 4001):
        value = {"gemeente": r["gemeente"], "name": r["bu_naam"], "id": r["bu_code"], "scale": "buurt", "year": "2024"}
        for k in order:
            if k not in value:
                v = r[k]
                value[k] = None if v == "" else (int(v) if v.lstrip("-").isdigit() else float(v))
        features.append({"type": "Feature", "id": f"buurtscore24.{i}", "geometry": None, "geometry_name": "geom",
                         "properties": {k: value[k] for k in order}})
    write("leefbaarometer_buurtscore24.json", {"type": "FeatureCollection", "features": features,
                                                  "totalFeatures": len(features), "numberMatched": len(features),
                                                  "numberReturned": len(features),
                                                  "timeStamp": "2026-02-15T09:00:00.000Z", "crs": None})


def overlast() -> None:
    """47024NED in the shape of 47018NED (a table per month): INVENTED codes and counts on Maassluis' buurten."""
    meta = "https://dataderden.cbs.nl/ODataFeed/OData/47024NED/$metadata#Cbs.OData.WebAPI."
    with open(HERE / "politie_47018NED_DataProperties.json", encoding="utf-8") as handle:
        props = json.load(handle)["value"]
    for p in props:
        if p["Key"] == "SoortMisdrijf":
            p.update(Key="Overlast", Title="Overlast")
        if p["Key"] == "GeregistreerdeMisdrijven_1":
            p.update(Key="GeregistreerdeOverlast_1", Title="Geregistreerde overlast")
    write("politie_47024NED_DataProperties.json", {"value": props, "odata.metadata": meta + "DataProperties"})
    months = [f"{y}MM{m:02d}" for y in (2024, 2025) for m in range(1, 13)][:-2]  # to 2025MM10
    write("politie_47024NED_Perioden.json", {"value": [{"Key": k, "Title": f"{k[:4]} {k[6:]}", "Description": None,
                                                        "Status": "Voorlopig" if k.startswith("2025") else "Definitief"}
                                                       for k in months], "odata.metadata": meta + "Perioden"})
    codes = [("A00   ", "Overlast, totaal"), ("A10   ", "Overlast jeugd")]
    write("politie_47024NED_Overlast.json", {"value": [{"Key": k, "Title": t, "Description": None, "CategoryGroupID": None}
                                                       for k, t in codes], "odata.metadata": meta + "Overlast"})
    with open(HERE / "politie_47018NED_TypedDataSet.json", encoding="utf-8") as handle:
        buurten = [r["WijkenEnBuurten"] for r in json.load(handle)["value"] if r["WijkenEnBuurten"].startswith("BU0556")]
    value, i = [], 1
    for n, code in enumerate(buurten):
        for period in months:
            for key, _title in codes:
                count = None if (n == 3 and period == "2024MM07") else (n * 7 + int(period[-2:]) * 3 + len(key.strip())) % 23
                value.append({"ID": i, "Overlast": key, "WijkenEnBuurten": code, "Perioden": period,
                              "GeregistreerdeOverlast_1": count, "Gemeentenaam_2": "Maassluis".ljust(30),
                              "SoortRegio_3": "Buurt   "})
                i += 1
    write("politie_47024NED_TypedDataSet.json", {"odata.metadata": meta + "TypedDataSet", "value": value})


if __name__ == "__main__":
    if not (SHARED / "cbs").is_dir():
        sys.exit(f"../shared niet gevonden: {SHARED}")
    pdok()
    cbs()
    politie()
    kwb2026()
    catalog()
    leefbaarometer_live()
    overlast()
