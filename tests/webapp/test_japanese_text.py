"""Every page, map layer, API message and error a user meets reads Japanese in Japanese and
English in English.

Each page is rendered for a browser that asks for Japanese, its visible text (and the
texts its scripts will show) extracted, and every Latin-script word outside the allow-list
of :mod:`tests.language` fails the test; the same pages in English fail on Japanese text
outside elements marked ``lang="ja"``. Covered: the public pages and the map, the enquiry
form, the planner (pages, report, refusals), the staff workspace signed in as staff and as
admin, the API document, every API endpoint's 4xx messages, and the 404, 405 and 413 pages.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from parks.data import PARK_IDS
from tests.conftest import DATA_DIR, FIRM_FORM
from tests.language import (
    english_page_problems,
    internal_ids,
    japanese_words,
    latin_words,
    page_problems,
    parse,
)
from tests.shapes import PLANNER_AREA
from tests.webapp.staff_helpers import (
    STAFF_TEXTS,
    csrf_token,
    ensure_account,
    seed_workspace,
    sign_in,
    staff_test_app,
)
from webapp.maps import LAYER_NAMES

JA = {"Accept-Language": "ja,en;q=0.5"}
EN = {"Accept-Language": "en-US,en;q=0.5"}

PAGES = (
    "/",
    "/?as_of=2021-04-01",
    "/search",
    "/lots/inaho/P2-1",
    "/lots/inaho/P2-1?as_of=2021-04-01",
    "/lots/yasuhara/5A-4?as_of=2021-04-01",
    "/lots/techno-park/13?as_of=2020-01-01",
    "/lots/katatsu/18-2",
    "/parks/techno-park",
    "/parks/inaho",
    "/parks/katatsu",
    "/parks/morimoto-ic",
    "/parks/yasuhara",
    "/compare?lots=inaho/P2-1,yasuhara/5A-4,techno-park/13,katatsu/3&as_of=2021-04-01",
    "/shortlist",
    "/shortlist?lots=inaho/P2-1,katatsu/3",
    "/sources",
    "/pitch?lot=inaho/P2-1&as_of=2021-04-01",
    "/pitch?lot=inaho/1",
    "/inquiry",
    "/planner/",
    "/planner/vacancy",
    "/planner/vacancy?as_of=2021-04-01",
    "/api/docs",
    "/staff/login",
    "/lots/atlantis/1",
    "/parks/atlantis",
    "/compare?lots=inaho/P2-1",
    "/search?as_of=2021-13-01",
    "/no-such-page",
    "/planner/vacancy?as_of=2021-02-30",
    "/planner/candidates/c999.html",
    "/exports/lots.xls",
)
"""Every page a visitor can reach without signing in (and the error pages met on the way)."""


AREA = PLANNER_AREA

BAD_AREAS = {
    "not a polygon": {"type": "Point", "coordinates": [136.64, 36.60]},
    "self-intersecting": {
        "type": "Polygon",
        "coordinates": [
            [[136.64, 36.60], [136.65, 36.607], [136.65, 36.60], [136.64, 36.607], [136.64, 36.60]]
        ],
    },
    "outside the city": {
        "type": "Polygon",
        "coordinates": [
            [[139.70, 35.60], [139.71, 35.60], [139.71, 35.61], [139.70, 35.61], [139.70, 35.60]]
        ],
    },
    "too large": {
        "type": "Polygon",
        "coordinates": [
            [[136.50, 36.45], [136.80, 36.45], [136.80, 36.70], [136.50, 36.70], [136.50, 36.45]]
        ],
    },
}
"""Areas the planner refuses, one per reason the issue names."""


@pytest.fixture(scope="module")
def client(real_app):
    """A client signed in as staff: the planner workspace is for signed-in staff only."""
    real_app.config.setdefault("PLANNER_CELL_M", 250.0)
    ensure_account(real_app, "staff1")
    signed_in = real_app.test_client()
    sign_in(signed_in, "staff1")
    return signed_in


def _get(client, url: str, headers: dict[str, str]):
    if url.startswith("/staff/login"):  # what an anonymous visitor sees
        client = client.application.test_client()
    client.delete_cookie("lang")
    return client.get(url, headers=headers)


def _where(response) -> str:
    return f"{response.request.method} {response.request.full_path}"


def _assert_japanese(response) -> None:
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html, (_where(response), html[:300])
    assert sorted(page_problems(html)) == [], _where(response)


def _assert_english(response) -> None:
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html, (_where(response), html[:300])
    assert sorted(english_page_problems(html)) == [], _where(response)


# ============================================================================ public pages


@pytest.mark.parametrize("url", PAGES)
def test_japanese_page_has_no_english(client, url: str) -> None:
    _assert_japanese(_get(client, url, JA))


@pytest.mark.parametrize("url", PAGES)
def test_english_page_has_no_japanese(client, url: str) -> None:
    _assert_english(_get(client, url, EN))


POSTED = [
    ("/pitch", {"lot": "inaho/P2-1", "as_of": "2021-04-01", **FIRM_FORM}),
    ("/pitch", {"lot": "katatsu/3", **FIRM_FORM}),
    ("/lots/inaho/P2-1", {"as_of": "2021-04-01", **FIRM_FORM}),
    ("/lots/inaho/P2-1", {**FIRM_FORM, "industry": "", "land_m2_max": "100", "new_hires": "x"}),
    ("/pitch", {"lot": "inaho/P2-1", **FIRM_FORM, "land_m2_max": "100"}),
    ("/planner/assess", {"geojson": json.dumps(AREA)}),
    ("/planner/assess", {"geojson": json.dumps(BAD_AREAS["self-intersecting"])}),
    ("/planner/assess", {"geojson": "{not json"}),
    ("/planner/assess", {"geojson": json.dumps(AREA), "w_landcover": "-1"}),
]
"""Pages reached by a form: grants for a firm, refused profiles, a planner report, refusals."""


@pytest.mark.parametrize(("url", "form"), POSTED)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_posted_pages_read_in_their_language(client, url: str, form: dict, lang: str) -> None:
    response = client.post(url, data=form, headers=JA if lang == "ja" else EN)
    assert response.status_code in (200, 400), response.status_code
    (_assert_japanese if lang == "ja" else _assert_english)(response)


def test_the_refused_enquiry_reads_in_its_language(client) -> None:
    for lang, headers in (("ja", JA), ("en", EN)):
        client.delete_cookie("lang")
        token = csrf_token(client, "/inquiry")
        form = {"csrf_token": token, "firm": "", "contact_name": "", "land_m2_min": "x"}
        response = client.post("/inquiry", data=form, headers=headers)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'role="alert"' in html
        (_assert_japanese if lang == "ja" else _assert_english)(response)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_error_pages_405_and_413_read_in_their_language(client, lang: str) -> None:
    headers = JA if lang == "ja" else EN
    check = _assert_japanese if lang == "ja" else _assert_english
    client.delete_cookie("lang")
    not_allowed = client.delete("/search", headers=headers)
    assert not_allowed.status_code == 405
    check(not_allowed)
    too_large = client.post(
        "/inquiry",
        data=b"x" * (17 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    assert too_large.status_code == 413
    check(too_large)


# ============================================================================ map layers


def test_map_layers_and_their_popups_read_japanese(client) -> None:
    index = client.get("/api/layers", headers=JA).get_json()
    texts = [layer["title"] for layer in index["layers"]]
    for layer in index["layers"]:
        body = client.get(f"/api/layers/{layer['name']}?zoom=11", headers=JA)
        assert body.status_code == 200, layer["name"]
        for feature in body.get_json()["features"]:
            props = feature["properties"]
            texts += [
                str(v)
                for k, v in props.items()
                if k in ("name", "label", "park", "destination", "status_label", "kind_label") and v
            ]
    assert len(texts) > 100
    assert latin_words(" ".join(texts)) == set()


def test_map_layers_read_english(client) -> None:
    index = client.get("/api/layers", headers=EN).get_json()
    texts = [layer["title"] for layer in index["layers"]]
    for name in ("parks", "lots", "zones", "routes", "destinations"):
        for feature in client.get(f"/api/layers/{name}", headers=EN).get_json()["features"]:
            props = feature["properties"]
            texts += [str(props[k]) for k in ("status_label", "kind_label") if props.get(k)]
    assert japanese_words(" ".join(texts)) == set()


# ============================================================================ API messages


PLACEHOLDERS = ("LON", "LAT", "LOT_ID", "PARK_ID", "MINLON", "MINLAT", "MAXLON", "MAXLAT")
"""Metavariables of the syntax an API message shows (``at=LON,LAT``)."""


def _enums(schema: object) -> set[str]:
    if isinstance(schema, dict):
        found = {str(v) for v in schema.get("enum", []) if isinstance(v, str)}
        return found.union(*(_enums(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_enums(v) for v in schema))
    return set()


def api_words() -> dict[str, str]:
    """Words an API error may show in Japanese too, each with the reason.

    What the client types is named as the client types it: the parameters and the values
    the API document lists, the park ids and layer names of the URLs, and the syntax.
    """
    from webapp.openapi import openapi_document

    doc = openapi_document()
    words = dict.fromkeys(PLACEHOLDERS, "metavariable of a syntax example")
    for item in doc["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []):
                words[param["name"]] = "an API parameter, named as the client sends it"
            words.update(dict.fromkeys(_enums(op), "a value the API document lists"))
    words.update(dict.fromkeys(_enums(doc["components"]), "a value the API document lists"))
    words.update(
        dict.fromkeys(
            ("inaho", "katatsu", "morimoto-ic", "techno-park", "yasuhara"),
            "a park id, as the client puts it in a URL",
        )
    )
    words.update(dict.fromkeys(("geojson", "weights", "pairwise"), "a planner request field"))
    words["zoom"] = "a parameter of the map layers, named as the client sends it"
    words.update(dict.fromkeys(LAYER_NAMES, "a map layer, named as in its URL"))
    words.update(dict.fromkeys(("Content-Type", "application", "json"), "an HTTP header value"))
    words.update(dict.fromkeys(("csv", "pdf", "html"), "an export format in the URL"))
    return words


QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def api_problems(texts: list[str]) -> set[str]:
    """Latin words of API messages, leaving out quoted values (echoes and examples)."""
    text = QUOTED.sub(" ", " ".join(texts))
    allowed = api_words()
    return {w for w in latin_words(text) if w not in allowed}


API_ERRORS = [
    ("GET", "/api/parks?as_of=2021-04-01", None, 400),
    ("GET", "/api/lots?as_of=2021-13-01", None, 400),
    ("GET", "/api/lots?bbox=1,2,3", None, 400),
    ("GET", "/api/lots?limit=0&offset=-1", None, 400),
    ("GET", "/api/lots?status=gone", None, 400),
    ("GET", "/api/lots?park=atlantis&colour=red", None, 400),
    ("GET", "/api/lots/atlantis/1", None, 404),
    ("GET", "/api/lots/inaho/P2-1?as_of=soon", None, 400),
    ("GET", "/api/destinations?kind=moon", None, 400),
    ("GET", "/api/isochrone", None, 400),
    ("GET", "/api/isochrone?at=x&minutes=500,a&profile=fast", None, 400),
    ("GET", "/api/isochrone?at=1,2&minutes=1,2,3,4,5,6", None, 400),
    ("GET", "/api/isochrone?lot=inaho/P2-1&direction=up", None, 400),
    ("GET", "/api/layers/nothing", None, 404),
    ("GET", "/api/layers/lots?as_of=x", None, 400),
    ("GET", "/api/layers/lots/statuses?as_of=x", None, 400),
    ("GET", "/api/layers/roads?zoom=99&bbox=x", None, 400),
    ("POST", "/api/match", b"not json", 400),
    ("POST", "/api/match", b"[1, 2]", 400),
    ("POST", "/api/match", b'{"industry": NaN}', 400),
    ("POST", "/api/match", b"", 400),
    ("POST", "/api/match?top=0", {"profile": {}, "colour": 1, "speed_profile": "x"}, 400),
    ("POST", "/api/match", {"profile": 3}, 400),
    ("POST", "/api/match", {"industry": "manufacturing", "project": "new_site"}, 400),
    ("POST", "/api/match", "x" * 70_000, 413),
    ("POST", "/api/grants", {}, 400),
    ("POST", "/api/grants?lot=", {"industry": "manufacturing"}, 400),
    ("POST", "/api/grants?at=x", {"industry": "manufacturing"}, 400),
    (
        "POST",
        "/api/grants?lot=nope/1",
        {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"},
        404,
    ),
    (
        "POST",
        "/api/grants?park=atlantis",
        {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"},
        404,
    ),
    ("GET", "/api/match", None, 405),
    ("DELETE", "/api/lots", None, 405),
    ("GET", "/api/nothing", None, 404),
    ("GET", "/planner/labour-shed", None, 400),
    ("GET", "/planner/labour-shed?lot=x/1", None, 404),
    ("GET", "/planner/labour-shed?park=atlantis", None, 404),
    ("GET", "/planner/vacancy.json?as_of=x", None, 400),
    ("GET", "/planner/suitability.json?weights=x", None, 400),
    ("GET", "/planner/suitability.json?w_landcover=-3", None, 400),
    ("POST", "/planner/assess", {"geojson": "x"}, 400),
    ("POST", "/planner/assess.csv", {"geojson": None}, 400),
    *[("POST", "/planner/assess", {"geojson": area}, 400) for area in BAD_AREAS.values()],
]
"""A bad request to every endpoint that answers JSON, with the status it must get."""


@pytest.mark.parametrize(("method", "url", "body", "status"), API_ERRORS)
def test_api_errors_in_japanese(client, method: str, url: str, body, status: int) -> None:
    kwargs: dict = {}
    if isinstance(body, bytes):
        kwargs = {"data": body, "content_type": "application/json"}
    elif isinstance(body, str):
        kwargs = {"data": json.dumps({"x": body}), "content_type": "application/json"}
    elif body is not None:
        kwargs = {"json": body}
    headers = {**JA, "Accept": "application/json"}
    response = client.open(url, method=method, headers=headers, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    data = response.get_json()
    texts = [data["error"], *data.get("problems", [])]
    texts += [f.get("label") or "" for f in data.get("fields", [])]
    assert api_problems(texts) == set(), texts
    assert any(japanese_words(t) for t in texts), texts


def test_api_errors_in_english(client) -> None:
    for method, url, body, status in API_ERRORS:  # noqa: B007 - the status is checked above
        kwargs: dict = {}
        if isinstance(body, bytes):
            kwargs = {"data": body, "content_type": "application/json"}
        elif isinstance(body, dict):
            kwargs = {"json": body}
        elif isinstance(body, str):
            continue
        headers = {**EN, "Accept": "application/json"}
        data = client.open(url, method=method, headers=headers, **kwargs).get_json()
        texts = [data["error"], *data.get("problems", [])]
        assert japanese_words(" ".join(texts)) == set(), (url, texts)


def test_415_is_explained_in_japanese(client) -> None:
    response = client.post("/api/match", data="industry=x", headers=JA)
    assert response.status_code == 415
    assert api_problems([response.get_json()["error"]]) == set()


def api_profile(**change: object) -> dict:
    profile = {
        "industry": "logistics_wholesale",
        "project": "new_site",
        "origin": "inside_city",
        "land_m2": {"min": 3000, "max": 6000},
        "investment_jpy": {"land": 60_000_000, "building": 120_000_000},
        "new_hires": 6,
        "new_hires_residents": 4,
        "max_drive_minutes": {"interchange": 8},
        "max_land_price_per_m2": 30000,
        "operational_by": "2021-09-01",
    }
    profile.update(change)
    return profile


@pytest.mark.parametrize(
    ("as_of", "change"),
    [
        ("2021-04-01", {"max_drive_minutes": {"interchange": 8, "port": 15}}),
        ("2021-04-01", {"land_m2": {"min": 15000}, "operational_by": "2021-06-30"}),
        ("2026-11-28", {"operational_by": None}),
    ],
)
def test_match_api_explains_in_japanese(client, as_of: str, change: dict) -> None:
    profile = {k: v for k, v in api_profile(**change).items() if v is not None}
    response = client.post(
        "/api/match", json={"profile": profile, "as_of": as_of, "lang": "ja"}, headers=JA
    )
    assert response.status_code == 200
    body = response.get_json()
    texts = list(body["notes"])
    for group in ("matches", "near_misses", "planned"):
        for m in body[group]:
            texts += [c["detail"] for c in m["checks"]]
    assert len(texts) > 10
    assert latin_words(" ".join(texts)) == set()


def test_api_problems_in_japanese(client) -> None:
    bad = api_profile(industry="steel", land_m2={"min": 20000, "max": 10000}, new_hires=-1)
    del bad["project"]
    bad["operational_by"] = "next year"
    response = client.post("/api/match", json=bad, headers=JA)
    assert response.status_code == 400
    body = response.get_json()
    assert len(body["problems"]) == 6
    assert latin_words(" ".join(body["problems"])) == set()


def test_grant_api_explains_in_japanese(client) -> None:
    profile = api_profile(industry="manufacturing", origin="outside_prefecture")
    response = client.post("/api/grants?lot=inaho/P2-1&lang=ja", json=profile, headers=JA)
    assert response.status_code == 200
    texts = []
    for programme in response.get_json()["programmes"]:
        texts += [programme.get("name_ja") or ""]
        texts += [r.get("text_ja") or r.get("text") or "" for r in programme.get("reasons", [])]
    assert latin_words(" ".join(t for t in texts if isinstance(t, str))) == set()


# ============================================================================ planner JSON


def test_planner_assessment_texts_read_japanese(client) -> None:
    response = client.post(
        "/planner/assess",
        data={"geojson": json.dumps(AREA)},
        headers={**JA, "Accept": "application/json"},
    )
    assert response.status_code == 200
    result = response.get_json()
    texts = []
    for c in result["criteria"].values():
        texts += [c["label_text"], c["rule_text"], c["unit_text"]]
    assert latin_words(" ".join(texts)) == set()


# ============================================================================ staff workspace


@pytest.fixture(scope="module")
def staff_app(tmp_path_factory: pytest.TempPathFactory):
    """The real-data app with its own store: accounts, a lead, a lot with a history."""
    app = staff_test_app(tmp_path_factory, "ja")
    app.config["LEAD_ID"] = seed_workspace(app)
    return app


def _staff_client(app, name: str):
    client = app.test_client()
    sign_in(client, name)
    return client


def staff_pages(lead_id: int) -> list[str]:
    return [
        "/staff/",
        "/staff/lots",
        "/staff/lots?status=sold&park=inaho",
        "/staff/lots/inaho/4",
        "/staff/lots/inaho/P2-1",
        "/staff/leads",
        f"/staff/leads/{lead_id}",
        "/staff/lots/atlantis/1",
        f"/staff/leads/{lead_id + 100}",
    ]


ADMIN_PAGES = ["/staff/users", "/staff/audit", "/staff/import"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_pages_read_in_their_language(staff_app, lang: str) -> None:
    headers = JA if lang == "ja" else EN
    check = _assert_japanese if lang == "ja" else _assert_english
    staff = _staff_client(staff_app, "staff1")
    for url in [*staff_pages(staff_app.config["LEAD_ID"]), *ADMIN_PAGES]:
        response = staff.get(url, headers=headers)
        assert response.status_code in (200, 403, 404), url
        check(response)
        assert internal_ids(response.get_data(as_text=True), PARK_IDS) == set(), url
    admin = _staff_client(staff_app, "admin1")
    audit = admin.get("/staff/audit", headers=headers).get_data(as_text=True)
    assert f'href="/staff/leads/{staff_app.config["LEAD_ID"]}"' in audit  # a lead by its firm
    for url in ADMIN_PAGES:
        response = admin.get(url, headers=headers)
        assert response.status_code == 200, url
        check(response)
        assert internal_ids(response.get_data(as_text=True), PARK_IDS) == set(), url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_typed_text_is_shown_verbatim_and_marked(staff_app, lang: str) -> None:
    staff = _staff_client(staff_app, "staff1")
    html = staff.get(f"/staff/leads/{staff_app.config['LEAD_ID']}?lang={lang}").get_data(
        as_text=True
    )
    for text in STAFF_TEXTS:
        assert text in html
    # the check leaves what a user typed out only because it is marked
    assert {"Precision", "Parts", "Sato"} <= {
        w for part in parse(html.replace('translate="no"', "")).parts_ja for w in part.split()
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_refusals_read_in_their_language(staff_app, lang: str) -> None:
    headers = JA if lang == "ja" else EN
    check = _assert_japanese if lang == "ja" else _assert_english
    login = staff_app.test_client()
    token = csrf_token(login)
    wrong = login.post(
        "/staff/login",
        data={"name": "staff1", "password": "wrong", "csrf_token": token},
        headers=headers,
    )
    assert wrong.status_code == 401
    check(wrong)

    staff = _staff_client(staff_app, "staff1")
    token = csrf_token(staff, "/staff/lots/inaho/4")
    stale = staff.post(
        "/staff/lots/inaho/4",
        data={"csrf_token": token, "version": "1", "notes": "x"},
        headers=headers,
    )
    assert stale.status_code == 409
    check(stale)
    bad = staff.post(
        "/staff/lots/inaho/4",
        data={"csrf_token": token, "version": "x", "price_per_m2": "cheap", "status": "gone"},
        headers=headers,
    )
    assert bad.status_code == 400
    check(bad)
    lead_id = staff_app.config["LEAD_ID"]
    bad_lead = staff.post(
        f"/staff/leads/{lead_id}",
        data={"csrf_token": token, "version": "1", "next_action_on": "2021-02-30"},
        headers=headers,
    )
    assert bad_lead.status_code == 400
    check(bad_lead)
    forbidden = staff.post("/staff/users", data={"csrf_token": token}, headers=headers)
    assert forbidden.status_code == 403
    check(forbidden)

    admin = _staff_client(staff_app, "admin1")
    token = csrf_token(admin, "/staff/users")
    refused = admin.post(
        "/staff/users",
        data={"csrf_token": token, "name": "a b", "password": "short", "role": "boss"},
        headers=headers,
    )
    assert refused.status_code == 400
    check(refused)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lot_import_refusal_and_diff_read_in_their_language(staff_app, lang: str) -> None:
    from parks.data import load_layers

    headers = JA if lang == "ja" else EN
    check = _assert_japanese if lang == "ja" else _assert_english
    admin = _staff_client(staff_app, "admin1")
    token = csrf_token(admin, "/staff/import")
    lots = load_layers(DATA_DIR).lots_of("katatsu")[["park_id", "lot_no", "status", "geometry"]]
    lots = lots.reset_index(drop=True)

    def upload(frame, name="lots.geojson", data=None):
        body = data if data is not None else frame.to_json().encode()
        return admin.post(
            "/staff/import",
            data={"csrf_token": token, "file": (io.BytesIO(body), name)},
            content_type="multipart/form-data",
            headers=headers,
        )

    bad = lots.copy()
    bad.loc[1, "lot_no"] = "../../etc/passwd"
    bad.loc[2, "status"] = "gone"
    bad.loc[3, "park_id"] = "atlantis"
    refused = upload(bad)
    assert refused.status_code == 400
    check(refused)
    assert len(re.findall(r"<li>", refused.get_data(as_text=True))) >= 3
    for data, name in ((b"lot_no,status\n1,sold\n", "lots.csv"), (b"\x00\x01", "lots.gpkg")):
        unreadable = upload(None, name=name, data=data)
        assert unreadable.status_code == 400
        check(unreadable)
    good = lots.copy()
    good.loc[0, "status"] = "available"
    diff = upload(good)
    assert diff.status_code == 200
    check(diff)
    for response in (refused, diff):
        assert internal_ids(response.get_data(as_text=True), PARK_IDS) == set()


def test_staff_times_are_shown_on_the_office_clock() -> None:
    from webapp.staff_view import when

    moment = dt.datetime(2026, 11, 29, 20, 36, tzinfo=dt.UTC)
    assert when(moment, "ja") == "2026年11月30日 05:36"
    assert when(moment.replace(tzinfo=None), "en").endswith(" 05:36")
    assert "30" in when(moment, "en")
