"""``siting grants`` and ``siting check-grants`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import siting

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
SCENARIO = ROOT / "tests" / "data" / "scenarios" / "precision-parts-maker.json"


@pytest.fixture
def profile_path(tmp_path: Path) -> Path:
    path = tmp_path / "firm.json"
    profile = json.loads(SCENARIO.read_text(encoding="utf-8"))["profile"]
    path.write_text(json.dumps(profile), encoding="utf-8")
    return path


def invoke(*args: str) -> object:
    return CliRunner().invoke(siting, [*args], catch_exceptions=False)


def test_grants_json_for_a_lot(profile_path: Path) -> None:
    result = invoke(
        "grants",
        str(profile_path),
        "--lot",
        "inaho/2",
        "--as-of",
        "2026-11-28",
        "--format",
        "json",
        "--data",
        str(DATA_DIR),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_id = {p["id"]: p for p in data["programmes"]}
    # hand-worked in shared/scenarios: 85,000,000 + 6,000,000 city; 224,000,000 prefecture
    assert by_id["kanazawa_kigyo_ricchi_joseikin"]["amount_jpy"] == 91_000_000
    assert by_id["kanazawa_kigyo_ricchi_joseikin"]["up_to"] is True
    assert by_id["ishikawa_kigyo_ricchi_sokushin"]["amount_jpy"] == 224_000_000
    assert by_id["kanazawa_honsha_kino_kyoka"]["status"] == "expired"
    assert data["totals"]["if_combinable"]["cash_jpy"] == 315_000_000
    assert data["net_land_cost"]["known"] is False
    zone = next(
        r for r in by_id["kanazawa_kigyo_ricchi_joseikin"]["reasons"] if r["condition"] == "zone"
    )
    assert "approximate" in zone["text"]


def test_grants_text_english(profile_path: Path) -> None:
    result = invoke(
        "grants",
        str(profile_path),
        "--park",
        "inaho",
        "--as-of",
        "2026-11-28",
        "--data",
        str(DATA_DIR),
    )
    assert result.exit_code == 0, result.output
    assert "Amount: ¥91,000,000 (a maximum, 以内)" in result.output
    assert "IF they can be combined" in result.output
    assert "sure ¥315,000,000" in result.output
    assert "Sources: https://" in result.output


def test_grants_text_japanese(profile_path: Path) -> None:
    result = invoke(
        "grants",
        str(profile_path),
        "--park",
        "inaho",
        "--as-of",
        "2026-11-28",
        "--lang",
        "ja",
        "--data",
        str(DATA_DIR),
    )
    assert result.exit_code == 0, result.output
    assert "金額：91,000,000円（以内）" in result.output
    assert "併給できる場合" in result.output
    assert "出典：" in result.output
    assert "Amount" not in result.output


def test_bad_profile_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "industry": "steel",
                "project": "new_site",
                "origin": "x",
                "investment_jpy": {"land": -1},
            }
        ),
        encoding="utf-8",
    )
    result = invoke("grants", str(bad), "--park", "inaho", "--data", str(DATA_DIR))
    assert result.exit_code == 1
    for fragment in ("$.industry", "$.origin", "$.investment_jpy.land"):
        assert fragment in result.output


def test_exactly_one_site_is_required(profile_path: Path) -> None:
    result = invoke("grants", str(profile_path), "--data", str(DATA_DIR))
    assert result.exit_code == 2
    assert "exactly one of --lot" in result.output
    empty = invoke("grants", str(profile_path), "--lot", "", "--data", str(DATA_DIR))
    assert empty.exit_code == 2
    assert "not empty" in empty.output


def test_unknown_lot_is_reported(profile_path: Path) -> None:
    result = invoke("grants", str(profile_path), "--lot", "inaho/999", "--data", str(DATA_DIR))
    assert result.exit_code == 1
    assert "inaho/999" in result.output


def test_bad_date_is_reported(profile_path: Path) -> None:
    result = invoke(
        "grants", str(profile_path), "--park", "inaho", "--as-of", "soon", "--data", str(DATA_DIR)
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_check_grants_passes_on_the_committed_files() -> None:
    result = invoke("check-grants", "--facts", str(DATA_DIR / "facts" / "grants.yaml"))
    assert result.exit_code == 0, result.output
    assert "17 programme rule files valid" in result.output


def test_check_grants_reports_missing_facts(tmp_path: Path) -> None:
    result = invoke("check-grants", "--facts", str(tmp_path / "none.yaml"))
    assert result.exit_code == 1
    assert "no grant facts" in result.output


# ------------------------------------------------------------------ any site in the city


def test_grants_at_a_point_outside_the_parks(tmp_path: Path) -> None:
    """Ordinance art. 2(3): outside every 工場適地 the mayor may recognise the area -- ask."""
    path = tmp_path / "firm.json"
    path.write_text(
        json.dumps(
            {
                "industry": "manufacturing",
                "project": "acquisition",
                "origin": "inside_city",
                "investment_jpy": {"land": 100000000, "building": 200000000},
                "operational_by": "2027-04-01",
                "new_hires": 5,
                "new_hires_residents": 5,
            }
        ),
        encoding="utf-8",
    )
    # central Kanazawa (Korinbo), far from the five parks
    result = invoke(
        "grants",
        str(path),
        "--at",
        "136.6560,36.5614",
        "--as-of",
        "2026-11-28",
        "--format",
        "json",
        "--data",
        str(DATA_DIR),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["site"]["point"] == [136.656, 36.5614]
    assert data["site"]["park_id"] is None
    city = next(p for p in data["programmes"] if p["id"] == "kanazawa_kigyo_ricchi_joseikin")
    assert city["eligible"] is None
    # 20% x 100,000,000 + 5% x 200,000,000 = 30,000,000, + 5 x 200,000 = 1,000,000
    assert city["sure_jpy"] == 0
    assert city["possible_jpy"] == 31_000_000
    zone = next(r for r in city["reasons"] if r["condition"] == "zone")
    assert zone["status"] == "unknown"
    assert "市長が特に認める地区" in zone["source"]["quote"]["ja"]
    assert zone["ask"]["phone"] == "076-220-2225"
    claim = next(s for s in data["steps"] if s["step"] == "claim_new_hire")
    assert claim["due"] == "2028-03-31"  # rule art. 10(2): within one year of 2027-04-01


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("139.767,35.681", "outside Kanazawa"),  # Tokyo Station
        ("136.656", "two numbers"),
        ("east,north", "two numbers"),
    ],
)
def test_grants_at_a_bad_point_is_rejected(profile_path: Path, at: str, message: str) -> None:
    result = invoke("grants", str(profile_path), "--at", at, "--data", str(DATA_DIR))
    assert result.exit_code in (1, 2)
    assert message in result.output


def _walk(value, path="$"):
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")


@pytest.mark.parametrize("where", [("--lot", "inaho/2"), ("--at", "136.6560,36.5614")])
def test_every_amount_and_condition_in_json_carries_source_and_tier(
    profile_path: Path, where: tuple[str, str]
) -> None:
    result = invoke(
        "grants",
        str(profile_path),
        *where,
        "--as-of",
        "2024-10-01",
        "--format",
        "json",
        "--data",
        str(DATA_DIR),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    tiers = {"ordinance", "official_page", "council_minutes", "aggregator"}
    checked = 0
    for programme in data["programmes"]:
        for reason in programme["reasons"]:
            assert reason["tier"] in tiers, (programme["id"], reason)
            assert reason["source"]["where"], (programme["id"], reason)
            checked += 1
        if programme["kind"] == "cash" and programme["amount_jpy"]:
            assert programme["amount_sources"], programme["id"]
            assert programme["amount_tier"] in tiers
        for part in programme["components"]:
            if part["amount_jpy"]:
                assert part["sources"], (programme["id"], part)
                assert part["tier"] in tiers, (programme["id"], part)
        if programme["kind"] != "cash":
            assert programme["benefit_tier"] in tiers
        for step in programme["steps"]:
            assert step["tier"] in tiers
    assert checked > 50
    for issuer in ("city", "prefecture", "if_combinable"):
        if data["totals"][issuer]["possible_jpy"]:
            assert data["totals"][issuer]["tier"] in tiers
    for path, node in _walk(data):
        if "source" in node and isinstance(node["source"], dict):
            assert node["source"]["tier"] in tiers, path
