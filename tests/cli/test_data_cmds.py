"""The data commands through click's CliRunner: build-data, layers, import-lots."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import siting
from parks.data import LAYER_COLUMNS, gpkg_path, load_layers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    shutil.copyfile(gpkg_path(ROOT / "data"), gpkg_path(target))
    return target


def test_layers_lists_every_layer_with_full_provenance(runner: CliRunner) -> None:
    result = runner.invoke(siting, ["layers", "--data", str(ROOT / "data")])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[2:]}
    for name in LAYER_COLUMNS:
        assert name in rows, name
        features, with_source = int(rows[name][1]), int(rows[name][-2])
        assert features > 0
        assert with_source == features, name


def test_layers_without_data_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(siting, ["layers", "--data", str(tmp_path)])
    assert result.exit_code != 0
    assert "siting build-data" in result.output


def test_build_data_with_missing_inputs_names_them_and_keeps_data(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    before = hashlib.sha256(gpkg_path(data_dir).read_bytes()).hexdigest()
    result = runner.invoke(
        siting,
        [
            "build-data",
            "--raw",
            str(tmp_path / "none"),
            "--facts",
            str(tmp_path / "nofacts"),
            "--out",
            str(data_dir),
        ],
    )
    assert result.exit_code != 0
    assert "missing input file" in result.output
    assert "parks.yaml" in result.output
    assert "kanazawa_osm_openmaptiles_z13_2017.gpkg" in result.output
    assert hashlib.sha256(gpkg_path(data_dir).read_bytes()).hexdigest() == before


def test_build_data_from_the_raw_sources(
    runner: CliRunner, raw_dir: Path, facts_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "built"
    result = runner.invoke(
        siting, ["build-data", "--raw", str(raw_dir), "--facts", str(facts_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    built = load_layers(out)
    committed = load_layers(ROOT / "data")
    # reproducible: the same outlines, lots and history as the committed dataset
    assert list(built.lots["lot_id"]) == list(committed.lots["lot_id"])
    assert built.lots["area_m2"].sum() == pytest.approx(committed.lots["area_m2"].sum(), rel=1e-6)
    assert built.parks.geometry.geom_equals_exact(committed.parks.geometry, 1e-9).all()
    assert built.lots.geometry.geom_equals_exact(committed.lots.geometry, 1e-9).all()
    pd.testing.assert_frame_equal(built.lot_events, committed.lot_events)
    assert (out / "facts" / "parks.yaml").read_text(encoding="utf-8") == (
        ROOT / "data" / "facts" / "parks.yaml"
    ).read_text(encoding="utf-8")
    assert (out / "facts" / "grants.yaml").exists()
    assert gpkg_path(out).stat().st_size < 20e6


def _store_status(data_dir: Path, store_dir: Path, lot_id: str) -> str:
    from webapp import create_app, get_layers

    app = create_app({"DATA_DIR": str(data_dir), "STORE_DIR": str(store_dir)})
    with app.app_context():
        return str(get_layers().lot(lot_id)["status"])


def test_import_lots_dry_run_then_apply(runner: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    lots = load_layers(data_dir).lots_of("morimoto-ic")
    frame = lots[["park_id", "lot_no", "status", "geometry"]].copy()
    frame.loc[frame["lot_no"] == "12", "status"] = "reserved"
    path = tmp_path / "official.geojson"
    frame.to_file(path, driver="GeoJSON")
    store_dir = tmp_path / "store"
    env = {"SITING_STORE_DIR": str(store_dir)}

    dry = runner.invoke(siting, ["import-lots", str(path), "--data", str(data_dir)], env=env)
    assert dry.exit_code == 0, dry.output
    assert "morimoto-ic/12: status sold → reserved" in dry.output
    assert "dry run" in dry.output
    assert _store_status(data_dir, store_dir, "morimoto-ic/12") == "sold"

    applied = runner.invoke(
        siting,
        ["import-lots", str(path), "--data", str(data_dir), "--apply", "--source", "city"],
        env=env,
    )
    assert applied.exit_code == 0, applied.output
    assert _store_status(data_dir, store_dir, "morimoto-ic/12") == "reserved"
    # the published baseline is untouched: the store holds the change
    assert load_layers(data_dir).lot("morimoto-ic/12")["status"] == "sold"


def test_import_lots_rejects_a_bad_file_with_every_problem(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    lots = load_layers(data_dir).lots_of("morimoto-ic")
    frame = lots[["park_id", "lot_no", "status", "geometry"]].copy().reset_index(drop=True)
    frame.loc[0, "status"] = "sold?"
    frame.loc[1, "status"] = "unknown"
    path = tmp_path / "bad.geojson"
    frame.to_file(path, driver="GeoJSON")
    store_dir = tmp_path / "store"
    result = runner.invoke(
        siting,
        ["import-lots", str(path), "--data", str(data_dir), "--apply"],
        env={"SITING_STORE_DIR": str(store_dir)},
    )
    assert result.exit_code != 0
    assert "'sold?'" in result.output
    assert "'unknown'" in result.output
    assert _store_status(data_dir, store_dir, "morimoto-ic/1") == "sold"


def test_check_data_prints_every_check_and_passes_on_the_embedded_dataset(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        siting,
        [
            "check-data",
            "--data",
            str(ROOT / "data"),
            "--raw",
            str(tmp_path / "none"),
            "--no-access",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "checking against the embedded layers" in result.output
    for check in (
        "| outline outside the city | inaho |",
        "| expressway/ramp inside outline | morimoto-ic | OSM ramps |",
        "| public road inside lots (8 m in) | techno-park |",
        "| reported figure | katatsu | 2016-01-12: sold_pct reported 91.2 |",
    ):
        assert check in result.output
    assert "| NO |" not in result.output


def test_check_data_exits_non_zero_when_a_lot_crosses_a_road(
    runner: CliRunner, data_dir: Path, tmp_path: Path
) -> None:
    from geo.io import write_layers_atomic

    shutil.copytree(ROOT / "data" / "facts", data_dir / "facts")
    layers = load_layers(data_dir)
    lots = layers.lots.copy()
    i = int((lots["lot_id"] == "morimoto-ic/1").to_numpy().argmax())
    lots.loc[lots.index[i], "geometry"] = layers.park("morimoto-ic").geometry.envelope
    write_layers_atomic(gpkg_path(data_dir), {"lots": lots})
    result = runner.invoke(
        siting,
        [
            "check-data",
            "--data",
            str(data_dir),
            "--raw",
            str(tmp_path / "none"),
            "--no-access",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1
    rows = json.loads(result.output)
    failed = {(r["check"], r["park_id"]) for r in rows if not r["ok"]}
    assert ("public road inside lots (8 m in)", "morimoto-ic") in failed
    assert ("lots outside their outline", "morimoto-ic") in failed
