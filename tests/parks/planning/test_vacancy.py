"""Vacancy and absorption of the hand-built park (three 1 ha lots), worked out by hand."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from parks.planning.vacancy import vacancy

AS_OF = date(2025, 1, 1)
YEARS = (AS_OF - date(2020, 4, 1)).days / 365.25  # on sale from 2020-04-01 (lot 2)


@pytest.fixture(scope="module")
def report(world):
    demand = [
        {
            "as_of": "2025-01-01",
            "criteria": {
                "industry": "logistics_transport",
                "project": "new_site",
                "origin": "inside_city",
            },
            "matches": 0,
            "near_misses": 1,
        },
        {
            "as_of": "2025-01-01",
            "criteria": {
                "industry": "manufacturing",
                "project": "new_site",
                "origin": "inside_city",
                "land_m2": {"min": 50_000},
            },
            "matches": 0,
            "near_misses": 1,
        },
        {"as_of": "2025-01-01", "criteria": {"industry": "manufacturing"}, "matches": 2},
        {"criteria": {}, "matches": 0, "failed_constraints": ["price"]},
    ]
    return vacancy(world, as_of=AS_OF, demand=demand)


def test_sold_share_over_time(report) -> None:
    park = report["parks"][0]
    assert park["park_id"] == "techno-park"
    series = [(s["date"], s["share"]) for s in park["sold_share"]]
    third = round(1 / 3, 4)
    assert series == [
        ("2020-04-01", 0.0),
        ("2021-04-01", 0.0),
        ("2022-06-15", third),
        ("2024-04-01", third),
    ]


def test_absorption_and_stock(report) -> None:
    park = report["parks"][0]
    assert park["first_on_sale"] == "2020-04-01"
    assert park["sold_out_on"] is None
    assert park["sold_ha"] == pytest.approx(1.0)
    assert park["stock_ha"] == pytest.approx(1.0)
    assert park["planned_ha"] == pytest.approx(1.0)
    assert park["absorption_ha_per_year"] == pytest.approx(1.0 / YEARS, abs=1e-3)
    assert park["inferred_sale_date_share"] == 0


def test_forecast_of_the_remaining_stock(report) -> None:
    forecast = report["parks"][0]["forecast"]
    pace = (1 / 3) / YEARS
    days = math.ceil((2 / 3) / pace * 365.25)
    assert forecast["remaining_ha"] == pytest.approx(2.0)
    assert forecast["sold_out_on"] == (AS_OF + timedelta(days=days)).isoformat()
    assert forecast["range"] == {
        "earliest": forecast["sold_out_on"],
        "latest": forecast["sold_out_on"],
    }


def test_city_totals(report) -> None:
    city = report["city"]
    assert city["sold_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert city["sold_ha_by_year"] == {"2022": 1.0}
    assert city["parks_with_stock"] == ["techno-park"]
    assert city["all_sold_out_on"] is None


def test_unmet_demand_by_blocking_constraint(report) -> None:
    groups = {g["constraint"]: g for g in report["unmet_demand"]}
    assert set(groups) == {"industry", "area", "price"}
    assert groups["area"]["land_ha_asked"] == pytest.approx(5.0)
    assert groups["industry"]["industries"] == {"logistics_transport": 1}
    assert report["unmet_summary"] == {"requests": 4, "unmet": 3, "unmet_land_ha": 5.0}


def test_a_sold_out_city_on_the_real_data(layers) -> None:
    report = vacancy(layers, as_of="2025-06-01")
    assert [p["park_id"] for p in report["parks"]] == list(layers.parks["park_id"])
    for park in report["parks"]:
        shares = [s["share"] for s in park["sold_share"]]
        assert all(0 <= s <= 1 for s in shares)
        if park["sold_out_on"]:
            assert shares[-1] == 1.0
            assert park["forecast"] is None
        assert park["absorption_ha_per_year"] is None or park["absorption_ha_per_year"] > 0
    assert report["city"]["sold_ha"] <= report["city"]["total_ha"] + 1e-9
