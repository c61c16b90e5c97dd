"""The page language follows the browser's Accept-Language; the switch overrides it.

This caught a real bug: the map's API calls carry ``?lang=`` and used to pin the negotiated
language in the cookie, so a browser's language change was ignored afterwards.
"""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import accept_language

pytestmark = pytest.mark.browser


def _wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_language_follows_accept_language(live_server: str, driver, artifacts) -> None:
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")  # a fresh tab: no emulation left by earlier tests
    driver.get(f"{live_server}/sources")
    driver.delete_all_cookies()  # forget any ?lang= choice of earlier tests
    try:
        driver.get(f"{live_server}/search")
        assert driver.find_element("tag name", "html").get_attribute("lang") == "ja"
        assert driver.find_element("css selector", "h1").text == "条件に合う区画をさがす"
        accept_language(driver, "en-US,en;q=0.9")
        driver.get(f"{live_server}/search")
        assert driver.find_element("tag name", "html").get_attribute("lang") == "en"
        assert driver.find_element("css selector", "h1").text == "Find lots that fit your project"
        # the switch overrides the browser and is remembered
        driver.find_element("id", "lang-switch").click()
        _wait(driver, lambda d: d.find_element("tag name", "html").get_attribute("lang") == "ja")
        driver.get(f"{live_server}/sources")
        assert driver.find_element("tag name", "html").get_attribute("lang") == "ja"
        driver.save_screenshot(str(artifacts / "sources-ja.png"))
        assert_accessible(driver)
    finally:
        accept_language(driver, None)
        driver.delete_all_cookies()
        driver.close()
        driver.switch_to.window(first_tab)
