"""Static assets: fingerprinted URLs from url_for, long caching, compression, revalidation."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from flask import url_for

from webapp.assets import IMMUTABLE, REVALIDATE

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"


def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_url_for_static_gives_the_fingerprinted_name(app) -> None:
    with app.test_request_context("/"):
        url = url_for("static", filename="map-core.js")
        vendor = url_for("static", filename="vendor/leaflet/leaflet.css")
    assert url == f"/static/map-core.{_digest('map-core.js')}.js"
    assert vendor == f"/static/vendor/leaflet/leaflet.{_digest('vendor/leaflet/leaflet.css')}.css"


def test_fingerprinted_asset_is_cached_for_ever(app, client) -> None:
    with app.test_request_context("/"):
        url = url_for("static", filename="map-core.js")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.data == (STATIC / "map-core.js").read_bytes()
    assert response.mimetype == "text/javascript"


def test_plain_and_outdated_names_are_revalidated(client) -> None:
    plain = client.get("/static/map-core.js")
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == REVALIDATE
    old = client.get("/static/map-core.000000000000.js")
    assert old.status_code == 200
    assert old.headers["Cache-Control"] == REVALIDATE
    assert old.data == plain.data
    again = client.get("/static/map-core.js", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304


def test_files_a_stylesheet_refers_to_are_served(client) -> None:
    """leaflet.css asks for images/layers.png relative to its fingerprinted URL."""
    response = client.get("/static/vendor/leaflet/images/layers.png")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == REVALIDATE
    response.close()


def test_text_assets_are_compressed(client) -> None:
    plain = client.get("/static/vendor/leaflet/leaflet.js")
    packed = client.get("/static/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 3
    assert packed.headers["Vary"] == "Accept-Encoding"  # the same file in every language
    font = client.get(
        "/static/vendor/fontawesome/webfonts/fa-solid-900.woff2",
        headers={"Accept-Encoding": "gzip"},
    )
    assert "Content-Encoding" not in font.headers  # woff2 is compressed already
    font.close()


@pytest.mark.parametrize(
    "path",
    [
        "/static/../webapp/__init__.py",
        "/static/%2e%2e/webapp/__init__.py",
        "/static/nope.123456789abc.js",
        "/static/no-such-file.css",
    ],
)
def test_missing_or_outside_files_are_404(client, path: str) -> None:
    assert client.get(path).status_code == 404
