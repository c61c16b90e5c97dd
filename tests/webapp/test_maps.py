"""Map layers as data: layer names and order, feature counts, styles, labels, simplification."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from geo.crs import METRIC_CRS, WEB_CRS
from parks.data import load_layers
from tests import shapes
from webapp.maps import (
    BAND_COLOURS,
    DETAIL_ZOOMS,
    ILLUSTRATIVE_DASH,
    LAYER_NAMES,
    SEA_TILE_ZOOM,
    STATUS_COLOURS,
    available_layers,
    band_features,
    band_legend,
    build_layer,
    coordinate_decimals,
    destination_features,
    detail_zoom,
    layer_spec,
    lot_features,
    lot_style,
    missing_sea_tiles,
    park_features,
    road_classes,
    route_features,
    routes_per_park,
    simplify_tolerance_deg,
    tile_bounds,
    tile_of,
    water_features,
    web_features,
    zone_features,
)


def _by_lot(frame: gpd.GeoDataFrame) -> dict[str, dict]:
    return {row["lot_id"]: row for row in frame.drop(columns="geometry").to_dict("records")}


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
    assert lot_style("available", is_illustrative=True)["dashArray"] == ILLUSTRATIVE_DASH


def test_lots_spec_carries_the_status_colours() -> None:
    """The browser styles lots from the spec, so it must hold the same table as lot_style."""
    spec = layer_spec("lots")
    assert spec.style_by == "status"
    assert spec.dashed_by == "illustrative"
    for status, colour in STATUS_COLOURS.items():
        assert spec.styles[status]["fillColor"] == colour
    assert spec.styles[""]["fillColor"] == "#ffffff"


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _hue_deg(colour: str) -> float:
    import colorsys

    r, g, b = (c / 255 for c in _hex_rgb(colour))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def test_band_colours_cannot_be_mistaken_for_a_status() -> None:
    """Bands are purple (hue 240-300); statuses are green, orange, red, grey and a blue
    (hue ~220): every band hue is at least 20 degrees from every saturated status hue."""
    status_hues = [_hue_deg(c) for s, c in STATUS_COLOURS.items() if s != "sold"]
    for colour in BAND_COLOURS:
        hue = _hue_deg(colour)
        assert 240 <= hue <= 300, (colour, hue)
        assert all(min(abs(hue - h), 360 - abs(hue - h)) >= 20 for h in status_hues)
        assert colour not in STATUS_COLOURS.values()


def test_layers_are_drawn_basemap_first_data_last() -> None:
    assert LAYER_NAMES == (
        "boundary",
        "water",
        "roads",
        "rail",
        "bands-interchange",
        "bands-port",
        "bands-airport",
        "bands-station",
        "zones",
        "parks",
        "lots",
        "routes",
        "destinations",
    )
    hidden = {s.name for s in map(layer_spec, LAYER_NAMES) if not s.visible}
    assert hidden == {
        "bands-interchange",
        "bands-port",
        "bands-airport",
        "bands-station",
        "zones",
        "routes",
    }


def test_layer_titles_in_both_languages() -> None:
    assert layer_spec("lots").to_config("en")["title"] == "Lots"
    assert layer_spec("lots").to_config("ja")["title"] == "区画"
    assert layer_spec("parks").to_config("ja")["title"] == "工業団地"


def test_available_layers_follow_the_dataset(shape_layers, bare_shapes_dir) -> None:
    names = [s.name for s in available_layers(shape_layers)]
    assert "routes" in names
    assert "bands-interchange" in names
    assert "bands-port" not in names  # the port has no isochrones in tests/shapes.py
    bare = [s.name for s in available_layers(load_layers(bare_shapes_dir))]
    assert "routes" not in bare
    assert not any(n.startswith("bands-") for n in bare)
    assert "lots" in bare


def test_unknown_layer_is_a_key_error(shape_layers) -> None:
    with pytest.raises(KeyError):
        build_layer(shape_layers, "no-such-layer", lang="en")
    with pytest.raises(KeyError):
        build_layer(shape_layers, "bands-port", lang="en")


def test_lot_features_have_every_lot_with_status_and_flags(shape_layers) -> None:
    lots = _by_lot(lot_features(shape_layers.lots, shape_layers.parks, lang="en"))
    assert sorted(lots) == list(shapes.LOT_IDS)
    assert lots["techno-park/1"]["status"] == "available"
    assert lots["techno-park/1"]["illustrative"] is True
    assert lots["techno-park/3"]["illustrative"] is False
    assert lots["techno-park/2"]["status_label"] == "Sold"
    assert lots["techno-park/2"]["park"] == "Kanazawa Techno Park"
    assert lots["techno-park/2"]["lot_no"] == "2"
    # 100 m x 100 m = 10,000 m2 (hand-derived), sent as a number
    assert lots["techno-park/2"]["area_m2"] == 10_000


def test_lot_features_in_japanese(shape_layers) -> None:
    lots = _by_lot(lot_features(shape_layers.lots, shape_layers.parks, lang="ja"))
    assert lots["techno-park/1"]["status_label"] == "分譲中"
    assert lots["techno-park/1"]["park"] == "金沢テクノパーク"


def test_lot_without_status_on_record_has_no_status(shape_layers) -> None:
    unknown = shape_layers.lots.assign(status=[None, "sold", "bogus"])
    lots = _by_lot(lot_features(unknown, shape_layers.parks, lang="en"))
    assert lots["techno-park/1"]["status"] is None
    assert lots["techno-park/3"]["status"] is None
    assert lots["techno-park/1"]["status_label"] == "No record on this date"


def test_park_features_flag_derived_outline(shape_layers) -> None:
    (park,) = park_features(shape_layers.parks, lang="en").to_dict("records")
    assert park["derived"] is True
    assert park["name"] == "Kanazawa Techno Park"
    assert park["saleable_area_m2"] == 30_000


def test_official_outline_is_not_derived(shape_layers) -> None:
    official = shape_layers.parks.assign(
        outline_method="Official: city plan", is_illustrative=False
    )
    (park,) = park_features(official, lang="en").to_dict("records")
    assert park["derived"] is False


def test_zone_features_flag_approximate(shape_layers) -> None:
    (zone,) = zone_features(shape_layers.zones, lang="ja").to_dict("records")
    assert zone["approximate"] is True
    assert zone["kind_label"] == "工場適地"
    assert zone["name"] == "工場適地 (テクノパーク)"


def test_destination_features_have_names_and_kinds(shape_layers) -> None:
    frame = destination_features(shape_layers.destinations, lang="en")
    assert frame["kind"].tolist() == ["interchange", "port"]
    assert frame["name"].tolist() == ["Kanazawa-Morimoto IC", "Port of Kanazawa"]
    assert frame["kind_label"].tolist() == ["Interchange", "Port"]


@pytest.mark.parametrize(
    ("zoom", "classes"),
    [
        (8, ("motorway", "trunk", "primary")),
        (12, ("motorway", "trunk", "primary", "secondary")),
        (14, ("motorway", "trunk", "primary", "secondary", "tertiary")),
        (None, ("motorway", "trunk", "primary", "secondary", "tertiary", "minor", "service")),
    ],
)
def test_road_classes_grow_with_the_zoom(zoom: int | None, classes: tuple[str, ...]) -> None:
    assert road_classes(zoom) == classes


def test_roads_leave_minor_streets_off_at_low_zoom(shape_layers) -> None:
    low = build_layer(shape_layers, "roads", lang="en", zoom=10)
    high = build_layer(shape_layers, "roads", lang="en", zoom=16)
    assert sorted(low["class"]) == ["motorway", "primary"]
    assert sorted(high["class"]) == ["minor", "motorway", "primary"]


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


def test_route_features_name_the_destination_and_park(shape_layers) -> None:
    routes = _routes([5.0, 12.0, 7.0], list(shapes.LOT_IDS))
    (route,) = route_features(
        routes, shape_layers.destinations, shape_layers.parks, lang="ja"
    ).to_dict("records")
    assert route["destination"] == "金沢森本IC"
    assert route["park"] == "金沢テクノパーク"
    assert (route["minutes"], route["min_minutes"], route["max_minutes"]) == (7.0, 5.0, 12.0)


def test_bands_are_rings_that_never_overlap(shape_layers) -> None:
    isochrones = shape_layers.optional("isochrones")
    bands = band_features(isochrones, ["ic-kanazawa-morimoto"], lang="en", title="the IC")
    assert bands["band"].tolist() == [0, 1]
    assert bands["label"].tolist() == ["the IC: up to 10 min by car", "the IC: 10–20 min by car"]
    inner, outer = (shapely.Polygon(g) if g.geom_type == "Polygon" else g for g in bands.geometry)
    metric = gpd.GeoSeries([inner, outer], crs=WEB_CRS).to_crs(METRIC_CRS)
    assert metric.iloc[0].intersection(metric.iloc[1]).area < 1.0  # m2: they only touch
    # the rings together cover the 20-minute area: a 6 km disc, pi * 6000^2 (hand-derived)
    whole = metric.iloc[0].union(metric.iloc[1]).area
    assert whole == pytest.approx(3.14159 * 6000**2, rel=0.01)


def test_bands_merge_several_destinations(shape_layers) -> None:
    """Two destinations' 10-minute areas make one band, measured to the nearest of them."""
    isochrones = shape_layers.optional("isochrones")
    moved = isochrones.copy()
    moved["destination_id"] = "port-kanazawa"
    moved["geometry"] = moved.geometry.translate(0.2, 0)  # far apart: no overlap
    both = pd.concat([isochrones, moved], ignore_index=True)
    bands = band_features(both, ["ic-kanazawa-morimoto", "port-kanazawa"], lang="en", title="x")
    assert len(bands) == 2
    assert bands.geometry.iloc[0].geom_type == "MultiPolygon"


def test_band_legend_matches_band_colours(shape_layers) -> None:
    legend = band_legend(shape_layers.optional("isochrones"), "ja")
    assert legend == [
        {"label": "10 分以内", "colour": BAND_COLOURS[0]},
        {"label": "10〜20 分", "colour": BAND_COLOURS[1]},
    ]


@pytest.mark.parametrize(
    ("zoom", "step"), [(None, 17), (0, 9), (9, 9), (10, 9), (12, 11), (16, 15), (22, 17)]
)
def test_detail_zoom_rounds_down_to_a_step(zoom: int | None, step: int) -> None:
    assert detail_zoom(zoom) == step


def test_coarser_steps_simplify_more_and_keep_fewer_decimals() -> None:
    tolerances = [simplify_tolerance_deg(z) for z in DETAIL_ZOOMS]
    assert tolerances == sorted(tolerances, reverse=True)
    assert tolerances[-1] == 0.0
    decimals = [coordinate_decimals(z) for z in DETAIL_ZOOMS]
    assert decimals == sorted(decimals)
    assert decimals[0] >= 4
    assert decimals[-1] <= 6


def test_web_features_reproject_round_and_drop_empty() -> None:
    metric = gpd.GeoDataFrame(
        {"name": ["a", "empty"]},
        geometry=[box(-41_750, 66_650, -41_650, 66_750), Polygon()],
        crs=METRIC_CRS,
    )
    web = web_features(metric, zoom=11)
    (text,) = web.features
    feature = json.loads(text)
    assert feature["properties"] == {"name": "a"}
    x, y = feature["geometry"]["coordinates"][0][0]
    assert 136.6 < x < 136.8
    assert 36.5 < y < 36.7
    decimals = coordinate_decimals(11)
    assert round(x, decimals) == x
    assert web.bounds.shape == (1, 4)


def test_web_features_carry_text_as_data_not_markup() -> None:
    """Names go to the browser as JSON strings and into the page with textContent."""
    frame = gpd.GeoDataFrame(
        {"name": ["<img src=x onerror=alert(1)> {{ x }}"]},
        geometry=[Point(136.7, 36.6)],
        crs=WEB_CRS,
    )
    (text,) = web_features(frame).features
    assert json.loads(text)["properties"]["name"] == "<img src=x onerror=alert(1)> {{ x }}"


def test_bbox_selects_features_near_the_box() -> None:
    frame = gpd.GeoDataFrame(
        {"n": [1, 2]}, geometry=[Point(136.60, 36.60), Point(136.90, 36.60)], crs=WEB_CRS
    )
    web = web_features(frame)
    chosen = web.select((136.55, 36.55, 136.65, 36.65))
    assert [json.loads(t)["properties"]["n"] for t in chosen] == [1]
    assert len(web.select(None)) == 2


def test_sea_tiles_lost_by_the_source_are_filled() -> None:
    """A 3 x 3 block of sea tiles whose middle tile was deleted: only that tile comes back."""
    x, y = tile_of(136.70, 36.60, SEA_TILE_ZOOM)
    tiles = {
        (i, j): box(*tile_bounds(i, j, SEA_TILE_ZOOM))
        for i in range(x - 1, x + 2)
        for j in range(y - 1, y + 2)
    }
    sea = shapely.union_all([t for k, t in tiles.items() if k != (x, y)])
    water = gpd.GeoDataFrame({"class": ["ocean"]}, geometry=[sea], crs=WEB_CRS)
    west, south, east, north = shapely.union_all(list(tiles.values())).bounds
    roads = gpd.GeoDataFrame(  # a ferry line along the block's diagonal sets the extent
        {"class": ["minor", "minor"]},
        geometry=[
            LineString([(west, south), (west + 0.001, south + 0.001)]),
            LineString([(east - 0.001, north - 0.001), (east, north)]),
        ],
        crs=WEB_CRS,
    )
    (found,) = missing_sea_tiles(water, roads)
    assert found.equals(tiles[(x, y)])
    # a road in the hole means land: nothing is filled
    with_road = pd.concat(
        [
            roads,
            gpd.GeoDataFrame(
                {"class": ["minor"]}, geometry=[found.centroid.buffer(1e-4).exterior], crs=WEB_CRS
            ),
        ],
        ignore_index=True,
    )
    assert missing_sea_tiles(water, with_road) == []
    assert len(water_features(water, roads)) == 2
    assert len(water_features(water)) == 1
