"""A real server (werkzeug in a thread) and a headless Debian Chromium driven by selenium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from parks.data import gpkg_path
from tests.conftest import DATA_DIR
from tests.shapes import write_dataset

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data/ when built, else the hand-built layers (so CI always has a map)."""
    if gpkg_path(DATA_DIR).exists():
        return DATA_DIR
    return write_dataset(tmp_path_factory.mktemp("browser-data"))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the real app on 127.0.0.1 and a free port; yield its base URL."""
    from werkzeug.serving import make_server

    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(_data_dir(tmp_path_factory)),
            "DEMAND_LOG": str(tmp_path_factory.mktemp("demand") / "demand_log.jsonl"),
        }
    )
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
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(str(CHROMEDRIVER))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
