"""The map page: languages, status date, config for map-core.js, no inline script or layer data."""

from __future__ import annotations

import gzip
import json
import re

import pytest

ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


@pytest.fixture(scope="module")
def app(shapes_dir):
    """One app for the module: these tests only read."""
    from webapp import create_app

    return create_app({"TESTING": True, "DATA_DIR": str(shapes_dir)})


@pytest.fixture
def client(app):
    return app.test_client()  # a fresh client: no language cookie from another test


def _config(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="map-config">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_map_page_defaults_to_japanese(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "金沢市 工業団地 立地マップ" in page
    assert "区画割りは例示です" in page  # banner
    assert 'href="/?lang=en"' in page  # language switch
    assert _config(page)["lang"] == "ja"


def test_map_page_in_english(client) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Kanazawa industrial parks: siting map" in page
    assert "no official lot plan" in page
    assert 'href="/?lang=ja"' in page
    config = _config(page)
    assert {layer["name"]: layer["title"] for layer in config["layers"]}["lots"] == "Lots"


def test_language_follows_the_browser(client) -> None:
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_header_shows_the_date_of_the_latest_lot_event(client) -> None:
    """tests/shapes.py's latest lot event is 2024-04-01: the status is as of that date."""
    ja = client.get("/").get_data(as_text=True)
    assert "2024-04-01 時点の区画状況" in ja
    en = client.get("/?lang=en").get_data(as_text=True)
    assert "Lot status as of 2024-04-01" in en
    assert "data build" not in en


def test_header_shows_the_requested_date(client) -> None:
    page = client.get("/?lang=en&as_of=2021-01-01").get_data(as_text=True)
    assert "Lot status as of 2021-01-01" in page
    assert 'value="2021-01-01"' in page
    assert 'href="/?lang=ja&amp;as_of=2021-01-01"' in page
    config = _config(page)
    assert config["as_of"] == "2021-01-01"
    assert config["status_date"] == "2021-01-01"


def test_a_date_after_the_last_record_says_so(client) -> None:
    page = client.get("/?lang=en&as_of=2030-01-01").get_data(as_text=True)
    assert "Lot status as of 2030-01-01 (latest record: 2024-04-01)" in page


def test_page_carries_no_layer_data(client, real_app) -> None:
    """Layers are fetched by map-core.js; the page holds only their names and styles."""
    for app_client in (client, real_app.test_client()):
        page = app_client.get("/").get_data(as_text=True)
        assert '"coordinates"' not in page
        assert "FeatureCollection" not in page
        assert len(page.encode()) < 30_000


def test_page_has_no_inline_script(client) -> None:
    """Every script is a file or a JSON data block, so a CSP of script-src 'self' holds."""
    page = client.get("/").get_data(as_text=True)
    scripts = SCRIPT_TAG.findall(page)
    assert scripts
    for attrs, body in scripts:
        if 'type="application/json"' in attrs:
            json.loads(body)
        else:
            assert "src=" in attrs
            assert body.strip() == ""
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    assert "style=" not in page


def test_config_lists_status_legend_and_hidden_layers(client) -> None:
    config = _config(client.get("/?lang=en").get_data(as_text=True))
    legend = config["legend"]["statuses"]
    assert [row["status"] for row in legend] == [
        "available",
        "negotiating",
        "reserved",
        "sold",
        "planned",
    ]
    assert legend[0] == {"status": "available", "label": "Available", "colour": "#1a9850"}
    visible = {layer["name"]: layer["visible"] for layer in config["layers"]}
    assert visible["bands-interchange"] is False
    assert visible["routes"] is False
    assert visible["lots"] is True
    assert config["urls"]["layer"] == "/api/layers/__NAME__"
    assert config["bounds"][0][0] < config["bounds"][1][0]


def test_credits_on_page(client) -> None:
    ja = client.get("/").get_data(as_text=True)
    assert "© OpenMapTiles © OpenStreetMap contributors" in ja
    assert "国土数値情報（行政区域データ、高速道路時系列データ）（国土交通省）" in ja
    en = client.get("/?lang=en").get_data(as_text=True)
    assert "National Land Numerical Information" in en


def test_page_links_no_remote_script_or_stylesheet(client) -> None:
    page = client.get("/").get_data(as_text=True)
    urls = ASSET_URL.findall(page)
    assert len(urls) >= 6
    remote = [u for u in urls if u.startswith(("http://", "https://", "//"))]
    assert remote == []


def test_every_linked_asset_is_served(client) -> None:
    page = client.get("/").get_data(as_text=True)
    for url in ASSET_URL.findall(page):
        if url.startswith("data:"):
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=fr", "lang must be one of ja, en; got &#39;fr&#39;"),
        ("as_of=2021-02-30", "not a calendar date"),
        ("as_of=tomorrow", "YYYY-MM-DD"),
        ("zoom=3", "unknown parameter"),
    ],
)
def test_bad_query_is_400_html(client, query: str, message: str) -> None:
    response = client.get(f"/?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)


def test_unknown_page_is_404_html(client) -> None:
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404 Error" in response.get_data(as_text=True)


def test_map_page_is_compressed_when_accepted(client) -> None:
    plain = client.get("/?lang=en")
    packed = client.get("/?lang=en", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert "Content-Encoding" not in plain.headers
