"""Importing an official lot layer: every problem listed, nothing written unless all is well."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from shapely import affinity
from shapely.geometry import Polygon

from geo.crs import METRIC_CRS, WEB_CRS
from parks.data import gpkg_path, load_layers
from parks.errors import LotImportError
from parks.lot_import import apply_lot_import, prepare_lot_import

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the embedded dataset."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copyfile(gpkg_path(ROOT / "data"), gpkg_path(target))
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def official_katatsu(data_dir: Path) -> gpd.GeoDataFrame:
    """Katatsu's lots as the city might send them: two lots merged, one still for sale."""
    lots = load_layers(data_dir).lots_of("katatsu")
    frame = lots[["park_id", "lot_no", "status", "geometry"]].copy().reset_index(drop=True)
    frame.loc[0, "status"] = "available"
    frame["source"] = "金沢市 企業立地課, lot plan 2026-11"
    return frame


def write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_file(path, driver="GPKG" if path.suffix == ".gpkg" else "GeoJSON")
    return path


def test_a_good_file_gives_a_diff_and_writes_nothing_until_applied(
    data_dir: Path, tmp_path: Path
) -> None:
    before = digest(gpkg_path(data_dir))
    path = write(official_katatsu(data_dir), tmp_path / "lots.gpkg")
    plan = prepare_lot_import(path, data_dir)
    assert digest(gpkg_path(data_dir)) == before
    assert "katatsu/1: status sold → available" in plan.diff_text()
    assert not plan.added
    assert not plan.removed

    apply_lot_import(plan, data_dir)
    after = load_layers(data_dir)
    lot = after.lot("katatsu/1")
    assert lot["status"] == "available"
    assert not bool(lot["is_illustrative"])
    assert lot["source"] == "金沢市 企業立地課, lot plan 2026-11"
    # other parks keep their lots
    assert len(after.lots_of("morimoto-ic")) == 18
    # the change is recorded in the history
    events = after.lot_events[after.lot_events["lot_id"] == "katatsu/1"]
    assert events.iloc[-1]["status"] == "available"


def test_geojson_in_the_metric_crs_is_accepted(data_dir: Path, tmp_path: Path) -> None:
    frame = official_katatsu(data_dir).to_crs(METRIC_CRS)
    plan = prepare_lot_import(write(frame, tmp_path / "lots.gpkg"), data_dir)
    assert len(plan.lots[plan.lots["park_id"] == "katatsu"]) == len(frame)


def test_every_problem_is_listed_and_nothing_is_written(data_dir: Path, tmp_path: Path) -> None:
    before = digest(gpkg_path(data_dir))
    frame = official_katatsu(data_dir)
    frame.loc[1, "status"] = "for sale"
    frame.loc[2, "park_id"] = "kanazawa-port"
    frame.loc[3, "geometry"] = frame.geometry[4]  # overlaps lot 5 exactly
    bowtie = Polygon([(136.64, 36.63), (136.641, 36.631), (136.641, 36.63), (136.64, 36.631)])
    frame.loc[5, "geometry"] = bowtie
    far = affinity.translate(frame.geometry[6], xoff=0.1)  # about 9 km east
    frame.loc[6, "geometry"] = far
    frame.loc[7, "lot_no"] = frame.loc[8, "lot_no"]
    path = write(frame, tmp_path / "bad.gpkg")
    with pytest.raises(LotImportError) as info:
        prepare_lot_import(path, data_dir)
    text = "\n".join(info.value.problems)
    assert "unknown status 'for sale'" in text
    assert "unknown park_id 'kanazawa-port'" in text
    assert "invalid geometry (Self-intersection" in text
    assert "lies outside every park" in text
    assert "overlap by" in text
    assert "appears more than once" in text
    assert digest(gpkg_path(data_dir)) == before


def test_missing_columns_are_named(data_dir: Path, tmp_path: Path) -> None:
    frame = official_katatsu(data_dir).drop(columns=["status", "lot_no"])
    with pytest.raises(LotImportError, match=r"missing column.*lot_no.*status"):
        prepare_lot_import(write(frame, tmp_path / "x.gpkg"), data_dir)


def test_a_wrongly_declared_crs_is_caught(data_dir: Path, tmp_path: Path) -> None:
    frame = official_katatsu(data_dir)
    lying = frame.set_crs(METRIC_CRS, allow_override=True)  # degrees read as metres
    with pytest.raises(LotImportError, match="is the file's CRS right"):
        prepare_lot_import(write(lying, tmp_path / "x.gpkg"), data_dir)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_file_without_crs_is_rejected(data_dir: Path, tmp_path: Path) -> None:
    frame = official_katatsu(data_dir)
    # a shapefile without its .prj has no CRS at all
    shp = tmp_path / "nocrs.shp"
    frame.set_crs(None, allow_override=True).to_file(shp)
    shp.with_suffix(".prj").unlink(missing_ok=True)
    with pytest.raises(LotImportError, match="no CRS"):
        prepare_lot_import(shp, data_dir)


def test_a_lot_in_another_park_than_declared_is_caught(data_dir: Path, tmp_path: Path) -> None:
    frame = official_katatsu(data_dir)
    frame.loc[0, "park_id"] = "inaho"
    with pytest.raises(LotImportError, match="declared in park inaho but lies in katatsu"):
        prepare_lot_import(write(frame, tmp_path / "x.gpkg"), data_dir)


def test_missing_file_is_a_clear_error(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(LotImportError, match="file not found"):
        prepare_lot_import(tmp_path / "nope.gpkg", data_dir)


def test_zipped_shapefile_is_read(data_dir: Path, tmp_path: Path) -> None:
    import zipfile

    frame = official_katatsu(data_dir)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    frame.to_file(shp_dir / "lots.shp")
    archive = tmp_path / "lots.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    plan = prepare_lot_import(archive, data_dir)
    assert "katatsu/1" in plan.diff_text()


def test_a_failed_write_leaves_the_old_data(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = prepare_lot_import(write(official_katatsu(data_dir), tmp_path / "l.gpkg"), data_dir)
    before = digest(gpkg_path(data_dir))
    import geo.io

    calls = {"n": 0}
    real = geo.io._write_one

    def fail_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(geo.io, "_write_one", fail_second)
    with pytest.raises(OSError, match="disk full"):
        apply_lot_import(plan, data_dir)
    assert digest(gpkg_path(data_dir)) == before
    assert not list(data_dir.glob("*.tmp.gpkg"))


def test_imported_layer_is_stored_in_wgs84(data_dir: Path, tmp_path: Path) -> None:
    frame = official_katatsu(data_dir).to_crs(METRIC_CRS)
    plan = prepare_lot_import(write(frame, tmp_path / "m.gpkg"), data_dir)
    apply_lot_import(plan, data_dir)
    assert load_layers(data_dir).lots.crs == WEB_CRS
