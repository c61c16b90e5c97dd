"""The sources and licences page's data: every dataset behind the app, its licence and credit.

Credits are quoted as their licences ask (most are Japanese or proper names); what each
source is used for is translated. ``shared/data/SOURCES.md`` holds the measured details.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from parks.data import Layers


@dataclass(frozen=True)
class DataSource:
    """One dataset: what it gives the app, its credit line, licence and where it is from."""

    key: str
    title: str
    used_for: str
    credit: str
    licence: str
    url: str | None = None
    layers: tuple[str, ...] = ()


def data_sources(layers: Layers, lang: str) -> list[DataSource]:  # noqa: ARG001 - lang via gettext
    """Return every dataset the app draws on, in the page language."""
    return [
        DataSource(
            "osm",
            _("Roads, water and land use"),
            _("The basemap, the road network for drive times, and the park outlines."),
            "© OpenMapTiles © OpenStreetMap contributors",
            "ODbL 1.0 / CC BY 4.0",
            "https://www.openstreetmap.org/copyright",
            ("roads", "water", "parks"),
        ),
        DataSource(
            "ksj-n03",
            _("Municipal boundaries"),
            _("The city boundary on the maps."),
            "「国土数値情報（行政区域データ）（国土交通省）」",
            _(
                "Terms of the National Land Numerical Information service (compatible with CC BY 4.0)"
            ),
            "https://nlftp.mlit.go.jp/ksj/",
            ("boundary",),
        ),
        DataSource(
            "ksj-n06",
            _("Expressway interchanges and sections"),
            _("The interchanges the drive times go to, and the expressway in the road network."),
            "「国土数値情報（高速道路時系列データ）（国土交通省）」",
            "CC BY-SA 3.0",
            "https://nlftp.mlit.go.jp/ksj/",
            ("destinations", "expressways"),
        ),
        DataSource(
            "rail",
            _("Railway lines and stations"),
            _("Rail on the maps and Kanazawa Station as a destination."),
            "鉄道駅LOD（「国土数値情報（鉄道データ）（国土交通省）」より作成）",
            _("Terms of the National Land Numerical Information service"),
            "https://nlftp.mlit.go.jp/ksj/",
            ("rail", "stations"),
        ),
        DataSource(
            "geolonia",
            _("Town points"),
            _("Where each park is (the town it lies in), used to place the derived outlines."),
            "「Geolonia 住所データ（出典: 国土交通省 位置参照情報ダウンロードサービス）」",
            "CC BY 4.0",
            "https://github.com/geolonia/japanese-addresses",
            ("parks",),
        ),
        DataSource(
            "estat",
            _("Census small areas (2015)"),
            _("Population around the parks for the planners' labour-shed figures."),
            "「政府統計の総合窓口（e-Stat）国勢調査 小地域集計」（総務省統計局）",
            _("Government of Japan Standard Terms of Use (compatible with CC BY 4.0)"),
            "https://www.e-stat.go.jp/",
        ),
        DataSource(
            "jaxa",
            _("Land use and land cover (250 m)"),
            _("Land cover in the planners' suitability assessment."),
            "JAXA 高解像度土地利用土地被覆図 v23.12",
            _("JAXA terms of use (free use with credit)"),
            "https://www.eorc.jaxa.jp/ALOS/jp/dataset/lulc_j.htm",
        ),
        DataSource(
            "facts",
            _("Park facts and sales history"),
            _(
                "Saleable areas, phases, target industries, occupants and dated sales figures, "
                "from the city's manufacturing strategy (March 2021) and press reports. Which "
                "lot sold when is inferred where a report gives only counts; lot outlines are "
                "illustrative."
            ),
            "金沢市ものづくり戦略2015（改定版）、北陸工業新聞 ほか",
            _("Facts restated from public documents"),
            None,
            ("parks", "lots", "lot_events"),
        ),
        DataSource(
            "grants",
            _("Location grants and tax measures"),
            _(
                "Rates, caps and conditions of the city, prefecture and national programmes, "
                "from the city's ordinances and the prefecture's pages; figures that only an "
                "aggregator lists are marked unconfirmed."
            ),
            "金沢市例規集、石川県 ほか",
            _("Facts restated from public documents"),
            "https://www.city.kanazawa.ishikawa.jp/reiki/",
        ),
    ]


def layer_sources(layers: Layers) -> dict[str, list[str]]:
    """Return the distinct ``source`` values of each layer (for the provenance table)."""
    out: dict[str, list[str]] = {}
    for name in ("parks", "lots", "destinations", "zones"):
        frame: Any = getattr(layers, name)
        if "source" in frame:
            out[name] = sorted({str(v) for v in frame["source"].dropna()})
    return out
