"""CLI: assess (json, text, pdf), suitability, vacancy, add-layer, build-planning."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString, box

from cli.main import siting
from geo.crs import METRIC_CRS
from parks.planning.data import load_planning
from tests.conftest import DATA_DIR
from tests.planning_shapes import plane_dem, write_world
from tests.shapes import X0, Y0


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory) -> Path:
    return write_world(tmp_path_factory.mktemp("cli-world"))


def _area(tmp_path: Path, geom, name="area.geojson") -> Path:
    path = tmp_path / name
    gpd.GeoDataFrame(geometry=[geom], crs=METRIC_CRS).to_file(path)
    return path


def _run(*args: str):
    return CliRunner().invoke(siting, list(args), catch_exceptions=False)


def test_assess_prints_json_text_and_writes_a_pdf(world_dir, tmp_path) -> None:
    area = _area(tmp_path, box(X0 - 1000, Y0 + 1000, X0 - 800, Y0 + 1200))
    common = ["--data", str(world_dir), "--layers", str(tmp_path / "layers")]
    result = _run("assess", str(area), "--format", "json", *common)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["area_ha"] == pytest.approx(4.0, abs=1e-3)
    assert body["criteria"]["slope"]["value"] == "no data"
    text = _run("assess", str(area), "--lang", "ja", *common)
    assert "面積" in text.output
    assert "データなし" in text.output
    pdf = tmp_path / "report.pdf"
    result = _run("assess", str(area), "--format", "pdf", "--out", str(pdf), *common)
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")


def test_assess_refuses_a_line_with_the_reason(world_dir, tmp_path) -> None:
    line = _area(tmp_path, LineString([(X0, Y0), (X0 + 100, Y0 + 100)]))
    result = CliRunner().invoke(siting, ["assess", str(line), "--data", str(world_dir)])
    assert result.exit_code == 1
    assert "not a polygon" in result.output


def test_suitability_writes_its_outputs(world_dir, tmp_path) -> None:
    out = tmp_path / "suit"
    result = _run(
        "suitability",
        "--out",
        str(out),
        "--cell-m",
        "100",
        "--data",
        str(world_dir),
        "--layers",
        str(tmp_path / "none"),
    )
    assert result.exit_code == 0, result.output
    assert {
        "suitability.tif",
        "exclusion.tif",
        "candidates.geojson",
        "candidates.csv",
        "report.json",
    } <= {p.name for p in out.iterdir()}
    assert "slope" in result.output


def test_suitability_refuses_inconsistent_ahp(world_dir, tmp_path) -> None:
    weights = tmp_path / "w.yaml"
    weights.write_text(
        "pairwise:\n  interchange_minutes: {landcover: 9}\n  landcover: {park_distance: 9}\n"
        "  park_distance: {interchange_minutes: 9}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        siting,
        [
            "suitability",
            "--out",
            str(tmp_path / "o"),
            "--weights",
            str(weights),
            "--data",
            str(world_dir),
        ],
    )
    assert result.exit_code == 1
    assert "consistency ratio" in result.output
    assert not (tmp_path / "o").exists()


def test_add_layer_checks_first_and_stores_nothing_when_refused(world_dir, tmp_path) -> None:
    layers = tmp_path / "layers"
    bad = plane_dem(tmp_path / "bad.tif", gradient=0.1, origin=(X0, Y0), crs=None)
    result = CliRunner().invoke(
        siting,
        [
            "add-layer",
            "dem",
            str(bad),
            "--source",
            "x",
            "--layers",
            str(layers),
            "--data",
            str(world_dir),
        ],
    )
    assert result.exit_code == 1
    assert "no coordinate reference system" in result.output
    assert not layers.exists() or not any(layers.iterdir())
    good = plane_dem(tmp_path / "good.tif", gradient=0.1, origin=(X0 - 1000, Y0 + 1200))
    result = _run(
        "add-layer",
        "dem",
        str(good),
        "--source",
        "test DEM",
        "--layers",
        str(layers),
        "--data",
        str(world_dir),
    )
    assert result.exit_code == 0, result.output
    area = _area(tmp_path, box(X0 - 950, Y0 + 700, X0 - 700, Y0 + 1150))
    body = json.loads(
        _run(
            "assess",
            str(area),
            "--format",
            "json",
            "--data",
            str(world_dir),
            "--layers",
            str(layers),
        ).output
    )
    assert body["criteria"]["slope"]["value"] == pytest.approx(5.71, abs=0.01)
    assert _run("remove-layer", "dem", "--layers", str(layers)).exit_code == 0


def test_vacancy_json_and_text(world_dir) -> None:
    result = _run(
        "vacancy",
        "--format",
        "json",
        "--as-of",
        "2025-01-01",
        "--data",
        str(world_dir),
        "--demand-log",
        "/nonexistent/log.jsonl",
    )
    body = json.loads(result.output)
    assert body["parks"][0]["sold_share"][-1]["share"] == pytest.approx(1 / 3, abs=1e-4)
    text = _run(
        "vacancy",
        "--as-of",
        "2025-01-01",
        "--data",
        str(world_dir),
        "--demand-log",
        "/nonexistent/log.jsonl",
    )
    assert "Kanazawa Techno Park" in text.output


@pytest.mark.raw
def test_build_planning_reproduces_the_committed_data(raw_dir, tmp_path) -> None:
    result = _run("build-planning", "--raw", str(raw_dir), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    built = load_planning(tmp_path)
    committed = load_planning(DATA_DIR)
    assert len(built.small_areas) == len(committed.small_areas)
    assert built.small_areas["population"].sum() == committed.small_areas["population"].sum()
    kanazawa = built.small_areas[built.small_areas["municipality_code"] == "17201"]
    assert len(kanazawa) == 914
    assert int(kanazawa["population"].sum()) == 465_699
