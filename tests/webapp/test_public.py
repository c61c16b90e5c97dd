"""The map page: languages, labels, legend, offline assets, caching, size."""

from __future__ import annotations

import gzip
import re

import pytest

from webapp.public import MAP_CACHE_KEY
from webapp.text import ATTRIBUTIONS

ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


def test_map_page_defaults_to_japanese(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "金沢市 工業団地 立地マップ" in page
    assert "区画割りは例示です" in page  # banner
    assert 'href="/?lang=en"' in page  # language switch
    assert "folium-map" in page


def test_map_page_in_english(client) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Kanazawa industrial parks: siting map" in page
    assert "no official lot plan" in page
    assert 'href="/?lang=ja"' in page
    assert '"Lots"' in page  # layer control entry (JSON in the script)


def test_legend_lists_every_status(client) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    statuses = re.findall(r'<li data-status="(\w+)">', page)
    assert statuses == ["available", "negotiating", "reserved", "sold", "planned"]
    assert 'data-status="available"><span class="swatch" style="background: #1a9850">' in page


def test_attributions_on_page(client) -> None:
    page = client.get("/").get_data(as_text=True)
    for credit in ATTRIBUTIONS:
        assert credit in page


def test_page_links_no_remote_script_or_stylesheet(client) -> None:
    page = client.get("/").get_data(as_text=True)
    urls = ASSET_URL.findall(page)
    assert len(urls) >= 8
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


def test_vendor_fonts_and_images_are_served(client) -> None:
    for path in (
        "/static/vendor/fontawesome/webfonts/fa-solid-900.woff2",
        "/static/vendor/leaflet/images/layers.png",
        "/static/vendor/awesome-markers/images/markers-soft.png",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_as_of_is_shown(client) -> None:
    page = client.get("/?lang=en&as_of=2021-01-01").get_data(as_text=True)
    assert "Lot status as of 2021-01-01" in page
    assert 'value="2021-01-01"' in page
    assert 'href="/?lang=ja&amp;as_of=2021-01-01"' in page
    # lot 3's first event is in 2024: its status was not on record, and the legend says so
    assert '<li data-status="unknown">' in page
    assert "No record on this date" in page


def test_map_for_a_date_colours_lots_by_status_then(client) -> None:
    page = client.get("/?lang=en&as_of=2021-01-01").get_data(as_text=True)
    # lot 1 was planned on 2021-01-01, lot 2 available (tests/shapes.py lot_events)
    lot_1 = re.search(r'"lot_id": "techno-park/1"[^}]*"status": "(\w*)"', page)
    lot_2 = re.search(r'"lot_id": "techno-park/2"[^}]*"status": "(\w*)"', page)
    assert lot_1 is not None
    assert lot_2 is not None
    assert (lot_1.group(1), lot_2.group(1)) == ("planned", "available")


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


def test_map_is_rendered_once_per_language(app, client) -> None:
    cache = app.extensions[MAP_CACHE_KEY]
    client.get("/")
    client.get("/")
    assert len(cache) == 1
    client.get("/?lang=en")
    assert len(cache) == 2


def test_real_map_page_is_small_and_offline(real_app) -> None:
    response = real_app.test_client().get("/")
    assert response.status_code == 200
    size_mb = len(response.data) / 1e6
    assert size_mb < 2.0, f"map page is {size_mb:.2f} MB"
    page = response.get_data(as_text=True)
    remote = [u for u in ASSET_URL.findall(page) if u.startswith(("http:", "https:", "//"))]
    assert remote == []
    packed = real_app.test_client().get("/", headers={"Accept-Encoding": "gzip"})
    assert len(packed.data) / 1e6 < 0.5


def test_map_page_is_gzipped_when_accepted(client) -> None:
    plain = client.get("/?lang=en")
    packed = client.get("/?lang=en", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert "Content-Encoding" not in plain.headers
