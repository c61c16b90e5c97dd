"""The printable pitch sheet of one lot for one firm, against the real data."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')

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


def pitch_url(lang: str = "en", lot: str = "inaho/P2-1", **extra: str) -> str:
    query = {"lot": lot, "lang": lang, "as_of": "2021-04-01", **PRECISION_PARTS, **extra}
    return "/pitch?" + urlencode(query)


@pytest.fixture(scope="module")
def sheet_en(client) -> str:
    response = client.get(pitch_url("en"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_city_general_track_amount(sheet_en: str) -> None:
    # 20 % of 200,000,000 land + 5 % of 900,000,000 building and equipment
    # + 30 resident new hires x 200,000 = 40,000,000 + 45,000,000 + 6,000,000, within the caps
    row = re.search(r'<tr data-programme="kanazawa_kigyo_ricchi_joseikin".*?</tr>', sheet_en, re.S)
    assert row is not None
    assert "¥91,000,000" in row.group(0)
    assert "up to ¥91,000,000" in row.group(0)  # 以内: the rates are maxima


def test_prefecture_amount(sheet_en: str) -> None:
    # 20 % of 1,100,000,000 (land + building + equipment) + 8 x 500,000
    row = re.search(r'<tr data-programme="ishikawa_kigyo_ricchi_sokushin".*?</tr>', sheet_en, re.S)
    assert row is not None
    assert "¥224,000,000" in row.group(0)


def test_if_combinable_total_is_labelled(sheet_en: str) -> None:
    block = re.search(r'id="if-combinable">(.*?)</li>', sheet_en, re.S)
    assert block is not None
    assert "IF they can be combined" in block.group(1)


def test_lot_facts_on_the_date(sheet_en: str) -> None:
    assert 'id="lot-id">inaho/P2-1<' in sheet_en
    assert "いなほ工業団地 / Inaho Industrial Park" in sheet_en
    # phase 2 went on sale on 2021-04-01
    assert 'data-status="available">Available<' in sheet_en
    assert "Lot layouts are illustrative" in sheet_en
    assert "Why illustrative" in sheet_en


def test_drive_minutes_state_assumed_speeds(sheet_en: str) -> None:
    for kind in ("interchange", "port", "airport", "station"):
        assert f'<tr data-kind="{kind}">' in sheet_en
    assert "assumed speeds" in sheet_en


def test_tax_measures_are_benefits_not_cash(sheet_en: str) -> None:
    benefits = re.search(r'<ul class="benefits" id="benefits">.*?</section>', sheet_en, re.S)
    assert benefits is not None
    assert 'data-programme="national_chiiki_mirai_toshi_zeisei"' in benefits.group(0)
    table = re.search(r'<table class="programmes".*?</table>', sheet_en, re.S)
    assert table is not None
    assert "national_chiiki_mirai_toshi_zeisei" not in table.group(0)


def test_contact_and_dates(sheet_en: str) -> None:
    import datetime as dt

    assert "金沢市 経済局 企業立地課" in sheet_en
    assert "076-220-2225" in sheet_en
    assert f'id="produced-on">{dt.date.today().isoformat()}<' in sheet_en
    assert 'id="as-of">2021-04-01<' in sheet_en


def test_park_facts(sheet_en: str) -> None:
    assert "good-quality groundwater" in sheet_en  # inaho, city strategy 2021-03
    assert "エル・シー" in sheet_en  # public occupant


def test_sheet_in_japanese(client) -> None:
    page = client.get(pitch_url("ja")).get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "91,000,000円以内" in page
    assert "市と県の助成を併給できる場合の合計" in page
    assert "想定速度" in page


def test_sheet_is_printable_and_offline(client, sheet_en: str) -> None:
    urls = ASSET_URL.findall(sheet_en)
    # static URLs carry a content fingerprint (webapp/assets.py): name.<12 hex>.ext
    assert any(re.fullmatch(r"/static/pitch\.[0-9a-f]{12}\.css", u) for u in urls)
    assert [u for u in urls if u.startswith(("http://", "https://", "//"))] == []
    css = client.get("/static/pitch.css")
    assert "@media print" in css.get_data(as_text=True)
    css.close()


def test_post_form_gives_the_same_sheet(client) -> None:
    form = {"lot": "inaho/P2-1", "lang": "en", "as_of": "2021-04-01", **PRECISION_PARTS}
    response = client.post("/pitch", data=form)
    assert response.status_code == 200
    assert "¥91,000,000" in response.get_data(as_text=True)


def test_unknown_lot_is_a_404_page(client) -> None:
    response = client.get(pitch_url("en", lot="atlantis/1"))
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "atlantis/1" in response.get_data(as_text=True)


def test_invalid_profile_is_a_400_page_listing_every_problem(client) -> None:
    response = client.get(
        pitch_url("en", industry="mining", land_m2_min="9000", land_m2_max="100", new_hires="many")
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    problems = re.findall(r"<li>(.*?)</li>", response.get_data(as_text=True))
    text = " ".join(problems)
    assert "mining" in text
    assert "new_hires must be a whole number" in text
    assert "must be &gt;= min" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/pitch?industry=manufacturing&project=new_site&origin=inside_city", "lot is required"),
        ("/pitch?lot=inaho/P2-1&project=new_site&origin=inside_city", "industry"),
        (pitch_url("en", as_of="2021-02-30"), "as_of"),
        (pitch_url("en", colour="red"), "colour"),
    ],
)
def test_bad_pitch_queries_are_400(client, query: str, message: str) -> None:
    response = client.get(query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
