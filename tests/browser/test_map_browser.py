"""The map page in a real headless Chromium, in Japanese and English: labels, legend, bands,
popups, a date change without reload, the phone layout, and no console errors.

Screenshots go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from shapely.geometry import shape

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}

PANE_PATHS = (
    "return document.querySelectorAll('.leaflet-sm-' + arguments[0] + '-pane path').length;"
)
LAYER_REQUESTS = """
    return performance.getEntriesByType('resource')
        .map(e => e.name.replace(location.origin, ''))
        .filter(n => n.startsWith('/api/layers'));
"""


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def _wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _open(driver, url: str) -> None:
    driver.get(url)
    state = _wait(
        driver,
        lambda d: d.execute_script(
            "const m = document.getElementById('map'); return m && m.getAttribute('data-ready');"
        ),
        timeout=60,
    )
    assert state == "true"


def _screenshot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _layer_requests(driver) -> list[str]:
    return driver.execute_script(LAYER_REQUESTS)


def _inside(rect: dict, box: dict) -> bool:
    cx, cy = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
    return box["x"] <= cx <= box["x"] + box["width"] and box["y"] <= cy <= box["y"] + box["height"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_map_shows_lots_park_labels_and_legend(live_server: str, driver, lang: str) -> None:
    lots = _get_json(f"{live_server}/api/layers/lots?lang={lang}")["features"]
    parks = _get_json(f"{live_server}/api/layers/parks?lang={lang}")["features"]
    _open(driver, f"{live_server}/?lang={lang}")
    assert driver.execute_script(PANE_PATHS, "lots") == len(lots)

    # every park's name is on the map itself, not only on hover
    map_box = driver.find_element("id", "map").rect
    labels = [e for e in driver.find_elements("css selector", ".sm-label") if e.is_displayed()]
    assert sorted(e.text for e in labels) == sorted(f["properties"]["name"] for f in parks)
    assert all(_inside(e.rect, map_box) for e in labels)

    legend = driver.find_element("css selector", ".sm-legend")
    assert legend.is_displayed()
    rows = [e for e in legend.find_elements("css selector", "li[data-status]") if e.is_displayed()]
    statuses = [e.get_attribute("data-status") for e in rows]
    assert statuses[:5] == ["available", "negotiating", "reserved", "sold", "planned"]
    sold = legend.find_element("css selector", "li[data-status='sold']").text
    expected_sold = sum(1 for f in lots if f["properties"]["status"] == "sold")
    assert f"{expected_sold:,}" in sold
    assert ("分譲済" if lang == "ja" else "Sold") in sold

    # drive-time bands, routes and zones start hidden and are not even requested
    requested = _layer_requests(driver)
    assert any(r.startswith("/api/layers/lots") for r in requested)
    hidden = ("/api/layers/bands-", "/api/layers/routes", "/api/layers/zones")
    assert not [r for r in requested if r.startswith(hidden)]
    assert driver.execute_script(PANE_PATHS, "bands-interchange") == 0
    _screenshot(driver, f"map-desktop-{lang}")


def test_english_page_has_no_japanese_controls(live_server: str, driver) -> None:
    _open(driver, f"{live_server}/?lang=en")
    assert driver.find_element("css selector", "html").get_attribute("lang") == "en"
    assert "Kanazawa industrial parks" in driver.find_element("css selector", "h1").text
    controls = driver.find_element("css selector", ".sm-layers").text
    assert "Lots" in controls
    assert "Industrial parks" in controls
    assert "区画" not in controls
    assert driver.find_element("id", "lang-switch").text == "日本語"
    header = driver.find_element("id", "status-date").text
    assert header.startswith("Lot status as of 20")


def test_japanese_header_gives_the_status_date(live_server: str, driver) -> None:
    latest = _get_json(f"{live_server}/api/layers/lots/statuses")["status_date"]
    _open(driver, f"{live_server}/?lang=ja")
    assert driver.find_element("id", "status-date").text == f"{latest} 時点の区画状況"


def test_drive_time_bands_switch_on_with_a_purple_legend(live_server: str, driver) -> None:
    from selenium.webdriver.common.keys import Keys

    config_url = f"{live_server}/?lang=en"
    _open(driver, config_url)
    config = json.loads(driver.find_element("id", "map-config").get_attribute("textContent"))
    band_colours = {row["colour"] for row in config["legend"]["bands"]}
    status_colours = {row["colour"] for row in config["legend"]["statuses"]}
    assert band_colours.isdisjoint(status_colours)

    layers = driver.find_element("css selector", ".sm-layers")
    label = next(
        e for e in layers.find_elements("css selector", "label") if "interchange" in e.text
    )
    label.find_element("css selector", "input").click()
    _wait(driver, lambda d: d.execute_script(PANE_PATHS, "bands-interchange") > 0)
    fills = driver.execute_script(
        "return [...document.querySelectorAll('.leaflet-sm-bands-interchange-pane path')]"
        ".map(p => p.getAttribute('fill'));"
    )
    assert set(fills) <= band_colours
    bands_legend = driver.find_element("css selector", ".sm-legend-bands")
    assert bands_legend.is_displayed()
    assert "Drive time" in bands_legend.text
    assert "min" in bands_legend.text
    _screenshot(driver, "map-bands-en")

    # keyboard: Space on the "no bands" radio hides them again
    none = layers.find_element("css selector", "input[type=radio][value='']")
    none.send_keys(Keys.SPACE)
    _wait(driver, lambda d: d.execute_script(PANE_PATHS, "bands-interchange") == 0)
    assert not bands_legend.is_displayed()


def test_legend_and_layer_control_work_from_the_keyboard(live_server: str, driver) -> None:
    from selenium.webdriver.common.keys import Keys

    _open(driver, f"{live_server}/?lang=ja")
    for selector in (".sm-legend .sm-toggle", ".sm-layers .sm-toggle"):
        toggle = driver.find_element("css selector", selector)
        body = driver.find_element("id", toggle.get_attribute("aria-controls"))
        assert toggle.get_attribute("aria-expanded") == "true"
        toggle.send_keys(Keys.ENTER)
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not body.is_displayed()
        toggle.send_keys(Keys.SPACE)
        assert toggle.get_attribute("aria-expanded") == "true"
        assert body.is_displayed()
    lots_box = driver.find_element("css selector", ".sm-layers input[value='lots']")
    lots_box.send_keys(Keys.SPACE)
    assert driver.execute_script(PANE_PATHS, "lots") == 0
    lots_box.send_keys(Keys.SPACE)
    _wait(driver, lambda d: d.execute_script(PANE_PATHS, "lots") > 0)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lot_popup_links_to_the_lot_page(live_server: str, driver, lang: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    features = _get_json(f"{live_server}/api/layers/lots?lang={lang}")["features"]
    lot = max(features, key=lambda f: shape(f["geometry"]).area)
    inside = shape(lot["geometry"]).representative_point()
    _open(driver, f"{live_server}/?lang={lang}")
    x, y, width, height = driver.execute_script(
        """
        const map = window.sitingMap.map;
        map.setView([arguments[1], arguments[0]], 17, {animate: false});
        const p = map.latLngToContainerPoint([arguments[1], arguments[0]]);
        const box = map.getContainer().getBoundingClientRect();
        return [p.x, p.y, box.width, box.height];
        """,
        inside.x,
        inside.y,
    )
    container = driver.find_element("id", "map")
    ActionChains(driver).move_to_element_with_offset(
        container, int(x - width / 2), int(y - height / 2)
    ).click().perform()
    popup = _wait(driver, lambda d: d.find_element("css selector", ".leaflet-popup-content"))
    # the popup fades in: read its text nodes, not what Selenium deems visible yet
    text = popup.get_attribute("textContent")
    links = {
        a.get_attribute("textContent"): a.get_attribute("href")
        for a in popup.find_elements("css selector", "a")
    }
    lot_id = lot["properties"]["lot_id"]
    lot_link = "区画の詳細" if lang == "ja" else "Lot details"
    park_link = "団地の詳細" if lang == "ja" else "Park details"
    assert links[lot_link] == f"{live_server}/lots/{urllib.parse.quote(lot_id)}"
    assert links[park_link] == f"{live_server}/parks/{lot['properties']['park_id']}"
    if lot["properties"]["illustrative"]:
        assert ("区画割りは例示" if lang == "ja" else "Lot layout is illustrative") in text
    assert lot_id not in text  # ids are not display text
    # zoomed in, the roads come for the visible area only
    _wait(driver, lambda d: any("bbox=" in r for r in _layer_requests(d)))
    _screenshot(driver, f"map-popup-{lang}")


def test_a_new_date_recolours_lots_without_reloading(live_server: str, driver) -> None:
    day = "2021-04-01"
    statuses = _get_json(f"{live_server}/api/layers/lots/statuses?as_of={day}")["statuses"]
    _open(driver, f"{live_server}/?lang=en")
    driver.execute_script("window.__sameDocument = true; performance.clearResourceTimings();")
    driver.execute_script("document.getElementById('as_of').value = arguments[0];", day)
    driver.find_element("id", "as-of-show").click()
    _wait(driver, lambda d: day in d.find_element("id", "status-date").text)
    assert driver.execute_script("return window.__sameDocument === true;")
    assert f"as_of={day}" in driver.current_url
    assert f"as_of={day}" in driver.find_element("id", "lang-switch").get_attribute("href")
    requested = _layer_requests(driver)
    assert [r for r in requested if r.startswith("/api/layers/lots/statuses")]
    assert not [r for r in requested if r.startswith("/api/layers/lots?")]  # shapes kept
    fills = driver.execute_script(
        "return [...document.querySelectorAll('.leaflet-sm-lots-pane path')]"
        ".map(p => p.getAttribute('fill'));"
    )
    available = sum(1 for s in statuses.values() if s == "available")
    assert available > 0
    assert fills.count("#1a9850") == available
    driver.find_element("id", "as-of-latest").click()
    _wait(driver, lambda d: "as_of" not in d.current_url)
    assert driver.execute_script("return window.__sameDocument === true;")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phone_layout_collapses_controls(live_server: str, driver, lang: str) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        _open(driver, f"{live_server}/?lang={lang}")
        toggles = driver.find_elements("css selector", ".sm-toggle")
        assert len(toggles) == 2
        assert [t.get_attribute("aria-expanded") for t in toggles] == ["false", "false"]
        map_box = driver.find_element("id", "map").rect
        assert map_box["width"] == PHONE["width"]
        assert map_box["height"] >= 0.6 * PHONE["height"]
        covered = sum(
            e.rect["width"] * e.rect["height"]
            for e in driver.find_elements("css selector", ".leaflet-control")
            if e.is_displayed()
        )
        assert covered < 0.06 * map_box["width"] * map_box["height"]
        assert driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth;"
        )
        labels = [e for e in driver.find_elements("css selector", ".sm-label") if e.is_displayed()]
        assert len(labels) == len(_get_json(f"{live_server}/api/layers/parks")["features"])
        _screenshot(driver, f"map-phone-{lang}")
        legend = driver.find_element("css selector", ".sm-legend .sm-toggle")
        legend.click()
        assert legend.get_attribute("aria-expanded") == "true"
        _screenshot(driver, f"map-phone-legend-{lang}")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_no_console_errors(live_server: str, driver) -> None:
    driver.get_log("browser")  # drop entries from earlier tests
    for url in (f"{live_server}/", f"{live_server}/?lang=en&as_of=2021-04-01"):
        _open(driver, url)
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def test_module_api_highlights_and_fits_lots(live_server: str, driver) -> None:
    """What other pages use: highlight + fit, and a declarative map with its lot outlined."""
    lot_id = _get_json(f"{live_server}/api/layers/lots")["features"][0]["properties"]["lot_id"]
    _open(driver, f"{live_server}/?lang=ja")
    before = driver.execute_script("return window.sitingMap.map.getZoom();")
    driver.execute_script("return window.sitingMap.highlight([arguments[0]], {fit: true});", lot_id)
    _wait(driver, lambda d: d.find_element("id", "map").get_attribute("data-highlighted") == lot_id)
    _wait(driver, lambda d: d.execute_script("return window.sitingMap.map.getZoom();") > before)
    strokes = driver.execute_script(
        "return [...document.querySelectorAll('.leaflet-sm-lots-pane path')]"
        ".map(p => p.getAttribute('stroke'));"
    )
    assert strokes.count("#d6006f") == 1

    # a second, declarative map (as a lot page would have), with no controls
    driver.execute_script(
        """
        const config = JSON.parse(document.getElementById('map-config').textContent);
        config.focus = {lots: [arguments[0]], parks: []};
        const data = document.createElement('script');
        data.type = 'application/json';
        data.id = 'second-config';
        data.textContent = JSON.stringify(config);
        const box = document.createElement('div');
        box.id = 'second-map';
        box.setAttribute('data-siting-map', 'second-config');
        box.setAttribute('data-controls', 'false');
        box.style.height = '200px';
        document.body.append(data, box);
        SitingMap.createAll();
        """,
        lot_id,
    )
    _wait(driver, lambda d: d.find_element("id", "second-map").get_attribute("data-ready"))
    second = driver.find_element("id", "second-map")
    assert second.get_attribute("data-highlighted") == lot_id
    assert second.find_elements("css selector", ".sm-panel") == []
    assert second.find_elements("css selector", ".sm-label")  # park names still shown
