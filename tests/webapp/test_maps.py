"""Map builders: layer names, feature counts, styles and labels on the hand-built layers."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import pandas as pd
import pytest
from folium.utilities import normalize
from shapely.geometry import LineString, Point, Polygon, box

from geo.crs import METRIC_CRS, WEB_CRS
from parks.data import load_layers
from tests import shapes
from webapp.maps import (
    build_map,
    destinations_layer,
    isochrones_layer,
    lot_style,
    lots_layer,
    parks_layer,
    prepare_features,
    render_map,
    roads_layer,
    routes_layer,
    routes_per_park,
    zones_layer,
)
from webapp.text import (
    APPROXIMATE_LABEL,
    ATTRIBUTIONS,
    DERIVED_OUTLINE_LABEL,
    ILLUSTRATIVE_LOT_LABEL,
)


def _geojson(group: folium.FeatureGroup) -> folium.GeoJson:
    children = [c for c in group._children.values() if isinstance(c, folium.GeoJson)]
    assert len(children) == 1
    return children[0]


def _features(group: folium.FeatureGroup) -> list[dict]:
    return _geojson(group).data["features"]


def _by_lot(group: folium.FeatureGroup) -> dict[str, dict]:
    return {f["properties"]["lot_id"]: f for f in _features(group)}


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("available", "#1a9850"),
        ("negotiating", "#fdae61"),
        ("reserved", "#d73027"),
        ("sold", "#7f7f7f"),
        ("planned", "#4575b4"),
    ],
)
def test_lot_style_colours_by_status(status: str, colour: str) -> None:
    style = lot_style(status, is_illustrative=False)
    assert style["fillColor"] == colour
    assert style["color"] == colour
    assert style["dashArray"] is None


@pytest.mark.parametrize("status", [None, "no-such-status"])
def test_lot_without_known_status_is_white(status: str | None) -> None:
    style = lot_style(status, is_illustrative=False)
    assert style["fillColor"] == "#ffffff"
    assert style["color"] == "#555555"


def test_illustrative_lot_is_dashed() -> None:
    assert lot_style("available", is_illustrative=True)["dashArray"]


def test_lots_layer_has_every_lot(shape_layers) -> None:
    group = lots_layer(shape_layers.lots, lang="en")
    assert group.layer_name == "Lots"
    assert sorted(_by_lot(group)) == list(shapes.LOT_IDS)


def test_lots_layer_styles_by_status(shape_layers) -> None:
    geojson = _geojson(lots_layer(shape_layers.lots, lang="en"))
    lots = _by_lot(lots_layer(shape_layers.lots, lang="en"))
    available = geojson.style_function(lots["techno-park/1"])
    planned = geojson.style_function(lots["techno-park/3"])
    assert available["fillColor"] == "#1a9850"
    assert available["dashArray"]  # lot 1 is illustrative
    assert planned["fillColor"] == "#4575b4"
    assert planned["dashArray"] is None  # lot 3 is not


def test_lot_tooltip_labels_illustrative_lots(shape_layers) -> None:
    group = lots_layer(shape_layers.lots, lang="en")
    tooltip = next(c for c in _geojson(group)._children.values())
    lots = _by_lot(group)
    assert tooltip.fields == ["lot_id", "area_m2", "status_label", "phase", "note"]
    assert lots["techno-park/1"]["properties"]["note"] == ILLUSTRATIVE_LOT_LABEL
    assert lots["techno-park/3"]["properties"]["note"] == ""
    # 100 m x 100 m = 10,000 m2, shown with a thousands separator
    assert lots["techno-park/2"]["properties"]["area_m2"] == "10,000"
    assert lots["techno-park/2"]["properties"]["status_label"] == "Sold"


def test_lot_tooltip_in_japanese(shape_layers) -> None:
    group = lots_layer(shape_layers.lots, lang="ja")
    assert group.layer_name == "区画"
    assert _by_lot(group)["techno-park/1"]["properties"]["status_label"] == "分譲中"


def test_parks_layer_labels_derived_outline(shape_layers) -> None:
    (park,) = _features(parks_layer(shape_layers.parks, lang="en"))
    assert park["properties"]["note"] == DERIVED_OUTLINE_LABEL
    assert park["properties"]["outline"] == "Derived / low"
    assert park["properties"]["saleable_area_m2"] == "30,000"


def test_zones_layer_labels_approximate_zone(shape_layers) -> None:
    group = zones_layer(shape_layers.zones, lang="en")
    (zone,) = _features(group)
    assert zone["properties"]["note"].startswith(APPROXIMATE_LABEL)
    assert _geojson(group).style_function(zone)["dashArray"]


def test_roads_layer_keeps_major_classes_only(shape_layers) -> None:
    features = _features(roads_layer(shape_layers.roads, lang="en"))
    assert sorted(f["properties"]["class"] for f in features) == ["motorway", "primary"]


def test_destinations_have_kind_icons(shape_layers) -> None:
    group = destinations_layer(shape_layers.destinations, lang="en")
    markers = [c for c in group._children.values() if isinstance(c, folium.Marker)]
    icons = sorted(m.icon.options["icon"] for m in markers)
    assert icons == ["road", "ship"]


def test_routes_tooltip_has_minutes(shape_layers) -> None:
    routes = shape_layers.optional("routes")
    group = routes_layer(routes, shape_layers.destinations, lang="en")
    (route,) = _features(group)
    assert route["properties"]["minutes"] == "7.5"
    assert route["properties"]["destination"] == "Kanazawa-Morimoto IC"
    assert group.show is False


def _routes(minutes: list[float], lot_ids: list[str]) -> gpd.GeoDataFrame:
    n = len(minutes)
    return gpd.GeoDataFrame(
        {
            "lot_id": lot_ids,
            "destination_id": ["ic-kanazawa-morimoto"] * n,
            "kind": ["interchange"] * n,
            "profile": ["normal"] * n,
            "minutes": minutes,
            "metres": [1000.0] * n,
        },
        geometry=[LineString([(136.70 + i / 1000, 36.60), (136.72, 36.60)]) for i in range(n)],
        crs=WEB_CRS,
    )


def test_routes_per_park_keeps_median_lot_and_range() -> None:
    routes = _routes(
        [5.0, 12.0, 7.0, 20.0],
        ["techno-park/1", "techno-park/2", "techno-park/3", "inaho/1"],
    )
    kept = routes_per_park(routes).set_index("park_id")
    # techno-park: median of 5, 7, 12 is 7 -> lot 3; range 5-12 over 3 lots
    assert kept.loc["techno-park", "lot_id"] == "techno-park/3"
    assert kept.loc["techno-park", ["min_minutes", "max_minutes", "lot_count"]].tolist() == [
        5.0,
        12.0,
        3,
    ]
    assert kept.loc["inaho", "lot_id"] == "inaho/1"


def test_routes_tooltip_gives_range_over_park(shape_layers) -> None:
    routes = _routes([5.0, 12.0, 7.0], list(shapes.LOT_IDS))
    (route,) = _features(routes_layer(routes, shape_layers.destinations, lang="en"))
    assert route["properties"]["minutes"] == "7.0 (park's lots 5.0–12.0)"


def test_isochrones_draw_one_profile(shape_layers) -> None:
    isochrones = shape_layers.optional("isochrones")
    both = pd.concat([isochrones, isochrones.assign(profile="winter")], ignore_index=True)
    features = _features(isochrones_layer(both, shape_layers.destinations, lang="en"))
    assert [f["properties"]["profile"] for f in features] == ["normal", "normal"]


def test_isochrones_leave_out_long_bands(shape_layers) -> None:
    isochrones = shape_layers.optional("isochrones")
    longer = pd.concat([isochrones, isochrones.assign(minutes=30.0)], ignore_index=True)
    features = _features(isochrones_layer(longer, shape_layers.destinations, lang="en"))
    assert sorted(f["properties"]["minutes"] for f in features) == ["10", "20"]


def test_isochrones_draw_longest_band_first(shape_layers) -> None:
    isochrones = shape_layers.optional("isochrones")
    features = _features(isochrones_layer(isochrones, shape_layers.destinations, lang="en"))
    assert [f["properties"]["minutes"] for f in features] == ["20", "10"]


def test_build_map_layer_order_and_control_last(shape_layers) -> None:
    fmap = build_map(shape_layers, lang="en")
    children = list(fmap._children.values())
    names = [c.layer_name for c in children if isinstance(c, folium.FeatureGroup)]
    assert names == [
        "Boundary",
        "Water",
        "Roads",
        "Rail",
        "Drive-time areas",
        "Grant zones",
        "Industrial parks",
        "Lots",
        "Routes",
        "Destinations",
    ]
    assert isinstance(children[-1], folium.LayerControl)


def test_build_map_without_access_layers(bare_shapes_dir) -> None:
    fmap = build_map(load_layers(bare_shapes_dir), lang="en")
    names = {c.layer_name for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)}
    assert "Routes" not in names
    assert "Drive-time areas" not in names
    assert "Lots" in names


def test_build_map_draws_given_lots(shape_layers) -> None:
    sold_only = shape_layers.lots.assign(status="sold")
    fmap = build_map(shape_layers, lang="en", lots=sold_only)
    group = next(c for c in fmap._children.values() if getattr(c, "layer_name", None) == "Lots")
    assert {f["properties"]["status"] for f in _features(group)} == {"sold"}


def test_rendered_map_links_only_local_assets(shape_layers) -> None:
    parts = render_map(build_map(shape_layers, lang="en", vendor_url="/static/vendor"))
    urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', parts.header)
    assert urls, "the map links no scripts or stylesheets"
    assert all(url.startswith("/static/vendor/") for url in urls), urls
    assert "http://" not in parts.header + parts.script
    assert "https://" not in parts.header + parts.script


def test_rendered_map_carries_attribution(shape_layers) -> None:
    parts = render_map(build_map(shape_layers, lang="en"))
    script = normalize(parts.script)
    for credit in ATTRIBUTIONS:
        assert f"addAttribution({json.dumps(credit)})" in script


def test_prepare_features_reprojects_rounds_and_drops_empty() -> None:
    metric = gpd.GeoDataFrame(
        {"name": ["a", "empty"]},
        geometry=[box(-41_750, 66_650, -41_650, 66_750), Polygon()],
        crs=METRIC_CRS,
    )
    out = prepare_features(metric, {"name": metric["name"]})
    assert out.crs == WEB_CRS
    assert out["name"].tolist() == ["a"]
    x, y = out.geometry.iloc[0].exterior.coords[0]
    assert 136.6 < x < 136.8
    assert 36.5 < y < 36.7
    assert round(x, 5) == x
    assert round(y, 5) == y


def test_prepare_features_escapes_markup() -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["<script>alert(1)</script> {{ x }}"]}, geometry=[Point(136.7, 36.6)], crs=WEB_CRS
    )
    (name,) = prepare_features(frame, {"name": frame["name"]})["name"]
    assert "<script>" not in name
    assert "{{" not in name
    assert "&lt;script&gt;" in name
