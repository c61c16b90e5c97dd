"""Step 4 — zones: the subsidy-relevant zones drawn from what the grant texts say (approximate)."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import LineString

from geo.crs import METRIC_CRS, WEB_CRS

ORDINANCE_URL = "https://www.city.kanazawa.ishikawa.jp/reiki/reiki_honbun/a400RG00000437.html"
STRATEGY = "金沢市ものづくり戦略2015（改定版）, 金沢市 経済局 商工業振興課, 2021-03, section 2-4 (2) and 5-1"
HQ_GRANT_URL = "https://shikin.yayoi-kk.co.jp/search/y17812"
SATELLITE_URL = (
    "https://biz.stayway.jp/hojyo_detail/hojyo_area/%e7%9f%b3%e5%b7%9d%e7%9c%8c/791/page/6"
)

FACTORY_SITE_GRANTS = (
    "kanazawa_kigyo_ricchi_joseikin",
    "kanazawa_honsha_kino_kyoka",
    "kanazawa_kogyo_danchi_soki_sogyo",
)
PRIORITY_ZONE_GRANTS = ("national_chiiki_mirai_toshi_zeisei",)

# Town points (Geolonia) that trace the central axis and the station-west axis.
CITY_CORE_AXIS = ("武蔵町", "南町", "香林坊一丁目", "片町一丁目")
STATION_WEST_AXIS = ("駅西本町一丁目", "鞍月東一丁目", "鞍月一丁目")


def build_zones(
    parks: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Return the zones layer (EPSG:4326).

    No zone boundary is published as GIS data, so each zone is drawn from what the sources
    say: the parks are factory sites (工場適地) and lie in the priority promotion zone
    (city strategy 2021-03), so those zones follow the derived park outlines; the city-core
    and satellite-office zones are buffers around the central axes named by the grant texts.
    """
    pm = parks.to_crs(METRIC_CRS)
    rows: list[dict[str, Any]] = []
    for _, park in pm.iterrows():
        grants = list(FACTORY_SITE_GRANTS)
        if park["park_id"] == "techno-park":
            grants.append("kanazawa_techno_park_grant")
        rows.append(
            _zone(
                f"factory-site/{park['park_id']}",
                "factory_site_zone",
                f"工場適地 ({park['name_ja']})",
                f"Factory site zone ({park['name_en']})",
                grants,
                park["park_id"],
                park.geometry.buffer(30),
                f"{ORDINANCE_URL} (art. 2(3): 特定地区 = 工場適地); {STRATEGY}",
                "follows the derived park outline plus 30 m; the designated 工場適地 boundary is not public",
            )
        )
        rows.append(
            _zone(
                f"priority-promotion/{park['park_id']}",
                "priority_promotion_zone",
                f"重点促進区域 ({park['name_ja']})",
                f"Priority promotion zone ({park['name_en']})",
                list(PRIORITY_ZONE_GRANTS),
                park["park_id"],
                park.geometry.buffer(60),
                f"{STRATEGY} (the parks are in the priority promotion zone of the Regional Future "
                "Investment Promotion Act)",
                "follows the derived park outline plus 60 m; the zone's boundary is not public",
            )
        )
    towns_m = towns[towns["city"] == "金沢市"].to_crs(METRIC_CRS)
    station = (
        destinations[destinations["id"] == "station-kanazawa"].to_crs(METRIC_CRS).geometry.iloc[0]
    )
    core_axis = LineString([station, *(_town(towns_m, t) for t in CITY_CORE_AXIS)])
    west_axis = LineString([station, *(_town(towns_m, t) for t in STATION_WEST_AXIS)])
    minato = _town(towns_m, "湊四丁目")
    rows.append(
        _zone(
            "city-core",
            "city_core_zone",
            "都心拠点区域 (概略)",
            "City-core zone (approximate)",
            ["kanazawa_honsha_kino_kyoka"],
            None,
            shapely.union(core_axis.buffer(350), minato.buffer(200)),
            f"{HQ_GRANT_URL} (都心拠点区域 of the 金沢市集約都市形成計画, and along the 50 m road in 湊4丁目)",
            "350 m around the station–Musashi–Korinbo–Katamachi axis and 200 m around the 湊四丁目 town "
            "point; the plan's real boundary is not in the sources",
        )
    )
    rows.append(
        _zone(
            "satellite-office",
            "satellite_office_zone",
            "中心市街地・駅西都心軸業務機能集積促進区域 (概略)",
            "Satellite-office zones: city centre and station-west axis (approximate)",
            ["kanazawa_satellite_office"],
            None,
            shapely.union(core_axis.buffer(400), west_axis.buffer(300)),
            f"{SATELLITE_URL}; {STRATEGY} (5-1: satellite offices on the city's central axis)",
            "400 m around the central axis and 300 m around the station-west axis to the prefectural "
            "office; the real boundaries are not in the sources",
        )
    )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
    frame["geometry"] = frame.geometry.simplify(2.0)
    return frame.to_crs(WEB_CRS)


def _town(towns: gpd.GeoDataFrame, name: str) -> shapely.Point:
    rows = towns[(towns["town"] == name) & (towns["level"] == "town")]
    if rows.empty:
        msg = f"town point {name!r} not found in the address points"
        raise LookupError(msg)
    return rows.geometry.iloc[0]


def _zone(
    zone_id: str,
    kind: str,
    name_ja: str,
    name_en: str,
    grants: list[str],
    park_id: str | None,
    geom: object,
    source: str,
    note: str,
) -> dict[str, Any]:
    return {
        "zone_id": zone_id,
        "kind": kind,
        "name_ja": name_ja,
        "name_en": name_en,
        "grant_ids": json.dumps(grants),
        "park_id": park_id,
        "source": source,
        "is_approximate": True,
        "approx_note": note,
        "geometry": geom,
    }
