"""flaskr-style fixtures: an app over the hand-built layers, its client, and the real-data app."""

from __future__ import annotations

from pathlib import Path

import pytest

from parks.data import gpkg_path, load_layers
from tests.conftest import DATA_DIR
from tests.shapes import write_dataset
from webapp import create_app


@pytest.fixture(scope="session")
def shapes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the hand-built layers, routes and isochrones included."""
    return write_dataset(tmp_path_factory.mktemp("shapes"))


@pytest.fixture(scope="session")
def bare_shapes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built layers without the optional access layers."""
    return write_dataset(tmp_path_factory.mktemp("bare"), with_access=False)


@pytest.fixture(scope="session")
def shape_layers(shapes_dir: Path):
    """The hand-built layers, loaded."""
    return load_layers(shapes_dir)


@pytest.fixture
def app(shapes_dir: Path):
    """The app over the hand-built layers."""
    return create_app({"TESTING": True, "DATA_DIR": str(shapes_dir)})


@pytest.fixture
def client(app):
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture(scope="session")
def real_app():
    """The app over the real embedded data/ (skipped until it is built)."""
    if not gpkg_path(DATA_DIR).exists():
        pytest.skip("data/kanazawa.gpkg not built yet (siting build-data)")
    return create_app({"TESTING": True, "DATA_DIR": str(DATA_DIR)})
