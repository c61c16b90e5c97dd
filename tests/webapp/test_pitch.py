"""The printable pitch sheet of one lot, with and without a firm profile, against the real data."""

from __future__ import annotations

import re
from html import unescape

import pytest

from webapp.lot_facts import is_official

ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')
LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')

PRECISION_PARTS = {
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


@pytest.fixture(scope="module")
def client(real_app):
    return real_app.test_client()


def post_sheet(client, lang: str = "en", lot: str = "inaho/P2-1", **extra: str):
    form = {"lot": lot, "lang": lang, "as_of": "2021-04-01", **PRECISION_PARTS, **extra}
    return client.post("/pitch", data=form)


@pytest.fixture(scope="module")
def sheet_en(client) -> str:
    response = post_sheet(client, "en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def visible_text(page: str) -> str:
    """The text a reader sees: no scripts, styles or tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", page))


def row(page: str, programme: str) -> str:
    found = re.search(rf'<tr data-programme="{programme}".*?</tr>', page, re.S)
    assert found is not None, programme
    return found.group(0)


def test_city_general_track_amount(sheet_en: str) -> None:
    # 20 % of 200,000,000 land + 5 % of 900,000,000 building and equipment
    # + 30 resident new hires x 200,000 = 40,000,000 + 45,000,000 + 6,000,000, within the caps
    assert "up to ¥91,000,000" in row(sheet_en, "kanazawa_kigyo_ricchi_joseikin")


def test_prefecture_amount(sheet_en: str) -> None:
    # 20 % of 1,100,000,000 (land + building + equipment) + 8 x 500,000
    assert "¥224,000,000" in row(sheet_en, "ishikawa_kigyo_ricchi_sokushin")


def test_one_line_per_programme(sheet_en: str) -> None:
    table = re.search(r'<table class="grant-table".*?</table>', sheet_en, re.S)
    assert table is not None
    ids = re.findall(r'<tr data-programme="([^"]+)"', table.group(0))
    assert len(ids) == len(set(ids)) >= 4
    # programmes the firm cannot get are named once, below, not given a line each
    excluded = re.search(r'<p class="not-eligible[^"]*" id="not-eligible">.*?</p>', sheet_en, re.S)
    assert excluded is not None
    assert 'data-programme="kanazawa_techno_park_grant"' in excluded.group(0)
    assert not set(ids) & set(re.findall(r'data-programme="([^"]+)"', excluded.group(0)))
    # a tax measure is a line too, but never a cash amount
    assert "Tax relief (not cash)" in row(sheet_en, "national_chiiki_mirai_toshi_zeisei")


def test_combined_total_is_labelled_as_conditional(sheet_en: str) -> None:
    total = re.search(r'<dt id="if-combinable">(.*?)</dt>', sheet_en, re.S)
    assert total is not None
    assert "if they may be combined" in total.group(1)


def test_lot_facts_on_the_date(sheet_en: str) -> None:
    assert "Inaho Industrial Park, lot P2-1" in sheet_en
    # phase 2 went on sale on 2021-04-01
    assert 'data-status="available">Available<' in sheet_en
    assert "illustrative" in sheet_en
    assert 'id="pitch-warning-status"' not in sheet_en
    assert 'id="pitch-warning-criteria"' not in sheet_en


def test_drive_minutes_state_assumed_speeds(sheet_en: str) -> None:
    for kind in ("interchange", "port", "airport", "station"):
        assert f'<tr data-kind="{kind}">' in sheet_en
    assert "assumed speeds" in sheet_en


def test_contact_and_dates(sheet_en: str) -> None:
    assert "Corporate Location Division" in sheet_en
    assert "076-220-2225" in sheet_en
    assert "Lot status as of April 1, 2021" in sheet_en


def test_sheet_has_no_python_literal_none_or_unofficial_link(sheet_en: str) -> None:
    text = visible_text(sheet_en)
    assert not re.search(r"\bNone\b|\bnan\b|\[\s*'|\{", text)
    links = [u for u in LINK.findall(sheet_en) if u.startswith("http")]
    assert links  # the city ordinance at least
    assert [u for u in links if not is_official(u)] == []


def test_sold_lot_is_flagged(client) -> None:
    page = post_sheet(client, "en", lot="inaho/1").get_data(as_text=True)
    assert 'id="pitch-warning-status"' in page
    assert "this lot is sold" in page


def test_lot_failing_the_criteria_is_flagged(client) -> None:
    page = post_sheet(client, "en", land_m2_min="50000").get_data(as_text=True)
    warning = re.search(r'id="pitch-warning-criteria".*?</div>', page, re.S)
    assert warning is not None
    assert "too small" in warning.group(0)


def test_facts_only_sheet_without_a_profile(client) -> None:
    response = client.get("/pitch?lot=inaho/P2-1&lang=en&as_of=2021-04-01")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="facts-only"' in page
    assert 'id="grant-table"' not in page
    assert 'data-kind="interchange"' in page


def test_figures_in_the_url_are_refused(client) -> None:
    response = client.get("/pitch?lot=inaho/P2-1&industry=manufacturing&new_hires=40")
    assert response.status_code == 400
    assert "posted form" in response.get_data(as_text=True)


def test_sheet_in_japanese(client) -> None:
    page = post_sheet(client, "ja").get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "91,000,000円 以内" in page
    assert "市と県の合計（併給できる場合）" in page
    assert "想定速度" in page
    assert "いなほ工業団地 区画 P2-1" in page


def test_sheet_is_printable_and_offline(client, sheet_en: str) -> None:
    urls = ASSET_URL.findall(sheet_en)
    # static URLs carry a content fingerprint (webapp/assets.py): name.<12 hex>.ext
    assert any(re.fullmatch(r"/static/pitch\.[0-9a-f]{12}\.css", u) for u in urls)
    assert [u for u in urls if u.startswith(("http://", "https://", "//"))] == []
    css = client.get("/static/pitch.css")
    assert "@media print" in css.get_data(as_text=True)
    css.close()


def test_unknown_lot_is_a_404_page(client) -> None:
    response = post_sheet(client, "en", lot="atlantis/1")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "There is no lot at this address." in response.get_data(as_text=True)


def test_invalid_profile_is_a_400_page_listing_every_problem(client) -> None:
    response = post_sheet(
        client, "en", industry="mining", land_m2_min="9000", land_m2_max="100", new_hires="many"
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    problems = " ".join(re.findall(r"<li>(.*?)</li>", response.get_data(as_text=True)))
    assert "Industry: Choose one of the listed options." in problems
    assert "New hires: Enter a whole number." in problems
    assert "Area at most (m²): The largest area must be at least the smallest area" in problems


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"lot": ""}, "lot is required"),
        ({"as_of": "2021-02-30"}, "as_of"),
        ({"colour": "red"}, "colour"),
        ({"new_hires": "9" * 4000}, "new_hires"),  # a 4,000-digit integer: 400, not 500
        ({"investment_land": "9" * 150}, "Land cost (yen): Enter a whole number"),
    ],
)
def test_bad_pitch_requests_are_400(client, form: dict, message: str) -> None:
    response = post_sheet(client, "en", **form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
