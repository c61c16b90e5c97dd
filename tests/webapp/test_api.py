"""The JSON API over the hand-built layers (and a few checks on the real data)."""

from __future__ import annotations

import pytest

from tests import shapes


def _lot_ids(body: dict) -> list[str]:
    return sorted(f["properties"]["lot_id"] for f in body["features"])


def test_parks_is_geojson_with_decoded_lists(client) -> None:
    body = client.get("/api/parks").get_json()
    assert body["type"] == "FeatureCollection"
    (park,) = body["features"]
    assert park["geometry"]["type"] == "Polygon"
    assert park["properties"]["park_id"] == "techno-park"
    assert park["properties"]["saleable_area_m2"] == 30_000
    assert park["properties"]["admitted_industries"] == ["manufacturing", "research"]
    assert park["properties"]["price_per_m2"] is None


def test_lots_lists_every_lot(client) -> None:
    body = client.get("/api/lots").get_json()
    assert body["type"] == "FeatureCollection"
    assert _lot_ids(body) == list(shapes.LOT_IDS)
    assert body["as_of"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=available", ["techno-park/1"]),
        ("status=available,sold", ["techno-park/1", "techno-park/2"]),
        ("status=planned&status=sold", ["techno-park/2", "techno-park/3"]),
        ("status=reserved", []),
        ("park=techno-park", list(shapes.LOT_IDS)),
        ("park=techno-park&status=planned", ["techno-park/3"]),
    ],
)
def test_lots_filters(client, query: str, expected: list[str]) -> None:
    response = client.get(f"/api/lots?{query}")
    assert response.status_code == 200
    assert _lot_ids(response.get_json()) == expected


@pytest.mark.parametrize(
    ("query", "problem_count", "message"),
    [
        ("status=free", 1, "status must be one of"),
        ("as_of=2021-02-30", 1, "not a calendar date"),
        ("park=inaho", 1, "park must be one of techno-park; got 'inaho'"),
        ("colour=red", 1, "unknown parameter 'colour'"),
        ("status=free&as_of=soon&park=x", 3, "as_of must be a date"),
    ],
)
def test_lots_rejects_bad_filters(client, query: str, problem_count: int, message: str) -> None:
    response = client.get(f"/api/lots?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert len(body["problems"]) == problem_count
    assert message in body["error"]
    assert any(message in p for p in body["problems"])


def test_one_lot_with_history(client) -> None:
    body = client.get("/api/lots/techno-park/2").get_json()
    assert body["type"] == "Feature"
    assert body["properties"]["lot_id"] == "techno-park/2"
    assert body["properties"]["status"] == "sold"
    assert body["properties"]["area_m2"] == 10_000
    assert [(e["date"], e["status"]) for e in body["events"]] == [
        ("2020-04-01", "available"),
        ("2022-06-15", "sold"),
    ]


def test_unknown_lot_is_404_json(client) -> None:
    response = client.get("/api/lots/techno-park/99")
    assert response.status_code == 404
    body = response.get_json()
    assert "techno-park/99" in body["error"]
    assert body["problems"] == [body["error"]]


def test_destinations(client) -> None:
    body = client.get("/api/destinations").get_json()
    kinds = sorted(f["properties"]["kind"] for f in body["features"])
    assert kinds == ["interchange", "port"]
    assert {f["geometry"]["type"] for f in body["features"]} == {"Point"}


def test_unknown_api_path_is_404_json(client) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]


def test_wrong_method_is_405_json(client) -> None:
    response = client.post("/api/lots")
    assert response.status_code == 405
    assert response.get_json()["error"]
    assert "GET" in response.headers["Allow"]


def test_parameters_rejected_where_none_taken(client) -> None:
    response = client.get("/api/parks?status=sold")
    assert response.status_code == 400
    assert "unknown parameter 'status'" in response.get_json()["problems"][0]


def test_lots_as_of_date(client) -> None:
    # lot_events: lot 1 planned 2020-04-01 then available 2021-04-01;
    # lot 2 available 2020-04-01 then sold 2022-06-15.
    body = client.get("/api/lots?as_of=2021-01-01").get_json()
    status = {f["properties"]["lot_id"]: f["properties"]["status"] for f in body["features"]}
    assert status["techno-park/1"] == "planned"
    assert status["techno-park/2"] == "available"
    assert body["as_of"] == "2021-01-01"


def test_lots_as_of_filters_on_status_of_that_date(client) -> None:
    body = client.get("/api/lots?as_of=2022-01-01&status=available").get_json()
    assert _lot_ids(body) == ["techno-park/1", "techno-park/2"]


def test_real_lots_are_labelled_illustrative(real_app) -> None:
    body = real_app.test_client().get("/api/lots").get_json()
    assert body["features"]
    assert all(f["properties"]["is_illustrative"] for f in body["features"])
    assert all(f["properties"]["illustrative_reason"] for f in body["features"])


def test_real_parks_are_the_five(real_app) -> None:
    body = real_app.test_client().get("/api/parks").get_json()
    assert sorted(f["properties"]["park_id"] for f in body["features"]) == sorted(
        ["techno-park", "inaho", "katatsu", "morimoto-ic", "yasuhara"]
    )
