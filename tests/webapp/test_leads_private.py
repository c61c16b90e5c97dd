"""Leads never leave the office: a crawl of every public route and API response finds none."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from tests.webapp.staff_helpers import csrf_token, make_accounts, sign_in
from webapp import create_app

MARKERS = ("ZQLEADFIRM", "zqcontact@example.jp", "ZQSECRETNEED", "ZQNEGFIRM", "ZQSTAFFNOTE")
LEAD_FIELDS = (
    "contact_email",
    "contact_phone",
    "contact_name",
    "negotiating_firm",
    "negotiation_expires",
    "next_action",
)
PRECISION = {
    "industry": "manufacturing",
    "project": "new_site",
    "origin": "outside_prefecture",
    "land_m2_min": "8000",
    "land_m2_max": "15000",
    "investment_land": "200000000",
    "new_hires": "40",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    demand = tmp_path_factory.mktemp("demand") / "demand_log.jsonl"
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(DATA_DIR),
            "STORE_DIR": str(tmp_path_factory.mktemp("store")),
            "DEMAND_LOG": str(demand),
            "RATELIMIT_ENABLED": False,
        }
    )
    make_accounts(app)
    client = app.test_client()
    # a firm sends an enquiry through the public form
    token = csrf_token(client, "/inquiry")
    sent = client.post(
        "/inquiry",
        data={
            "csrf_token": token,
            "firm": MARKERS[0],
            "contact_name": "Sato",
            "contact_email": MARKERS[1],
            "message": MARKERS[2],
            "consent": "yes",
            **PRECISION,
        },
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)[:2000]
    assert MARKERS[0] not in sent.get_data(as_text=True)
    # staff put a lot under negotiation with a firm and note something
    sign_in(client, "staff1")
    page = client.get("/staff/lots/inaho/1").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    token = csrf_token(client, "/staff/lots/inaho/1")
    client.post(
        "/staff/lots/inaho/1",
        data={
            "csrf_token": token,
            "version": version,
            "status": "available",
            "reason": "resale",
            "notes": MARKERS[4],
        },
    )
    page = client.get("/staff/lots/inaho/1").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    moved = client.post(
        "/staff/lots/inaho/1",
        data={
            "csrf_token": token,
            "version": version,
            "status": "negotiating",
            "negotiating_firm": MARKERS[3],
            "negotiation_expires": "2099-01-01",
        },
    )
    assert moved.status_code == 303
    leads = client.get("/staff/leads").get_data(as_text=True)
    assert MARKERS[0] in leads  # staff do see it
    app.config["DEMAND_PATH_FOR_TEST"] = str(demand)
    return app


def public_urls(app) -> list[str]:
    """Every public GET route, with real ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff", "/static")) or "GET" not in rule.methods:
            continue
        url = rule.rule
        url = url.replace("<path:lot_id>", "inaho/1").replace("<lot_id>", "inaho/1")
        url = url.replace("<park_id>", "inaho").replace("<path:park_id>", "inaho")
        if "<" in url:
            continue
        urls.append(url)
    return urls


def test_no_public_page_or_api_shows_a_lead(app) -> None:
    client = app.test_client()
    urls = public_urls(app)
    assert {"/", "/api/lots", "/inquiry"} <= set(urls)
    extra = [
        "/api/lots?status=negotiating",
        "/api/lots/inaho/1",
        "/?lang=en",
        "/search?lang=en",
        "/pitch?lot=inaho/1&lang=en&industry=manufacturing&project=new_site&origin=outside_prefecture",
    ]
    seen = 0
    for url in urls + extra:
        response = client.get(url)
        body = response.get_data(as_text=True)
        if response.status_code == 200:
            seen += 1
        for marker in MARKERS:
            assert marker not in body, (url, marker)
        if response.is_json:  # (the enquiry form itself names its own inputs)
            for field in LEAD_FIELDS:
                assert f'"{field}"' not in body, (url, field)
    assert seen >= 5
    status = client.get("/api/lots/inaho/1").get_json()["properties"]["status"]
    assert status == "negotiating"  # the status is public, the firm is not
    matched = client.post(
        "/api/match",
        json={
            "profile": {
                "industry": "manufacturing",
                "project": "new_site",
                "origin": "outside_prefecture",
            }
        },
    )
    body = matched.get_data(as_text=True)
    assert all(m not in body for m in MARKERS)
    log = Path(app.config["DEMAND_PATH_FOR_TEST"])
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    assert all(m not in text for m in MARKERS)
    # the enquiry itself was not logged as demand
    assert "8000" not in text or json.loads(text.splitlines()[0])


def test_an_enquiry_without_consent_or_with_oversize_text_is_refused(app) -> None:
    client = app.test_client()
    token = csrf_token(client, "/inquiry")
    base = {
        "csrf_token": token,
        "firm": "A",
        "contact_name": "B",
        "contact_email": "a@b.jp",
        **PRECISION,
    }
    assert client.post("/inquiry", data=base).status_code == 400
    big = client.post("/inquiry?lang=en", data={**base, "consent": "yes", "message": "x" * 5000})
    assert big.status_code == 400
    assert "too long" in big.get_data(as_text=True)
    no_csrf = {k: v for k, v in base.items() if k != "csrf_token"}
    assert client.post("/inquiry", data={**no_csrf, "consent": "yes"}).status_code == 400
