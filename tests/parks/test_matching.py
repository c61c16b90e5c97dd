"""Matching: every returned lot is re-checked against the layers, independently of the matcher."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from geo.crs import METRIC_CRS
from parks.data import json_list
from parks.demand import demand_record, demand_summary, past_path, read_demand, record_demand
from parks.errors import InvalidInputError
from parks.matching import ASSEMBLY_GAP_M, Weights, match, match_table, table_from_columns
from parks.profile import validate_profile

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
APRIL_2021 = date(2021, 4, 1)
TODAY = date(2026, 11, 28)


def scenario(name: str) -> dict:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))["profile"]


def status_on(layers, lot_id: str, day: date) -> str | None:
    """The lot's status on a day, straight from lot_events."""
    ev = layers.lot_events
    ev = ev[(ev["lot_id"] == lot_id) & (ev["date"] <= day.isoformat())]
    return None if ev.empty else ev.sort_values("date", kind="stable")["status"].iloc[-1]


def nearest_minutes(layers, lot_id: str) -> dict[str, float]:
    """Minutes to the nearest destination of each kind, from the stored lot_access table."""
    access = layers.optional("lot_access")
    rows = access[(access["lot_id"] == lot_id) & (access["profile"] == "normal")]
    kinds = layers.destinations.set_index("id")["kind"]
    rows = rows.assign(kind=rows["destination_id"].map(kinds))
    return rows.groupby("kind")["minutes"].min().to_dict()


def assert_meets_every_constraint(layers, lot_ids: list[str], raw: dict, day: date) -> float:
    metric = layers.lots.to_crs(METRIC_CRS).set_index("lot_id")
    total = 0.0
    for lot_id in lot_ids:
        assert status_on(layers, lot_id, day) == "available", lot_id
        park = layers.park(layers.lot(lot_id)["park_id"])
        assert raw["industry"] in json_list(park["admitted_industries"])
        minutes = nearest_minutes(layers, lot_id)
        for kind, limit in raw.get("max_drive_minutes", {}).items():
            assert minutes[kind] <= limit, (lot_id, kind, minutes[kind])
        total += metric.geometry[lot_id].area
    if len(lot_ids) == 1:
        assert raw["land_m2"]["min"] <= total <= raw["land_m2"]["max"]
    return total


@pytest.mark.parametrize("name", ["precision-parts-maker", "small-logistics-depot"])
def test_scenarios_in_april_2021_match_lots_meeting_every_constraint(layers, name: str) -> None:
    raw = scenario(name)
    result = match(layers, validate_profile(raw), as_of=APRIL_2021)
    assert result.matches
    for m in result.matches:
        assert_meets_every_constraint(layers, list(m.lots), raw, APRIL_2021)
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("name", ["precision-parts-maker", "small-logistics-depot"])
def test_scenarios_today_return_no_match_but_near_misses(layers, name: str) -> None:
    result = match(layers, validate_profile(scenario(name)), as_of=TODAY)
    assert not result.matches
    assert result.near_misses
    for m in result.near_misses:
        failed = [c for c in m.checks if not c.ok]
        assert len(failed) == 1
        assert failed[0].constraint == "availability"
        assert status_on(layers, m.lots[0], TODAY) == "sold"
        assert "sold since" in failed[0].detail


def test_near_miss_says_by_how_much_the_area_falls_short(layers) -> None:
    raw = scenario("small-logistics-depot")
    lot = layers.lot("inaho/P2-1")
    raw["land_m2"] = {"min": round(lot["area_m2"]) + 2100, "max": 20000}
    result = match(layers, validate_profile(raw), as_of=APRIL_2021)
    near = {m.lots[0]: m for m in result.near_misses}
    assert "inaho/P2-1" in near
    check = next(c for c in near["inaho/P2-1"].checks if c.constraint == "area")
    assert check.detail.startswith("2,100 m² too small")
    assert check.message.params["short"] == 2100


def test_near_miss_names_the_slow_destination(layers) -> None:
    raw = scenario("small-logistics-depot")
    raw["max_drive_minutes"] = {"interchange": 1.0}
    result = match(layers, validate_profile(raw), as_of=APRIL_2021)
    assert not result.matches
    failed = [c for m in result.near_misses for c in m.checks if not c.ok]
    assert failed
    assert all(c.constraint == "drive_minutes.interchange" for c in failed)
    assert all("over your 1 min" in c.detail for c in failed)


def test_operational_by_admits_lots_that_open_in_time(layers) -> None:
    # Inaho's 2nd phase was planned in 2019 and went on sale in FY2021 (city strategy 2021-03)
    before_sale = date(2021, 3, 15)
    lots = layers.lots_of("inaho")
    opening = lots[lots["available_from"] == "2021-04-01"]
    raw = scenario("small-logistics-depot")
    raw["land_m2"] = {"min": 1000, "max": 20000}
    raw["operational_by"] = "2021-09-01"
    matched = {m.lots[0] for m in match(layers, validate_profile(raw), as_of=before_sale).matches}
    assert set(opening["lot_id"]) <= matched

    raw["operational_by"] = "2021-03-31"
    result = match(layers, validate_profile(raw), as_of=before_sale)
    assert not set(opening["lot_id"]) & {m.lots[0] for m in result.matches}
    lot_id = str(opening["lot_id"].iloc[0])
    # listed once, as planned stock, saying why it comes too late
    assert lot_id not in {m.lots[0] for m in result.near_misses}
    planned = {m.lots[0]: m for m in result.planned}
    assert (
        planned[lot_id].failed[0].detail
        == "on sale from 2021-04-01, after your start date (2021-03-31)"
    )


def test_groundwater_need_leaves_only_inaho(layers) -> None:
    raw = scenario("small-logistics-depot")
    raw["needs_groundwater"] = True
    raw["max_drive_minutes"] = {}
    result = match(layers, validate_profile(raw), as_of=APRIL_2021)
    assert result.matches
    assert {m.park_id for m in result.matches} == {"inaho"}


def test_assembly_when_no_single_lot_is_large_enough(layers) -> None:
    raw = scenario("small-logistics-depot")
    available = [
        lot_id
        for lot_id in layers.lots["lot_id"]
        if status_on(layers, lot_id, APRIL_2021) == "available"
    ]
    admitted = [
        lot_id
        for lot_id in available
        if raw["industry"]
        in json_list(layers.park(layers.lot(lot_id)["park_id"])["admitted_industries"])
    ]
    largest = max(layers.lot(lot_id)["area_m2"] for lot_id in admitted)
    # the smallest pair of neighbouring lots (<= 20 m apart) that beats every single lot
    metric_all = layers.lots.to_crs(METRIC_CRS).set_index("lot_id")
    pairs = [
        layers.lot(a)["area_m2"] + layers.lot(b)["area_m2"]
        for i, a in enumerate(admitted)
        for b in admitted[i + 1 :]
        if layers.lot(a)["park_id"] == layers.lot(b)["park_id"]
        and metric_all.geometry[a].distance(metric_all.geometry[b]) <= ASSEMBLY_GAP_M
    ]
    pair = min(total for total in pairs if total > largest + 500)
    raw["land_m2"] = {"min": largest + 500, "max": max(largest * 1.5, pair * 1.05)}
    raw["max_drive_minutes"] = {}
    result = match(layers, validate_profile(raw), as_of=APRIL_2021)
    assert result.matches
    metric = layers.lots.to_crs(METRIC_CRS).set_index("lot_id")
    for m in result.matches:
        assert len(m.lots) in (2, 3)
        assert len({layers.lot(x)["park_id"] for x in m.lots}) == 1
        total = assert_meets_every_constraint(layers, list(m.lots), raw, APRIL_2021)
        assert raw["land_m2"]["min"] <= total * 1.001
        assert total <= raw["land_m2"]["max"] * 1.001
        geoms = [metric.geometry[x] for x in m.lots]
        for g in geoms:
            assert min(g.distance(h) for h in geoms if h is not g) <= ASSEMBLY_GAP_M
        assert m.outline is not None
        minx, miny, maxx, maxy = shape(m.to_dict()["outline"]).bounds
        assert 136.5 < minx < maxx < 136.8
        assert 36.5 < miny < maxy < 36.7


def test_grants_come_with_each_match(layers) -> None:
    result = match(layers, validate_profile(scenario("precision-parts-maker")), as_of=APRIL_2021)
    grants = result.matches[0].grants
    # general track 85,000,000 + resident-hire bonus 6,000,000 (scenario worked by hand)
    assert grants["city_jpy"] == 85_000_000 + 6_000_000
    # prefecture: 20 % of 1,100,000,000 + 8 x 500,000
    assert grants["prefecture_jpy"] == 224_000_000
    assert "combined" in grants["if_combinable_label"] or "IF" in grants["if_combinable_label"]
    assert result.to_dict()["matches"][0]["net_land_cost_jpy"] is None  # no public price


def test_bad_top_and_weights_are_rejected(layers) -> None:
    profile = validate_profile(scenario("precision-parts-maker"))
    with pytest.raises(InvalidInputError, match="top"):
        match(layers, profile, as_of=APRIL_2021, top=0)
    with pytest.raises(InvalidInputError, match="weight access must be >= 0"):
        Weights(access=-1)


def synthetic_table(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    lots = pd.DataFrame(
        {
            "lot_id": [f"p{i % 5}/{i}" for i in range(n)],
            "park_id": [f"p{i % 5}" for i in range(n)],
            "area_m2": rng.uniform(1000, 20000, n),
            "price_per_m2": np.nan,
            "available_from": "2020-01-01",
        }
    )
    events = pd.DataFrame(
        {
            "lot_id": lots["lot_id"],
            "date": "2020-01-01",
            "status": rng.choice(["available", "sold", "planned"], n),
        }
    )
    minutes = pd.DataFrame({"lot_id": lots["lot_id"]})
    for kind in ("interchange", "port", "airport", "station"):
        minutes[kind] = rng.uniform(1, 60, n)
        minutes[f"{kind}_id"] = f"{kind}-1"
    parks = pd.DataFrame(
        {
            "park_id": [f"p{i}" for i in range(5)],
            "admitted_industries": json.dumps(["manufacturing", "logistics_wholesale"]),
            "groundwater": [None, "good", None, None, None],
        }
    )
    return lots, events, minutes, parks


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_ranking_is_stable_when_lots_are_shuffled(seed: int) -> None:
    lots, events, minutes, parks = synthetic_table(200, seed=seed)
    profile = validate_profile(
        {
            "industry": "manufacturing",
            "project": "new_site",
            "origin": "inside_city",
            "land_m2": {"min": 3000, "max": 12000},
            "max_drive_minutes": {"interchange": 30},
        }
    )
    a = match_table(
        table_from_columns(lots, events, minutes, parks), profile, as_of=date(2021, 1, 1), top=20
    )
    perm = np.random.default_rng(seed + 1).permutation(len(lots))
    b = match_table(
        table_from_columns(lots.iloc[perm], events.iloc[perm], minutes.iloc[perm], parks),
        profile,
        as_of=date(2021, 1, 1),
        top=20,
    )
    assert [m.lots for m in a.matches] == [m.lots for m in b.matches]
    assert [round(m.score, 9) for m in a.matches] == [round(m.score, 9) for m in b.matches]


def test_demand_log_never_stores_the_firm_name(tmp_path: Path) -> None:
    raw = scenario("precision-parts-maker")
    profile = validate_profile(raw)
    log = tmp_path / "demand.jsonl"
    record_demand(log, demand_record(profile, as_of=TODAY, matches=0, near_misses=4, today=TODAY))
    record_demand(
        log, demand_record(profile, as_of=APRIL_2021, matches=1, near_misses=2, today=TODAY)
    )
    text = log.read_text(encoding="utf-8") + past_path(log).read_text(encoding="utf-8")
    assert raw["name"] not in text
    assert "Aichi" not in text
    records = read_demand(log)
    assert records[0]["criteria"]["land_m2"] == {"min": 8000, "max": 15000}
    summary = demand_summary(records, read_demand(log, past=True))
    assert summary["searches"] == 1  # the 2021 search is history, not demand
    assert summary["past_date_searches"] == 1
    assert summary["unmet"] == 1
    assert summary["unmet_by_industry"] == {"manufacturing": 1}
    assert summary["unmet_by_min_area"] == {"< 10,000 m²": 1}
