"""Lot, park, compare, shortlist and sources pages, exports and the contact, on the real data."""

from __future__ import annotations

import json
import re

import pyogrio
import pytest

from parks.contact import load_contact
from webapp.grant_view import original_url
from webapp.lot_facts import is_official

EN = {"Accept-Language": "en"}

FIRM = {
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


@pytest.fixture(scope="module")
def client(real_app):
    return real_app.test_client()


def get(client, url: str, status: int = 200) -> str:
    client.delete_cookie("lang")
    response = client.get(url, headers=EN)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------------ lot page


def test_lot_page_shows_status_verified_on_its_record(client) -> None:
    page = get(client, "/lots/inaho/P2-1?as_of=2021-04-01")
    assert '<h1 id="lot-title">Inaho Industrial Park, lot P2-1</h1>' in page
    assert 'data-status="available">Available<' in page
    # phase 2 of Inaho went on sale on 2021-04-01 (the record the status rests on)
    assert "Status verified on April 1, 2021" in page
    assert len(re.findall(r'<tr data-kind="', page)) == 4
    assert 'id="unknowns"' in page
    assert "Sale price per m²" in page


def test_sold_lot_says_so(client) -> None:
    page = get(client, "/lots/inaho/P2-1")
    assert 'id="not-on-sale"' in page
    assert "This lot is sold" in page
    assert "Status verified on December 26, 2022" in page


def test_lot_page_grants_for_posted_figures(client) -> None:
    response = client.post("/lots/inaho/P2-1", data={**FIRM, "as_of": "2021-04-01"}, headers=EN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="grant-table"' in page
    assert 'id="lot-checks"' in page
    # the small logistics depot: 20 % of 60,000,000 land + 5 % of 120,000,000 building
    # = 12,000,000 + 6,000,000; no new-hire bonus (4 resident hires, 5 needed)
    row = re.search(r'<tr data-programme="kanazawa_kigyo_ricchi_joseikin".*?</tr>', page, re.S)
    assert row is not None
    assert "up to ¥18,000,000" in row.group(0)


def test_lot_page_form_problems_sit_next_to_their_fields(client) -> None:
    response = client.post(
        "/lots/inaho/P2-1", data={**FIRM, "land_m2_max": "100", "new_hires": "six"}, headers=EN
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    note = re.search(r'<p class="field-error" id="land_m2_max-error">(.*?)</p>', page)
    assert note is not None
    assert note.group(1) == "The largest area must be at least the smallest area (3,000 m²)."
    assert re.search(r'id="new_hires"[^>]*aria-invalid="true"', page)
    assert 'value="six"' in page  # what was typed stays in the form


def test_lot_page_refuses_figures_in_the_url(client) -> None:
    page = get(client, "/lots/inaho/P2-1?industry=manufacturing&new_hires=4", status=400)
    assert "posted form" in page


def test_unknown_lot_and_park_are_404(client) -> None:
    assert "There is no lot at this address" in get(client, "/lots/atlantis/1", status=404)
    assert "There is no industrial park" in get(client, "/parks/atlantis", status=404)


# ------------------------------------------------------------------------------ park page


def test_park_page_history_and_lots(client, real_app) -> None:
    page = get(client, "/parks/katatsu")
    assert '<h1 id="park-title">Katatsu Industrial Park</h1>' in page
    assert 'id="sold-out"' in page  # every Katatsu lot is sold today
    history = re.search(r'<table class="history" id="park-history">.*?</table>', page, re.S)
    assert history is not None
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td>", history.group(0))
    # one row per dated record of Katatsu's lots, the last one sold out
    events = real_app.extensions["siting"].lot_events
    dates = events[events["lot_id"].str.startswith("katatsu/")]["date"].astype(str).str[:10]
    assert len(rows) == dates.nunique()
    assert rows[-1][1] == "100.0%"
    lots = real_app.extensions["siting"].lots
    assert len(re.findall(r'href="/lots/katatsu/', page)) == (lots["park_id"] == "katatsu").sum()
    assert "<polyline" in page
    assert "アイデン" in page  # an occupant named in the sources


def _labour_shed_rows(page: str) -> list[tuple[int, int]]:
    section = re.search(r'<section class="labour-shed".*?</section>', page, re.S)
    assert section is not None, "no labour-shed figure on the page"
    rows = re.findall(
        r'<tr data-band="(\d+)"><td>.*?</td><td class="num">([\d,]+)</td>', section.group(0)
    )
    return [(int(band), int(pop.replace(",", ""))) for band, pop in rows]


@pytest.mark.parametrize("url", ["/parks/techno-park", "/lots/inaho/P2-1"])
def test_lot_and_park_pages_show_the_labour_shed(client, url) -> None:
    rows = _labour_shed_rows(get(client, url))
    assert [band for band, _ in rows] == [10, 20, 30]
    populations = [pop for _, pop in rows]
    # a park inside Kanazawa reaches tens of thousands in 10 minutes, more with each band,
    # and never more than Ishikawa's 2015 population (1,154,008)
    assert 10_000 < populations[0] < populations[1] < populations[2] < 1_154_008
    client.set_cookie("lang", "ja")
    page = client.get(url).get_data(as_text=True)
    client.delete_cookie("lang")
    assert "通勤圏" in page
    assert "10 分以内" in page


# ------------------------------------------------------------------------------ compare, shortlist


def test_compare_sets_lots_side_by_side(client) -> None:
    page = get(client, "/compare?lots=inaho/P2-1,techno-park/13&as_of=2021-04-01")
    heads = re.findall(r'<th scope="col" data-lot="([^"]+)">', page)
    assert heads == ["inaho/P2-1", "techno-park/13"]
    assert "Kanazawa Techno Park, lot 13" in page


@pytest.mark.parametrize(
    "lots", ["inaho/P2-1", "inaho/1,inaho/2,inaho/3,inaho/4,inaho/5", "inaho/P2-1,atlantis/1"]
)
def test_compare_takes_two_to_four_known_lots(client, lots: str) -> None:
    get(client, f"/compare?lots={lots}", status=400)


def test_shortlist_page(client) -> None:
    assert 'id="shortlist-empty"' in get(client, "/shortlist")
    page = get(client, "/shortlist?lots=inaho/P2-1,katatsu/3")
    assert re.findall(r'<tr data-lot="([^"]+)">', page) == ["inaho/P2-1", "katatsu/3"]
    assert 'href="/compare?lots=inaho/P2-1,katatsu/3"' in page
    many = ",".join(f"yasuhara/{i}" for i in range(1, 25))
    get(client, f"/shortlist?lots={many}", status=400)


# ------------------------------------------------------------------------------ sources, contact


def test_sources_page_credits_every_dataset(client) -> None:
    page = get(client, "/sources")
    for credit in (
        "© OpenMapTiles © OpenStreetMap contributors",
        "ODbL",
        "国土数値情報（行政区域データ）（国土交通省）",
        "国土数値情報（高速道路時系列データ）（国土交通省）",
        "e-Stat",
        "Geolonia 住所データ",
        "JAXA",
        "金沢市ものづくり戦略2015",
    ):
        assert credit in page, credit
    assert 'id="contact-source"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/search",
        "/sources",
        "/shortlist",
        "/parks/inaho",
        "/lots/inaho/1",
        "/compare?lots=inaho/1,inaho/2",
    ],
)
def test_every_page_shows_the_contact(client, url: str) -> None:
    page = get(client, url)
    contact = load_contact()
    assert 'id="contact"' in page
    assert contact.phone in page
    assert "Corporate Location Division" in page


def test_contact_record() -> None:
    contact = load_contact()
    assert contact.office.ja == "金沢市 経済局 企業立地課"
    assert contact.phone == "076-220-2225"
    assert contact.address("ja").startswith("〒920-8577")
    assert is_official(contact.url)
    assert contact.sources


# ------------------------------------------------------------------------------ exports


@pytest.mark.parametrize("layer", ["parks", "lots", "destinations", "zones"])
@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_every_layer_exports_in_every_format(
    client, real_app, tmp_path, layer: str, fmt: str
) -> None:
    response = client.get(f"/exports/{layer}.{fmt}")
    assert response.status_code == 200
    assert f'filename="kanazawa-{layer}.{fmt}"' in response.headers["Content-Disposition"]
    expected = len(getattr(real_app.extensions["siting"], layer))
    data = response.get_data()
    if fmt == "geojson":
        assert len(json.loads(data)["features"]) == expected
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the Japanese names
        assert data.decode("utf-8-sig").count("\r\n") == expected + 1
    else:
        path = tmp_path / f"{layer}.gpkg"
        path.write_bytes(data)
        frame = pyogrio.read_dataframe(path, layer=layer)
        assert len(frame) == expected
        assert frame.crs.to_epsg() == 4326


def test_lot_export_has_no_firm_data(client) -> None:
    header = get(client, "/exports/lots.csv").splitlines()[0].lstrip("\ufeff")
    assert "occupant" not in header
    assert header.split(",")[:3] == ["lot_id", "park_id", "lot_no"]


def test_search_results_export_by_ids_and_date(client) -> None:
    body = json.loads(get(client, "/exports/lots.geojson?lots=inaho/P2-1,inaho/1&as_of=2021-04-01"))
    statuses = {f["properties"]["lot_id"]: f["properties"]["status"] for f in body["features"]}
    assert statuses == {"inaho/P2-1": "available", "inaho/1": "sold"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/exports/leads.csv", 404),
        ("/exports/lots.xlsx", 404),
        ("/exports/lots.csv?lots=atlantis/1", 400),
        ("/exports/parks.csv?as_of=2021-01-01", 400),
        ("/exports/lots.csv?lots=" + ",".join(f"x/{i}" for i in range(600)), 400),
    ],
)
def test_bad_exports(client, url: str, status: int) -> None:
    client.delete_cookie("lang")
    assert client.get(url).status_code == status


# ------------------------------------------------------------------------------ official sources


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://www.city.kanazawa.ishikawa.jp/reiki/reiki_honbun/a400RG00000437.html", True),
        ("https://www4.city.kanazawa.lg.jp/soshikikarasagasu/1.html", True),
        ("https://www.pref.ishikawa.lg.jp/kigyo/index.html", True),
        ("https://www.meti.go.jp/policy/", True),
        ("https://biz.stayway.jp/hojyo_detail/1", False),
        ("https://shikin.yayoi-kk.co.jp/search/y1", False),
        ("https://www-pref-ishikawa-lg-jp.cache.yimg.jp/chiji/1.html", False),
        ("http://senmonshi.com/archive/02/1.asp", False),
        ("http://x.sakura.ne.jp/n.php?url=http%3A%2F%2Fwww.pref.ishikawa.lg.jp%2F", False),
        ("file:///work/shared/data/facts/grants.yaml", False),
    ],
)
def test_official_sources(url: str, official: bool) -> None:
    assert is_official(url) is official


def test_cached_and_proxied_copies_point_to_their_originals() -> None:
    assert (
        original_url(
            "http://x.sakura.ne.jp/n.php?url=http%3A%2F%2Fwww.pref.ishikawa.lg.jp%2Fa.html"
        )
        == "http://www.pref.ishikawa.lg.jp/a.html"
    )
    assert original_url("https://www-pref-ishikawa-lg-jp.cache.yimg.jp/c/1.html") == (
        "https://www.pref.ishikawa.lg.jp/c/1.html"
    )


def test_contact_agrees_with_the_grant_rules_contact() -> None:
    # parks/grants/contacts.yaml names the same office for grant questions: one phone number
    import yaml

    from parks.grants.rules import GRANTS_DIR

    grants = yaml.safe_load((GRANTS_DIR / "contacts.yaml").read_text(encoding="utf-8"))
    city = grants["contacts"]["city_location_division"]
    contact = load_contact()
    assert city["phone"] == contact.phone
    assert city["name"]["ja"] == contact.office.ja


def test_api_calls_do_not_pin_the_language(client) -> None:
    # map scripts call the API with the page's language; only a page asked for in a
    # language remembers it, so the browser's Accept-Language keeps deciding
    client.delete_cookie("lang")
    response = client.get("/api/layers?lang=ja")
    assert "lang=" not in response.headers.get("Set-Cookie", "")
    response = client.get("/sources?lang=ja")
    assert "lang=ja" in response.headers.get("Set-Cookie", "")
