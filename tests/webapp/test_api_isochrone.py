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
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


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
        ("?at=136.6,36.5&minutes=" + ",".join(["120"] * 30), "at most 60 minutes"),
        ("?at=136.6,36.5&minutes=" + ",".join(["120"] * 100), "'minutes' is too long"),
        ("?at=136.6,36.5&minutes=5,10,15,20,25,30", "at most 5 different bands"),
        ("?at=136.6,36.5&direction=sideways", "direction must be"),
        ("?at=400,36.5", "longitude -180 to 180"),
    ],
)
def test_bad_requests_get_400(client, query: str, message: str) -> None:
    response = client.get(f"/api/isochrone{query}")
    assert response.status_code == 400
    assert message in " ".join(response.get_json()["problems"])


def test_repeated_bands_count_once(client) -> None:
    response = client.get(
        f"/api/isochrone?at={STATION[0]},{STATION[1]}&minutes=" + ",".join(["10"] * 30)
    )
    assert response.status_code == 200
    assert [f["properties"]["minutes"] for f in response.get_json()["features"]] == [10]


def test_a_destination_is_answered_from_its_stored_bands(client, layers) -> None:
    dest = layers.destinations.iloc[0]
    lon, lat = dest.geometry.x, dest.geometry.y
    response = client.get(f"/api/isochrone?at={lon},{lat}&minutes=5,10&direction=to")
    assert response.status_code == 200
    features = response.get_json()["features"]
    assert [f["properties"]["precomputed"] for f in features] == [True, True]
    stored = layers.optional("isochrones")
    row = stored[
        (stored["destination_id"] == dest["id"])
        & (stored["profile"] == "normal")
        & (stored["minutes"] == 10)
    ].iloc[0]
    assert shape(features[1]["geometry"]).equals_exact(row.geometry, 1e-6)


def test_an_arbitrary_point_is_computed(client) -> None:
    response = client.get("/api/isochrone?at=136.60,36.55&minutes=5,10,20,30&direction=to")
    features = response.get_json()["features"]
    assert [f["properties"]["precomputed"] for f in features] == [False] * 4
    assert {f["properties"]["direction"] for f in features} == {"to"}


def test_messages_follow_the_language(client) -> None:
    response = client.get("/api/isochrone?at=136.6", headers={"Accept-Language": "ja"})
    assert "経度,緯度" in response.get_json()["problems"][0]
