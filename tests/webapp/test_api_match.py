"""POST /api/match and POST /api/grants against the real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parks.data import gpkg_path
from parks.demand import past_path
from tests.conftest import DATA_DIR
from webapp import create_app

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log") / "demand.jsonl"


@pytest.fixture(scope="module")
def client(log_path: Path):
    if not gpkg_path(DATA_DIR).exists():
        pytest.skip("data/kanazawa.gpkg not built")
    app = create_app({"TESTING": True, "DATA_DIR": str(DATA_DIR), "DEMAND_LOG": str(log_path)})
    return app.test_client()


def profile(name: str = "precision-parts-maker") -> dict:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))["profile"]


def test_match_returns_the_documented_structure(client) -> None:
    response = client.post("/api/match?as_of=2021-04-01&top=3", json=profile())
    assert response.status_code == 200
    body = response.get_json()
    assert body["as_of"] == "2021-04-01"
    assert set(body["weights"]) == {"access", "land_fit", "net_cost", "cluster"}
    assert 1 <= len(body["matches"]) <= 3
    m = body["matches"][0]
    for key in (
        "lots",
        "score",
        "area_m2",
        "drive_minutes",
        "checks",
        "grants",
        "net_land_cost_jpy",
    ):
        assert key in m
    assert set(m["drive_minutes"]) == {"interchange", "port", "airport", "station"}
    assert m["drive_minutes"]["interchange"] <= 10
    assert m["drive_minutes"]["airport"] <= 45
    assert isinstance(body["near_misses"], list)


def test_match_accepts_the_wrapped_form(client) -> None:
    response = client.post("/api/match", json={"profile": profile(), "as_of": "2026-11-28"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["matches"] == []
    assert body["near_misses"]


def test_invalid_profile_gets_400_with_every_problem(client) -> None:
    bad = profile()
    bad["industry"] = "mining"
    bad["investment_jpy"]["land"] = -5
    bad["land_m2"] = {"min": 9000, "max": 100}
    bad["favourite_colour"] = "blue"
    response = client.post("/api/match", json=bad, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    body = response.get_json()
    assert len(body["problems"]) == 4
    assert "favourite_colour: not a field of a firm profile." in body["problems"]
    # each field problem names the field and what to enter, for the form to show beside it
    fields = {f["field"]: (f["form_field"], f["message"]) for f in body["fields"]}
    assert fields == {
        "industry": ("industry", "Choose one of the listed options."),
        "investment_jpy.land": ("investment_land", "Enter 0 or more."),
        "land_m2.max": (
            "land_m2_max",
            "The largest area must be at least the smallest area (9,000 m²).",
        ),
    }


def test_profile_problems_come_in_japanese(client) -> None:
    bad = profile()
    bad["land_m2"] = {"min": 20000, "max": 10000}
    del bad["industry"]
    response = client.post("/api/match", json=bad, headers={"Accept-Language": "ja"})
    assert response.status_code == 400
    fields = {f["field"]: (f["label"], f["message"]) for f in response.get_json()["fields"]}
    assert fields["industry"] == ("業種", "必須項目です。")
    assert fields["land_m2.max"][0] == "面積の上限 (m²)"
    assert "20,000 m²" in fields["land_m2.max"][1]


@pytest.mark.parametrize(
    ("query", "body", "message"),
    [
        ("?as_of=2021-02-30", None, "as_of"),
        ("?top=0", None, "top must be"),
        ("?speed_profile=summer", None, "speed_profile"),
        ("?colour=red", None, "colour"),
        ("", [1, 2, 3], "JSON object"),
    ],
)
def test_bad_match_requests_get_400(client, query: str, body, message: str) -> None:
    response = client.post(f"/api/match{query}", json=profile() if body is None else body)
    assert response.status_code == 400
    assert message in " ".join(response.get_json()["problems"])


def test_non_json_body_is_a_415(client) -> None:
    response = client.post(
        "/api/match", data="not json", content_type="text/plain", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.get_json()["error"]


def test_broken_json_is_a_400(client) -> None:
    response = client.post(
        "/api/match",
        data="{not json",
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["error"]


def test_requests_are_logged_without_the_firm_name(client, log_path: Path) -> None:
    body = profile()
    body["name"] = "Secret Precision KK"
    body["hq_functions"] = True  # a search not made before here (repeats are logged once)
    assert client.post("/api/match?as_of=2021-04-01", json=body).status_code == 200
    text = past_path(log_path).read_text(encoding="utf-8")  # 2021 is history, not demand
    assert "Secret Precision" not in text
    last = json.loads(text.splitlines()[-1])
    assert last["criteria"]["industry"] == "manufacturing"
    assert last["matches"] >= 1
    assert last["live"] is False


def test_one_record_per_distinct_search(client, log_path: Path) -> None:
    body = {**profile(), "land_m2": {"min": 1234}}
    for _ in range(5):
        assert client.post("/api/match", json=body).status_code == 200
    other = {**profile(), "land_m2": {"min": 4321}}
    assert client.post("/api/match", json=other).status_code == 200
    lines = [json.loads(x) for x in log_path.read_text(encoding="utf-8").splitlines()]
    mins = [r["criteria"].get("land_m2", {}).get("min") for r in lines]
    assert mins.count(1234) == 1
    assert mins.count(4321) == 1
    assert all(r["live"] for r in lines)


def test_grants_for_a_lot(client) -> None:
    response = client.post("/api/grants?lot=inaho/P2-1&as_of=2021-04-01", json=profile())
    assert response.status_code == 200
    body = response.get_json()
    programme = {p["id"]: p for p in body["programmes"]}
    # 20 % of 200,000,000 land + 5 % of 900,000,000 building and equipment + 30 x 200,000
    assert programme["kanazawa_kigyo_ricchi_joseikin"]["amount_jpy"] == 91_000_000
    assert body["totals"]["if_combinable"]["label"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 400, "exactly one of lot=LOT_ID, park=PARK_ID or at=LON,LAT"),
        ("?lot=inaho/P2-1&park=inaho", 400, "exactly one of"),
        ("?lot=inaho/P2-1&at=136.65,36.56", 400, "exactly one of"),
        ("?lot=", 400, "lot= is empty"),
        ("?park=", 400, "park= is empty"),
        ("?at=", 400, "at= is empty"),
        ("?at=136.65", 400, "two numbers LON,LAT"),
        ("?at=nan,nan", 400, "two numbers LON,LAT"),
        ("?at=139.767,35.681", 400, "outside Kanazawa City"),
        ("?lot=nowhere/1", 404, "nowhere/1"),
        ("?park=atlantis", 404, "atlantis"),
    ],
)
def test_grants_needs_exactly_one_known_site(client, query: str, status: int, message: str) -> None:
    response = client.post(f"/api/grants{query}", json=profile())
    assert response.status_code == status
    body = response.get_json()
    assert message in " ".join([body.get("error", ""), *body.get("problems", [])])
    assert "None" not in " ".join(body.get("problems", []))


def test_grants_at_any_point_in_the_city(client) -> None:
    """Ordinance art. 2(3): a site outside the 工場適地 outlines is 'ask', not 'no'."""
    response = client.post(
        "/api/grants?at=136.6560,36.5614&as_of=2026-11-28&lang=ja", json=profile()
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["site"]["point"] == [136.656, 36.5614]
    city = next(p for p in body["programmes"] if p["id"] == "kanazawa_kigyo_ricchi_joseikin")
    assert city["name"] == "企業立地助成金"
    assert city["eligible"] is None
    assert city["sure_jpy"] == 0
    # 20% x 200,000,000 + 5% x 900,000,000 = 85,000,000, + 30 x 200,000 if recognised
    assert city["possible_jpy"] == 91_000_000
    zone = next(r for r in city["reasons"] if r["condition"] == "zone")
    assert "市の裁量" in zone["text"]
    assert zone["tier"] == "ordinance"
