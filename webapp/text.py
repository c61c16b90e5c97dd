"""User-interface text in the two page languages (Japanese first, English second)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")

ILLUSTRATIVE_LOT_LABEL = "illustrative lot layout / 区画割りは例示"
"""Shown on every lot drawn from a generated (not official) layout, in both languages."""

DERIVED_OUTLINE_LABEL = "derived outline / 推定区域"
"""Shown on every park whose outline was derived rather than published."""

APPROXIMATE_LABEL = "approximate / 概略"
"""Shown on every zone whose outline is approximate."""

ATTRIBUTIONS: tuple[str, ...] = (
    "© OpenMapTiles © OpenStreetMap contributors",
    "国土数値情報（行政区域データ、高速道路時系列データ）（国土交通省）",
    "Geolonia 住所データ（出典: 国土交通省 位置参照情報ダウンロードサービス）",
    "鉄道駅LOD（国土数値情報 鉄道データ由来）",
)
"""Credits for the data drawn on the map (see shared/data/SOURCES.md)."""

_TEXT: dict[Lang, dict[str, str]] = {
    "ja": {
        "title": "金沢市 工業団地 立地マップ",
        "other_lang_name": "English",
        "layer_parks": "工業団地",
        "layer_lots": "区画",
        "layer_destinations": "交通拠点",
        "layer_zones": "助成対象区域",
        "layer_roads": "道路",
        "layer_water": "水域",
        "layer_rail": "鉄道",
        "layer_boundary": "行政区域",
        "layer_routes": "ルート",
        "layer_isochrones": "到達圏",
        "status_available": "分譲中",
        "status_negotiating": "商談中",
        "status_reserved": "予約済",
        "status_sold": "分譲済",
        "status_planned": "分譲予定",
        "status_unknown": "記録なし",
        "field_park": "工業団地",
        "field_lot_id": "区画ID",
        "field_area_m2": "面積 (m²)",
        "field_status": "状況",
        "field_phase": "期",
        "field_note": "注記",
        "field_saleable_area_m2": "分譲面積 (m²)",
        "field_outline": "区域の作図方法 / 確度",
        "field_name": "名称",
        "field_kind": "種別",
        "field_minutes": "所要時間 (分)",
        "field_destination": "目的地",
        "field_profile": "条件",
        "minutes_range": "団地内の区画で",
        "kind_interchange": "IC",
        "kind_port": "港",
        "kind_airport": "空港",
        "kind_station": "駅",
        "zone_factory_site_zone": "工場適地",
        "zone_priority_promotion_zone": "重点促進区域",
        "zone_city_core_zone": "都心拠点区域",
        "zone_satellite_office_zone": "サテライトオフィス区域",
        "legend_title": "区画の状況",
        "legend_illustrative": "破線の区画は例示",
        "banner_illustrative": (
            "区画割りは例示です。市は公式の区画図を公表していません。区画の形と面積は、"
            "公表された分譲面積から作成した参考値です。"
        ),
        "as_of_label": "時点",
        "as_of_submit": "表示",
        "as_of_showing": "{date} 時点の区画状況",
        "as_of_build": "データ作成時点の区画状況",
        "attribution_title": "出典",
        "error_title": "エラー",
    },
    "en": {
        "title": "Kanazawa industrial parks: siting map",
        "other_lang_name": "日本語",
        "layer_parks": "Industrial parks",
        "layer_lots": "Lots",
        "layer_destinations": "Destinations",
        "layer_zones": "Grant zones",
        "layer_roads": "Roads",
        "layer_water": "Water",
        "layer_rail": "Rail",
        "layer_boundary": "Boundary",
        "layer_routes": "Routes",
        "layer_isochrones": "Drive-time areas",
        "status_available": "Available",
        "status_negotiating": "Negotiating",
        "status_reserved": "Reserved",
        "status_sold": "Sold",
        "status_planned": "Planned",
        "status_unknown": "No record on this date",
        "field_park": "Park",
        "field_lot_id": "Lot id",
        "field_area_m2": "Area (m²)",
        "field_status": "Status",
        "field_phase": "Phase",
        "field_note": "Note",
        "field_saleable_area_m2": "Saleable area (m²)",
        "field_outline": "Outline method / confidence",
        "field_name": "Name",
        "field_kind": "Kind",
        "field_minutes": "Drive minutes",
        "field_destination": "Destination",
        "field_profile": "Profile",
        "minutes_range": "park's lots",
        "kind_interchange": "Interchange",
        "kind_port": "Port",
        "kind_airport": "Airport",
        "kind_station": "Station",
        "zone_factory_site_zone": "Factory site zone",
        "zone_priority_promotion_zone": "Priority promotion zone",
        "zone_city_core_zone": "City core zone",
        "zone_satellite_office_zone": "Satellite office zone",
        "legend_title": "Lot status",
        "legend_illustrative": "dashed lots are illustrative",
        "banner_illustrative": (
            "Lot layouts are illustrative: the city publishes no official lot plan. Lot shapes "
            "and areas are estimates made from the published saleable areas."
        ),
        "as_of_label": "As of",
        "as_of_submit": "Show",
        "as_of_showing": "Lot status as of {date}",
        "as_of_build": "Lot status as of the data build",
        "attribution_title": "Data",
        "error_title": "Error",
    },
}


def text(lang: Lang) -> dict[str, str]:
    """Return the UI strings of one language.

    Parameters
    ----------
    lang
        ``"ja"`` or ``"en"``.

    Returns
    -------
    dict
        Key to display string.
    """
    return _TEXT[lang]
