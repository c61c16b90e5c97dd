"""The planner's pages on the real data: assess, refuse bad uploads without storing, export, charts."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tests.shapes import PLANNER_AREA
from tests.webapp.staff_helpers import ensure_account, sign_in

AREA = PLANNER_AREA
JSON = {"Accept": "application/json", "Accept-Language": "en"}


@pytest.fixture(scope="module")
def planner_app(real_app, tmp_path_factory):
    """The real-data app (shared, so its road graph is built once) with its own planner folders."""
    instance = tmp_path_factory.mktemp("instance")
    saved = {k: real_app.config.get(k) for k in ("LAYER_DIR", "PLANNER_CELL_M")}
    real_app.config.update(LAYER_DIR=str(instance / "layers"), PLANNER_CELL_M=250.0)
    yield real_app, instance
    real_app.config.update(saved)


@pytest.fixture(scope="module")
def signed_in(planner_app):
    """A client signed in as staff (once: sign-ins are throttled)."""
    app = planner_app[0]
    ensure_account(app)
    client = app.test_client()
    sign_in(client, "staff1")
    return client


@pytest.fixture
def pc(signed_in):
    """The signed-in client with no language chosen yet: the planner's workspace is for staff."""
    signed_in.delete_cookie("lang")
    return signed_in


def _no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("url", ["/planner/", "/planner/vacancy"])
def test_pages_render_in_both_languages_without_inline_script(pc, url, lang) -> None:
    response = pc.get(f"{url}?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    _no_inline_script(html)


def test_japanese_pages_read_japanese(pc) -> None:
    html = pc.get("/planner/?lang=ja").get_data(as_text=True)
    assert "候補地" in html
    vac = pc.get("/planner/vacancy?lang=ja").get_data(as_text=True)
    assert "分譲" in vac
    assert "<svg" in vac


def test_assess_a_drawn_area(pc) -> None:
    r = pc.post("/planner/assess", data={"geojson": json.dumps(AREA)}, headers=JSON)
    assert r.status_code == 200
    body = r.get_json()
    for key in (
        "area_ha",
        "outside_city_share",
        "landcover",
        "water_share",
        "drive_minutes",
        "nearest_park",
        "population_within",
        "zones",
        "road_frontage_m",
        "criteria",
        "score",
        "sources",
    ):
        assert key in body, key
    assert set(body["drive_minutes"]) == {"interchange", "port", "airport", "station"}
    assert set(body["population_within"]) == {"10", "20", "30"}
    area = gpd.GeoSeries([shapely.geometry.shape(AREA)], crs=4326).to_crs(6675).area.iloc[0]
    assert body["area_ha"] == pytest.approx(area / 1e4, rel=1e-4)
    assert body["criteria"]["slope"]["value"] == "no data"
    assert "13" not in body["landcover"] or not body["landcover"]["13"]["label_confirmed"]


def _zip_bytes(frame: gpd.GeoDataFrame, tmp_path: Path, *, drop: str | None = None) -> bytes:
    frame.to_file(tmp_path / "a.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for part in tmp_path.glob("a.*"):
            if drop is None or part.suffix != drop:
                z.write(part, part.name)
    return buf.getvalue()


def _tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*")) if path.exists() else []


BAD = {
    "not a polygon": (
        {"type": "LineString", "coordinates": [[136.64, 36.6], [136.65, 36.61]]},
        "not a polygon",
    ),
    "self-intersecting": (
        {
            "type": "Polygon",
            "coordinates": [
                [[136.64, 36.6], [136.65, 36.61], [136.65, 36.6], [136.64, 36.61], [136.64, 36.6]]
            ],
        },
        "crosses itself",
    ),
    "outside the city": (
        {
            "type": "Polygon",
            "coordinates": [[[136.30, 36.6], [136.31, 36.6], [136.31, 36.61], [136.30, 36.6]]],
        },
        "outside Kanazawa",
    ),
    "over 50 km2": (
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [136.60, 36.50],
                    [136.70, 36.50],
                    [136.70, 36.60],
                    [136.60, 36.60],
                    [136.60, 36.50],
                ]
            ],
        },
        "the limit is 50",
    ),
    "metres as degrees": (
        {
            "type": "Polygon",
            "coordinates": [[[-41000, 66000], [-40000, 66000], [-40000, 67000], [-41000, 66000]]],
        },
        "not longitude/latitude",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_drawn_areas_are_refused_and_nothing_is_stored(pc, planner_app, case) -> None:
    geometry, expected = BAD[case]
    before = _tree(planner_app[1])
    r = pc.post("/planner/assess", data={"geojson": json.dumps(geometry)}, headers=JSON)
    assert r.status_code == 400
    assert any(expected in p for p in r.get_json()["problems"]), r.get_json()
    assert _tree(planner_app[1]) == before


def test_bad_uploads_are_refused_in_japanese_with_a_page(pc, planner_app, tmp_path) -> None:
    before = _tree(planner_app[1])
    frame = gpd.GeoDataFrame(geometry=[shapely.box(136.64, 36.60, 136.65, 36.607)], crs=4326)
    no_prj = _zip_bytes(frame, tmp_path, drop=".prj")
    r = pc.post(
        "/planner/assess?lang=ja",
        data={"file": (io.BytesIO(no_prj), "area.zip")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "座標参照系" in html
    _no_inline_script(html)
    ok = _zip_bytes(frame, tmp_path / "ok" if (tmp_path / "ok").mkdir() is None else tmp_path)
    r = pc.post("/planner/assess", data={"file": (io.BytesIO(ok), "area.zip")}, headers=JSON)
    assert r.status_code == 200
    assert _tree(planner_app[1]) == before


def test_exports_geojson_csv_pdf(pc) -> None:
    data = {"geojson": json.dumps(AREA)}
    gj = pc.post("/planner/assess.geojson", data=data)
    assert gj.status_code == 200
    feature = json.loads(gj.get_data(as_text=True))["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert "population_within_30" in feature["properties"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                pc.post("/planner/assess.csv", data=data).get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert len(rows) == 1
    assert float(rows[0]["area_ha"]) == pytest.approx(feature["properties"]["area_ha"])
    pdf = pc.post("/planner/assess.pdf", data=data)
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")


def test_suitability_layer_and_a_candidate_export(pc) -> None:
    body = pc.get("/planner/suitability.json", headers=JSON).get_json()
    assert body["report"]["grid"]["cell_m"] == 250.0
    png = pc.get(body["image"])
    assert png.status_code == 200
    assert png.data.startswith(b"\x89PNG")
    feats = body["candidates"]["features"]
    assert feats
    first = feats[0]["properties"]
    assert first["area_ha"] >= 3
    cand = pc.get(first["links"]["geojson"])
    assert cand.status_code == 200
    props = json.loads(cand.get_data(as_text=True))["features"][0]["properties"]
    assert props["area_ha"] == pytest.approx(first["area_ha"], rel=1e-3)


def test_bad_weights_are_refused(pc) -> None:
    r = pc.get("/planner/suitability.json?w_slope=-1", headers=JSON)
    assert r.status_code == 400
    r = pc.get(
        "/planner/suitability.json",
        query_string={
            "weights": json.dumps(
                {
                    "pairwise": {
                        "interchange_minutes": {"landcover": 9},
                        "landcover": {"park_distance": 9},
                        "park_distance": {"interchange_minutes": 9},
                    }
                }
            )
        },
        headers=JSON,
    )
    assert r.status_code == 400
    assert "consistency ratio" in r.get_json()["problems"][0]


def test_labour_shed_of_a_park_and_the_small_area_layer(pc) -> None:
    r = pc.get("/planner/labour-shed?park=inaho")
    assert r.status_code == 200
    shed = r.get_json()
    assert (
        shed["population_within"]["10"]
        <= shed["population_within"]["20"]
        <= shed["population_within"]["30"]
    )
    assert pc.get("/planner/labour-shed?park=nowhere").status_code == 404
    assert pc.get("/planner/labour-shed").status_code == 400
    layer = pc.get("/planner/small-areas.geojson").get_json()
    assert (
        sum(f["properties"]["population"] for f in layer["features"]) == shed["total"]["population"]
    )


def test_vacancy_json_has_the_issue_shape(pc) -> None:
    body = pc.get("/planner/vacancy.json?as_of=2025-01-01").get_json()
    assert set(body) >= {"parks", "city", "unmet_demand"}
    park = body["parks"][0]
    assert set(park) >= {
        "park_id",
        "sold_share",
        "absorption_ha_per_year",
        "sold_out_on",
        "forecast",
    }
    assert set(park["sold_share"][0]) >= {"date", "share"}
    assert pc.get("/planner/vacancy.json?as_of=2025-13-01").status_code == 400


def test_labour_shed_figure_for_lot_and_park_pages(planner_app) -> None:
    from flask import render_template_string

    from webapp.planner import labour_shed_figure

    app = planner_app[0]
    lot_id = str(app.extensions["siting"].lots["lot_id"].iloc[0])
    with app.test_request_context("/?lang=ja"):
        shed = labour_shed_figure(lot_id=lot_id)
        html = render_template_string('{% include "planner/_labour_shed.html" %}', shed=shed)
    assert "10 分以内" in html
    assert f"{shed['population_within']['30']:,}" in html
    assert "<svg" in html
    _no_inline_script(html)


def test_ahp_weights_from_the_page(pc) -> None:
    doc = json.dumps(
        {
            "pairwise": {
                "interchange_minutes": {"landcover": 3, "park_distance": 5},
                "landcover": {"park_distance": 2},
            }
        }
    )
    body = pc.get(
        "/planner/suitability.json", query_string={"weights": doc}, headers=JSON
    ).get_json()
    weights = body["report"]["weights"]
    assert weights["method"] == "ahp"
    assert weights["consistency_ratio"] <= 0.1
    assert (
        weights["weights"]["interchange_minutes"]
        > weights["weights"]["landcover"]
        > weights["weights"]["park_distance"]
    )


def test_an_oversized_upload_is_refused_before_it_is_read(pc) -> None:
    r = pc.post(
        "/planner/assess",
        data=b"x" * 11_000_000,
        content_type="multipart/form-data; boundary=x",
        headers=JSON,
    )
    assert r.status_code == 413
    assert "larger than" in r.get_json()["error"]
