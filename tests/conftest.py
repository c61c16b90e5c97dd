"""Shared fixtures: paths to the embedded data and (optionally) the raw sources."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SHARED = ROOT.parent / "shared"
RAW_DIR = SHARED / "data" / "raw"
FACTS_DIR = SHARED / "data" / "facts"

FIRM_FORM = {
    "industry": "manufacturing",
    "project": "new_site",
    "origin": "outside_prefecture",
    "land_m2_min": "3000",
    "land_m2_max": "9000",
    "investment_land": "200000000",
    "investment_building": "600000000",
    "investment_equipment": "300000000",
    "new_hires": "40",
    "new_hires_residents": "30",
    "new_hires_from_outside_prefecture": "8",
    "max_minutes_interchange": "10",
    "needs_groundwater": "on",
}
"""A firm profile as the grant and pitch forms send it."""


@pytest.fixture(scope="session")
def layers():
    """The real embedded dataset in data/, loaded once."""
    from parks.data import load_layers

    return load_layers(DATA_DIR)


@pytest.fixture
def raw_dir() -> Path:
    """The raw sources beside the checkout; tests using it skip cleanly when absent."""
    if not (RAW_DIR / "osm-openmaptiles-jp1710").exists():
        pytest.skip("raw sources (../shared/data/raw) not present")
    return RAW_DIR


@pytest.fixture
def facts_dir() -> Path:
    """The fact YAML files beside the checkout; skip when absent."""
    if not (FACTS_DIR / "parks.yaml").exists():
        pytest.skip("facts (../shared/data/facts) not present")
    return FACTS_DIR
