"""The map in a real headless Chromium: it draws, toggles, shows tooltips, and logs no errors."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from shapely.geometry import shape
from shapely.ops import polylabel

from webapp.text import ILLUSTRATIVE_LOT_LABEL

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/siting-map.png")

MAP_JS = "const map = window[document.querySelector('.folium-map').id];"
LOT_LAYERS_JS = (
    MAP_JS
    + """
    const lots = [];
    map.eachLayer(l => {
        if (l.feature && l.feature.properties && l.feature.properties.status_label !== undefined) {
            lots.push(l);
        }
    });
    """
)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _open(driver, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".leaflet-container"))
    )
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(LOT_LAYERS_JS + "return lots.length;") > 0
    )


def _drawn_lot_count(driver) -> int:
    return driver.execute_script(
        LOT_LAYERS_JS
        + """
        return lots.filter(l => map.hasLayer(l) && l._path
            && document.body.contains(l._path) && l._path.tagName === 'path').length;
        """
    )


def test_map_draws_every_lot_as_svg_path(live_server: str, driver) -> None:
    expected = len(_get_json(f"{live_server}/api/lots")["features"])
    _open(driver, f"{live_server}/")
    assert driver.find_element("css selector", ".leaflet-container")
    assert _drawn_lot_count(driver) == expected
    svg_paths = driver.find_elements("css selector", ".leaflet-overlay-pane svg path")
    assert len(svg_paths) >= expected
    driver.save_screenshot(str(SCREENSHOT))


def test_layer_control_toggles_lots(live_server: str, driver) -> None:
    _open(driver, f"{live_server}/?lang=en")
    before = _drawn_lot_count(driver)
    labels = driver.find_elements("css selector", ".leaflet-control-layers-overlays label")
    (lots_label,) = [label for label in labels if label.text.strip() == "Lots"]
    checkbox = lots_label.find_element("css selector", "input")
    checkbox.click()
    assert _drawn_lot_count(driver) == 0
    checkbox.click()
    assert _drawn_lot_count(driver) == before


def test_lot_tooltip_shows_illustrative_label(live_server: str, driver) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    features = _get_json(f"{live_server}/api/lots")["features"]
    # hover the point deepest inside any illustrative lot, clear of roads and route lines
    lots = [shape(f["geometry"]) for f in features if f["properties"]["is_illustrative"]]
    deepest = [
        polylabel(g, tolerance=1e-6) if g.geom_type == "Polygon" else g.representative_point()
        for g in lots
    ]
    depth = [
        g.exterior.distance(p) if g.geom_type == "Polygon" else 0.0
        for g, p in zip(lots, deepest, strict=True)
    ]
    k = max(range(len(lots)), key=depth.__getitem__)
    lot = [f for f in features if f["properties"]["is_illustrative"]][k]
    inside = deepest[k]
    _open(driver, f"{live_server}/?lang=en")
    # zoom to the lot, then find the pixel of a point inside it
    x, y, width, height = driver.execute_script(
        MAP_JS
        + """
        const [lng, lat] = arguments[0];
        map.setView([lat, lng], 17, {animate: false});
        const p = map.latLngToContainerPoint([lat, lng]);
        const box = map.getContainer().getBoundingClientRect();
        return [p.x, p.y, box.width, box.height];
        """,
        [inside.x, inside.y],
    )
    container = driver.find_element("css selector", ".folium-map")
    ActionChains(driver).move_to_element_with_offset(
        container, int(x - width / 2), int(y - height / 2)
    ).pause(0.2).move_by_offset(1, 1).perform()
    tooltip = WebDriverWait(driver, 10).until(
        lambda d: next(
            (t for t in d.find_elements("css selector", ".leaflet-tooltip") if t.is_displayed()),
            None,
        )
    )
    assert lot["properties"]["lot_id"] in tooltip.text
    assert ILLUSTRATIVE_LOT_LABEL in tooltip.text


def test_english_page(live_server: str, driver) -> None:
    _open(driver, f"{live_server}/?lang=en")
    assert driver.find_element("css selector", "html").get_attribute("lang") == "en"
    assert "Kanazawa industrial parks" in driver.find_element("css selector", "h1").text
    overlays = driver.find_element("css selector", ".leaflet-control-layers-overlays").text
    assert "Lots" in overlays
    assert "Industrial parks" in overlays
    assert "区画" not in overlays
    switch = driver.find_element("id", "lang-switch")
    assert switch.text == "日本語"


def test_no_console_errors(live_server: str, driver) -> None:
    driver.get_log("browser")  # drop entries from earlier tests
    for url in (f"{live_server}/", f"{live_server}/?lang=en"):
        _open(driver, url)
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
