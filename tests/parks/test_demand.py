"""The demand log: rotation, valid JSON, de-duplication across writers, summaries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parks.demand import DemandLog, demand_record, demand_summary, read_demand, record_demand
from parks.profile import validate_profile

TODAY = date(2026, 11, 28)


def _record(min_m2: int, **extra) -> dict:
    profile = validate_profile(
        {
            "industry": "manufacturing",
            "project": "new_site",
            "origin": "inside_city",
            "land_m2": {"min": min_m2},
        }
    )
    return demand_record(profile, as_of=TODAY, today=TODAY, **extra)


def test_the_log_rotates_by_size_and_loses_nothing(tmp_path: Path) -> None:
    log = tmp_path / "demand.jsonl"
    for i in range(40):
        record_demand(log, _record(1000 + i, matches=0, near_misses=0), max_bytes=2_000, backups=50)
    assert log.stat().st_size <= 2_000
    assert log.with_name("demand.jsonl.1").exists()
    assert len(read_demand(log)) == 40


def test_repeats_within_the_window_are_written_once(tmp_path: Path) -> None:
    log = DemandLog(tmp_path / "demand.jsonl", window_s=60)
    assert log.record(_record(5000, matches=0, near_misses=0), now=0.0)
    assert not log.record(_record(5000, matches=0, near_misses=0), now=30.0)
    assert log.record(_record(5000, matches=0, near_misses=0), now=90.0)
    assert log.record(_record(6000, matches=0, near_misses=0), now=91.0)
    assert len((tmp_path / "demand.jsonl").read_text().splitlines()) == 3


def test_repeats_from_two_writers_count_once_when_read(tmp_path: Path) -> None:
    path = tmp_path / "demand.jsonl"
    for _ in range(2):  # two worker processes, each remembering only its own writes
        DemandLog(path).record(_record(5000, matches=0, near_misses=0))
    assert len(path.read_text().splitlines()) == 2
    assert len(read_demand(path)) == 1


def test_nan_never_reaches_the_log(tmp_path: Path) -> None:
    record = _record(5000, matches=0, near_misses=0)
    record["criteria"]["land_m2"]["min"] = float("nan")
    with pytest.raises(ValueError, match="JSON"):
        record_demand(tmp_path / "demand.jsonl", record)
    assert not (tmp_path / "demand.jsonl").exists() or all(
        json.loads(x) for x in (tmp_path / "demand.jsonl").read_text().splitlines()
    )


def test_summary_counts_unmet_searches_by_failed_constraint() -> None:
    live = [
        _record(50_000, matches=0, near_misses=3, near_miss_counts={"area": 3}),
        _record(60_000, matches=0, near_misses=2, near_miss_counts={"area": 1, "drive_minutes": 1}),
        _record(70_000, matches=0, near_misses=0),
        _record(3_000, matches=4, near_misses=1, near_miss_counts={"availability": 1}),
    ]
    summary = demand_summary(live, past=[_record(1, matches=0, near_misses=0)])
    assert summary["searches"] == 4
    assert summary["unmet"] == 3
    assert summary["unmet_by_failed_constraint"] == {
        "area": 2,
        "drive_minutes": 1,
        "several": 1,
    }
    assert summary["past_date_searches"] == 1


def test_records_name_the_constraints_that_failed_alone() -> None:
    near = _record(50_000, matches=0, near_misses=2, near_miss_counts={"area": 1, "price": 1})
    assert near["failed_constraints"] == ["area", "price"]
    assert _record(50_000, matches=0, near_misses=0)["failed_constraints"] == ["several"]
