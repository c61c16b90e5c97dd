"""Map page weight and first render in headless Chromium: our light page vs folium.

Ours: ``/`` of the real app on the real ``data/``, served by werkzeug (threaded) on a free
loopback port. The peer: a ``folium.Map`` of the same layers saved with ``Map.save()``
defaults, served from the same static files with the same compression (brotli/gzip,
whichever Chromium accepts) by a bare Flask app on another port. Both are loaded with the browser cache disabled, at 1280 x 900.

- Weight: bytes over the wire (Resource Timing ``transferSize``: headers and compressed
  body) of the HTML, every script and stylesheet, and for ours every layer request made
  until the map is drawn, i.e. the layers visible by default.
- First render: navigation start to the first frame painted after every default layer is
  on the map. Ours: map-core.js marks ``sitingmap-ready`` once every default layer is drawn
  and ``sitingmap-painted`` two animation frames later. folium draws its embedded GeoJSON in
  a synchronous inline script; a probe appended after it sets the same two marks. Median of
  :data:`RUNS` loads after one warm-up load each (the server's layer cache is warm, as it is
  in production after the first visitor).

The peer draws what ours can show: every layer, the hidden ones (bands, routes, zones) as
hidden ``FeatureGroup`` s because folium embeds everything in the page; roads of the classes
ours shows at its opening zoom (minor streets are not in the peer at all, in its favour);
geometries unsimplified, as ``GeoJson`` takes them by default. Its default ``tiles`` would
fetch OpenStreetMap tiles from the internet, so it gets ``tiles=None`` (tiles are not one of
"the same layers"). Its CDN scripts and stylesheets are pointed at our vendored copies of
the same files; the two folium asks for that we do not vendor (Bootstrap 3 glyphicons and
the awesome-markers rotate CSS) are dropped, which again only helps the peer.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
RUNS = 5
WINDOW = (1280, 900)
OPENING_ZOOM = 12
"""Zoom the map page opens at on a 1280 x 900 window (fit to the five parks)."""

VENDOR = {
    "leaflet.js": "leaflet/leaflet.js",
    "leaflet.css": "leaflet/leaflet.css",
    "jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "leaflet.awesome-markers.js": "awesome-markers/leaflet.awesome-markers.min.js",
    "leaflet.awesome-markers.css": "awesome-markers/leaflet.awesome-markers.css",
    "all.min.css": "fontawesome/css/all.min.css",
}
"""Last path segment of folium's CDN URLs -> our vendored copy of the same package."""


def folium_page(lang: str = "ja") -> str:
    """Return the HTML of a folium map of the map page's layers, saved with defaults."""
    import tempfile

    import folium

    from parks.data import load_layers
    from webapp.maps import available_layers, build_layer, lot_style

    layers = load_layers(DATA_DIR)
    fmap = folium.Map(location=(36.588, 136.643), zoom_start=OPENING_ZOOM, tiles=None)
    for spec in available_layers(layers):
        zoom = OPENING_ZOOM if spec.name == "roads" else None
        frame = build_layer(layers, spec.name, lang=lang, zoom=zoom)
        group = folium.FeatureGroup(name=spec.name, show=spec.visible)
        if spec.name == "lots":

            def style(feature: dict[str, Any]) -> dict[str, Any]:
                props = feature["properties"]
                return lot_style(props["status"], is_illustrative=bool(props["illustrative"]))

        else:
            base = dict(spec.style)

            def style(_feature: dict[str, Any], base: dict[str, Any] = base) -> dict[str, Any]:
                return base

        fields = [c for c in ("name", "lot_no", "status_label", "label") if c in frame]
        tooltip = folium.GeoJsonTooltip(fields=fields) if fields else None
        folium.GeoJson(frame, name=spec.name, style_function=style, tooltip=tooltip).add_to(group)
        group.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.html"
        fmap.save(str(path))
        return path.read_text(encoding="utf-8")


def localise_assets(page: str, vendor_url: str) -> str:
    """Point folium's CDN links at the vendored copies; drop the ones we do not vendor."""

    def replace(match: re.Match[str]) -> str:
        tag, url = match.group(0), match.group("url")
        name = url.rsplit("/", 1)[-1]
        if name in VENDOR:
            return tag.replace(url, f"{vendor_url}/{VENDOR[name]}")
        return ""

    return re.sub(
        r"<(?:script|link)\b[^>]*?(?:src|href)=\"(?P<url>https?://[^\"]+)\"[^>]*>(?:</script>)?",
        replace,
        page,
    )


def _driver(tmp: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--no-first-run",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--user-data-dir={tmp}",
    ):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(120)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return browser


PROBE = (
    "<script>performance.mark('map-drawn');requestAnimationFrame(function(){"
    "requestAnimationFrame(function(){performance.mark('map-painted');});});</script>"
)
"""Appended to the peer's body, after folium's inline script has drawn every layer: the
same two marks map-core.js sets for ours (``sitingmap-ready``, ``sitingmap-painted``)."""

WEIGHT_JS = """
const nav = performance.getEntriesByType('navigation')[0];
const resources = performance.getEntriesByType('resource');
const painted = performance.getEntriesByName(arguments[0])[0];
return {
  bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
  requests: 1 + resources.length,
  painted: painted ? painted.startTime : null,
};
"""


def _load(browser, url: str, painted_mark: str) -> dict[str, Any]:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 120).until(
        lambda d: d.execute_script(
            "return performance.getEntriesByName(arguments[0]).length > 0;", painted_mark
        )
    )
    time.sleep(0.2)  # let the last resource entries settle
    result: dict[str, Any] = browser.execute_script(WEIGHT_JS, painted_mark)
    return result


def _measure(browser, url: str, painted_mark: str) -> tuple[float, float]:
    """Return (first-load kilobytes, median ms to the map painted) after one warm-up load."""
    _load(browser, url, painted_mark)
    runs = [_load(browser, url, painted_mark) for _ in range(RUNS)]
    return runs[0]["bytes"] / 1000, statistics.median(r["painted"] for r in runs)


def peer_app(page: bytes) -> Any:
    """Return a bare Flask app serving the peer page and our static files, compressed like
    ours but without our app's other response hooks (headers, language cookie)."""
    from flask import Flask

    from webapp import assets
    from webapp.assets import encode, encoded_response

    app = Flask("bench_peer", static_folder=str(Path(assets.__file__).parent / "static"))
    assets.init_app(app)
    encoded = encode(page)
    app.add_url_rule("/", "peer", lambda: encoded_response(encoded, "text/html"))
    return app


def _serve(app: Any) -> tuple[Any, threading.Thread, str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}"


def run() -> Iterator[dict[str, Any]]:
    """Yield the weight and first-render rows (see benchmarks/__main__.py)."""
    import logging
    import tempfile

    from webapp import create_app

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    page = localise_assets(folium_page("ja"), "/static/vendor")
    page = page.replace("</body>", PROBE + "</body>")
    servers = [
        _serve(create_app({"DATA_DIR": str(DATA_DIR)})),
        _serve(peer_app(page.encode("utf-8"))),
    ]
    (_, _, ours_url), (_, _, peer_url) = servers
    try:
        with tempfile.TemporaryDirectory() as tmp:
            browser = _driver(Path(tmp))
            try:
                ours_kb, ours_ms = _measure(browser, f"{ours_url}/?lang=ja", "sitingmap-painted")
                peer_kb, peer_ms = _measure(browser, f"{peer_url}/", "map-painted")
            finally:
                browser.quit()
    finally:
        for server, thread, _ in servers:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
    peer_name = "folium.Map of the same layers, Map.save() defaults (tiles=None, assets local)"
    yield {
        "name": "map page: first-load weight (HTML, JS/CSS, default layers; compressed, "
        "headless Chromium)",
        "value": round(ours_kb, 1),
        "unit": "KB",
        "peer": peer_name,
        "peer_value": round(peer_kb, 1),
    }
    yield {
        "name": f"map page: first render, navigation start to map painted (median of {RUNS})",
        "value": round(ours_ms, 1),
        "unit": "ms",
        "peer": peer_name,
        "peer_value": round(peer_ms, 1),
    }
