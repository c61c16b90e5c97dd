"""The search page in a real headless Chromium: fill, submit, cards, map highlight, 400s."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


DEPOT = {
    "land_m2_min": "3000",
    "land_m2_max": "6000",
    "investment_land": "60000000",
    "investment_building": "120000000",
    "investment_equipment": "20000000",
    "new_hires": "6",
    "new_hires_residents": "4",
    "max_minutes_interchange": "8",
}
DEPOT_CHOICES = {
    "industry": "logistics_wholesale",
    "project": "new_site",
    "origin": "inside_city",
}


@pytest.fixture
def server(live_server: str) -> str:
    """The shared live app (its demand log is a temporary file)."""
    return live_server


def _wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _open_search(driver, server: str, lang: str = "en") -> None:
    driver.get(f"{server}/search?lang={lang}")
    _wait(driver, lambda d: d.find_elements("css selector", "#search-map[data-ready='true']"))


def _set(driver, name: str, value: str) -> None:
    field = driver.find_element("name", name)
    field.clear()
    field.send_keys(value)


def _fill_depot(driver) -> None:
    from selenium.webdriver.support.ui import Select

    for name, value in DEPOT_CHOICES.items():
        Select(driver.find_element("name", name)).select_by_value(value)
    for name, value in DEPOT.items():
        _set(driver, name, value)
    # a date input's typing order depends on the locale; set the ISO value directly
    driver.execute_script("document.getElementById('as_of').value = '2021-04-01';")


def _submit_and_wait(driver) -> None:
    driver.execute_script("document.getElementById('results').removeAttribute('data-loaded');")
    driver.find_element("id", "search-submit").click()
    _wait(
        driver,
        lambda d: (
            d.find_elements("css selector", "#results[data-loaded='true']")
            or d.find_element("id", "profile-form-problems").is_displayed()
        ),
    )


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_search_shows_cards_within_the_drive_limit(server: str, driver) -> None:
    driver.get_log("browser")  # drop entries from earlier tests
    _open_search(driver, server)
    _fill_depot(driver)
    _submit_and_wait(driver)
    cards = driver.find_elements("css selector", "#matches .result-card")
    assert len(cards) >= 1
    for card in cards:
        item = card.find_element("css selector", "ul.drive li[data-kind='interchange']")
        assert float(item.get_attribute("data-minutes")) <= 8
        assert "✓" in card.find_element("css selector", "ul.checks").text
        assert "Pitch sheet" in card.find_element("css selector", ".card-actions").text
    notes = driver.find_element("id", "result-notes").text
    assert "illustrative" in notes
    assert "assumed speeds" in driver.find_element("id", "illustrative-banner").text
    assert _severe(driver) == []


def test_clicking_a_card_highlights_its_lots(server: str, driver, artifacts) -> None:
    _open_search(driver, server)
    _fill_depot(driver)
    _submit_and_wait(driver)
    card = driver.find_elements("css selector", "#matches .result-card")[0]
    lots = card.get_attribute("data-lots").split()
    card.click()
    _wait(driver, lambda _d: "selected" in card.get_attribute("class"))
    highlighted = driver.execute_script("return window.sitingSearch.highlighted;")
    assert highlighted == lots
    _wait(
        driver,
        lambda d: (
            d.find_element("id", "search-map").get_attribute("data-highlighted") == " ".join(lots)
        ),
    )
    expected = driver.execute_script("return window.sitingSearch.highlightColour;")
    # the highlighted lot is drawn as an SVG path in that colour
    paths = driver.find_elements("css selector", f"#search-map path[stroke='{expected}']")
    assert len(paths) >= len(lots)
    driver.save_screenshot(str(artifacts / "search-highlight-en.png"))
    assert _severe(driver) == []


def test_pitch_button_posts_the_figures_to_the_sheet(server: str, driver, artifacts) -> None:
    _open_search(driver, server)
    _fill_depot(driver)
    _submit_and_wait(driver)
    form = driver.find_element("css selector", "#matches .result-card form.pitch-form")
    assert form.get_attribute("method") == "post"
    # open the sheet in this tab (the button opens a new one)
    driver.execute_script("arguments[0].removeAttribute('target'); arguments[0].submit();", form)
    _wait(
        driver, lambda d: d.find_elements("css selector", "#pitch-map[data-overlay-ready='true']")
    )
    assert "?" not in driver.current_url  # no figure travelled in the URL
    assert "076-220-2225" in driver.find_element("id", "contact").text
    assert driver.find_elements("id", "grant-table")
    assert driver.find_elements("css selector", "#pitch-map path")
    driver.save_screenshot(str(artifacts / "pitch-from-search-en.png"))
    assert _severe(driver) == []


def test_invalid_form_shows_each_problem_next_to_its_field(server: str, driver, artifacts) -> None:
    from selenium.webdriver.support.ui import Select

    _open_search(driver, server)
    _fill_depot(driver)
    _set(driver, "land_m2_min", "9000")  # above the maximum of 6000
    driver.get_log("browser")
    _submit_and_wait(driver)
    box = driver.find_element("id", "profile-form-problems")
    assert box.is_displayed()
    note = driver.find_element("id", "land_m2_max-error")
    assert note.is_displayed()
    assert "at least the smallest area (9,000 m²)" in note.text
    assert driver.find_element("name", "land_m2_max").get_attribute("aria-invalid") == "true"
    assert driver.find_elements("css selector", "#results .result-card") == []
    assert (
        Select(driver.find_element("name", "industry")).first_selected_option.get_attribute("value")
        == "logistics_wholesale"
    )
    assert driver.find_element("name", "land_m2_min").get_attribute("value") == "9000"
    assert driver.find_element("name", "land_m2_max").get_attribute("value") == "6000"
    assert driver.find_element("name", "investment_land").get_attribute("value") == "60000000"
    assert driver.find_element("id", "as_of").get_attribute("value") == "2021-04-01"
    driver.save_screenshot(str(artifacts / "search-problems-en.png"))
    # Chromium logs the 400 answer itself as a failed resource; nothing else may be severe
    severe = [e for e in _severe(driver) if "/api/match" not in e["message"]]
    assert severe == []


def test_japanese_page_in_the_browser(server: str, driver) -> None:
    _open_search(driver, server, lang="ja")
    assert driver.find_element("css selector", "html").get_attribute("lang") == "ja"
    assert "区画割りは例示です" in driver.find_element("id", "illustrative-banner").text
    _fill_depot(driver)
    _submit_and_wait(driver)
    card = driver.find_elements("css selector", "#matches .result-card")[0]
    assert "分" in card.find_element("css selector", "ul.drive").text
    assert "提案書" in card.text
    assert "区画" in card.find_element("css selector", "h3").text
    assert _severe(driver) == []
