"""axe-core WCAG 2 A/AA over every page a person can reach, in headless Chromium.

Public pages, the map, the planner and its report, the pitch sheet, the enquiry form (and its
refusal), the API docs, error pages, and the staff workspace signed in as an administrator (lots,
a lot with its history, leads, a lead, accounts, the audit log, the lot import with a refusal
and a dry-run diff). Japanese everywhere (the default language), English on a sample of pages
whose text differs in structure. Pages other browser tests already check with axe (search,
lot, park, compare, shortlist, sources) are not repeated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.axe import axe_violations, describe
from tests.browser.conftest import serving
from tests.conftest import DATA_DIR, FIRM_FORM
from tests.shapes import PLANNER_AREA
from tests.webapp.staff_helpers import PASSWORD, seed_workspace, staff_test_app

pytestmark = pytest.mark.browser

AREA = PLANNER_AREA

PUBLIC = (
    "/",
    "/pitch?lot=inaho/P2-1&as_of=2021-04-01",
    "/inquiry",
    "/planner/",
    "/planner/vacancy?as_of=2021-04-01",
    "/api/docs",
    "/staff/login",
    "/no-such-page",
)
"""Public pages not already checked with axe by the other browser tests (every error page shares
one template: one is checked)."""

POSTED = (
    ("/pitch", {"lot": "inaho/P2-1", "as_of": "2021-04-01", **FIRM_FORM}),
    ("/lots/inaho/P2-1", {**FIRM_FORM, "industry": "", "land_m2_max": "100", "new_hires": "x"}),
    ("/planner/assess", {"geojson": json.dumps(AREA)}),
    ("/planner/assess", {"geojson": "{not json"}),
)
"""Pages reached by a form: grants for a firm, a refused profile, a planner report, a refusal."""

STAFF = (
    "/staff/",
    "/staff/lots?status=negotiating",  # the table of all 400-odd lots takes axe long
    "/staff/lots/inaho/4",
    "/staff/leads",
    "/staff/leads/1",
    "/staff/users",
    "/staff/audit",
    "/staff/import",
    "/staff/lots/atlantis/1",
)
"""The staff workspace as an administrator sees it."""

ENGLISH = (
    "/inquiry",
    "/api/docs",
    "/no-such-page",
    "/staff/",
    "/staff/lots/inaho/4",
    "/staff/leads/1",
    "/staff/audit",
)
"""English pages checked too (the map, planner and pitch pages have the same structure in both
languages and are slow to check twice)."""

MAP_READY = "const m = document.getElementById('map'); return m && m.getAttribute('data-ready');"


def _wait(driver, condition, timeout: float = 60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


@pytest.fixture(scope="module")
def axe_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app with a store: accounts, a lead with lots of interest, a lot with a history."""
    app = staff_test_app(tmp_path_factory, "axe", PLANNER_CELL_M=250.0)
    assert seed_workspace(app) == 1
    with serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser(driver, axe_server: str):  # noqa: ARG001 - the server outlives the sign-in
    """The session's Chromium, cookies cleared before and after (a staff sign-in stays here)."""
    driver.delete_all_cookies()
    yield driver
    driver.delete_all_cookies()


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def _settle(driver) -> None:
    """Wait for what scripts draw: the map, the planner's draw tools."""
    if driver.find_elements("id", "map"):
        assert _wait(driver, lambda d: d.execute_script(MAP_READY)) == "true"
    if driver.find_elements("id", "planner-map"):
        _wait(driver, lambda d: d.find_elements("css selector", ".leaflet-draw-draw-polygon"))


def _check(driver, what: str) -> None:
    _settle(driver)
    violations = axe_violations(driver)
    assert not violations, f"{what}:\n{describe(violations)}"


def _post(driver, url: str, form: dict[str, str]) -> None:
    """Submit ``form`` to ``url`` from the page, as a browser form does."""
    driver.execute_script(
        """
        const form = document.createElement("form");
        form.method = "post";
        form.action = arguments[0];
        for (const [name, value] of Object.entries(arguments[1])) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            input.value = value;
            form.appendChild(input);
        }
        document.body.appendChild(form);
        HTMLFormElement.prototype.submit.call(form);
        """,
        url,
        form,
    )


def _sign_in(driver, base: str) -> None:
    driver.get(f"{base}/staff/?lang=ja")
    if "/staff/login" not in driver.current_url:
        return
    driver.find_element("name", "name").send_keys("admin1")
    driver.find_element("name", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "form.stack button[type=submit]").click()
    _wait(driver, lambda d: "/staff/login" not in d.current_url)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_page_meets_wcag(browser, axe_server: str, url: str) -> None:
    browser.get(axe_server + _with_lang(url, "ja"))
    _check(browser, url)


@pytest.mark.parametrize(
    ("url", "form"), POSTED, ids=[f"{u}-{i}" for i, (u, _) in enumerate(POSTED)]
)
def test_posted_page_meets_wcag(browser, axe_server: str, url: str, form: dict) -> None:
    browser.get(f"{axe_server}/sources?lang=ja")
    _post(browser, url, form)
    _wait(browser, lambda d: "/sources" not in d.current_url)
    _check(browser, f"POST {url}")


def test_refused_enquiry_meets_wcag(browser, axe_server: str) -> None:
    browser.get(f"{axe_server}/inquiry?lang=ja")
    browser.find_element("name", "land_m2_min").send_keys("x")
    browser.execute_script(
        "HTMLFormElement.prototype.submit.call(document.querySelector('form[method=post]'));"
    )
    _wait(browser, lambda d: d.find_elements("css selector", "[role=alert]"))
    _check(browser, "POST /inquiry")


@pytest.mark.parametrize("url", ENGLISH)
def test_english_page_meets_wcag(browser, axe_server: str, url: str) -> None:
    if url.startswith("/staff/"):
        _sign_in(browser, axe_server)
    browser.get(axe_server + _with_lang(url, "en"))
    _check(browser, f"{url} (English)")
    browser.get(f"{axe_server}/sources?lang=ja")  # back to Japanese for the next pages


def test_refused_sign_in_meets_wcag(browser, axe_server: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{axe_server}/staff/login?lang=ja")
    browser.find_element("name", "name").send_keys("admin1")
    browser.find_element("name", "password").send_keys("wrong")
    browser.find_element("css selector", "form.stack button[type=submit]").click()
    _wait(browser, lambda d: d.find_elements("css selector", "[role=alert]"))
    _check(browser, "refused sign-in")


@pytest.mark.parametrize("url", STAFF)
def test_staff_page_meets_wcag(browser, axe_server: str, url: str) -> None:
    _sign_in(browser, axe_server)
    browser.get(axe_server + _with_lang(url, "ja"))
    _check(browser, url)


def test_staff_refusal_and_import_diff_meet_wcag(browser, axe_server: str, tmp_path: Path) -> None:
    from parks.data import load_layers

    _sign_in(browser, axe_server)
    browser.get(f"{axe_server}/staff/lots/inaho/4?lang=ja")
    form = browser.find_element("id", "edit-lot")
    form.find_element("name", "price_per_m2").clear()
    form.find_element("name", "price_per_m2").send_keys("cheap")
    form.find_element("css selector", "button[type=submit]").click()
    _wait(browser, lambda d: d.find_elements("css selector", "[role=alert]"))
    _check(browser, "refused lot edit")

    lots = load_layers(DATA_DIR).lots_of("katatsu")[["park_id", "lot_no", "status", "geometry"]]
    lots = lots.reset_index(drop=True)
    bad = lots.copy()
    bad.loc[1, "status"] = "gone"
    good = lots.copy()
    good.loc[0, "status"] = "available"
    for name, frame, done in (
        ("bad.geojson", bad, "[role=alert]"),
        ("good.geojson", good, "#import-map .leaflet-interactive"),
    ):
        path = tmp_path / name
        path.write_text(frame.to_json(), encoding="utf-8")
        browser.get(f"{axe_server}/staff/import?lang=ja")
        browser.find_element("name", "file").send_keys(str(path))
        browser.find_element("css selector", "form.stack button[type=submit]").click()
        _wait(browser, lambda d, done=done: d.find_elements("css selector", done))
        _check(browser, f"import of {name}")
