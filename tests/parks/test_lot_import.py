"""Importing an official lot layer: read from memory, every problem listed, one-transaction swap."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely import affinity

from geo.crs import METRIC_CRS
from parks.data import load_layers
from parks.errors import LotImportError
from parks.inventory import CurrentLayers, open_store
from parks.lot_import import (
    MAX_PROBLEMS,
    apply_lot_import,
    compute_drive_times,
    prepare_lot_import,
)
from tests.conftest import DATA_DIR


@pytest.fixture(scope="module")
def baseline():
    return load_layers(DATA_DIR)


def katatsu(baseline) -> gpd.GeoDataFrame:
    """Katatsu's lots as the city might send them, one back on sale."""
    lots = baseline.lots_of("katatsu")
    frame = lots[["park_id", "lot_no", "status", "geometry"]].copy().reset_index(drop=True)
    frame.loc[0, "status"] = "available"
    frame["source"] = "金沢市 企業立地課, lot plan 2026-11"
    return frame


def gpkg_bytes(frame: gpd.GeoDataFrame, tmp_path: Path) -> bytes:
    path = tmp_path / "lots.gpkg"
    frame.to_file(path, driver="GPKG")
    return path.read_bytes()


def problems_of(data: bytes, name: str, layers) -> str:
    with pytest.raises(LotImportError) as info:
        prepare_lot_import(data, name, layers)
    return "\n".join(info.value.problems)


def test_every_problem_is_listed_with_row_numbers(baseline, tmp_path: Path) -> None:
    frame = katatsu(baseline)
    frame["available_from"] = "2026-12-01"
    frame.loc[1, "available_from"] = "2021-02-30"  # impossible date must not hide the rest
    frame.loc[2, "status"] = "for sale"
    frame.loc[3, "park_id"] = "kanazawa-port"
    frame.loc[4, "lot_no"] = "a/b/../c"
    frame.loc[5, "lot_no"] = "x" * 5000
    frame.loc[6, "lot_no"] = "a\nb"
    frame.loc[7, "lot_no"] = ""
    frame.loc[8, "geometry"] = frame.geometry[9]  # overlaps row 10 exactly
    sliver = shapely.Polygon([(136.64, 36.63), (136.6401, 36.63), (136.64, 36.63 + 1e-9)])
    frame.loc[11, "geometry"] = sliver
    frame.loc[12, "geometry"] = affinity.translate(frame.geometry[12], xoff=0.1)  # 9 km east
    frame.loc[14, "lot_no"] = frame.loc[15, "lot_no"]
    text = problems_of(gpkg_bytes(frame, tmp_path), "bad.gpkg", baseline)
    assert "row 2: available_from '2021-02-30' is not a date" in text
    assert "row 3: unknown status 'for sale'" in text
    assert "row 4: unknown park_id 'kanazawa-port'" in text
    assert "row 5: lot_no 'a/b/../c' is not a lot number" in text
    assert "row 6: lot_no 'xxxxxx" in text
    assert "row 7: lot_no 'a\\nb' is not a lot number" in text
    assert "row 8: lot_no None is not a lot number" in text
    assert "rows 9 and 10 overlap by" in text
    assert "row 12: the outline covers" in text or "row 12: invalid outline" in text
    assert "row 13: lies outside every park" in text
    assert "appears already in row" in text
    assert len(text) < 5000  # the 5,000-character lot number is cut short


def test_attribute_only_files_get_a_clear_message(baseline, tmp_path: Path) -> None:
    frame = katatsu(baseline)
    csv = frame.drop(columns="geometry").to_csv(index=False).encode()
    assert "The CSV has no geometry" in problems_of(csv, "lots.csv", baseline)
    path = tmp_path / "table.gpkg"
    gpd.pd.DataFrame(frame.drop(columns="geometry")).to_csv(tmp_path / "x.csv")
    import pyogrio

    pyogrio.write_dataframe(gpd.pd.DataFrame(frame.drop(columns="geometry")), path, layer="t")
    assert "only attribute tables" in problems_of(path.read_bytes(), "table.gpkg", baseline)
    assert "unknown file kind" in problems_of(b"hello", "notes.txt.exe", baseline)


def test_csv_with_wkt_and_zipped_shapefile_are_read(baseline, tmp_path: Path) -> None:
    frame = katatsu(baseline)
    csv = frame.assign(wkt=frame.geometry.to_wkt()).drop(columns="geometry")
    plan = prepare_lot_import(csv.to_csv(index=False).encode("utf-8"), "lots.csv", baseline)
    assert "katatsu/1: status sold → available" in plan.diff_text()
    shp = tmp_path / "shp" / "lots.shp"
    shp.parent.mkdir()
    frame.to_crs(METRIC_CRS).to_file(shp, engine="pyogrio")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in shp.parent.iterdir():
            archive.write(part, f"folder/{part.name}")  # inside a folder, as Windows zips do
    plan = prepare_lot_import(buffer.getvalue(), "lots.zip", baseline)
    assert len(plan.lots) == len(frame)


def test_overlap_check_is_indexed_and_bounded(baseline) -> None:
    lot = baseline.lots_of("katatsu").geometry.iloc[0]
    frame = gpd.GeoDataFrame(
        {
            "park_id": ["katatsu"] * 1500,
            "lot_no": [f"X{i}" for i in range(1500)],
            "status": ["available"] * 1500,
        },
        geometry=[lot] * 1500,  # every lot on top of every other: 1.1 million pairs
        crs="EPSG:4326",
    )
    start = time.perf_counter()
    text = problems_of(frame.to_json().encode(), "lots.geojson", baseline)
    assert time.perf_counter() - start < 20
    assert "the check stopped after 50 pairs" in text
    assert len(text.splitlines()) <= MAX_PROBLEMS + 1


def test_apply_swaps_lots_and_drive_times_at_once(baseline, tmp_path: Path) -> None:
    store = open_store(instance_dir=tmp_path / "store", data_dir=DATA_DIR)
    current = CurrentLayers(store, baseline)
    layers = current.get()
    frame = katatsu(baseline)
    gone = f"katatsu/{frame.loc[17, 'lot_no']}"
    frame = frame.drop(index=17)  # one lot removed
    plan = prepare_lot_import(
        frame.to_json().encode(), "lots.geojson", layers, base_revision=current.revision
    )
    assert plan.removed == [gone]
    drive = compute_drive_times(plan, layers)
    apply_lot_import(store, plan, drive, user="admin")
    after = current.get()
    assert after.lot("katatsu/1")["status"] == "available"
    assert gone not in set(after.lots["lot_id"])
    access = after.optional("lot_access")
    assert set(access["lot_id"]) == set(after.lots["lot_id"])
    # a second apply of the same (now stale) plan is refused
    with pytest.raises(LotImportError, match="changed since this dry run"):
        apply_lot_import(store, plan, drive, user="admin")
    store.dispose()
