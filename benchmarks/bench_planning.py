"""Planner: city-wide suitability overlay at 10 m vs a per-cell Python loop; slope vs gdaldem.

1. **Suitability at 10 m.** One full city-wide run writes the criteria and exclusion
   rasters (2,300 x 3,700 cells). Timed: :func:`overlay_from_rasters`, which reads them
   window by window, applies the exclusions, scores every criterion and makes the
   weighted overlay in memory. Peer: a plain Python loop over cells doing the same
   per-cell arithmetic on the same rasters (read whole, read time counted); neither
   writes its result. The loop is timed on a
   fixed random sample of ``LOOP_SAMPLE`` cells and scaled per cell to the whole grid;
   its results on the sample are checked to equal ours before the row is printed.
2. **Slope.** A synthetic 4,000 x 4,000 DEM (10 m cells, a tilted plane with waves and
   noise) written once; ours (:func:`geo.raster.slope_from_dem`) and ``gdaldem slope
   -compute_edges`` each read it and write a tiled float32 GeoTIFF, in the same run; best
   of ``REPEATS``. The two outputs are compared cell by cell (interior) first. Skipped
   with a message when ``gdaldem`` (Debian ``gdal-bin``) is absent.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LOOP_SAMPLE = 200_000
REPEATS = 3
DEM_SIZE = 4000


def _best(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _loop(
    cells: list[tuple[int, int]],
    arrays: dict[str, np.ndarray],
    bits: np.ndarray,
    used: dict[str, float],
    lut: dict[int, float],
) -> list[float]:
    """The plain way: visit each cell, skip it if excluded, score each criterion, sum.

    Same rules as :mod:`parks.planning.criteria`, written as scalar Python.
    """
    out = []
    for r, c in cells:
        if bits[r, c] != 0:
            out.append(math.nan)
            continue
        total = 0.0
        for name, w in used.items():
            v = float(arrays[name][r, c])
            if name == "interchange_minutes":
                s = min(1.0, max(0.0, (30.0 - v) / 25.0))
            elif name == "park_distance":
                s = min(1.0, max(0.0, (10.0 - v) / 10.0))
            elif name == "landcover":
                s = lut.get(int(v), math.nan) if v == v else math.nan
            else:
                msg = f"no loop rule for {name}"
                raise ValueError(msg)
            total += w * s
        out.append(total)
    return out


def suitability_rows(tmp: Path) -> Iterator[dict[str, Any]]:
    """Time the 10 m overlay against the per-cell loop."""
    import rasterio

    from parks.data import load_layers
    from parks.planning.data import load_planning
    from parks.planning.landcover import LANDCOVER_CLASSES
    from parks.planning.suitability import overlay_from_rasters, suitability
    from parks.planning.weights import default_weights

    layers = load_layers(DATA_DIR)
    planning = load_planning(DATA_DIR)
    out = tmp / "suit10"
    start = time.perf_counter()
    result = suitability(layers, planning, out, cell_m=10.0)
    full_s = time.perf_counter() - start
    used = default_weights().used(set(result.weights_used))
    used = {k: v for k, v in used.items() if k in result.weights_used}
    cells = result.grid.width * result.grid.height
    ours = _best(lambda: overlay_from_rasters(out, used, write=False), repeats=5)

    read_start = time.perf_counter()
    arrays = {}
    for name in used:
        with rasterio.open(out / "criteria" / f"{name}.tif") as src:
            arrays[name] = src.read(1)
    with rasterio.open(out / "exclusion.tif") as src:
        bits = src.read(1)
    read_s = time.perf_counter() - read_start
    with rasterio.open(out / "suitability.tif") as src:
        ours_score = src.read(1)
    lut = {c.value: c.score for c in LANDCOVER_CLASSES if c.score is not None}
    rng = np.random.default_rng(0)
    flat = rng.choice(cells, size=min(LOOP_SAMPLE, cells), replace=False)
    rows, cols = np.divmod(flat, result.grid.width)
    cells_sample = list(zip(rows.tolist(), cols.tolist(), strict=True))
    looped: list[float] = []

    def loop() -> None:
        looped[:] = _loop(cells_sample, arrays, bits, used, lut)

    loop_s = _best(loop, repeats=5)  # best of five, as ours
    looped_arr = np.array(looped, dtype=np.float64)
    theirs = ours_score[rows, cols].astype(np.float64)
    same_nan = np.array_equal(np.isnan(looped_arr), np.isnan(theirs))
    close = np.allclose(looped_arr[~np.isnan(theirs)], theirs[~np.isnan(theirs)], atol=1e-5)
    if not (same_nan and close):
        msg = "the per-cell loop and the overlay disagree on the sample"
        raise AssertionError(msg)
    peer = read_s + loop_s / len(flat) * cells
    yield {
        "name": f"suitability overlay, city-wide {cells:,} cells of 10 m (windowed; full run incl. criteria {full_s:.1f} s)",
        "value": round(ours, 3),
        "unit": "s",
        "peer": f"plain per-cell Python loop, timed on {len(flat):,} sampled cells (equal results checked) and scaled",
        "peer_value": round(peer, 3),
    }


def _synthetic_dem(path: Path) -> None:
    import rasterio
    from affine import Affine

    rng = np.random.default_rng(1)
    x = np.arange(DEM_SIZE, dtype=np.float64) * 10.0
    z = np.add.outer(np.sin(np.arange(DEM_SIZE) / 40.0) * 25.0, 0.08 * x)
    z += rng.normal(0.0, 0.3, z.shape)
    profile = {
        "driver": "GTiff",
        "width": DEM_SIZE,
        "height": DEM_SIZE,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:6675",
        "transform": Affine(10.0, 0, -45_000.0, 0, -10.0, 70_000.0),
        "nodata": -9999.0,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z.astype("float32"), 1)


def slope_rows(tmp: Path) -> Iterator[dict[str, Any]]:
    """Time our slope against gdaldem slope on the same synthetic DEM."""
    import rasterio

    from geo.raster import slope_from_dem

    gdaldem = shutil.which("gdaldem")
    if gdaldem is None:
        print(
            "bench_planning: gdaldem not found (apt-get install gdal-bin); slope row skipped",
            file=sys.stderr,
        )
        return
    dem = tmp / "dem.tif"
    _synthetic_dem(dem)
    ours_out, theirs_out = tmp / "ours.tif", tmp / "gdaldem.tif"

    def run_gdaldem() -> None:
        subprocess.run(
            [
                gdaldem,
                "slope",
                str(dem),
                str(theirs_out),
                "-compute_edges",
                "-q",
                "-co",
                "TILED=YES",
            ],
            check=True,
        )

    ours = _best(lambda: slope_from_dem(dem, ours_out))
    theirs = _best(run_gdaldem)
    with rasterio.open(ours_out) as a, rasterio.open(theirs_out) as b:
        diff = np.abs(a.read(1)[1:-1, 1:-1] - b.read(1)[1:-1, 1:-1])
    if float(diff.max()) > 0.01:
        msg = f"slope differs from gdaldem by up to {float(diff.max()):.4f} degrees"
        raise AssertionError(msg)
    yield {
        "name": f"slope of a {DEM_SIZE:,} x {DEM_SIZE:,} DEM (Horn, degrees, GeoTIFF in and out)",
        "value": round(ours, 3),
        "unit": "s",
        "peer": "gdaldem slope -compute_edges (same DEM, same run; interior equal within 0.01 deg)",
        "peer_value": round(theirs, 3),
    }


def run() -> Iterator[dict[str, Any]]:
    """Yield one row per measurement (see benchmarks/__main__.py)."""
    with tempfile.TemporaryDirectory(prefix="bench-planning-") as tmp:
        yield from slope_rows(Path(tmp))
        yield from suitability_rows(Path(tmp))
