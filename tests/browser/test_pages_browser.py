"""The public pages in a real headless Chromium, in Japanese and English: language
negotiation, the search (ranked results in 2021, the sold-out notice today), lot, park,
compare, shortlist, sources, and WCAG 2 A/AA checks with axe-core on each page."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

LOGISTICS = {
    "industry": "logistics_wholesale",
    "project": "new_site",
    "origin": "inside_city",
    "land_m2_min": "3000",
    "land_m2_max": "6000",
    "investment_land": "60000000",
    "investment_building": "120000000",
    "new_hires": "6",
    "new_hires_residents": "4",
}


def _wait(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _map_ready(driver, map_id: str) -> None:
    _wait(driver, lambda d: d.find_elements("css selector", f"#{map_id}[data-ready='true']"))


def _search(driver, server: str, lang: str, as_of: str) -> None:
    from selenium.webdriver.support.ui import Select

    driver.get(f"{server}/search?lang={lang}")
    _wait(driver, lambda d: d.find_elements("css selector", "#search-map[data-ready='true']"))
    for name, value in LOGISTICS.items():
        field = driver.find_element("name", name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)
    driver.execute_script("document.getElementById('as_of').value = arguments[0];", as_of)
    driver.execute_script("document.getElementById('results').removeAttribute('data-loaded');")
    driver.find_element("id", "search-submit").click()
    _wait(driver, lambda d: d.find_elements("css selector", "#results[data-loaded='true']"))
    _wait(driver, lambda d: d.find_elements("css selector", "#search-map[data-results='true']"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_search_ranks_lots_on_sale_in_april_2021(live_server: str, driver, artifacts, lang) -> None:
    driver.get_log("browser")
    _search(driver, live_server, lang, "2021-04-01")
    cards = driver.find_elements("css selector", "#matches .result-card")
    assert len(cards) >= 2
    scores = [float(c.find_element("css selector", "dd.score").text) for c in cards]
    assert scores == sorted(scores, reverse=True)
    assert not driver.find_elements("id", "sold-out-notice")
    # every card links its lot page, by name not by id
    first = cards[0]
    assert (
        first.find_element("css selector", "a.lot-link")
        .get_attribute("href")
        .startswith(f"{live_server}/lots/")
    )
    assert "/" not in first.find_element("css selector", "h3").text
    driver.save_screenshot(str(artifacts / f"search-2021-{lang}.png"))
    assert_accessible(driver)
    assert _severe(driver) == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_search_today_says_nothing_is_on_sale(live_server: str, driver, artifacts, lang) -> None:
    _search(driver, live_server, lang, dt.date.today().isoformat())
    notice = driver.find_element("id", "sold-out-notice")
    assert notice.is_displayed()
    text = notice.text
    assert ("分譲中の区画はありません" if lang == "ja" else "No lot is on sale") in text
    assert notice.get_attribute("data-latest-record")  # the date of the record it rests on
    assert "076-220-2225" in text
    inquiry = notice.find_element("css selector", "a.inquiry-link")
    assert inquiry.get_attribute("href").endswith("/inquiry")
    assert not driver.find_elements("css selector", "#matches .result-card")
    near = driver.find_elements("css selector", "#near-misses .result-card")
    assert near
    sold = "から分譲済" if lang == "ja" else "Sold since"
    for card in near:
        assert sold.lower() in card.find_element("css selector", "li.fail").text.lower()
    near_ids = {c.get_attribute("data-lots") for c in near}
    planned_ids = {
        c.get_attribute("data-lots")
        for c in driver.find_elements("css selector", "#planned .result-card")
    }
    assert not near_ids & planned_ids  # planned stock is listed once
    driver.save_screenshot(str(artifacts / f"search-sold-out-{lang}.png"))
    assert_accessible(driver)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lot_page(live_server: str, driver, artifacts, lang) -> None:
    driver.get(f"{live_server}/lots/inaho/P2-1?lang={lang}&as_of=2021-04-01")
    _map_ready(driver, "lot-map")
    assert driver.find_element("tag name", "html").get_attribute("lang") == lang
    assert driver.find_element("id", "lot-status").text == (
        "分譲中" if lang == "ja" else "Available"
    )
    verified = driver.find_element("id", "status-verified").text
    assert ("2021年4月1日" if lang == "ja" else "April 1, 2021") in verified
    # map-core draws the basemap, the park and its lots; the page adds the lot's own routes
    _wait(driver, lambda d: d.find_elements("css selector", "#lot-map[data-overlay-ready='true']"))
    paths = driver.find_elements("css selector", "#lot-map path")
    assert len(paths) > 30
    assert driver.find_elements("css selector", "#lot-map .leaflet-sm-overlay-pane path")
    assert (
        driver.execute_script(
            "return document.getElementById('lot-map').getAttribute('data-highlighted');"
        )
        == "inaho/P2-1"
    )
    assert len(driver.find_elements("css selector", "#access tbody tr")) == 4
    assert driver.find_elements("css selector", "#unknowns li")
    assert_accessible(driver)
    driver.save_screenshot(str(artifacts / f"lot-{lang}.png"))
    # grants for a firm's figures, posted from the page's own form
    from selenium.webdriver.support.ui import Select

    driver.execute_script("document.querySelector('details.grant-form').open = true;")
    for name, value in LOGISTICS.items():
        field = driver.find_element("name", name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.send_keys(value)
    driver.find_element("css selector", "details.grant-form button[type=submit]").click()
    _wait(driver, lambda d: d.find_elements("id", "grant-table"))
    assert "?" not in driver.current_url.split("/lots/")[1] or "industry" not in driver.current_url
    rows = driver.find_elements("css selector", "#grant-table tbody tr")
    assert len(rows) >= 2
    assert_accessible(driver)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_park_page(live_server: str, driver, artifacts, lang) -> None:
    driver.get(f"{live_server}/parks/inaho?lang={lang}")
    _map_ready(driver, "park-map")
    assert driver.find_element("id", "park-title").text == (
        "いなほ工業団地" if lang == "ja" else "Inaho Industrial Park"
    )
    assert driver.find_element("id", "sold-out").is_displayed()  # every lot is sold today
    assert driver.find_elements("css selector", "#sold-share svg polyline")
    assert len(driver.find_elements("css selector", "#park-history tbody tr")) >= 5
    lots = driver.find_elements("css selector", "#park-lots tbody tr")
    assert len(lots) == 24
    drawn = driver.execute_script(
        "const m = document.getElementById('park-map').sitingMap;"
        "return arguments[0].filter(id => m.lot(id) !== null).length;",
        [
            a.get_attribute("href").split("/lots/")[1]
            for a in driver.find_elements("css selector", "#park-lots tbody a")
        ],
    )
    assert drawn == 24
    driver.save_screenshot(str(artifacts / f"park-{lang}.png"))
    assert_accessible(driver)


def test_compare_page(live_server: str, driver, artifacts) -> None:
    driver.get(
        f"{live_server}/compare?lots=inaho/P2-1,yasuhara/5A-4,techno-park/13&as_of=2021-04-01&lang=en"
    )
    heads = driver.find_elements("css selector", "#compare-table thead th")
    assert [h.text for h in heads] == [
        "Inaho Industrial Park, lot P2-1",
        "Yasuhara Mixed-Industry Industrial Park, lot 5A-4",
        "Kanazawa Techno Park, lot 13",
    ]
    minutes = driver.find_elements("css selector", "#compare-table tr[data-kind='interchange'] td")
    assert len(minutes) == 3
    driver.save_screenshot(str(artifacts / "compare-en.png"))
    assert_accessible(driver)


def test_shortlist_survives_a_reload(live_server: str, driver, artifacts) -> None:
    driver.get(f"{live_server}/lots/inaho/P2-1?lang=ja")
    driver.execute_script("window.localStorage.clear();")
    driver.get(f"{live_server}/lots/inaho/P2-1?lang=ja")
    button = driver.find_element("css selector", "button.shortlist-toggle")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    driver.get(f"{live_server}/parks/katatsu")
    driver.find_elements("css selector", "#park-lots button.shortlist-toggle")[2].click()
    assert driver.find_element("css selector", "[data-shortlist-count]").text == "(2)"
    driver.get(f"{live_server}/shortlist")
    _wait(driver, lambda d: d.find_elements("css selector", "#shortlist-table tbody tr"))
    rows = driver.find_elements("css selector", "#shortlist-table tbody tr")
    assert [r.get_attribute("data-lot") for r in rows] == ["inaho/P2-1", "katatsu/3"]
    driver.refresh()
    _wait(driver, lambda d: d.find_elements("css selector", "#shortlist-table tbody tr"))
    assert len(driver.find_elements("css selector", "#shortlist-table tbody tr")) == 2
    link = driver.find_element("id", "compare-link").get_attribute("href")
    assert link.endswith("/compare?lots=inaho%2FP2-1,katatsu%2F3")
    driver.save_screenshot(str(artifacts / "shortlist-ja.png"))
    assert_accessible(driver)
    driver.find_element(
        "css selector", "button.shortlist-remove[data-shortlist-lot='katatsu/3']"
    ).click()
    _wait(driver, lambda d: len(d.find_elements("css selector", "#shortlist-table tbody tr")) == 1)
    driver.execute_script("window.localStorage.clear();")


def test_error_page_is_accessible_and_translated(live_server: str, driver) -> None:
    driver.get(f"{live_server}/lots/atlantis/1?lang=ja")
    assert driver.find_element("tag name", "h1").text == "404 エラー"
    assert "076-220-2225" in driver.find_element("id", "contact").text
    assert_accessible(driver)
