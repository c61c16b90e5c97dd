"""The pitch sheet printed to PDF by Chromium (DevTools ``Page.printToPDF``): at most two A4
pages, in the page language, with no ``None``, no Python literal and only official links."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.axe import assert_accessible
from webapp.lot_facts import is_official

pytestmark = pytest.mark.browser

FIRM = {
    "industry": "manufacturing",
    "project": "new_site",
    "origin": "outside_prefecture",
    "investment_land": "200000000",
    "investment_building": "600000000",
    "investment_equipment": "300000000",
    "new_hires": "40",
    "new_hires_residents": "30",
    "new_hires_from_outside_prefecture": "8",
}
HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:jp|com|net|org|info)\b", re.I)
URI = re.compile(rb"/URI\s*\(([^)]*)\)")


def _poppler() -> None:
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils not installed (apt-get install poppler-utils)")


def _open_sheet(driver, server: str, lot: str, lang: str, firm: dict[str, str] | None) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{server}/pitch?lot={lot}&lang={lang}&as_of=2021-04-01")
    if firm:
        # post the figures as the search page does: never in the URL
        driver.execute_script(
            """
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/pitch";
            for (const [name, value] of Object.entries(arguments[0])) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
            """,
            {"lot": lot, "lang": lang, "as_of": "2021-04-01", **firm},
        )
        WebDriverWait(driver, 30).until(lambda d: d.find_elements("id", "grant-table"))
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements("css selector", "#pitch-map[data-overlay-ready='true']")
    )


def _print(driver, path: Path) -> tuple[int, str, bytes]:
    """Print the page to ``path``; return its page count, its text and its raw bytes."""
    result = driver.execute_cdp_cmd(
        "Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}
    )
    data = base64.b64decode(result["data"])
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, text, data


def _assert_clean(text: str, data: bytes) -> None:
    assert not re.search(r"\bNone\b|\bnan\b|\bNaN\b", text)
    assert not re.search(r"\[\s*['\"]|['\"]\s*\]|[{}]", text), "a Python or JSON literal"
    assert not re.search(r"(?:^|\s)/\w+/|\w+\.(?:py|yaml|json|gpkg)\b", text), "a file path"
    hosts = {h.lower() for h in HOST.findall(text)}
    assert [h for h in hosts if not is_official(f"https://{h}/")] == []
    links = [u.decode("latin-1") for u in URI.findall(data)]
    assert [u for u in links if u.startswith("http") and not is_official(u)] == []


@pytest.mark.parametrize(
    ("lang", "lot", "firm", "must_see"),
    [
        (
            "ja",
            "inaho/P2-1",
            FIRM,
            ("用地のご提案", "企業立地助成金", "91,000,000円", "076-220-2225", "この区画"),
        ),
        (
            "en",
            "inaho/P2-1",
            FIRM,
            ("Site proposal", "up to ¥91,000,000", "076-220-2225", "This lot", "Expressway"),
        ),
        ("ja", "inaho/P2-1", None, ("用地のご提案", "事実のみ", "所要時間", "区画 P2-1")),
        ("en", "katatsu/3", FIRM, ("Not on sale", "this lot is sold", "Does not meet", "Lot 3")),
    ],
)
def test_pitch_sheet_prints_to_at_most_two_a4_pages(
    live_server: str, driver, artifacts, lang, lot, firm, must_see
) -> None:
    _poppler()
    _open_sheet(driver, live_server, lot, lang, firm)
    if firm is FIRM and lang == "ja":
        assert_accessible(driver)
    name = f"pitch-{lot.replace('/', '-')}-{lang}-{'firm' if firm else 'facts'}"
    driver.save_screenshot(str(artifacts / f"{name}.png"))
    pages, text, data = _print(driver, artifacts / f"{name}.pdf")
    assert 1 <= pages <= 2, f"{pages} pages"
    flat = re.sub(r"\s+", " ", text)
    for phrase in must_see:
        assert phrase in flat, phrase
    _assert_clean(text, data)


def test_the_printed_map_needs_no_javascript(live_server: str, driver, artifacts) -> None:
    """With scripts off, the sheet still prints its map (the server draws it as SVG), and in
    print the interactive map is hidden while the SVG fills the map column."""
    _poppler()
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(f"{live_server}/pitch?lot=inaho/P2-1&lang=en&as_of=2021-04-01")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        svg = driver.find_element("css selector", "#static-map svg.static-map-svg")
        assert svg.is_displayed()
        assert svg.size["width"] > 250
        assert svg.size["height"] == pytest.approx(svg.size["width"] * 2 / 3, abs=2)
        assert not driver.find_element("css selector", ".interactive-map").is_displayed()
        pages, text, _ = _print(driver, artifacts / "pitch-inaho-P2-1-en-no-js.pdf")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    assert 1 <= pages <= 2
    flat = re.sub(r"\s+", " ", text)
    # the map's own labels and legend, as text: lot, park, scale bar, credits
    for phrase in ("Lot P2-1", "Inaho Industrial Park", "200 m", "This lot", "OpenStreetMap"):
        assert phrase in flat, phrase
