"""The issue's hostile reproducers: each gets a 4xx with a clear message, never a 5xx.

Also: security headers on pages, API, static files and errors; the debugger stays off.
"""

from __future__ import annotations

import pytest

from webapp import create_app

PROFILE = {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"}
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options")


@pytest.fixture
def en_client(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("path", ["/api/match", "/api/grants?park=techno-park"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_deep(100_000)[:60_000], "nested too deeply"),  # unbalanced too: refused cleanly
        (_deep(20_000), "nested too deeply"),
        ('{"profile": ' * 7 + "{}" + "}" * 7, "nested too deeply"),
        ('{"industry": "manufacturing", "land_m2": {"min": NaN}}', "NaN is not a number"),
        ('{"industry": "manufacturing", "land_m2": {"min": Infinity}}', "Infinity"),
        ('{"industry": "manufacturing", "land_m2": {"min": -Infinity}}', "-Infinity"),
        ('{"industry": "manufacturing", "land_m2": {"min": 1e999}}', "out of range"),
        ('{"industry": "manufacturing", "new_hires": ' + "9" * 4000 + "}", "4,000 digits"),
        ("", "empty"),
    ],
)
def test_hostile_json_is_a_400(en_client, path: str, body: str, message: str) -> None:
    response = en_client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_a_ten_megabyte_field_is_a_413_json(en_client) -> None:
    body = '{"industry": "' + "x" * 10_000_000 + '"}'
    response = en_client.post("/api/match", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json
    assert "at most 65,536 bytes" in response.get_json()["error"]
    assert len(response.data) < 2_000


def test_a_long_value_is_never_echoed_whole(en_client) -> None:
    body = {**PROFILE, "industry": "x" * 60_000}
    response = en_client.post("/api/match", json=body)
    assert response.status_code == 400
    assert len(response.data) < 3_000
    assert "x" * 100 not in response.get_data(as_text=True)


def test_an_over_large_number_in_the_profile_is_a_400(en_client) -> None:
    response = en_client.post("/api/match", json={**PROFILE, "investment_jpy": {"land": 10**14}})
    assert response.status_code == 400
    assert "or less" in response.get_json()["problems"][0]


def test_grants_with_an_empty_lot_is_a_400_not_no_park_none(en_client) -> None:
    response = en_client.post("/api/grants?lot=", json=PROFILE)  # main words it "lot= is empty"
    assert response.status_code == 400
    assert "lot= is empty" in response.get_json()["error"]
    assert "None" not in response.get_json()["error"]


def test_an_option_in_query_and_body_is_a_400(en_client) -> None:
    response = en_client.post("/api/match?top=3", json={"profile": PROFILE, "top": 5})
    assert response.status_code == 400
    assert "not both" in response.get_json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        "/pitch?lot=techno-park/1&new_hires=" + "9" * 4000,
        "/api/lots?limit=" + "9" * 4000,
        "/api/lots?offset=" + "9" * 40,
        "/api/lots?bbox=1,2,3",
        "/api/isochrone?at=136.6,36.5&minutes=" + ",".join(["120"] * 100),
        "/?" + "&".join(f"p{i}=1" for i in range(50)),
    ],
)
def test_hostile_query_strings_are_400(en_client, query: str) -> None:
    response = en_client.get(query)
    assert response.status_code == 400
    assert len(response.data) < 20_000


def test_lots_are_paged_with_a_next_link(en_client) -> None:
    body = en_client.get("/api/lots?limit=2").get_json()
    assert body["numberMatched"] == 3
    assert body["numberReturned"] == 2
    (link,) = [x for x in body["links"] if x["rel"] == "next"]
    rest = en_client.get(link["href"]).get_json()
    assert rest["numberReturned"] == 1
    assert not [x for x in rest["links"] if x["rel"] == "next"]
    ids = [f["properties"]["lot_id"] for f in body["features"] + rest["features"]]
    assert sorted(ids) == ["techno-park/1", "techno-park/2", "techno-park/3"]


def test_lots_bbox_filters_by_location(en_client, shape_layers) -> None:
    lot = shape_layers.lots.iloc[0]
    minx, miny, maxx, maxy = lot.geometry.centroid.buffer(1e-5).bounds
    body = en_client.get(f"/api/lots?bbox={minx},{miny},{maxx},{maxy}").get_json()
    assert [f["properties"]["lot_id"] for f in body["features"]] == [lot["lot_id"]]
    far = en_client.get("/api/lots?bbox=100,10,100.1,10.1").get_json()
    assert far["numberMatched"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/search"),
        ("get", "/api/parks"),
        ("get", "/api/openapi.json"),
        ("get", "/api/docs"),
        ("get", "/static/site.css"),
        ("get", "/api/lots/nope/1"),  # 404 JSON
        ("get", "/no-such-page"),  # 404 HTML
        ("get", "/api/parks?x=1"),  # 400
        ("post", "/api/parks"),  # 405
        ("post", "/pitch"),  # 400 page
    ],
)
def test_security_headers_on_every_response(client, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    for name in SECURITY_HEADERS:
        assert name in response.headers, (path, name)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src ")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    response.close()


@pytest.mark.parametrize("path", ["/?lang=en", "/search?lang=en", "/api/docs"])
def test_pages_hold_no_inline_script(client, path: str) -> None:
    import re

    html = client.get(path).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag or "nonce=" in tag, tag


def test_a_template_nonce_is_new_for_every_response(app) -> None:
    from flask import render_template_string

    app.add_url_rule(
        "/_nonce", "nonce", lambda: render_template_string('<script nonce="{{ csp_nonce() }}">')
    )
    client = app.test_client()
    nonces = []
    for _ in range(2):
        response = client.get("/_nonce")
        nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert response.get_data(as_text=True) == f'<script nonce="{nonce}">'
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert len(nonces[0]) >= 22  # 128 bits


def test_debug_cannot_be_turned_on_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, shapes_dir
) -> None:
    monkeypatch.setenv("SITING_DEBUG", "true")
    app = create_app({"DATA_DIR": str(shapes_dir)})
    assert app.debug is False
    assert create_app({"DATA_DIR": str(shapes_dir), "DEBUG": True}).debug is True


def test_json_responses_never_carry_nan(app) -> None:
    from flask import jsonify

    with app.test_request_context():
        body = jsonify({"a": float("nan"), "b": [1.5, float("inf")]}).get_data(as_text=True)
    assert "NaN" not in body
    assert "Infinity" not in body
    assert '"a":null' in body.replace(" ", "")


def test_a_huge_lot_id_is_not_echoed_whole(en_client) -> None:
    response = en_client.get("/api/lots/" + "x" * 5000)
    assert response.status_code == 404
    body = response.get_json()
    assert len(body["error"]) <= 400
    assert "characters)" in body["error"]  # says how long it was instead


def test_json_keeps_flasks_conversions_key_order_and_html_escaping(app) -> None:
    """The fast JSON writer changes nothing a client or a page sees."""
    import datetime as dt

    from flask import jsonify, render_template_string

    with app.test_request_context():
        dated = jsonify({"b": 1, "a": dt.date(2024, 4, 1)}).get_data(as_text=True)
        big = jsonify({"n": 10**30}).get_data(as_text=True)
        html = render_template_string("{{ v|tojson }}", v={"x": "</script><b>&'"})
    assert dated.index('"a"') < dated.index('"b"')  # keys sorted
    assert '"Mon, 01 Apr 2024 00:00:00 GMT"' in dated  # Flask's date form
    assert str(10**30) in big  # beyond 64 bits, still written
    assert not set("<>&'") & set(html)  # escaped for a <script> block
