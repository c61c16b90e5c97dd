"""`siting match` and `siting demand` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import siting
from parks.demand import past_path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "data" / "scenarios"


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    raw = json.loads((SCENARIOS / "small-logistics-depot.json").read_text(encoding="utf-8"))
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(raw["profile"]), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(siting, list(args))
    return result.exit_code, result.output


def test_match_json_lists_lots_with_drive_minutes(profile_file: Path, tmp_path: Path) -> None:
    code, out = run(
        "match",
        str(profile_file),
        "--as-of",
        "2021-04-01",
        "--format",
        "json",
        "--data",
        str(ROOT / "data"),
        "--log",
        str(tmp_path / "log.jsonl"),
    )
    assert code == 0, out
    data = json.loads(out)
    assert data["as_of"] == "2021-04-01"
    assert set(data["weights"]) == {"access", "land_fit", "net_cost", "cluster"}
    assert data["matches"]
    first = data["matches"][0]
    assert set(first["drive_minutes"]) == {"interchange", "port", "airport", "station"}
    assert first["drive_minutes"]["interchange"] <= 8
    assert all(c["ok"] for c in first["checks"])


def test_match_text_in_japanese_and_the_log_has_no_name(profile_file: Path, tmp_path: Path) -> None:
    raw = json.loads(profile_file.read_text(encoding="utf-8"))
    raw["name"] = "株式会社テスト物流"
    profile_file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    log = tmp_path / "log.jsonl"
    code, out = run(
        "match",
        str(profile_file),
        "--as-of",
        "2026-11-28",
        "--lang",
        "ja",
        "--data",
        str(ROOT / "data"),
        "--log",
        str(log),
    )
    assert code == 0, out
    assert "2026年11月28日時点で分譲中の区画はありません" in out
    assert "条件に最も近い区画" in out
    assert "から分譲済" in out
    assert not log.exists()  # a past date is history, not demand: it goes to the past log
    assert "株式会社テスト物流" not in past_path(log).read_text(encoding="utf-8")

    code, out = run("demand", "--log", str(log), "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["past_date_searches"] == 1
    assert summary["searches"] == 0


def test_match_rejects_a_bad_profile_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "industry": "mining",
                "project": "new_site",
                "origin": "inside_city",
                "land_m2": {"min": 5000, "max": 1000},
                "colour": "red",
            }
        )
    )
    code, out = run("match", str(path), "--data", str(ROOT / "data"), "--no-log")
    assert code != 0
    assert "Industry: Choose one of the listed options." in out
    assert "colour: not a field of a firm profile." in out
    assert (
        "Area at most (m²): The largest area must be at least the smallest area (5,000 m²)." in out
    )

    code, out = run("match", str(path), "--data", str(ROOT / "data"), "--no-log", "--lang", "ja")
    assert code != 0
    assert "エラー:" in out
    assert "業種: 一覧から選んでください。" in out


def test_match_rejects_a_bad_date(profile_file: Path) -> None:
    code, out = run("match", str(profile_file), "--as-of", "2021-02-30", "--no-log")
    assert code != 0
    assert "not an ISO date" in out


def test_a_scenario_file_is_read_as_its_profile() -> None:
    code, out = run(
        "match",
        str(SCENARIOS / "precision-parts-maker.json"),
        "--as-of",
        "2021-04-01",
        "--format",
        "json",
        "--data",
        str(ROOT / "data"),
        "--no-log",
    )
    assert code == 0, out
    assert json.loads(out)["matches"]
