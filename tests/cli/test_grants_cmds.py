"""``siting grants`` and ``siting build-grants`` through click's CliRunner."""

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
    assert "¥91,000,000 (up to)" in result.output
    assert "IF they can be combined" in result.output
    assert "¥315,000,000" in result.output
    assert "sources: https://" in result.output


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
    assert "91,000,000円 以内" in result.output
    assert "併給できる場合" in result.output
    assert "出典" in result.output


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


def test_build_grants_writes_rules(tmp_path: Path, facts_dir: Path) -> None:
    result = invoke("build-grants", "--facts", str(facts_dir), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "grant_rules.yaml").exists()
    assert "16 programmes" in result.output


def test_build_grants_reports_missing_facts(tmp_path: Path) -> None:
    result = invoke("build-grants", "--facts", str(tmp_path), "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "no grant facts" in result.output
