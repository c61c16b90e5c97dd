"""The planner page in a real headless Chromium: draw an area, see its assessment; suitability; errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import sign_in_browser
from tests.shapes import PLANNER_AREA

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/siting-planner.png")


def _wait(driver, condition, timeout: float = 60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _open(driver, live_server: str) -> None:
    sign_in_browser(driver, live_server)  # the planner's workspace is for staff only
    driver.get(f"{live_server}/planner/?lang=en")
    _wait(driver, lambda d: d.find_elements("css selector", ".leaflet-draw-draw-polygon"))
    # the city outline fits the view once loaded: draw only when the map has stopped moving
    _wait(
        driver, lambda d: d.find_element("id", "planner-map").get_attribute("aria-busy") == "false"
    )


def _severe_logs(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_draw_an_area_and_see_its_assessment(driver, live_server) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(driver, live_server)
    driver.get_log("browser")
    map_el = driver.find_element("id", "planner-map")
    driver.find_element("css selector", ".leaflet-draw-draw-polygon").click()
    actions = ActionChains(driver)
    for dx, dy in ((-30, -30), (30, -30), (30, 30), (-30, 30), (-30, -30)):
        actions.move_to_element_with_offset(map_el, dx, dy).click().pause(0.3)
    actions.perform()
    _wait(
        driver,
        lambda d: (
            d.find_element("id", "result").is_displayed()
            or d.find_element("id", "planner-errors").is_displayed()
        ),
    )
    driver.save_screenshot(str(SCREENSHOT))
    drawn = json.loads(driver.find_element("id", "area-geojson").get_attribute("value"))
    assert drawn["type"] == "Polygon"
    if driver.find_element("id", "planner-errors").is_displayed():
        # the map's centre may fall outside the city at this zoom; the refusal must say why
        problems = driver.find_element("id", "planner-error-list").text
        assert problems
    else:
        rows = driver.find_elements("css selector", "#result-criteria tr")
        assert len(rows) == 7
        assert "no data" in driver.find_element("css selector", "tr[data-criterion='slope']").text
    assert not _severe_logs(driver)


def test_pasted_area_is_assessed_and_exports_are_ready(driver, live_server) -> None:
    _open(driver, live_server)
    area = PLANNER_AREA
    box = driver.find_element("id", "area-geojson")
    driver.execute_script("arguments[0].value = arguments[1];", box, json.dumps(area))
    driver.find_element("id", "assess-drawn").click()
    _wait(driver, lambda d: d.find_element("id", "result").is_displayed())
    figures = driver.find_element("id", "result-figures").text
    assert "Area (ha)" in figures
    exported = driver.find_element("css selector", "#exports input[name='geojson']").get_attribute(
        "value"
    )
    assert json.loads(exported)["type"] == "Polygon"


def test_a_self_intersecting_area_is_refused_with_the_reason(driver, live_server) -> None:
    _open(driver, live_server)
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[136.64, 36.60], [136.65, 36.61], [136.65, 36.60], [136.64, 36.61], [136.64, 36.60]]
        ],
    }
    box = driver.find_element("id", "area-geojson")
    driver.execute_script("arguments[0].value = arguments[1];", box, json.dumps(bowtie))
    driver.find_element("id", "assess-drawn").click()
    _wait(driver, lambda d: d.find_element("id", "planner-errors").is_displayed())
    assert "crosses itself" in driver.find_element("id", "planner-error-list").text


def test_suitability_layer_shows_candidates(driver, live_server) -> None:
    _open(driver, live_server)
    driver.get_log("browser")  # forget earlier pages' messages
    driver.find_element("id", "show-suitability").click()
    _wait(driver, lambda d: d.find_elements("css selector", ".candidate-list li"), timeout=120)
    assert driver.find_elements("css selector", "img.leaflet-image-layer")
    assert not _severe_logs(driver)
