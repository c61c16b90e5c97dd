"""A real server (werkzeug in a thread) and a headless Debian Chromium driven by selenium.

One server and one browser serve the whole session. The browser asks for Japanese first
(``--lang=ja`` and the ``intl.accept_languages`` preference), as a Japanese user's does;
tests that need English say ``?lang=en`` or use :func:`accept_language`. A ``?lang=``
choice is remembered in a cookie, so a test that relies on ``Accept-Language`` clears the
cookies first. Screenshots go to :func:`artifacts` (``tests/artifacts/``, git-ignored;
``SITING_ARTIFACTS`` moves it).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from parks.data import gpkg_path
from tests.conftest import DATA_DIR
from tests.shapes import write_dataset
from tests.webapp.staff_helpers import PASSWORD, make_accounts

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
BROWSER_LANGUAGES = "ja,en-US;q=0.8,en;q=0.6"
"""What the session's Chromium sends as Accept-Language (a Japanese user's browser)."""


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder where browser tests save screenshots and PDFs (kept after the run)."""
    folder = Path(os.environ.get("SITING_ARTIFACTS", ARTIFACTS))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def accept_language(driver, languages: str | None) -> None:
    """Make the browser send ``languages`` as Accept-Language (None: back to its own).

    DevTools adds the header to every request the tab makes.
    """
    driver.execute_cdp_cmd("Network.enable", {})
    headers = {"Accept-Language": languages} if languages else {}
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": headers})


def sign_in_browser(driver, base: str, name: str = "staff1") -> None:
    """Sign ``name`` in through the real sign-in form (no-op when already signed in)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/staff/?lang=en")
    if "/staff/login" not in driver.current_url:
        return
    driver.find_element("name", "name").send_keys(name)
    driver.find_element("name", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "form.stack button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/staff/login" not in d.current_url)


def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data/ when built, else the hand-built layers (so CI always has a map)."""
    if gpkg_path(DATA_DIR).exists():
        return DATA_DIR
    return write_dataset(tmp_path_factory.mktemp("browser-data"))


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 and a free port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the real app on 127.0.0.1 and a free port; yield its base URL."""
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(_data_dir(tmp_path_factory)),
            "DEMAND_LOG": str(tmp_path_factory.mktemp("demand") / "demand_log.jsonl"),
        }
    )
    make_accounts(app)  # staff1 and admin1 (password PASSWORD): see sign_in_browser
    with serving(app) as base:
        yield base


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory):
    """Headless Chromium with no network side traffic; skipped only if it is not installed."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
        )
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
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        "--lang=ja",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": BROWSER_LANGUAGES})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(str(CHROMEDRIVER))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
