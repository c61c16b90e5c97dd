"""Script payloads typed into notes, occupant names and lead text never run in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parks.inventory.leads import create_lead
from parks.inventory.workflow import change_lot, lot_detail
from parks.profile import validate_profile
from tests.browser.conftest import serving
from tests.webapp.staff_helpers import PASSWORD, staff_test_app
from webapp import get_store

pytestmark = pytest.mark.browser

PAYLOADS = (
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    '"><svg onload="window.__xss=3">',
    "javascript:window.__xss=4",
)
LOT = "inaho/4"


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = staff_test_app(tmp_path_factory, "xss")
    payload = " ".join(PAYLOADS)
    with app.app_context():
        store = get_store()
        v = lot_detail(store, LOT)["version"]
        r = change_lot(
            store,
            LOT,
            {"status": "available", "notes": payload},
            expected_version=v,
            user="staff1",
            reason=payload[:400],
        )
        r = change_lot(
            store,
            LOT,
            {"status": "reserved", "negotiating_firm": PAYLOADS[0]},
            expected_version=r.version,
            user="staff1",
        )
        change_lot(
            store,
            LOT,
            {"status": "sold", "occupant": PAYLOADS[2]},
            expected_version=r.version,
            user="staff1",
        )
        create_lead(
            store,
            firm=PAYLOADS[0],
            contact_name=PAYLOADS[2],
            contact_email=None,
            contact_phone="076-000-0000",
            profile=validate_profile(
                {"industry": "manufacturing", "project": "new_site", "origin": "outside_prefecture"}
            ),
            message=payload,
            consent=True,
        )
    with serving(app) as base:
        yield base


def _no_script_ran(driver) -> None:
    assert driver.execute_script("return window.__xss === undefined")


def test_payloads_show_as_text_and_never_run(driver, xss_server: str) -> None:
    driver.get(f"{xss_server}/staff/login?lang=en")
    driver.find_element("name", "name").send_keys("staff1")
    driver.find_element("name", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "form.stack button[type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: "/staff/login" not in d.current_url)
    for path, where in (
        (f"/staff/lots/{LOT}", "notes"),
        (f"/staff/lots/{LOT}", "occupant"),
        ("/staff/lots", None),
        ("/staff/leads", "leads"),
        ("/staff/leads/1", "lead-message"),
        ("/staff/", None),
        (f"/api/lots/{LOT}", None),
        ("/?lang=en", None),
    ):
        driver.get(xss_server + path)
        _no_script_ran(driver)
        if where is not None:
            text = driver.find_element("id", where).text
            assert "onerror=" in text or "svg" in text or "script" in text, (path, text[:200])
