"""User-interface text in the two page languages (Japanese first, English second)."""

from __future__ import annotations

from webapp.i18n import LANGS as LANGS
from webapp.i18n import Lang as Lang

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
        "nav_search": "区画をさがす",
        "nav_map": "地図",
        "search_title": "条件に合う区画をさがす",
        "search_intro": (
            "事業の条件を入力すると、条件に合う区画と助成金の概算を表示します。"
            "企業名は入力不要です(匿名で利用できます)。"
        ),
        "section_business": "事業",
        "section_land": "用地",
        "section_investment": "投資額 (円)",
        "section_hires": "雇用 (人)",
        "section_access": "所要時間の上限 (分)",
        "section_other": "その他",
        "f_industry": "業種",
        "f_project": "新設 / 増設",
        "f_origin": "立地元",
        "f_hq_functions": "本社機能の移転・拡充を含む",
        "f_land_m2_min": "面積 下限 (m²)",
        "f_land_m2_max": "面積 上限 (m²)",
        "f_investment_land": "土地取得費",
        "f_investment_building": "建物建設費",
        "f_investment_equipment": "設備取得費",
        "f_new_hires": "新規雇用者",
        "f_new_hires_residents": "うち金沢市民",
        "f_new_hires_from_outside_prefecture": "うち県外から",
        "f_regular_employees": "常時雇用者 (事業後)",
        "f_max_minutes_interchange": "IC まで",
        "f_max_minutes_port": "金沢港 まで",
        "f_max_minutes_airport": "小松空港 まで",
        "f_max_minutes_station": "金沢駅 まで",
        "f_needs_groundwater": "地下水が必要",
        "f_operational_by": "着工希望日 (この日までに利用可能)",
        "f_as_of": "基準日",
        "choose": "選択してください",
        "submit_search": "さがす",
        "searching": "検索中…",
        "problems_title": "入力内容を確認してください",
        "request_failed": "検索できませんでした",
        "results_title": "条件に合う区画",
        "near_misses_title": "あと一歩の区画 (条件を1つ満たさない)",
        "planned_title": "分譲予定の区画",
        "notes_title": "注記",
        "no_results": "該当なし",
        "lots_label": "区画",
        "assembled_label": "隣接区画をまとめた用地",
        "score_label": "評価点",
        "checks_label": "条件",
        "grants_label": "助成金の概算",
        "grant_city": "市",
        "grant_prefecture": "県",
        "up_to_prefix": "",
        "up_to_suffix": "以内",
        "up_to_note": "「以内」: 助成率は上限で、実際の額はこれより少ないことがあります。",
        "amount_unknown_note": "ほかに額が不明の制度: {n} 件",
        "net_land_cost_label": "正味土地代",
        "price_not_public": "分譲価格は公表されていません",
        "pitch_link": "提案書",
        "illustrative_note": (
            "区画割りは例示です(市は公式の区画図を公表していません)。面積と形は参考値です。"
        ),
        "assumed_speeds_note": (
            "所要時間は道路種別ごとの想定速度で計算した目安です(実測ではありません)。"
        ),
        "minutes_unit": "分",
        "no_data": "不明",
        "map_label": "区画の地図",
        "available_from_label": "分譲開始",
        "pitch_title": "区画のご提案",
        "pitch_produced": "作成日",
        "pitch_as_of": "基準日",
        "pitch_lot": "区画",
        "pitch_park": "工業団地",
        "pitch_illustrative_reason": "例示の理由",
        "pitch_access": "交通拠点までの所要時間",
        "pitch_access_note": "想定速度による目安の所要時間(最寄りの拠点)",
        "pitch_park_facts": "団地の概要",
        "pitch_targets": "対象業種",
        "pitch_groundwater": "地下水",
        "groundwater_good": "良好",
        "pitch_occupants": "立地企業 (公表分)",
        "pitch_sources": "出典",
        "pitch_profile": "ご計画の条件",
        "pitch_grants": "助成金・優遇制度の概算",
        "pitch_programme": "制度",
        "pitch_eligible": "対象",
        "eligible_yes": "対象",
        "eligible_no": "対象外",
        "eligible_unknown": "不明",
        "pitch_amount": "概算額",
        "pitch_cap": "上限",
        "pitch_formula": "計算式",
        "pitch_reasons": "判定",
        "pitch_totals": "合計 (現金の助成)",
        "pitch_benefits": "税の優遇など (現金ではありません)",
        "pitch_unknown_amount": "額は不明",
        "pitch_contact": "お問い合わせ",
        "pitch_print": "印刷",
        "pitch_disclaimer": (
            "この資料は公開情報にもとづく概算です。助成の可否と額は申請と審査で決まります。"
        ),
        "kind_national": "国",
        "kind_city": "市",
        "kind_prefecture": "県",
        "status_label": "状況",
        "area_label": "面積",
        "phase_label": "期",
        "illustrative_tag": "例示",
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
        "nav_search": "Find a lot",
        "nav_map": "Map",
        "search_title": "Find lots that fit your project",
        "search_intro": (
            "Describe your project to see the lots that fit and an estimate of the grants. "
            "No firm name is asked: the search is anonymous."
        ),
        "section_business": "Business",
        "section_land": "Land",
        "section_investment": "Investment (yen)",
        "section_hires": "Staff (people)",
        "section_access": "Longest acceptable drive (minutes)",
        "section_other": "Other",
        "f_industry": "Industry",
        "f_project": "New site or expansion",
        "f_origin": "Moving from",
        "f_hq_functions": "Includes head-office functions",
        "f_land_m2_min": "Area at least (m²)",
        "f_land_m2_max": "Area at most (m²)",
        "f_investment_land": "Land",
        "f_investment_building": "Building",
        "f_investment_equipment": "Equipment",
        "f_new_hires": "New hires",
        "f_new_hires_residents": "of whom Kanazawa residents",
        "f_new_hires_from_outside_prefecture": "of whom hired from outside Ishikawa",
        "f_regular_employees": "Regular employees after the project",
        "f_max_minutes_interchange": "to an interchange",
        "f_max_minutes_port": "to Kanazawa Port",
        "f_max_minutes_airport": "to Komatsu Airport",
        "f_max_minutes_station": "to Kanazawa Station",
        "f_needs_groundwater": "Needs groundwater",
        "f_operational_by": "Start building by",
        "f_as_of": "As of",
        "choose": "Choose…",
        "submit_search": "Search",
        "searching": "Searching…",
        "problems_title": "Please check the form",
        "request_failed": "The search failed",
        "results_title": "Lots that fit",
        "near_misses_title": "Near misses (one condition not met)",
        "planned_title": "Planned lots",
        "notes_title": "Notes",
        "no_results": "None",
        "lots_label": "Lots",
        "assembled_label": "site assembled from neighbouring lots",
        "score_label": "Score",
        "checks_label": "Conditions",
        "grants_label": "Grant estimate",
        "grant_city": "City",
        "grant_prefecture": "Prefecture",
        "up_to_prefix": "up to ",
        "up_to_suffix": "",
        "up_to_note": "“Up to” (以内): the rates are maxima; the city may grant less.",
        "amount_unknown_note": "plus {n} programme(s) whose amount is unknown",
        "net_land_cost_label": "Net land cost",
        "price_not_public": "price not public",
        "pitch_link": "Pitch sheet",
        "illustrative_note": (
            "Lot layouts are illustrative (the city publishes no official lot plan); areas and "
            "shapes are estimates."
        ),
        "assumed_speeds_note": (
            "Drive times are estimates from assumed speeds per road class, not measurements."
        ),
        "minutes_unit": "min",
        "no_data": "unknown",
        "map_label": "Map of the lots",
        "available_from_label": "On sale from",
        "pitch_title": "Site proposal",
        "pitch_produced": "Produced on",
        "pitch_as_of": "As of",
        "pitch_lot": "Lot",
        "pitch_park": "Industrial park",
        "pitch_illustrative_reason": "Why illustrative",
        "pitch_access": "Drive time to the nearest destinations",
        "pitch_access_note": "Estimated drive minutes at assumed speeds (nearest of each kind)",
        "pitch_park_facts": "The park",
        "pitch_targets": "Target industries",
        "pitch_groundwater": "Groundwater",
        "groundwater_good": "good",
        "pitch_occupants": "Occupants (where public)",
        "pitch_sources": "Sources",
        "pitch_profile": "Your project",
        "pitch_grants": "Grants and incentives (estimate)",
        "pitch_programme": "Programme",
        "pitch_eligible": "Eligible",
        "eligible_yes": "yes",
        "eligible_no": "no",
        "eligible_unknown": "unknown",
        "pitch_amount": "Amount",
        "pitch_cap": "Cap",
        "pitch_formula": "Formula",
        "pitch_reasons": "Reasons",
        "pitch_totals": "Totals (cash grants)",
        "pitch_benefits": "Tax measures and other benefits (not cash)",
        "pitch_unknown_amount": "amount unknown",
        "pitch_contact": "Contact",
        "pitch_print": "Print",
        "pitch_disclaimer": (
            "This sheet is an estimate from public sources. Whether a grant is paid, and how "
            "much, is decided on application and review."
        ),
        "kind_national": "National",
        "kind_city": "City",
        "kind_prefecture": "Prefecture",
        "status_label": "Status",
        "area_label": "Area",
        "phase_label": "Phase",
        "illustrative_tag": "illustrative",
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


CHOICE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "industry": {
        "manufacturing": ("一般製造業", "General manufacturing"),
        "high_tech_manufacturing": ("高度技術製品製造業", "High-tech manufacturing"),
        "logistics_transport": ("運輸業 (物流施設)", "Transport with a logistics facility"),
        "logistics_wholesale": ("卸売業 (物流施設)", "Wholesale with a logistics facility"),
        "research": ("自然科学研究所・試験研究", "Natural-science research laboratory"),
        "software": ("ソフトウェア・情報処理業", "Software and information processing"),
        "design": ("デザイン業", "Design"),
        "engineering": ("機械設計・エンジニアリング業", "Machine design and engineering"),
    },
    "project": {
        "new_site": ("新設", "New site"),
        "expansion": ("増設", "Expansion"),
        "acquisition": ("取得 (既存の工場・用地)", "Acquisition of an existing site"),
    },
    "origin": {
        "outside_prefecture": ("県外から", "From outside Ishikawa"),
        "inside_prefecture": ("県内 (市外) から", "From elsewhere in Ishikawa"),
        "inside_city": ("金沢市内", "Already in Kanazawa"),
    },
}
"""Japanese and English labels of the firm profile's enumerations (firm-profile.schema.json)."""


def choice_label(field: str, value: str, lang: Lang) -> str:
    """Return the label of one enumeration value of a profile field (the value if unknown).

    Parameters
    ----------
    field
        ``"industry"``, ``"project"`` or ``"origin"``.
    value
        The schema value, e.g. ``"manufacturing"``.
    lang
        ``"ja"`` or ``"en"``.
    """
    labels = CHOICE_LABELS.get(field, {}).get(value)
    if labels is None:
        return value
    return labels[0] if lang == "ja" else labels[1]
