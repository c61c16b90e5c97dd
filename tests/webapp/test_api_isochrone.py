"""GET /api/isochrone: drive-time bands around any point."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, shape

from parks.data import gpkg_path
from tests.conftest import DATA_DIR
from webapp import create_app

STATION = (136.64774, 36.57826)  # Kanazawa Station (鉄道駅LOD)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    if not gpkg_path(DATA_DIR).exists():
        pytest.skip("data/kanazawa.gpkg not built")
    log = tmp_path_factory.mktemp("log") / "demand.jsonl"
    app = create_app({"TESTING": True, "DATA_DIR": str(DATA_DIR), "DEMAND_LOG": str(log)})
    return app.test_client()


def test_bands_grow_and_contain_the_point(client) -> None:
    response = client.get(f"/api/isochrone?at={STATION[0]},{STATION[1]}&minutes=5,10,20")
    assert response.status_code == 200
    features = response.get_json()["features"]
    assert [f["properties"]["minutes"] for f in features] == [5, 10, 20]
    areas = [shape(f["geometry"]).area for f in features]
    assert areas[0] < areas[1] < areas[2]
    assert shape(features[0]["geometry"]).contains(Point(STATION))
    # 5 minutes of driving cannot reach further than 5 min at 80 km/h ≈ 6.7 km (≈ 0.08°)
    minx, _miny, maxx, _maxy = shape(features[0]["geometry"]).bounds
    assert maxx - minx < 0.2
    assert all("ASSUMED" in f["properties"]["source"] for f in features)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "at=LON,LAT is required"),
        ("?at=136.6", "two numbers"),
        ("?at=136.6,36.5&minutes=0,10", "more than 0"),
        ("?at=136.6,36.5&minutes=ten", "must be numbers"),
        ("?at=136.6,36.5&profile=summer", "profile must be one of"),
        ("?at=139.7,35.7", "outside the road network"),
    ],
)
def test_bad_requests_get_400(client, query: str, message: str) -> None:
    response = client.get(f"/api/isochrone{query}")
    assert response.status_code == 400
    assert message in " ".join(response.get_json()["problems"])
