"""The search page for firms: form fields, both languages, offline assets, map link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parks.errors import InvalidFirmProfileError
from webapp.profile_form import FIELD_NAMES, profile_from_form, validate_profile_form

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


@pytest.fixture(scope="module")
def client(real_app):
    return real_app.test_client()


@pytest.mark.parametrize(
    ("lang", "title", "industry_label"),
    [
        ("ja", "条件に合う区画をさがす", "一般製造業"),
        ("en", "Find lots that fit your project", "General manufacturing"),
    ],
)
def test_search_page_renders_in_both_languages(client, lang, title, industry_label) -> None:
    response = client.get(f"/search?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert title in page
    assert industry_label in page


def test_search_page_has_every_form_field(client) -> None:
    page = client.get("/search?lang=en").get_data(as_text=True)
    for name in (*FIELD_NAMES, "as_of"):
        assert f'name="{name}"' in page, name
    # the eight schema industries, each once as an option
    options = re.findall(r'<option value="(\w+)"', page)
    for industry in (
        "manufacturing",
        "high_tech_manufacturing",
        "logistics_transport",
        "logistics_wholesale",
        "research",
        "software",
        "design",
        "engineering",
    ):
        assert options.count(industry) == 1


def test_search_page_never_asks_for_the_firm_name(client) -> None:
    page = client.get("/search?lang=en").get_data(as_text=True)
    assert 'name="name"' not in page


def test_as_of_defaults_to_today(client) -> None:
    import datetime as dt

    page = client.get("/search").get_data(as_text=True)
    assert f'id="as_of" name="as_of" value="{dt.date.today().isoformat()}"' in page


def test_search_page_labels_illustrative_lots_and_assumed_speeds(client) -> None:
    ja = client.get("/search?lang=ja").get_data(as_text=True)
    en = client.get("/search?lang=en").get_data(as_text=True)
    assert "区画割りは例示です" in ja
    assert "想定速度" in ja
    assert "Lot layouts are illustrative" in en
    assert "assumed speeds" in en


def test_search_page_uses_only_local_assets(client) -> None:
    page = client.get("/search?lang=ja").get_data(as_text=True)
    urls = ASSET_URL.findall(page)
    # static URLs carry a content fingerprint (webapp/assets.py): name.<12 hex>.ext
    assert any(re.fullmatch(r"/static/search\.[0-9a-f]{12}\.js", u) for u in urls)
    assert any(re.fullmatch(r"/static/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", u) for u in urls)
    assert [u for u in urls if u.startswith(("http://", "https://", "//"))] == []
    for url in urls:
        if url.startswith("data:"):
            continue
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url


def test_search_js_calls_no_remote_host() -> None:
    script = (STATIC / "search.js").read_text(encoding="utf-8")
    assert "http://" not in script
    assert "https://" not in script
    assert "config.urls.match" in script  # endpoints come from the page (url_for)


def test_map_page_links_to_search(client) -> None:
    for lang in ("ja", "en"):
        page = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert 'id="search-link" href="/search"' in page  # the ?lang= choice is in a cookie


@pytest.mark.parametrize(
    ("query", "message"),
    [("?lang=fr", "lang must be"), ("?as_of=2021-13-01", "as_of"), ("?colour=red", "colour")],
)
def test_bad_search_query_is_400(client, query: str, message: str) -> None:
    response = client.get(f"/search{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_form_values_become_a_schema_profile() -> None:
    profile, problems = profile_from_form(
        {
            "industry": "logistics_wholesale",
            "project": "new_site",
            "origin": "inside_city",
            "land_m2_min": "3,000",
            "land_m2_max": "6000",
            "investment_land": "60,000,000",
            "new_hires": "6",
            "max_minutes_interchange": "8",
            "needs_groundwater": "on",
            "regular_employees": "",
        }
    )
    assert problems == []
    assert profile == {
        "industry": "logistics_wholesale",
        "project": "new_site",
        "origin": "inside_city",
        "land_m2": {"min": 3000, "max": 6000},
        "investment_jpy": {"land": 60_000_000},
        "new_hires": 6,
        "max_drive_minutes": {"interchange": 8},
        "needs_groundwater": True,
    }


def test_form_problems_are_all_reported() -> None:
    with pytest.raises(InvalidFirmProfileError) as caught:
        validate_profile_form(
            {
                "industry": "mining",
                "project": "new_site",
                "land_m2_min": "9000",
                "land_m2_max": "100",
                "new_hires": "2.5",
                "investment_land": "lots",
            }
        )
    found = {(p.field, p.message.english()) for p in caught.value.details}
    assert found == {
        ("new_hires", "Enter a whole number."),
        ("investment_jpy.land", "Enter a whole number."),
        ("industry", "Choose one of the listed options."),
        ("origin", "This is required."),
        ("land_m2.max", "The largest area must be at least the smallest area (9,000 m²)."),
    }
