"""Static SVG maps: frames, clipping, path data, scale bar and north arrow, checked by hand."""

from __future__ import annotations

import doctest
import math
import re

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, box

import geo.svg
from geo.crs import METRIC_CRS, WEB_CRS
from geo.errors import CRSMismatchError
from geo.svg import (
    MapFrame,
    Svg,
    clip_to_frame,
    frame_around,
    nice_length,
    north_angle_deg,
    path_data,
    paths_data,
    scale_bar,
    svg_tag,
    svg_text,
)

# a 1,000 m x 500 m frame near Kanazawa drawn into 400 x 200 units: 2.5 m per unit
X0, Y0 = -41_000.0, 66_000.0
FRAME = MapFrame(X0, Y0, X0 + 1_000, Y0 + 500, 400, 200, METRIC_CRS)


def test_doctests_hold() -> None:
    result = doctest.testmod(geo.svg)
    assert result.attempted >= 5
    assert result.failed == 0


def test_tags_escape_attributes_and_text() -> None:
    tag = svg_tag("text", {"x": 1.25, "data_name": 'a"b<c>&', "class_": "label"}, svg_text("<&>"))
    assert (
        tag
        == '<text x="1.25" data-name="a&quot;b&lt;c&gt;&amp;" class="label">&lt;&amp;&gt;</text>'
    )
    assert svg_tag("rect", {"width": 3, "fill": None}) == '<rect width="3"/>'


def test_a_plain_string_child_is_refused() -> None:
    with pytest.raises(TypeError, match="Svg markup"):
        svg_tag("g", None, "<script>alert(1)</script>")  # type: ignore[arg-type]
    assert isinstance(svg_tag("g", None, Svg("")), Svg)


def test_frame_refuses_a_distorted_or_unprojected_frame() -> None:
    with pytest.raises(ValueError, match="aspect"):
        MapFrame(0, 0, 100, 100, 200, 100, METRIC_CRS)
    with pytest.raises(ValueError, match="projected"):
        MapFrame(136.0, 36.0, 136.2, 36.1, 200, 100, WEB_CRS)
    with pytest.raises(ValueError, match="west < east"):
        MapFrame(10, 0, 0, 10, 100, 100, METRIC_CRS)


def test_frame_around_fits_the_longer_side_and_keeps_the_centre() -> None:
    # 100 m x 50 m into a 3:2 box: the width rules (50 m x 1.5 = 75 m < 100 m)
    frame = frame_around((0, 0, 100, 50), width_px=600, height_px=400, crs=METRIC_CRS, pad_ratio=0)
    assert (frame.west, frame.east) == (0, 100)
    assert frame.north - frame.south == pytest.approx(100 * 400 / 600)
    assert (frame.south + frame.north) / 2 == pytest.approx(25)
    assert frame.metres_per_px == pytest.approx(100 / 600)
    # a tall 10 m x 100 m with 10 % padding each side: height 120 m, width 180 m
    tall = frame_around((0, 0, 10, 100), width_px=600, height_px=400, crs=METRIC_CRS, pad_ratio=0.1)
    assert tall.north - tall.south == pytest.approx(120)
    assert tall.east - tall.west == pytest.approx(180)
    wide = frame_around(
        (0, 0, 10, 10), width_px=600, height_px=400, crs=METRIC_CRS, min_width_m=1_500
    )
    assert wide.east - wide.west == pytest.approx(1_500)
    assert wide.north - wide.south == pytest.approx(1_000)


def test_to_px_puts_north_west_at_the_origin() -> None:
    assert FRAME.to_px(X0, Y0 + 500) == (0, 0)
    assert FRAME.to_px(X0 + 1_000, Y0) == (400, 200)
    assert FRAME.to_px(X0 + 250, Y0 + 250) == (100, 100)


def _web(geoms: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"n": range(len(geoms))}, geometry=geoms, crs=METRIC_CRS).to_crs(
        WEB_CRS
    )


def test_clip_cuts_lines_to_the_frame_and_keeps_rows() -> None:
    layer = _web(
        [
            LineString([(X0 - 200, Y0 + 100), (X0 + 1_200, Y0 + 100)]),  # crosses: 1,000 m inside
            LineString([(X0 - 200, Y0 + 900), (X0 + 1_200, Y0 + 900)]),  # north of the frame
            # in, out to the north and back in: two parts of 100 m
            LineString(
                [
                    (X0 + 100, Y0 + 400),
                    (X0 + 100, Y0 + 600),
                    (X0 + 300, Y0 + 600),
                    (X0 + 300, Y0 + 400),
                ]
            ),
        ]
    )
    cut = clip_to_frame(layer, FRAME)
    assert cut.crs == METRIC_CRS
    assert list(cut["n"]) == [0, 2]
    assert cut.geometry.iloc[0].length == pytest.approx(1_000, abs=0.01)
    parts = shapely.get_parts(cut.geometry.iloc[1])
    assert len(parts) == 2
    assert sorted(p.length for p in parts) == pytest.approx([100, 100], abs=0.01)


def test_clip_drops_what_only_touches_the_frame() -> None:
    # stored in the frame's own CRS, so the corner stays exactly on the edge
    corner = LineString([(X0 - 100, Y0 - 100), (X0, Y0)])
    edge = box(X0 - 100, Y0, X0, Y0 + 100)  # shares the west edge: a line, not an area
    layer = gpd.GeoDataFrame({"n": [0, 1]}, geometry=[corner, edge], crs=METRIC_CRS)
    assert clip_to_frame(layer, FRAME).empty


def test_clip_keeps_a_margin_for_outlines_and_simplifies_to_the_tolerance() -> None:
    # a polygon reaching 30 m (12 units) beyond the frame's west edge
    wiggly = shapely.Polygon(
        [
            (X0 - 30, Y0 + 100),
            (X0 + 500, Y0 + 100.5),
            (X0 + 900, Y0 + 100),
            (X0 + 900, Y0 + 300),
            (X0 - 30, Y0 + 300),
        ]
    )
    layer = _web([wiggly])
    inside = clip_to_frame(layer, FRAME)
    assert inside.total_bounds[0] == pytest.approx(X0, abs=0.01)
    grown = clip_to_frame(layer, FRAME, margin_px=10)  # 25 m
    assert grown.total_bounds[0] == pytest.approx(X0 - 25, abs=0.01)
    # the 0.5 m kink is under 1 unit (2.5 m): simplified away, the rectangle stays valid
    simple = clip_to_frame(layer, FRAME, simplify_px=1).geometry.iloc[0]
    assert simple.is_valid
    assert len(simple.exterior.coords) == 5


def test_clip_refuses_a_layer_without_crs() -> None:
    with pytest.raises(CRSMismatchError, match="no CRS"):
        clip_to_frame(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), FRAME)


def test_clip_of_an_empty_layer_is_empty() -> None:
    empty = gpd.GeoDataFrame({"n": []}, geometry=[], crs=WEB_CRS)
    assert clip_to_frame(empty, FRAME).empty


def test_path_data_writes_lines_and_closed_rings_in_units() -> None:
    line = LineString([(X0, Y0 + 500), (X0 + 1_000, Y0)])
    assert path_data(line, FRAME) == "M0.0 0.0L400.0 200.0"
    square = box(X0 + 250, Y0 + 250, X0 + 500, Y0 + 500)  # 100 x 100 units from (100, 0)
    data = path_data(square, FRAME)
    assert data.startswith("M")
    assert data.endswith("Z")
    points = [tuple(map(float, p)) for p in re.findall(r"(-?[\d.]+) (-?[\d.]+)", data)]
    assert sorted(points) == [(100, 0), (100, 100), (200, 0), (200, 100)]
    with_hole = square.difference(box(X0 + 300, Y0 + 300, X0 + 400, Y0 + 400))
    assert path_data(with_hole, FRAME).count("M") == 2
    assert paths_data([line, square], FRAME).count("M") == 2
    assert path_data(shapely.Point(X0, Y0), FRAME) == ""


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(1, 1), (1.99, 1), (2, 2), (4.9, 2), (5, 5), (9.99, 5), (10, 10), (740, 500), (0.3, 0.2)],
)
def test_nice_length(limit: float, expected: float) -> None:
    assert nice_length(limit) == pytest.approx(expected)


def test_scale_bar_length_matches_the_frame_scale() -> None:
    # 2.5 m per unit, at most 100 units = 250 m: the bar is 200 m, drawn 80 units long
    bar = scale_bar(FRAME, max_px=100)
    assert bar.metres == 200
    assert bar.px == pytest.approx(80)
    assert bar.label == "200 m"
    assert scale_bar(FRAME, max_px=400).label == "1 km"


def test_north_arrow_turns_by_the_meridian_convergence() -> None:
    # Plane Rectangular CS VII has its central meridian at 137° 10' E. West of it (Kanazawa,
    # about 136.65° E, 36.57° N) true north leans clockwise from grid north by about
    # (137.1667 - 136.65) x sin(36.57°) = 0.31°.
    centre = gpd.GeoSeries([shapely.Point(136.65, 36.57)], crs=WEB_CRS).to_crs(METRIC_CRS)
    x, y = centre.iloc[0].x, centre.iloc[0].y
    frame = MapFrame(x - 500, y - 250, x + 500, y + 250, 400, 200, METRIC_CRS)
    expected = (137 + 10 / 60 - 136.65) * math.sin(math.radians(36.57))
    assert north_angle_deg(frame) == pytest.approx(expected, abs=0.02)
