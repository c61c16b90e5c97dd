"""Firm profile validation: schema (Draft 2020-12) plus cross-field rules, every problem listed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parks.errors import InvalidFirmProfileError
from parks.profile import SCHEMA_PATH, Investment, load_profile, validate_profile

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMA = ROOT.parent / "shared" / "schemas" / "firm-profile.schema.json"

MINIMAL = {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"}


def test_minimal_profile_is_accepted_with_unknowns_as_none() -> None:
    profile = validate_profile(MINIMAL)
    assert profile.industry == "manufacturing"
    assert profile.hq_functions is False
    assert profile.new_hires is None
    assert profile.investment == Investment()


def test_full_profile_maps_every_field() -> None:
    data = {
        **MINIMAL,
        "name": "Example",
        "hq_functions": True,
        "land_m2": {"min": 1000, "max": 2000},
        "investment_jpy": {
            "land": 1,
            "building": 2,
            "equipment": 3,
            "relocation": 4,
            "rent_3_years": 5,
        },
        "new_hires": 10,
        "new_hires_residents": 7,
        "new_hires_from_outside_prefecture": 2,
        "regular_employees": 30,
        "max_drive_minutes": {"interchange": 10, "airport": 45.5},
        "needs_groundwater": True,
        "max_land_price_per_m2": 30000,
        "operational_by": "2027-04-01",
    }
    profile = validate_profile(data)
    assert profile.investment == Investment(1, 2, 3, 4, 5)
    assert profile.max_drive_minutes.airport == 45.5
    assert profile.operational_by == date(2027, 4, 1)
    assert profile.to_dict() == {**data, "operational_by": "2027-04-01"}


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"investment_jpy": {"land": -1}}, "investment_jpy.land", "Enter 0 or more."),
        ({"industry": "steel"}, "industry", "Choose one of the listed options."),
        (
            {"land_m2": {"min": 500, "max": 100}},
            "land_m2.max",
            "The largest area must be at least the smallest area (500 m²).",
        ),
        ({"colour": "red"}, "", "colour: not a field of a firm profile."),
        ({"operational_by": "next year"}, "operational_by", "Enter a date such as 2025-04-01"),
        (
            {"new_hires": 3, "new_hires_residents": 4},
            "new_hires_residents",
            "This cannot be more than the new hires (3).",
        ),
        (
            {"new_hires": 9, "regular_employees": 5},
            "new_hires",
            "New hires cannot be more than the regular employees after the project (5)",
        ),
        ({"investment_jpy": {"land": 1.5}}, "investment_jpy.land", "Enter a whole number."),
    ],
)
def test_each_kind_of_problem_names_its_field_and_the_fix(
    change: dict, field: str, expected: str
) -> None:
    with pytest.raises(InvalidFirmProfileError) as info:
        validate_profile({**MINIMAL, **change})
    found = [(p.field, p.message.english()) for p in info.value.details]
    assert any(f == field and expected in text for f, text in found), found


def test_a_missing_required_field_is_named() -> None:
    data = {k: v for k, v in MINIMAL.items() if k != "industry"}
    with pytest.raises(InvalidFirmProfileError) as info:
        validate_profile(data)
    assert [(p.field, p.message.english()) for p in info.value.details] == [
        ("industry", "This is required.")
    ]


def test_every_problem_is_listed_at_once() -> None:
    bad = {
        "industry": "steel",
        "project": "new_site",
        "origin": "inside_city",
        "investment_jpy": {"building": -5},
        "land_m2": {"min": 900, "max": 100},
        "favourite": 1,
    }
    with pytest.raises(InvalidFirmProfileError) as info:
        validate_profile(bad)
    problems = info.value.details
    assert len(problems) == 4
    assert [p.field for p in problems] == [
        "",
        "industry",
        "investment_jpy.building",
        "land_m2.max",
    ]


def test_missing_required_fields_are_all_named() -> None:
    with pytest.raises(InvalidFirmProfileError) as info:
        validate_profile({})
    assert [(p.field, p.message.english()) for p in info.value.details] == [
        (name, "This is required.") for name in ("industry", "origin", "project")
    ]


def test_non_object_is_rejected() -> None:
    with pytest.raises(InvalidFirmProfileError, match=r"a group of fields \(a JSON object\)"):
        validate_profile(["manufacturing"])


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="industry"):
        validate_profile({**MINIMAL, "industry": None})


def test_load_profile_reads_json(tmp_path: Path) -> None:
    path = tmp_path / "firm.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")
    assert load_profile(path).origin == "inside_city"


def test_load_profile_rejects_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "firm.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidFirmProfileError, match="not valid JSON"):
        load_profile(path)


def test_load_profile_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidFirmProfileError, match="file not found"):
        load_profile(tmp_path / "nope.json")


def test_dataclass_rejects_a_negative_cost_directly() -> None:
    with pytest.raises(InvalidFirmProfileError, match=r"investment_jpy\.land"):
        Investment(land=-1)


def test_packaged_schema_matches_shared_copy() -> None:
    if not SHARED_SCHEMA.exists():
        pytest.skip("../shared not present")
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == json.loads(
        SHARED_SCHEMA.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_refused(value: float) -> None:
    # JSON Schema's number checks all pass for NaN; a file read with json.loads can hold it
    data = {"industry": "manufacturing", "project": "new_site", "origin": "inside_city"}
    with pytest.raises(InvalidFirmProfileError, match=r"\$\.land_m2\.min: Enter a finite number"):
        validate_profile({**data, "land_m2": {"min": value}})
