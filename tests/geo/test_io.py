"""Atomic GeoPackage writes: all layers or none, stored in EPSG:4326."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.crs import METRIC_CRS, WEB_CRS
from geo.errors import CRSMismatchError
from geo.io import is_table, list_layers, read_table, read_vector, write_layers_atomic


def points(crs) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(136.6, 36.5)], crs=WEB_CRS).to_crs(crs)


def test_layers_and_tables_are_written_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "d.gpkg"
    write_layers_atomic(path, {"pts": points(WEB_CRS), "tab": pd.DataFrame({"x": [1, 2]})})
    write_layers_atomic(path, {"tab": pd.DataFrame({"x": [3]})})
    assert sorted(list_layers(path)) == ["pts", "tab"]
    assert is_table(path, "tab")
    assert not is_table(path, "pts")
    assert read_table(path, "tab")["x"].tolist() == [3]
    assert read_vector(path, "pts").crs == WEB_CRS
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_metric_layer_is_refused_and_the_old_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "d.gpkg"
    write_layers_atomic(path, {"pts": points(WEB_CRS)})
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(CRSMismatchError, match=r"EPSG:6675.*EPSG:4326"):
        write_layers_atomic(path, {"tab": pd.DataFrame({"x": [1]}), "m": points(METRIC_CRS)})
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert list(tmp_path.iterdir()) == [path]
