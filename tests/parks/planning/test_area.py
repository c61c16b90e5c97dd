"""Candidate areas: good ones accepted in any stated CRS, bad ones refused with every reason."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Polygon, box

from geo.crs import METRIC_CRS, WEB_CRS
from parks.planning.area import area_from_geojson, area_from_upload
from parks.planning.errors import AreaRejectedError
from tests.shapes import X0, Y0

INSIDE = box(X0 - 1000, Y0 + 1000, X0 - 800, Y0 + 1200)  # 200 m square, 4 ha


def _geojson(geom, crs=METRIC_CRS) -> str:
    return gpd.GeoSeries([geom], crs=crs).to_crs(WEB_CRS).to_json()


def _file(frame: gpd.GeoDataFrame, tmp_path: Path, suffix: str) -> tuple[bytes, str]:
    """Write ``frame`` in a format and return its bytes and name."""
    if suffix == ".zip":
        folder = tmp_path / "shp"
        folder.mkdir()
        frame.to_file(folder / "area.shp")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for part in folder.iterdir():
                z.write(part, f"nested/{part.name}")
        return buf.getvalue(), "area.zip"
    path = tmp_path / f"area{suffix}"
    frame.to_file(path)
    return path.read_bytes(), path.name


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".zip"])
def test_area_in_a_metric_crs_is_accepted_and_measured(world, tmp_path, suffix) -> None:
    frame = gpd.GeoDataFrame(geometry=[INSIDE], crs=METRIC_CRS)
    data, name = _file(frame, tmp_path, suffix)
    area = area_from_upload(data, name, world)
    assert area.area_ha == pytest.approx(4.0, rel=1e-6)
    assert area.source_crs == "EPSG:6675"


def _refused(call) -> list[str]:
    with pytest.raises(AreaRejectedError) as err:
        call()
    return err.value.problems


@pytest.mark.parametrize(
    ("geometry", "crs", "expected"),
    [
        (LineString([(X0, Y0), (X0 + 500, Y0 + 500)]), METRIC_CRS, "not a polygon"),
        (
            Polygon([(X0, Y0), (X0 + 500, Y0 + 500), (X0 + 500, Y0), (X0, Y0 + 500)]),
            METRIC_CRS,
            "crosses itself",
        ),
        (box(X0 + 20_000, Y0, X0 + 20_500, Y0 + 500), METRIC_CRS, "outside Kanazawa city"),
        (
            box(X0 + 4_800, Y0, X0 + 5_800, Y0 + 500),
            METRIC_CRS,
            "lies outside Kanazawa city; at most 50%",
        ),
        (box(X0 - 4_000, Y0 - 4_000, X0 + 4_000, Y0 + 4_000), METRIC_CRS, "the limit is 50 km²"),
        (box(X0, Y0, X0 + 5, Y0 + 5), METRIC_CRS, "smallest area assessed"),
    ],
)
def test_bad_drawn_areas_are_refused(world, geometry, crs, expected) -> None:
    problems = _refused(lambda: area_from_geojson(_geojson(geometry, crs), world))
    assert any(expected in p for p in problems), problems


def test_metres_labelled_as_lon_lat_are_a_wrong_crs(world) -> None:
    text = json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[X0, Y0], [X0 + 100, Y0], [X0 + 100, Y0 + 100], [X0, Y0]]],
        }
    )
    problems = _refused(lambda: area_from_geojson(text, world))
    assert "not longitude/latitude" in problems[0]


def test_swapped_axes_are_named(world) -> None:
    lonlat = gpd.GeoSeries([INSIDE], crs=METRIC_CRS).to_crs(WEB_CRS).iloc[0]
    ring = [[y, x] for x, y in lonlat.exterior.coords]
    problems = _refused(
        lambda: area_from_geojson(json.dumps({"type": "Polygon", "coordinates": [ring]}), world)
    )
    assert "swapped" in problems[0]


def test_shapefile_without_crs_is_refused(world, tmp_path) -> None:
    frame = gpd.GeoDataFrame(geometry=[INSIDE], crs=METRIC_CRS)
    data, name = _file(frame, tmp_path, ".zip")
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(stripped, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith(".prj"):
                dst.writestr(info, src.read(info))
    problems = _refused(lambda: area_from_upload(stripped.getvalue(), name, world))
    assert "no coordinate reference system" in problems[0]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "a.geojson", "empty"),
        (b"not json at all", "a.geojson", "does not hold GeoJSON"),
        (b"PK\x03\x04 broken", "a.zip", "not a valid zip"),
        (b"{}", "a.kml", "is not a GeoJSON"),
    ],
)
def test_unreadable_files_are_refused(world, data, name, expected) -> None:
    problems = _refused(lambda: area_from_upload(data, name, world))
    assert expected in problems[0]


def test_every_problem_is_listed_at_once(world) -> None:
    frame = gpd.GeoDataFrame(
        geometry=[
            LineString([(X0, Y0), (X0 + 1, Y0 + 1)]),
            Polygon([(X0, Y0), (X0 + 500, Y0 + 500), (X0 + 500, Y0), (X0, Y0 + 500)]),
        ],
        crs=METRIC_CRS,
    )
    problems = _refused(lambda: area_from_upload(frame.to_json().encode(), "two.geojson", world))
    assert len(problems) == 2
    assert "feature 1" in problems[0]
    assert "feature 2" in problems[1]
