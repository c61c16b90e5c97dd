"""Shared fixtures: paths to the embedded data and (optionally) the raw sources."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SHARED = ROOT.parent / "shared"
RAW_DIR = SHARED / "data" / "raw"
FACTS_DIR = SHARED / "data" / "facts"


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
