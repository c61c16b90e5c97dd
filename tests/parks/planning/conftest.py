"""Fixtures of the planner's tests: the hand-built world, loaded once, and a layer store."""

from __future__ import annotations

from pathlib import Path

import pytest

from parks.data import load_layers
from parks.planning.data import load_planning
from tests.planning_shapes import write_world


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the hand-built planning world."""
    return write_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="session")
def world(world_dir: Path):
    """The world's embedded layers."""
    return load_layers(world_dir)


@pytest.fixture(scope="session")
def world_planning(world_dir: Path):
    """The world's planning data (census points, land cover)."""
    return load_planning(world_dir)


@pytest.fixture(scope="session")
def planning():
    """The committed planning data (data/planning.gpkg, data/landcover.tif)."""
    from tests.conftest import DATA_DIR

    return load_planning(DATA_DIR)
