"""Planner: city-wide suitability overlay at 10 m vs a per-cell Python loop; slope vs gdaldem.

1. **Suitability at 10 m.** One full city-wide run writes the criteria and exclusion
   rasters (2,300 x 3,700 cells). Timed: :func:`overlay_from_rasters`, which reads them
   window by window, applies the exclusions, scores every criterion and makes the
   weighted overlay in memory. Peer: a plain Python loop over the same cells, every cell
   of the grid, doing the same per-cell arithmetic on the same rasters (read whole, read
   time counted; each raster row turned into a Python list first, which is the fast way
   to loop in plain Python); neither writes its result. The two results are checked
   equal on every cell before anything is timed. Timings are interleaved (a loop run,
   then several of ours, repeated) and the medians reported, so a busy machine slows
   both sides alike.
2. **Slope.** A synthetic 4,000 x 4,000 DEM (10 m cells, a tilted plane with waves and
   noise) written once; ours (:func:`geo.raster.slope_from_dem`) and ``gdaldem slope
   -compute_edges`` each read it and write a tiled float32 GeoTIFF, in the same run;
   interleaved, median of ``REPEATS``. The two outputs are compared cell by cell
   (interior) first. Skipped with a message when ``gdaldem`` (Debian ``gdal-bin``) is
   absent.
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
REPEATS = 5
LOOP_REPEATS = 3
"""Runs of the per-cell loop (about 5 s each); ours runs ``OURS_PER_LOOP`` times per loop run."""
OURS_PER_LOOP = 5
DEM_SIZE = 4000


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _interleaved(
    ours: Callable[[], Any], peer: Callable[[], Any], rounds: int, ours_per_round: int = 1
) -> tuple[float, float]:
    """Median seconds of ours and of the peer, their runs interleaved round by round."""
    ours_s: list[float] = []
    peer_s: list[float] = []
    for _ in range(rounds):
        peer_s.append(_timed(peer))
        ours_s.extend(_timed(ours) for _ in range(ours_per_round))
    return float(np.median(ours_s)), float(np.median(peer_s))


def _loop(
    arrays: dict[str, np.ndarray],
    bits: np.ndarray,
    used: dict[str, float],
    lut: dict[int, float],
) -> list[list[float]]:
    """The plain way: visit each cell, skip it if excluded, score each criterion, sum.

    Same rules as :mod:`parks.planning.criteria`, written as scalar Python over one raster
    row at a time as Python lists.
    """
    from parks.planning import criteria as c

    total_w = sum(used.values())
    weights = [(name, w / total_w) for name, w in used.items()]
    rules = {
        "interchange_minutes": (c.INTERCHANGE_GOOD_MIN, c.INTERCHANGE_BAD_MIN),
        "park_distance": (c.PARK_GOOD_KM, c.PARK_BAD_KM),
    }
    unknown = [name for name in used if name not in rules and name != "landcover"]
    if unknown:
        msg = f"no loop rule for {unknown}"
        raise ValueError(msg)
    height, width = bits.shape
    out = []
    for r in range(height):
        row_bits = bits[r].tolist()
        row = {name: arrays[name][r].tolist() for name in used}
        scored = [math.nan] * width
        for col in range(width):
            if row_bits[col] != 0:
                continue
            total = 0.0
            for name, w in weights:
                v = row[name][col]
                if name == "landcover":
                    s = lut.get(int(v), math.nan) if v == v else math.nan
                else:
                    good, bad = rules[name]
                    s = min(1.0, max(0.0, (bad - v) / (bad - good)))
                total += w * s
            scored[col] = total
        out.append(scored)
    return out


def suitability_rows(tmp: Path) -> Iterator[dict[str, Any]]:
    """Time the 10 m overlay against the per-cell loop, on every cell of the same grid."""
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
    lut = {c.value: c.score for c in LANDCOVER_CLASSES if c.score is not None}
    looped: list[list[float]] = []

    def loop() -> None:
        arrays = {}
        for name in used:
            with rasterio.open(out / "criteria" / f"{name}.tif") as src:
                arrays[name] = src.read(1)
        with rasterio.open(out / "exclusion.tif") as src:
            bits = src.read(1)
        looped[:] = _loop(arrays, bits, used, lut)

    def ours() -> Any:
        return overlay_from_rasters(out, used, write=False)

    ours_score = np.asarray(ours(), dtype=np.float64)
    loop()
    theirs = np.array(looped, dtype=np.float64)
    scored = ~np.isnan(ours_score)
    if not (
        np.array_equal(np.isnan(theirs), ~scored)
        and np.allclose(theirs[scored], ours_score[scored], atol=1e-5)
    ):
        msg = "the per-cell loop and the overlay disagree"
        raise AssertionError(msg)
    ours_s, loop_s = _interleaved(ours, loop, LOOP_REPEATS, OURS_PER_LOOP)
    yield {
        "name": (
            f"suitability overlay, city-wide {cells:,} cells of 10 m ({int(scored.sum()):,} "
            f"scored; windowed read + score; median of {LOOP_REPEATS * OURS_PER_LOOP}, "
            f"interleaved; full run incl. criteria {full_s:.1f} s)"
        ),
        "value": round(ours_s, 4),
        "unit": "s",
        "peer": (
            f"plain per-cell Python loop over the same {cells:,} cells, rows as lists, "
            f"rasters read whole (equal results checked on every cell; median of {LOOP_REPEATS})"
        ),
        "peer_value": round(loop_s, 3),
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

    slope_from_dem(dem, ours_out)
    run_gdaldem()
    with rasterio.open(ours_out) as a, rasterio.open(theirs_out) as b:
        diff = np.abs(a.read(1)[1:-1, 1:-1] - b.read(1)[1:-1, 1:-1])
    if float(diff.max()) > 0.01:
        msg = f"slope differs from gdaldem by up to {float(diff.max()):.4f} degrees"
        raise AssertionError(msg)
    ours, theirs = _interleaved(lambda: slope_from_dem(dem, ours_out), run_gdaldem, REPEATS)
    yield {
        "name": (
            f"slope of a {DEM_SIZE:,} x {DEM_SIZE:,} DEM (Horn, degrees, GeoTIFF in and out; "
            f"median of {REPEATS}, interleaved)"
        ),
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
