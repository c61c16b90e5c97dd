"""Layer endpoints: feature counts, names per language, zoom simplification, as_of, errors."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from datetime import date

import pytest
import shapely
from shapely.geometry import shape

from tests import shapes
from webapp.layers import CACHE_KEY
from webapp.maps import DETAIL_ZOOMS


@pytest.fixture(scope="module")
def app(shapes_dir):
    """One app for the module: these tests only read (and the layer cache is per app)."""
    from webapp import create_app

    return create_app({"TESTING": True, "DATA_DIR": str(shapes_dir)})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def _get(client, url: str, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _props(body: dict) -> list[dict]:
    return [f["properties"] for f in body["features"]]


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/api/layers/lots", 3),
        ("/api/layers/parks", 1),
        ("/api/layers/zones", 1),
        ("/api/layers/destinations", 2),
        ("/api/layers/water?zoom=11", 1),
        ("/api/layers/boundary?zoom=11", 1),
        ("/api/layers/rail?zoom=11", 2),  # one line, one station
        ("/api/layers/roads?zoom=10", 2),  # motorway + primary; the minor road is left off
        ("/api/layers/roads?zoom=15&bbox=136.65,36.55,136.75,36.65", 3),
        ("/api/layers/routes", 1),
        ("/api/layers/bands-interchange?zoom=11", 2),  # the 10- and 20-minute rings
    ],
)
def test_layer_feature_counts(client, url: str, count: int) -> None:
    body = _get(client, url)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == count


def test_layer_list_names_every_available_layer_in_the_language(client) -> None:
    en = _get(client, "/api/layers?lang=en")
    ja = _get(client, "/api/layers?lang=ja")
    names = [layer["name"] for layer in en["layers"]]
    assert names[0] == "boundary"
    assert names[-1] == "destinations"
    assert "bands-port" not in names  # no isochrones for the port in the test data
    titles_en = {layer["name"]: layer["title"] for layer in en["layers"]}
    titles_ja = {layer["name"]: layer["title"] for layer in ja["layers"]}
    assert titles_en["lots"] == "Lots"
    assert titles_ja["lots"] == "区画"
    # one interchange has bands, so the band layer is named after it
    assert titles_ja["bands-interchange"] == "金沢森本IC"
    assert en["detail_zooms"] == list(DETAIL_ZOOMS)


def test_layers_show_names_never_ids(client) -> None:
    """Display text is a name in the request's language; ids only travel as link keys."""
    ja = _props(_get(client, "/api/layers/lots?lang=ja"))
    en = _props(_get(client, "/api/layers/lots?lang=en"))
    ids = set(shapes.LOT_IDS) | {shapes.PARK_ID}
    for props in ja + en:
        for key in ("lot_no", "park", "status_label"):
            assert props[key] not in ids
    assert {p["park"] for p in ja} == {"金沢テクノパーク"}
    assert {p["park"] for p in en} == {"Kanazawa Techno Park"}
    dests = _props(_get(client, "/api/layers/destinations?lang=en"))
    assert [d["name"] for d in dests] == ["Kanazawa-Morimoto IC", "Port of Kanazawa"]


def test_lots_carry_statuses_and_illustrative_flags(client) -> None:
    lots = {p["lot_id"]: p for p in _props(_get(client, "/api/layers/lots?lang=en"))}
    assert lots["techno-park/1"]["status"] == "available"
    assert lots["techno-park/1"]["illustrative"] is True
    assert lots["techno-park/3"]["illustrative"] is False


def test_lots_as_of_a_date_are_recomputed_from_lot_events(client) -> None:
    """tests/shapes.py events: lot 1 planned 2020-04-01 then available 2021-04-01; lot 2
    available 2020-04-01 then sold 2022-06-15; lot 3's first event is 2024-04-01."""
    body = _get(client, "/api/layers/lots?as_of=2021-01-01&lang=en")
    assert body["as_of"] == "2021-01-01"
    assert body["status_date"] == "2021-01-01"
    lots = {p["lot_id"]: p for p in _props(body)}
    assert lots["techno-park/1"]["status"] == "planned"
    assert lots["techno-park/2"]["status"] == "available"
    assert lots["techno-park/3"]["status"] is None
    assert lots["techno-park/3"]["status_label"] == "No record on this date"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2019-12-31", {"techno-park/1": None, "techno-park/2": None, "techno-park/3": None}),
        (
            "2021-04-01",
            {"techno-park/1": "available", "techno-park/2": "available", "techno-park/3": None},
        ),
        (
            "2022-06-15",
            {"techno-park/1": "available", "techno-park/2": "sold", "techno-park/3": None},
        ),
        (
            "2030-01-01",
            {"techno-park/1": "available", "techno-park/2": "sold", "techno-park/3": "planned"},
        ),
    ],
)
def test_statuses_on_a_date(client, as_of: str, expected: dict) -> None:
    body = _get(client, f"/api/layers/lots/statuses?as_of={as_of}")
    assert body["statuses"] == expected
    assert body["as_of"] == as_of
    assert body["latest_event"] == "2024-04-01"


def test_statuses_without_date_are_the_latest(client) -> None:
    body = _get(client, "/api/layers/lots/statuses")
    assert body["as_of"] is None
    assert body["status_date"] == "2024-04-01"  # the latest lot event, not "the data build"
    assert body["statuses"] == {
        "techno-park/1": "available",
        "techno-park/2": "sold",
        "techno-park/3": "planned",
    }


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/layers/lots?zoom=99", 400, "zoom must be a whole number from 0 to 22"),
        ("/api/layers/water?zoom=abc", 400, "zoom must be a whole number"),
        ("/api/layers/water?zoom=11&as_of=2021-01-01", 400, "as_of applies to the lots layer"),
        ("/api/layers/lots?as_of=2021-02-30", 400, "not a calendar date"),
        ("/api/layers/lots?color=red", 400, "unknown parameter 'color'"),
        ("/api/layers/lots?lang=fr", 400, "lang must be one of ja, en"),
        ("/api/layers/roads?zoom=13", 400, "needs bbox=west,south,east,north from zoom 13"),
        ("/api/layers/roads", 400, "needs bbox"),
        ("/api/layers/roads?zoom=15&bbox=1,2,3", 400, "bbox must be west,south,east,north"),
        ("/api/layers/roads?zoom=15&bbox=136.7,36.5,136.6,36.6", 400, "west < east"),
        ("/api/layers/roads?zoom=15&bbox=130,30,140,40", 400, "bbox is at most"),
        ("/api/layers/roads?zoom=15&bbox=nan,1,2,3", 400, "bbox must be"),
        ("/api/layers/nope", 404, "no map layer 'nope'"),
        ("/api/layers/bands-port?zoom=11", 404, "no map layer"),
        ("/api/layers/lots/statuses?as_of=tomorrow", 400, "YYYY-MM-DD"),
        ("/api/layers/lots/statuses?zoom=3", 400, "unknown parameter 'zoom'"),
    ],
)
def test_bad_layer_requests_are_explained(client, url: str, status: int, message: str) -> None:
    response = client.get(url, headers={"Accept-Language": "en"})  # messages follow the language
    assert response.status_code == status
    body = response.get_json()
    assert message in " ".join([body["error"], *body["problems"]])


def test_layer_errors_do_not_echo_long_input(client) -> None:
    response = client.get("/api/layers/lots?zoom=" + "9" * 5000)
    assert response.status_code == 400
    assert len(response.data) < 1000


def test_layers_are_compressed_and_revalidated(client) -> None:
    plain = client.get("/api/layers/lots?lang=en")
    packed = client.get("/api/layers/lots?lang=en", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert "Accept-Encoding" in packed.headers["Vary"]
    again = client.get(
        "/api/layers/lots?lang=en",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.data == b""


def test_brotli_when_accepted(client) -> None:
    brotli = pytest.importorskip("brotli")
    plain = client.get("/api/layers/lots")
    packed = client.get("/api/layers/lots", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain.data


def test_whole_layers_are_built_once(shapes_dir) -> None:
    from webapp import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(shapes_dir)})
    client = app.test_client()
    client.get("/api/layers/water?zoom=11")
    cache = app.extensions[CACHE_KEY]
    size = len(cache)
    client.get("/api/layers/water?zoom=12")  # same detail step as 11
    assert len(cache) == size
    client.get("/api/layers/water?zoom=13")
    assert len(cache) > size


# ------------------------------------------------------------------ real data: simplification


def _geoms(body: dict) -> list:
    return [shape(f["geometry"]) for f in body["features"]]


@pytest.fixture(scope="module")
def real_client(real_app):
    return real_app.test_client()


@pytest.mark.parametrize(
    ("name", "zooms"),
    [
        ("water", DETAIL_ZOOMS[:-1]),
        ("boundary", DETAIL_ZOOMS[:-1]),
        ("bands-interchange", DETAIL_ZOOMS[:2]),  # the coarse steps, where rings could break
        ("bands-port", DETAIL_ZOOMS[:2]),
    ],
)
def test_simplified_polygons_stay_valid(real_client, name: str, zooms: tuple[int, ...]) -> None:
    """Topology is kept: every polygon valid, none lost, area within 3 % of full detail."""
    full = _geoms(_get(real_client, f"/api/layers/{name}?zoom=17"))
    full_area = sum(g.area for g in full)
    for zoom in zooms:
        geoms = _geoms(_get(real_client, f"/api/layers/{name}?zoom={zoom}"))
        assert all(g.is_valid for g in geoms), (name, zoom)
        assert not any(g.is_empty for g in geoms)
        assert sum(g.area for g in geoms) == pytest.approx(full_area, rel=0.03), (name, zoom)


def test_rings_of_simplified_bands_still_do_not_overlap(real_client) -> None:
    geoms = _geoms(_get(real_client, "/api/layers/bands-interchange?zoom=11"))
    for inner, outer in itertools.pairwise(geoms):
        assert inner.intersection(outer).area < 0.01 * min(inner.area, outer.area)


def test_lower_zoom_sends_fewer_vertices(real_client) -> None:
    counts = [
        sum(
            shapely.get_num_coordinates(g)
            for g in _geoms(_get(real_client, f"/api/layers/water?zoom={zoom}"))
        )
        for zoom in DETAIL_ZOOMS
    ]
    assert counts == sorted(counts)
    assert counts[0] < counts[-1] / 2


def test_roads_come_only_where_asked(real_client) -> None:
    box = (136.60, 36.55, 136.64, 36.58)
    body = _get(real_client, "/api/layers/roads?zoom=13&bbox=" + ",".join(map(str, box)))
    west, south, east, north = box
    for geom in _geoms(body):
        minx, miny, maxx, maxy = geom.bounds
        assert minx <= east
        assert maxx >= west
        assert miny <= north
        assert maxy >= south
    assert {f["properties"]["class"] for f in body["features"]} >= {"secondary", "tertiary"}
    assert "minor" not in {f["properties"]["class"] for f in body["features"]}


def test_first_load_layers_are_small(real_client) -> None:
    """What the map page requests at its start (zoom 12 over the parks) stays light."""
    total = 0
    for url in (
        "/api/layers/boundary?zoom=12",
        "/api/layers/water?zoom=12",
        "/api/layers/roads?zoom=12",
        "/api/layers/rail?zoom=12",
        "/api/layers/parks",
        "/api/layers/lots",
        "/api/layers/destinations",
    ):
        response = real_client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        total += len(response.data)
    assert total < 120_000, total


def test_real_lot_statuses_match_the_lots_layer(real_client) -> None:
    statuses = _get(real_client, "/api/layers/lots/statuses?as_of=2021-04-01")["statuses"]
    lots = _get(real_client, "/api/layers/lots?as_of=2021-04-01")
    assert {f["properties"]["lot_id"]: f["properties"]["status"] for f in lots["features"]} == (
        statuses
    )
    assert json.dumps(statuses)  # plain JSON


# ------------------------------------------------------------------ map_config for any page


def test_map_config_opens_on_given_lots(app) -> None:
    from webapp.layers import map_config

    with app.test_request_context("/?lang=en"):
        whole = map_config()
        one = map_config(lots=["techno-park/2"])
    (south, west), (north, east) = one["bounds"]
    # lot 2 is a 100 m square: about 0.0011 degrees of longitude at 36.6 N, 0.0009 of latitude
    assert east - west == pytest.approx(0.00112, abs=0.0001)
    assert north - south == pytest.approx(0.0009, abs=0.0001)
    assert one["focus"] == {"lots": ["techno-park/2"], "parks": []}
    assert whole["bounds"] != one["bounds"]
    assert whole["urls"]["lot"] == "/lots/__ID__"
    assert whole["urls"]["park"] == "/parks/__ID__"


def test_map_config_layers_can_be_shown_or_hidden(app) -> None:
    from webapp.layers import map_config

    with app.test_request_context("/"):
        config = map_config(visible={"zones": True, "lots": False})
        with pytest.raises(ValueError, match="no map layer"):
            map_config(visible={"tiles": True})
    visible = {layer["name"]: layer["visible"] for layer in config["layers"]}
    assert visible["zones"] is True
    assert visible["lots"] is False


def test_with_a_tile_server_our_basemap_starts_hidden(shapes_dir) -> None:
    from webapp import create_app
    from webapp.layers import map_config

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(shapes_dir),
            "TILES": "https://tiles.example/{z}/{x}/{y}.png",
            "TILES_ATTRIBUTION": "© Example tiles",
        }
    )
    with app.test_request_context("/"):
        config = map_config()
    visible = {layer["name"]: layer["visible"] for layer in config["layers"]}
    assert (visible["roads"], visible["water"], visible["rail"]) == (False, False, False)
    assert visible["boundary"] is True
    assert config["tiles"] == {
        "url": "https://tiles.example/{z}/{x}/{y}.png",
        "attribution": "© Example tiles",
    }


def test_preload_urls_are_the_layers_shown_without_zoom(app) -> None:
    from webapp.layers import map_config, preload_urls

    with app.test_request_context("/?lang=ja"):
        urls = preload_urls(map_config())
        dated = preload_urls(map_config(as_of=date(2021, 4, 1)))
    assert urls == [
        "/api/layers/parks?lang=ja",
        "/api/layers/lots?lang=ja",
        "/api/layers/destinations?lang=ja",
    ]
    assert "/api/layers/lots?lang=ja&as_of=2021-04-01" in dated


def test_openapi_paths_cover_every_layer_route(app) -> None:
    from webapp.layers import openapi_paths

    documented = set(openapi_paths())
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("layers.")
    }
    assert routes == documented
