"""CLI: build-access writes the three layers; isochrone prints GeoJSON or a clear error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import siting
from geo.io import list_layers, read_table

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    if not (DATA / "kanazawa.gpkg").exists():
        pytest.skip("data/kanazawa.gpkg not built")
    shutil.copy(DATA / "kanazawa.gpkg", tmp_path / "kanazawa.gpkg")
    return tmp_path


def test_build_access_writes_layers(data_copy: Path) -> None:
    result = CliRunner().invoke(
        siting, ["build-access", "--data", str(data_copy), "--profiles", "normal"]
    )
    assert result.exit_code == 0, result.output
    gpkg = data_copy / "kanazawa.gpkg"
    assert {"lot_access", "routes", "isochrones", "lots"} <= set(list_layers(gpkg))
    table = read_table(gpkg, "lot_access")
    assert set(table["profile"]) == {"normal"}


def test_isochrone_prints_geojson() -> None:
    if not (DATA / "kanazawa.gpkg").exists():
        pytest.skip("data/kanazawa.gpkg not built")
    result = CliRunner().invoke(
        siting, ["isochrone", "--at", "136.6477,36.5783", "--minutes", "5,10", "--data", str(DATA)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [f["properties"]["minutes"] for f in doc["features"]] == [5.0, 10.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "136.6", "--minutes", "5"], "--at"),
        (["--at", "136.65,36.58", "--minutes", "0,-3"], "positive"),
        (["--at", "136.65,36.58", "--minutes", "five"], "numbers"),
        (["--at", "135.0,36.58", "--minutes", "5"], "outside"),
    ],
)
def test_isochrone_bad_input(args: list[str], message: str) -> None:
    if not (DATA / "kanazawa.gpkg").exists():
        pytest.skip("data/kanazawa.gpkg not built")
    result = CliRunner().invoke(siting, ["isochrone", *args, "--data", str(DATA)])
    assert result.exit_code != 0
    assert message in result.output
